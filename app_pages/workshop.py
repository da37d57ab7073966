"""Workshop: pick a scenario, move the levers, see what happens to the whole chain."""

import datetime
import math
import time
from functools import partial

import pandas as pd
import streamlit as st

from simulator import charts, i18n
from simulator.experiment import scenario_key
from simulator.export import scenario_export
from simulator.export.flow import flow_svg
from simulator.levers import (
    age_route,
    changed_scenario,
    default_levers,
    describe_changes,
    from_params,
    ignored_params,
    ranges,
    start_year,
    to_params,
    youngest_band_label,
)
from simulator.results import age_table, key_care_type, occupied_bands, tradeoff_table
from simulator.scenario import ScenarioError, central, dump_scenario, with_overrides
from simulator.schema import age_limit_of
from simulator.timeline import Calendar
from simulator.uncertainty import path_label
from ui.common import (
    LEVERS_KEY,
    export_section,
    find_entry,
    lang,
    language_toggle,
    load,
    log,
    no_images,
    other_teams_link,
    page_style,
    plain,
    recorded_export,
    run_all,
    save_form,
    scenario_entries,
    scenario_title,
    show_chart,
    t,
    team_of,
)

PREFIX = "lever:"  # widget keys are PREFIX + the lever's URL parameter name
EXACT = "exact:"  # the number box beside a capacity slider: EXACT + the lever's name
# The levers' values, kept in a plain session key (ui.common.LEVERS_KEY), written in one
# assignment. The slider keys are set from it at the start of every run and copied back by
# their on_change callbacks (like the language toggle).
# A slider's key alone is not durable. Streamlit tells the browser a value set through the
# session state only with the run that set it: when the browser does not take that run's
# sliders (a rerun, say the language toggle clicked during the first load, began before they
# were sent, or they arrived after the browser asked for it), it draws them at their minimum,
# and its next message (any slider move) makes those minimums the levers. And a page that
# does not draw the sliders drops their values.
IGNORED_KEY = "link_ignored"  # "key=value" of a link's parameters that could not be used
PAGE_PARAMS = frozenset({"scenario", "lang", "kpi_year", "present"})  # the rest are levers

language_toggle()
# Presentation mode (for the projector): the key figures and the main chart large, no levers.
# In the link as present=1; the toggle's key keeps it while the page is open.
if "present" not in st.session_state:
    st.session_state["present"] = st.query_params.get("present") == "1"
presenting = bool(st.session_state["present"])
page_style(presenting)
# One row for the title, the scenario and the key figures' year: the first screen of a
# projector (1280 x 720) then holds the key figures and the main chart.
head = st.columns([1.0, 2.4, 1.6], vertical_alignment="bottom")
head[0].title(t("page_workshop"))

# ---------------------------------------------------------------- scenario
files = scenario_entries()
if not files:
    st.error(t("no_scenarios"))
    st.stop()
stems = [f.stem for f in files]
requested = st.query_params.get("scenario")
if other_teams_link(requested):  # another team's scenario: nothing of it, existing or not
    st.error(t("no_access_link"))
    st.page_link(
        "app_pages/workshop.py",
        label=t("no_access_back"),
        icon=":material/tune:",
        query_params={"scenario": stems[0]},
    )
    st.stop()
found = find_entry(files, requested)
requested = found.stem if found is not None else requested
if st.session_state.get("scenario_choice") not in stems:  # first visit, or its file was deleted meanwhile
    # The link's scenario, else the one whose levers a comparison's link has set, else the first.
    kept_for = (st.session_state.get(LEVERS_KEY) or {}).get("for")
    st.session_state["scenario_choice"] = (
        requested if requested in stems else kept_for if kept_for in stems else stems[0]
    )
    # What a link asked for that the page cannot use is listed once, not dropped in silence.
    asked = st.query_params.to_dict()
    st.session_state[IGNORED_KEY] = [
        f"{key}={asked[key]}"
        for key, allowed in (("scenario", stems), ("lang", ("nl", "en")), ("present", ("0", "1")))
        if key in asked and asked[key] not in allowed
    ]
stem = head[1].selectbox(
    t("scenario"),
    stems,
    key="scenario_choice",
    help=t("scenario_help"),
    placeholder=t("choose_one"),
    format_func=lambda s: scenario_title(files[stems.index(s)]),
)
scenario, problem = load(files[stems.index(stem)])
if scenario is None:
    st.error(t("invalid_scenario"))
    st.code(problem, language=None)
    st.stop()

changed_line = st.empty()  # "Gewijzigd: ..." once the levers are read (below)
link_notice = st.empty()  # what a link asked for that could not be used (below)
about = t("about_scenario") + (f" · {t('region')}: {plain(scenario.region)}" if scenario.region else "")
with st.expander(about, expanded=False):
    st.markdown(f"**{plain(scenario.name)}**")
    st.markdown(plain(scenario.description))

defaults = default_levers(scenario)
limits = ranges(scenario)
default_params = to_params(defaults)


def reset_levers() -> None:
    st.session_state[LEVERS_KEY] = {"for": stem, "values": {k: float(v) for k, v in default_params.items()}}


def lever_changed(key: str, widget: str = PREFIX) -> None:
    """A slider moved (or its number box changed): its new value into the levers (one
    assignment)."""
    kept = st.session_state.get(LEVERS_KEY)
    if kept is None or key not in kept["values"]:
        return
    st.session_state.pop(IGNORED_KEY, None)  # the link's notice has been read
    value = float(st.session_state[widget + key])
    st.session_state[LEVERS_KEY] = {"for": kept["for"], "values": {**kept["values"], key: value}}


def fits(kept) -> bool:
    """Whether kept levers belong to this scenario as it is now (its file may have changed)."""
    return (
        kept is not None
        and kept["for"] == stem
        and set(kept["values"]) == set(default_params)
        and all(limits[k].low <= v <= limits[k].high for k, v in kept["values"].items())
    )


# First visit of this scenario in this session: start from the URL, else the defaults.
stored = st.session_state.get(LEVERS_KEY)
if not fits(stored):
    from_link = st.query_params.to_dict() if requested == stem else {}
    url_levers = to_params(from_params(scenario, from_link))
    st.session_state[IGNORED_KEY] = [
        *st.session_state.get(IGNORED_KEY, []),
        *ignored_params(scenario, from_link, PAGE_PARAMS),
    ]
    stored = {"for": stem, "values": {k: float(v) for k, v in url_levers.items()}}
    st.session_state[LEVERS_KEY] = stored
for key, value in stored["values"].items():  # every run, so every run tells the browser
    st.session_state[PREFIX + key] = value
    if key.startswith("capacity_"):
        st.session_state[EXACT + key] = int(value)

# ---------------------------------------------------------------- levers (sidebar)
labels = {name: no_images(scenario.label(name)) for name in scenario.type_names}  # labels render Markdown
first_year = start_year(scenario)


def months_slider(key: str, label: str, help_text: str) -> None:
    """A stay lever: its values in the page's number format ("5,25"; a slider's own format is
    English, "5.25"), so a slider over the steps' values, the scenario's own value among them."""
    r = limits[key]
    steps = math.floor((r.high - r.low) / r.step + 1e-9)  # the top need not lie on a step
    grid = {round(r.low + k * r.step, 6) for k in range(steps + 1)} | {float(r.high)}
    options = sorted(grid | {defaults.stay_months[key.split(".", 1)[1]], stored["values"][key]})
    st.select_slider(
        label,
        options=options,
        key=PREFIX + key,
        on_change=lever_changed,
        args=(key,),
        help=help_text,
        format_func=lambda months: i18n.trimmed(months, lang(), 2),
    )


def slider(key: str, label: str, help_text: str, exact: bool = False) -> None:
    """A lever's slider; ``exact``: with a number box beside it (a capacity of 0-124 places on
    a slider of 240 pixels cannot be set to the place)."""
    r = limits[key]
    where = st.columns([2.6, 1.4], vertical_alignment="bottom") if exact else [st.container()]
    where[0].slider(
        label,
        min_value=float(r.low),
        max_value=float(r.high),
        step=float(r.step),
        key=PREFIX + key,
        on_change=lever_changed,
        args=(key,),
        help=help_text,
        format="%g",
    )
    if exact:
        where[1].number_input(
            label,
            min_value=int(r.low),
            max_value=int(r.high),
            step=1,
            key=EXACT + key,
            on_change=lever_changed,
            args=(key, EXACT),
            label_visibility="collapsed",
        )


with st.sidebar:
    st.toggle(t("present"), key="present", help=t("present_help"))


def draw_levers() -> None:
    """The levers in the sidebar (not in presentation mode: their values stay in LEVERS_KEY)."""
    st.header(t("levers"))
    st.button(t("reset"), on_click=reset_levers, help=t("reset_help"), width="stretch")
    slider("policy_year", t("policy_year"), t("policy_year_help"))
    slider("years", t("horizon"), t("horizon_help"))
    for name in scenario.type_names:  # every care type has at least its stay lever
        st.subheader(labels[name])
        if f"inflow.{name}" in limits:
            own = [
                p.inflow_change_per_year[name] for p in scenario.policies if name in p.inflow_change_per_year
            ]
            own_text = ", ".join(f"{i18n.number(c * 100, lang(), 1)}%" for c in own) or "0%"
            slider(
                f"inflow.{name}",
                t("inflow_change", label=labels[name]),
                t("inflow_change_help", default=own_text),
            )
        months_slider(
            f"stay.{name}",
            t("stay", label=labels[name]),
            t("stay_help", default=i18n.number(defaults.stay_months[name], lang(), 2)),
        )
        if f"escalation.{name}" in limits:
            targets = ", ".join(labels[d] for d in scenario.care_types[name].escalation_per_year)
            slider(
                f"escalation.{name}",
                t("escalation", label=labels[name]),
                t("escalation_help", targets=targets),
            )
        if f"young.{name}" in limits:
            band = youngest_band_label(scenario, name)
            slider(f"young.{name}", t("young", band=band), t("young_help", band=band, label=labels[name]))
        if f"extended.{name}" in limits:
            onward = [d for d in age_route(scenario, name) if d != "exit"]
            limit = age_limit_of(scenario, name)
            slider(
                f"extended.{name}",
                t("extended", limit=limit),
                t(
                    "extended_help",
                    label=labels[name],
                    limit=limit,
                    targets=", ".join(labels[d] for d in onward),
                    default=i18n.number(100 * defaults.extended[name], lang(), 0),
                ),
            )
        if f"capacity_start.{name}" in limits:
            slider(
                f"capacity_start.{name}",
                t("capacity_start", label=labels[name], year=first_year),
                t("capacity_help", default=defaults.capacity_start[name]),
                exact=True,
            )
            slider(
                f"capacity_target.{name}",
                t("capacity_target", label=labels[name]),
                t("capacity_help", default=defaults.capacity_target[name]),
                exact=True,
            )


if not presenting:
    with st.sidebar:
        draw_levers()

params = {key: f"{value:g}" for key, value in stored["values"].items()}
levers = from_params(scenario, params)

# ---------------------------------------------------------------- run
try:
    changed = changed_scenario(scenario, levers)  # named after its changes
    baseline_scenario = with_overrides(scenario, years=levers.years)
except ScenarioError as error:  # a lever combination the checks refuse: say which field
    st.error(error.message(lang()))
    st.stop()
# Uncertain assumptions (the scenario's uncertainty block): the bands show chance and the
# assumptions' ranges, or chance only. Kept in a plain key: presentation mode hides the choice.
SPREAD_KEY = "spread_kept"
SPREADS = ("both", "chance")
if scenario.uncertainty:
    if SPREAD_KEY not in st.session_state:  # first visit: the link's choice (spread=chance)
        asked_spread = st.query_params.get("spread")
        if asked_spread in SPREADS:
            st.session_state[SPREAD_KEY] = asked_spread
        elif asked_spread is not None:
            st.session_state[IGNORED_KEY] = [*st.session_state.get(IGNORED_KEY, []), f"spread={asked_spread}"]
    if not presenting:
        st.session_state["spread"] = st.session_state.get(SPREAD_KEY, "both")
        page_lang = lang()
        st.sidebar.radio(
            t("spread"),
            SPREADS,
            # The page's language bound now: AppTest formats the options again after the
            # run, where the session's language is not at hand.
            format_func=lambda key: i18n.t(f"spread_{key}", page_lang),
            key="spread",
            help=t(
                "spread_help", paths="; ".join(path_label(scenario, p, lang()) for p in scenario.uncertainty)
            ),
            on_change=lambda: st.session_state.update({SPREAD_KEY: st.session_state["spread"]}),
        )
    if st.session_state.get(SPREAD_KEY, "both") == "chance":
        changed, baseline_scenario = central(changed), central(baseline_scenario)
# A changed scenario says so, in words, and its name carries the changes (changed_scenario).
changes = describe_changes(scenario, levers, lang())
if changes:
    changed_line.markdown(f":orange-badge[{t('changed')}] " + no_images("; ".join(changes)))

# ---------------------------------------------------------------- save and share (sidebar)
if not presenting:  # presentation mode: the sidebar holds only its toggle
    with st.sidebar:
        st.header(t("save_header"))
        to_save = changed.model_copy(
            update={
                "description": t(
                    "saved_description",
                    base=scenario.name,
                    date=datetime.date.today().isoformat(),
                    description=scenario.description,
                )
                + (" " + t("changed_levers", changes="; ".join(changes)) if changes else "")
            }
        )
        save_name = save_form(
            to_save,
            changed.name if changes else t("save_default_name", name=scenario.name),
            "save",
            t("save_name_help"),
        )
        st.download_button(
            t("download_yaml"),
            data=recorded_export(
                partial(dump_scenario, to_save.model_copy(update={"name": save_name or scenario.name})),
                [(team_of(files[stems.index(stem)]), save_name or scenario.name)],
                "yaml",
            ),
            file_name=f"{stem.replace('/', '-')}-workshop.yaml",
            mime="application/x-yaml",
            width="stretch",
            help=t("download_yaml_help"),
        )

years = Calendar.of(changed).years
fallback = levers.policy_year if levers.policy_year in years else years[0]
if "kpi_year" not in st.session_state:  # first visit: the link's year
    asked_year = st.query_params.get("kpi_year")
    by_text = {str(year): year for year in years}
    if asked_year is not None and asked_year not in by_text:
        st.session_state[IGNORED_KEY] = [*st.session_state.get(IGNORED_KEY, []), f"kpi_year={asked_year}"]
    st.session_state["kpi_year"] = by_text.get(asked_year, fallback)
elif st.session_state["kpi_year"] not in years:  # a shorter horizon: not the link's doing
    st.session_state["kpi_year"] = fallback
kpi_year = head[2].select_slider(t("kpi_year"), options=years, key="kpi_year")
# The link reopens exactly this state: scenario, levers, key figures' year, language, mode.
link = {"scenario": stem, **to_params(levers), "kpi_year": str(kpi_year), "lang": lang()}
if scenario.uncertainty and st.session_state.get(SPREAD_KEY) == "chance":
    link["spread"] = "chance"  # the default (chance and assumptions) keeps links short
st.query_params.from_dict({**link, **({"present": "1"} if presenting else {})})
if changes and not presenting:  # the unsaved settings beside the unchanged scenario, by link
    st.sidebar.page_link(
        "app_pages/compare.py",
        label=t("compare_link"),
        icon=":material/compare_arrows:",
        help=t("compare_link_help"),
        query_params={"baseline": stem, "with": "_workshop", **link},
    )
if st.session_state.get(IGNORED_KEY):
    # One orange line, not a box: the key figures and the main chart stay on a projector's
    # first screen (tests/test_browser.py opens such a link at 1280 x 720).
    text = plain(t("link_ignored", items=", ".join(st.session_state[IGNORED_KEY])))
    link_notice.caption(f":orange[:material/warning: {text}]")
heavy = key_care_type(scenario)
away = ", ".join(labels[n] for n in scenario.type_names if scenario.out_of_home(n))
L = lang()


def yearly_value(frame, name, column):
    return frame.loc[(frame["year"] == kpi_year) & (frame["care_type"] == name), column].iloc[0]


def total(frame, measure):
    return frame[(frame["year"] == kpi_year) & (frame["measure"] == measure)].iloc[0]


def draw(current, baseline) -> None:
    """Key figures and charts of a run against the unchanged scenario."""
    for warning in current.warnings:  # e.g. a circular wait, in the page's language
        st.warning(warning.text(L))
    # Always one status line, so the final page has the preview's elements in the same places.
    if current.replications < changed.replications:
        st.caption(
            ":material/hourglass_top: "
            + t("provisional", done=current.replications, total=changed.replications)
        )
    else:
        spread = (
            ""
            if not scenario.uncertainty
            else " " + t("spread_note_both", n=len(scenario.uncertainty))
            if changed.uncertainty
            else " " + t("spread_note_chance")
        )
        st.caption(t("computed_with", n=current.replications, seed=changed.seed) + spread)
    # The key figures two by two beside the main chart: both on a projector's first screen.
    figures, main = st.columns([1.1, 1.0], gap="medium")
    with figures:
        cols = [column for _ in range(3) for column in st.columns(2)]
    show_chart(
        charts.main_chart_spec(
            current.monthly,
            current.yearly,
            heavy,
            labels,
            L,
            baseline=baseline.monthly,
            height=400 if presenting else 330,  # the legend's two rows included
        ),
        main,
    )
    beds = int(yearly_value(current.yearly, heavy, "beds_needed"))
    beds_base = int(yearly_value(baseline.yearly, heavy, "beds_needed"))
    capacity = yearly_value(current.yearly, heavy, "capacity")
    capacity_text = t("unlimited") if str(capacity) == "<NA>" else i18n.number(int(capacity), L)
    cols[0].metric(
        t("kpi_beds", label=labels[heavy], year=kpi_year),
        f"{beds} / {capacity_text}",
        delta=i18n.signed(beds - beds_base, L),
        delta_color="inverse" if beds != beds_base else "off",
        delta_arrow="auto" if beds != beds_base else "off",
        help=t(
            "kpi_beds_help",
            level=i18n.percent(scenario.service_level, L),
            year=kpi_year,
            capacity=capacity_text,
            p10=int(yearly_value(current.yearly, heavy, "beds_needed_p10")),
            p90=int(yearly_value(current.yearly, heavy, "beds_needed_p90")),
        ),
    )
    rate, rate_base = (
        yearly_value(frame, heavy, "occupancy_rate_mean") for frame in (current.yearly, baseline.yearly)
    )
    if math.isnan(rate):
        cols[1].metric(t("kpi_rate", year=kpi_year), "–", help=f"{labels[heavy]}: {t('unlimited')}")
    else:
        points = 100 * (rate - (0.0 if math.isnan(rate_base) else rate_base))
        cols[1].metric(
            t("kpi_rate", year=kpi_year),
            i18n.percent(rate, L),
            delta=f"{i18n.signed(points, L, 0)} %-pt" if abs(points) >= 0.5 else None,
            delta_color="off",
            help=t(
                "kpi_rate_help",
                label=labels[heavy],
                year=kpi_year,
                p10=i18n.percent(yearly_value(current.yearly, heavy, "occupancy_rate_p10"), L, 0),
                p90=i18n.percent(yearly_value(current.yearly, heavy, "occupancy_rate_p90"), L, 0),
                delayed=i18n.percent(yearly_value(current.yearly, heavy, "delayed_share_mean"), L, 1),
            ),
        )
    for col, measure, key, money in (
        (cols[2], "in_care", "kpi_residential", False),
        (cols[3], "waiting", "kpi_waiting", False),
        (cols[4], "overflow", "kpi_overflow", False),
        (cols[5], "cost", "kpi_cost", True),
    ):
        now, before = total(current.totals, measure), total(baseline.totals, measure)
        show = (lambda v: i18n.euro(v, L)) if money else (lambda v: i18n.number(v, L, 1))
        delta = now["mean"] - before["mean"]
        col.metric(
            t(key, year=kpi_year),
            show(now["mean"]),
            delta=i18n.euro_delta(delta, now["mean"], L) if money else i18n.signed(delta, L, 1),
            delta_color="inverse" if abs(delta) > 1e-9 else "off",
            delta_arrow="auto" if abs(delta) > 1e-9 else "off",
            help=t(key + "_help", year=kpi_year, p10=show(now["p10"]), p90=show(now["p90"]), types=away),
        )

    st.subheader(t("chart_occupancy"))
    st.caption(t("chart_occupancy_caption", n=current.replications))
    for row in range(0, len(scenario.type_names), 2):
        for column, name in zip(st.columns(2), scenario.type_names[row : row + 2], strict=False):
            show_chart(
                charts.occupancy_panel_spec(current.monthly, name, labels, L, baseline=baseline.monthly),
                column,
            )
    limited = [n for n in scenario.type_names if changed.care_types[n].capacity is not None]
    if limited and current.loads is not None:
        st.subheader(t("chart_tradeoff", year=kpi_year))
        st.caption(t("chart_tradeoff_caption", year=kpi_year))
        colour = charts.colours(scenario.type_names)
        for column, name in zip(st.columns(min(2, len(limited))) * len(limited), limited, strict=False):
            table = tradeoff_table(current, name, kpi_year)
            show_chart(
                charts.tradeoff_spec(
                    table,
                    labels[name],
                    colour[name],
                    L,
                    capacity=yearly_value(current.yearly, name, "capacity_mean"),
                    service_level=changed.service_level,
                ),
                column,
            )
    panels = [
        (
            "chart_beds",
            lambda: (
                st.caption(t("chart_beds_caption", level=i18n.percent(changed.service_level, L))),
                show_chart(charts.beds_chart(current.yearly, labels, L)),
            ),
        ),
        (
            "chart_waiting",
            lambda: show_chart(charts.waiting_chart(current.monthly, labels, L)),
        ),
        (
            "chart_cost",
            lambda: show_chart(charts.cost_chart(current.yearly, labels, L)),
        ),
    ]
    for pair in (panels[:2], panels[2:]):
        for column, (title, chart) in zip(st.columns(2), pair, strict=False):
            with column:
                st.subheader(t(title))
                chart()
    if current.by_age is not None:
        draw_ages(current, baseline)
    # The flow diagram across the page, drawn as the export draws it (Graphviz in a half
    # column had labels about 5 px high).
    st.subheader(t("chart_flows"))
    st.image(flow_svg(current.flows, labels, L), width="stretch")


def draw_ages(current, baseline) -> None:
    """Youths by age band in one care type (the key type first): chart and table."""
    st.subheader(t("age_section"))
    names = scenario.type_names
    chosen = st.columns(3)[0].selectbox(
        t("age_care_type"),
        names,
        index=names.index(heavy),
        format_func=lambda n: labels[n],
        key="age_care_type",
    )
    first = current.years[0]
    mine = occupied_bands(chosen, current.by_age, baseline.by_age)
    same_bands = baseline.by_age[baseline.by_age["age_band"].isin(set(mine["age_band"]))]
    show_chart(charts.age_chart(mine, chosen, labels[chosen], L, baseline=same_bands))
    table = age_table(mine, chosen, first, kpi_year)
    shown = pd.DataFrame(
        {
            t("age_band"): [f"{band.replace('-', '–')} {t('age_years')}" for band in table["age_band"]],
            t("age_in_care_in", year=first): [i18n.number(v, L, 1) for v in table["in_care_first"]],
            t("age_in_care_in", year=kpi_year): [
                f"{i18n.number(m, L, 1)} ({i18n.number(lo, L, 1)}–{i18n.number(hi, L, 1)})"
                for m, lo, hi in zip(
                    table["in_care_mean"], table["in_care_p10"], table["in_care_p90"], strict=True
                )
            ],
            t("age_change"): [i18n.signed(v, L, 1) for v in table["change"]],
            t("age_aged_out_in", year=kpi_year): [i18n.number(v, L, 1) for v in table["aged_out_mean"]],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(t("age_caption", label=labels[chosen], year=kpi_year, first=first))


# ---------------------------------------------------------------- run and show
progress = st.empty()
body = st.empty()
drawn_at = st.session_state.setdefault("drawn_at", {})  # benchmarks read when each answer appeared


def draw_preview(previews) -> None:
    # Greyed (ui.common.page_style: the "provisional" container) until the final figures come.
    with body.container(key="provisional"):
        draw(*previews)
    drawn_at["preview"] = time.perf_counter()


try:
    current, baseline = run_all([changed, baseline_scenario], progress, on_preview=draw_preview)
    with body.container():
        draw(current, baseline)
    drawn_at["final"] = time.perf_counter()
except Exception:  # never a traceback on the workshop screen
    log.exception("workshop run failed")
    st.error(t("error_generic"))
    st.stop()

export_section(
    f"workshop:{scenario_key(changed)}:{scenario_key(baseline_scenario)}:{L}:{kpi_year}",
    lambda progress: scenario_export(
        current,
        L,
        baseline=None if current is baseline else baseline,
        base_scenario=scenario,
        year=kpi_year,
        progress=progress,
    ),
    exported=[(team_of(files[stems.index(stem)]), changed.name)],
)
