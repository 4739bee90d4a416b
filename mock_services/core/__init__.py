"""Pieces every service shares: settings, database, action log, blobs, accounts, sessions, errors, page shell."""
