"""Gevoeligheid: which uncertain assumption of a scenario moves a key measure most (Morris)."""

from functools import partial

import streamlit as st

from simulator import charts
from simulator.csvtext import csv_text
from simulator.export import PPTX_MIME
from simulator.export.analysis import sensitivity_deck
from simulator.levers import default_levers
from simulator.sensitivity import DEFAULT_TRAJECTORIES, indices, point_scenarios
from simulator.uncertainty import path_label, spread_text
from ui.common import (
    choose_from_link,
    lang,
    language_toggle,
    load,
    page_style,
    plain,
    recorded_export,
    run_all,
    scenario_entries,
    scenario_title,
    show_chart,
    t,
    team_of,
)

RESULT_KEY = "sensitivity_result"  # a plain key: the last answer outlives a visit to another page

language_toggle()
page_style()
L = lang()
st.title(t("page_sensitivity"))
st.caption(t("sens_intro"))

loaded = {f: load(f)[0] for f in scenario_entries()}
files = [f for f, found in loaded.items() if found is not None and found.uncertainty]
if not files:
    st.info(t("sens_none"))
    st.stop()
stems = [f.stem for f in files]
choose_from_link(files, "sens_scenario")
choice = st.columns([2.4, 1.0, 1.2], vertical_alignment="bottom")
stem = choice[0].selectbox(
    t("scenario"), stems, key="sens_scenario", format_func=lambda s: scenario_title(files[stems.index(s)])
)
scenario = loaded[files[stems.index(stem)]]
assert scenario is not None  # listed above only when it loads
first = int(scenario.start[:4])
years = list(range(first, first + scenario.years))
year = choice[1].selectbox(
    t("kpi_year"), years, index=years.index(default_levers(scenario).policy_year), key="sens_year"
)
trajectories = choice[2].slider(
    t("sens_trajectories"),
    2,
    10,
    min(DEFAULT_TRAJECTORIES, 4),
    key="sens_r",
    help=t("sens_trajectories_help"),
)

st.markdown(
    "\n".join(
        f"- {plain(path_label(scenario, path, L))}: {spread_text(path, s.low, s.high, s.mode, L)}"
        for path, s in scenario.uncertainty.items()
    )
)
points, scenarios = point_scenarios(scenario, trajectories)
st.caption(
    t("sens_points", points=len(scenarios), replications=scenario.replications, seed=scenario.seed, year=year)
)
asked = (stem, year, trajectories, scenario.seed)
if st.button(t("sens_run"), type="primary", key="sens_go"):
    progress = st.empty()
    summaries = run_all(scenarios, progress)  # the shared cache, the pool's turns and the server's limits
    progress.empty()
    st.session_state[RESULT_KEY] = (asked, indices(scenario, points, [s.yearly for s in summaries], year))

kept = st.session_state.get(RESULT_KEY)
if kept and kept[0] == asked:
    table = kept[1]
    options = [(m, c) for m, c in dict.fromkeys(zip(table["measure"], table["care_type"], strict=True))]
    heavy = scenario.type_names[-1]
    default = options.index(("beds_needed", heavy)) if ("beds_needed", heavy) in options else 0
    measure, care_type = st.selectbox(
        t("sens_measure"),
        options,
        index=default,
        key="sens_measure_choice",
        format_func=lambda o: f"{t('m_' + o[0])} · {scenario.label(o[1])} ({year})",
    )
    rows = table[(table["measure"] == measure) & (table["care_type"] == care_type)]
    labels = {path: path_label(scenario, path, L) for path in scenario.uncertainty}
    title = f"{t('m_' + measure)}, {scenario.label(care_type)} {year}"
    show_chart(charts.tornado_chart(rows, labels, title, L))
    downloads = st.columns(2)
    downloads[0].download_button(
        t("sens_table"),
        recorded_export(
            partial(csv_text, table), [(team_of(files[stems.index(stem)]), scenario.name)], "sensitivity.csv"
        ),
        file_name="sensitivity.csv",
        mime="text/csv",
        key="sens_download",
    )
    downloads[1].download_button(  # made when pressed (a thread of its own), not on every rerun
        t("sens_deck"),
        recorded_export(
            partial(sensitivity_deck, scenario, table, year, labels, L, (measure, care_type)),
            [(team_of(files[stems.index(stem)]), scenario.name)],
            "gevoeligheid.pptx",
        ),
        file_name="gevoeligheid.pptx" if L == "nl" else "sensitivity.pptx",
        mime=PPTX_MIME,
        key="sens_deck_download",
    )
