"""Preflight: one small check class a file (tools/, aws/, config/, cluster/), listed in
registry.ALL_CHECKS, run concurrently by runner.run_preflight.

This __init__ imports none of its modules: the live probes (checks/probes/) share
context.CheckContext, and the cluster checks use the probes, so a re-export of the runner
here would close an import circle through this package."""
