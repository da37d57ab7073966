"""Altair charts of a run and the flow diagram (DOT), for the app and for exports.

Colours follow the care-type order (light -> heavy) so every chart and slide agrees.
Texts come from simulator.i18n; numbers use the language's separators.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import altair as alt
import pandas as pd

from simulator import i18n
from simulator.i18n import t

# Any top-level Altair chart: a chart, a layer, a concatenation.
Chart = alt.Chart | alt.LayerChart | alt.ConcatChart | alt.HConcatChart | alt.VConcatChart | alt.FacetChart

PALETTE = ["#4c9f70", "#3a7fc1", "#e39b2d", "#c8423b", "#7a58b0", "#2aa6a6", "#a0522d", "#6b7280"]
BASELINE_GREY = "#9ca3af"
CAPACITY_COLOUR = "#111827"


def colours(names: list[str]) -> dict[str, str]:
    """Hex colour per care type name, in the given order (the palette repeats after eight)."""
    return {name: PALETTE[k % len(PALETTE)] for k, name in enumerate(names)}


def _locale(lang: str) -> dict:
    """Vega-Lite's number locale, with the signs of ``i18n.number`` (Babel's)."""
    return {
        "number": {
            "decimal": i18n.decimal_sign(lang),
            "thousands": i18n.group_sign(lang),
            "grouping": [3],
            "currency": ["€ ", ""] if lang == "nl" else ["€", ""],
        }
    }


def _finish(chart: Chart, lang: str) -> Chart:
    # One configure call: each Altair method deep-copies the whole chart (a third of the
    # time of a workshop chart went into four such copies).
    return chart.configure(
        locale=_locale(lang),
        axis=alt.AxisConfig(labelFontSize=13, titleFontSize=14),
        # Two columns below the plot, labels never cut: one row of four care types did not fit
        # a half-width panel, and the last label (JeugdzorgPlus) was dropped.
        legend=alt.LegendConfig(labelFontSize=13, titleFontSize=13, orient="bottom", columns=2, labelLimit=0),
        title=alt.TitleConfig(fontSize=16),
    )


def _month_text(months: pd.Series) -> pd.Series:
    """Months as local-time ISO text: cheaper to embed than datetimes, and read by the browser
    as local midnight (a bare date would be UTC and could show as the previous year)."""
    return pd.to_datetime(months).dt.strftime("%Y-%m-%dT00:00:00")


def _size(chart: Chart, width: int | None, height: int, title: str | None = None) -> Chart:
    """A fixed width for exports; none in the app, where the chart stretches to its column.
    The title in the same call (one copy of the chart, see _finish)."""
    sizes = {"height": height} if width is None else {"width": width, "height": height}
    return chart.properties(**sizes, **({} if title is None else {"title": title}))


def _occupancy_frame(summary: pd.DataFrame, name: str, baseline: pd.DataFrame | None) -> pd.DataFrame:
    """The data of one care type's occupancy panel."""
    columns = ["month", "occupancy_mean", "occupancy_p10", "occupancy_p90", "capacity", "expected"]
    part = summary.loc[summary["care_type"] == name, columns].reset_index(drop=True)
    if baseline is not None:
        part["baseline"] = baseline.loc[baseline["care_type"] == name, "occupancy_mean"].to_numpy()
    part["month"] = _month_text(part["month"])
    return part


def _occupancy_layers(
    summary: pd.DataFrame,
    name: str,
    title: str,
    lang: str,
    baseline: pd.DataFrame | None,
    width: int | None,
    height: int,
) -> Chart:
    part = _occupancy_frame(summary, name, baseline)
    colour = colours(list(dict.fromkeys(summary["care_type"])))[name]
    return _occupancy_layers_of(part, colour, title, lang, width, height)


def _occupancy_layers_of(
    part: pd.DataFrame, colour: str, title: str, lang: str, width: int | None, height: int
) -> Chart:
    free = alt.Scale(zero=False)  # not from zero: the workshop must see where capacity bites
    # The data sits on the layer, not on each mark: Altair then converts and copies it once.
    base = alt.Chart().encode(x=alt.X("month:T", title=t("month", lang), axis=alt.Axis(format="%Y")))
    layers = [
        base.mark_area(opacity=0.25, color=colour).encode(
            y=alt.Y("occupancy_p10:Q", title=t("occupancy", lang), scale=free), y2="occupancy_p90:Q"
        ),
        base.mark_line(strokeDash=[5, 4], color=colour, opacity=0.9).encode(
            y=alt.Y("expected:Q", scale=free)
        ),
    ]
    if "baseline" in part:
        layers.append(
            base.mark_line(color=BASELINE_GREY, strokeWidth=2).encode(y=alt.Y("baseline:Q", scale=free))
        )
    layers.append(
        base.mark_line(color=colour, strokeWidth=3).encode(
            y=alt.Y("occupancy_mean:Q", scale=free),
            tooltip=[
                alt.Tooltip("month:T", format="%Y-%m", title=t("month", lang)),
                alt.Tooltip("occupancy_mean:Q", format=",.1f", title=t("mean", lang)),
                alt.Tooltip("occupancy_p10:Q", format=",.1f", title="P10"),
                alt.Tooltip("occupancy_p90:Q", format=",.1f", title="P90"),
                alt.Tooltip("capacity:Q", format=",.0f", title=t("capacity", lang)),
            ],
        )
    )
    if part["capacity"].notna().any():
        layers.append(
            base.mark_line(interpolate="step-after", color=CAPACITY_COLOUR, strokeWidth=2).encode(
                y=alt.Y("capacity:Q", scale=free)
            )
        )
    return _size(alt.layer(*layers, data=part), width, height, title)


def occupancy_panel(
    summary: pd.DataFrame,
    name: str,
    labels: dict[str, str],
    lang: str = "nl",
    baseline: pd.DataFrame | None = None,
    width: int | None = None,
    height: int = 240,
) -> Chart:
    """One care type: P10-P90 band, mean line, capacity steps, the unchanged scenario as a
    faint line and the analytic expectation without capacity limits dashed."""
    return _finish(
        _occupancy_layers(summary, name, labels.get(name, name), lang, baseline, width, height), lang
    )


def occupancy_panel_spec(
    summary: pd.DataFrame,
    name: str,
    labels: dict[str, str],
    lang: str = "nl",
    baseline: pd.DataFrame | None = None,
    height: int = 240,
) -> dict:
    """``occupancy_panel`` in the app's stretched size, as a Vega-Lite spec: made by Altair
    once per kind of panel (``TEMPLATES``), then only its data is new. Altair took about 60
    ms a panel, a quarter of a workshop page; the spec is the same."""
    part = _occupancy_frame(summary, name, baseline)
    colour = colours(list(dict.fromkeys(summary["care_type"])))[name]
    title = labels.get(name, name)
    key = (
        "occupancy",
        tuple(part.columns),
        bool(part["capacity"].notna().any()),
        colour,
        title,
        lang,
        height,
    )
    return TEMPLATES.spec(
        key, lambda: _finish(_occupancy_layers_of(part, colour, title, lang, None, height), lang), part
    )


BEDS_COLOUR = "#7c3aed"  # beds needed: apart from every care type's colour and the capacity's


def _tint(colour: str, share: float) -> str:
    """``colour`` (#rrggbb) mixed with white: ``share`` of the colour is left."""
    rgb = [int(colour[k : k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in rgb)


def _main_frame(
    summary: pd.DataFrame, yearly: pd.DataFrame, name: str, baseline: pd.DataFrame | None
) -> pd.DataFrame:
    """The data of the workshop's main chart: the occupancy panel's, with each month's year's
    beds needed."""
    part = _occupancy_frame(summary, name, baseline)
    needed = yearly.loc[yearly["care_type"] == name].set_index("year")["beds_needed"]
    years = pd.to_datetime(part["month"]).dt.year
    part["beds_needed"] = years.map(needed).astype(float).to_numpy()
    return part


def _main_layers(part: pd.DataFrame, colour: str, title: str, lang: str, height: int) -> Chart:
    """Band, mean, capacity steps, beds needed per year and the unchanged scenario, with a
    legend below the plot whose labels are never cut (the panels explain theirs in a caption)."""
    free = alt.Scale(zero=False)
    names = {
        "mean": t("legend_mean", lang),
        "band": "P10–P90",
        "capacity": t("capacity", lang),
        "beds": t("legend_beds_needed", lang),
        "baseline": t("legend_unchanged", lang),
    }
    limited = bool(part["capacity"].notna().any())
    shown = ["mean", "band", *(["capacity"] if limited else []), "beds"]
    shown += ["baseline"] if "baseline" in part else []
    palette = {
        "mean": colour,
        "band": _tint(colour, 0.3),  # opaque and light: the legend tells it from the mean
        "capacity": CAPACITY_COLOUR,
        "beds": BEDS_COLOUR,
        "baseline": BASELINE_GREY,
    }
    series = alt.Scale(domain=[names[k] for k in shown], range=[palette[k] for k in shown])
    legend = alt.Legend(
        title=None,
        orient="bottom",
        columns=2,
        labelLimit=0,
        symbolType="square",
        symbolOpacity=0.9,
        symbolStrokeWidth=0,
        symbolSize=140,
    )

    def coloured(kind: str) -> alt.Color:  # every layer the same scale and legend: Vega-Lite draws one
        return alt.Color("series:N", scale=series, legend=legend)

    base = alt.Chart().encode(x=alt.X("month:T", title=None, axis=alt.Axis(format="%Y")))

    def tagged(kind: str) -> alt.Chart:
        return base.transform_calculate(series=json.dumps(names[kind]))  # a string literal

    layers = [
        tagged("band")
        .mark_area()
        .encode(
            y=alt.Y("occupancy_p10:Q", title=t("occupancy", lang), scale=free),
            y2="occupancy_p90:Q",
            color=coloured("band"),
        )
    ]
    if "baseline" in part:
        layers.append(
            tagged("baseline")
            .mark_line(strokeWidth=2)
            .encode(y=alt.Y("baseline:Q", scale=free), color=coloured("baseline"))
        )
    layers += [
        tagged("beds")
        .mark_line(interpolate="step-after", strokeDash=[6, 3], strokeWidth=2.5)
        .encode(y=alt.Y("beds_needed:Q", scale=free), color=coloured("beds")),
        *(
            [
                tagged("capacity")
                .mark_line(interpolate="step-after", strokeWidth=2.5)
                .encode(y=alt.Y("capacity:Q", scale=free), color=coloured("capacity"))
            ]
            if limited
            else []
        ),
        tagged("mean")
        .mark_line(strokeWidth=3)
        .encode(
            y=alt.Y("occupancy_mean:Q", scale=free),
            color=coloured("mean"),
            tooltip=[
                alt.Tooltip("month:T", format="%Y-%m", title=t("month", lang)),
                alt.Tooltip("occupancy_mean:Q", format=",.1f", title=t("mean", lang)),
                alt.Tooltip("occupancy_p10:Q", format=",.1f", title="P10"),
                alt.Tooltip("occupancy_p90:Q", format=",.1f", title="P90"),
                alt.Tooltip("capacity:Q", format=",.0f", title=t("capacity", lang)),
                alt.Tooltip("beds_needed:Q", format=",.0f", title=names["beds"]),
            ],
        ),
    ]
    return _size(alt.layer(*layers, data=part), None, height, title)


def main_chart_spec(
    summary: pd.DataFrame,
    yearly: pd.DataFrame,
    name: str,
    labels: dict[str, str],
    lang: str = "nl",
    baseline: pd.DataFrame | None = None,
    height: int = 330,
) -> dict:
    """The workshop's main chart, beside the key figures on the first screen: the limited
    care type's occupancy (P10–P90 band and mean), its capacity steps and each year's beds
    needed, against the unchanged scenario (``height`` includes the legend). A Vega-Lite
    spec, made by Altair once per kind (TEMPLATES)."""
    part, key, build = _main_build(summary, yearly, name, labels, lang, baseline, height)
    return TEMPLATES.spec(key, build, part)


def _main_build(
    summary: pd.DataFrame,
    yearly: pd.DataFrame,
    name: str,
    labels: dict[str, str],
    lang: str,
    baseline: pd.DataFrame | None,
    height: int,
) -> tuple[pd.DataFrame, Hashable, Callable[[], Chart]]:
    """The main chart's data, its kind (a TEMPLATES key) and how Altair makes it."""
    part = _main_frame(summary, yearly, name, baseline)
    colour = colours(list(dict.fromkeys(summary["care_type"])))[name]
    title = labels.get(name, name)
    key = ("main", tuple(part.columns), bool(part["capacity"].notna().any()), colour, title, lang, height)
    return part, key, lambda: _finish(_main_layers(part, colour, title, lang, height), lang)


class SpecTemplates:
    """Vega-Lite specs of charts that differ only in their top-level dataset, each made by
    Altair once (bounded, least recently used first out; shared by the app's sessions). A
    spec handed out is a fresh copy holding the new data frame as that dataset, named by its
    content; Streamlit sends that frame to the browser as Arrow."""

    def __init__(self, size: int = 128):
        self.size = size
        self._specs: OrderedDict[Hashable, dict] = OrderedDict()
        self._lock = threading.Lock()

    def spec(self, key: Hashable, build: Callable[[], Chart], data: pd.DataFrame) -> dict:
        """The spec of ``build()`` (a chart whose top-level dataset is ``data``; any other
        dataset, such as a layer's reference lines, must be fixed by ``key``), for this data."""
        with self._lock:
            template = self._specs.get(key)
            if template is not None:
                self._specs.move_to_end(key)
        if template is None:
            template = build().to_dict(validate=False)
            main = template.get("data", {}).get("name")
            if main not in template.get("datasets", {}):
                raise ValueError(f"a template needs a top-level dataset: {key}")
            del template["datasets"][main]
            view = template.get("config", {}).get("view", {})
            for size in ("continuousWidth", "continuousHeight"):  # Altair's default theme
                view.pop(size, None)
            with self._lock:
                self._specs[key] = template
                while len(self._specs) > self.size:
                    self._specs.popitem(last=False)
        spec = copy.deepcopy(template)
        digest = hashlib.sha256(pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes())
        name = "data-" + digest.hexdigest()[:32]
        spec["data"] = {"name": name}
        spec["datasets"][name] = data
        return spec


TEMPLATES = SpecTemplates()


def occupancy_chart(
    summary: pd.DataFrame,
    labels: dict[str, str],
    lang: str = "nl",
    baseline: pd.DataFrame | None = None,
    columns: int = 2,
    width: int = 380,
    height: int = 220,
) -> Chart:
    """Every care type's occupancy panel in one grid (exports)."""
    names = list(dict.fromkeys(summary["care_type"]))
    panels = [
        _occupancy_layers(summary, name, labels.get(name, name), lang, baseline, width, height)
        for name in names
    ]
    return _finish(alt.concat(*panels, columns=columns), lang)


def beds_chart(
    yearly: pd.DataFrame,
    labels: dict[str, str],
    lang: str = "nl",
    width: int | None = None,
    height: int = 300,
) -> Chart:
    """Beds needed (bars) against capacity (black ticks) per year, side by side for the limited
    care types (all types when none is limited)."""
    order = list(dict.fromkeys(yearly["care_type"]))
    limited = yearly.loc[yearly["capacity"].notna(), "care_type"].unique().tolist()
    names = [n for n in order if n in (limited or order)]
    colour = colours(order)
    data = yearly.loc[
        yearly["care_type"].isin(names), ["year", "care_type", "beds_needed", "capacity"]
    ].copy()
    data["capacity"] = data["capacity"].astype("float")
    data["label"] = data["care_type"].map(lambda n: labels.get(n, n))
    domain = [labels.get(n, n) for n in names]
    base = alt.Chart().encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("label:N", sort=domain),
    )
    bars = base.mark_bar(opacity=0.85).encode(
        y=alt.Y("beds_needed:Q", title=t("beds_needed", lang)),
        color=alt.Color(
            "label:N",
            title=t("care_type", lang),
            sort=domain,
            scale=alt.Scale(domain=domain, range=[colour[n] for n in names]),
            legend=alt.Legend() if len(names) > 1 else None,
        ),  # one type: the title says which
        tooltip=[
            alt.Tooltip("year:O", title=t("year", lang)),
            alt.Tooltip("label:N", title=t("care_type", lang)),
            alt.Tooltip("beds_needed:Q", title=t("beds_needed", lang)),
            alt.Tooltip("capacity:Q", title=t("capacity", lang)),
        ],
    )
    layers = [bars]
    if data["capacity"].notna().any():
        layers.append(base.mark_tick(color=CAPACITY_COLOUR, thickness=3).encode(y="capacity:Q"))
    return _finish(_size(alt.layer(*layers, data=data), width, height), lang)


def waiting_chart(
    summary: pd.DataFrame,
    labels: dict[str, str],
    lang: str = "nl",
    width: int | None = None,
    height: int = 320,
) -> Chart:
    """Waiting list, placements outside the region and youths waiting to move on (blocked
    beds) per care type, monthly means."""
    names = list(dict.fromkeys(summary["care_type"]))
    colour = colours(names)
    measures = [("waiting_mean", "waiting"), ("overflow_mean", "overflow")]
    if "blocked_mean" in summary and summary["blocked_mean"].max() > 0:
        measures.append(("blocked_mean", "blocked"))
    long = pd.concat(
        [
            summary[["month", "care_type", column]]
            .rename(columns={column: "value"})
            .assign(measure=t(key, lang))
            for column, key in measures
        ]
    )
    long["month"] = _month_text(long["month"])
    long["label"] = long["care_type"].map(lambda n: labels.get(n, n))
    chart = (
        alt.Chart(long.drop(columns="care_type"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("month:T", title=t("month", lang), axis=alt.Axis(format="%Y")),
            y=alt.Y("value:Q", title=t("youths", lang)),
            color=alt.Color(
                "label:N",
                title=t("care_type", lang),
                scale=alt.Scale(domain=[labels.get(n, n) for n in names], range=[colour[n] for n in names]),
            ),
            # Above the plot: beside the care types' legend below it, it ran off a half-width panel.
            strokeDash=alt.StrokeDash("measure:N", title=t("measure", lang), legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("month:T", format="%Y-%m", title=t("month", lang)),
                alt.Tooltip("label:N", title=t("care_type", lang)),
                alt.Tooltip("measure:N", title=t("measure", lang)),
                alt.Tooltip("value:Q", format=",.1f", title=t("youths", lang)),
            ],
        )
    )
    return _finish(_size(chart, width, height), lang)


def cost_chart(
    yearly: pd.DataFrame,
    labels: dict[str, str],
    lang: str = "nl",
    width: int | None = None,
    height: int = 320,
) -> Chart:
    """Yearly cost per care type, stacked, in millions of euros."""
    names = list(dict.fromkeys(yearly["care_type"]))
    colour = colours(names)
    data = pd.DataFrame(
        {
            "year": yearly["year"],
            "care_order": yearly["care_type"].map(names.index),
            "cost_m": yearly["cost_mean"] / 1e6,
            "label": yearly["care_type"].map(lambda n: labels.get(n, n)),
        }
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(cost_m):Q", title=t("cost_meur", lang)),
            color=alt.Color(
                "label:N",
                title=t("care_type", lang),
                scale=alt.Scale(domain=[labels.get(n, n) for n in names], range=[colour[n] for n in names]),
            ),
            order=alt.Order("care_order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=t("year", lang)),
                alt.Tooltip("label:N", title=t("care_type", lang)),
                alt.Tooltip("cost_m:Q", format=",.2f", title=t("cost_meur", lang)),
            ],
        )
    )
    return _finish(_size(chart, width, height), lang)


AGE_PALETTE = [
    "#e39b2d",
    "#3a7fc1",
    "#7a58b0",
    "#c8423b",
    "#2aa6a6",
    "#6b7280",
]  # young -> old, apart on a projector


def age_chart(
    by_age: pd.DataFrame,
    name: str,
    label: str,
    lang: str = "nl",
    baseline: pd.DataFrame | None = None,
    width: int | None = None,
    height: int = 320,
) -> Chart:
    """Youths in care type ``name`` per age band and year (yearly means, the band P10-P90),
    the unchanged scenario dashed; only the bands a youth can be in there."""
    mine = by_age[by_age["care_type"] == name]
    bands = list(dict.fromkeys(mine["age_band"]))
    years_word = t("age_years", lang)
    shown = {band: f"{band.replace('-', '–')} {years_word}" for band in bands}
    scale = alt.Scale(
        domain=list(shown.values()), range=[AGE_PALETTE[k % len(AGE_PALETTE)] for k in range(len(bands))]
    )

    def frame(table: pd.DataFrame) -> pd.DataFrame:
        part = table[table["care_type"] == name]
        return pd.DataFrame(
            {
                "year": part["year"].astype(str),
                "band": part["age_band"].map(shown),
                "mean": part["in_care_mean"],
                "p10": part["in_care_p10"],
                "p90": part["in_care_p90"],
            }
        )

    data = frame(by_age)
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0)),
        color=alt.Color(
            "band:N",
            title=t("age_band", lang),
            scale=scale,
            sort=list(shown.values()),
            legend=alt.Legend(symbolOpacity=1, symbolType="stroke", symbolStrokeWidth=3),
        ),
    )
    title = t("youths", lang)
    layers: list[Chart] = [
        base.mark_area(opacity=0.18).encode(y=alt.Y("p10:Q", title=title), y2="p90:Q"),
        base.mark_line(strokeWidth=3, point=True).encode(
            y=alt.Y("mean:Q", title=title),
            tooltip=[
                alt.Tooltip("year:O", title=t("year", lang)),
                alt.Tooltip("band:N", title=t("age_band", lang)),
                alt.Tooltip("mean:Q", format=",.1f", title=t("mean", lang)),
                alt.Tooltip("p10:Q", format=",.1f", title="P10"),
                alt.Tooltip("p90:Q", format=",.1f", title="P90"),
            ],
        ),
    ]
    if baseline is not None:
        layers.append(
            alt.Chart(frame(baseline))
            .mark_line(strokeWidth=1.5, strokeDash=[5, 4])
            .encode(x="year:O", y="mean:Q", color=alt.Color("band:N", scale=scale))
        )
    return _finish(_size(alt.layer(*layers), width, height, t("age_chart_title", lang, label=label)), lang)


TARIFF_NORM = (
    0.90  # occupancy at which JeugdzorgPlus tariffs cover costs (Jeugdautoriteit, reference-figures.md)
)


def tradeoff_chart(
    table: pd.DataFrame,
    label: str,
    colour: str,
    lang: str = "nl",
    capacity: float | None = None,
    service_level: float = 0.95,
    width: int | None = None,
    height: int = 380,
) -> Chart:
    """The capacity trade-off of one care type (``results.tradeoff_table``): the share of
    youths not placed at once (band P10-P90) and the occupancy rate against the number of
    places, with the 90% occupancy at which tariffs cover costs, the service level's limit
    and the capacity in force."""
    long = _tradeoff_frame(table, lang)
    return _tradeoff_of(
        long, _tradeoff_top(long), label, colour, lang, capacity, service_level, width, height
    )


def tradeoff_spec(
    table: pd.DataFrame,
    label: str,
    colour: str,
    lang: str = "nl",
    capacity: float | None = None,
    service_level: float = 0.95,
    height: int = 380,
) -> dict:
    """``tradeoff_chart`` in the app's stretched size, as a Vega-Lite spec from a template
    (``occupancy_panel_spec``)."""
    long = _tradeoff_frame(table, lang)
    top = _tradeoff_top(long)
    place = None if capacity is None or pd.isna(capacity) else float(capacity)
    key = ("tradeoff", label, colour, lang, place, service_level, height, top)
    return TEMPLATES.spec(
        key, lambda: _tradeoff_of(long, top, label, colour, lang, place, service_level, None, height), long
    )


def _tradeoff_frame(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The trade-off's measures in long form: capacity, value, p10, p90, measure."""
    measures = {"delayed_share": t("tradeoff_delayed", lang), "occupancy_rate": t("tradeoff_rate", lang)}
    return pd.concat(
        [
            table[["capacity", m, f"{m}_p10", f"{m}_p90"]]
            .set_axis(["capacity", "value", "p10", "p90"], axis=1)
            .assign(measure=text)
            for m, text in measures.items()
        ],
        ignore_index=True,
    )


def _tradeoff_top(long: pd.DataFrame) -> float:
    return max(1.0, float(long["p90"].max()))  # a rate can pass 100% after a cut (nobody is evicted)


def _tradeoff_of(
    long: pd.DataFrame,
    top: float,
    label: str,
    colour: str,
    lang: str,
    capacity: float | None,
    service_level: float,
    width: int | None,
    height: int,
) -> Chart:
    measures = [t("tradeoff_delayed", lang), t("tradeoff_rate", lang)]
    scale = alt.Scale(domain=measures, range=[colour, CAPACITY_COLOUR])
    percent = alt.Axis(format="%", title=t("tradeoff_share", lang))
    base = alt.Chart().encode(
        x=alt.X("capacity:Q", title=t("tradeoff_places", lang), scale=alt.Scale(zero=False))
    )
    layers = [
        base.mark_area(opacity=0.18).encode(
            y=alt.Y("p10:Q", axis=percent, scale=alt.Scale(domain=[0, top])),
            y2="p90:Q",
            color=alt.Color("measure:N", scale=scale, title=None),
        ),
        base.mark_line(strokeWidth=3).encode(
            y=alt.Y("value:Q", axis=percent),
            color=alt.Color("measure:N", title=None, scale=scale),
            tooltip=[
                alt.Tooltip("capacity:Q", title=t("tradeoff_places", lang)),
                alt.Tooltip("measure:N", title=t("measure", lang)),
                alt.Tooltip("value:Q", format=".1%", title=t("mean", lang)),
                alt.Tooltip("p10:Q", format=".1%", title="P10"),
                alt.Tooltip("p90:Q", format=".1%", title="P90"),
            ],
        ),
    ]
    # The reference lines carry their few values in the layer itself (not a dataset of
    # their own): the chart's one dataset is then the trade-off (see SpecTemplates).
    rules = alt.InlineData(
        values=[
            {"y": TARIFF_NORM, "text": t("tradeoff_norm", lang)},
            {
                "y": 1 - service_level,
                "text": t("tradeoff_level", lang, level=i18n.percent(1 - service_level, lang)),
            },
        ]
    )
    layers.append(
        alt.Chart(rules)
        .mark_rule(strokeDash=[6, 4], color="#6b7280", strokeWidth=2)
        .encode(y="y:Q", tooltip=alt.Tooltip("text:N", title=t("measure", lang)))
    )
    layers.append(
        alt.Chart(rules)
        .mark_text(align="left", dx=4, dy=11, color="#374151", fontSize=12)
        .encode(y="y:Q", x=alt.value(4), text="text:N")
    )
    if capacity is not None and not pd.isna(capacity):
        layers.append(
            alt.Chart(alt.InlineData(values=[{"capacity": float(capacity)}]))
            .mark_rule(color=CAPACITY_COLOUR, strokeWidth=2)
            .encode(x="capacity:Q")
        )
    return _finish(_size(alt.layer(*layers, data=long), width, height, label), lang)


SCENARIO_PALETTE = [
    "#111827",
    "#e4572e",
    "#17bebb",
    "#76b041",
    "#a05195",
    "#ffc914",
]  # baseline first, in black


def _scenario_colour(labels: list[str]) -> alt.Scale:
    return alt.Scale(domain=labels, range=SCENARIO_PALETTE[: len(labels)])


def _scenario_encoding(labels: list[str], lang: str, legend: bool) -> alt.Color:
    """Colour by scenario; in the app one scenario_legend serves all panels (a legend in each
    would take the plot's room), in an exported image the legend is part of the chart."""
    return alt.Color(
        "scenario:N",
        scale=_scenario_colour(labels),
        sort=labels,
        legend=alt.Legend(title=t("scenario", lang), orient="bottom", columns=1, labelLimit=600)
        if legend
        else None,
    )


def scenario_legend(labels: list[str], lang: str = "nl") -> Chart:
    """The colour of each scenario, once for all comparison charts (a legend in every panel
    would take the room of the plot)."""
    data = pd.DataFrame({"scenario": labels})
    legend = alt.Legend(
        title=t("scenario", lang),
        orient="left",
        direction="vertical",
        symbolType="square",
        symbolSize=220,
        symbolOpacity=1,
        labelFontSize=14,
        titleFontSize=14,
        labelLimit=900,
    )
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, opacity=0)
        .encode(  # nothing drawn but the legend
            color=alt.Color("scenario:N", scale=_scenario_colour(labels), sort=labels, legend=legend)
        )
    )
    return chart.properties(height=22 * len(labels) + 36).configure_view(stroke=None)


def comparison_panel(
    monthly: pd.DataFrame,
    care_type: str,
    title: str,
    lang: str = "nl",
    width: int | None = None,
    height: int = 240,
    legend: bool = False,
) -> Chart:
    """One care type's occupancy in every scenario: a line each (the baseline black) with a faint
    P10-P90 band, and its capacity where it has one as a dashed step line of the same colour;
    the scenario column holds the labels, baseline first."""
    labels = list(dict.fromkeys(monthly["scenario"]))
    part = monthly.loc[
        monthly["care_type"] == care_type,
        ["scenario", "month", "occupancy_mean", "occupancy_p10", "occupancy_p90", "capacity"],
    ].copy()
    part["month"] = _month_text(part["month"])
    colour = _scenario_encoding(labels, lang, legend)
    base = alt.Chart().encode(
        x=alt.X("month:T", title=t("month", lang), axis=alt.Axis(format="%Y")), color=colour
    )
    band = base.mark_area(opacity=0.12).encode(
        y=alt.Y("occupancy_p10:Q", title=t("occupancy", lang), scale=alt.Scale(zero=False)),
        y2="occupancy_p90:Q",
    )
    line = base.mark_line(strokeWidth=2.5).encode(
        y="occupancy_mean:Q",
        tooltip=[
            alt.Tooltip("scenario:N", title=t("scenario", lang)),
            alt.Tooltip("month:T", format="%Y-%m", title=t("month", lang)),
            alt.Tooltip("occupancy_mean:Q", format=",.1f", title=t("mean", lang)),
            alt.Tooltip("occupancy_p10:Q", format=",.1f", title="P10"),
            alt.Tooltip("occupancy_p90:Q", format=",.1f", title="P90"),
        ],
    )
    # A stretch without a limit between limited ones is a gap, not a step across it: each
    # limited stretch of a scenario is a line of its own (detail).
    unlimited = part["capacity"].isna()
    part["stretch"] = (
        (unlimited != unlimited.groupby(part["scenario"]).shift()).groupby(part["scenario"]).cumsum()
    )
    places = part[~unlimited]
    layers = [band, line]
    if len(places):  # a care type without a limit in every scenario has no capacity line
        layers.append(
            alt.Chart(places)
            .mark_line(strokeWidth=1.8, strokeDash=[6, 4], interpolate="step-after")
            .encode(
                x="month:T",
                y=alt.Y("capacity:Q"),
                color=colour,
                detail="stretch:N",
                tooltip=[
                    alt.Tooltip("scenario:N", title=t("scenario", lang)),
                    alt.Tooltip("month:T", format="%Y-%m", title=t("month", lang)),
                    alt.Tooltip("capacity:Q", format=",.0f", title=t("capacity", lang)),
                ],
            )
        )
    return _finish(_size(alt.layer(*layers, data=part), width, height, title), lang)


def comparison_totals_chart(
    totals: pd.DataFrame,
    measure: str,
    title: str,
    lang: str = "nl",
    width: int | None = None,
    height: int = 240,
    legend: bool = False,
) -> Chart:
    """A chain-wide figure per year for every scenario: its mean as a line with points and its
    P10-P90 as a faint band, on an axis around the values (dots side by side on an axis from 0
    hid a difference of a few percent)."""
    labels = list(dict.fromkeys(totals["scenario"]))
    part = totals.loc[totals["measure"] == measure, ["scenario", "year", "mean", "p10", "p90"]].copy()
    money = measure == "cost"
    if money:
        part[["mean", "p10", "p90"]] = part[["mean", "p10", "p90"]] / 1e6
    y_title = t("cost_meur", lang) if money else t("youths", lang)
    colour = _scenario_encoding(labels, lang, legend)
    base = alt.Chart().encode(
        x=alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0)),
        color=colour,
    )
    band = base.mark_area(opacity=0.12).encode(
        y=alt.Y("p10:Q", title=y_title, scale=alt.Scale(zero=False)), y2="p90:Q"
    )
    point = base.mark_line(point=alt.OverlayMarkDef(filled=True, size=50), strokeWidth=2.5).encode(
        y="mean:Q",
        tooltip=[
            alt.Tooltip("scenario:N", title=t("scenario", lang)),
            alt.Tooltip("year:O", title=t("year", lang)),
            alt.Tooltip("mean:Q", format=",.2f" if money else ",.1f", title=t("mean", lang)),
            alt.Tooltip("p10:Q", format=",.2f" if money else ",.1f", title="P10"),
            alt.Tooltip("p90:Q", format=",.2f" if money else ",.1f", title="P90"),
        ],
    )
    return _finish(_size(alt.layer(band, point, data=part), width, height, title), lang)


def backtest_chart(
    table: pd.DataFrame, labels: dict[str, str], lang: str = "nl", width: int = 220, height: int = 170
) -> Chart:
    """Model against actual clients per year, one panel per care type: the model's mean with its
    P10-P90 range, the actual count as a black dot; years used for fitting are marked."""
    names = list(dict.fromkeys(table["care_type"]))
    colour = colours(names)
    data = table.assign(
        label=table["care_type"].map(lambda n: labels.get(n, n)),
        sample=table["sample"].map(lambda v: t("backtest_" + v, lang)),
    )
    domain = [labels.get(n, n) for n in names]
    base = alt.Chart().encode(x=alt.X("year:O", title=t("year", lang)))
    model = base.mark_errorbar(thickness=3, ticks=True).encode(
        y=alt.Y("clients_p10:Q", title=t("clients", lang), scale=alt.Scale(zero=False)),
        y2="clients_p90:Q",
        color=alt.Color(
            "label:N", scale=alt.Scale(domain=domain, range=[colour[n] for n in names]), legend=None
        ),
    )
    mean = base.mark_tick(thickness=3, size=18).encode(
        y="clients_mean:Q", color=alt.Color("label:N", legend=None)
    )
    actual = base.mark_point(filled=True, size=80, color=CAPACITY_COLOUR).encode(
        y="clients:Q",
        shape=alt.Shape("sample:N", title=t("actual", lang)),
        tooltip=[
            alt.Tooltip("year:O", title=t("year", lang)),
            alt.Tooltip("label:N", title=t("care_type", lang)),
            alt.Tooltip("clients:Q", title=t("actual", lang)),
            alt.Tooltip("clients_mean:Q", format=",.1f", title=t("model", lang)),
            alt.Tooltip("clients_p10:Q", format=",.1f", title="P10"),
            alt.Tooltip("clients_p90:Q", format=",.1f", title="P90"),
        ],
    )
    chart = (
        alt.layer(model, mean, actual, data=data)
        .properties(width=width, height=height)
        .facet(facet=alt.Facet("label:N", sort=domain, title=None), columns=3)
        .resolve_scale(y="independent")
    )
    return _finish(chart, lang)


def national_backtest_chart(
    monthly_summary: pd.DataFrame,
    table: pd.DataFrame,
    lang: str = "nl",
    width: int | None = None,
    height: int = 300,
    until: str = "2026-12",
) -> Chart:
    """JeugdzorgPlus occupancy of the national preset (band P10-P90, mean, capacity steps)
    with the published occupancy as black dots."""
    part = monthly_summary.loc[
        (monthly_summary["care_type"] == "jzplus")
        & (pd.to_datetime(monthly_summary["month"]) <= pd.Timestamp(until))
    ].copy()
    part["month"] = _month_text(part["month"])
    base = alt.Chart(part).encode(
        x=alt.X("month:T", title=t("month", lang), axis=alt.Axis(format="%Y", tickCount="year"))
    )
    free = alt.Scale(zero=False)
    layers = [
        base.mark_area(opacity=0.25, color=PALETTE[3]).encode(
            y=alt.Y("occupancy_p10:Q", title=t("occupancy", lang), scale=free), y2="occupancy_p90:Q"
        ),
        base.mark_line(color=PALETTE[3], strokeWidth=3).encode(y=alt.Y("occupancy_mean:Q", scale=free)),
        base.mark_line(interpolate="step-after", color=CAPACITY_COLOUR, strokeWidth=2).encode(
            y=alt.Y("capacity:Q", scale=free)
        ),
    ]
    points = table.assign(
        month=_month_text(pd.to_datetime(table["month"], format="%Y-%m")),
        sample=table["sample"].map(lambda v: t("backtest_nl_" + v, lang)),
    )
    layers.append(
        alt.Chart(points)
        .mark_point(filled=True, size=110, color=CAPACITY_COLOUR)
        .encode(
            x="month:T",
            y=alt.Y("observed:Q", scale=free),
            shape=alt.Shape("sample:N", title=t("actual", lang)),
            tooltip=[
                alt.Tooltip("month:T", format="%Y-%m", title=t("month", lang)),
                alt.Tooltip("observed:Q", title=t("actual", lang)),
                alt.Tooltip("model:Q", format=",.1f", title=t("model", lang)),
                alt.Tooltip("p10:Q", format=",.1f", title="P10"),
                alt.Tooltip("p90:Q", format=",.1f", title="P90"),
            ],
        )
    )
    return _finish(_size(alt.layer(*layers), width, height), lang)


def tornado_chart(rows: pd.DataFrame, labels: dict[str, str], measure_title: str, lang: str = "nl") -> Chart:
    """Which assumption moves a measure most: a bar of mu* per assumption, largest on top,
    with sigma as a tick (``sensitivity.csv`` rows of one measure and care type)."""
    data = pd.DataFrame(
        {
            "label": rows["parameter"].map(lambda p: labels.get(p, p)),
            "mu_star": rows["mu_star"],
            "sigma": rows["sigma"],
        }
    ).sort_values("mu_star", ascending=False)
    order = data["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=420))
    tooltip = [
        alt.Tooltip("label:N", title=t("sens_assumption", lang)),
        alt.Tooltip("mu_star:Q", format=",.2f", title=t("sens_mu", lang)),
        alt.Tooltip("sigma:Q", format=",.2f", title=t("sens_sigma", lang)),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(color="#1f5f8b")
        .encode(x=alt.X("mu_star:Q", title=f"{t('sens_mu', lang)}: {measure_title}"), y=y, tooltip=tooltip)
    )
    ticks = (
        alt.Chart(data)
        .mark_tick(color="#e07b00", thickness=3, size=26)
        .encode(x="sigma:Q", y=y, tooltip=tooltip)
    )
    return _finish(_size(alt.layer(bars, ticks), None, max(120, 48 * len(data) + 60)), lang)


def heatmap_chart(
    table: pd.DataFrame,
    x_path: str,
    y_path: str,
    measure: str,
    labels: dict[str, str],
    title: str,
    lang: str = "nl",
) -> Chart:
    """A sweep's grid: one cell per point, coloured by ``measure`` (rows of one year and care
    type of ``sweep.csv``), its value written in the cell."""
    from simulator.uncertainty import value_text

    def shown(path: str) -> Callable[[float], str]:
        return lambda value: value_text(path, float(value), lang)

    data = pd.DataFrame(
        {
            "x": table[x_path].map(shown(x_path)),
            "y": table[y_path].map(shown(y_path)),
            "value": table[measure],
        }
    )
    x_order = [shown(x_path)(v) for v in sorted(table[x_path].unique())]
    y_order = [shown(y_path)(v) for v in sorted(table[y_path].unique(), reverse=True)]
    base = alt.Chart(data).encode(
        x=alt.X("x:O", sort=x_order, title=labels.get(x_path, x_path), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("y:O", sort=y_order, title=labels.get(y_path, y_path)),
    )
    share = measure == "delayed_share_mean"  # a share reads as a percentage, as in the tables
    cells = base.mark_rect().encode(
        color=alt.Color(
            "value:Q",
            title=title,
            scale=alt.Scale(scheme="orangered"),
            legend=alt.Legend(format=".0%") if share else alt.Legend(),
        ),
        tooltip=[
            alt.Tooltip("x:O", title=labels.get(x_path, x_path)),
            alt.Tooltip("y:O", title=labels.get(y_path, y_path)),
            alt.Tooltip("value:Q", format=".1%" if share else ",.2f", title=title),
        ],
    )
    text = base.mark_text(fontSize=14).encode(text=alt.Text("value:Q", format=".1%" if share else ",.3~r"))
    return _finish(_size(alt.layer(cells, text), None, max(200, 56 * len(y_order) + 80)), lang)
