"""Static preflight checks of a checkout of this repository."""
