"""DetectorConfig: validation with messages that name the bad value."""

from __future__ import annotations

import pytest

from rewrite_detect import ConfigError, DetectorConfig


class TestDetectorConfig:
    def test_defaults_are_valid(self) -> None:
        """The default configuration validates and has a stable fingerprint."""
        assert DetectorConfig().fingerprint() == DetectorConfig().fingerprint()

    def test_out_of_range_threshold(self) -> None:
        """A threshold outside [0, 1] names the field and the range."""
        with pytest.raises(ConfigError, match=r"paraphrase_threshold=1.5 is out of range"):
            DetectorConfig(paraphrase_threshold=1.5)

    def test_wrong_types(self) -> None:
        """Booleans, strings and floats where an int is due are refused by name."""
        with pytest.raises(ConfigError, match="paraphrase_threshold=True has the wrong type"):
            DetectorConfig(paraphrase_threshold=True)
        with pytest.raises(ConfigError, match=r"match_threshold='0\.4' has the wrong type"):
            DetectorConfig(match_threshold="0.4")  # type: ignore[arg-type]
        with pytest.raises(
            ConfigError, match=r"max_group_size=2\.5 has the wrong type: use a whole number"
        ):
            DetectorConfig(max_group_size=2.5)  # type: ignore[arg-type]
        with pytest.raises(ConfigError, match="paraphrase_threshold=2 is out of range"):
            DetectorConfig(paraphrase_threshold=2)

    def test_weights_must_sum_to_one(self) -> None:
        """Blend weights that do not sum to 1 are refused."""
        with pytest.raises(ConfigError, match="must sum to 1"):
            DetectorConfig(weight_content=0.9)

    def test_match_above_paraphrase(self) -> None:
        """The match threshold cannot exceed the paraphrase threshold."""
        with pytest.raises(ConfigError, match="lower match_threshold"):
            DetectorConfig(match_threshold=0.6, paraphrase_threshold=0.5)

    def test_config_error_is_a_value_error(self) -> None:
        """Callers catching ValueError also catch configuration errors."""
        with pytest.raises(ValueError, match="language"):
            DetectorConfig(language="english")

    def test_unsupported_language(self) -> None:
        """A language with neither lemmas nor frequencies is refused by name."""
        with pytest.raises(ConfigError, match="'xx' is not supported"):
            DetectorConfig(language="xx")

    def test_language_without_lemmas_still_works(self) -> None:
        """Japanese has word frequencies but no simplemma lemmas: it is accepted."""
        assert DetectorConfig(language="ja").language == "ja"

    def test_round_trip_and_unknown_keys(self) -> None:
        """to_dict/from_dict round-trip; unknown keys are named."""
        config = DetectorConfig(paraphrase_threshold=0.6)
        assert DetectorConfig.from_dict(config.to_dict()) == config
        with pytest.raises(ConfigError, match="unknown DetectorConfig key"):
            DetectorConfig.from_dict({"paraphrase_treshold": 0.5})

    def test_fingerprint_changes_with_settings(self) -> None:
        """Different settings give different fingerprints."""
        assert DetectorConfig().fingerprint() != DetectorConfig(match_threshold=0.4).fingerprint()

    def test_fingerprint_changes_with_the_semantic_blend(self) -> None:
        """Labels blended with an embedding model are not those without: another hash."""
        config = DetectorConfig()
        plain = config.fingerprint()
        blended = config.fingerprint(semantic_model="sentence-transformers/all-MiniLM-L6-v2")
        assert blended != plain
        assert blended == config.fingerprint(
            semantic_model="sentence-transformers/all-MiniLM-L6-v2"
        )
        assert blended != config.fingerprint(semantic_model="another/model")

    def test_fingerprint_covers_the_synonym_table(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The paraphrase model's inputs read the synonym table: another table, another hash."""
        from rewrite_detect import config as config_module  # noqa: PLC0415

        before = DetectorConfig().fingerprint()
        monkeypatch.setattr(config_module, "synonym_table_bytes", lambda: b"another table")
        config_module._model_digest.cache_clear()
        try:
            assert DetectorConfig().fingerprint() != before
        finally:
            monkeypatch.undo()
            config_module._model_digest.cache_clear()
        assert DetectorConfig().fingerprint() == before
