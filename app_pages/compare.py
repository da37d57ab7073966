import streamlit as st

from ui.common import language_toggle, t

language_toggle()
st.title(t("page_compare"))
st.info(t("compare_intro"))
