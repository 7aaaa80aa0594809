"""Exceptions raised by rewrite_detect.

Every error the library raises on purpose derives from :class:`RewriteDetectError`, and each
subclass also derives from the builtin that best describes it, so ``except ValueError`` keeps
working for callers that do not know this package::

    RewriteDetectError(Exception)
    ├── InputError(RewriteDetectError, ValueError)      bad document: empty, binary, undecodable
    │   └── DocumentNotFoundError(InputError, FileNotFoundError)
    ├── ConfigError(RewriteDetectError, ValueError)     bad threshold or option
    │   └── IndexMismatchError(ConfigError)             index built with other settings
    ├── IndexCorruptError(RewriteDetectError, OSError)  index file unreadable or damaged
    ├── IndexBusyError(RewriteDetectError, TimeoutError) index locked by another writer
    └── IndexUnavailableError(RewriteDetectError, ConnectionError)  index server unreachable

Messages say what was wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DocumentNotFoundError",
    "IndexBusyError",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexUnavailableError",
    "InputError",
    "RewriteDetectError",
]


class RewriteDetectError(Exception):
    """Root of every error rewrite_detect raises on purpose."""


class InputError(RewriteDetectError, ValueError):
    """A document could not be read or has no usable text."""


class DocumentNotFoundError(InputError, FileNotFoundError):
    """A document path does not exist or is not a readable file."""


class ConfigError(RewriteDetectError, ValueError):
    """A configuration value is out of range or inconsistent."""


class IndexMismatchError(ConfigError):
    """An index was built with another configuration or normaliser version."""


class IndexCorruptError(RewriteDetectError, OSError):
    """An index file cannot be read: not an index, truncated or damaged."""


class IndexBusyError(RewriteDetectError, TimeoutError):
    """Another process held the index's write lock for longer than the timeout."""


class IndexUnavailableError(RewriteDetectError, ConnectionError):
    """The server holding an index (Redis) cannot be reached or refused a command."""
