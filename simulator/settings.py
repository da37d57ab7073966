"""Folders, environment variables and constants, in one place.

Folders that a deployment may move are functions, read at call time, so a test or a server
can set the environment variable after import.

| variable          | what it moves                                     | default                    |
|-------------------|---------------------------------------------------|----------------------------|
| `JZSIM_SCENARIOS` | the scenarios the app offers (and protects)       | `scenarios/` of the repo   |
| `JZSIM_SAVED`     | where users' saved scenarios go                   | `scenarios/saved/`         |
| `JZSIM_DEBUG`     | `1`: the command line prints internal tracebacks  | off                        |
| `JZSIM_SIGN_IN`   | `required`: refuse to start without a valid OIDC configuration (`make serve`) | off: sign-in only when `[auth]` is in secrets.toml |
| `JZSIM_TEAMS_CLAIM` | the identity token's claim that lists a user's teams | `groups` |
| `JZSIM_TEAMS_FILE` | a YAML file: e-mail address -> teams (beside or instead of the claim) | none |
| `JZSIM_SESSION_HOURS` | hours after sign-in before the app asks to sign in again | 10 |

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
SIGN_IN_VARIABLE = "JZSIM_SIGN_IN"
TEAMS_CLAIM_VARIABLE = "JZSIM_TEAMS_CLAIM"
TEAMS_FILE_VARIABLE = "JZSIM_TEAMS_FILE"
SESSION_HOURS_VARIABLE = "JZSIM_SESSION_HOURS"

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


def sign_in_required() -> bool:
    """Whether the deployment demands sign-in (``JZSIM_SIGN_IN=required``): then a missing or
    broken OIDC configuration stops the server at start-up instead of serving everyone."""
    value = os.environ.get(SIGN_IN_VARIABLE, "").strip().lower()
    if value not in ("", "off", "required"):
        raise ValueError(
            f"{SIGN_IN_VARIABLE} must be 'required' or 'off', got {os.environ[SIGN_IN_VARIABLE]!r}"
        )
    return value == "required"


def teams_claim() -> str:
    """The identity token's claim that lists a user's teams (``JZSIM_TEAMS_CLAIM``)."""
    return os.environ.get(TEAMS_CLAIM_VARIABLE, "").strip() or "groups"


def teams_file() -> Path | None:
    """The mapping file of e-mail addresses to teams (``JZSIM_TEAMS_FILE``), if any."""
    text = os.environ.get(TEAMS_FILE_VARIABLE, "").strip()
    return Path(text) if text else None


def session_hours() -> float:
    """Hours after a sign-in before the app asks to sign in again (``JZSIM_SESSION_HOURS``)."""
    return positive_number(SESSION_HOURS_VARIABLE, 10.0)


def debug() -> bool:
    """Whether ``JZSIM_DEBUG`` is set (to anything but 0): the command line then shows tracebacks."""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


# The engines (simulator.hybrid.model_class): every youth a SimPy process (the reference), or
# the youths outside the care types with a capacity in bulk with numpy.
ENGINES = ("simpy", "hybrid")
DEFAULT_ENGINE = "hybrid"  # equal in distribution to the reference (tests/test_engines.py), faster
