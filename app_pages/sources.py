"""Bronnen: the regional documents, the data tables read from them, the Gooi and national
back-tests, and what each preset claims (calibrated or held out)."""

import pandas as pd
import streamlit as st

from simulator import charts, i18n
from simulator.calibrate import backtest
from simulator.data import load_sources, load_table
from simulator.settings import PRESETS_DIR
from simulator.validation import VALIDATION_FILE, model_text, national_backtest
from ui.common import lang, language_toggle, load, markdown_text, page_style, preset_titles, run_all, t

BACKTEST_SCENARIO = PRESETS_DIR / "gooi-en-vechtstreek.yaml"
NATIONAL_SCENARIO = PRESETS_DIR / "nederland-trend.yaml"

language_toggle()
page_style()  # the projector's room, as on the workshop
st.title(t("page_sources"))
st.caption(t("sources_intro"))
st.markdown(markdown_text("sources"))

st.header(t("data_tables"))
st.caption(t("data_tables_intro"))
for row in load_sources().itertuples():
    with st.expander(f"`{row.table}.csv` — {row.source}"):
        what = row.what_was_read_nl if lang() == "nl" else row.what_was_read
        st.caption(t("source_of", source=f"{row.source} ({row.document})", section=row.section, what=what))
        st.dataframe(load_table(row.table), hide_index=True, width="stretch")

st.header(t("backtest"))
scenario, problem = load(BACKTEST_SCENARIO)
if scenario is None:
    st.error(problem)
    st.stop()
(summary,) = run_all([scenario], st.empty())
table = backtest(summary.yearly)
test = table[table["sample"] == "test"]
st.caption(
    t(
        "backtest_intro",
        scenario=scenario.name,
        n=summary.replications,
        within=int(table["within"].sum()),
        total=len(table),
        within_test=int(test["within"].sum()),
        total_test=len(test),
    )
)
labels = {name: scenario.label(name) for name in scenario.type_names}
st.altair_chart(charts.backtest_chart(table, labels, lang()))
L = lang()
shown = table.assign(
    care_type=table["care_type"].map(labels),
    sample=table["sample"].map(lambda v: t("backtest_" + v)),
    within=table["within"].map(lambda ok: "✓" if ok else "✗"),
    **{
        column: table[column].map(lambda v: i18n.number(v, L, 1))
        for column in ("clients_mean", "clients_p10", "clients_p90", "difference", "tolerance")
    },
).rename(
    columns={
        "year": t("year"),
        "care_type": t("care_type"),
        "clients": t("actual"),
        "clients_mean": t("model"),
        "clients_p10": "P10",
        "clients_p90": "P90",
        "difference": t("difference"),
        "tolerance": t("margin"),
        "within": t("within_margin"),
        "sample": t("sample"),
    }
)
st.dataframe(shown, hide_index=True, width="stretch")

# ---------------------------------------------------------------- national back-test
st.header(t("backtest_nl"))
national, problem = load(NATIONAL_SCENARIO)
if national is None:
    st.error(problem)
    st.stop()
(national_summary,) = run_all([national], st.empty())
observed = national_backtest(national_summary.monthly)
tests = observed[observed["sample"] == "test"]
st.caption(
    t(
        "backtest_nl_intro",
        scenario=national.name,
        within=int(tests["within"].sum()),
        total=len(tests),
        n=national_summary.replications,
    )
)
st.altair_chart(charts.national_backtest_chart(national_summary.monthly, observed, L), width="stretch")
st.dataframe(
    observed.assign(
        sample=observed["sample"].map(lambda v: t("backtest_nl_" + v)),
        within=observed["within"].map(lambda ok: "✓" if ok else "✗"),
        **{
            column: observed[column].map(lambda v: i18n.number(v, L, 1)) for column in ("model", "p10", "p90")
        },
    ).rename(
        columns={
            "month": t("month"),
            "observed": t("actual"),
            "model": t("model"),
            "p10": "P10",
            "p90": "P90",
            "within": t("within_margin"),
            "sample": t("sample"),
        }
    ),
    hide_index=True,
    width="stretch",
)

# ---------------------------------------------------------------- validation per preset
st.header(t("validation"))
st.caption(t("validation_intro"))
claims = pd.read_csv(VALIDATION_FILE, keep_default_na=False)
names = dict(preset_titles(claims["preset"].unique()).itertuples(index=False))
st.dataframe(
    pd.DataFrame(
        {
            t("v_col_preset"): claims["preset"].map(names),
            t("v_col_claim"): claims[f"text_{L}"],
            t("v_col_target"): claims[f"target_{L}"],
            t("v_col_role"): claims["role"].map(lambda r: t("role_" + r)),
            t("v_col_source"): claims["source"],
            t("v_col_model"): [model_text(row, L) for _, row in claims.iterrows()],
            t("v_col_status"): claims["status"].map(lambda s: t("status_" + s)),
            t("v_col_reason"): claims[f"reason_{L}"],
        }
    ),
    hide_index=True,
    width="stretch",
)
