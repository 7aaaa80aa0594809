"""Storage on a Redis server: one index shared by many worker processes and machines.

The layout mirrors the SQLite one (:mod:`rewrite_detect.storage`): passages are written in
**segments**, one per batch of documents, each a Redis hash of three little-endian buffers
(row ids, spans, band keys) and their checksum. Keys, under a prefix (``rewrite_detect:`` by
default; ``?prefix=`` in the URL):

``meta`` (hash)
    ``format_version``, ``config`` (JSON), ``fingerprint``; written once, checked on connect.
``seq:doc``, ``seq:seg`` (counters)
    Row ids and segment ids, taken with ``INCRBY``: writers never collide.
``ids`` (hash)
    Document id → row id.
``rows`` (hash)
    Row id → JSON ``[outlet, date, id, passages, segment]``: what candidate grouping needs,
    in one ``HGETALL``.
``doc:<id>`` (hash)
    The document's fields (``text``, ``outlet``, ...).
``seg:<n>`` (hash), ``segsize`` and ``seglive`` (hashes: segment → passages, live passages)
    Segments, and the bookkeeping that tells when one is mostly dead and is rewritten.
``gen`` (counter)
    Bumped by every write, so that readers know when to reload their banding table.

Why segments rather than one Redis set per band bucket: with 32 bands a passage would cost 32
writes, and the candidate search needs every bucket anyway; a segment is one write per batch,
and a reader loads the whole index in a few large reads. Each batch is one ``MULTI``/``EXEC``
transaction (a Lua script inside it swaps the ids of replaced documents), so concurrent writers
see each other's batches whole or not at all; an ``add`` of many batches is not one
transaction, unlike SQLite's: a writer killed half-way leaves the batches it finished.
Standalone Redis only (the script names keys it computes, which Redis Cluster forbids).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import numpy as np

from rewrite_detect.config import IndexConfig
from rewrite_detect.errors import ConfigError, IndexCorruptError, IndexUnavailableError
from rewrite_detect.models import Document
from rewrite_detect.storage import (
    FORMAT_VERSION,
    Batch,
    StoredPassages,
    _segment_row,
    check_meta,
    decode_segment,
    joined_passages,
)

__all__ = ["DEFAULT_PREFIX", "RedisStore"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

DEFAULT_PREFIX = "rewrite_detect:"
_CHUNK = 500
_FIELDS = ("id", "outlet", "url", "date", "title", "text")

# Drop the previous versions of the documents named in ARGV (prefix, then id/new row id
# pairs; an empty row id deletes) and point their ids at the new rows. Returns how many existed.
_SWAP = """
local p = ARGV[1]
local found = 0
for i = 2, #ARGV, 2 do
  local id, new = ARGV[i], ARGV[i + 1]
  local old = redis.call('HGET', p .. 'ids', id)
  if old then
    found = found + 1
    local d = p .. 'doc:' .. id
    local seg = redis.call('HGET', d, 'segment')
    local n = redis.call('HGET', d, 'passages')
    if seg and n then redis.call('HINCRBY', p .. 'seglive', seg, -tonumber(n)) end
    redis.call('HDEL', p .. 'rows', old)
    redis.call('DEL', d)
  end
  if new == '' then
    redis.call('HDEL', p .. 'ids', id)
  else
    redis.call('HSET', p .. 'ids', id, new)
  end
end
return found
"""


def _guarded(
    method: Callable[Concatenate[RedisStore, _P], _R],
) -> Callable[Concatenate[RedisStore, _P], _R]:
    """Turn redis-py's connection and server errors into :class:`IndexUnavailableError`."""

    @functools.wraps(method)
    def run(self: RedisStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except self._errors as exc:
            msg = (
                f"{self.path}: Redis failed ({type(exc).__name__}: {exc}); check that the "
                "server is running and reachable, and the URL"
            )
            raise IndexUnavailableError(msg) from None

    return run


class RedisStore:
    """An index held by a Redis server; the same methods as :class:`~rewrite_detect.storage.Store`.

    Parameters
    ----------
    url : str
        ``redis://[:password@]host:port/db[?prefix=name]``.
    config : IndexConfig, optional
        Required to create a new index; for an existing one it must match the stored one.
    fingerprint_of : callable
        Maps a configuration to its fingerprint (which includes the normaliser version).
    timeout : float
        Seconds to wait for the server to answer one command.
    """

    def __init__(
        self,
        url: str,
        config: IndexConfig | None,
        fingerprint_of: Callable[[IndexConfig], str],
        *,
        timeout: float = 60.0,
    ) -> None:
        try:
            import redis  # noqa: PLC0415 - optional extra
        except ImportError:
            msg = f"{url}: a Redis index needs redis-py; pip install 'rewrite-detect[redis]'"
            raise ConfigError(msg) from None
        self._errors: tuple[type[Exception], ...] = (redis.exceptions.RedisError,)
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.prefix = query.pop("prefix", [DEFAULT_PREFIX])[-1]
        rest = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
        netloc = parts.netloc.rsplit("@", 1)[-1]
        self.path = urlunsplit(parts._replace(netloc=netloc))
        try:
            self._r: Any = redis.Redis.from_url(
                rest,
                socket_timeout=timeout,
                socket_connect_timeout=min(timeout, 10.0),
                # Article text may hold lone surrogates; SQLite keeps them, so must Redis.
                encoding_errors="surrogatepass",
            )
        except ValueError as exc:
            msg = f"{url}: not a Redis URL ({exc}); use redis://HOST:PORT/DB"
            raise ConfigError(msg) from None
        self._snapshot: dict[int, list[Any]] | None = None
        self.config = self._connect(config, fingerprint_of)

    def _key(self, name: str) -> str:
        return self.prefix + name

    @_guarded
    def _connect(
        self, config: IndexConfig | None, fingerprint_of: Callable[[IndexConfig], str]
    ) -> IndexConfig:
        stored = self._meta()
        if not stored:
            new = config or IndexConfig()
            # HSETNX inside MULTI: of two processes creating the index at once, one writes
            # every field and the other none; both then check what was stored.
            pipe = self._r.pipeline(transaction=True)
            for key, value in (
                ("format_version", str(FORMAT_VERSION)),
                ("config", json.dumps(new.to_dict(), sort_keys=True)),
                ("fingerprint", fingerprint_of(new)),
            ):
                pipe.hsetnx(self._key("meta"), key, value)
            pipe.execute()
            stored = self._meta()
        check_meta(self.path, stored, config, fingerprint_of)
        return config or IndexConfig.from_dict(json.loads(stored["config"]))

    def _meta(self) -> dict[str, str]:
        raw = self._r.hgetall(self._key("meta"))
        return {k.decode(): v.decode() for k, v in raw.items()}

    def close(self) -> None:
        """Close the connection pool."""
        self._r.close()

    @_guarded
    def generation(self) -> int:
        """Return the number of writes made to this index so far, by any process."""
        return int(self._r.get(self._key("gen")) or 0)

    @_guarded
    def __len__(self) -> int:
        return int(self._r.hlen(self._key("ids")))

    @_guarded
    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and bool(self._r.hexists(self._key("ids"), doc_id))

    @_guarded
    def put(self, batches: Iterable[Batch]) -> tuple[int, int]:
        """Insert or replace documents with their passages, one transaction per batch.

        Returns ``(added, replaced)``.
        """
        added = replaced = 0
        for batch in batches:
            a, r = self._put_batch(batch)
            added += a
            replaced += r
        self._compact()
        return added, replaced

    def _put_batch(self, batch: Batch) -> tuple[int, int]:
        last = {doc.id: k for k, doc in enumerate(batch.documents)}
        keep = sorted(last.values())
        if not keep:
            return 0, 0
        ids = self._r.pipeline(transaction=False)
        ids.incrby(self._key("seq:doc"), len(keep))
        ids.incr(self._key("seq:seg"))
        top, segment = (int(x) for x in ids.execute())
        first = top - len(keep) + 1
        rowid_of = np.full(len(batch.documents), -1, dtype=np.int64)
        rowid_of[keep] = np.arange(first, first + len(keep))
        passages = rowid_of[batch.doc]
        live = passages >= 0
        counts = np.bincount(batch.doc[live], minlength=len(batch.documents)).tolist()
        pipe = self._r.pipeline(transaction=True)
        swap: list[str | int] = [self.prefix]
        for k in keep:
            swap += [batch.documents[k].id, int(rowid_of[k])]
        pipe.eval(_SWAP, 0, *swap)
        rows: dict[int, str] = {}
        for k in keep:
            doc, rowid = batch.documents[k], int(rowid_of[k])
            fields: dict[str, str | int] = {
                name: value for name in _FIELDS if (value := getattr(doc, name)) is not None
            }
            fields["rowid"] = rowid
            fields["passages"] = counts[k]
            if counts[k]:
                fields["segment"] = segment
            pipe.hset(self._key(f"doc:{doc.id}"), mapping=fields)
            rows[rowid] = json.dumps(
                [doc.outlet, doc.date, doc.id, counts[k], segment if counts[k] else None]
            )
        pipe.hset(self._key("rows"), mapping=rows)
        if live.any():
            n, rowids, spans, bands, checksum = _segment_row(
                passages[live], batch.spans[live], batch.bands[live]
            )
            pipe.hset(
                self._key(f"seg:{segment}"),
                mapping={"rowids": rowids, "spans": spans, "bands": bands, "checksum": checksum},
            )
            pipe.hset(self._key("segsize"), segment, n)
            pipe.hincrby(self._key("seglive"), segment, n)
        pipe.incr(self._key("gen"))
        replaced = int(pipe.execute()[0])
        return len(keep) - replaced, replaced

    @_guarded
    def delete(self, doc_id: str) -> bool:
        """Remove a document; return whether it was there."""
        pipe = self._r.pipeline(transaction=True)
        pipe.eval(_SWAP, 0, self.prefix, doc_id, "")
        pipe.incr(self._key("gen"))
        found = int(pipe.execute()[0]) > 0
        if found:
            self._compact()
        return found

    def _compact(self) -> None:
        """Rewrite segments that are more than half dead passages; drop empty ones."""
        pipe = self._r.pipeline(transaction=True)
        pipe.hgetall(self._key("segsize"))
        pipe.hgetall(self._key("seglive"))
        size_raw, live_raw = pipe.execute()
        size = {int(k): int(v) for k, v in size_raw.items()}
        live = {int(k): int(v) for k, v in live_raw.items()}
        stale = [s for s, n in size.items() if live.get(s, 0) * 2 < n]
        if not stale:
            return
        alive = self._live()
        for segment in stale:
            pipe = self._r.pipeline(transaction=True)
            if live.get(segment, 0) <= 0:
                pipe.delete(self._key(f"seg:{segment}"))
                pipe.hdel(self._key("segsize"), segment)
                pipe.hdel(self._key("seglive"), segment)
                pipe.execute()
                continue
            found = self._segments([segment], alive)
            if not found:
                continue
            n, rowids, spans, bands, checksum = _segment_row(
                found[0].rowid, found[0].spans, found[0].bands
            )
            pipe.hset(
                self._key(f"seg:{segment}"),
                mapping={"rowids": rowids, "spans": spans, "bands": bands, "checksum": checksum},
            )
            pipe.hset(self._key("segsize"), segment, n)
            pipe.execute()

    def _live(self) -> np.ndarray:
        """Sorted row ids of the stored documents."""
        rows = self._r.hkeys(self._key("rows"))
        return np.sort(np.fromiter((int(r) for r in rows), dtype=np.int64, count=len(rows)))

    def _segments(self, segments: list[int], live: np.ndarray) -> list[StoredPassages]:
        """Segments' live passages; a segment gone meanwhile (compacted away) is skipped."""
        pipe = self._r.pipeline(transaction=False)
        for segment in segments:
            pipe.hmget(self._key(f"seg:{segment}"), "rowids", "spans", "bands", "checksum")
        out = []
        bands = self.config.bands
        for segment, (rowids, spans, keys, checksum) in zip(segments, pipe.execute(), strict=True):
            if rowids is None:
                continue
            out.append(
                decode_segment(
                    self.path,
                    segment,
                    (rowids, spans or b"", keys or b""),
                    checksum.decode() if checksum is not None else "",
                    bands,
                    live,
                )
            )
        return out

    @_guarded
    def passages(self, *, band_major: bool = False) -> StoredPassages:
        """Return the live passages of every document, in the order they were added.

        With ``band_major``, ``bands`` has shape ``(bands, P)``.
        """
        pipe = self._r.pipeline(transaction=True)
        pipe.hkeys(self._key("segsize"))
        pipe.hgetall(self._key("rows"))
        segments_raw, rows_raw = pipe.execute()
        # outlets_and_dates() answers from this same snapshot: with other processes writing
        # meanwhile, a fresh read could miss a document whose passages were just read.
        self._snapshot = {int(k): json.loads(v) for k, v in rows_raw.items()}
        live = np.array(sorted(self._snapshot), dtype=np.int64)
        found: list[StoredPassages] = []
        segments = sorted(int(s) for s in segments_raw)
        for lo in range(0, len(segments), _CHUNK):
            found += self._segments(segments[lo : lo + _CHUNK], live)
        return joined_passages(found, self.config.bands, band_major)

    def _rows(self) -> dict[int, list[Any]]:
        raw = self._r.hgetall(self._key("rows"))
        return {int(k): json.loads(v) for k, v in raw.items()}

    @_guarded
    def check(self) -> list[str]:
        """Problems found: segment checksums and shapes, ids and rows that disagree."""
        problems = []
        rows = self._rows()
        live = np.array(sorted(rows), dtype=np.int64)
        segments = sorted(int(s) for s in self._r.hkeys(self._key("segsize")))
        for segment in segments:
            try:
                self._segments([segment], live)
            except IndexCorruptError as exc:
                problems.append(str(exc).removeprefix(f"{self.path}: "))
        known = set(segments)
        missing = sum(1 for row in rows.values() if row[4] is not None and row[4] not in known)
        if missing:
            problems.append(f"{missing} documents name a segment of passages that is missing")
        ids = {k.decode(): int(v) for k, v in self._r.hgetall(self._key("ids")).items()}
        if sorted(ids.values()) != sorted(rows) or any(rows[r][2] != i for i, r in ids.items()):
            problems.append("the id and row tables disagree; re-add the documents to repair")
        return problems

    def documents(self) -> Iterator[tuple[int, Document]]:
        """Every stored document with its row id, in row order."""
        rows = self._guarded_rows()
        order = sorted(rows)
        for lo in range(0, len(order), _CHUNK):
            chunk = order[lo : lo + _CHUNK]
            yield from zip(chunk, self._fetch([rows[r][2] for r in chunk]), strict=True)

    @_guarded
    def _guarded_rows(self) -> dict[int, list[Any]]:
        return self._rows()

    @_guarded
    def _fetch(self, ids: list[str]) -> list[Document]:
        pipe = self._r.pipeline(transaction=False)
        for doc_id in ids:
            pipe.hmget(self._key(f"doc:{doc_id}"), *_FIELDS)
        out = []
        for doc_id, values in zip(ids, pipe.execute(), strict=True):
            if values[-1] is None:
                msg = f"{self.path}: document {doc_id!r} is listed but missing; re-add it"
                raise IndexCorruptError(msg)
            out.append(_document(values))
        return out

    @_guarded
    def document(self, doc_id: str) -> Document | None:
        """Return the stored document with this id, or ``None``."""
        values = self._r.hmget(self._key(f"doc:{doc_id}"), *_FIELDS)
        return None if values[-1] is None else _document(values)

    @_guarded
    def outlets_and_dates(self) -> dict[int, tuple[str | None, str | None, str]]:
        """``rowid -> (outlet, date, id)`` for every document.

        As of the last :meth:`passages` read, when there was one, so that the two agree.
        """
        rows = self._snapshot if self._snapshot is not None else self._rows()
        return {rowid: (row[0], row[1], row[2]) for rowid, row in rows.items()}

    @_guarded
    def drop(self) -> int:
        """Delete every key of this index from the server; return how many were deleted."""
        deleted = 0
        batch: list[bytes] = []
        for key in self._r.scan_iter(match=_glob_escape(self.prefix) + "*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += int(self._r.delete(*batch))
                batch = []
        if batch:
            deleted += int(self._r.delete(*batch))
        return deleted


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _document(values: list[bytes | None]) -> Document:
    doc_id, outlet, url, date, title, text = (
        None if v is None else v.decode("utf-8", "surrogatepass") for v in values
    )
    return Document(
        id=doc_id or "", text=text or "", outlet=outlet, url=url, date=date, title=title
    )
