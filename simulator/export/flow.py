"""The flow diagram as SVG, drawn by hand: the app shows it and the export saves it, so
both look the same and no Graphviz is needed. Light to import (no renderer)."""

from __future__ import annotations

import html
import math

import pandas as pd

from simulator import charts
from simulator.i18n import number, t


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
