"""`petstore-tui catalog warm [--catalog DIR]`: compile the catalog into the state folder's
cache now, so the first `diagnose`, drill or troubleshooting panel does not wait for it."""

from __future__ import annotations

import argparse
import sys


def add_warm_parser(actions) -> argparse.ArgumentParser:
    return actions.add_parser(
        "warm", help="compile the catalog now (once per catalog and machine; ./dev setup runs it)",
        description="Compile the catalog's signatures into the state folder's cache (the one every "
                    "command reads), with your own entries and each --catalog DIR, so the first "
                    "diagnose, drill or troubleshooting panel starts at once. Waits for a compile "
                    "under way elsewhere instead of doing it twice. Each catalog keeps a set of "
                    "databases (~3.2 MB for the built-in one); storing a new set removes the sets "
                    "past the three used last that no command used for an hour, and the compiled "
                    "regexes and validated catalog folders past the three and six used last "
                    "likewise. Exit 0 ready, 2 "
                    "the catalog does not load.")


def warm(args: argparse.Namespace) -> int:
    # start-up: `catalog --help` does not load the engine
    from checks.engine import load_default_engine
    from checks.engine.warm import COMPILING, READY, catalog_state, warm

    dirs = getattr(args, "catalog", None) or ()
    state = catalog_state(dirs)
    if state == READY:
        print("catalog ready: its compiled form is cached in the state folder")
        return 0
    if state == COMPILING:
        print("another petstore-tui is compiling the catalog: waiting for it", file=sys.stderr, flush=True)
    else:
        print("compiling the catalog (first run for this catalog and machine: about 35 s of CPU, "
              "minutes on a busy machine)", file=sys.stderr, flush=True)
    compiled, seconds = warm(lambda: load_default_engine(acks=False, catalog_dirs=dirs))
    print(f"catalog ready: {'compiled' if compiled else 'loaded'} in {seconds:.1f} s, cached in the state folder")
    return 0
