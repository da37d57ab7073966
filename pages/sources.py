import streamlit as st

from ui.common import markdown_text, t

st.title(t("page_sources"))
st.caption(t("sources_intro"))
st.markdown(markdown_text("sources"))
