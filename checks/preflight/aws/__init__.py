"""Preflight checks of AWS access: credentials, identity, region, EC2 reachable."""
