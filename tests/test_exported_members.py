"""The public API is exactly what __all__ says."""

from __future__ import annotations

import rewrite_detect


def test_all_is_exact() -> None:
    """__all__ lists every public name, and every listed name exists."""
    public = {name for name in dir(rewrite_detect) if not name.startswith("_")}
    modules = {
        "align", "classify", "cli", "config", "errors", "index", "ingest", "minhash", "models",
        "normalize", "pipeline", "quotes", "report", "segmentation", "storage",
        "check", "cli_check", "formats", "html_report", "policy",
        "backends", "redis_store", "spark",
        "evaluation", "passages", "semantic",
    }  # fmt: skip
    assert set(rewrite_detect.__all__) - {"__version__"} == public - modules
    for name in rewrite_detect.__all__:
        assert hasattr(rewrite_detect, name)


def test_errors_share_one_root() -> None:
    """Every exported exception derives from RewriteDetectError."""
    for name in rewrite_detect.__all__:
        obj = getattr(rewrite_detect, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, rewrite_detect.RewriteDetectError)


def test_public_names_are_documented() -> None:
    """Every exported class and function has a docstring."""
    for name in rewrite_detect.__all__:
        obj = getattr(rewrite_detect, name)
        if callable(obj):
            assert obj.__doc__, name
