"""Preflight checks of an existing cluster (reusing the live probes)."""
