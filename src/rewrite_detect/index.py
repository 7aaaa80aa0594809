"""Index: find which document pairs of a corpus are worth aligning, without comparing all pairs.

Documents are cut into passages and MinHashed (:mod:`rewrite_detect.minhash`); each passage's
signature is split into ``bands`` band keys, and passages sharing a key in any band collide.
A document pair becomes a **candidate** when at least ``min_hits`` distinct passage pairs
collide across outlets; the candidate carries those passage pairs, so the aligner knows where
the reuse is. ``scan()`` compares every candidate; ``clusters()`` groups the documents that
reuse one another.

The index lives in a SQLite file (:mod:`rewrite_detect.storage`). The banding table for
candidate search is rebuilt in memory from the stored band keys when first needed: one sort of
``passages × bands`` 64-bit keys.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rewrite_detect.config import DetectorConfig, IndexConfig
from rewrite_detect.errors import InputError
from rewrite_detect.minhash import NORMALIZER_VERSION, band_keys, estimated_jaccard, sketch
from rewrite_detect.models import (
    Candidate,
    Cluster,
    Comparison,
    Document,
    PassageMatch,
    Verdict,
)
from rewrite_detect.pipeline import compare
from rewrite_detect.storage import Store

__all__ = ["AddSummary", "Index"]

_MAX_PASSAGES_PER_CANDIDATE = 10


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
    signatures: np.ndarray  # (P, num_perm)
    keys: np.ndarray  # (P * bands,) sorted band keys
    owner: np.ndarray  # (P * bands,) passage of each sorted key


def _fingerprint(config: IndexConfig) -> str:
    return config.fingerprint(NORMALIZER_VERSION)


class Index:
    """A persistent MinHash/LSH index of articles from many outlets.

    Parameters
    ----------
    path : str or Path
        SQLite file; created when missing. ``":memory:"`` keeps the index in memory.
    config : IndexConfig, optional
        Settings for a new index. An existing index keeps its own; passing a different one is
        an :class:`~rewrite_detect.errors.IndexMismatchError`.
    detector : DetectorConfig, optional
        Settings of the comparisons made by :meth:`scan`.

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
    ) -> None:
        self._store = Store(path, config, _fingerprint)
        self.config = self._store.config
        self.detector = detector or DetectorConfig(language=self.config.language)
        self._table: _Table | None = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file."""
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

    def add(self, documents: Iterable[Document], *, batch_size: int = 1000) -> AddSummary:
        """Add documents (re-adding an id replaces it), all in one transaction.

        A process killed during ``add`` leaves the index as it was before the call.
        """
        empty: list[str] = []
        counted = _Counting(self._rows(documents, batch_size, empty))
        added, replaced = self._store.put(counted)
        self._table = None
        return AddSummary(
            added=added,
            replaced=replaced,
            passages=counted.passages,
            without_passages=tuple(empty),
        )

    def _rows(
        self, documents: Iterable[Document], batch_size: int, empty: list[str]
    ) -> Iterator[tuple[Document, np.ndarray, np.ndarray, np.ndarray]]:
        batch: list[Document] = []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._sketch_batch(batch, empty)
                batch = []
        if batch:
            yield from self._sketch_batch(batch, empty)

    def _sketch_batch(
        self, batch: Sequence[Document], empty: list[str]
    ) -> Iterator[tuple[Document, np.ndarray, np.ndarray, np.ndarray]]:
        found = sketch([doc.text for doc in batch], self.config)
        keys = band_keys(found.signatures, self.config.bands, self.config.rows)
        order = np.argsort(found.doc, kind="stable")
        bounds = np.searchsorted(found.doc[order], np.arange(len(batch) + 1))
        for k, doc in enumerate(batch):
            rows = order[bounds[k] : bounds[k + 1]]
            if len(rows) == 0:
                empty.append(doc.id)
            yield doc, found.spans[rows], found.signatures[rows], keys[rows]

    def remove(self, doc_id: str) -> bool:
        """Remove a document; return whether it was in the index."""
        removed = self._store.delete(doc_id)
        if removed:
            self._table = None
        return removed

    def _load(self) -> _Table:
        if self._table is not None:
            return self._table
        rowids, spans, signatures, bands = [], [], [], []
        for stored in self._store.passages():
            rowids.append(np.full(len(stored.spans), stored.rowid, dtype=np.int64))
            spans.append(stored.spans)
            signatures.append(stored.signatures)
            bands.append(stored.bands)
        cfg = self.config
        rowid = np.concatenate(rowids) if rowids else np.zeros(0, dtype=np.int64)
        band = np.concatenate(bands) if bands else np.zeros((0, cfg.bands), dtype=np.uint64)
        flat = band.ravel()
        order = np.argsort(flat, kind="stable")
        self._table = _Table(
            rowid=rowid,
            spans=np.concatenate(spans) if spans else np.zeros((0, 2), dtype=np.int64),
            signatures=(
                np.concatenate(signatures)
                if signatures
                else np.zeros((0, cfg.num_perm), dtype=np.uint32)
            ),
            keys=flat[order],
            owner=(order // cfg.bands).astype(np.int64),
        )
        return self._table

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
        left, right, shared = _bucket_pairs(table.keys, table.owner, self.config.max_bucket)
        return self._group(table, left, right, shared, table, same_outlet=same_outlet)

    def query(self, document: Document, *, same_outlet: bool = False) -> list[Candidate]:
        """Indexed documents that ``document`` may reuse or be reused by.

        The document itself is not added; an indexed document with the same id is skipped.
        """
        table = self._load()
        found = sketch([document.text], self.config)
        keys = band_keys(found.signatures, self.config.bands, self.config.rows)
        flat = keys.ravel()
        lo = np.searchsorted(table.keys, flat, side="left")
        hi = np.searchsorted(table.keys, flat, side="right")
        sizes = hi - lo
        usable = (sizes > 0) & (sizes <= self.config.max_bucket)
        mine = np.repeat(np.arange(len(flat)) // self.config.bands, np.where(usable, sizes, 0))
        starts = np.repeat(lo[usable], sizes[usable])
        within = np.arange(len(starts)) - np.repeat(
            np.cumsum(sizes[usable]) - sizes[usable], sizes[usable]
        )
        theirs = table.owner[starts + within]
        pair_keys = mine * len(table.rowid) + theirs
        unique, shared = np.unique(pair_keys, return_counts=True)
        query_table = _Table(
            rowid=np.full(len(found.doc), -1, dtype=np.int64),
            spans=found.spans,
            signatures=found.signatures,
            keys=np.zeros(0, dtype=np.uint64),
            owner=np.zeros(0, dtype=np.int64),
        )
        left = unique // max(1, len(table.rowid))
        right = unique % max(1, len(table.rowid))
        return self._group(
            query_table, left, right, shared, table, same_outlet=same_outlet, query=document
        )

    def _group(
        self,
        left_table: _Table,
        left: np.ndarray,
        right: np.ndarray,
        shared: np.ndarray,
        right_table: _Table,
        *,
        same_outlet: bool,
        query: Document | None = None,
    ) -> list[Candidate]:
        meta = self._store.outlets_and_dates()
        if query is not None:
            meta[-1] = (query.outlet, query.date, query.id)
        doc_l = left_table.rowid[left]
        doc_r = right_table.rowid[right]
        by_pair: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
        for dl, dr, pl, pr, n in zip(
            doc_l.tolist(),
            doc_r.tolist(),
            left.tolist(),
            right.tolist(),
            shared.tolist(),
            strict=True,
        ):
            if dl == dr:
                continue
            if query is not None and meta[dr][2] == query.id:
                continue
            outlet_l, outlet_r = meta[dl][0], meta[dr][0]
            if not same_outlet and outlet_l is not None and outlet_l == outlet_r:
                continue
            if dl < dr:
                by_pair[(dl, dr)].append((pl, pr, n))
            else:
                by_pair[(dr, dl)].append((pr, pl, n))
        out: list[tuple[int, int, Candidate]] = []
        for (da, db), hits in by_pair.items():
            if len(hits) < self.config.min_hits:
                continue
            out.append((da, db, self._candidate(da, db, hits, meta, left_table, right_table)))
        return _cap_per_document(out, self.config.max_candidates)

    def _candidate(  # noqa: PLR0917 - private
        self,
        da: int,
        db: int,
        hits: list[tuple[int, int, int]],
        meta: dict[int, tuple[str | None, str | None, str]],
        left_table: _Table,
        right_table: _Table,
    ) -> Candidate:
        # In a query, row id -1 is the queried document, whose passages are in left_table;
        # otherwise both sides index the same table.
        table_a = left_table if da == -1 else right_table
        table_b = right_table
        if da == -1 and not _dates_decide(meta[da], meta[db]):
            a_first = False  # undated query: a new article checked against the archive
        else:
            a_first = _earlier(meta[da], meta[db])
        matches = []
        for pa, pb, n in sorted(hits, key=lambda h: -h[2])[:_MAX_PASSAGES_PER_CANDIDATE]:
            sim = estimated_jaccard(table_a.signatures[pa], table_b.signatures[pb])
            span_a = (int(table_a.spans[pa, 0]), int(table_a.spans[pa, 1]))
            span_b = (int(table_b.spans[pb, 0]), int(table_b.spans[pb, 1]))
            src, tgt = (span_a, span_b) if a_first else (span_b, span_a)
            matches.append(PassageMatch(source_span=src, target_span=tgt, bands=n, similarity=sim))
        id_a, id_b = meta[da][2], meta[db][2]
        source, target = (id_a, id_b) if a_first else (id_b, id_a)
        return Candidate(source=source, target=target, hits=len(hits), passages=tuple(matches))

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


class _Counting:
    """Pass rows through, counting passages."""

    def __init__(self, rows: Iterator[tuple[Document, np.ndarray, np.ndarray, np.ndarray]]):
        self._rows = rows
        self.passages = 0

    def __iter__(self) -> Iterator[tuple[Document, np.ndarray, np.ndarray, np.ndarray]]:
        for row in self._rows:
            self.passages += len(row[1])
            yield row


def _bucket_pairs(
    keys: np.ndarray, owner: np.ndarray, max_bucket: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct passage pairs sharing a bucket, with the number of buckets they share.

    Buckets larger than ``max_bucket`` are skipped.
    """
    if len(keys) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [len(keys)]))
    sizes = ends - starts
    ok = (sizes >= 2) & (sizes <= max_bucket)
    starts, sizes = starts[ok], sizes[ok]
    # Every position p of a bucket pairs with the positions after it in the same bucket.
    position = (
        np.concatenate([np.arange(s, s + n) for s, n in zip(starts, sizes, strict=True)])
        if len(starts)
        else np.zeros(0, dtype=np.int64)
    )
    bucket_end = np.repeat(starts + sizes, sizes)
    later = bucket_end - position - 1
    first = np.repeat(position, later)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
    second = first + offset + 1
    a, b = owner[first], owner[second]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    pair = lo[keep] * (int(owner.max()) + 1) + hi[keep]
    unique, counts = np.unique(pair, return_counts=True)
    width = int(owner.max()) + 1
    return unique // width, unique % width, counts


def _dates_decide(
    a: tuple[str | None, str | None, str], b: tuple[str | None, str | None, str]
) -> bool:
    return bool(a[1] and b[1] and a[1] != b[1])


def _earlier(a: tuple[str | None, str | None, str], b: tuple[str | None, str | None, str]) -> bool:
    """Tell whether document ``a`` comes first: earlier date, else smaller id."""
    if _dates_decide(a, b):
        return str(a[1]) < str(b[1])
    return a[2] <= b[2]


def _cap_per_document(found: list[tuple[int, int, Candidate]], cap: int) -> list[Candidate]:
    found.sort(key=lambda item: (-item[2].hits, item[2].source, item[2].target))
    taken: dict[int, int] = defaultdict(int)
    out = []
    for da, db, candidate in found:
        if taken[da] >= cap or taken[db] >= cap:
            continue
        taken[da] += 1
        taken[db] += 1
        out.append(candidate)
    return out


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
