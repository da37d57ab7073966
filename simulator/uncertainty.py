"""Uncertain assumptions: a scenario's ``uncertainty`` block, drawn per replication.

A path names one numeric input of a care type or a policy, with a range:

    uncertainty:
      care_types.residential.stay_months: {low: 9, high: 15}              # uniform
      care_types.jzplus.inflow_per_year: {low: 70, high: 100, mode: 86}   # triangular
      policies[0].inflow_change_per_year.jzplus: {low: -0.10, high: 0.0}

Each replication runs with its own values (``scenario.drawn_scenario``). They come from a Latin
hypercube: per path, the n replications take one value from each of n equal-probability
strata, in a random order. Each path's order and offsets come from its own stream, seeded
by the scenario's seed and the path, so the same seed gives the same draws, and scenarios
that differ elsewhere (another lever, another path added) draw the same values for a path
they share (common random numbers). A replication's chance (its arrivals, stays, routing)
does not depend on the draws, so the bands combine both kinds of uncertainty.
"""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.i18n import Message

if TYPE_CHECKING:
    from simulator.schema import Scenario

# Inputs a path may name, and why the others may not.
CARE_TYPE_FIELDS = ("initial", "inflow_per_year", "stay_months", "stay_cv", "max_wait_months")
CARE_TYPE_RATES = ("escalation_per_year",)  # {heavier care type: rate}: name the rate
POLICY_LEVERS = ("inflow_change_per_year", "inflow_factor", "stay_factor", "escalation_factor")
WHOLE_NUMBERS = ("initial", "capacity")
GRID_ONLY = ("capacity", "cost_per_day")  # a sweep's points are summarised one by one: these may vary
NOT_UNCERTAIN = {
    "outflow": "u_shares",  # shares must keep summing to 1
    "capacity": "u_summarised",  # the summaries (beds, costs, capacity lines) use one value
    "cost_per_day": "u_summarised",
}

ASSUMPTION = re.compile(r"^assumptions\.([A-Za-z0-9_]+)$")  # a named assumption: sets several inputs
CARE_PATH = re.compile(r"^care_types\.([^.\[\]]+)\.([a-z_]+)(?:\.([^.\[\]]+))?$")
POLICY_PATH = re.compile(r"^policies\[(\d+)\]\.([a-z_]+)(?:\.([^.\[\]]+))?$")
STREAM_KEY = 0xA55E  # the draws' streams: SeedSequence(seed, spawn_key=(STREAM_KEY, path code))


def locate(scenario: Scenario, path: str, grid: bool = False) -> tuple[tuple[str | int, ...], Message | None]:
    """Where ``path`` sits in ``scenario.to_dict()`` (a key path), or why it names no
    uncertain input. ``grid``: a sweep's path, which may also name a capacity (a number, a
    schedule's date as ``capacity.2022``, a policy's ``capacity.<care type>``) or a tariff."""
    care = CARE_PATH.match(path)
    policy = POLICY_PATH.match(path)
    if care:
        owner, field, key = care.groups()
        if owner not in scenario.care_types:
            return (), Message("u_no_care_type", name=repr(owner), known=", ".join(scenario.type_names))
        where: tuple[str | int, ...] = ("care_types", owner, field)
        fields: tuple[str, ...] = CARE_TYPE_FIELDS
        maps: tuple[str, ...] = CARE_TYPE_RATES
        present = scenario.care_types[owner].model_dump()
    elif policy:
        number, field, key = policy.groups()
        k = int(number)
        if k >= len(scenario.policies):
            return (), Message("u_no_policy", k=k, count=len(scenario.policies))
        where = ("policies", k, field)
        fields, maps = (), POLICY_LEVERS
        present = scenario.policies[k].model_dump()
    else:
        return (), Message("u_bad_path")
    if grid and field in GRID_ONLY:
        value = present.get(field)
        if isinstance(value, dict):  # a capacity schedule, or a policy's capacities
            keys = {str(k): k for k in value}
            if key not in keys:
                listed = ", ".join(keys) or Message("u_none")
                return (), Message("u_no_key", field=field, key=repr(key), known=listed)
            return (*where, keys[key]), None
        if key is None and not care:
            return (), Message("u_name_key", field=field)
        return (where, None) if key is None else ((), Message("u_not_numeric", field=path, allowed=field))
    if field in NOT_UNCERTAIN:
        return (), Message(NOT_UNCERTAIN[field], field=field)
    allowed = ", ".join(fields + tuple(f"{m}.<care type>" for m in maps))
    if field in fields and key is None:
        if present.get(field) is None:
            return (), Message("u_not_set", field=field)
        return where, None
    if field in maps:
        if key is None:
            return (), Message("u_name_key", field=field)
        if key not in (present.get(field) or {}):
            listed = ", ".join(present.get(field) or {}) or Message("u_none")
            return (), Message("u_no_key", field=field, key=repr(key), known=listed)
        return (*where, key), None
    return (), Message("u_not_numeric", field=field, allowed=allowed)


def is_assumption(key: str) -> bool:
    """Whether an uncertainty key names an assumption (``assumptions.<name>``), not a path."""
    return ASSUMPTION.match(key) is not None


def assumption_problems(scenario: Scenario, key: str) -> list[tuple[str, Message]]:
    """(field, message) per problem of a named assumption's entry: it must set inputs, each
    a path a sweep may vary (capacities and tariffs too: the summaries take each
    replication's own), none that is also drawn on its own. Two named assumptions may set
    the same input (their changes add up)."""
    spread = scenario.uncertainty[key]
    if not spread.sets:
        return [("", Message("u_assumption_needs_sets"))]
    found: list[tuple[str, Message]] = []
    for path in spread.sets:
        _, problem = locate(scenario, path, grid=True)
        if problem is None and path in scenario.uncertainty:
            problem = Message("u_set_twice", path=path, other=f"uncertainty.{path}")
        if problem is not None:
            found.append((f"sets.{path}", problem))
    return found


def assumption_values(scenario: Scenario, key: str, value: float) -> dict[str, float]:
    """The inputs a named assumption sets at ``value``: each path linearly interpolated
    between its values at the entry's ``at`` (calibrated there, so exact at those values)."""
    spread = scenario.uncertainty[key]
    assert spread.at is not None  # the schema: a named assumption has 'at' and 'sets'
    return {path: float(np.interp(value, spread.at, values)) for path, values in spread.sets.items()}


def _get(data: dict[str, Any], where: tuple[str | int, ...]) -> float:
    node: Any = data
    for part in where:
        node = node[part]
    return float(node)


def _set(data: dict[str, Any], where: tuple[str | int, ...], value: float) -> None:
    node: Any = data
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = round(value) if where[2] in WHOLE_NUMBERS else float(value)


def set_values(scenario: Scenario, values: dict[str, float], grid: bool = False) -> dict[str, Any]:
    """The scenario's data with each path set to its value and no uncertainty block: what
    one replication (or one point of a sweep, ``grid``) runs (``scenario.with_values``
    validates it)."""
    data = scenario.to_dict()
    data.pop("uncertainty", None)
    # Named assumptions move each input they set by their calibrated change between their
    # own value in the file (``current_value``) and the drawn one, from the input's value in
    # the file; where two set the same input, the changes add up (to first order, as each
    # was calibrated with the others at their values in the file). From the file's value,
    # not from the calibration's: a sweep point that moved that input keeps the move.
    changes: dict[str, float] = {}
    for path, value in values.items():
        if is_assumption(path):
            own = assumption_values(scenario, path, current_value(scenario, path))
            for input_path, input_value in assumption_values(scenario, path, value).items():
                changes[input_path] = changes.get(input_path, 0.0) + input_value - own[input_path]
    for input_path, change in changes.items():
        where, problem = locate(scenario, input_path, grid=True)
        assert problem is None, problem
        _set(data, where, _get(data, where) + change)  # the file's value, read off data once
    for path, value in values.items():
        if is_assumption(path):
            continue
        where, problem = locate(scenario, path, grid)
        assert problem is None, problem  # checked when the scenario was loaded
        _set(data, where, value)
    return data


def unit_draws(seed: int, path: str, n: int) -> np.ndarray:
    """n values in [0, 1) for one path, one in each stratum [j/n, (j+1)/n), in the order of a
    permutation: one column of a Latin hypercube, from the path's own stream."""
    code = zlib.crc32(path.encode("utf-8"))
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_KEY, code)))
    order = rng.permutation(n)
    return (order + rng.random(n)) / n


def from_unit(u: np.ndarray | float, low: float, high: float, mode: float | None) -> np.ndarray:
    """The inverse distribution function: uniform on [low, high], or triangular with its
    peak at ``mode``."""
    u = np.asarray(u, dtype=float)
    width = high - low
    if mode is None or width == 0.0:
        return low + u * width
    peak = (mode - low) / width
    rising = low + np.sqrt(u * width * (mode - low))
    falling = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < peak, rising, falling)


def draws(scenario: Scenario) -> dict[str, np.ndarray]:
    """Per path, the value of every replication 0 .. replications-1."""
    n = scenario.replications
    return {
        path: from_unit(unit_draws(scenario.seed, path, n), spread.low, spread.high, spread.mode)
        for path, spread in scenario.uncertainty.items()
    }


def drawn_values(scenario: Scenario, run_number: int) -> dict[str, float]:
    """The values replication ``run_number`` runs with (the paths' order as in the file)."""
    return {path: float(values[run_number]) for path, values in draws(scenario).items()}


def drawn_inputs(scenario: Scenario, paths: list[str]) -> dict[str, np.ndarray]:
    """Per path that named assumptions set, its value in every replication (as
    ``set_values`` gives it, without building each replication's scenario): the summaries
    need the drawn tariffs of thirty replications, not thirty scenarios."""
    drawn = draws(scenario)
    found = {path: np.full(scenario.replications, current_value(scenario, path)) for path in paths}
    for key, spread in scenario.uncertainty.items():
        for path, values in spread.sets.items():
            if path in found:
                assert spread.at is not None  # the schema: 'sets' comes with 'at'
                own = np.interp(current_value(scenario, key), spread.at, values)
                found[path] += np.interp(drawn[key], spread.at, values) - own
    return found


def path_label(scenario: Scenario, path: str, lang: str = "nl") -> str:
    """A path in words: 'Verblijfsduur (maanden) · JeugdzorgPlus', or for a policy
    'Instroom JeugdzorgPlus -5% per jaar: instroom per jaar · JeugdzorgPlus'."""
    from simulator.i18n import t

    if is_assumption(path) and path in scenario.uncertainty:
        return scenario.uncertainty[path].label or path.split(".", 1)[1]
    where, problem = locate(scenario, path, grid=True)
    if problem is not None:
        return path
    if where[0] == "care_types":
        owner, field = str(where[1]), str(where[2])
        key = where[3] if len(where) > 3 else None
        if field == "escalation_per_year":
            text = t("p_escalation_per_year", lang, to=scenario.label(str(key)))
        else:
            text = t(f"p_{field}", lang) + (f" {key}" if key is not None else "")
        return f"{text} · {scenario.label(owner)}"
    policy = scenario.policies[int(where[1])]
    return f"{policy.name}: {t(f'p_{where[2]}', lang)} · {scenario.label(str(where[3]))}"


def spread_text(path: str, low: float, high: float, mode: float | None, lang: str = "nl") -> str:
    """'4,7 – 5,59', or a yearly change as '-10% – 0% (meest waarschijnlijk -5%)', in the
    page's number format."""
    from simulator.i18n import t

    def shown(value: float) -> str:
        return value_text(path, value, lang)

    text = f"{shown(low)} – {shown(high)}"
    return text if mode is None else f"{text} ({t('most_likely', lang)} {shown(mode)})"


def sweepable_paths(scenario: Scenario) -> list[str]:
    """The paths a sweep of this scenario can vary, in file order: each care type's capacity
    (a number, or each date of its schedule), inflow and stay, and every policy's levers."""
    found: list[str] = []
    for name, care in scenario.care_types.items():
        base = f"care_types.{name}"
        if isinstance(care.capacity, dict):
            found.extend(f"{base}.capacity.{date}" for date in care.capacity)
        elif care.capacity is not None:
            found.append(f"{base}.capacity")
        found.extend(f"{base}.{field}" for field in ("inflow_per_year", "stay_months"))
    for k, policy in enumerate(scenario.policies):
        for lever in (*POLICY_LEVERS, "capacity"):
            found.extend(
                f"policies[{k}].{lever}.{name}"
                for name, value in getattr(policy, lever).items()
                if value is not None
            )
    found.extend(key for key in scenario.uncertainty if is_assumption(key))
    return [path for path in found if is_assumption(path) or locate(scenario, path, grid=True)[1] is None]


def current_value(scenario: Scenario, path: str) -> float:
    """The value ``path`` has in the scenario (a sweep's axis starts around it); a named
    assumption's is its most likely value (the calibration's own), else its middle."""
    if is_assumption(path):
        spread = scenario.uncertainty[path]
        return spread.mode if spread.mode is not None else (spread.low + spread.high) / 2
    where, problem = locate(scenario, path, grid=True)
    assert problem is None, problem
    return _get(scenario.to_dict(), where)


def value_text(path: str, value: float, lang: str = "nl") -> str:
    """A path's value as people read it: a yearly change in percent ('-5%'), others as a
    number in the page's format ('5,25')."""
    from simulator.i18n import trimmed

    if ".inflow_change_per_year." in path:
        return trimmed(100 * value, lang, 1) + "%"
    return trimmed(value, lang, 3)
