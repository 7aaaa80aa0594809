"""Storage: an index's documents, passages, signatures and band keys in one SQLite file.

No server, no pickle: metadata and text are columns, numeric arrays are little-endian
``numpy`` buffers in BLOB columns, and the configuration is JSON. Each ``put`` or ``delete``
is one transaction, so a process killed half-way leaves the file as it was before the call or
after it. The file records the index configuration's fingerprint, and opening it with another
configuration raises :class:`~rewrite_detect.errors.IndexMismatchError`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewrite_detect.config import IndexConfig
from rewrite_detect.errors import IndexCorruptError, IndexMismatchError
from rewrite_detect.models import Document

__all__ = ["FORMAT_VERSION", "Store", "StoredPassages"]

FORMAT_VERSION = 1
"""Version of the table layout below."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    outlet TEXT,
    url TEXT,
    date TEXT,
    title TEXT,
    text TEXT NOT NULL,
    spans BLOB NOT NULL,
    signatures BLOB NOT NULL,
    bands BLOB NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class StoredPassages:
    """One document's passages as stored: spans (P, 2), signatures (P, num_perm), bands (P, b)."""

    rowid: int
    spans: np.ndarray
    signatures: np.ndarray
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

    def put(
        self, rows: Iterable[tuple[Document, np.ndarray, np.ndarray, np.ndarray]]
    ) -> tuple[int, int]:
        """Insert or replace documents with their passages, all in one transaction.

        Returns ``(added, replaced)``.
        """
        added = replaced = 0
        with self._transaction():
            for doc, spans, signatures, bands in rows:
                cursor = self._conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
                replaced += cursor.rowcount
                added += 1 - cursor.rowcount
                self._conn.execute(
                    "INSERT INTO documents (id, outlet, url, date, title, text, spans, "
                    "signatures, bands) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id,
                        doc.outlet,
                        doc.url,
                        doc.date,
                        doc.title,
                        doc.text,
                        spans.astype("<i8").tobytes(),
                        signatures.astype("<u4").tobytes(),
                        bands.astype("<u8").tobytes(),
                    ),
                )
        return added, replaced

    def delete(self, doc_id: str) -> bool:
        """Remove a document; return whether it was there."""
        with self._transaction():
            cursor = self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        return cursor.rowcount > 0

    def document(self, doc_id: str) -> Document | None:
        """Return the stored document with this id, or ``None``."""
        row = self._conn.execute(
            "SELECT id, outlet, url, date, title, text FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return _document(row) if row else None

    def passages(self) -> Iterator[StoredPassages]:
        """Every document's stored passages, in row order."""
        num_perm, bands = self.config.num_perm, self.config.bands
        for rowid, spans, signatures, band_keys in self._conn.execute(
            "SELECT rowid, spans, signatures, bands FROM documents ORDER BY rowid"
        ):
            try:
                yield StoredPassages(
                    rowid=int(rowid),
                    spans=np.frombuffer(spans, dtype="<i8").reshape(-1, 2),
                    signatures=np.frombuffer(signatures, dtype="<u4").reshape(-1, num_perm),
                    bands=np.frombuffer(band_keys, dtype="<u8").reshape(-1, bands),
                )
            except ValueError:
                msg = f"{self.path}: passages of row {rowid} are damaged; rebuild the index"
                raise IndexCorruptError(msg) from None

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


def _document(row: tuple[str, str | None, str | None, str | None, str | None, str]) -> Document:
    doc_id, outlet, url, date, title, text = row
    return Document(id=doc_id, text=text, outlet=outlet, url=url, date=date, title=title)
