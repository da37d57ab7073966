"""Shared by the pages: language, the scenario list, cached runs, markdown texts.

Pages turn widgets into a scenario and call the simulator; everything that computes lives
in ``simulator/``.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from simulator import i18n
from simulator.experiment import run_experiment, scenario_key
from simulator.results import monthly_summary, yearly_totals
from simulator.scenario import Scenario, ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = ROOT / "scenarios"
SCENARIO_DIR_VARIABLE = "JZSIM_SCENARIOS"  # another folder of scenarios (deployments, tests)
CONTENT_DIR = ROOT / "content"


LANGUAGE_KEY = "english"


def lang() -> str:
    """Dutch unless the English toggle is on (read from the widget state, so the navigation
    drawn before the page already has the new language)."""
    return "en" if st.session_state.get(LANGUAGE_KEY) else "nl"


def language_toggle() -> None:
    """Drawn by every page (a widget must be drawn on each run to keep its state)."""
    with st.sidebar:
        st.toggle("English", key=LANGUAGE_KEY, help="Taal / language: Nederlands of English")


def t(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


def markdown_text(name: str) -> str:
    """A long text of a page, kept as content/NAME_LANG.md."""
    path = CONTENT_DIR / f"{name}_{lang()}.md"
    return path.read_text(encoding="utf-8")


def scenario_files() -> list[Path]:
    folder = Path(os.environ.get(SCENARIO_DIR_VARIABLE) or SCENARIO_DIR)
    return sorted(folder.glob("*.yaml"))


def load(path: Path) -> tuple[Scenario | None, str | None]:
    """The scenario, or the validation message (naming file and field) to show instead."""
    try:
        return load_scenario(path), None
    except ScenarioError as error:
        return None, error.message()


def scenario_title(path: Path) -> str:
    """The scenario's name for the picker; a file that does not validate is marked."""
    scenario, _ = load(path)
    return scenario.name if scenario else f"⚠ {path.stem}"


@dataclass
class Run:
    """What the pages show of a run (small enough to cache)."""

    yearly: pd.DataFrame
    monthly: pd.DataFrame  # monthly_summary: mean, P10, P90, capacity, expected
    flows: pd.DataFrame
    totals: pd.DataFrame  # yearly_totals: chain-wide figures with P10-P90


CACHE_ENTRIES = 64


@st.cache_resource
def run_cache() -> "OrderedDict[str, Run]":
    """Runs by content hash of the resolved scenario, shared by all sessions, newest last.
    (Not st.cache_data: a progress bar drawn while computing cannot be replayed from it.)"""
    return OrderedDict()


_lock = threading.Lock()


def run(scenario: Scenario, progress_slot=None) -> Run:
    """The run of a resolved scenario: from the cache when this setting was seen before
    (instant), else computed on all cores with a progress bar in ``progress_slot``."""
    key = scenario_key(scenario)
    cache = run_cache()
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    bar = None
    if progress_slot is not None:
        bar = progress_slot.progress(0.0, text=t("running", done=0, total=scenario.replications))

    def update(done: int, total: int) -> None:
        if bar is not None:
            bar.progress(done / total, text=t("running", done=done, total=total))

    try:
        results = run_experiment(scenario, progress=update)
    finally:
        if progress_slot is not None:
            progress_slot.empty()
    result = Run(results.yearly, monthly_summary(results), results.flows, yearly_totals(results))
    with _lock:
        cache[key] = result
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
    return result
