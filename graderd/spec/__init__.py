"""The task-spec language: loading (``source``), the problems an author is told of (``problems``)."""
