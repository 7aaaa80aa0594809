"""rewrite_detect: find where one news article copies or rewords another.

>>> from rewrite_detect import compare
>>> result = compare("The minister resigned on Monday.", "The minister resigned on Monday.")
>>> result.verdict.value, result.pairs[0].label.value
('verbatim-copy', 'verbatim')
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from rewrite_detect.config import DetectorConfig
from rewrite_detect.errors import (
    ConfigError,
    DocumentNotFoundError,
    InputError,
    RewriteDetectError,
)
from rewrite_detect.ingest import load_document
from rewrite_detect.models import (
    AlignedPair,
    Change,
    Comparison,
    Coverage,
    Document,
    Evidence,
    Label,
    Sentence,
    Skipped,
    Verdict,
)
from rewrite_detect.pipeline import compare
from rewrite_detect.segmentation import Segmentation, segment

try:
    __version__ = _version("rewrite-detect")
except _PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

__all__ = [
    "AlignedPair",
    "Change",
    "Comparison",
    "ConfigError",
    "Coverage",
    "DetectorConfig",
    "Document",
    "DocumentNotFoundError",
    "Evidence",
    "InputError",
    "Label",
    "RewriteDetectError",
    "Segmentation",
    "Sentence",
    "Skipped",
    "Verdict",
    "__version__",
    "compare",
    "load_document",
    "segment",
]
