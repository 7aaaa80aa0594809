"""Where an index lives: a SQLite file (the default) or a Redis server, chosen by a URL.

Every place that names an index (``Index(...)``, the ``rewrite-detect index`` commands) takes

* a plain path (``news.db``) or ``sqlite:///news.db`` (``sqlite:////abs/news.db`` for an
  absolute path), or ``:memory:``: a SQLite file, :class:`rewrite_detect.storage.Store`;
* ``redis://[:password@]host:port/db[?prefix=name]`` (or ``rediss://`` for TLS): a Redis
  server, :class:`rewrite_detect.redis_store.RedisStore` (extra ``[redis]``). ``prefix``
  namespaces the keys, so that one Redis database can hold several indexes.

Both backends satisfy :class:`IndexStore`, the handful of methods :class:`~rewrite_detect.Index`
calls; the banding table itself is always built in the reading process's memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from rewrite_detect.config import IndexConfig
from rewrite_detect.errors import ConfigError
from rewrite_detect.models import Document
from rewrite_detect.storage import Batch, Store, StoredPassages

__all__ = ["IndexStore", "local_path", "open_store"]

_REDIS_SCHEMES = ("redis", "rediss")


class IndexStore(Protocol):
    """What :class:`~rewrite_detect.Index` needs from a storage backend."""

    path: str
    """The index's name in messages (a file path, or a URL without its password)."""
    config: IndexConfig

    def close(self) -> None:
        """Release the file or connection."""

    def __len__(self) -> int: ...

    def __contains__(self, doc_id: object) -> bool: ...

    def put(self, batches: Iterable[Batch]) -> tuple[int, int]:
        """Insert or replace documents with their passages; return ``(added, replaced)``."""

    def delete(self, doc_id: str) -> bool:
        """Remove a document; return whether it was there."""

    def passages(self, *, band_major: bool = False) -> StoredPassages:
        """Live passages of every document, in the order they were added.

        ``bands`` is ``(P, bands)``, or ``(bands, P)`` with ``band_major``.
        """

    def check(self) -> list[str]:
        """Problems found in the stored data (none: an empty list)."""

    def documents(self) -> Iterator[tuple[int, Document]]:
        """Every stored document with its row id, in row order."""

    def document(self, doc_id: str) -> Document | None:
        """Return the stored document with this id, or ``None``."""

    def outlets_and_dates(self) -> dict[int, tuple[str | None, str | None, str]]:
        """``rowid -> (outlet, date, id)`` for every document."""

    def generation(self) -> int | None:
        """Return a number that changes whenever any process writes (``None``: not tracked)."""


def local_path(index: str | Path) -> str | None:
    """Return the SQLite file (or ``:memory:``) an index name denotes; ``None`` for a server.

    >>> local_path("sqlite:///news.db"), local_path("news.db"), local_path("redis://h:6379/0")
    ('news.db', 'news.db', None)
    """
    if isinstance(index, Path):
        return str(index)
    if index.startswith("sqlite://"):
        rest = index.removeprefix("sqlite://")
        if not rest.startswith("/"):
            msg = f"{index}: a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path"
            raise ConfigError(msg)
        return rest[1:]
    scheme = urlsplit(index).scheme if "://" in index else ""
    if scheme in _REDIS_SCHEMES:
        return None
    if scheme:
        msg = (
            f"{index}: unknown index URL scheme {scheme!r}; use a file path, sqlite:///PATH "
            "or redis://HOST:PORT/DB"
        )
        raise ConfigError(msg)
    return index


def open_store(
    index: str | Path,
    config: IndexConfig | None,
    fingerprint_of: Callable[[IndexConfig], str],
    *,
    timeout: float = 60.0,
) -> IndexStore:
    """Open (or create) the index that ``index`` names, on the backend its URL chooses."""
    path = local_path(index)
    if path is not None:
        return Store(path, config, fingerprint_of, timeout=timeout)
    from rewrite_detect.redis_store import RedisStore  # noqa: PLC0415 - optional extra

    return RedisStore(str(index), config, fingerprint_of, timeout=timeout)
