"""data/ tables, the calibration formulas, and every preset: re-derived and holding its claims."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from simulator import analytic, capacity
from simulator import calibrate as cal
from simulator import data as d
from simulator import validation as v
from simulator.analytic import sojourn, steady_state
from simulator.scenario import load_scenario
from simulator.settings import PRESETS_DIR
from tests.conftest import ROOT, mean_and_se, within

SHARED = ROOT.parent / "shared"
SCENARIOS = PRESETS_DIR


# ---------------------------------------------------------------- data tables


@pytest.mark.parametrize("name", d.table_names())
def test_every_table_follows_the_schema(name):
    table = d.load_table(name)
    assert list(table.columns) == d.COLUMNS and len(table) > 0
    assert table["unit"].isin(d.UNITS).all()


def test_every_table_names_its_source_once_and_the_source_exists():
    sources = d.load_sources()
    assert sorted(sources["table"]) == d.table_names()
    for column in ("what_was_read", "what_was_read_nl", "document"):
        assert sources[column].str.len().min() > 20, column
    assert sources["section"].str.len().min() > 3
    if SHARED.exists():  # CI and developers have shared/ beside the project
        for source in sources["source"]:
            assert (SHARED / "seeds" / source).exists() or (SHARED / source).exists(), source


@pytest.mark.parametrize(
    "line, message",
    [
        ("20x1,R,jzplus,entries,,3,youths", "is not a year"),
        ("2021,R,jzplus,entries,,3,beds", "unit 'beds'"),
        ("2021,R,jzplus,entries,,drie,youths", "is not a number"),
        ("2021,R,jzplus,share,,1.5,share", "between -1 and 1"),
        ("2021,,jzplus,entries,,3,youths", "region and measure are required"),
    ],
)
def test_a_broken_table_is_refused_naming_file_and_line(tmp_path, line, message):
    (tmp_path / "broken.csv").write_text(
        ",".join(d.COLUMNS) + "\n2020,R,jzplus,entries,,3,youths\n" + line + "\n"
    )
    with pytest.raises(d.DataError, match=rf"broken.csv, line 3: .*{re.escape(message)}"):
        d.load_table("broken", tmp_path)


def test_a_table_with_other_columns_is_refused(tmp_path):
    (tmp_path / "wide.csv").write_text("year,region,value\n2020,R,3\n")
    with pytest.raises(d.DataError, match="columns"):
        d.load_table("wide", tmp_path)


def test_a_lookup_must_match_exactly_one_row():
    table = d.load_table("zuid_west_jzplus")
    assert d.value(table, "capacity", 2021, "jzplus") == 57
    assert d.value(table, "places_needed", 2022, "jzplus") == 43
    with pytest.raises(d.DataError, match="0 rows"):
        d.value(table, "capacity", 1999)


def test_figures_read_from_the_sources():
    """A few figures checked against the documents by hand."""
    gooi = d.load_table("gooi_clients_costs")
    assert d.value(gooi, "clients", 2022, "foster") == 184
    assert d.value(gooi, "cost", 2020, "residential") == pytest.approx(6_220_440.11)
    ijssel = d.load_table("ijsselland_jzplus_entries")
    assert ijssel[ijssel["measure"] == "entries"].groupby("year")["value"].sum().to_dict() == {
        2018: 32,
        2019: 29,
        2020: 30,
    }
    routes = d.load_table("jzplus_routes")
    assert d.value(routes, "share_after", detail="regional provider") == 0.80


# ---------------------------------------------------------------- formulas


def test_littles_law_round_trips():
    assert cal.inflow_from_occupancy(43, 5) == pytest.approx(43 * 12 / 5)
    # Clients in a year = occupancy on 1 January + entries during it.
    occupancy = cal.occupancy_from_clients(120, 6)
    assert occupancy + cal.inflow_from_occupancy(occupancy, 6) == pytest.approx(120)


def test_cost_per_day_gives_back_the_cost_of_the_year():
    per_day = cal.cost_per_day(47_960, 12)
    clients = 90
    occupancy = cal.occupancy_from_clients(clients, 12)
    assert occupancy * 365.25 * per_day == pytest.approx(clients * 47_960)


@pytest.mark.parametrize("p, months, cv", [(0.275, 52.8, 1.0), (0.25, 12, 1.0), (0.1, 5, 0.6)])
def test_escalation_hazard_gives_the_escalation_probability(p, months, cv):
    hazard = cal.escalation_hazard(p, months, cv)
    _, probability = sojourn(months * 30.4375, cv, hazard / 365.25)
    assert probability == pytest.approx(p, rel=1e-9)


def test_gamma_cdf_is_exact_for_exponential_stays_and_fits_the_nji_tails():
    for x in (0.5, 3.0, 20.0):
        assert cal.gamma_cdf(x, 6.5, 1.0) == pytest.approx(1 - math.exp(-x / 6.5), rel=1e-9)
    rng = np.random.default_rng(1)
    draws = rng.gamma(1 / 0.6**2, 5 * 0.6**2, 200_000)
    assert cal.gamma_cdf(2.0, 5, 0.6) == pytest.approx((draws <= 2.0).mean(), abs=0.005)
    cv = cal.stay_cv_from_tails(6.5, 1.0, 0.11, 12.0, 0.13)
    assert (
        abs(cal.gamma_cdf(1.0, 6.5, cv) - 0.11) < 0.03 and abs(1 - cal.gamma_cdf(12.0, 6.5, cv) - 0.13) < 0.03
    )


def test_occupancy_for_beds_inverts_the_poisson_quantile():
    mean = cal.occupancy_for_beds(43)
    assert cal.poisson_quantile(mean, 0.95) == 43
    assert cal.poisson_quantile(mean - 2, 0.95) < 43 < cal.poisson_quantile(mean + 2, 0.95)


def test_load_for_beds_inverts_beds_needed_for_youths():
    load = cal.load_for_beds(43)
    assert capacity.beds_needed(np.full((1, 12), load), np.ones((1, 12)), 0.95, wait=False)[0] == 43
    assert analytic.erlang_b(43, load) <= 0.05 < analytic.erlang_b(42, load)
    assert cal.occupancy_for_beds(43) < load  # counting youths needs fewer places than counting time


@pytest.mark.parametrize("cv", [1.0, 0.6])
def test_a_regular_stay_from_a_sojourn_that_includes_breakdowns(cv):
    """Foster care: 4.4 years on average, breakdowns included, 27.5% of them breakdowns."""
    stay, hazard = cal.regular_stay_for_sojourn(52.8, 0.275, cv)
    mean_days, probability = sojourn(stay * 30.4375, cv, hazard / 365.25)
    assert mean_days / 30.4375 == pytest.approx(52.8, rel=1e-9)
    assert probability == pytest.approx(0.275, rel=1e-9)
    assert stay > 52.8  # the regular stay is longer than the whole sojourn, which breakdowns cut short


def test_a_return_hazard_gives_its_placements_per_youth():
    hazard = cal.return_hazard(1.19, 6.5, 0.9, 12, 0.8, 0.8)
    ratio, share = analytic.placements_per_youth(6.5 * 30.4375, 0.9, 12 * 30.4375, 0.8, 0.8, hazard / 365.25)
    assert ratio == pytest.approx(1.19, abs=1e-4) and 0 < share < 0.8
    with pytest.raises(d.DataError, match="cannot be reached"):
        cal.return_hazard(3.0, 6.5, 0.9, 12, 0.8, 0.8)


def test_inflow_behind_steady_placements_is_the_steady_state():
    """Constant placements: the new inflow is placements x (1 - returns share), and the
    youths at the provider on 1 January are the steady state of the aftercare type."""
    hazard = 1.5
    behind = cal.inflow_behind_placements(
        dict.fromkeys(range(2019, 2025), 600.0), 2023, 6.5, 0.9, 12, 0.8, 0.8, hazard
    )
    _, share = analytic.placements_per_youth(6.5 * 30.4375, 0.9, 12 * 30.4375, 0.8, 0.8, hazard / 365.25)
    assert behind["new_inflow"][2023] == pytest.approx(600 * (1 - share), rel=2e-3)
    care = {
        "after": {
            "stay_months": 12,
            "stay_cv": 0.8,
            "escalation_per_year": {"jz": hazard},
            "outflow": {"exit": 1},
        },
        "jz": {
            "stay_months": 6.5,
            "stay_cv": 0.9,
            "inflow_per_year": 600 * (1 - share),
            "outflow": {"after": 0.8, "exit": 0.2},
        },
    }
    theory = steady_state(cal._chain("t", "2021-01", care))
    assert behind["aftercare_start"] == pytest.approx(theory.occupancy[0], rel=2e-3)
    assert behind["in_care_start"] == pytest.approx(theory.occupancy[1], rel=2e-3)
    assert theory.entries_per_year[1] == pytest.approx(600, rel=2e-3)


def test_fitted_trends_give_back_the_curves_they_were_made_from():
    years = list(range(2019, 2024))
    curve = [500 + 1000 * math.exp(-0.4 * k) for k in range(5)]
    floor, excess, rate = cal.fit_levelling_trend(years, curve)
    assert (floor, excess, rate) == pytest.approx((500, 1000, 0.4), rel=1e-4)
    assert cal.fit_constant_trend(years, [100 * 0.9**k for k in range(5)]) == pytest.approx(-0.1)


def test_solve_chain_reaches_its_target_occupancies():
    types = {
        "home": {"stay_months": 12, "escalation_per_year": {"residential": 0.3}},
        "residential": {
            "stay_months": 8,
            "escalation_per_year": {"jzplus": 0.2},
            "outflow": {"home": 0.5, "exit": 0.5},
        },
        "jzplus": {"stay_months": 5, "outflow": {"residential": 0.8, "exit": 0.2}},
    }
    solved = cal.solve_chain(
        "t",
        "2021-01",
        types,
        {"residential": 300, "jzplus": 30},
        {"residential": "residential", "jzplus": "jzplus"},
    )
    scenario = cal._scenario({"name": "t", "start": "2021-01"}, solved)
    occupancy = dict(zip(scenario.type_names, steady_state(scenario).occupancy, strict=True))
    assert occupancy["residential"] == pytest.approx(300, abs=0.5) and occupancy["jzplus"] == pytest.approx(
        30, abs=0.5
    )
    assert solved["home"]["initial"] == round(occupancy["home"]) and solved["home"]["inflow_per_year"] == 0


def test_solve_chain_refuses_targets_the_flows_already_exceed():
    types = {
        "residential": {"stay_months": 12, "escalation_per_year": {"jzplus": 2.0}},
        "jzplus": {"stay_months": 6},
    }
    with pytest.raises(d.DataError, match="jzplus would need a negative inflow"):
        cal.solve_chain(
            "t",
            "2021-01",
            types,
            {"residential": 300, "jzplus": 10},
            {"residential": "residential", "jzplus": "jzplus"},
        )


def test_expected_clients_and_the_fitted_trend():
    flat = cal.expected_clients(100, 12, 0.0, 4)
    assert flat == pytest.approx([100] * 4, rel=1e-3)  # settled at the start, so it stays there
    change = cal.fit_change([150, 140, 120], 12)
    assert cal.expected_clients(150, 12, change, 3)[-1] == pytest.approx(120, abs=0.01)


# ---------------------------------------------------------------- presets


@pytest.mark.parametrize("stem", list(cal.PRESETS))
def test_every_preset_is_derived_from_data_and_cites_existing_sources(stem):
    path = SCENARIOS / f"{stem}.yaml"
    rebuilt = cal.with_named_assumptions(stem, cal.PRESETS[stem]())[0]
    assert path.read_text(encoding="utf-8") == cal.preset_text(rebuilt), "run: python -m simulator.calibrate"
    assert load_scenario(path) == rebuilt
    cited = set(d.cited_sources(rebuilt.description))
    assert cited, "a preset must cite its sources"
    if SHARED.exists():
        for name in cited:
            assert (SHARED / "seeds" / name).exists() or (SHARED / name).exists(), name


@pytest.fixture(scope="module")
def runner():
    """One run per scenario content for the whole module (validation reads the same runs)."""
    return v.cached_runner()


@pytest.fixture(scope="module")
def runs(runner):
    return lambda stem: runner(load_scenario(SCENARIOS / f"{stem}.yaml"))


def per_year(results, care_type: str, column: str) -> dict[int, float]:
    part = results.yearly[results.yearly["care_type"] == care_type]
    return dict(zip(part["year"], part[column], strict=True))


def test_calibration_writes_all_presets_or_none(tmp_path, monkeypatch):
    def broken(a=cal.BASE):
        raise d.DataError("flevoland: the target occupancies cannot be reached")

    monkeypatch.setitem(cal.PRESETS, "flevoland-behandelgroepen", broken)
    with pytest.raises(d.DataError):
        cal.write_presets(tmp_path)
    assert list(tmp_path.iterdir()) == [], "a failed calibration writes no preset"


def test_zuid_west_has_57_then_43_places_and_needs_43_beds_in_2022(runs):
    results = runs("zuid-west-jeugdzorgplus")
    capacity_ = per_year(results, "jzplus", "capacity")
    assert capacity_[2021] == 57 and capacity_[2022] == 43
    assert 42 <= per_year(results, "jzplus", "beds_needed")[2022] <= 44
    assert (
        per_year(results, "jzplus", "beds_needed_p10")[2022]
        <= 43
        <= per_year(results, "jzplus", "beds_needed_p90")[2022]
    )
    assert list(results.plan.names) == [
        "home",
        "foster",
        "residential",
        "jzplus",
    ]  # the whole chain, light first


def test_ijsselland_new_inflow_falls_5_percent_a_year_from_2022(runs):
    plan = runs("ijsselland-jeugdzorgplus").plan
    j = plan.names.index("jzplus")
    rates = [
        plan.inflow_per_year_at(j, plan.calendar.day_of_year_start(y) + 100) for y in (2021, 2022, 2023, 2026)
    ]
    assert rates == pytest.approx([rates[0], rates[0] * 0.95, rates[0] * 0.95**2, rates[0] * 0.95**5])


def test_foodvalley_policy_prevents_about_15_breakdowns_a_year_at_once(runner):
    """Paired: the same replications with and without the policy. The policy reaches every
    foster youth from 2021, so its first year already shows the 15 (z-test, paired)."""
    with_policy = v.preset("foodvalley-pleegzorg-crisis")  # its named assumptions at their values
    without = with_policy.model_copy(update={"policies": with_policy.policies[:1]})
    prevented = v.per_replication(runner(without), "escalations", 2021, "foster") - v.per_replication(
        runner(with_policy), "escalations", 2021, "foster"
    )
    mean, se = mean_and_se(prevented)
    assert within(mean, 15, se), (mean, se)
    # Per youth-year in foster care, escalation falls by the policy's factor at once (2021).
    factor = with_policy.policies[1].escalation_factor["foster"]

    def per_youth(results, year):
        return v.per_replication(results, "escalations", year, "foster") / v.per_replication(
            results, "occupancy", year, "foster"
        )

    ratio = per_youth(runner(with_policy), 2021) / per_youth(runner(without), 2021)
    mean, se = mean_and_se(ratio)
    assert within(mean, factor, se), (mean, factor, se)


def test_flevoland_halves_treatment_capacity_by_the_end_of_2021(runs):
    results = runs("flevoland-behandelgroepen")
    capacity_ = per_year(results, "residential", "capacity")
    assert abs(capacity_[2022] - capacity_[2018] / 2) <= 1
    assert all(capacity_[y] >= capacity_[y + 1] for y in range(2018, 2022))
    # A cut evicts nobody: occupancy drains to the new capacity; once there it stays under it...
    occupancy = per_year(results, "residential", "occupancy_mean")
    assert all(occupancy[y] <= capacity_[y] + 1e-9 for y in range(2023, 2028))
    # ...the waiting list keeps growing while foster breakdowns stay, and the youths waiting
    # to move on hold their places.
    waiting = per_year(results, "residential", "waiting_mean")
    assert waiting[2027] > waiting[2024] > waiting[2021] > 0
    # Beds needed count what is offered, not the backlog: far below the time-based demand.
    beds, demand = (
        per_year(results, "residential", "beds_needed"),
        per_year(results, "residential", "demand_p90"),
    )
    assert beds[2027] < 0.8 * demand[2027]
    offered = per_year(results, "residential", "offered_load_mean")[2027]
    assert offered < beds[2027] < offered + 5 * math.sqrt(offered)


def test_gooi_back_test_within_the_stated_tolerance(runs):
    table = cal.backtest(runs("gooi-en-vechtstreek").yearly)
    assert len(table) == 6 * 4
    fitted, held_out = table[table["sample"] == "fit"], table[table["sample"] == "test"]
    assert fitted["within"].all(), fitted[~fitted["within"]]
    # 2023 was not used to fit: the README states 5 of 6 categories within 3 sqrt(N) (GGZ fell 49 -> 34).
    assert held_out["within"].sum() >= 5, held_out


def test_nederland_2030_leaves_no_closed_placement_in_2030(runs):
    results = runs("nederland-2030")
    admissions = per_year(results, "jzplus", "admissions_mean")
    assert admissions[2030] == 0 and admissions[2029] > 0
    trend_results = runs("nederland-trend")
    trend = per_year(trend_results, "jzplus", "admissions_mean")
    assert admissions[2025] == pytest.approx(
        trend[2025]
    )  # the same until the policy starts (common random numbers)
    # New inflow halves every year from 2026 (returns follow with a lag): a quarter in 2027.
    j = results.plan.names.index("jzplus")
    day = results.plan.calendar.day_of("2027-06")
    assert results.plan.inflow_per_year_at(j, day) == pytest.approx(
        0.25 * trend_results.plan.inflow_per_year_at(j, day)
    )
    assert admissions[2027] < trend[2027] and admissions[2029] < 0.5 * trend[2029]


# ---------------------------------------------------------------- validation


def test_every_claim_has_the_status_the_table_records(runner):
    table = v.validation_table(runner)
    expected = v.expected_statuses()
    for row in table.itertuples():
        assert row.status == expected[(row.preset, row.claim)], (
            row.preset,
            row.claim,
            row.value,
            row.p10,
            row.p90,
        )
        if row.status == "miss":
            assert len(row.reason_nl) > 20 and len(row.reason_en) > 20, "a miss says why"
    assert set(table["preset"]) == set(cal.PRESETS)
    assert (table["role"] == "held_out").sum() >= 10
    # Every held-out claim of a preset with data passes or has its reason; the stored table is this one.
    stored = pd.read_csv(v.VALIDATION_FILE, keep_default_na=False)
    pd.testing.assert_frame_equal(
        stored,
        table.astype(stored.dtypes.to_dict()),
        check_exact=False,
        rtol=1e-9,
        obj="docs/validation.csv (run: python -m simulator.validation)",
    )


def test_the_table_of_named_assumptions_is_up_to_date_and_goes_the_right_way(runner):
    stored = pd.read_csv(v.ASSUMPTIONS_FILE)
    stem = "flevoland-behandelgroepen"
    fresh = v.assumptions_table([stem])
    values = ["base_value", "low_value", "high_value"]  # a readings column makes them text in the file
    mine = stored[stored["preset"] == stem].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        mine.drop(columns=values),
        fresh.drop(columns=values),
        check_dtype=False,
        obj="docs/assumptions.csv (run: python -m simulator.validation)",
    )
    assert [[float(x) for x in row] for row in mine[values].to_numpy()] == fresh[values].astype(
        float
    ).values.tolist()
    assert set(stored["preset"]) == set(cal.PRESETS)
    # Longer stays in the treatment groups need more places; a larger region more.
    rows = fresh.set_index("assumption")
    assert (
        rows.loc["residential_stay_months", "low_beds"]
        < rows.loc["residential_stay_months", "base_beds"]
        < rows.loc["residential_stay_months", "high_beds"]
    )
    assert (
        rows.loc["region_share_factor", "low_cost"]
        < rows.loc["region_share_factor", "base_cost"]
        < rows.loc["region_share_factor", "high_cost"]
    )
    base = per_year(runner(load_scenario(SCENARIOS / f"{stem}.yaml")), "residential", "beds_needed")[2022]
    assert rows["base_beds"].iloc[0] == base  # the base row is the preset itself


def test_the_readme_shows_the_stored_validation_and_assumption_tables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key, block in v.readme_blocks().items():
        start, end = v.MARKERS[key]
        assert f"{start}\n{block}\n{end}" in readme, (
            f"README's {key} table is stale: run python -m simulator.validation"
        )


@pytest.mark.parametrize(
    "stem",
    [
        "zuid-west-jeugdzorgplus",
        "ijsselland-jeugdzorgplus",
        "flevoland-behandelgroepen",
        "gooi-en-vechtstreek",
        "nederland-trend",
    ],
)
def test_a_drawn_named_assumption_is_the_preset_re_calibrated_at_that_value(stem):
    """Between two calibrated values of a named assumption the inputs are interpolated. The
    worst case is an input inversely proportional to a stay (a tariff per day from a yearly
    cost per youth, an inflow behind an observed stock): c/s interpolated over [6, 9] months
    is off at the middle by (a + b)^2 / (4ab) - 1 = 4.2%. Whole numbers (youths at the
    start, tariffs in euro, places) may differ by one more for their rounding."""
    from simulator.calibrate import input_numbers
    from simulator.uncertainty import set_values

    scenario = load_scenario(SCENARIOS / f"{stem}.yaml")
    named = {key: spread for key, spread in scenario.uncertainty.items() if key.startswith("assumptions.")}
    assert named, "the preset draws its named assumptions"
    bound = (6 + 9) ** 2 / (4 * 6 * 9) - 1
    for key, spread in named.items():
        for a, b in zip(spread.at, spread.at[1:], strict=False):
            value = (a + b) / 2
            drawn = input_numbers(set_values(scenario, {key: value}))
            calibrated = input_numbers(cal.variant(stem, key.split(".", 1)[1], value).to_dict())
            for path in spread.sets:
                whole = path.endswith((".initial", ".cost_per_day")) or ".capacity" in path
                allowed = bound * abs(calibrated[path]) + (1.0 if whole else 1e-9)
                assert abs(drawn[path] - calibrated[path]) <= allowed, (
                    key,
                    value,
                    path,
                    drawn[path],
                    calibrated[path],
                )
    # At the calibrated values themselves it is exact.
    for key, spread in named.items():
        at_own = input_numbers(set_values(scenario, {key: spread.mode}))
        own = input_numbers(scenario.to_dict())
        assert all(at_own[path] == own[path] for path in spread.sets)


def test_the_reading_of_43_needed_is_drawn_between_the_loads_of_its_readings():
    """The reading of "43 needed" is drawn as the load behind it: at the ends of its range the
    preset's inputs are those of the preset calibrated with the low and high readings, and at
    its own value those of the base reading."""
    from simulator.calibrate import input_numbers
    from simulator.uncertainty import set_values

    scenario = load_scenario(SCENARIOS / "zuid-west-jeugdzorgplus.yaml")
    spread = scenario.uncertainty["assumptions.jz_load"]
    assert spread.sets, "the reading moves the inputs behind the load"
    readings = {spread.low: "poisson", spread.high: "norm_90", spread.mode: "erlang"}
    assert spread.low < spread.mode < spread.high
    for load, reading in readings.items():
        drawn = input_numbers(set_values(scenario, {"assumptions.jz_load": load}))
        calibrated = input_numbers(cal.variant("zuid-west-jeugdzorgplus", "jz_reading", reading).to_dict())
        assert {path: drawn[path] for path in spread.sets} == {path: calibrated[path] for path in spread.sets}
