import streamlit as st

from ui.common import markdown_text, t

st.title(t("page_about"))
st.markdown(markdown_text("about"))
