"""Every chart of the app as PNG (2x) and SVG, offline, with a title and a source line.

Altair charts are rendered by vl-convert (no browser, no network). The flow diagram, which the
app draws with Graphviz in the browser, is drawn here as SVG by hand (care types left to
right, light to heavy, yearly flows on the arrows), so no Graphviz binary is needed.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable

import altair as alt
import pandas as pd
import vl_convert as vlc

from simulator import charts
from simulator.charts import Chart
from simulator.i18n import number, t
from simulator.results import Summary

EXPORT_WIDTH = 640  # px of the plot; the PNG is twice as wide (scale 2) plus axes and legend
PNG_SCALE = 2


def source_line(summary: Summary, lang: str) -> str:
    """The line under an exported chart: scenario, replications, seed and today's date."""
    scenario = summary.scenario
    return t(
        "x_source_line",
        lang,
        scenario=scenario.name,
        n=summary.replications,
        seed=scenario.seed,
        date=dt.date.today().isoformat(),
    )


def titled(chart: Chart, title: str, source: str) -> Chart:
    """The chart with a title above and the source line under it (as the subtitle)."""
    return chart.properties(
        title=alt.TitleParams(
            text=title,
            subtitle=[source],
            anchor="start",
            fontSize=18,
            subtitleFontSize=12,
            subtitleColor="#4b5563",
        )
    )


def chart_files(summary: Summary, lang: str = "nl", baseline: Summary | None = None) -> dict[str, Chart]:
    """The app's charts of one run, sized for export, titled: {file stem: Altair chart}."""
    scenario = summary.scenario
    labels = {name: scenario.label(name) for name in scenario.type_names}
    source = source_line(summary, lang)
    out = {}
    for k, name in enumerate(scenario.type_names, start=1):
        chart = charts.occupancy_panel(
            summary.monthly,
            name,
            labels,
            lang,
            baseline=baseline.monthly if baseline else None,
            width=EXPORT_WIDTH,
        )
        out[f"{k:02d}-{t('x_file_occupancy', lang)}-{name}"] = titled(
            chart, t("x_occupancy_title", lang, label=labels[name]), source
        )
    out[t("x_file_beds", lang)] = titled(
        charts.beds_chart(summary.yearly, labels, lang, width=EXPORT_WIDTH), t("chart_beds", lang), source
    )
    out[t("x_file_waiting", lang)] = titled(
        charts.waiting_chart(summary.monthly, labels, lang, width=EXPORT_WIDTH),
        t("chart_waiting", lang),
        source,
    )
    out[t("x_file_cost", lang)] = titled(
        charts.cost_chart(summary.yearly, labels, lang, width=EXPORT_WIDTH), t("chart_cost", lang), source
    )
    return out


def comparison_chart_files(summaries: list[Summary], labels: list[str], lang: str = "nl") -> dict[str, Chart]:
    """The Vergelijken page's charts: occupancy per care type and two totals, every scenario a colour."""
    from simulator.compare import overlay_frames

    monthly, totals = overlay_frames(summaries, labels)
    scenarios = [s.scenario for s in summaries]
    names = {name: s.label(name) for s in reversed(scenarios) for name in s.type_names}
    source = t(
        "x_source_compare",
        lang,
        n=summaries[0].replications,
        seed=scenarios[0].seed,
        date=dt.date.today().isoformat(),
        scenarios=", ".join(labels),
    )
    out = {}
    for k, name in enumerate(dict.fromkeys(n for s in scenarios for n in s.type_names), start=1):
        panel = charts.comparison_panel(monthly, name, names[name], lang, width=EXPORT_WIDTH, legend=True)
        out[f"{k:02d}-{t('x_file_occupancy', lang)}-{name}"] = titled(
            panel, t("x_occupancy_title", lang, label=names[name]), source
        )
    for measure, key in (("in_care", "compare_in_care"), ("cost", "compare_cost")):
        chart = charts.comparison_totals_chart(totals, measure, "", lang, width=EXPORT_WIDTH, legend=True)
        out[f"{t('x_file_total', lang)}-{measure}"] = titled(chart, t(key, lang), source)
    return out


def render(chart: Chart) -> tuple[bytes, str]:
    """(PNG at twice the size, SVG) of an Altair chart, offline."""
    spec = chart.to_dict()
    return vlc.vegalite_to_png(spec, scale=PNG_SCALE), vlc.vegalite_to_svg(spec)


def flow_svg(
    flows: pd.DataFrame,
    labels: dict[str, str],
    lang: str = "nl",
    title: str = "",
    source: str = "",
    minimum: float = 0.5,
) -> str:
    """The flows between care types as SVG: the care types left to right (light to heavy); new
    inflow as an arrow into the top of a box, exits as an arrow out of its bottom; moves to a
    heavier type arc above the boxes, moves back arc below; arrow width by size, the number of
    youths per year on each arrow; flows under ``minimum`` a year are left out."""
    names = list(labels)
    colour = charts.colours(names)
    box_w, box_h, gap, left, top = 190, 54, 110, 40, 200
    width = left * 2 + len(names) * box_w + (len(names) - 1) * gap
    height = top + box_h + 190
    x = {name: left + k * (box_w + gap) for k, name in enumerate(names)}
    biggest = max(flows["per_year_mean"].max(), 1.0) if len(flows) else 1.0

    def stroke(value: float) -> float:
        return 1.5 + 7 * math.sqrt(value / biggest)

    def label(px: float, py: float, value: float, prefix: str = "", anchor: str = "middle") -> str:
        return (
            f'<text x="{px:.0f}" y="{py:.0f}" font-size="15" text-anchor="{anchor}" paint-order="stroke" '
            f'stroke="white" stroke-width="5">{prefix}{number(value, lang, 0)}</text>'
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="Helvetica, Arial, sans-serif">',
        '<rect width="100%" height="100%" fill="white"/>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="12" markerHeight="12" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#374151"/></marker></defs>',
        f'<text x="{left}" y="34" font-size="22" font-weight="bold">{html.escape(title)}</text>',
        f'<text x="{left}" y="58" font-size="13" fill="#4b5563">{html.escape(source)}</text>',
    ]
    bottom = top + box_h
    for source_node, target, value in zip(flows["from"], flows["to"], flows["per_year_mean"], strict=True):
        if value < minimum:
            continue
        if source_node == "new" and target in x:  # new inflow: straight down into the box
            cx = x[target] + box_w / 2
            parts.append(
                f'<line x1="{cx}" y1="{top - 48}" x2="{cx}" y2="{top}" stroke="#374151" stroke-opacity="0.75" '
                f'stroke-width="{stroke(value):.1f}" marker-end="url(#arrow)"/>'
            )
            parts.append(label(cx + 10, top - 18, value, "+", "start"))  # beside: arcs pass above
        elif target == "exit" and source_node in x:  # leaving care: straight down out of the box
            cx = x[source_node] + box_w / 2
            parts.append(
                f'<line x1="{cx}" y1="{bottom}" x2="{cx}" y2="{bottom + 42}" stroke="#9ca3af" '
                f'stroke-width="{stroke(value):.1f}" marker-end="url(#arrow)"/>'
            )
            parts.append(label(cx + 10, bottom + 30, value, "→ ", "start"))
        elif source_node in x and target in x:
            forward = x[target] > x[source_node]
            x1 = x[source_node] + box_w * (0.8 if forward else 0.2)
            x2 = x[target] + box_w * (0.2 if forward else 0.8)
            span = abs(names.index(target) - names.index(source_node))
            y_edge = top if forward else bottom
            control_y = y_edge - (50 + 40 * span) if forward else y_edge + (70 + 40 * span)
            parts.append(
                f'<path d="M {x1:.0f} {y_edge} Q {(x1 + x2) / 2:.0f} {control_y:.0f} {x2:.0f} {y_edge}" '
                f'fill="none" stroke="#374151" stroke-opacity="0.75" stroke-width="{stroke(value):.1f}" '
                'marker-end="url(#arrow)"/>'
            )
            parts.append(label((x1 + x2) / 2, (y_edge + control_y) / 2 + (5 if forward else 10), value))
    for name in names:
        parts.append(
            f'<rect x="{x[name]}" y="{top}" width="{box_w}" height="{box_h}" rx="10" fill="{colour[name]}"/>'
        )
        parts.append(
            f'<text x="{x[name] + box_w / 2}" y="{top + box_h / 2 + 6}" font-size="16" fill="white" '
            f'text-anchor="middle">{html.escape(_short(labels[name]))}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 14}" font-size="13" fill="#4b5563">'
        f"{html.escape(t('x_flow_legend', lang))}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def image_files(
    summary: Summary,
    lang: str = "nl",
    baseline: Summary | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[str, bytes]:
    """{file name: bytes} of every chart of one run as PNG and SVG, the flow diagram included."""
    files = {}
    items = chart_files(summary, lang, baseline)
    for k, (stem, chart) in enumerate(items.items()):
        png, svg = render(chart)
        files[f"{stem}.png"], files[f"{stem}.svg"] = png, svg.encode("utf-8")
        if progress:
            progress((k + 1) / (len(items) + 1))
    scenario = summary.scenario
    svg = flow_svg(
        summary.flows,
        {n: scenario.label(n) for n in scenario.type_names},
        lang,
        t("chart_flows", lang),
        source_line(summary, lang),
    )
    files[f"{t('x_file_flows', lang)}.svg"] = svg.encode("utf-8")
    files[f"{t('x_file_flows', lang)}.png"] = vlc.svg_to_png(svg, scale=PNG_SCALE)
    if progress:
        progress(1.0)
    return files
