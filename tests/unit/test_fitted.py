"""The fitted defaults ship with the package and are the defaults the code uses."""

from __future__ import annotations

import inspect
import json
from importlib import resources

from rewrite_detect import DetectorConfig
from rewrite_detect.passages import reused_passages


def _fitted() -> dict:
    return json.loads(resources.files("rewrite_detect").joinpath("fitted.json").read_text("utf-8"))


def test_fitted_file_is_versioned() -> None:
    data = _fitted()
    assert isinstance(data["version"], int)
    assert data["fitted_by"] == "benchmarks/fit_config.py"


def test_detector_defaults_are_the_fitted_values() -> None:
    defaults = DetectorConfig().to_dict()
    for key, value in _fitted()["detector"].items():
        assert defaults[key] == value, key


def test_passage_defaults_are_the_fitted_values() -> None:
    params = inspect.signature(reused_passages).parameters
    for key, value in _fitted()["passages"].items():
        assert params[key].default == value, key
