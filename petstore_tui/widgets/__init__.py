"""Widgets: render what they are given and emit messages; no I/O."""
