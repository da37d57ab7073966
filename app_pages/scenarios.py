"""Scenario's: upload a scenario file, and open, download, rename or delete saved ones."""

import streamlit as st

from simulator import store
from simulator.scenario import ScenarioError, dump_scenario
from simulator.settings import PRESETS_DIR
from ui.common import DEFAULT_SCENARIO, lang, language_toggle, page_style, plain, save_form, t

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
        st.success(
            t(
                "upload_valid",
                name=plain(candidate.name),
                types=len(candidate.care_types),
                policies=len(candidate.policies),
            )
        )
        save_form(candidate, candidate.name, "upload")

# ---------------------------------------------------------------- saved scenarios
SAVED_PER_PAGE = 20
st.header(t("saved_header"))
saved = store.list_saved()
if not saved:
    st.info(t("saved_none"))
if len(saved) > SAVED_PER_PAGE:  # hundreds of expanders would make every rerun slow: search
    query = st.text_input(t("saved_search"), key="saved_search", placeholder=t("saved_search_hint"))
    needle = query.strip().lower()
    found = [
        item
        for item in saved
        if needle in item.stem or (item.scenario is not None and needle in item.scenario.name.lower())
    ]
    st.caption(t("saved_shown", shown=min(len(found), SAVED_PER_PAGE), found=len(found), total=len(saved)))
    saved = found[:SAVED_PER_PAGE]
for item in saved:
    title = item.scenario.name if item.scenario else f"⚠ {item.stem}"
    with st.expander(f"{plain(title)} — `{item.stem}.yaml`"):
        if item.scenario is None:
            st.error(t("invalid_scenario"))
            st.code(item.problem, language=None)
        else:
            st.caption(plain(item.scenario.description))
            cols = st.columns(3)
            if cols[0].button(t("open_in_workshop"), key=f"open:{item.stem}", width="stretch"):
                open_in_workshop(item.stem)
            cols[1].download_button(
                t("download_yaml"),
                data=dump_scenario(item.scenario),
                file_name=item.path.name,
                mime="application/x-yaml",
                key=f"download:{item.stem}",
                width="stretch",
            )
        new_name = st.text_input(
            t("rename_label"),
            value=title if item.scenario else item.stem,
            key=f"rename_name:{item.stem}",
            max_chars=120,
        )
        if st.button(t("rename"), key=f"rename:{item.stem}") and item.scenario is not None:
            try:
                path = store.rename(item.stem, new_name)
                st.success(t("renamed", name=plain(new_name.strip()), file=path.name))
                st.rerun()
            except store.StoreError as error:
                st.error(error.text.text(lang()))
        confirm_key = f"confirm_delete:{item.stem}"
        if not st.session_state.get(confirm_key):
            if st.button(t("delete"), key=f"delete:{item.stem}"):
                st.session_state[confirm_key] = True
                st.rerun()
        else:
            st.warning(t("delete_confirm", name=plain(title)))  # a name is shown as typed
            yes, no = st.columns(2)
            if yes.button(t("delete_yes"), key=f"delete_yes:{item.stem}", type="primary"):
                try:
                    store.delete(item.stem)
                except store.StoreError as error:
                    st.error(error.text.text(lang()))
                st.session_state.pop(confirm_key, None)
                st.rerun()
            if no.button(t("delete_no"), key=f"delete_no:{item.stem}"):
                st.session_state.pop(confirm_key, None)
                st.rerun()
