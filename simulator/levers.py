"""Workshop levers: the slider values, their ranges, and how they change a scenario.

Levers act on top of the scenario as loaded, from 1 January of the policy year, recorded as
one extra policy ("Workshop"), so a saved scenario says exactly what was changed:
- inflow: an extra yearly change (compounding, like ``inflow_change_per_year``);
- stay: the average stay in months; the lever's default is the stay after the scenario's own
  policies, and a different value becomes a ``stay_factor``;
- escalation: a % change of all escalation hazards out of the care type;
- capacity (types with a limit): the places in the start year, and from the policy year on;
- with age: the share of youths who continue in care at a type's age limit (extended care,
  for the types whose limit leads to another type), and a % change of new youths in the
  youngest band a type admits (``inflow_factor_by_age``; for types that admit several bands).
Sliders map one to one onto these fields; the URL holds them (``to_params``/``from_params``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simulator.i18n import signed, t, trimmed
from simulator.scenario import Scenario, scenario_from_dict, year_month_tuple
from simulator.schema import EXIT

WORKSHOP_POLICY = "Workshop"


@dataclass
class Levers:
    """The workshop's slider values per care type name; each dict holds only the care types
    the lever applies to."""

    policy_year: int
    years: int
    inflow_change: dict[str, float] = field(default_factory=dict)  # fraction per year, -0.05
    stay_months: dict[str, float] = field(default_factory=dict)
    escalation_change: dict[str, float] = field(default_factory=dict)  # fraction, -0.3
    capacity_start: dict[str, int] = field(default_factory=dict)
    capacity_target: dict[str, int] = field(default_factory=dict)
    extended: dict[str, float] = field(default_factory=dict)  # share continuing at the age limit, 0.3
    young_change: dict[str, float] = field(default_factory=dict)  # fraction, -0.2: a fifth fewer


def age_route(scenario: Scenario, name: str) -> dict[str, float]:
    """Where youths go at care type ``name``'s age limit, after the scenario's own policies."""
    route = scenario.care_types[name].at_age_limit or {EXIT: 1.0}
    for policy in scenario.policies:
        route = policy.at_age_limit.get(name, route)
    return route


def youngest_band(scenario: Scenario, name: str) -> int | None:
    """The lowest age band in which new youths enter ``name``, when they enter in several
    (with one band the inflow lever does the same); None otherwise."""
    entry = scenario.care_types[name].entry_age or {}
    bands = sorted(edge for edge, share in entry.items() if share > 0)
    return bands[0] if len(bands) > 1 else None


def start_year(scenario: Scenario) -> int:
    """Calendar year of the scenario's start month."""
    return year_month_tuple(scenario.start)[0]


def scenario_stay(scenario: Scenario, name: str) -> float:
    """Average stay after the scenario's own policies (months)."""
    return scenario.care_types[name].stay_months * math.prod(
        p.stay_factor.get(name, 1.0) for p in scenario.policies
    )


def capacity_ends(scenario: Scenario, name: str) -> tuple[int, int] | None:
    """(first, last) capacity of a limited care type, policies included; None when unlimited."""
    capacity = scenario.care_types[name].capacity
    if capacity is None:
        return None
    first = capacity if isinstance(capacity, int) else next(iter(capacity.values()))
    last = capacity if isinstance(capacity, int) else list(capacity.values())[-1]
    for policy in scenario.policies:
        places = policy.capacity.get(name)
        if places is not None:
            last = places
    return first, last


def shortest_horizon(scenario: Scenario) -> int:
    """The fewest years that still hold every policy of the scenario (a policy outside the
    horizon is an error)."""
    year, month = year_month_tuple(scenario.start)
    months = [
        (y - year) * 12 + (m - month) for y, m in (year_month_tuple(p.start) for p in scenario.policies)
    ]
    return max([1] + [k // 12 + 1 for k in months])


def policy_start(scenario: Scenario, policy_year: int) -> str:
    """1 January of the policy year, or the scenario's start if that is later."""
    return max(f"{policy_year:04d}-01", scenario.start)


def default_levers(scenario: Scenario) -> Levers:
    """Levers that change nothing: the scenario's own stays and capacities, no changes, the policy
    year the one after the start (within the horizon)."""
    names = scenario.type_names
    levers = Levers(
        policy_year=min(start_year(scenario) + 1, start_year(scenario) + scenario.years - 1),
        years=scenario.years,
    )
    for name in names:
        care = scenario.care_types[name]
        if care.inflow_per_year > 0:
            levers.inflow_change[name] = 0.0
        levers.stay_months[name] = round(scenario_stay(scenario, name), 2)
        if care.escalation_per_year:
            levers.escalation_change[name] = 0.0
        ends = capacity_ends(scenario, name)
        if ends is not None:
            levers.capacity_start[name], levers.capacity_target[name] = ends
        if scenario.age is not None:
            route = age_route(scenario, name)
            if set(route) != {EXIT}:  # the limit leads on to another type (extended care)
                levers.extended[name] = round(1.0 - route.get(EXIT, 0.0), 4)
            if youngest_band(scenario, name) is not None and care.inflow_per_year > 0:
                levers.young_change[name] = 0.0
    return levers


@dataclass(frozen=True)
class Range:
    """A slider's bounds and step, in the lever's unit (percent for changes)."""

    low: float
    high: float
    step: float


def ranges(scenario: Scenario) -> dict[str, Range]:
    """Slider ranges per lever key (the keys of ``to_params``)."""
    first = start_year(scenario)
    defaults = default_levers(scenario)
    out = {
        "policy_year": Range(first, first + max(scenario.years - 1, 1), 1),
        "years": Range(shortest_horizon(scenario), max(20, scenario.years), 1),
    }
    for name in defaults.inflow_change:
        out[f"inflow.{name}"] = Range(-20, 20, 1)  # percent per year
    for name, months in defaults.stay_months.items():
        step = 0.25 if months < 6 else 0.5 if months < 24 else 1.0
        low = min(step, months)  # a 3-day stay (0.1 month) must fit the slider it starts on
        out[f"stay.{name}"] = Range(low, max(2 * months, months + 2 * step), step)
    for name in defaults.escalation_change:
        out[f"escalation.{name}"] = Range(-100, 100, 5)  # percent
    for name in defaults.capacity_start:
        top = 2 * max(defaults.capacity_start[name], defaults.capacity_target[name]) + 10
        out[f"capacity_start.{name}"] = Range(0, top, 1)
        out[f"capacity_target.{name}"] = Range(0, top, 1)
    for name in defaults.extended:
        out[f"extended.{name}"] = Range(0, 100, 5)  # percent
    for name in defaults.young_change:
        out[f"young.{name}"] = Range(-100, 100, 5)  # percent
    return out


def to_params(levers: Levers) -> dict[str, str]:
    """Slider values as URL parameters (percentages as whole numbers)."""
    params = {"policy_year": str(levers.policy_year), "years": str(levers.years)}
    params.update({f"inflow.{k}": f"{v * 100:g}" for k, v in levers.inflow_change.items()})
    params.update({f"stay.{k}": f"{v:g}" for k, v in levers.stay_months.items()})
    params.update({f"escalation.{k}": f"{v * 100:g}" for k, v in levers.escalation_change.items()})
    params.update({f"capacity_start.{k}": str(v) for k, v in levers.capacity_start.items()})
    params.update({f"capacity_target.{k}": str(v) for k, v in levers.capacity_target.items()})
    params.update({f"extended.{k}": f"{v * 100:g}" for k, v in levers.extended.items()})
    params.update({f"young.{k}": f"{v * 100:g}" for k, v in levers.young_change.items()})
    return params


def _lever_value(limits: dict[str, Range], key: str, raw: object) -> float | None:
    """A link's value for lever ``key``, or None when it is missing, not a number, out of
    the lever's range or for no lever at all."""
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    r = limits.get(key)
    if r is None or math.isnan(value) or not r.low <= value <= r.high:
        return None
    return value


def ignored_params(
    scenario: Scenario, params: dict[str, str], own: frozenset[str] = frozenset()
) -> list[str]:
    """The parameters of a link that ``from_params`` cannot use ("key=value"): not a
    number, out of range, or for no lever of this scenario; ``own``: keys the page reads
    itself (the scenario, the language, ...), which it checks."""
    limits = ranges(scenario)
    return [
        f"{key}={value}"
        for key, value in params.items()
        if key not in own and _lever_value(limits, key, value) is None
    ]


def from_params(scenario: Scenario, params: dict[str, str]) -> Levers:
    """Levers from URL parameters; anything missing, unknown or out of range keeps its default."""
    levers = default_levers(scenario)
    limits = ranges(scenario)

    def read(key: str, default: float) -> float:
        value = _lever_value(limits, key, params.get(key))
        return default if value is None else value

    levers.policy_year = int(read("policy_year", levers.policy_year))
    levers.years = int(read("years", levers.years))
    for name in levers.inflow_change:
        levers.inflow_change[name] = read(f"inflow.{name}", 0.0) / 100
    for name, months in levers.stay_months.items():
        levers.stay_months[name] = read(f"stay.{name}", months)
    for name in levers.escalation_change:
        levers.escalation_change[name] = read(f"escalation.{name}", 0.0) / 100
    for name in levers.capacity_start:
        levers.capacity_start[name] = int(read(f"capacity_start.{name}", levers.capacity_start[name]))
        levers.capacity_target[name] = int(read(f"capacity_target.{name}", levers.capacity_target[name]))
    for name, share in levers.extended.items():
        levers.extended[name] = read(f"extended.{name}", share * 100) / 100
    for name in levers.young_change:
        levers.young_change[name] = read(f"young.{name}", 0.0) / 100
    return levers


def apply_levers(scenario: Scenario, levers: Levers) -> Scenario:
    """The scenario with the levers applied (validated); unchanged levers change nothing."""
    defaults = default_levers(scenario)
    data = scenario.to_dict()
    data["years"] = levers.years
    policy: dict = {"name": WORKSHOP_POLICY, "from": policy_start(scenario, levers.policy_year)}
    inflow = {k: v for k, v in levers.inflow_change.items() if abs(v) > 1e-12}
    stay = {
        k: v / defaults.stay_months[k]
        for k, v in levers.stay_months.items()
        if abs(v - defaults.stay_months[k]) > 1e-9
    }
    escalation = {k: 1.0 + v for k, v in levers.escalation_change.items() if abs(v) > 1e-12}
    capacity = {}
    for name in levers.capacity_start:
        if (levers.capacity_start[name], levers.capacity_target[name]) != (
            defaults.capacity_start[name],
            defaults.capacity_target[name],
        ):
            data["care_types"][name]["capacity"] = {start_year(scenario): levers.capacity_start[name]}
            for other in data.get("policies", []):  # the levers now own this type's capacity
                other.get("capacity", {}).pop(name, None)
            capacity[name] = levers.capacity_target[name]
    at_age_limit = {}
    for name, share in levers.extended.items():
        if abs(share - defaults.extended[name]) > 1e-9:
            onward = {d: s for d, s in age_route(scenario, name).items() if d != EXIT}
            total = sum(onward.values())
            if total <= 0:  # the scenario sends nobody on (a share 0): the onward types alike
                onward, total = dict.fromkeys(onward, 1.0), float(len(onward))
            route = {d: round(share * s / total, 6) for d, s in onward.items()}
            route[EXIT] = round(1.0 - sum(route.values()), 6)
            at_age_limit[name] = {d: s for d, s in route.items() if s > 0} or {EXIT: 1.0}
    young = {
        name: {youngest_band(scenario, name): 1.0 + change}
        for name, change in levers.young_change.items()
        if abs(change) > 1e-12
    }
    for key, values in (
        ("inflow_change_per_year", inflow),
        ("stay_factor", stay),
        ("escalation_factor", escalation),
        ("capacity", capacity),
        ("at_age_limit", at_age_limit),
        ("inflow_factor_by_age", young),
    ):
        if values:
            policy[key] = values
    if len(policy) > 2:
        data.setdefault("policies", []).append(policy)
    return scenario_from_dict(data, scenario.name)


def describe_changes(scenario: Scenario, levers: Levers, lang: str = "nl") -> list[str]:
    """The levers that differ from the scenario's own values, in words ("Capaciteit
    JeugdzorgPlus vanaf 2022: 43 → 35"): what the workshop says changed, and what a saved
    scenario's name and description carry. Empty when nothing changed."""
    defaults = default_levers(scenario)
    out = []

    def months(value: float) -> str:
        return trimmed(value, lang, 2)

    if levers.policy_year != defaults.policy_year:
        out.append(t("change_policy_year", lang, old=defaults.policy_year, new=levers.policy_year))
    if levers.years != defaults.years:
        out.append(t("change_years", lang, old=defaults.years, new=levers.years))
    for name in scenario.type_names:
        label = scenario.label(name)
        change = levers.inflow_change.get(name, 0.0)
        if abs(change) > 1e-12:
            out.append(t("change_inflow", lang, label=label, new=signed(100 * change, lang, 0)))
        stay, own = levers.stay_months[name], defaults.stay_months[name]
        if abs(stay - own) > 1e-9:
            out.append(t("change_stay", lang, label=label, old=months(own), new=months(stay)))
        change = levers.escalation_change.get(name, 0.0)
        if abs(change) > 1e-12:
            out.append(t("change_escalation", lang, label=label, new=signed(100 * change, lang, 0)))
        if name in levers.capacity_start:
            first, own_first = levers.capacity_start[name], defaults.capacity_start[name]
            if first != own_first:
                year = start_year(scenario)
                out.append(t("change_capacity_start", lang, label=label, year=year, old=own_first, new=first))
            target, own_target = levers.capacity_target[name], defaults.capacity_target[name]
            if target != own_target:
                year = levers.policy_year
                out.append(t("change_capacity", lang, label=label, year=year, old=own_target, new=target))
        if name in levers.extended and abs(levers.extended[name] - defaults.extended[name]) > 1e-9:
            old, new = (
                f"{trimmed(100 * v, lang, 0)}%" for v in (defaults.extended[name], levers.extended[name])
            )
            out.append(t("change_extended", lang, label=label, old=old, new=new))
        change = levers.young_change.get(name, 0.0)
        if abs(change) > 1e-12:
            band = youngest_band_label(scenario, name)
            out.append(t("change_young", lang, label=label, band=band, new=signed(100 * change, lang, 0)))
    return out


def youngest_band_label(scenario: Scenario, name: str) -> str:
    """'0–12': the youngest band new youths enter ``name`` in (``youngest_band``), by its edges."""
    assert scenario.age is not None
    low = youngest_band(scenario, name)
    above = [edge for edge in scenario.age.bands if low is not None and edge > low]
    return f"{low}–{above[0]}" if above else f"{low}+"


MAX_NAME = 120  # the save form's limit on a scenario's name


def changed_scenario(scenario: Scenario, levers: Levers) -> Scenario:
    """The scenario with the levers applied and, when they change anything, named after the
    changes: the workshop's title, the deck's title, the images' source lines, a saved copy
    and a comparison's column all say what changed. The name is content, like the presets'
    own names: Dutch whatever the page's language, so that one run serves both languages
    (the cache key holds the name)."""
    changed = apply_levers(scenario, levers)
    dutch = describe_changes(scenario, levers)
    if not dutch:
        return changed
    named = t("changed_name", "nl", name=scenario.name, changes="; ".join(dutch))
    return changed.model_copy(
        update={"name": named if len(named) <= MAX_NAME else named[: MAX_NAME - 1] + "…"}
    )
