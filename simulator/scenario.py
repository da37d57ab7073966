"""Scenario files: schema, validation, loading and saving.

A scenario is the whole input of a run: the care types (ordered light -> heavy), their
rates and capacities, and the policies that change them from a date. The schema follows
DESIGN.md. Every problem is reported with the path of the field (``care_types.jzplus.outflow``)
and the file it came from; nothing is run before the whole file is valid.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

EXIT = "exit"
NEW = "new"  # the "from" of a youth entering the model, in transition tables
RESERVED_NAMES = {EXIT, NEW}
TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# Sanity caps: beyond these a scenario is a typo, not a region.
MAX_YEARS = 50
MAX_REPLICATIONS = 1000
MAX_TOTAL_INFLOW_PER_YEAR = 100_000
MAX_INITIAL = 1_000_000
MAX_CAPACITY = 1_000_000
MAX_CARE_TYPES = 30
MIN_STAY_MONTHS = 0.03  # about one day
MAX_STAY_MONTHS = 600.0  # fifty years
MAX_STAY_CV = 5.0
MAX_ESCALATION_PER_YEAR = 365.0
MAX_FACTOR = 10.0
SHARE_TOLERANCE = 1e-6
MAX_FILE_BYTES = 1_000_000
MAX_YAML_NODES = 100_000

DEFAULT_SEED = 20210101
SHARES_FIELD_HELP = "shares per destination (a care type or 'exit') that sum to 1"


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists (field path, message)."""

    def __init__(self, source: str | None, problems: list[tuple[str, str]]):
        self.source = source or "scenario"
        self.problems = problems
        super().__init__(self.message())

    def message(self) -> str:
        lines = [f"{self.source} is not a valid scenario:"]
        for path, text in self.problems:
            lines.append(f"  {path}: {text}" if path else f"  {text}")
        return "\n".join(lines)


# ---------------------------------------------------------------- field types


def _error(kind: str, message: str) -> PydanticCustomError:
    """A schema error with a ready message (pydantic's templates know no format specs)."""
    return PydanticCustomError(kind, message.replace("{", "{{").replace("}", "}}"))


def parse_year_month(value: Any) -> str:
    """'2021-01', a date or a datetime -> '2021-01'."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        match = YEAR_MONTH.match(value.strip())
        if match and 1 <= int(match.group(2)) <= 12 and 1900 <= int(match.group(1)) <= 2200:
            return value.strip()
    raise _error("year_month", f"expected a year and month as YYYY-MM (for example 2022-01), got {value!r}")


def year_month_tuple(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


class Strict(BaseModel):
    """Rejects unknown keys, so a typo like ``stay_month`` is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=False)


def _check_shares(shares: dict[str, float]) -> dict[str, float]:
    if not shares:
        raise _error("shares_empty", f"needs at least one destination ({SHARES_FIELD_HELP})")
    for dest, share in shares.items():
        if not (0.0 <= share <= 1.0) or math.isnan(share):
            raise _error("share_range", f"share for {dest!r} is {share}; each share must be between 0 and 1")
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise _error("shares_sum", f"shares sum to {total:.6g}; they must sum to 1 ({SHARES_FIELD_HELP})")
    return shares


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or (isinstance(value, float) and not value.is_integer()):
        raise _error("whole_number", f"{what} must be a whole number, got {value!r}")
    return int(value)


def parse_capacity(value: Any, allow_schedule: bool) -> int | dict[int, int] | None:
    """A number of places, a {year: places} schedule, or None (unlimited); checked in one go
    so a bad value gives one message, not one per alternative of the type."""
    if value is None:
        return None
    if isinstance(value, dict) and allow_schedule:
        if not value:
            raise _error("capacity_empty", "a capacity schedule needs at least one year, e.g. {2021: 57, 2022: 43}")
        schedule = {}
        for year, places in value.items():
            try:
                year_int = int(str(year))
            except ValueError:
                year_int = 0
            if not 1900 <= year_int <= 2200:
                raise _error("capacity_year", f"capacity schedule key {year!r} is not a year")
            schedule[year_int] = _check_places(_whole(places, f"capacity in {year_int}"), f"capacity in {year_int}")
        return dict(sorted(schedule.items()))
    if isinstance(value, dict):
        raise _error("capacity_type", "expected a number of places (or null for unlimited), got a mapping")
    return _check_places(_whole(value, "capacity"), "capacity")


def _check_places(places: int, what: str) -> int:
    if not 0 <= places <= MAX_CAPACITY:
        raise _error("capacity_range", f"{what} must be between 0 and {MAX_CAPACITY:,}, got {places}")
    return places


def _each_in_range(values: dict[str, float], kind: str, what: str, low: float, high: float,
                   low_open: bool = False, hint: str = "") -> dict[str, float]:
    """Every value of a {care type: number} mapping within [low, high] (or (low, high])."""
    for key, number in values.items():
        above = number > low if low_open else number >= low
        if math.isnan(number) or not above or number > high:
            bounds = f"above {low:g} and at most {high:g}" if low_open else f"between {low:g} and {high:g}"
            raise _error(kind, f"{what} for {key!r} is {number}; it must be {bounds}{hint}")
    return values


class CareType(Strict):
    label: str | None = None
    capacity: int | dict[int, int] | None = None
    initial: int = Field(0, ge=0, le=MAX_INITIAL)
    inflow_per_year: float = Field(0.0, ge=0.0, le=MAX_TOTAL_INFLOW_PER_YEAR, allow_inf_nan=False)
    stay_months: float = Field(ge=MIN_STAY_MONTHS, le=MAX_STAY_MONTHS, allow_inf_nan=False)
    stay_cv: float = Field(1.0, gt=0.0, le=MAX_STAY_CV, allow_inf_nan=False)
    escalation_per_year: dict[str, float] = Field(default_factory=dict)
    outflow: dict[str, float] = Field(default_factory=lambda: {EXIT: 1.0})
    when_full: Literal["wait", "elsewhere"] = "wait"
    max_wait_months: float | None = Field(None, gt=0.0, le=MAX_STAY_MONTHS, allow_inf_nan=False)
    cost_per_day: float = Field(0.0, ge=0.0, le=100_000.0, allow_inf_nan=False)

    @field_validator("capacity", mode="before")
    @classmethod
    def _capacity(cls, value):
        return parse_capacity(value, allow_schedule=True)

    @field_validator("escalation_per_year")
    @classmethod
    def _escalation(cls, value: dict[str, float]):
        return _each_in_range(value, "escalation_range", "escalation rate per year", 0.0, MAX_ESCALATION_PER_YEAR)

    @field_validator("outflow")
    @classmethod
    def _outflow(cls, value: dict[str, float]):
        return _check_shares(value)


class Policy(Strict):
    name: str = Field(min_length=1, max_length=200)
    start: str = Field(alias="from")
    inflow_change_per_year: dict[str, float] = Field(default_factory=dict)
    stay_factor: dict[str, float] = Field(default_factory=dict)
    escalation_factor: dict[str, float] = Field(default_factory=dict)
    outflow: dict[str, dict[str, float]] = Field(default_factory=dict)
    capacity: dict[str, int | None] = Field(default_factory=dict)

    _year_month = field_validator("start", mode="before")(lambda cls, v: parse_year_month(v))

    @field_validator("inflow_change_per_year")
    @classmethod
    def _inflow_change(cls, value: dict[str, float]):
        return _each_in_range(value, "inflow_change", "yearly inflow change", -1.0, 1.0, low_open=True,
                              hint=" (a fraction: -0.05 is -5% per year)")

    @field_validator("stay_factor")
    @classmethod
    def _stay_factor(cls, value: dict[str, float]):
        return _each_in_range(value, "stay_factor", "stay factor", 0.0, MAX_FACTOR, low_open=True)

    @field_validator("escalation_factor")
    @classmethod
    def _escalation_factor(cls, value: dict[str, float]):
        return _each_in_range(value, "escalation_factor", "escalation factor", 0.0, MAX_FACTOR)

    @field_validator("outflow")
    @classmethod
    def _outflow(cls, value: dict[str, dict[str, float]]):
        for shares in value.values():
            _check_shares(shares)
        return value

    @field_validator("capacity", mode="before")
    @classmethod
    def _capacity(cls, value):
        if not isinstance(value, dict):
            raise _error("dict_type", "expected a mapping of care type to capacity, e.g. {jzplus: 43}")
        return {name: parse_capacity(places, allow_schedule=False) for name, places in value.items()}


class Scenario(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    region: str = ""
    start: str
    years: int = Field(10, ge=1, le=MAX_YEARS)
    replications: int = Field(30, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**63 - 1)
    service_level: float = Field(0.95, gt=0.0, lt=1.0)
    care_types: dict[str, CareType]
    policies: list[Policy] = Field(default_factory=list)

    _year_month = field_validator("start", mode="before")(lambda cls, v: parse_year_month(v))

    @field_validator("care_types")
    @classmethod
    def _care_types(cls, value: dict[str, CareType]):
        if not value:
            raise _error("care_types_empty", "a scenario needs at least one care type")
        if len(value) > MAX_CARE_TYPES:
            raise _error("care_types_many", f"at most {MAX_CARE_TYPES} care types")
        return value

    @model_validator(mode="after")
    def _references(self):
        problems = reference_problems(self)
        if problems:
            # The problems travel in ctx so that format_validation_error can give each its own path.
            raise PydanticCustomError("scenario_references", "{summary}",
                                      {"summary": "; ".join(f"{p}: {m}" for p, m in problems), "problems": problems})
        return self

    # ------------------------------------------------------------ conveniences

    @property
    def type_names(self) -> list[str]:
        return list(self.care_types)

    def label(self, name: str) -> str:
        return self.care_types[name].label or name

    def to_dict(self) -> dict[str, Any]:
        """Plain data in file order, as saved to YAML (``from`` spelled as in the file)."""
        return self.model_dump(mode="python", by_alias=True, exclude_none=True)

    def with_overrides(self, **overrides: Any) -> "Scenario":
        """A validated copy with top-level fields replaced (the CLI's --years, --seed, ...)."""
        data = self.to_dict()
        data.update({k: v for k, v in overrides.items() if v is not None})
        return Scenario.model_validate(data)


# ---------------------------------------------------------------- cross-field checks


def reference_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Checks that need the whole scenario: destinations, order, exits, sizes."""
    names = scenario.type_names
    order = {name: k for k, name in enumerate(names)}
    problems: list[tuple[str, str]] = []
    known = ", ".join(names)

    def unknown(path: str, name: str, allow_exit: bool) -> bool:
        if name in order or (allow_exit and name == EXIT):
            return False
        hint = difflib.get_close_matches(name, names + ([EXIT] if allow_exit else []), n=1)
        extra = f" (did you mean {hint[0]!r}?)" if hint else ""
        problems.append((path, f"{name!r} is not a care type{' or exit' if allow_exit else ''}{extra}; known care types: {known}"))
        return True

    for name, care in scenario.care_types.items():
        base = f"care_types.{name}"
        if name in RESERVED_NAMES or not TYPE_NAME.match(name):
            problems.append((base, f"{name!r} cannot be a care type name: use lowercase letters, digits and _ "
                                   f"(starting with a letter), and not {EXIT!r} or {NEW!r}; put the display name in label"))
        for dest in care.escalation_per_year:
            if unknown(f"{base}.escalation_per_year", dest, allow_exit=False):
                continue
            if order[dest] <= order[name]:
                problems.append((f"{base}.escalation_per_year",
                                 f"escalation goes to a heavier care type (listed after {name!r}); {dest!r} is not"))
        for dest in care.outflow:
            if unknown(f"{base}.outflow", dest, allow_exit=True):
                continue
            if dest == name:
                problems.append((f"{base}.outflow", f"a stay in {name!r} cannot flow into {name!r} itself"))
        if isinstance(care.capacity, dict) and min(care.capacity) > year_month_tuple(scenario.start)[0]:
            problems.append((f"{base}.capacity",
                             f"the capacity schedule starts in {min(care.capacity)}, after the scenario start "
                             f"{scenario.start}; give the capacity from the start year on"))

    for k, policy in enumerate(scenario.policies):
        base = f"policies[{k}]"
        for lever in ("inflow_change_per_year", "stay_factor", "escalation_factor", "outflow", "capacity"):
            for name in getattr(policy, lever):
                unknown(f"{base}.{lever}", name, allow_exit=False)
        for name, shares in policy.outflow.items():
            for dest in shares:
                if not unknown(f"{base}.outflow.{name}", dest, allow_exit=True) and dest == name:
                    problems.append((f"{base}.outflow.{name}", f"a stay in {name!r} cannot flow into {name!r} itself"))

    total_initial = sum(c.initial for c in scenario.care_types.values())
    if total_initial > MAX_INITIAL:
        problems.append(("care_types", f"{total_initial} initial youths in all; at most {MAX_INITIAL:,}"))
    if problems:
        return problems

    # Needs valid references: peak inflow and whether every youth can leave care.
    from simulator.timeline import peak_total_inflow, trapped_types  # local: avoids an import cycle

    peak = peak_total_inflow(scenario)
    if peak > MAX_TOTAL_INFLOW_PER_YEAR:
        problems.append(("care_types.inflow_per_year",
                         f"total inflow reaches {peak:,.0f} youths per year (policies included); at most {MAX_TOTAL_INFLOW_PER_YEAR:,}"))
    for path, name in trapped_types(scenario):
        problems.append((path, f"youths in {name!r} can never leave care: no chain of outflow leads to 'exit'"))
    return problems


# ---------------------------------------------------------------- errors


def _dotted(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


_FRIENDLY = {
    "missing": "required field is missing",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "dict_type": "expected a mapping (key: value)",
    "list_type": "expected a list",
    "string_type": "expected text",
}


def format_validation_error(error: ValidationError) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for item in error.errors(include_url=False):
        loc = item["loc"]
        kind = item["type"]
        if kind == "scenario_references":
            problems.extend((_dotted(loc + (p,)) if loc else p, m) for p, m in item["ctx"]["problems"])
            continue
        path = _dotted(loc)
        if kind == "extra_forbidden":
            parent, field = loc[:-1], str(loc[-1])
            fields = _fields_at(parent)
            hint = difflib.get_close_matches(field, fields, n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append((path, f"unknown field{extra}; allowed here: {', '.join(fields)}"))
            continue
        message = _FRIENDLY.get(kind, item["msg"])
        if kind != "missing" and "got" not in message and not isinstance(item.get("input"), dict | list):
            message += f" (got {item['input']!r})"  # pydantic's own errors do not say what they got
        problems.append((path, message))
    return problems


def _fields_at(loc: tuple) -> list[str]:
    """Allowed field names at a location, for 'did you mean' hints."""
    if not loc:
        model = Scenario
    elif loc[0] == "care_types" and len(loc) == 2:
        model = CareType
    elif loc[0] == "policies" and len(loc) == 2:
        return [f.alias or n for n, f in Policy.model_fields.items()]
    else:
        return []
    return list(model.model_fields)


# ---------------------------------------------------------------- loading and saving


def scenario_from_dict(data: Any, source: str | None = None) -> Scenario:
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ScenarioError(source, [("", f"expected a mapping of scenario fields (name, start, care_types, ...), got {kind}")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, format_validation_error(error)) from None


def _expanded_nodes(node, memo: dict[int, int]) -> int:
    """Node count with aliases expanded, counted without expanding them (alias bombs)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a cycle counts once
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_nodes(k, memo) + _expanded_nodes(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_nodes(v, memo) for v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def parse_yaml(text: str | bytes, source: str | None = None) -> Any:
    """Plain data from YAML text: safe_load only, size and alias-expansion capped."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError(source, [("", f"file is {len(text):,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(source, [("", "not a text file (expected UTF-8 YAML)")]) from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(source, [("", f"file is {len(text):,} characters; a scenario file is at most {MAX_FILE_BYTES:,}")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None and _expanded_nodes(node, {}) > MAX_YAML_NODES:
            raise ScenarioError(source, [("", "the YAML expands (through aliases) into more than "
                                              f"{MAX_YAML_NODES:,} values; refused")])
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioError(source, [("", f"{where}not valid YAML ({problem})")]) from None


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(str(path), [("", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), [("", "is a folder, not a scenario file")]) from None
    except OSError as error:
        raise ScenarioError(str(path), [("", f"cannot be read ({error.strerror})")]) from None
    return scenario_from_dict(parse_yaml(raw, str(path)), str(path))


def scenario_from_yaml(text: str | bytes, source: str | None = None) -> Scenario:
    return scenario_from_dict(parse_yaml(text, source), source)


def dump_scenario(scenario: Scenario) -> str:
    return yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write atomically: a reader never sees half a file."""
    import os
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dump_scenario(scenario))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
