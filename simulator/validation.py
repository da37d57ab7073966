"""What the presets claim, what was used to calibrate them and what was held out.

Every claim names its source, says whether it was used to calibrate the preset
("calibrated": the model reproduces it by construction, a check of the arithmetic) or held
out ("held_out": the model was not fitted to it, a real test), and how the model's value is
judged. A miss stays in the table with its reason; ``expected`` records which claims miss,
so a test fails when a pass turns into a miss (or the other way round) without the table
and its reasons being updated.

``python -m simulator.validation`` writes ``docs/validation.csv`` (the Bronnen page and the
README show it) and ``docs/assumptions.csv``: each preset's headline (beds needed in the
decision year and the year's cost) under the low and high values of the assumptions the
sources do not give (``calibrate.ASSUMPTION_RANGES``).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypedDict

import numpy as np
import pandas as pd

from simulator import calibrate as cal
from simulator.experiment import run_experiment, scenario_key
from simulator.files import write_file
from simulator.results import Results, yearly_arrays
from simulator.scenario import Scenario, load_scenario, scenario_from_dict
from simulator.settings import DOCS_DIR, PRESETS_DIR, ROOT

DOCS = DOCS_DIR
VALIDATION_FILE = DOCS / "validation.csv"
ASSUMPTIONS_FILE = DOCS / "assumptions.csv"
COLUMNS = [
    "preset",
    "claim",
    "role",
    "source",
    "text_nl",
    "text_en",
    "target_nl",
    "target_en",
    "value",
    "p10",
    "p90",
    "decimals",
    "display",
    "status",
    "reason_nl",
    "reason_en",
]

Runner = Callable[[Scenario], Results]
Figure = tuple[float, float, float]  # model value, P10, P90


def preset(stem: str) -> Scenario:
    """The shipped preset ``scenarios/<stem>.yaml``, validated, with its named assumptions
    at their calibrated values: the checks test the calibration, and each named assumption
    is varied on its own in the table of named assumptions (``assumptions_table``)."""
    scenario = load_scenario(PRESETS_DIR / f"{stem}.yaml")
    named = [key for key in scenario.uncertainty if key.startswith("assumptions.")]
    if not named:
        return scenario
    data = scenario.to_dict()
    data["uncertainty"] = {k: v for k, v in data["uncertainty"].items() if k not in named}
    if not data["uncertainty"]:
        del data["uncertainty"]
    return scenario_from_dict(data, str(PRESETS_DIR / f"{stem}.yaml"))


def cached_runner() -> Runner:
    """Runs by content: each scenario once, however many claims read it."""
    done: dict[str, Results] = {}

    def run(scenario: Scenario) -> Results:
        key = scenario_key(scenario)
        if key not in done:
            done[key] = run_experiment(scenario)
        return done[key]

    return run


# ---------------------------------------------------------------- reading a run


def spread(values: np.ndarray) -> Figure:
    """(mean, P10, P90) of values per replication."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(np.percentile(values, 10)), float(np.percentile(values, 90))


def per_replication(results: Results, key: str, year: int, care_type: str) -> np.ndarray:
    """One yearly figure (a key of ``yearly_arrays``) per replication, shape (R,)."""
    arrays = yearly_arrays(results.plan, results.replications)
    return arrays[key][:, results.plan.calendar.years.index(year), results.plan.names.index(care_type)]


def monthly(results: Results, level: int, month: str, care_type: str) -> np.ndarray:
    """A month's time-weighted mean per replication (month 'YYYY-MM')."""
    m = results.plan.calendar.month_labels.index(month)
    i = results.plan.names.index(care_type)
    return np.array([r.levels[m, level, i] for r in results.replications])


def months_total(results: Results, count: int, first: str, last: str, care_type: str) -> np.ndarray:
    """A count (an index of ``model.COUNTS``) per replication, summed over months ``first`` to
    ``last`` ('YYYY-MM', both included)."""
    labels = results.plan.calendar.month_labels
    a, b = labels.index(first), labels.index(last) + 1
    i = results.plan.names.index(care_type)
    return np.array([r.counts[a:b, count, i].sum() for r in results.replications])


def yearly_row(results: Results, year: int, care_type: str) -> pd.Series:
    """The yearly-table row of a year and care type."""
    table = results.yearly
    return table[(table["year"] == year) & (table["care_type"] == care_type)].iloc[0]


# ---------------------------------------------------------------- claims


@dataclass(frozen=True)
class Claim:
    """What a source says about a preset, how the model's figure is measured and when it passes."""

    preset: str
    claim: str  # a short id
    role: str  # "calibrated" or "held_out"
    source: str
    text: tuple[str, str]  # (nl, en): what the source says
    target: tuple[str, str]  # (nl, en): what the model must show to pass
    measure: Callable[[Runner], Figure]
    passes: Callable[[Figure], bool]
    decimals: int = 0
    display: str = "band"  # "band": value (P10-P90); "count": value of p90 (categories); "value": the value
    expected: str = "pass"
    reason: tuple[str, str] = ("", "")  # why it misses


def within_band(target: float) -> Callable[[Figure], bool]:
    """Passes when ``target`` lies within the figure's P10-P90."""
    return lambda f: f[1] <= target <= f[2]


def between(low: float, high: float) -> Callable[[Figure], bool]:
    """Passes when the model's value lies within [low, high]."""
    return lambda f: low <= f[0] <= high


def _ratio(results: Results, year: int) -> Figure:
    placements = per_replication(results, "admissions", year, "jzplus")
    youths = per_replication(results, "admitted_youths", year, "jzplus")
    return spread(placements / youths)


def _paired_prevented(run: Runner) -> Figure:
    with_policy = preset("foodvalley-pleegzorg-crisis")
    without = with_policy.model_copy(
        update={"policies": [p for p in with_policy.policies if not p.escalation_factor]}
    )
    prevented = per_replication(run(without), "escalations", 2021, "foster") - per_replication(
        run(with_policy), "escalations", 2021, "foster"
    )
    return spread(prevented)


def _from_foster(run: Runner) -> Figure:
    """Youths in residential care who came there from foster care, by Little's law per
    replication: breakdowns a year x the mean residential stay (months / 12)."""
    results = run(preset("foodvalley-pleegzorg-crisis"))
    stay_years = results.scenario.care_types["residential"].stay_months / 12
    return spread(per_replication(results, "escalations", 2020, "foster") * stay_years)


def _scaled(figure: Figure, factor: float) -> Figure:
    return figure[0] * factor, figure[1] * factor, figure[2] * factor


def _places_in(scenario: Scenario, care_type: str, year: int) -> int:
    """The places a care type's capacity schedule gives from a year on."""
    capacity = scenario.care_types[care_type].capacity
    if not isinstance(capacity, dict):
        raise ValueError(f"{care_type} has no capacity schedule")
    return capacity[year]


def _gooi_figure(run: Runner, year: int, measure: str) -> Figure:
    return _count_figure(_gooi(run, year, measure))


def _national_month(run: Runner, month: str) -> Figure:
    return spread(monthly(_nl(run), 0, month, "jzplus"))


def _gooi(run: Runner, year: int, measure: str) -> tuple[int, int, list[str]]:
    """(categories within the margin, categories, the ones outside) of Gooi en Vechtstreek:
    clients within 3 sqrt(N) (``calibrate.backtest``); costs within 3/sqrt(N) of the actual
    cost (the same Poisson margin on the volume behind it)."""
    results = run(preset("gooi-en-vechtstreek"))
    actual = cal.gooi_actuals()
    part = actual[actual["year"] == year].merge(
        results.yearly[results.yearly["year"] == year], on=["year", "care_type"]
    )
    if measure == "clients":
        ok = (part["clients_mean"] - part["clients"]).abs() <= 3 * np.sqrt(part["clients"])
    else:
        ok = (part["cost_mean"] / part["cost"] - 1).abs() <= 3 / np.sqrt(part["clients"])
    labels = [results.scenario.label(t) for t in part.loc[~ok, "care_type"]]
    return int(ok.sum()), len(part), labels


def _count_figure(found: tuple[int, int, list[str]]) -> Figure:
    within, total, _ = found
    return float(within), float(within), float(total)


def _nl(run: Runner, stem: str = "nederland-trend", constant: bool = False) -> Results:
    return run(cal.nederland_trend(constant=True) if constant else preset(stem))


# The source documents behind the claims, by file name in ../shared/seeds/ (and the national figures).
ZW_SRC = "003_57c2bcb7dae6ac69.txt"
IJ_SRC = "000_b592895632c64cfd.txt"
FV_SRC = "002_d56350ae87b71be5.txt"
FL_SRC = "004_16d9a62ebc3cabc9.txt"
GV_SRC = "001_77f0532d579ce188.txt"
REF = "reference-figures.md"


def claims() -> list[Claim]:
    """Every claim of the validation table, preset by preset."""
    zw, ij, fv, fl, gv, nl, nl30, fv12, jzv = cal.PRESETS
    nji = (1.15, 1.24)
    out = [
        # ---- Zuid-West
        Claim(
            zw,
            "beds_2022",
            "calibrated",
            ZW_SRC,
            ("43 plaatsen nodig in 2022", "43 places needed in 2022"),
            ("bedden nodig 2022 binnen 43 ± 1", "beds needed 2022 within 43 ± 1"),
            lambda run: _beds(run(preset(zw)), 2022, "jzplus"),
            between(42, 44),
        ),
        Claim(
            zw,
            "occupancy_rate",
            "held_out",
            REF,
            (
                "landelijk 83% bezet (503 van 609, 1 januari 2023)",
                "83% occupied nationally (503 of 609, 1 January 2023)",
            ),
            (
                "83% binnen P10-P90 van de bezettingsgraad 2022",
                "83% within P10-P90 of the 2022 occupancy rate",
            ),
            lambda run: spread(per_replication(run(preset(zw)), "occupancy_rate", 2022, "jzplus")),
            within_band(503 / 609),
            decimals=3,
        ),
        Claim(
            zw,
            "placements",
            "held_out",
            REF,
            (
                "43 bedden bij ~83% bezetting en 5 maanden: ~86 plaatsingen per jaar (afgeleid)",
                "43 beds at ~83% occupancy and 5 months: ~86 placements a year (derived)",
            ),
            ("86 binnen P10-P90 van de plaatsingen 2022", "86 within P10-P90 of the 2022 placements"),
            lambda run: spread(per_replication(run(preset(zw)), "admissions", 2022, "jzplus")),
            within_band(86),
        ),
        Claim(
            zw,
            "repeats",
            "held_out",
            REF,
            (
                "1,15-1,24 plaatsingen per unieke jongere per jaar (landelijk, NJi 2019-2023)",
                "1.15-1.24 placements per unique youth a year (national, NJi 2019-2023)",
            ),
            ("gemiddelde 2022 tussen 1,15 en 1,24", "2022 mean between 1.15 and 1.24"),
            lambda run: _ratio(run(preset(zw)), 2022),
            between(*nji),
            decimals=3,
            expected="miss",
            reason=(
                "Zuid-West heeft geen aparte terugkeerroute: na JeugdzorgPlus gaan jongeren naar de gewone "
                "residentiële jeugdhulp, waarvan de kans op JeugdzorgPlus het regionale gemiddelde is.",
                "Zuid-West has no return route of its own: after JeugdzorgPlus youths join regional residential "
                "care, whose escalation to JeugdzorgPlus is the regional average.",
            ),
        ),
        # ---- IJsselland
        Claim(
            ij,
            "entries",
            "calibrated",
            IJ_SRC,
            ("ongeveer 30 instromers per jaar (2018-2020)", "about 30 entries a year (2018-2020)"),
            ("30 binnen P10-P90 van de plaatsingen 2021", "30 within P10-P90 of the 2021 placements"),
            lambda run: spread(per_replication(run(preset(ij)), "admissions", 2021, "jzplus")),
            within_band(30),
        ),
        Claim(
            ij,
            "entries_jan_sep_2021",
            "held_out",
            IJ_SRC,
            ("25 instromers januari-september 2021", "25 entries January-September 2021"),
            ("25 binnen P10-P90 van januari-september 2021", "25 within P10-P90 of January-September 2021"),
            lambda run: spread(months_total(run(preset(ij)), 0, "2021-01", "2021-09", "jzplus")),
            within_band(25),
        ),
        Claim(
            ij,
            "repeats",
            "calibrated",
            REF,
            (
                "1,15-1,24 plaatsingen per unieke jongere per jaar (landelijk, NJi 2019-2023)",
                "1.15-1.24 placements per unique youth a year (national, NJi 2019-2023)",
            ),
            (
                "gemiddelde 2021 tussen 1,15 en 1,24 (terugkeer gepast op het landelijke gemiddelde, met de "
                "verblijfsduur van IJsselland)",
                "2021 mean between 1.15 and 1.24 (returns fitted to the national mean, "
                "with IJsselland's stay)",
            ),
            lambda run: _ratio(run(preset(ij)), 2021),
            between(*nji),
            decimals=3,
        ),
        Claim(
            ij,
            "from_regional_provider",
            "held_out",
            IJ_SRC,
            (
                "84% komt van een regionale aanbieder, alle hernieuwde plaatsingen",
                "84% come from a regional provider, all renewed placements",
            ),
            (
                "terugkeer als deel van de plaatsingen 2021 hooguit 84%",
                "returns as a share of the 2021 placements at most 84%",
            ),
            lambda run: _returns_share(run(preset(ij))),
            lambda f: f[0] <= 0.84,
            decimals=3,
            display="value",
        ),
        # ---- Foodvalley
        Claim(
            fv,
            "residential",
            "calibrated",
            FV_SRC,
            (
                "200-250 kinderen per maand in residentiële hulp",
                "200-250 children a month in residential care",
            ),
            ("bezetting 2020 tussen 200 en 250", "2020 occupancy between 200 and 250"),
            lambda run: spread(per_replication(run(preset(fv)), "occupancy", 2020, "residential")),
            between(200, 250),
        ),
        Claim(
            fv,
            "breakdowns_prevented",
            "calibrated",
            FV_SRC,
            ("15 breakdowns voorkomen", "15 breakdowns prevented"),
            (
                "15 binnen P10-P90 van de voorkomen breakdowns in 2021 (gepaard: met en zonder het beleid)",
                "15 within P10-P90 of the breakdowns prevented in 2021 (paired: with and without the policy)",
            ),
            _paired_prevented,
            within_band(15),
            decimals=1,
        ),
        Claim(
            fv,
            "escalations_per_month",
            "held_out",
            FV_SRC,
            (
                "iedere maand enkele jeugdigen opgeschaald uit pleegzorg",
                "a few youths a month escalate from foster care",
            ),
            ("2 tot 5 per maand in 2020", "2 to 5 a month in 2020"),
            lambda run: _scaled(
                spread(per_replication(run(preset(fv)), "escalations", 2020, "foster")), 1 / 12
            ),
            between(2, 5),
            decimals=1,
        ),
        Claim(
            fv,
            "had_foster_first",
            "held_out",
            FV_SRC,
            (
                "79 jeugdigen in residentieel kregen eerst pleegzorg",
                "79 youths in residential care had foster care first",
            ),
            (
                "79 binnen P10-P90 van wie direct uit pleegzorg kwam (2020)",
                "79 within P10-P90 of those who came directly from foster care (2020)",
            ),
            _from_foster,
            within_band(79),
            expected="miss",
            reason=(
                "Het model telt alleen wie direct vanuit pleegzorg kwam (breakdowns × verblijfsduur); de bron telt "
                "waarschijnlijk iedereen die ooit pleegzorg had, ook via thuis en een crisis. Pleegzorg is bovendien "
                "geschaald met de landelijke verhouding, niet geteld.",
                "The model counts only youths who came straight from foster care (breakdowns × stay); the source "
                "probably counts everyone who ever had foster care, also via home and a crisis. Foster care is "
                "also scaled by the national ratio, not counted.",
            ),
        ),
        # ---- Flevoland
        Claim(
            fl,
            "demand_stays",
            "held_out",
            FL_SRC,
            (
                "de hulpvraag halveert niet (capaciteit -50% eind 2021)",
                "demand does not halve (capacity -50% by end 2021)",
            ),
            ("bedden nodig 2022 boven de capaciteit van 2022", "beds needed 2022 above the 2022 capacity"),
            lambda run: _beds(run(preset(fl)), 2022, "residential"),
            lambda f: f[0] > _places_in(cal.PRESETS[fl](), "residential", 2022),
        ),
    ]
    for year, role in ((2020, "calibrated"), (2021, "calibrated"), (2022, "calibrated"), (2023, "held_out")):
        miss = year == 2023
        out.append(
            Claim(
                gv,
                f"clients_{year}",
                role,
                GV_SRC,
                (f"cliënten per categorie {year}", f"clients per category {year}"),
                ("alle 6 categorieën binnen 3√N", "all 6 categories within 3√N"),
                partial(_gooi_figure, year=year, measure="clients"),
                lambda f: f[0] == f[2],
                display="count",
                expected="miss" if miss else "pass",
                reason=(
                    "GGZ-verblijf daalde in 2023 van 49 naar 34 cliënten, tegen de trend van 2020-2022 in; "
                    "2023 is voorlopig en zonder Weesp.",
                    "GGZ stays fell from 49 to 34 clients in 2023, "
                    "against the 2020-2022 trend; 2023 is provisional and without Weesp.",
                )
                if miss
                else ("", ""),
            )
        )
    cost_reasons = {
        2020: (
            "GGZ-verblijf en driemilieu kostten per cliënt in 2020 veel minder dan in 2022 (driemilieu € 49.892 tegen "
            "€ 108.716); het model rekent met het tarief van 2022.",
            "GGZ stays and driemilieu cost far less per client in 2020 than in 2022 (driemilieu € 49,892 against "
            "€ 108,716); the model uses the 2022 tariff.",
        ),
        2023: (
            "Het aantal cliënten GGZ-verblijf mist (zie cliënten 2023); de kosten volgen.",
            "The number of GGZ clients misses (see clients 2023); the cost follows.",
        ),
    }
    for year, role in ((2020, "held_out"), (2021, "held_out"), (2022, "calibrated"), (2023, "held_out")):
        reason = cost_reasons.get(year, ("", ""))
        out.append(
            Claim(
                gv,
                f"cost_{year}",
                role,
                GV_SRC,
                (f"kosten per categorie {year}", f"cost per category {year}"),
                (
                    "alle 6 categorieën binnen 3/√N van de werkelijke kosten",
                    "all 6 categories within 3/√N of the actual cost",
                ),
                partial(_gooi_figure, year=year, measure="cost"),
                lambda f: f[0] == f[2],
                display="count",
                expected="miss" if reason[0] else "pass",
                reason=reason,
            )
        )
    out += [
        # ---- Nederland
        Claim(
            nl,
            "placements_2023",
            "calibrated",
            REF,
            ("891 plaatsingen in 2023 (NJi)", "891 placements in 2023 (NJi)"),
            ("891 binnen P10-P90 van de plaatsingen 2023", "891 within P10-P90 of the 2023 placements"),
            lambda run: spread(per_replication(_nl(run), "admissions", 2023, "jzplus")),
            within_band(891),
        ),
        Claim(
            nl,
            "repeats",
            "calibrated",
            REF,
            (
                "1,15-1,24 plaatsingen per unieke jongere per jaar (NJi 2019-2023)",
                "1.15-1.24 placements per unique youth a year (NJi 2019-2023)",
            ),
            ("gemiddelde 2023 tussen 1,15 en 1,24", "2023 mean between 1.15 and 1.24"),
            lambda run: _ratio(_nl(run), 2023),
            between(*nji),
            decimals=3,
        ),
    ]
    for month, when, observed in (
        ("2023-12", ("eind 2023", "end 2023"), 495),
        ("2024-07", ("medio 2024", "mid 2024"), 462),
        ("2025-07", ("medio 2025", "mid 2025"), 421),
    ):
        out.append(
            Claim(
                nl,
                f"occupancy_{month}",
                "held_out",
                REF,
                (
                    f"{observed} bezet {when[0]} (Jeugdautoriteit)",
                    f"{observed} occupied {when[1]} (Jeugdautoriteit)",
                ),
                (
                    f"{observed} binnen P10-P90 van de bezetting in {month}",
                    f"{observed} within P10-P90 of the occupancy in {month}",
                ),
                partial(_national_month, month=month),
                within_band(observed),
            )
        )
    out += [
        Claim(
            nl,
            "placements_h1_2024",
            "held_out",
            REF,
            ("355 plaatsingen januari-juni 2024 (ANP)", "355 placements January-June 2024 (ANP)"),
            ("355 binnen P10-P90 van januari-juni 2024", "355 within P10-P90 of January-June 2024"),
            lambda run: spread(months_total(_nl(run), 0, "2024-01", "2024-06", "jzplus")),
            within_band(355),
            expected="miss",
            reason=(
                "Het eerste halfjaar had in 2021-2023 43-48% van de plaatsingen van het jaar; het model kent "
                "geen seizoen. En de plaatsingen daalden in 2024 sneller dan de afvlakkende trend, terwijl de "
                "bezetting dat niet deed: dat wijst op langere verblijven in 2024.",
                "The first half-year held 43-48% of the year's placements in 2021-2023; the model has no "
                "seasons. And placements fell faster in 2024 than the levelling trend while occupancy did not: "
                "a sign of longer stays in 2024.",
            ),
        ),
        Claim(
            nl,
            "constant_trend_2025",
            "held_out",
            REF,
            (
                "alternatief: een vaste daling van 15% per jaar (gepast op 2019-2023); 421 bezet medio 2025",
                "alternative: a constant fall of 15% a year (fitted on 2019-2023); 421 occupied mid 2025",
            ),
            (
                "421 binnen P10-P90 van de bezetting in 2025-07",
                "421 within P10-P90 of the occupancy in 2025-07",
            ),
            lambda run: spread(monthly(_nl(run, constant=True), 0, "2025-07", "jzplus")),
            within_band(421),
            expected="miss",
            reason=(
                "Een vaste daling laat de bezetting te snel zakken; daarom gebruikt het preset de afvlakkende "
                "trend. Let op: die keuze is dus mede op deze toetsen gebaseerd.",
                "A constant fall lets occupancy drop too fast; that is why the preset uses the levelling trend. "
                "Note: so that choice also rests on these checks.",
            ),
        ),
        Claim(
            nl30,
            "no_placements_2030",
            "calibrated",
            REF,
            (
                "geen gesloten plaatsingen in 2030 (Kamerstuk 31839-924)",
                "no closed placements by 2030 (Kamerstuk 31839-924)",
            ),
            ("0 plaatsingen in 2030", "0 placements in 2030"),
            lambda run: spread(per_replication(run(preset(nl30)), "admissions", 2030, "jzplus")),
            lambda f: f[2] == 0,
        ),
        # ---- Foodvalley, under 12 (age)
        Claim(
            fv12,
            "under_12_2019",
            "calibrated",
            FV_SRC,
            ("ongeveer 40 van hen zijn jonger dan 12", "about 40 of them are younger than 12"),
            (
                "onder 12 in 2019 (voor het beleid) binnen P10-P90",
                "under 12 in 2019 (before the policy) within P10-P90",
            ),
            lambda run: _in_band(run(preset(fv12)), 2019, "residential", "0-12"),
            within_band(40),
            decimals=1,
        ),
        Claim(
            fv12,
            "goal_under_12",
            "calibrated",
            FV_SRC,
            (
                "doel: 5 kinderen (onder 12) minder in residentiële zorg dan in 2019",
                "goal: 5 children (under 12) fewer in residential care than in 2019",
            ),
            (
                "onder 12 in 2022 (na doorwerking) gemiddeld 35 ± 1,5",
                "under 12 in 2022 (once it has worked through) 35 ± 1.5 on average",
            ),
            lambda run: _in_band(run(preset(fv12)), 2022, "residential", "0-12"),
            lambda f: abs(f[0] - 35) <= 1.5,
            decimals=1,
        ),
        # ---- JeugdzorgPlus with extended care (age)
        Claim(
            jzv,
            "beds_2022",
            "calibrated",
            ZW_SRC,
            ("43 plaatsen nodig in 2022", "43 places needed in 2022"),
            ("bedden nodig 2022 binnen 43 ± 1", "beds needed 2022 within 43 ± 1"),
            lambda run: _beds(run(preset(jzv)), 2022, "jzplus"),
            between(42, 44),
        ),
    ]
    return out


def _in_band(results: Results, year: int, care_type: str, band: str) -> Figure:
    """Youths in care in an age band in a year: mean, P10, P90 (by_age.csv)."""
    table = results.by_age
    assert table is not None, "the preset has no age"
    row = table[
        (table["year"] == year) & (table["care_type"] == care_type) & (table["age_band"] == band)
    ].iloc[0]
    return float(row["in_care_mean"]), float(row["in_care_p10"]), float(row["in_care_p90"])


def _beds(results: Results, year: int, care_type: str) -> Figure:
    row = yearly_row(results, year, care_type)
    return float(row["beds_needed"]), float(row["beds_needed_p10"]), float(row["beds_needed_p90"])


def _returns_share(results: Results) -> Figure:
    """Share of placements that are returns, from the flows (returns: from the regional provider)."""
    flows = results.flows
    into = flows[flows["to"] == "jzplus"]
    total = float(into["per_year_mean"].sum())
    returns = float(into.loc[into["from"] == "residential", "per_year_mean"].sum())
    share = returns / total if total else math.nan
    return share, share, share


def validation_table(run: Runner | None = None) -> pd.DataFrame:
    """A row per claim (``COLUMNS``): the model's figure with P10-P90, pass or miss
    (``run`` None: each scenario run once)."""
    run = run or cached_runner()
    rows = []
    for claim in claims():
        value, p10, p90 = claim.measure(run)
        status = "pass" if claim.passes((value, p10, p90)) else "miss"
        rows.append(
            {
                "preset": claim.preset,
                "claim": claim.claim,
                "role": claim.role,
                "source": claim.source,
                "text_nl": claim.text[0],
                "text_en": claim.text[1],
                "target_nl": claim.target[0],
                "target_en": claim.target[1],
                "value": round(value, 4),
                "p10": round(p10, 4),
                "p90": round(p90, 4),
                "decimals": claim.decimals,
                "display": claim.display,
                "status": status,
                "reason_nl": claim.reason[0],
                "reason_en": claim.reason[1],
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def model_text(row: pd.Series, lang: str = "nl") -> str:
    """The model's figure of a table row as shown: '43 (38-49)', '5 van 6', '0,52'."""
    from simulator.i18n import number

    decimals = int(row["decimals"])
    if row["display"] == "count":
        return f"{number(row['value'], lang)} {'van' if lang == 'nl' else 'of'} {number(row['p90'], lang)}"
    if row["display"] == "value":
        return number(row["value"], lang, decimals)
    return f"{number(row['value'], lang, decimals)} ({number(row['p10'], lang, decimals)}–{number(row['p90'], lang, decimals)})"


def markdown_table(table: pd.DataFrame, lang: str = "en") -> str:
    """The table for the README: one line per claim."""
    names = {stem: cal.PRESETS[stem]().name for stem in dict.fromkeys(table["preset"])}
    role = (
        {"calibrated": "calibrated", "held_out": "**held out**"}
        if lang == "en"
        else {"calibrated": "gekalibreerd", "held_out": "**achtergehouden**"}
    )
    lines = [
        "| preset | source says | check | role | source | model (P10–P90) | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        status = "pass" if row["status"] == "pass" else f"**miss**: {row['reason_' + lang]}"
        lines.append(
            f"| {names[row['preset']]} | {row['text_' + lang]} | {row['target_' + lang]} | {role[row['role']]} "
            f"| `{row['source']}` | {model_text(row, lang)} | {status} |"
        )
    return "\n".join(lines)


ASSUMPTION_NAMES = {
    "residential_stay_months": "residential stay (months)",
    "jz_reading": 'reading of "43 needed"',
    "region_share_factor": "regional share (factor)",
    "return_ratio": "JZ+ placements per unique youth",
    "jz_older_share": "share of JZ+ entries aged 16-18",
    "extended_share": "share continuing in extended care at 18",
}


def assumptions_markdown(table: pd.DataFrame) -> str:
    """The table of named assumptions for the README: value → beds needed · cost."""
    names = {stem: cal.PRESETS[stem]().name for stem in dict.fromkeys(table["preset"])}

    def cell(value: float, beds: int, cost: float) -> str:
        return f"{value}: {beds} · € {cost / 1e6:.1f} mln"

    lines = [
        "| preset (decision year, care type) | assumption | low | base | high |",
        "|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {names[r.preset]} ({r.year}, {r.care_type}) | {ASSUMPTION_NAMES[r.assumption]} "
            f"| {cell(r.low_value, r.low_beds, r.low_cost)} | {cell(r.base_value, r.base_beds, r.base_cost)} "
            f"| {cell(r.high_value, r.high_beds, r.high_cost)} |"
        )
    return "\n".join(lines)


README = ROOT / "README.md"
MARKERS = {
    "validation": (
        "<!-- validation table: generated by python -m simulator.validation -->",
        "<!-- end validation table -->",
    ),
    "assumptions": (
        "<!-- assumptions table: generated by python -m simulator.validation -->",
        "<!-- end assumptions table -->",
    ),
}


def readme_blocks() -> dict[str, str]:
    """The README's generated tables, from the stored CSV files."""
    return {
        "validation": markdown_table(pd.read_csv(VALIDATION_FILE, keep_default_na=False)),
        "assumptions": assumptions_markdown(pd.read_csv(ASSUMPTIONS_FILE)),
    }


def update_readme(path: Path = README) -> None:
    """Replace the generated tables between their markers in the README with ``readme_blocks``."""
    text = path.read_text(encoding="utf-8")
    for key, block in readme_blocks().items():
        start, end = MARKERS[key]
        if start in text and end in text:
            before, rest = text.split(start, 1)
            _, after = rest.split(end, 1)
            text = f"{before}{start}\n{block}\n{end}{after}"
    write_file(path, text)


def expected_statuses() -> dict[tuple[str, str], str]:
    """The expected status, 'pass' or 'miss', per (preset, claim id)."""
    return {(c.preset, c.claim): c.expected for c in claims()}


# ---------------------------------------------------------------- the national back-test


def national_observations() -> list[tuple[str, float, str]]:
    """(month, youths in JeugdzorgPlus, sample) as the Jeugdautoriteit published them: the
    start of the preset, then end 2023 (December), mid 2024 and mid 2025 (July)."""
    from simulator.data import load_table

    ref = load_table("national_reference")
    months = {
        ("occupied", "1 January"): (0, 1),
        ("occupied_end", "end of year"): (0, 12),
        ("occupied", "mid-year"): (0, 7),
    }
    out = []
    for r in ref[
        ref["measure"].isin(("occupied", "occupied_end")) & (ref["care_type"] == "jzplus")
    ].itertuples():
        years_on, month = months[(r.measure, r.detail)]
        label = f"{int(r.year) + years_on:04d}-{month:02d}"
        out.append((label, float(r.value), "start" if label == "2023-01" else "test"))
    return sorted(out)


def national_backtest(monthly_summary: pd.DataFrame) -> pd.DataFrame:
    """Model against the published national JeugdzorgPlus occupancy: per date the observed
    number, the model's monthly mean with P10-P90, and whether it lies in that band. The
    first is the start of the preset (set from it); the others were not used to fit."""
    part = monthly_summary[monthly_summary["care_type"] == "jzplus"].copy()
    part["label"] = pd.to_datetime(part["month"]).dt.strftime("%Y-%m")
    rows = []
    for month, observed, sample in national_observations():
        found = part[part["label"] == month]
        if found.empty:
            continue
        row = found.iloc[0]
        rows.append(
            {
                "month": month,
                "observed": observed,
                "model": float(row["occupancy_mean"]),
                "p10": float(row["occupancy_p10"]),
                "p90": float(row["occupancy_p90"]),
                "within": bool(row["occupancy_p10"] <= observed <= row["occupancy_p90"]),
                "sample": sample,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- named assumptions


ASSUMPTION_REPLICATIONS = None  # per variant: the preset's own (30), so the base row equals the preset


class Headline(TypedDict):
    """A preset's headline: beds needed (P10, P90) of its key care type in the decision year,
    and the cost of that year (euro, all care types)."""

    year: int
    care_type: str
    beds_needed: int
    beds_needed_p10: int
    beds_needed_p90: int
    cost: float


def headline(results: Results, stem: str) -> Headline:
    """The headline of a run of preset ``stem`` (year and care type from ``calibrate.DECISIONS``)."""
    year, care_type = cal.DECISIONS[stem]
    row = yearly_row(results, year, care_type)
    cost = float(results.yearly.loc[results.yearly["year"] == year, "cost_mean"].sum())
    return {
        "year": year,
        "care_type": care_type,
        "beds_needed": int(row["beds_needed"]),
        "beds_needed_p10": int(row["beds_needed_p10"]),
        "beds_needed_p90": int(row["beds_needed_p90"]),
        "cost": cost,
    }


def assumptions_table(stems: list[str] | None = None) -> pd.DataFrame:
    """Per preset and named assumption: the headline at the base value and at the low and
    high values (each variant re-calibrated from data/, ``ASSUMPTION_REPLICATIONS`` each)."""
    rows = []
    for stem in stems or list(cal.PRESETS):

        def headline_of(scenario: Scenario, stem: str = stem) -> Headline:
            return headline(run_experiment(scenario, replications=ASSUMPTION_REPLICATIONS), stem)

        base = headline_of(cal.PRESETS[stem]())
        for assumption in cal.PRESET_ASSUMPTIONS[stem]:
            base_value = getattr(cal.BASE, assumption)
            if base_value is None:  # the NJi mean
                base_value = cal.national()["return_ratio"]
            row = {
                "preset": stem,
                "year": base["year"],
                "care_type": base["care_type"],
                "assumption": assumption,
                "base_value": base_value,
                "base_beds": base["beds_needed"],
                "base_cost": base["cost"],
            }
            for side, value in zip(("low", "high"), cal.ASSUMPTION_RANGES[assumption], strict=True):
                found = headline_of(cal.variant(stem, assumption, value))
                row.update(
                    {
                        f"{side}_value": value,
                        f"{side}_beds": found["beds_needed"],
                        f"{side}_cost": found["cost"],
                    }
                )
            rows.append(row)
    return pd.DataFrame(rows)


def write(validation: bool = True, assumptions: bool = True) -> list[Path]:
    """Write docs/validation.csv and/or docs/assumptions.csv; returns the paths written."""
    DOCS.mkdir(exist_ok=True)
    written = []
    if validation:
        write_file(VALIDATION_FILE, validation_table().to_csv(index=False))
        written.append(VALIDATION_FILE)
    if assumptions:
        write_file(ASSUMPTIONS_FILE, assumptions_table().to_csv(index=False))
        written.append(ASSUMPTIONS_FILE)
    return written


def main() -> None:
    """``python -m simulator.validation``: write the CSV files (``--only`` one) and update the
    README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("validation", "assumptions"))
    args = parser.parse_args()
    for path in write(args.only in (None, "validation"), args.only in (None, "assumptions")):
        print(f"wrote {path}")
    update_readme()
    print(f"updated the tables in {README}")


if __name__ == "__main__":
    main()
