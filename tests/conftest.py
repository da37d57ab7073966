"""Shared helpers: small scenarios built in code, the example scenario, z-test tolerances."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest

from simulator.scenario import Scenario, load_scenario, scenario_from_dict
from simulator.settings import PRESETS_DIR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = PRESETS_DIR / "voorbeeldregio.yaml"

# Statistical checks are z-tests against theory: |estimate - theory| <= Z * standard error,
# the standard error estimated from independent replications. With the standard error itself
# estimated from 30 replications the false-alarm probability of Z = 4 is 2 P(t_29 > 4), about
# 4e-4 per check (6e-5 if it were known); with fixed seeds a check passes or fails the same
# way every run.
Z = 4.0


def scenario_dict(care_types: dict, **top) -> dict:
    data = {
        "name": "test",
        "start": "2021-01",
        "years": 5,
        "replications": 4,
        "seed": 7,
        "care_types": care_types,
    }
    data.update(top)
    return data


def make_scenario(care_types: dict, **top) -> Scenario:
    return scenario_from_dict(copy.deepcopy(scenario_dict(care_types, **top)), "test")


def within(estimate: float, theory: float, standard_error: float, bias_allowance: float = 0.0) -> bool:
    return abs(estimate - theory) <= Z * standard_error + bias_allowance


def mean_and_se(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


@pytest.fixture(scope="session")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


@pytest.fixture
def example_dict() -> dict:
    import yaml

    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session", autouse=True)
def saved_scenarios_outside_the_checkout(tmp_path_factory):
    """Saved scenarios and trail lines that tests write (an export is a trail line) go to a
    folder of the test session, never to the checkout's scenarios/saved/; a test that needs
    a folder of its own sets JZSIM_SAVED again."""
    import os

    from simulator import settings

    before = os.environ.get(settings.SAVED_VARIABLE)
    os.environ[settings.SAVED_VARIABLE] = str(tmp_path_factory.mktemp("saved-session"))
    yield
    if before is None:
        os.environ.pop(settings.SAVED_VARIABLE, None)
    else:
        os.environ[settings.SAVED_VARIABLE] = before
