"""Raster: a grid of two settings, every point a run with the same seed, as a heatmap."""

from functools import partial

import streamlit as st

from simulator import charts
from simulator.csvtext import csv_text
from simulator.export import PPTX_MIME
from simulator.export.analysis import sweep_deck
from simulator.export.images import render
from simulator.levers import default_levers
from simulator.results import key_care_type
from simulator.sweep import SweepError, axis_values, check, sweep_table, three_digits
from simulator.uncertainty import current_value, path_label, sweepable_paths
from ui.common import (
    choose_from_link,
    lang,
    language_toggle,
    load,
    page_style,
    recorded_export,
    run_all,
    scenario_entries,
    scenario_title,
    t,
    team_of,
)

RESULT_KEY = "sweep_result"  # a plain key: the last grid outlives a visit to another page
MEASURES = (
    "delayed_share_mean",
    "waiting_mean",
    "beds_needed",
    "overflow_mean",
    "occupancy_mean",
    "cost_mean",
)
MAX_STEPS = 7

language_toggle()
page_style()
L = lang()
st.title(t("page_sweep"))
st.markdown(t("sweep_intro"))

files = scenario_entries()
stems = [f.stem for f in files]
choose_from_link(files, "sweep_scenario")
top = st.columns([2.4, 1.0], vertical_alignment="bottom")
stem = top[0].selectbox(
    t("scenario"), stems, key="sweep_scenario", format_func=lambda s: scenario_title(files[stems.index(s)])
)
scenario, problem = load(files[stems.index(stem)])
if scenario is None:
    st.error(t("invalid_scenario"))
    st.code(problem, language=None)
    st.stop()
paths = sweepable_paths(scenario)
if len(paths) < 2:
    st.info(t("sweep_too_few"))
    st.stop()
first = int(scenario.start[:4])
years = list(range(first, first + scenario.years))
year = top[1].selectbox(
    t("kpi_year"), years, index=years.index(default_levers(scenario).policy_year), key="sweep_year"
)
labels = {path: path_label(scenario, path, L) for path in paths}
capacities = [p for p in paths if ".capacity" in p]
# By default a capacity against another setting of the heaviest care type (its inflow, say).
defaults = [capacities[-1] if capacities else paths[0]]  # a schedule's latest date: the decision
heavy = [p for p in paths if p not in capacities and f".{scenario.type_names[-1]}." in p]
defaults.append(heavy[0] if heavy else next(p for p in paths if p != defaults[0]))

axes = []
for k, column in enumerate(st.columns(2)):
    with column:
        path = st.selectbox(
            t("sweep_axis", n=k + 1),
            paths,
            index=paths.index(defaults[k]),
            key=f"sweep_path{k}",
            format_func=lambda p: labels[p],
        )
        now = current_value(scenario, path)
        whole = ".capacity" in path
        span = max(abs(now) * 0.25, 0.05 if not whole else 5.0)
        # Places in whole numbers; other settings to three digits, shown without trailing zeros;
        # a named assumption over its range (it is calibrated there, not beyond).
        start, end = (
            (round(now - span), round(now + span))
            if whole
            else (three_digits(now - span), three_digits(now + span))
        )
        if path in scenario.uncertainty and scenario.uncertainty[path].sets:
            start, end = scenario.uncertainty[path].low, scenario.uncertainty[path].high
        shown = {"step": 1, "format": "%d"} if whole else {"format": "%g"}
        low_col, high_col, steps_col = st.columns(3)
        low = low_col.number_input(t("sweep_from"), value=start, key=f"sweep_low{k}_{path}", **shown)
        high = high_col.number_input(t("sweep_to"), value=end, key=f"sweep_high{k}_{path}", **shown)
        steps = steps_col.number_input(t("sweep_steps"), 1, MAX_STEPS, 3, key=f"sweep_steps{k}")
        axes.append((path, axis_values(min(low, high), max(low, high), int(steps), whole)))

if axes[0][0] == axes[1][0]:
    st.warning(t("sweep_same_path"))
    st.stop()
grid = dict(axes)
st.caption(
    t(
        "sweep_points",
        points=len(axes[0][1]) * len(axes[1][1]),
        replications=scenario.replications,
        seed=scenario.seed,
    )
)
asked = (stem, repr(grid), scenario.seed)
if st.button(t("sweep_run"), type="primary", key="sweep_go"):
    try:
        scenarios = check(scenario, grid)
    except SweepError as error:
        st.error(str(error))
        st.stop()
    progress = st.empty()
    summaries = run_all(scenarios, progress)  # the shared cache, the pool's turns and the server's limits
    progress.empty()
    st.session_state[RESULT_KEY] = (asked, sweep_table(grid, [s.yearly for s in summaries]))

kept = st.session_state.get(RESULT_KEY)
if kept and kept[0] == asked:
    table = kept[1]
    pick = st.columns(2)
    measure = pick[0].selectbox(
        t("sens_measure"), MEASURES, key="sweep_measure", format_func=lambda m: t("m_" + m)
    )
    names = scenario.type_names
    care_type = pick[1].selectbox(
        t("care_type"),
        names,
        index=names.index(key_care_type(scenario)),
        key="sweep_care_type",
        format_func=scenario.label,
    )
    rows = table[(table["year"] == year) & (table["care_type"] == care_type)]
    title = f"{t('m_' + measure)}, {scenario.label(care_type)} {year}"
    chart = charts.heatmap_chart(rows, axes[0][0], axes[1][0], measure, labels, title, L)
    # Drawn as the image it exports to: the same picture on the screen, in the PNG and on a slide.
    png, _ = render(chart.properties(width=900))
    st.image(png, width="stretch")
    downloads = st.columns(3)
    swept = [(team_of(files[stems.index(stem)]), scenario.name)]
    downloads[0].download_button(
        "raster.png",
        recorded_export(lambda: png, swept, "raster.png"),
        file_name="raster.png",
        mime="image/png",
        key="sweep_png",
    )
    downloads[1].download_button(
        "sweep.csv",
        recorded_export(partial(csv_text, table), swept, "sweep.csv"),
        file_name="sweep.csv",
        mime="text/csv",
        key="sweep_csv",
    )
    downloads[2].download_button(  # made when pressed (a thread of its own), not on every rerun
        t("sweep_deck"),
        recorded_export(
            partial(sweep_deck, scenario, rows, axes[0][0], axes[1][0], measure, title, labels, png, L),
            [(team_of(files[stems.index(stem)]), scenario.name)],
            "raster.pptx",
        ),
        file_name="raster.pptx",
        mime=PPTX_MIME,
        key="sweep_deck_download",
    )
