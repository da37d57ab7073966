import streamlit as st

from ui.common import t

st.title(t("page_compare"))
st.info(t("compare_intro"))
