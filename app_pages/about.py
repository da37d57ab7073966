"""Over het model: how it works, what was checked, and the table of named assumptions."""

import pandas as pd
import streamlit as st

from simulator import i18n
from simulator.settings import PRESETS_DIR
from simulator.validation import ASSUMPTIONS_FILE
from ui.common import lang, language_toggle, load, markdown_text, page_style, plain, t

language_toggle()
page_style()  # the projector's room, as on the workshop
st.title(t("page_about"))
st.markdown(markdown_text("about"))

st.subheader(t("assumptions"))
st.caption(t("assumptions_intro"))
L = lang()
table = pd.read_csv(ASSUMPTIONS_FILE)


def cell(value, beds, cost) -> str:
    try:
        shown = i18n.number(float(value), L, 2).rstrip("0").rstrip(",.")
    except ValueError:  # a named reading, such as 'erlang'
        shown = str(value)
    return f"{shown}: {beds} · {i18n.euro(cost, L)}"


for stem, rows in table.groupby("preset", sort=False):
    first = rows.iloc[0]
    scenario, _ = load(PRESETS_DIR / f"{stem}.yaml")
    name, label = (
        (scenario.name, scenario.label(first["care_type"])) if scenario else (stem, first["care_type"])
    )
    st.markdown(f"**{plain(name)}** — {t('a_col_headline', care_type=plain(label), year=first['year'])}")
    st.dataframe(
        pd.DataFrame(
            {
                t("a_col_assumption"): rows["assumption"].map(lambda a: t("a_" + a)),
                t("a_col_low"): [cell(r.low_value, r.low_beds, r.low_cost) for r in rows.itertuples()],
                t("a_col_base"): [cell(r.base_value, r.base_beds, r.base_cost) for r in rows.itertuples()],
                t("a_col_high"): [cell(r.high_value, r.high_beds, r.high_cost) for r in rows.itertuples()],
            }
        ),
        hide_index=True,
        width="stretch",
    )
