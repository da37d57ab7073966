"""Folders, environment variables and constants, in one place.

Folders that a deployment may move are functions, read at call time, so a test or a server
can set the environment variable after import.

| variable          | what it moves                                     | default                    |
|-------------------|---------------------------------------------------|----------------------------|
| `JZSIM_SCENARIOS` | the scenarios the app offers (and protects)       | `scenarios/` of the repo   |
| `JZSIM_SAVED`     | where users' saved scenarios go                   | `scenarios/saved/`         |
| `JZSIM_DEBUG`     | `1`: the command line prints internal tracebacks  | off                        |

The app's run limits (``budget.app_limits``) are set by `JZSIM_APP_MAX_REPLICATIONS`,
`JZSIM_APP_MAX_YEARS`, `JZSIM_APP_MAX_STAYS` and `JZSIM_APP_MAX_YOUTHS`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRESETS_DIR = ROOT / "scenarios"  # the shipped presets: `make presets` writes them, validation reads them
DATA_DIR = ROOT / "data"  # the source tables behind the presets
DOCS_DIR = ROOT / "docs"  # generated validation tables
CONTENT_DIR = ROOT / "content"  # the app's long texts, in Markdown

SCENARIOS_VARIABLE = "JZSIM_SCENARIOS"
SAVED_VARIABLE = "JZSIM_SAVED"
DEBUG_VARIABLE = "JZSIM_DEBUG"

# Time: rates per year use the Julian year; a month is a twelfth of it (stays in months).
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12.0


def scenario_dir() -> Path:
    """The scenarios the app offers in its picker; their names can never be saved over."""
    return Path(os.environ.get(SCENARIOS_VARIABLE) or PRESETS_DIR)


def saved_dir() -> Path:
    """Where users' saved scenarios are written (kept apart from ``scenario_dir``, which a
    deployment may mount read-only)."""
    return Path(os.environ.get(SAVED_VARIABLE) or PRESETS_DIR / "saved")


def positive_number(variable: str, default: float) -> float:
    """A positive number from the environment variable (``default`` when it is unset); a value
    that is not one is refused with the variable named, so a typo in a service file shows."""
    text = os.environ.get(variable, "").strip().replace("_", "")
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{variable} must be a positive number, got {os.environ[variable]!r}")
    return value


def debug() -> bool:
    """Whether ``JZSIM_DEBUG`` is set (to anything but 0): the command line then shows tracebacks."""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


# The engines (simulator.hybrid.model_class): every youth a SimPy process (the reference), or
# the youths outside the care types with a capacity in bulk with numpy.
ENGINES = ("simpy", "hybrid")
DEFAULT_ENGINE = "hybrid"  # equal in distribution to the reference (tests/test_engines.py), faster
