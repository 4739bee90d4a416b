"""graderd: replays task specs against the action log and awards practical points, with evidence."""

__version__ = "0.1.0"
