"""The diagnostics engine: `Engine`, `load_default_engine`, and the matchers behind them."""

from __future__ import annotations

from checks.acks import load_acks, parse_target
from checks.catalog_loader import load_catalog, user_catalog_dirs
from checks.engine.core import Acks, Engine, release_for_action
from checks.engine.matcher import ENV_MATCHER, HyperscanMatcher, PythonMatcher, make_matcher
from checks.engine.warm import engine_cache_dir


def load_default_engine(matcher: str | None = None, *, acks: bool = True,
                        ignore: tuple[str, ...] | list[str] = (), catalog_path=None,
                        catalog_dirs: tuple[str, ...] | list[str] = ()) -> Engine:
    """The full catalog (built in, the operator's own folder and this run's `--catalog
    DIR`s) with the best matcher available (or $PETSTORE_TUI_MATCHER), with the
    operator's acknowledgements and this run's `--ignore ID[:RESOURCE]` applied."""
    pairs: list[tuple[str, str | None]] = []
    if acks:
        pairs.extend((ack.id, ack.resource) for ack in load_acks())
    pairs.extend(parse_target(item) for item in ignore)
    cache_dir = engine_cache_dir()
    # the validated catalog and the compiled Hyperscan database are both kept there
    catalog = load_catalog(catalog_path, cache_dir=cache_dir, user_dirs=user_catalog_dirs(catalog_dirs))
    return Engine(catalog, matcher=matcher, acks=Acks(pairs), cache_dir=cache_dir)


__all__ = [
    "ENV_MATCHER", "Acks", "Engine", "HyperscanMatcher", "PythonMatcher",
    "engine_cache_dir", "load_default_engine", "make_matcher", "release_for_action",
]
