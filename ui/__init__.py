"""Streamlit helpers shared by the pages (language, scenario list, cached runs)."""
