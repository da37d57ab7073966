"""Shared by the pages: language, the scenario list, cached runs, markdown texts.

Pages turn widgets into a scenario and call the simulator; everything that computes lives
in ``simulator/``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

if TYPE_CHECKING:
    import pandas as pd

from simulator import access, i18n, settings, store
from simulator.budget import RunLimitError, app_limits, over_budget
from simulator.cache import RunCache
from simulator.charts import Chart
from simulator.experiment import RunCancelledError, expected_seconds, run_in_stages, scenario_key
from simulator.export import PPTX_MIME
from simulator.pool import pool_size
from simulator.results import Summary
from simulator.scenario import Scenario, ScenarioError, load_scenario_cached
from ui import auth

# Pages catch what they cannot show; this logger keeps the traceback in the server log
# (stderr of `streamlit run`), with the time. Set up once: the page scripts rerun often.
log = logging.getLogger("jeugdzorg_sim")
if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)


LANGUAGE_KEY = "english"  # a plain session key: it outlives a page switch, a widget's state may not
TOGGLE_KEY = "english_toggle"


def lang() -> str:
    """Dutch unless English was chosen (read from the session, so the navigation drawn
    before the page already has the language)."""
    return "en" if st.session_state.get(LANGUAGE_KEY) else "nl"


def language_from_link() -> None:
    """``lang=en`` (or ``nl``) in a link sets the language of a new session, before the
    navigation is drawn; the toggle changes it from then on."""
    wanted = st.query_params.get("lang")
    if LANGUAGE_KEY not in st.session_state and wanted in ("nl", "en"):
        st.session_state[LANGUAGE_KEY] = wanted == "en"


def _language_changed() -> None:
    st.session_state[LANGUAGE_KEY] = st.session_state[TOGGLE_KEY]


def language_toggle() -> None:
    """Drawn by every page; the choice is kept in LANGUAGE_KEY, so every page starts with it."""
    st.session_state[TOGGLE_KEY] = bool(st.session_state.get(LANGUAGE_KEY))
    with st.sidebar:
        st.toggle(
            "English",
            key=TOGGLE_KEY,
            on_change=_language_changed,
            help="Taal / language: Nederlands of English",
        )


def t(key: str, **values) -> str:
    """The text of ``key`` in the chosen language, with ``values`` filled in."""
    return i18n.t(key, lang(), **values)


def markdown_text(name: str) -> str:
    """A long text of a page, kept as content/NAME_LANG.md."""
    path = settings.CONTENT_DIR / f"{name}_{lang()}.md"
    return path.read_text(encoding="utf-8")


DEFAULT_SCENARIO = "zuid-west-jeugdzorgplus"  # the app opens on the 57 -> 43 preset
# The workshop's levers, kept in a plain session key: {"for": scenario stem, "values": {URL
# parameter name: value}} (why a plain key: app_pages/workshop.py). Vergelijken reads them to
# add the unsaved workshop settings to a comparison, and a comparison's link sets them.
LEVERS_KEY = "levers"


@dataclass(frozen=True, eq=False)  # compared and hashed as itself (a page keys dicts by it)
class Entry:
    """A scenario the pages offer: a shipped preset (``path``) or a team's saved one
    (``saved``). ``stem`` is its key in widgets and links: a preset's file stem, a saved
    one's 'team/stem'."""

    stem: str
    path: Path | None = None
    saved: store.Saved | None = None


def scenario_entries() -> list[Entry]:
    """The shipped scenarios (the default first, then by name), then the saved ones of the
    session's teams."""
    folder = settings.scenario_dir()
    shipped = sorted(folder.glob("*.yaml"), key=lambda p: (p.stem != DEFAULT_SCENARIO, p.stem))
    entries = [Entry(p.stem, path=p) for p in shipped]
    try:
        saved = store.list_saved(user=auth.user())
    except store.StoreError as error:  # the database unreadable: the presets still work
        log.error("saved scenarios cannot be read: %s", error)
        saved = []
    return entries + [Entry(item.key, saved=item) for item in saved]


def find_entry(entries: list[Entry], asked: str | None) -> Entry | None:
    """The entry a link names: its key, or (an older link) a saved scenario's bare stem when
    exactly one of the session's teams has it."""
    if asked is None:
        return None
    by_key = {entry.stem: entry for entry in entries}
    if asked in by_key:
        return by_key[asked]
    bare = [entry for entry in entries if entry.saved is not None and entry.saved.stem == asked]
    return bare[0] if len(bare) == 1 else None


def other_teams_link(asked: str | None) -> bool:
    """Whether a link names a saved scenario of a team the user is not in ('team/stem'):
    then the page says "no access" and shows nothing of it, existing or not."""
    if not asked or "/" not in asked:
        return False
    return asked.split("/", 1)[0] not in auth.user().teams


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """User text (a name, a description) for an element that renders Markdown, shown as it
    was typed: every Markdown character escaped, so an uploaded ``![x](http://host/p.png)``
    is text, not an image every viewer's browser fetches."""
    return _MARKDOWN.sub(r"\\\1", text)


def no_images(text: str) -> str:
    """A scenario's own text (a care type's label) for widget labels, headers and metrics,
    which render Markdown images ("like icons"): ``![x](http://host/p.png)`` would make every
    viewer's browser fetch it. Only the image syntax is broken ("!\\["); a label without it
    is unchanged, so charts and exports may take the same text."""
    return text.replace("![", "!\\[")


def choose_from_link(entries: list[Entry], widget_key: str) -> None:
    """A link's ``?scenario=`` picks that scenario in a page's picker (once per link); a
    scenario of another team gets "no access" and the page stops, showing nothing of it."""
    asked = st.query_params.get("scenario")
    if other_teams_link(asked):
        st.error(t("no_access_link"))
        st.stop()
    seen = f"{widget_key}_link"
    if asked is None or st.session_state.get(seen) == asked:
        return
    st.session_state[seen] = asked
    found = find_entry(entries, asked)
    if found is not None:
        st.session_state[widget_key] = found.stem


def load(entry: Entry | Path) -> tuple[Scenario | None, str | None]:
    """The scenario (of an entry, or of a shipped file), or the validation message (naming
    file and field) to show instead."""
    if isinstance(entry, Entry) and entry.saved is not None:
        return entry.saved.scenario, entry.saved.problem
    path = entry.path if isinstance(entry, Entry) else entry
    assert path is not None
    try:
        return load_scenario_cached(path), None
    except ScenarioError as error:
        return None, error.message(lang())


def scenario_title(entry: Entry) -> str:
    """The scenario's name for the picker; saved ones (with their team, when the user is in
    more than one) and files that do not validate are marked."""
    scenario, _ = load(entry)
    title = scenario.name if scenario else f"⚠ {entry.stem}"
    if entry.saved is None:
        return title
    if len(auth.user().teams) > 1:
        return t("saved_title_team", name=title, team=entry.saved.team)
    return t("saved_title", name=title)


def preset_titles(stems) -> pd.DataFrame:
    """(stem, title) of shipped scenarios by file stem; a missing or broken file shows its stem."""
    import pandas as pd

    rows = []
    for stem in stems:
        scenario, _ = load(settings.PRESETS_DIR / f"{stem}.yaml")
        rows.append((stem, scenario.name if scenario else stem))
    return pd.DataFrame(rows, columns=["stem", "title"])


CACHE_ENTRIES = 64
CACHE_BYTES = 256 * 2**20  # about 800 runs of a preset, or 60 of 100 replications over 20 years
PREVIEW_REPLICATIONS = 6  # a first, provisional answer (3 replications per core) well within a second
PREVIEW_ABOVE_SECONDS = 1.0  # only a run expected to take longer shows a provisional answer first


@st.cache_resource
def run_cache() -> RunCache:
    """Runs by content hash of the resolved scenario, shared by all sessions, bounded in
    entries and bytes. (Not st.cache_data: a progress bar drawn while computing cannot be
    replayed from it.)"""
    return RunCache(CACHE_ENTRIES, CACHE_BYTES)


_lock = threading.Lock()
_computing: dict[str, threading.Event] = {}  # keys some session is running now; set when it ends


def _session_id() -> str | None:
    """This browser session's id: its runs take turns with other sessions' in the shared pool,
    and a newer run of the same session replaces an older one (None outside a server)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.session_id


def _session_ended(session: str) -> bool:
    """Whether the browser tab of ``session`` is gone (closed, or its connection lost)."""
    return runtime.exists() and not runtime.get_instance().is_active_session(session)


def run_all(
    scenarios: list[Scenario], progress_slot=None, on_preview: Callable[[list[Summary]], None] | None = None
) -> list[Summary]:
    """Runs of resolved scenarios, in order. A setting seen before comes from the cache
    (instant); the others run on all cores with a progress bar in ``progress_slot``, first
    their first PREVIEW_REPLICATIONS replications, handed to ``on_preview`` together with
    the same preview of the cached ones (so differences stay policy, not noise), then
    completed."""
    keys = [scenario_key(s) for s in scenarios]
    cache = run_cache()
    limits = app_limits()  # a ValueError names the server's mistyped variable
    for key, scenario in zip(keys, scenarios, strict=True):
        if key not in cache:  # a shared server: what would hold every worker is refused
            problems = over_budget(scenario, limits)
            if problems:
                st.error(ScenarioError(scenario.name, problems, header="b_too_large").message(lang()))
                st.stop()
    with _lock:
        found = {key: cache.get(key) for key in keys}
        known = {key: summary for key, summary in found.items() if summary is not None}
        shared = [_computing[key] for key in keys if key not in known and key in _computing]
        todo = {} if shared else {key: s for key, s in zip(keys, scenarios, strict=True) if key not in known}
        for key in todo:
            _computing[key] = threading.Event()
    if shared:  # another session is computing the same setting: its answer, not a second run
        _wait_for_others(shared, progress_slot)
        return run_all(scenarios, progress_slot, on_preview)  # cached now, or given up there: run here
    if not todo:
        return [known[key] for key in keys]
    try:
        _compute(todo, keys, known, progress_slot, on_preview)
    finally:
        with _lock:
            for key in todo:
                _computing.pop(key).set()
    return [known[key] for key in keys]


def _compute(
    todo: dict[str, Scenario],
    keys: list[str],
    known: dict[str, Summary],
    progress_slot,
    on_preview: Callable[[list[Summary]], None] | None,
) -> None:
    """Run the scenarios of ``todo`` (by key), preview first, into the cache and ``known``."""
    cache = run_cache()
    total = sum(s.replications for s in todo.values())
    bar = (
        None if progress_slot is None else progress_slot.progress(0.0, text=t("running", done=0, total=total))
    )

    started = time.perf_counter()

    def update(done: int, all_: int) -> None:
        if bar is not None:
            left = i18n.time_left(time.perf_counter() - started, done, all_, lang())
            text = (
                t("running", done=done, total=all_)
                if left is None
                else t("running_left", done=done, total=all_, left=left)
            )
            bar.progress(done / all_, text=text)

    previews: dict[str, Summary] = {}
    # A run that is done within about a second is shown once, final: a provisional page
    # first would cost a second drawing and show numbers that change a moment later. A
    # provisional page compares the same first replications of every scenario (common random
    # numbers), so a cached run without them (it was fast) leaves only the final page.
    provisional = (
        on_preview is not None
        and any(s.replications > PREVIEW_REPLICATIONS for s in todo.values())
        and all(
            key in todo or known[key].preview is not None or known[key].replications <= PREVIEW_REPLICATIONS
            for key in keys
        )
        and expected_seconds(list(todo.values()), pool_size()) > PREVIEW_ABOVE_SECONDS
    )

    def preview(partial: list) -> None:
        previews.update({key: Summary.of(r) for key, r in zip(todo, partial, strict=True)})
        if on_preview is not None:
            on_preview([previews.get(key) or known[key].preview or known[key] for key in keys])

    session = _session_id()
    try:
        finished = run_in_stages(
            list(todo.values()),
            PREVIEW_REPLICATIONS if provisional else 0,
            preview,
            update,
            owner=session,
            cancelled=None if session is None else partial(_session_ended, session),
        )
    except RunCancelledError:  # the session closed, or asked again: nobody waits for this answer
        log.info("run of session %s given up", session)
        st.stop()
    except RunLimitError as error:  # escaped its estimate: say so, in the page's language
        log.warning("run stopped at its event budget: %s", error.text)
        st.error(error.text.text(lang()))
        st.stop()
    finally:
        if progress_slot is not None:
            progress_slot.empty()
    with _lock:
        for key, results in zip(todo, finished, strict=True):
            summary = Summary.of(results)
            if key in previews and todo[key].replications > PREVIEW_REPLICATIONS:
                summary.preview = previews[key]  # (else the run itself is its preview)
            cache.put(key, summary)
            known[key] = summary


def _wait_for_others(events: list[threading.Event], progress_slot) -> None:
    """Wait until other sessions' runs of the same settings end (a workshop opens on the same
    scenario on every laptop: one run, not one per laptop). The bar is drawn again every
    quarter second: that is where Streamlit stops this script when its session moves on."""
    session = _session_id()
    bar = None if progress_slot is None else progress_slot.progress(0.0, text=t("running_shared"))
    try:
        for event in events:
            while not event.wait(0.25):
                if session is not None and _session_ended(session):
                    st.stop()
                if bar is not None:
                    bar.progress(0.0, text=t("running_shared"))
    finally:
        if progress_slot is not None:
            progress_slot.empty()


def save_form(
    scenario: Scenario, default_name: str, key: str, help_text: str | None = None, action: str = "save"
) -> str:
    """Name, 'replace' and a save button for a scenario; says where it was saved or why not.
    Returns the name as typed (for a download of the same scenario). The proposed name
    follows ``default_name`` (it changes with the levers) unless the user typed another."""
    field, proposed = f"{key}_name", f"{key}_name_proposed"
    if st.session_state.get(proposed) != default_name:
        if st.session_state.get(field) in (None, st.session_state.get(proposed)):  # not typed over
            st.session_state[field] = default_name
        st.session_state[proposed] = default_name
    name = st.text_input(t("save_name"), key=field, help=help_text, max_chars=120)
    user = auth.user()
    if not user.teams:
        st.info(t("a_no_team"))
        return name.strip()
    team: str | None = user.teams[0]
    if len(user.teams) > 1:  # no default: saving for the wrong team by accident is too easy
        team = st.selectbox(
            t("team"),
            user.teams,
            index=None,
            placeholder=t("team_choose"),
            key=f"{key}_team",
            help=t("team_help"),
        )
    replace_key = f"{key}_replace"
    if st.session_state.pop(f"{key}_replace_done", False):  # a replace is asked for one save only
        st.session_state[replace_key] = False
    replace = st.checkbox(t("save_replace"), key=replace_key)
    if st.button(t("save"), key=f"{key}_button", type="primary", width="stretch"):
        if team is None:
            st.error(t("team_needed"))
            return name.strip()
        try:
            saved = store.save(scenario, name, overwrite=replace, user=user, team=team, action=action)
        except store.StoreError as error:
            st.error(error.text.text(lang()))
        else:  # at once again, with 'Vervang' off and the message kept (a widget is set before it is drawn)
            st.session_state[f"{key}_replace_done"] = True
            st.session_state[f"{key}_saved"] = t("saved_as", name=plain(name.strip()), file=saved.file_name)
            st.rerun()
    if f"{key}_saved" in st.session_state:
        st.success(st.session_state.pop(f"{key}_saved"))
    return name.strip()


def team_of(entry: Entry | None) -> str | None:
    """The team that owns an entry's scenario; None for a shipped preset."""
    return entry.saved.team if entry is not None and entry.saved is not None else None


def record_export(
    exported: list[tuple[str | None, str]], detail: str, user: access.User | None = None
) -> None:
    """Trail lines for an export of scenarios ``(owning team or None for a preset, name)``:
    one line in each owning team's trail, naming that team's scenarios and the presets only
    (another team's name never enters a trail its members cannot see); an export of presets
    alone goes to the user's first team."""
    user = user or auth.user()
    presets = [name for team, name in exported if team is None]
    teams = [team for team in dict.fromkeys(team for team, _ in exported) if team is not None]
    lines = {team: [name for owner, name in exported if owner == team] + presets for team in teams}
    if not lines and user.teams:
        lines = {user.teams[0]: presets}
    for team, names in lines.items():
        try:
            store.Store().record(user, "export", "; ".join(names), detail, team=team)
        except store.StoreError as error:  # a trail that cannot be written stops no export
            log.error("export not recorded in the trail: %s", error)


def recorded_export(
    make: Callable[[], bytes | str], exported: list[tuple[str | None, str]], detail: str
) -> Callable[[], bytes | str]:
    """A download made when pressed (``make``), that also writes its trail lines then: the
    user is read now, because the download runs outside the page's run."""
    user = auth.user()

    def made() -> bytes | str:
        record_export(exported, detail, user)
        return make()

    return made


def export_section(key: str, make: Callable, exported: list[tuple[str | None, str]]) -> None:
    """'Make export' with a progress bar, then download buttons for the deck, the images, the
    workbook and the CSV files. ``make(progress)`` returns a ``simulator.export.Export``; it
    is made once per ``key`` (the run, the language and the year) and kept in the session."""
    st.subheader(t("export_header"))
    st.caption(t("export_intro"))
    made = st.session_state.get("export")
    if made is None or made[0] != key:
        if not st.button(t("export_make"), key="export_make", type="primary"):
            return
        bar = st.progress(0.0, text=t("export_busy", what=""))
        started = time.perf_counter()
        export = make(lambda share, what: bar.progress(min(share, 1.0), text=t("export_busy", what=what)))
        bar.empty()
        made = (key, export, time.perf_counter() - started)
        st.session_state["export"] = made
        record_export(exported, "pptx, png, xlsx, csv")
    _, export, seconds = made
    st.success(t("export_ready", seconds=i18n.number(seconds, lang(), 1)))
    columns = st.columns(4)
    for column, (label, data, name, mime) in zip(
        columns,
        (
            (
                "export_deck",
                export.deck,
                "jeugdzorg-sim.pptx",
                PPTX_MIME,
            ),
            ("export_images", export.images_zip(), "jeugdzorg-sim-grafieken.zip", "application/zip"),
            (
                "export_workbook",
                export.workbook,
                "jeugdzorg-sim.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            ("export_csv", export.tables_zip(), "jeugdzorg-sim-tabellen.zip", "application/zip"),
        ),
        strict=True,
    ):
        column.download_button(
            t(label), data=data, file_name=name, mime=mime, width="stretch", key=f"download_{label}"
        )


def page_style(presenting: bool = False) -> None:
    """Room on a projector (1280 x 720): the page starts just below Streamlit's header and
    uses more of the width; in presentation mode the key figures are larger. (CSS only: a
    <style> block takes no room in the page.)"""
    css = """
    [data-testid="stMainBlockContainer"] { padding-top: 3.6rem; padding-left: 2rem; padding-right: 2rem; }
    [data-testid="stMainBlockContainer"] h1 { padding: 0 0 0.2rem 0; font-size: 2.1rem; }
    [data-testid="stMetricLabel"] p { white-space: normal; }
    .st-key-provisional [data-testid="stMetricValue"], .st-key-provisional [data-testid="stMetricDelta"],
    .st-key-provisional [data-testid="stVegaLiteChart"] { opacity: 0.4; }
    """
    # Streamlit's own texts in the uploader and under a text box are English, and the uploader
    # states the server's 1 MB limit: the page's language and the app's own limit (64 kB)
    # replace them (the original text shrinks to nothing; the pseudo-element shows ours).
    own = {  # selector: (text, size)
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p': (
            t("upload_button"),
            "1rem",
        ),
        '[data-testid="stFileUploaderDropzoneInstructions"] span': (
            t("upload_limits", kb=store.MAX_UPLOAD_BYTES // 1000),
            "0.85rem",
        ),
        '[data-testid="InputInstructions"]': (t("input_instructions"), "0.75rem"),
    }
    for selector, (text, size) in own.items():
        quoted = text.replace("\\", "").replace('"', "'")
        css += f"{selector} {{ font-size: 0 !important; }}\n"
        css += f'{selector}::after {{ content: "{quoted}"; font-size: {size}; }}\n'
    if presenting:
        css += """
        [data-testid="stMetricValue"] { font-size: 2.8rem; }
        [data-testid="stMetricLabel"] p { font-size: 1.15rem; }
        """
    st.html(f"<style>{css}</style>")


def show_chart(chart: Chart | dict, target=None) -> None:
    """An Altair chart, or a Vega-Lite spec (``charts.occupancy_panel_spec``), in the page
    (``target``: a column or container; default the page), stretched to its width. Our
    charts are built by code that the tests validate against the Vega-Lite schema
    (tests/test_charts.py), so here the spec is made without validating it again: that took
    a third of the time of a workshop page (``st.altair_chart`` always validates). As
    there, without Altair's default theme of 300 x 300 views."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    (target or st).vega_lite_chart(spec, width="stretch")
