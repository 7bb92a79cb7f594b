"""Drills: plant a headline failure for real in the sandbox, and undo it (no Textual here).
The base class is in base.py, the list the app offers in registry.py."""
