"""Index: find which document pairs of a corpus are worth aligning, without comparing all pairs.

Documents are cut into passages and MinHashed (:mod:`rewrite_detect.minhash`); each passage's
signature is split into ``bands`` band keys, and passages sharing a key in any band collide.
A document pair becomes a **candidate** when at least ``min_hits`` distinct passage pairs
collide across outlets; the candidate carries those passage pairs, so the aligner knows where
the reuse is. ``scan()`` compares every candidate; ``clusters()`` groups the documents that
reuse one another.

The index lives in a SQLite file (:mod:`rewrite_detect.storage`) or on a Redis server
(:mod:`rewrite_detect.redis_store`), chosen by the URL naming it
(:mod:`rewrite_detect.backends`). The banding table for candidate search is rebuilt in memory
from the stored band keys when first needed (and again after another process wrote to a shared
index): per band, one sort of the passages' 64-bit keys, each with its passage number packed
into the low bits (a sort of plain integers is four times faster than an argsort, and the table
stays at 8 bytes per passage and band). Signatures are not kept: a passage pair's similarity
is estimated from the share of bands it shares.
"""

from __future__ import annotations

import functools
import gc
import json
import os
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np

from rewrite_detect.backends import IndexStore, open_store
from rewrite_detect.config import DetectorConfig, IndexConfig
from rewrite_detect.errors import InputError
from rewrite_detect.minhash import NORMALIZER_VERSION, band_keys, jaccard_from_bands, sketch
from rewrite_detect.models import (
    Candidate,
    Cluster,
    Comparison,
    Document,
    PassageMatch,
    Verdict,
)
from rewrite_detect.pipeline import compare
from rewrite_detect.storage import Batch

__all__ = ["AddSummary", "Index"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_MAX_PASSAGES_PER_CANDIDATE = 10
_EXPORT_VERSION = 1
# Low bits of a banding-table word that number the passage; band keys fill the high 32.
_OWNER_BITS = 32
_OWNER_MASK = np.uint64((1 << _OWNER_BITS) - 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class AddSummary:
    """What :meth:`Index.add` did."""

    added: int
    replaced: int
    passages: int
    without_passages: tuple[str, ...]
    """Ids of documents too short or too common-worded to yield a passage (stored, not indexed)."""


@dataclass(slots=True)
class _Table:
    """All passages of the index, and their band keys sorted for collision search."""

    rowid: np.ndarray  # (P,) document row id of each passage
    spans: np.ndarray  # (P, 2)
    keys: np.ndarray  # (bands, P): per band, sorted keys whose low _OWNER_BITS are the passage


@dataclass(slots=True)
class _Meta:
    """Document metadata by position (position 0: a queried document's slot)."""

    rows: dict[int, tuple[str | None, str | None, str]]  # row id -> (outlet, date, id)
    rowids: np.ndarray  # sorted, -1 first
    outlet_code: np.ndarray  # -1 when a document has no outlet
    outlets: dict[str, int]
    size: np.ndarray  # passages of each document
    position_of_id: dict[str, int]
    owner: np.ndarray  # position of each passage's document
    rowid_list: list[int]  # rowids as Python ints


def _gc_paused(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``method`` with the cyclic garbage collector paused.

    Building candidates makes hundreds of thousands of small objects that form no cycles,
    and each of them counts towards a collection; the full collections this sets off walk
    every object of the caller's process (a hundred thousand documents, say). At 100,000
    articles they were a third of ``candidates()``: 0.8 of 2.7 s.
    """

    @functools.wraps(method)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return method(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


def _fingerprint(config: IndexConfig) -> str:
    return config.fingerprint(NORMALIZER_VERSION)


class Index:
    """A persistent MinHash/LSH index of articles from many outlets.

    Parameters
    ----------
    path : str or Path
        SQLite file (a path or ``sqlite:///path``), created when missing; ``":memory:"`` keeps
        the index in memory; ``redis://host:port/db`` keeps it on a Redis server that many
        processes share (extra ``[redis]``; see :mod:`rewrite_detect.backends`).
    config : IndexConfig, optional
        Settings for a new index. An existing index keeps its own; passing a different one is
        an :class:`~rewrite_detect.errors.IndexMismatchError`.
    detector : DetectorConfig, optional
        Settings of the comparisons made by :meth:`scan`.
    timeout : float
        Seconds to wait for another process's write to finish before
        :class:`~rewrite_detect.errors.IndexBusyError`. Readers never wait: a query sees the
        index as of the last finished add.

    Examples
    --------
    >>> from rewrite_detect import Document, Index
    >>> with Index(":memory:") as index:
    ...     summary = index.add([Document(id="a", outlet="X", text="Some text.")])
    ...     len(index)
    1
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        config: IndexConfig | None = None,
        detector: DetectorConfig | None = None,
        timeout: float = 60.0,
    ) -> None:
        self._store: IndexStore = open_store(path, config, _fingerprint, timeout=timeout)
        self.config = self._store.config
        self.detector = detector or DetectorConfig(language=self.config.language)
        self._table: _Table | None = None
        self._meta: _Meta | None = None
        self._generation: int | None = None
        self.capped: tuple[str, ...] = ()
        """Documents that had more than ``max_candidates`` candidates in the last
        :meth:`candidates` or :meth:`query` (hubs: a wire story copied everywhere); only
        their strongest candidates were kept."""

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file or connection."""
        self._store.close()

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._store

    def get(self, doc_id: str) -> Document | None:
        """Return the stored document with this id, or ``None``."""
        return self._store.document(doc_id)

    def info(self) -> dict[str, object]:
        """Documents, passages, configuration and LSH parameters of the index."""
        table = self._load()
        return {
            "path": self._store.path,
            "documents": len(self),
            "passages": len(table.rowid),
            "config": self.config.to_dict(),
            "fingerprint": _fingerprint(self.config),
            "normalizer_version": NORMALIZER_VERSION,
        }

    def add(
        self, documents: Iterable[Document], *, batch_size: int = 1000, workers: int = 1
    ) -> AddSummary:
        """Add documents (re-adding an id replaces it), all in one transaction.

        A process killed during ``add`` leaves the index as it was before the call.

        Parameters
        ----------
        documents : iterable of Document
            Read lazily, ``batch_size`` at a time.
        batch_size : int
            Documents sketched and written together.
        workers : int
            Processes that compute passages and band keys while this one writes (``0``
            means one per CPU); ``1`` does everything in this process.
        """
        empty: list[str] = []
        counted = _Counting(self._batches(documents, batch_size, workers), empty)
        added, replaced = self._store.put(counted)
        self._table = None
        self._meta = None
        return AddSummary(
            added=added,
            replaced=replaced,
            passages=counted.passages,
            without_passages=tuple(empty),
        )

    def _batches(
        self, documents: Iterable[Document], batch_size: int, workers: int
    ) -> Iterator[Batch]:
        chunks = _chunked(documents, max(1, batch_size))
        workers = (os.cpu_count() or 1) if workers == 0 else workers
        if workers <= 1:
            for chunk in chunks:
                yield Batch(chunk, *_sketch_job(([d.text for d in chunk], self.config)))
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            pending: deque[tuple[list[Document], Future[_Sketched]]] = deque()
            for chunk in chunks:
                job = ([d.text for d in chunk], self.config)
                pending.append((chunk, pool.submit(_sketch_job, job)))
                # A bounded queue: the workers stay busy and memory stays flat.
                if len(pending) > 2 * workers:
                    done, future = pending.popleft()
                    yield Batch(done, *future.result())
            while pending:
                done, future = pending.popleft()
                yield Batch(done, *future.result())

    def check(self) -> list[str]:
        """Verify the index file; return the problems found (none: an empty list).

        Runs SQLite's integrity check, verifies every segment's checksum and shape, and
        recomputes every document's passages from its stored text to compare them with the
        stored band keys and spans.
        """
        problems = self._store.check()
        if problems:
            return problems
        stored = self._store.passages()
        order = np.argsort(stored.rowid, kind="stable")
        rowid = stored.rowid[order]
        for batch in _chunked_rows(self._store.documents(), 1000):
            found = sketch([doc.text for _, doc in batch], self.config)
            keys = band_keys(found.signatures, self.config.bands, self.config.rows)
            for k, (row, doc) in enumerate(batch):
                mine = found.doc == k
                at = order[np.searchsorted(rowid, row) : np.searchsorted(rowid, row, "right")]
                same = np.array_equal(stored.spans[at], found.spans[mine]) and np.array_equal(
                    stored.bands[at], keys[mine]
                )
                if not same:
                    problems.append(
                        f"document {doc.id!r}: stored passages do not match its text "
                        "(re-add it to repair)"
                    )
        return problems

    def export(self, path: str | Path) -> int:
        """Write the index's documents and configuration to a JSON Lines file.

        The first line records the format and the :class:`IndexConfig`; each further line
        is one document (``id``, ``outlet``, ``url``, ``date``, ``title``, ``text``), the
        format ``rewrite-detect index add`` reads. :meth:`restore` reads it back exactly.
        Returns the number of documents written.
        """
        count = 0
        with Path(path).open("w", encoding="utf-8", newline="\n") as out:
            header = {"rewrite_detect_export": _EXPORT_VERSION, "config": self.config.to_dict()}
            out.write(json.dumps(header, sort_keys=True) + "\n")
            for _, doc in self._store.documents():
                record = {
                    "id": doc.id, "outlet": doc.outlet, "url": doc.url, "date": doc.date,
                    "title": doc.title, "text": doc.text,
                }  # fmt: skip
                # ASCII escapes keep any string exact, lone surrogates included.
                out.write(json.dumps(record) + "\n")
                count += 1
        return count

    @classmethod
    def restore(cls, export: str | Path, path: str | Path = ":memory:", **kwargs: Any) -> Index:
        """Build an index at ``path`` from a file written by :meth:`export`.

        The index gets the exported configuration; ``path`` must not hold another index
        built with different settings. Extra keyword arguments go to :meth:`add`.
        """
        lines = _export_lines(Path(export))
        header = next(lines, (1, ""))[1]
        try:
            meta = json.loads(header)
            version = meta["rewrite_detect_export"]
            config = IndexConfig.from_dict(meta["config"])
        except (ValueError, KeyError, TypeError):
            msg = f"{export}: not an index export (no header line); write one with 'index export'"
            raise InputError(msg) from None
        if version != _EXPORT_VERSION:
            msg = f"{export}: export format {version!r}; this release reads {_EXPORT_VERSION}"
            raise InputError(msg)
        index = cls(path, config=config)
        try:
            index.add((_exported(line, f"{export}:{n}") for n, line in lines), **kwargs)
        except BaseException:
            index.close()
            raise
        return index

    def remove(self, doc_id: str) -> bool:
        """Remove a document; return whether it was in the index."""
        removed = self._store.delete(doc_id)
        if removed:
            self._table = None
            self._meta = None
        self._meta = None
        return removed

    def _load(self) -> _Table:
        # A shared (Redis) index tells when another process wrote; SQLite's answer is None.
        generation = self._store.generation()
        if self._table is not None and generation == self._generation:
            return self._table
        self._meta = None
        self._generation = generation
        stored = self._store.passages(band_major=True)
        count = len(stored.rowid)
        if count >= 1 << _OWNER_BITS:
            msg = (
                f"the index holds {count:,} passages, more than one table can number "
                f"({(1 << _OWNER_BITS) - 1:,}); split the corpus over several indexes"
            )
            raise InputError(msg)
        owner = np.arange(count, dtype=np.uint64)
        keys = stored.bands

        def sort(band: int) -> None:
            # Band-major keys come in the high half of each word; the low half takes the
            # passage number, so sorting one array groups buckets and keeps their passages.
            column = keys[band]
            column |= owner
            column.sort()

        # numpy sorts without the GIL: the bands are sorted on every core at once.
        with ThreadPoolExecutor(max_workers=_threads()) as pool:
            list(pool.map(sort, range(self.config.bands)))
        self._table = _Table(rowid=stored.rowid, spans=stored.spans, keys=keys)
        return self._table

    def _metadata(self, table: _Table) -> _Meta:
        """Outlets, dates and ids by position, cached until the index changes.

        Position 0 belongs to row id -1, a queried document; the others follow row order.
        """
        if self._meta is not None:
            return self._meta
        rows = self._store.outlets_and_dates()
        rowids = np.array([-1, *sorted(rows)], dtype=np.int64)
        outlets: dict[str, int] = {}
        codes = [-1] + [
            outlets.setdefault(o, len(outlets)) if (o := rows[r][0]) else -1
            for r in rowids[1:].tolist()
        ]
        owner = np.searchsorted(rowids, table.rowid)
        self._meta = _Meta(
            rows=rows,
            rowids=rowids,
            outlet_code=np.array(codes, dtype=np.int64),
            outlets=outlets,
            size=np.bincount(owner, minlength=len(rowids)),
            position_of_id={rows[r][2]: k for k, r in enumerate(rowids.tolist()) if r >= 0},
            owner=owner,
            rowid_list=rowids.tolist(),
        )
        return self._meta

    def candidates(self, *, same_outlet: bool = False) -> list[Candidate]:
        """All document pairs of the index worth aligning.

        Parameters
        ----------
        same_outlet : bool
            Also pair documents of the same outlet (skipped by default: an outlet reusing its
            own copy is not news).

        Returns
        -------
        list of Candidate
            Strongest first (most colliding passage pairs), at most ``max_candidates`` per
            document.
        """
        table = self._load()
        with ThreadPoolExecutor(max_workers=_threads()) as pool:
            found = list(
                pool.map(
                    lambda band: _bucket_pairs(band, _OWNER_BITS, self.config.max_bucket),
                    table.keys,
                )
            )
        pairs = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        unique, shared = np.unique(pairs, return_counts=True)
        width = max(1, len(table.rowid))
        left, right = unique // width, unique % width
        return self._group(left, right, shared, table, same_outlet=same_outlet)

    def query(self, document: Document, *, same_outlet: bool = False) -> list[Candidate]:
        """Indexed documents that ``document`` may reuse or be reused by.

        The document itself is not added; an indexed document with the same id is skipped.
        """
        table = self._load()
        found = sketch([document.text], self.config)
        keys = band_keys(found.signatures, self.config.bands, self.config.rows)
        mine_all, theirs_all = [], []
        for band in range(self.config.bands):
            column = table.keys[band]
            wanted = keys[:, band].astype(np.uint64) << np.uint64(_OWNER_BITS)
            lo = np.searchsorted(column, wanted, side="left")
            hi = np.searchsorted(column, wanted | _OWNER_MASK, side="right")
            sizes = hi - lo
            sizes[sizes > self.config.max_bucket] = 0
            mine_all.append(np.repeat(np.arange(len(wanted)), sizes))
            starts = np.repeat(lo, sizes)
            within = np.arange(len(starts)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            theirs_all.append((column[starts + within] & _OWNER_MASK).astype(np.int64))
        mine = np.concatenate(mine_all) if mine_all else np.zeros(0, dtype=np.int64)
        theirs = np.concatenate(theirs_all) if theirs_all else np.zeros(0, dtype=np.int64)
        width = max(1, len(table.rowid))
        unique, shared = np.unique(mine * width + theirs, return_counts=True)
        left, right = unique // width, unique % width
        return self._group(
            left, right, shared, table, same_outlet=same_outlet, query=(document, found.spans)
        )

    @_gc_paused
    def _group(
        self,
        left: np.ndarray,
        right: np.ndarray,
        shared: np.ndarray,
        table: _Table,
        *,
        same_outlet: bool,
        query: tuple[Document, np.ndarray] | None = None,
    ) -> list[Candidate]:
        """Turn colliding passage pairs into document candidates, in numpy.

        ``left`` and ``right`` are passages of the table, or, with ``query``, ``left`` are
        the queried document's passages (their spans come with ``query``).
        """
        meta = self._metadata(table)
        outlet_code, size = meta.outlet_code, meta.size
        rowids, rowids_l = meta.rowids, meta.rowid_list
        query_meta: tuple[str | None, str | None, str] | None = None
        if query is not None:
            # Position 0 (row id -1) is the queried document's slot.
            doc = query[0]
            query_meta = (doc.outlet, doc.date, doc.id)
            outlet_code, size = outlet_code.copy(), size.copy()
            outlet_code[0] = meta.outlets.get(doc.outlet, len(meta.outlets)) if doc.outlet else -1
            size[0] = len(query[1])
        pos_l = meta.owner[left] if query is None else np.zeros(len(left), dtype=np.intp)
        pos_r = meta.owner[right]
        keep = pos_l != pos_r
        if not same_outlet:
            keep &= (outlet_code[pos_l] != outlet_code[pos_r]) | (outlet_code[pos_l] < 0)
        if query is not None and query[0].id in meta.position_of_id:
            keep &= pos_r != meta.position_of_id[query[0].id]
        pos_l, pos_r = pos_l[keep], pos_r[keep]
        left, right, shared = left[keep], right[keep], shared[keep]
        # One key per document pair, the smaller position first; its passage pairs strongest
        # first.
        swap = pos_l > pos_r
        lo, hi = np.where(swap, pos_r, pos_l), np.where(swap, pos_l, pos_r)
        pair = lo * len(rowids) + hi
        order = np.lexsort((-shared, pair))
        pair, lo, hi, swap = pair[order], lo[order], hi[order], swap[order]
        left, right, shared = left[order], right[order], shared[order]
        _, first, hits = np.unique(pair, return_index=True, return_counts=True)
        spans_l = table.spans if query is None else query[1]
        # A short article has few passages: it needs as many hits as it has passages, not
        # more (a five-sentence story has two), or its exact copy could never be found.
        needed = np.minimum(self.config.min_hits, np.minimum(size[lo[first]], size[hi[first]]))
        out: list[tuple[int, int, Candidate, str]] = []
        enough = hits >= needed
        starts, counts = first[enough], hits[enough]
        # The passage pairs each candidate carries (its strongest ones), gathered for all
        # candidates at once: per-candidate numpy indexing cost more than the rest of the loop.
        taken = np.minimum(counts, _MAX_PASSAGES_PER_CANDIDATE)
        ends = np.cumsum(taken)
        total = int(ends[-1]) if len(ends) else 0
        rows = np.repeat(starts - ends + taken, taken) + np.arange(total)
        l0, l1 = spans_l[left[rows]].T.tolist()
        r0, r1 = table.spans[right[rows]].T.tolist()
        flip = swap[rows].tolist()
        span_l = list(zip(l0, l1, strict=True))
        span_r = list(zip(r0, r1, strict=True))
        # (span in the document at lo, span in the one at hi, shared bands)
        matched = [
            (b, a, n) if f else (a, b, n)
            for a, b, n, f in zip(span_l, span_r, shared[rows].tolist(), flip, strict=True)
        ]
        bounds = [0, *ends.tolist()]
        for k, (da, db, count) in enumerate(
            zip(lo[starts].tolist(), hi[starts].tolist(), counts.tolist(), strict=True)
        ):
            row_a = query_meta if query_meta is not None and da == 0 else meta.rows[rowids_l[da]]
            row_b = meta.rows[rowids_l[db]]
            candidate = _candidate(
                row_a,
                row_b,
                count,
                matched[bounds[k] : bounds[k + 1]],
                self.config,
                a_is_query=query is not None,
            )
            source_date = (row_a if candidate.source == row_a[2] else row_b)[1]
            out.append((da, db, candidate, source_date or "~"))
        kept, capped = _cap_per_document(out, self.config.max_candidates)
        self.capped = tuple(
            sorted(
                query_meta[2] if query_meta is not None and k == 0 else meta.rows[int(rowids[k])][2]
                for k in capped
            )
        )
        return kept

    def scan(
        self,
        *,
        same_outlet: bool = False,
        workers: int = 1,
        candidates: Sequence[Candidate] | None = None,
    ) -> list[tuple[Candidate, Comparison]]:
        """Compare every candidate pair: the whole corpus, end to end.

        Parameters
        ----------
        same_outlet : bool
            Also consider pairs from the same outlet.
        workers : int
            Processes for the comparisons (``0`` means one per CPU).
        candidates : sequence of Candidate, optional
            Compare these instead of computing :meth:`candidates`.

        Returns
        -------
        list of (Candidate, Comparison)
            Each candidate with its ``score`` filled in (the target coverage) and its
            comparison, in the order of the candidates.
        """
        todo = (
            list(candidates) if candidates is not None else self.candidates(same_outlet=same_outlet)
        )
        docs = {doc_id: self.get(doc_id) for c in todo for doc_id in (c.source, c.target)}
        jobs = [(docs[c.source], docs[c.target]) for c in todo]
        results = _run(jobs, self.detector, workers)
        return [
            (_scored(candidate, comparison), comparison)
            for candidate, comparison in zip(todo, results, strict=True)
        ]

    def clusters(
        self, results: Sequence[tuple[Candidate, Comparison]] | None = None
    ) -> list[Cluster]:
        """Group documents that reuse one another; mark each group's probable origin.

        Parameters
        ----------
        results : sequence of (Candidate, Comparison), optional
            The output of :meth:`scan`; scanned now when omitted.

        Returns
        -------
        list of Cluster
            Connected components over pairs whose verdict is not ``independent``, largest
            first. Edges point from the earlier document to the later one.
        """
        results = self.scan() if results is None else results
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        edges: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for _, comparison in results:
            if comparison.verdict is Verdict.INDEPENDENT:
                continue
            a, b = comparison.source.id, comparison.target.id
            parent[find(a)] = find(b)
        for _, comparison in results:
            if comparison.verdict is not Verdict.INDEPENDENT:
                edge = (comparison.source.id, comparison.target.id, comparison.verdict.value)
                edges[find(edge[0])].append(edge)
        groups: dict[str, set[str]] = defaultdict(set)
        for doc in parent:
            groups[find(doc)].add(doc)
        dates = {
            doc_id: (date, doc_id)
            for _, (_, date, doc_id) in self._store.outlets_and_dates().items()
        }
        clusters = []
        for root, members in groups.items():
            dated = [dates[m] for m in members if m in dates and dates[m][0]]
            origin = min(dated)[1] if dated else None
            clusters.append(
                Cluster(
                    documents=tuple(sorted(members)),
                    origin=origin,
                    edges=tuple(sorted(edges[root])),
                )
            )
        clusters.sort(key=lambda c: (-len(c.documents), c.documents))
        return clusters


_Sketched = tuple[np.ndarray, np.ndarray, np.ndarray]


def _threads() -> int:
    """Threads for numpy work that runs without the GIL (sorting the band table)."""
    return max(1, min(4, os.cpu_count() or 1))


def _sketch_job(job: tuple[list[str], IndexConfig]) -> _Sketched:
    """Passages of a batch of texts: (document of each passage, spans, band keys)."""
    texts, config = job
    found = sketch(texts, config)
    return found.doc, found.spans, band_keys(found.signatures, config.bands, config.rows)


def _chunked_rows(
    rows: Iterable[tuple[int, Document]], size: int
) -> Iterator[list[tuple[int, Document]]]:
    batch: list[tuple[int, Document]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _export_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read the export ({exc}); give a file written by 'index export'"
        raise InputError(msg) from None


def _exported(line: str, where: str) -> Document:
    try:
        record = json.loads(line)
        return Document(**record)
    except (ValueError, TypeError) as exc:
        msg = f"{where}: not a document of an index export ({exc})"
        raise InputError(msg) from None


def _chunked(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Counting:
    """Pass batches through, counting passages and noting documents without any."""

    def __init__(self, batches: Iterator[Batch], empty: list[str]) -> None:
        self._batches = batches
        self._empty = empty
        self.passages = 0

    def __iter__(self) -> Iterator[Batch]:
        for batch in self._batches:
            self.passages += len(batch.doc)
            counts = np.bincount(batch.doc, minlength=len(batch.documents)).tolist()
            self._empty.extend(d.id for d, n in zip(batch.documents, counts, strict=True) if not n)
            yield batch


def _candidate(
    a: tuple[str | None, str | None, str],
    b: tuple[str | None, str | None, str],
    hits: int,
    matches: list[tuple[tuple[int, int], tuple[int, int], int]],
    config: IndexConfig,
    *,
    a_is_query: bool,
) -> Candidate:
    """Make the candidate of documents ``a`` and ``b``, given as ``(outlet, date, id)``.

    ``matches`` hold ``(span in a, span in b, shared bands)``. The source is the earlier
    document; a queried document ``a`` is the later one unless dates say otherwise (a new
    article checked against the archive).
    """
    a_first = False if a_is_query and not _dates_decide(a, b) else _earlier(a, b)
    similarity = _similarities(config.bands, config.rows)
    passages = [
        PassageMatch(
            source_span=span_a if a_first else span_b,
            target_span=span_b if a_first else span_a,
            bands=n,
            similarity=similarity[n],
        )
        for span_a, span_b, n in matches
    ]
    passages.sort(key=lambda p: (-p.bands, p.source_span, p.target_span))
    source, target = (a[2], b[2]) if a_first else (b[2], a[2])
    return Candidate(source=source, target=target, hits=hits, passages=tuple(passages))


@functools.lru_cache(maxsize=8)
def _similarities(bands: int, rows: int) -> tuple[float, ...]:
    """Jaccard estimate of a pair by the number of bands it shares, for 0 to ``bands``."""
    return tuple(jaccard_from_bands(n, bands, rows) for n in range(bands + 1))


def _bucket_pairs(band: np.ndarray, bits: int, max_bucket: int) -> np.ndarray:
    """Distinct passage pairs sharing a bucket of one band, as ``low * P + high`` codes.

    ``band`` is sorted, each key's low ``bits`` bits holding its passage. Buckets larger than
    ``max_bucket`` are skipped.
    """
    if len(band) < 2:
        return np.zeros(0, dtype=np.int64)
    key = band >> np.uint64(bits)
    # Most keys are alone in their bucket: find the few equal neighbours first, then the
    # buckets (runs of them), instead of measuring every bucket of the band.
    repeats = np.flatnonzero(key[1:] == key[:-1])
    if not len(repeats):
        return np.zeros(0, dtype=np.int64)
    run = np.flatnonzero(np.diff(repeats) != 1) + 1
    starts = repeats[np.concatenate(([0], run))]
    sizes = repeats[np.concatenate((run - 1, [len(repeats) - 1]))] + 2 - starts
    ok = sizes <= max_bucket
    starts, sizes = starts[ok], sizes[ok]
    # Every position of a bucket pairs with the positions after it in the same bucket.
    position = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
    later = np.repeat(starts + sizes, sizes) - position - 1
    first = np.repeat(position, later)
    second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
    mask = np.uint64((1 << bits) - 1)
    a, b = (band[first] & mask).astype(np.int64), (band[second] & mask).astype(np.int64)
    return np.asarray(np.minimum(a, b) * len(band) + np.maximum(a, b))


def _dates_decide(
    a: tuple[str | None, str | None, str], b: tuple[str | None, str | None, str]
) -> bool:
    return bool(a[1] and b[1] and a[1] != b[1])


def _earlier(a: tuple[str | None, str | None, str], b: tuple[str | None, str | None, str]) -> bool:
    """Tell whether document ``a`` comes first: earlier date, else smaller id."""
    if _dates_decide(a, b):
        return str(a[1]) < str(b[1])
    return a[2] <= b[2]


def _cap_per_document(
    found: list[tuple[int, int, Candidate, str]], cap: int
) -> tuple[list[Candidate], set[int]]:
    """Keep at most ``cap`` candidates per document; name the documents that had more.

    Strongest first; between equals, the pair with the earliest dated source first, so that
    the origin of a story copied everywhere keeps its pairs rather than losing them to the
    copies' pairs among themselves.
    """
    found.sort(key=lambda item: (-item[2].hits, item[3], item[2].source, item[2].target))
    degree: dict[int, int] = defaultdict(int)
    for da, db, _, _ in found:
        degree[da] += 1
        degree[db] += 1
    taken: dict[int, int] = defaultdict(int)
    out = []
    for da, db, candidate, _ in found:
        if taken[da] >= cap or taken[db] >= cap:
            continue
        taken[da] += 1
        taken[db] += 1
        out.append(candidate)
    return out, {d for d, n in degree.items() if n > cap}


def _scored(candidate: Candidate, comparison: Comparison) -> Candidate:
    return Candidate(
        source=candidate.source,
        target=candidate.target,
        hits=candidate.hits,
        passages=candidate.passages,
        score=comparison.coverage.target,
    )


def _compare_job(args: tuple[Document, Document, DetectorConfig]) -> Comparison:
    source, target, config = args
    return compare(source, target, config=config)


def _run(
    jobs: list[tuple[Document | None, Document | None]], config: DetectorConfig, workers: int
) -> list[Comparison]:
    work = [(s, t, config) for s, t in jobs if s is not None and t is not None]
    if len(work) != len(jobs):
        msg = "a candidate names a document that is no longer in the index; re-run candidates()"
        raise InputError(msg)
    workers = (os.cpu_count() or 1) if workers == 0 else workers
    if workers <= 1 or len(work) < 50:
        return [_compare_job(job) for job in work]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_compare_job, work, chunksize=32))
