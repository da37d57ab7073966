"""Folders, environment variables and constants, in one place.

Folders that a deployment may move are functions, read at call time, so a test or a server
can set the environment variable after import.

| variable          | what it moves                                     | default                    |
|-------------------|---------------------------------------------------|----------------------------|
| `JZSIM_SCENARIOS` | the scenarios the app offers (and protects)       | `scenarios/` of the repo   |
| `JZSIM_SAVED`     | where users' saved scenarios go                   | `scenarios/saved/`         |
| `JZSIM_DEBUG`     | `1`: the command line prints internal tracebacks  | off                        |
"""

from __future__ import annotations

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


def debug() -> bool:
    """Whether ``JZSIM_DEBUG`` is set (to anything but 0): the command line then shows tracebacks."""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")
