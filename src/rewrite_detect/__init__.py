"""rewrite_detect: find where one news article copies or rewords another.

>>> from rewrite_detect import compare
>>> result = compare("The minister resigned on Monday.", "The minister resigned on Monday.")
>>> result.verdict.value, result.pairs[0].label.value
('verbatim-copy', 'verbatim')
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from rewrite_detect.config import DetectorConfig, IndexConfig
from rewrite_detect.errors import (
    ConfigError,
    DocumentNotFoundError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexUnavailableError,
    InputError,
    RewriteDetectError,
)
from rewrite_detect.index import AddSummary, Index
from rewrite_detect.ingest import load_document
from rewrite_detect.minhash import choose_bands, lsh_probability, lsh_threshold
from rewrite_detect.models import (
    AlignedPair,
    Candidate,
    Change,
    Cluster,
    Comparison,
    Coverage,
    Document,
    Evidence,
    Label,
    PassageMatch,
    Quote,
    QuoteFinding,
    QuoteStatus,
    Sentence,
    Skipped,
    Verdict,
)
from rewrite_detect.pipeline import compare
from rewrite_detect.quotes import compare_quotes, extract_quotes
from rewrite_detect.segmentation import Segmentation, segment
from rewrite_detect.semantic import SemanticScorer

try:
    __version__ = _version("rewrite-detect")
except _PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

__all__ = [
    "AddSummary",
    "AlignedPair",
    "Candidate",
    "Change",
    "Cluster",
    "Comparison",
    "ConfigError",
    "Coverage",
    "DetectorConfig",
    "Document",
    "DocumentNotFoundError",
    "Evidence",
    "Index",
    "IndexBusyError",
    "IndexConfig",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexUnavailableError",
    "InputError",
    "Label",
    "PassageMatch",
    "Quote",
    "QuoteFinding",
    "QuoteStatus",
    "RewriteDetectError",
    "Segmentation",
    "SemanticScorer",
    "Sentence",
    "Skipped",
    "Verdict",
    "__version__",
    "choose_bands",
    "compare",
    "compare_quotes",
    "extract_quotes",
    "load_document",
    "lsh_probability",
    "lsh_threshold",
    "segment",
]
