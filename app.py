"""Streamlit entry: page set-up and navigation only (each page draws the language toggle)."""

# A worker process that starts while a page runs gets this script as its main module (Streamlit
# runs it as __main__) and imports it again as __mp_main__: there it must do nothing (it ran the
# whole page in bare mode, a screenful of warnings in the server log, and held streamlit).
if __name__ != "__mp_main__":
    import streamlit as st

    from ui import auth
    from ui.common import language_from_link, t

    # A presentation link (present=1) opens with the sidebar folded away: the projector shows the page.
    st.set_page_config(
        page_title="Jeugdzorg scenario-simulator",
        page_icon=":material/home:",
        layout="wide",
        initial_sidebar_state="collapsed" if st.query_params.get("present") == "1" else "auto",
    )
    language_from_link()  # before the navigation's titles
    # Behind sign-in, nothing but the sign-in screen until the user is signed in (ui/auth.py).
    auth.signed_in_user(t)
    auth.user_box(t)

    # The default page is served at /, but Streamlit reserves its pathname as well: it gets one of
    # its own, so that /workshop can forward to it (below).
    workshop = st.Page(
        "app_pages/workshop.py",
        title=t("page_workshop"),
        icon=":material/tune:",
        default=True,
        url_path="start",
    )

    def workshop_link() -> None:
        """/workshop?… (a link typed or shared by hand): the workshop lives at /, so go there with
        every parameter of the link."""
        st.switch_page(workshop, query_params=st.query_params.to_dict())

    pages = [
        workshop,
        st.Page(
            "app_pages/scenarios.py",
            title=t("page_scenarios"),
            icon=":material/folder_open:",
            url_path="scenarios",
        ),
        st.Page(
            "app_pages/compare.py",
            title=t("page_compare"),
            icon=":material/compare_arrows:",
            url_path="vergelijken",
        ),
        st.Page(
            "app_pages/sensitivity.py",
            title=t("page_sensitivity"),
            icon=":material/bar_chart:",
            url_path="gevoeligheid",
        ),
        st.Page("app_pages/sweep.py", title=t("page_sweep"), icon=":material/grid_on:", url_path="raster"),
        st.Page(
            "app_pages/sources.py", title=t("page_sources"), icon=":material/menu_book:", url_path="bronnen"
        ),
        st.Page("app_pages/about.py", title=t("page_about"), icon=":material/info:", url_path="over"),
        st.Page(workshop_link, title=t("page_workshop"), url_path="workshop", visibility="hidden"),
    ]
    # Right after a sign-in: back to the link that was opened (its lever settings are in it).
    navigation = st.navigation(pages)
    remembered = auth.remembered_link()
    if remembered is not None:
        path, query = remembered
        target = {page.url_path: page for page in pages[:-1]}.get(path.strip("/"), workshop)
        st.switch_page(target, query_params=query)
    navigation.run()
