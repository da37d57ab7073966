"""Streamlit entry: page set-up and navigation only (each page draws the language toggle)."""

import streamlit as st

from ui.common import t

st.set_page_config(page_title="Jeugdzorg scenario-simulator", page_icon="🏠", layout="wide")

pages = [
    st.Page("pages/workshop.py", title=t("page_workshop"), icon="🎚️", default=True, url_path="workshop"),
    st.Page("pages/compare.py", title=t("page_compare"), icon="⚖️", url_path="vergelijken"),
    st.Page("pages/sources.py", title=t("page_sources"), icon="📚", url_path="bronnen"),
    st.Page("pages/about.py", title=t("page_about"), icon="ℹ️", url_path="over"),
]
st.navigation(pages).run()
