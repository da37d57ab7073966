"""Altair charts of a run and the flow diagram (DOT), for the app and for exports.

Colours follow the care-type order (light -> heavy) so every chart and slide agrees.
Texts come from simulator.i18n; numbers use the language's separators.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from simulator.i18n import number, t

PALETTE = ["#4c9f70", "#3a7fc1", "#e39b2d", "#c8423b", "#7a58b0", "#2aa6a6", "#a0522d", "#6b7280"]
BASELINE_GREY = "#9ca3af"
CAPACITY_COLOUR = "#111827"


def colours(names: list[str]) -> dict[str, str]:
    return {name: PALETTE[k % len(PALETTE)] for k, name in enumerate(names)}


def _locale(lang: str) -> dict:
    if lang == "nl":
        return {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}}
    return {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]}}


def _finish(chart, lang: str):
    return chart.configure(locale=_locale(lang)).configure_axis(labelFontSize=13, titleFontSize=14) \
        .configure_legend(labelFontSize=13, titleFontSize=13, orient="bottom").configure_title(fontSize=16)


def occupancy_chart(summary: pd.DataFrame, labels: dict[str, str], lang: str = "nl",
                    baseline: pd.DataFrame | None = None, columns: int = 2, width: int = 380, height: int = 220):
    """Per care type: P10-P90 band, mean line, capacity steps, the unchanged scenario as a
    faint line and the analytic expectation without capacity limits dashed."""
    names = list(dict.fromkeys(summary["care_type"]))
    colour = colours(names)
    free = alt.Scale(zero=False)  # not from zero: the workshop must see where capacity bites
    panels = []
    for name in names:
        part = summary[summary["care_type"] == name]
        x = alt.X("month:T", title=t("month", lang), axis=alt.Axis(format="%Y"))
        base = alt.Chart(part).encode(x=x)
        layers = [
            base.mark_area(opacity=0.25, color=colour[name]).encode(
                y=alt.Y("occupancy_p10:Q", title=t("occupancy", lang), scale=free),
                y2="occupancy_p90:Q"),
            base.mark_line(strokeDash=[5, 4], color=colour[name], opacity=0.9).encode(y=alt.Y("expected:Q", scale=free)),
        ]
        if baseline is not None:
            old = baseline[baseline["care_type"] == name]
            layers.append(alt.Chart(old).mark_line(color=BASELINE_GREY, strokeWidth=2).encode(x=x, y=alt.Y("occupancy_mean:Q", scale=free)))
        layers.append(base.mark_line(color=colour[name], strokeWidth=3).encode(
            y=alt.Y("occupancy_mean:Q", scale=free),
            tooltip=[alt.Tooltip("month:T", format="%Y-%m", title=t("month", lang)),
                     alt.Tooltip("occupancy_mean:Q", format=",.1f", title=t("mean", lang)),
                     alt.Tooltip("occupancy_p10:Q", format=",.1f", title="P10"),
                     alt.Tooltip("occupancy_p90:Q", format=",.1f", title="P90"),
                     alt.Tooltip("capacity:Q", format=",.0f", title=t("capacity", lang))]))
        if part["capacity"].notna().any():
            layers.append(base.mark_line(interpolate="step-after", color=CAPACITY_COLOUR, strokeWidth=2).encode(y=alt.Y("capacity:Q", scale=free)))
        panels.append(alt.layer(*layers).properties(title=labels.get(name, name), width=width, height=height))
    return _finish(alt.concat(*panels, columns=columns), lang)


def beds_chart(yearly: pd.DataFrame, labels: dict[str, str], lang: str = "nl", width: int = 380, height: int = 220):
    """Beds needed (bars) against capacity (black ticks) per year, for limited care types
    (all types when none is limited)."""
    limited = yearly[yearly["capacity"].notna()]["care_type"].unique().tolist()
    names = limited or list(dict.fromkeys(yearly["care_type"]))
    colour = colours(list(dict.fromkeys(yearly["care_type"])))
    panels = []
    for name in names:
        part = yearly[yearly["care_type"] == name].assign(capacity=lambda d: d["capacity"].astype("float"))
        base = alt.Chart(part).encode(x=alt.X("year:O", title=t("year", lang)))
        bars = base.mark_bar(color=colour[name], opacity=0.85).encode(
            y=alt.Y("beds_needed:Q", title=t("beds_needed", lang)),
            tooltip=[alt.Tooltip("year:O", title=t("year", lang)), alt.Tooltip("beds_needed:Q", title=t("beds_needed", lang)),
                     alt.Tooltip("capacity:Q", title=t("capacity", lang))])
        layers = [bars]
        if part["capacity"].notna().any():
            layers.append(base.mark_tick(color=CAPACITY_COLOUR, thickness=3, size=30).encode(y="capacity:Q"))
        panels.append(alt.layer(*layers).properties(title=labels.get(name, name), width=width, height=height))
    return _finish(alt.concat(*panels, columns=2), lang)


def waiting_chart(summary: pd.DataFrame, labels: dict[str, str], lang: str = "nl", width: int = 800, height: int = 240):
    """Waiting list and placements outside the region per care type, monthly means."""
    names = list(dict.fromkeys(summary["care_type"]))
    colour = colours(names)
    long = pd.concat([
        summary[["month", "care_type", "waiting_mean"]].rename(columns={"waiting_mean": "value"}).assign(measure=t("waiting", lang)),
        summary[["month", "care_type", "overflow_mean"]].rename(columns={"overflow_mean": "value"}).assign(measure=t("overflow", lang)),
    ])
    long["label"] = long["care_type"].map(lambda n: labels.get(n, n))
    chart = alt.Chart(long).mark_line(strokeWidth=2.5).encode(
        x=alt.X("month:T", title=t("month", lang), axis=alt.Axis(format="%Y")),
        y=alt.Y("value:Q", title=t("youths", lang)),
        color=alt.Color("label:N", title=t("care_type", lang),
                        scale=alt.Scale(domain=[labels.get(n, n) for n in names], range=[colour[n] for n in names])),
        strokeDash=alt.StrokeDash("measure:N", title=t("measure", lang)),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), "label:N", "measure:N", alt.Tooltip("value:Q", format=",.1f")],
    ).properties(width=width, height=height)
    return _finish(chart, lang)


def cost_chart(yearly: pd.DataFrame, labels: dict[str, str], lang: str = "nl", width: int = 800, height: int = 260):
    """Yearly cost per care type, stacked, in millions of euros."""
    names = list(dict.fromkeys(yearly["care_type"]))
    colour = colours(names)
    data = yearly.assign(cost_m=yearly["cost_mean"] / 1e6, label=yearly["care_type"].map(lambda n: labels.get(n, n)))
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("year:O", title=t("year", lang)),
        y=alt.Y("sum(cost_m):Q", title=t("cost_meur", lang)),
        color=alt.Color("label:N", title=t("care_type", lang),
                        scale=alt.Scale(domain=[labels.get(n, n) for n in names], range=[colour[n] for n in names])),
        order=alt.Order("care_order:Q"),
        tooltip=["year:O", "label:N", alt.Tooltip("cost_m:Q", format=",.2f", title=t("cost_meur", lang))],
    ).transform_calculate(care_order=f"indexof({names!r}, datum.care_type)").properties(width=width, height=height)
    return _finish(chart, lang)


def flow_dot(flows: pd.DataFrame, labels: dict[str, str], lang: str = "nl", minimum: float = 0.5) -> str:
    """Graphviz DOT of the chain: care types left to right (light -> heavy), yearly flows on the arrows."""
    names = list(labels)
    colour = colours(names)

    def node(name: str) -> str:
        return {"new": "_new", "exit": "_exit"}.get(name, name)

    lines = ["digraph flows {", "  rankdir=LR; bgcolor=transparent;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=14, fontcolor=white];',
             '  edge [fontname="Helvetica", fontsize=12];',
             f'  _new [label="{t("new", lang)}", shape=plaintext, fontcolor=black, style=""];',
             f'  _exit [label="{t("exit", lang)}", shape=plaintext, fontcolor=black, style=""];']
    for name in names:
        label = labels[name].replace('"', "'")
        lines.append(f'  "{name}" [label="{label}", fillcolor="{colour[name]}", color="{colour[name]}"];')
    top = max(flows["per_year_mean"].max(), 1.0) if len(flows) else 1.0
    for source, target, value in zip(flows["from"], flows["to"], flows["per_year_mean"]):
        if value < minimum:
            continue
        width = 1 + 5 * np.sqrt(value / top)
        lines.append(f'  "{node(source)}" -> "{node(target)}" [label="{number(value, lang, 0)}", penwidth={width:.1f}];')
    lines.append("}")
    return "\n".join(lines)
