"""Vergelijken: a baseline and up to five scenarios side by side, with the same random numbers.

The workshop's unsaved settings can be one of them, and the link in the address bar reopens
the comparison: baseline, the others, the key figures' year, the language and, when the
workshop's settings are in it, their scenario and levers (the workshop link's own keys).
"""

from functools import partial

import pandas as pd
import streamlit as st

from simulator import charts, i18n
from simulator.compare import (
    MAX_OTHERS,
    aligned,
    kpi_grid,
    kpi_table,
    overlay_frames,
)
from simulator.differences import described_differences
from simulator.experiment import scenario_key
from simulator.export import comparison_export
from simulator.export.tables import csv_text
from simulator.levers import changed_scenario, from_params, ignored_params, to_params
from simulator.scenario import ScenarioError
from simulator.timeline import Calendar
from ui.common import (
    LEVERS_KEY,
    export_section,
    lang,
    language_toggle,
    load,
    log,
    other_teams_link,
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

WORKSHOP = "_workshop"  # the workshop's unsaved settings ('_' is in no file's stem)
LINK_KEYS = frozenset({"baseline", "with", "kpi_year", "lang", "scenario"})  # the rest are levers
LINK_SEEN = "compare_link"  # the link this page last read or wrote (a new one is read again)
IGNORED = "compare_ignored"

language_toggle()
page_style()  # the projector's room, as on the workshop
st.title(t("page_compare"))
st.caption(t("compare_intro"))
L = lang()

files = {path.stem: path for path in scenario_entries()}


def read_link(asked: dict[str, str]) -> list[str]:
    """A link's comparison into the session (the widgets' keys and, when the workshop's
    settings are in it, the workshop's levers); returns what it asked for that cannot be used,
    as "key=value"."""
    ignored = []
    base = asked.get("baseline")
    others = [s for s in asked.get("with", "").split(",") if s]
    stem = asked.get("scenario")
    levers = {k: v for k, v in asked.items() if k not in LINK_KEYS}
    scenario = load(files[stem])[0] if stem in files else None
    if WORKSHOP in [base, *others] and scenario is not None:
        values = to_params(from_params(scenario, levers))
        st.session_state[LEVERS_KEY] = {"for": stem, "values": {k: float(v) for k, v in values.items()}}
        ignored += ignored_params(scenario, levers, LINK_KEYS)
        known = {*files, WORKSHOP}
    else:  # no workshop settings in the comparison: its scenario and levers are not used
        ignored += [f"scenario={stem}"] if stem is not None else []
        ignored += [f"{k}={v}" for k, v in levers.items()]
        known = set(files)
    if base is not None:
        if base in known:
            st.session_state["compare_baseline"] = base
        else:
            ignored.append(f"baseline={base}")
    usable = [s for s in dict.fromkeys(others) if s in known and s != base][:MAX_OTHERS]
    ignored += [f"with={s}" for s in others if s not in usable]
    if "with" in asked:
        st.session_state["compare_others"] = usable
    if asked.get("lang") not in (None, "nl", "en"):
        ignored.append(f"lang={asked['lang']}")
    if "kpi_year" in asked:
        st.session_state["compare_year_asked"] = asked["kpi_year"]  # checked once the years are known
    return ignored


def notice_read() -> None:
    """A choice changed: the link's notice has been read."""
    st.session_state.pop(IGNORED, None)


# The choices, kept in a plain session key: Streamlit drops a widget's state when another page
# is shown, so a visit to the workshop would empty the comparison.
KEPT = "compare_kept"
if "compare_baseline" not in st.session_state and KEPT in st.session_state:
    st.session_state["compare_baseline"], st.session_state["compare_others"], year_kept = st.session_state[
        KEPT
    ]
    if year_kept is not None:
        st.session_state["compare_year"] = year_kept

# A comparison's link names a baseline or others; without them the query is another page's
# (the workshop's link stays in the address bar when the navigation switches page).
asked = st.query_params.to_dict()
linked = [asked.get("baseline"), asked.get("scenario"), *asked.get("with", "").split(",")]
if any(other_teams_link(item) for item in linked):  # another team's scenario: nothing of it is shown
    st.error(t("no_access_link"))
if ({"baseline", "with"} & set(asked)) and asked != st.session_state.get(LINK_SEEN):
    st.session_state[IGNORED] = read_link(asked)
    st.session_state[LINK_SEEN] = asked


def workshop_scenario():
    """The workshop's current settings as a scenario named after its changes, with the
    scenario they change; None when the workshop has not been opened in this session."""
    kept = st.session_state.get(LEVERS_KEY)
    if not kept or kept["for"] not in files:
        return None
    scenario = load(files[kept["for"]])[0]
    if scenario is None:
        return None
    try:
        levers = from_params(scenario, {k: f"{v:g}" for k, v in kept["values"].items()})
        return changed_scenario(scenario, levers), scenario
    except ScenarioError:  # a lever combination the checks refuse (the workshop says which)
        return None


workshop = workshop_scenario()
chosen = [st.session_state.get("compare_baseline"), *st.session_state.get("compare_others", [])]
offers_workshop = workshop is not None and (
    workshop[0].name != workshop[1].name  # it changes something
    or WORKSHOP in chosen
)
if WORKSHOP in chosen and workshop is None:  # its file deleted, or a lever combination refused
    st.warning(t("compare_workshop_gone"))
stems = [*files, *([WORKSHOP] if offers_workshop else [])]


def title(stem: str) -> str:
    if stem == WORKSHOP:
        assert workshop is not None
        return t("compare_workshop_entry", name=workshop[0].name)
    return scenario_title(files[stem])


# A saved scenario deleted meanwhile (on the Scenario's page, or by another session) drops out.
if st.session_state.get("compare_baseline") not in stems:
    st.session_state.pop("compare_baseline", None)
if "compare_others" in st.session_state:
    st.session_state["compare_others"] = [s for s in st.session_state["compare_others"] if s in stems]
# One row for the choices and the year: the key figures then start on a projector's first screen.
head = st.columns([1.0, 1.5, 0.8], vertical_alignment="bottom")
base_stem = head[0].selectbox(
    t("baseline"),
    stems,
    format_func=title,
    key="compare_baseline",
    on_change=notice_read,
    placeholder=t("choose_one"),  # Streamlit's own is English ("Choose an option")
)
other_stems = head[1].multiselect(
    t("compare_with"),
    [s for s in stems if s != base_stem],
    max_selections=MAX_OTHERS,
    format_func=title,
    key="compare_others",
    on_change=notice_read,
    help=t("compare_with_help", n=MAX_OTHERS),
    placeholder=t("choose_more"),  # Streamlit's own is English ("Choose options")
)
if offers_workshop and WORKSHOP not in [base_stem, *other_stems]:
    st.caption(t("compare_workshop_hint"))
notice = st.empty()


def share(year: int | None = None) -> None:
    """The address bar's link reopens this comparison (and the notice lists what a link asked
    for that could not be used)."""
    link = {"baseline": base_stem, "with": ",".join(other_stems), "lang": L}
    if year is not None:
        link["kpi_year"] = str(year)
    if WORKSHOP in [base_stem, *other_stems]:
        kept = st.session_state[LEVERS_KEY]
        link |= {"scenario": kept["for"], **{k: f"{v:g}" for k, v in kept["values"].items()}}
    st.query_params.from_dict(link)
    st.session_state[LINK_SEEN] = link
    st.session_state[KEPT] = (base_stem, list(other_stems), year)
    if st.session_state.get(IGNORED):
        # Escaped: a link's text is shown as typed, never as Markdown (an image would be fetched).
        notice.warning(plain(t("link_ignored", items=", ".join(st.session_state[IGNORED]))))


share()
if not other_stems:
    st.session_state.pop("compare_year_asked", None)  # a link's year is for its own comparison
    st.info(t("compare_choose"))
    st.stop()

loaded = {
    stem: (workshop[0], None) if stem == WORKSHOP and workshop else load(files[stem])
    for stem in [base_stem, *other_stems]
}
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

# The years every scenario covers, known before the run: the year is chosen beside the scenarios.
years = sorted(set.intersection(*(set(Calendar.of(s).years) for s in scenarios)))
if not years:
    st.warning(t("compare_no_common_years"))
    st.stop()
wanted = st.session_state.pop("compare_year_asked", None)
if wanted is not None:
    if wanted in {str(y) for y in years}:
        st.session_state["compare_year"] = int(wanted)
    else:
        st.session_state[IGNORED] = [*st.session_state.get(IGNORED, []), f"kpi_year={wanted}"]
if st.session_state.get("compare_year") not in years:
    st.session_state["compare_year"] = years[min(1, len(years) - 1)]
year = head[2].select_slider(t("kpi_year"), options=years, key="compare_year", on_change=notice_read)
share(year)

try:
    summaries = run_all(scenarios, st.empty())
except Exception:  # never a traceback on the screen
    log.exception("comparison run failed")
    st.error(t("error_generic"))
    st.stop()
# ---------------------------------------------------------------- key figures
st.subheader(t("compare_kpis", year=year))
kpis = kpi_table(summaries, year, labels)
names = {name: scenario.label(name) for scenario in reversed(scenarios) for name in scenario.type_names}
# Scenarios as columns: per figure a row of values (P10 - P90) and a row of differences from
# the baseline, paired by replication (P10 - P90 of that difference).
rows = []
for measure, cells in kpi_grid(kpis, L).items():
    heavy = kpis.loc[kpis["measure"] == measure, "care_type"].iloc[0]
    rows.append(
        [
            f"**{plain(t(i18n.KPI_LABELS[measure], care_type=names.get(heavy, heavy)))}**",
            *(
                f"**{c.value}**"
                + (f" ({c.value_range})" if c.value_range else "")
                + (
                    f" · {plain(names.get(c.other_care_type, c.other_care_type))}"
                    if c.other_care_type
                    else ""
                )
                for c in cells
            ),
        ]
    )
    rows.append(
        [
            t("compare_difference_row"),
            "",
            *(
                c.difference
                + (f" ({c.difference_range})" if c.difference_range else "")
                # beds of another care type: against that care type in the baseline
                + (
                    " · "
                    + plain(t("compare_against_type", label=names.get(c.other_care_type, c.other_care_type)))
                    if c.other_care_type and c.difference not in ("", "–")
                    else ""
                )
                for c in cells[1:]
            ),
        ]
    )
columns = [t("measure"), *(plain(label) for label in labels)]
st.table(pd.DataFrame(rows, columns=columns), hide_index=True)
st.caption(t("compare_kpis_caption", level=i18n.percent(summaries[0].scenario.service_level, L)))

# ---------------------------------------------------------------- overlays
monthly, totals = overlay_frames(summaries, labels)
st.subheader(t("chart_occupancy"))
st.caption(t("compare_occupancy_caption"))
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
differences = described_differences(scenarios, labels, L)
if differences.empty:
    st.info(t("compare_same_parameters"))
else:
    st.caption(t("compare_parameters_caption"))
    setting = differences.columns[0]  # the words get a fixed width, the scenarios the rest
    st.dataframe(
        differences,
        hide_index=True,
        width="stretch",
        column_config={setting: st.column_config.TextColumn(width=360)},
    )


def exported_team(stem: str) -> str | None:
    """The team owning a compared scenario (the workshop's settings: its scenario's team)."""
    if stem == WORKSHOP:
        kept = st.session_state.get(LEVERS_KEY) or {}
        return team_of(files.get(kept.get("for", "")))
    return team_of(files.get(stem))


downloads = st.columns(2)
compared = [
    (exported_team(stem), scenario.name)
    for stem, scenario in zip([base_stem, *other_stems], scenarios, strict=True)
]
downloads[0].download_button(  # for a spreadsheet in the page's language (Dutch: ';' and ',')
    t("download_kpis"),
    data=recorded_export(partial(csv_text, kpis, L), compared, "kpis.csv"),
    file_name="kpis.csv",
    mime="text/csv",
)
downloads[1].download_button(
    t("download_parameters"),
    data=recorded_export(partial(csv_text, differences, L), compared, t("settings_file")),
    file_name=t("settings_file"),  # words, not the command line's parameters.csv of schema paths
    mime="text/csv",
)


export_section(
    f"compare:{':'.join(scenario_key(s) for s in scenarios)}:{L}:{year}",
    lambda progress: comparison_export(summaries, labels, L, year=year, progress=progress),
    exported=[
        (exported_team(stem), scenario.name)
        for stem, scenario in zip([base_stem, *other_stems], scenarios, strict=True)
    ],
)
