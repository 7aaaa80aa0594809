"""Storage: an index's documents and the band keys of their passages in one SQLite file.

No server, no pickle: metadata and text are columns, numeric arrays are little-endian
``numpy`` buffers in BLOB columns, and the configuration is JSON. Each ``put`` or ``delete``
is one transaction, so a process killed half-way leaves the file as it was before the call or
after it. The file records the index configuration's fingerprint, and opening it with another
configuration raises :class:`~rewrite_detect.errors.IndexMismatchError`.

Passages are written in **segments**, one row per batch of documents holding the passages'
document row ids, spans and band keys as three buffers: one write per batch instead of one
per document, and loading the index reads a few large buffers. Removing or replacing a
document only deletes its ``documents`` row (row ids are never reused); its passages become
dead weight that loading skips, and a segment that is more than half dead is rewritten.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewrite_detect.config import IndexConfig
from rewrite_detect.errors import IndexCorruptError, IndexMismatchError
from rewrite_detect.models import Document

__all__ = ["FORMAT_VERSION", "Batch", "Store", "StoredPassages"]

FORMAT_VERSION = 2
"""Version of the table layout below."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    outlet TEXT,
    url TEXT,
    date TEXT,
    title TEXT,
    text TEXT NOT NULL,
    segment INTEGER,
    passages INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    passages INTEGER NOT NULL,
    rowids BLOB NOT NULL,
    spans BLOB NOT NULL,
    bands BLOB NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Batch:
    """Documents to store, with their passages.

    ``doc`` (P,) gives the index into ``documents`` of each passage; ``spans`` is (P, 2) and
    ``bands`` (P, bands) holds the band keys.
    """

    documents: list[Document]
    doc: np.ndarray
    spans: np.ndarray
    bands: np.ndarray


@dataclass(frozen=True, slots=True)
class StoredPassages:
    """Live passages of the index: document row id (P,), spans (P, 2), band keys (P, b)."""

    rowid: np.ndarray
    spans: np.ndarray
    bands: np.ndarray


class Store:
    """A SQLite file holding an index.

    Parameters
    ----------
    path : str or Path
        File path, or ``":memory:"``.
    config : IndexConfig, optional
        Required to create a new index. For an existing one it must match the stored
        configuration; when omitted, the stored one is used.
    fingerprint_of : callable
        Maps a configuration to its fingerprint (which includes the normaliser version).
    """

    def __init__(
        self,
        path: str | Path,
        config: IndexConfig | None,
        fingerprint_of: Callable[[IndexConfig], str],
    ) -> None:
        self.path = str(path)
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            stored = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            msg = (
                f"{self.path}: not a rewrite_detect index or damaged ({exc}); "
                "rebuild it with 'rewrite-detect index add'"
            )
            raise IndexCorruptError(msg) from None
        if not stored:
            if config is None:
                config = IndexConfig()
            self._write_meta(config, fingerprint_of(config))
        else:
            self._check_meta(stored, config, fingerprint_of)
            # Search settings (min_hits, …) may differ from the stored ones; the caller's win.
            config = config or IndexConfig.from_dict(json.loads(stored["config"]))
        self.config = config

    def _write_meta(self, config: IndexConfig, fingerprint: str) -> None:
        with self._transaction():
            self._conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format_version", str(FORMAT_VERSION)),
                    ("config", json.dumps(config.to_dict(), sort_keys=True)),
                    ("fingerprint", fingerprint),
                ],
            )

    def _check_meta(
        self,
        stored: dict[str, str],
        config: IndexConfig | None,
        fingerprint_of: Callable[[IndexConfig], str],
    ) -> None:
        if stored.get("format_version") != str(FORMAT_VERSION):
            msg = (
                f"{self.path}: index format {stored.get('format_version')!r}, this release "
                f"reads {FORMAT_VERSION}; rebuild the index with this version"
            )
            raise IndexMismatchError(msg)
        try:
            stored_config = IndexConfig.from_dict(json.loads(stored["config"]))
        except (KeyError, ValueError) as exc:
            msg = f"{self.path}: stored configuration is unreadable ({exc}); rebuild the index"
            raise IndexCorruptError(msg) from None
        if stored.get("fingerprint") != fingerprint_of(stored_config):
            msg = (
                f"{self.path}: built with another normaliser version (fingerprint "
                f"{stored.get('fingerprint')}); rebuild the index with this version"
            )
            raise IndexMismatchError(msg)
        if config is None:
            return
        wanted, built = config.signature_settings(), stored_config.signature_settings()
        if wanted != built:
            changed = sorted(key for key, value in wanted.items() if built[key] != value)
            msg = (
                f"{self.path}: built with a different IndexConfig ({', '.join(changed)} "
                "differ); open it without a config to use its own, or build a new index"
            )
            raise IndexMismatchError(msg)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def __contains__(self, doc_id: object) -> bool:
        row = self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row is not None

    def put(self, batches: Iterable[Batch]) -> tuple[int, int]:
        """Insert or replace documents with their passages, all in one transaction.

        Returns ``(added, replaced)``.
        """
        added = replaced = 0
        with self._transaction():
            for batch in batches:
                a, r = self._put_batch(batch)
                added += a
                replaced += r
        self._compact()
        return added, replaced

    def _put_batch(self, batch: Batch) -> tuple[int, int]:
        # Within a batch the last document with an id wins.
        last = {doc.id: k for k, doc in enumerate(batch.documents)}
        keep = sorted(last.values())
        ids = [batch.documents[k].id for k in keep]
        replaced = 0
        for lo in range(0, len(ids), 500):
            chunk = ids[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            cursor = self._conn.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk)
            replaced += cursor.rowcount
        row = self._conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'documents'"
        ).fetchone()
        first = (row[0] if row else 0) + 1
        rowid_of = np.full(len(batch.documents), -1, dtype=np.int64)
        rowid_of[keep] = np.arange(first, first + len(keep))
        passages = rowid_of[batch.doc]
        live = passages >= 0
        counts = np.bincount(batch.doc[live], minlength=len(batch.documents))
        segment = None
        if live.any():
            cursor = self._conn.execute(
                "INSERT INTO segments (passages, rowids, spans, bands) VALUES (?, ?, ?, ?)",
                (
                    int(live.sum()),
                    passages[live].astype("<i8").tobytes(),
                    batch.spans[live].astype("<i8").tobytes(),
                    batch.bands[live].astype("<u8").tobytes(),
                ),
            )
            segment = cursor.lastrowid
        self._conn.executemany(
            "INSERT INTO documents (rowid, id, outlet, url, date, title, text, segment, "
            "passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    int(rowid_of[k]),
                    doc.id,
                    doc.outlet,
                    doc.url,
                    doc.date,
                    doc.title,
                    doc.text,
                    segment if counts[k] else None,
                    int(counts[k]),
                )
                for k, doc in ((k, batch.documents[k]) for k in keep)
            ),
        )
        return len(keep) - replaced, replaced

    def delete(self, doc_id: str) -> bool:
        """Remove a document; return whether it was there."""
        with self._transaction():
            cursor = self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        if cursor.rowcount:
            self._compact()
        return cursor.rowcount > 0

    def _compact(self) -> None:
        """Rewrite segments that are more than half dead passages; drop empty ones."""
        stale = self._conn.execute(
            "SELECT s.id, s.passages, coalesce(d.live, 0) FROM segments AS s LEFT JOIN "
            "(SELECT segment, sum(passages) AS live FROM documents GROUP BY segment) AS d "
            "ON d.segment = s.id WHERE coalesce(d.live, 0) * 2 < s.passages"
        ).fetchall()
        if not stale:
            return
        alive = self._live()
        with self._transaction():
            for segment, _, live in stale:
                if not live:
                    self._conn.execute("DELETE FROM segments WHERE id = ?", (segment,))
                    continue
                (found,) = self._segments(f"WHERE id = {int(segment)}", alive)
                self._conn.execute(
                    "UPDATE segments SET passages = ?, rowids = ?, spans = ?, bands = ? "
                    "WHERE id = ?",
                    (
                        len(found.rowid),
                        found.rowid.astype("<i8").tobytes(),
                        found.spans.astype("<i8").tobytes(),
                        found.bands.astype("<u8").tobytes(),
                        segment,
                    ),
                )

    def passages(self) -> StoredPassages:
        """Return the live passages of every document, in the order they were added."""
        found = self._segments("ORDER BY id")
        if not found:
            return StoredPassages(
                rowid=np.zeros(0, dtype=np.int64),
                spans=np.zeros((0, 2), dtype=np.int64),
                bands=np.zeros((0, self.config.bands), dtype=np.uint64),
            )
        return StoredPassages(
            rowid=np.concatenate([f.rowid for f in found]),
            spans=np.concatenate([f.spans for f in found]),
            bands=np.concatenate([f.bands for f in found]),
        )

    def _live(self) -> np.ndarray:
        """Sorted row ids of the documents that have passages."""
        rows = self._conn.execute("SELECT rowid FROM documents WHERE passages > 0 ORDER BY rowid")
        return np.fromiter((r for (r,) in rows), dtype=np.int64)

    def _segments(self, where: str, live: np.ndarray | None = None) -> list[StoredPassages]:
        """Segments' live passages (dead ones, of removed documents, filtered out)."""
        live = self._live() if live is None else live
        bands = self.config.bands
        out = []
        for segment, count, rowids, spans, keys in self._conn.execute(
            f"SELECT id, passages, rowids, spans, bands FROM segments {where}"
        ):
            try:
                rowid = np.frombuffer(rowids, dtype="<i8")
                found = StoredPassages(
                    rowid=rowid.astype(np.int64),
                    spans=np.frombuffer(spans, dtype="<i8").reshape(-1, 2).astype(np.int64),
                    bands=np.frombuffer(keys, dtype="<u8").reshape(-1, bands).astype(np.uint64),
                )
                if not len(rowid) == len(found.spans) == len(found.bands) == count:
                    raise ValueError
            except ValueError:
                msg = f"{self.path}: passages of segment {segment} are damaged; rebuild the index"
                raise IndexCorruptError(msg) from None
            alive = _member(rowid, live)
            if not alive.all():
                found = StoredPassages(
                    rowid=found.rowid[alive], spans=found.spans[alive], bands=found.bands[alive]
                )
            out.append(found)
        return out

    def document(self, doc_id: str) -> Document | None:
        """Return the stored document with this id, or ``None``."""
        row = self._conn.execute(
            "SELECT id, outlet, url, date, title, text FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return _document(row) if row else None

    def outlets_and_dates(self) -> dict[int, tuple[str | None, str | None, str]]:
        """``rowid -> (outlet, date, id)`` for every document."""
        return {
            int(rowid): (outlet, date, doc_id)
            for rowid, outlet, date, doc_id in self._conn.execute(
                "SELECT rowid, outlet, date, id FROM documents"
            )
        }


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Boolean mask of ``values`` found in the sorted array ``sorted_set``."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return np.asarray(sorted_set[at] == values)


def _document(row: tuple[str, str | None, str | None, str | None, str | None, str]) -> Document:
    doc_id, outlet, url, date, title, text = row
    return Document(id=doc_id, text=text, outlet=outlet, url=url, date=date, title=title)
