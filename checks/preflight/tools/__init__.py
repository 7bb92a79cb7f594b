"""Preflight checks of the tools on this machine."""
