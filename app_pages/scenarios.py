"""Scenario's: upload a scenario file, and open, download, rename or delete saved ones."""

import pandas as pd
import streamlit as st

from simulator import store
from simulator.export.tables import csv_text, spreadsheet_safe
from simulator.i18n import moment, trail_detail
from simulator.scenario import ScenarioError
from simulator.settings import PRESETS_DIR
from ui import auth
from ui.common import (
    DEFAULT_SCENARIO,
    lang,
    language_toggle,
    log,
    page_style,
    plain,
    recorded_export,
    save_form,
    t,
)

language_toggle()
page_style()  # the projector's room, as on the workshop
st.title(t("page_scenarios"))
st.caption(t("scenarios_intro"))


def open_in_workshop(stem: str) -> None:
    st.session_state["scenario_choice"] = stem
    st.switch_page("app_pages/workshop.py")


# ---------------------------------------------------------------- upload
st.header(t("upload_header"))
upload_col, template_col = st.columns([3, 1])
with template_col:
    template = PRESETS_DIR / f"{DEFAULT_SCENARIO}.yaml"
    st.download_button(
        t("template_download"),
        data=template.read_bytes(),
        file_name=template.name,
        mime="application/x-yaml",
        help=t("template_help"),
        width="stretch",
    )
with upload_col:
    # The browser refuses files over 1 MB; store.parse_upload then holds a scenario to 64 kB.
    uploaded = st.file_uploader(
        t("upload_label"), type=["yaml", "yml"], help=t("upload_help"), key="upload", max_upload_size=1
    )
if uploaded is not None:
    try:
        candidate = store.parse_upload(uploaded.getvalue(), uploaded.name)
    except ScenarioError as error:
        st.error(t("upload_invalid"))
        st.code(error.message(lang()), language=None)
    else:
        if st.session_state.get("upload_recorded") != uploaded.file_id:  # once per file, not per rerun
            st.session_state["upload_recorded"] = uploaded.file_id
            try:
                store.Store().record(auth.user(), "upload", candidate.name, f"{uploaded.name}, checked")
            except store.StoreError as error:
                log.error("upload not recorded in the trail: %s", error)
        st.success(
            t(
                "upload_valid",
                name=plain(candidate.name),
                types=len(candidate.care_types),
                policies=len(candidate.policies),
            )
        )
        save_form(candidate, candidate.name, "upload", action="upload")

# ---------------------------------------------------------------- saved scenarios
SAVED_PER_PAGE = 20
TRAIL_LINES = 200
user = auth.user()
st.header(t("saved_header"))
try:
    saved = store.list_saved(user=user)
except store.StoreError as error:
    st.error(error.text.text(lang()))
    st.stop()
if not saved:
    st.info(t("saved_none"))
if len(saved) > SAVED_PER_PAGE:  # hundreds of expanders would make every rerun slow: search
    query = st.text_input(t("saved_search"), key="saved_search", placeholder=t("saved_search_hint"))
    needle = query.strip().lower()
    found = [item for item in saved if needle in item.stem or needle in item.name.lower()]
    st.caption(t("saved_shown", shown=min(len(found), SAVED_PER_PAGE), found=len(found), total=len(saved)))
    saved = found[:SAVED_PER_PAGE]
several_teams = len(user.teams) > 1


def run_change(change, done=None) -> None:
    """A change to the store; then ``done(result)`` (the success message, shown after the
    rerun), or the store's message in the page's language."""
    try:
        result = change()
    except store.StoreError as error:
        st.error(error.text.text(lang()))
        return
    if done is not None:
        st.session_state["scenarios_done"] = done(result)
    st.rerun()


if "scenarios_done" in st.session_state:
    st.success(st.session_state.pop("scenarios_done"))

for item in saved:
    title = item.name if item.scenario else f"⚠ {item.stem}"
    team_note = f" · {t('team')}: {item.team}" if several_teams else ""
    with st.expander(f"{plain(title)} — `{item.file_name}`{team_note}"):
        st.caption(
            t(
                "saved_by_line",
                number=item.version,
                at=moment(item.saved_at, lang()),
                by=plain(item.saved_by_name),
            )
        )
        if item.scenario is None:
            st.error(t("invalid_scenario"))
            st.code(item.problem, language=None)
        else:
            st.caption(plain(item.scenario.description))
            cols = st.columns(3)
            if cols[0].button(t("open_in_workshop"), key=f"open:{item.key}", width="stretch"):
                open_in_workshop(item.key)
            cols[1].download_button(
                t("download_yaml"),
                data=recorded_export(lambda text=item.text: text, [(item.team, item.name)], item.file_name),
                file_name=item.file_name,
                mime="application/x-yaml",
                key=f"download:{item.key}",
                width="stretch",
            )
        new_name = st.text_input(t("rename_label"), value=title, key=f"rename_name:{item.key}", max_chars=120)
        if st.button(t("rename"), key=f"rename:{item.key}") and item.scenario is not None:
            run_change(
                lambda item=item, new_name=new_name: store.Store().rename(
                    user, item.team, item.stem, new_name
                ),
                lambda renamed: t("renamed", name=plain(renamed.name), file=renamed.file_name),
            )
        confirm_key = f"confirm_delete:{item.key}"
        if not st.session_state.get(confirm_key):
            if st.button(t("delete"), key=f"delete:{item.key}"):
                st.session_state[confirm_key] = True
                st.rerun()
        else:
            st.warning(t("delete_confirm", name=plain(title)))  # a name is shown as typed
            yes, no = st.columns(2)
            if yes.button(t("delete_yes"), key=f"delete_yes:{item.key}", type="primary"):
                st.session_state.pop(confirm_key, None)
                run_change(
                    lambda item=item: store.Store().delete(user, item.team, item.stem),
                    lambda _, item=item: t("binned", name=plain(item.name)),
                )
            if no.button(t("delete_no"), key=f"delete_no:{item.key}"):
                st.session_state.pop(confirm_key, None)
                st.rerun()
        if item.version > 1 and st.toggle(t("versions_header"), key=f"versions:{item.key}"):
            try:
                versions = store.Store().versions(user, item.team, item.stem)
            except store.StoreError as error:  # deleted or renamed by another session meanwhile
                st.error(error.text.text(lang()))
                versions = []
            for version in versions[1:]:
                line, download, restore = st.columns([3, 1, 1], vertical_alignment="center")
                line.markdown(
                    t(
                        "version_line",
                        number=version.number,
                        at=moment(version.saved_at, lang()),
                        by=plain(version.saved_by_name),
                    )
                )
                download.download_button(
                    "YAML",
                    data=recorded_export(
                        lambda text=version.text: text,
                        [(item.team, item.name)],
                        f"{version.stem}-v{version.number}.yaml",
                    ),
                    file_name=f"{version.stem}-v{version.number}.yaml",
                    mime="application/x-yaml",
                    key=f"download:{item.key}:{version.number}",
                )
                if restore.button(t("version_restore"), key=f"restore:{item.key}:{version.number}"):
                    run_change(
                        lambda item=item, number=version.number: store.Store().restore_version(
                            user, item.team, item.stem, number
                        ),
                        lambda back, number=version.number: t(
                            "version_restored", number=number, new=back.version
                        ),
                    )

# ---------------------------------------------------------------- bin and trail, per team


def bin_section(team: str) -> None:
    """The team's deleted scenarios, each with 'restore'."""
    st.subheader(t("bin_header"))
    binned = store.Store().bin(user, team)
    if not binned:
        st.caption(t("bin_none"))
    for k, item in enumerate(binned[:SAVED_PER_PAGE]):
        line, button = st.columns([4, 1], vertical_alignment="center")
        line.markdown(
            t(
                "bin_line",
                name=plain(item.name),
                at=moment(item.binned_at or "", lang()),
                by=plain(item.binned_by_name),
            )
        )
        if button.button(t("bin_restore"), key=f"bin_restore:{k}:{item.key}"):
            run_change(
                lambda item=item: store.Store().restore(user, team, item.stem, item.id),
                lambda back: t("bin_restored", name=plain(back.name)),
            )


def trail_section(team: str) -> None:
    """The team's audit trail, newest first, and its download."""
    st.subheader(t("trail_header"))
    st.caption(t("trail_intro"))
    lines = store.Store().trail(user, team, TRAIL_LINES)
    if not lines:
        st.caption(t("trail_none"))
        return
    table = pd.DataFrame(
        {
            t("trail_at"): [moment(line.at, lang()) for line in lines],
            t("trail_user"): [line.user_name for line in lines],
            t("trail_action"): [t(f"trail_{line.action}") for line in lines],
            t("trail_scenario"): [line.scenario for line in lines],
            t("trail_detail"): [trail_detail(line.detail, lang()) for line in lines],
            t("trail_user_id"): [line.user for line in lines],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(table)))
    download = table.assign(UTC=[line.at for line in lines])  # the stored time, for an auditor's tools
    st.download_button(
        t("trail_download"),
        data=csv_text(spreadsheet_safe(download), lang()),
        file_name=f"logboek-{team}.csv",
        mime="text/csv",
        key="trail_download",
    )


if user.teams:
    # Sections, not tabs: a table drawn in a hidden tab keeps the width of nothing.
    history_team = user.teams[0]
    if several_teams:
        history_team = st.selectbox(t("history_team"), user.teams, key="history_team", help=t("team_help"))
    bin_section(history_team)
    trail_section(history_team)
