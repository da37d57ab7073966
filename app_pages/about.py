import streamlit as st

from ui.common import language_toggle, markdown_text, t

language_toggle()
st.title(t("page_about"))
st.markdown(markdown_text("about"))
