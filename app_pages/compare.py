"""Vergelijken: a baseline and up to five scenarios side by side, with the same random numbers."""

import streamlit as st

from simulator import charts, i18n
from simulator.compare import (
    MAX_OTHERS,
    aligned,
    common_years,
    kpi_table,
    overlay_frames,
    parameter_differences,
)
from simulator.experiment import scenario_key
from simulator.export import comparison_export
from simulator.export.tables import csv_text
from ui.common import (
    export_section,
    lang,
    language_toggle,
    load,
    log,
    run_all,
    scenario_files,
    scenario_title,
    show_chart,
    t,
)

language_toggle()
st.title(t("page_compare"))
st.caption(t("compare_intro"))
L = lang()

files = {path.stem: path for path in scenario_files()}
stems = list(files)
# A saved scenario deleted meanwhile (on the Scenario's page, or by another session) drops out.
if st.session_state.get("compare_baseline") not in stems:
    st.session_state.pop("compare_baseline", None)
if "compare_others" in st.session_state:
    st.session_state["compare_others"] = [s for s in st.session_state["compare_others"] if s in stems]
base_stem = st.selectbox(
    t("baseline"),
    stems,
    format_func=lambda s: scenario_title(files[s]),
    key="compare_baseline",
    placeholder=t("choose_one"),  # Streamlit's own is English ("Choose an option")
)
other_stems = st.multiselect(
    t("compare_with"),
    [s for s in stems if s != base_stem],
    max_selections=MAX_OTHERS,
    format_func=lambda s: scenario_title(files[s]),
    key="compare_others",
    help=t("compare_with_help", n=MAX_OTHERS),
    placeholder=t("choose_more"),  # Streamlit's own is English ("Choose options")
)
if not other_stems:
    st.info(t("compare_choose"))
    st.stop()

loaded = {stem: load(files[stem]) for stem in [base_stem, *other_stems]}
broken = [(stem, problem) for stem, (scenario, problem) in loaded.items() if scenario is None]
for _stem, problem in broken:
    st.error(t("invalid_scenario"))
    st.code(problem, language=None)
if broken:
    st.stop()

scenarios = aligned(loaded[base_stem][0], [loaded[stem][0] for stem in other_stems])
labels = [scenario.name for scenario in scenarios]
if len(set(labels)) < len(labels):  # two files with one name: tell them apart by file
    labels = [
        f"{scenario.name} ({stem})"
        for scenario, stem in zip(scenarios, [base_stem, *other_stems], strict=True)
    ]
st.caption(t("compare_aligned", seed=scenarios[0].seed, n=scenarios[0].replications))

try:
    summaries = run_all(scenarios, st.empty())
except Exception:  # never a traceback on the screen
    log.exception("comparison run failed")
    st.error(t("error_generic"))
    st.stop()

years = common_years(summaries)
if not years:
    st.warning(t("compare_no_common_years"))
    st.stop()
year = st.select_slider(t("kpi_year"), options=years, value=years[min(1, len(years) - 1)], key="compare_year")

# ---------------------------------------------------------------- key figures
st.subheader(t("compare_kpis", year=year))
kpis = kpi_table(summaries, year, labels)
MEASURES = {
    "beds_needed": "compare_beds",
    "in_care": "compare_in_care",
    "waiting": "compare_waiting",
    "overflow": "compare_overflow",
    "cost": "compare_cost",
}


def show(value: float, measure: str) -> str:
    return (
        i18n.euro(value, L)
        if measure == "cost"
        else i18n.number(value, L, 0 if measure == "beds_needed" else 1)
    )


def spread(low: float, high: float, measure: str) -> str:
    return "" if low != low else f" ({show(low, measure)} – {show(high, measure)})"  # NaN: no spread


names = {name: scenario.label(name) for scenario in reversed(scenarios) for name in scenario.type_names}
rows = []
for row in kpis.itertuples():
    label = t(MEASURES[row.measure], care_type=names.get(row.care_type, row.care_type))
    difference = (
        ""
        if row.scenario == 0
        else (
            ("+" if row.difference > 0 else "")
            + show(row.difference, row.measure)
            + spread(row.difference_p10, row.difference_p90, row.measure)
        )
    )
    rows.append(
        {
            t("scenario"): row.name,
            t("measure"): label,
            t("value_p10_p90"): show(row.mean, row.measure) + spread(row.p10, row.p90, row.measure),
            t("difference_p10_p90"): difference,
        }
    )
st.dataframe(rows, hide_index=True, width="stretch")
st.caption(t("compare_kpis_caption", level=f"{summaries[0].scenario.service_level:.0%}"))

# ---------------------------------------------------------------- overlays
monthly, totals = overlay_frames(summaries, labels)
st.subheader(t("chart_occupancy"))
show_chart(charts.scenario_legend(labels, L))
care_types = list(dict.fromkeys(name for scenario in scenarios for name in scenario.type_names))
for start in range(0, len(care_types), 2):
    for column, name in zip(st.columns(2), care_types[start : start + 2], strict=False):
        show_chart(charts.comparison_panel(monthly, name, names[name], L), column)
st.subheader(t("compare_totals"))
for column, (measure, key) in zip(
    st.columns(2), (("in_care", "compare_in_care"), ("cost", "compare_cost")), strict=False
):
    show_chart(charts.comparison_totals_chart(totals, measure, t(key, care_type=""), L), column)

# ---------------------------------------------------------------- parameters
st.subheader(t("compare_parameters"))
differences = parameter_differences(scenarios, labels)
if differences.empty:
    st.info(t("compare_same_parameters"))
else:
    st.dataframe(differences, hide_index=True, width="stretch")
downloads = st.columns(2)
downloads[0].download_button(  # for a spreadsheet in the page's language (Dutch: ';' and ',')
    t("download_kpis"), data=csv_text(kpis, L), file_name="kpis.csv", mime="text/csv"
)
downloads[1].download_button(
    t("download_parameters"),
    data=csv_text(differences, L),
    file_name="parameters.csv",
    mime="text/csv",
)

export_section(
    f"compare:{':'.join(scenario_key(s) for s in scenarios)}:{L}:{year}",
    lambda progress: comparison_export(summaries, labels, L, year=year, progress=progress),
)
