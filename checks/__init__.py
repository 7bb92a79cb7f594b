"""Known failures of the Pet Store deployment: the catalog, the diagnostics engine, probes and preflight checks."""
