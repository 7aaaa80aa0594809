"""Build the English synonym table the paraphrase model reads, from the WordNet 3.0 database.

WordNet groups words into synsets (sets of synonyms, one per sense). The table keeps the
synsets with at least two one-word members (a synset of one word links nothing) and writes
one synset a line, its members sorted and separated by spaces, gzipped without a timestamp so
that the same database gives the same text (and, with the same zlib, the same bytes). The
result ships in the package (``src/rewrite_detect/data/wordnet-synsets.txt.gz``, 226 kB)
with WordNet's licence beside it; nothing is read from WordNet at run time.

The database is Debian's ``wordnet-base`` package (``apt-get install wordnet-base``, files in
``/usr/share/wordnet``) or any WordNet 3.0 ``dict`` folder: only the ``index.noun``,
``index.verb``, ``index.adj`` and ``index.adv`` files are read.

Usage
-----
    python benchmarks/build_synonyms.py [--wordnet /usr/share/wordnet] [--check]

``--check`` rebuilds in memory and exits 1 if the shipped table differs.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src" / "rewrite_detect" / "data"
TABLE = DATA / "wordnet-synsets.txt.gz"
POS = ("noun", "verb", "adj", "adv")


def synsets(wordnet: Path) -> list[list[str]]:
    """Synsets with two or more one-word members (letters only), members sorted."""
    members: dict[str, set[str]] = defaultdict(set)
    for pos in POS:
        path = wordnet / f"index.{pos}"
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(" "):  # the licence header
                    continue
                # lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offsets...
                fields = line.split()
                lemma, pointers = fields[0], int(fields[3])
                if not lemma.isalpha():  # multiword ("new_york"), hyphenated, with digits
                    continue
                for offset in fields[6 + pointers :]:
                    members[f"{pos[0]}{offset}"].add(lemma)
    return sorted(sorted(group) for group in members.values() if len(group) > 1)


def encode(groups: list[list[str]]) -> bytes:
    text = "".join(" ".join(group) + "\n" for group in groups)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--check", action="store_true", help="compare with the shipped table")
    args = parser.parse_args(argv)
    if not (args.wordnet / "index.noun").is_file():
        print(
            f"no WordNet database in {args.wordnet}: install Debian's wordnet-base "
            "(apt-get install wordnet-base) or pass --wordnet DIR",
            file=sys.stderr,
        )
        return 2
    groups = synsets(args.wordnet)
    data = encode(groups)
    words = len({w for group in groups for w in group})
    print(f"{len(groups):,} synsets, {words:,} words, {len(data):,} bytes")
    if args.check:
        # The text, not the gzip bytes: another zlib build may compress the same text otherwise.
        same = TABLE.is_file() and gzip.decompress(TABLE.read_bytes()) == gzip.decompress(data)
        print("shipped table is up to date" if same else f"{TABLE} differs: rebuild it")
        return 0 if same else 1
    DATA.mkdir(exist_ok=True)
    TABLE.write_bytes(data)
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
