"""The scenario schema: a scenario as a validated, frozen value.

A scenario is the whole input of a run: the care types (ordered light -> heavy), their
rates and capacities, and the policies that change them from a date. The schema follows
DESIGN.md. Every problem is reported with the path of the field (``care_types.jzplus.outflow``)
and a ``Message`` (translated where it is shown).

This module knows nothing of compiling or running. Checks that need the compiled plan
(peak inflow, care types nobody can leave) live in ``checks``; ``scenario`` (loading and
saving) runs both, so every scenario that reaches the model passed both.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from simulator.i18n import Message

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
MIN_STAY_CV = 0.05  # gamma shape 400: a practically fixed stay; below it the draws lose meaning
MAX_STAY_CV = 5.0
MAX_ESCALATION_PER_YEAR = 365.0
MAX_FACTOR = 10.0
MAX_AGE = 30  # years: extended youth care ends at 23 at the latest; room for other schemes
SHARE_TOLERANCE = 1e-6
MAX_FILE_BYTES = 1_000_000
MAX_YAML_NODES = 100_000

DEFAULT_SEED = 20210101


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists (field path, message)."""

    def __init__(self, source: str | None, problems: list[tuple[str, Message]], header: str = "v_not_valid"):
        self.source = source or "scenario"
        self.problems = problems
        self.header = header  # the first line's message key ("b_too_large": valid, but too big to run)
        super().__init__(self.message())

    def message(self, lang: str = "en") -> str:
        """The whole message: English for the command line, the app's language in the app."""
        lines = [Message(self.header, source=self.source).text(lang)]
        for path, problem in self.problems:
            text = problem.text(lang)
            lines.append(f"  {path}: {text}" if path else f"  {text}")
        return "\n".join(lines)


# ---------------------------------------------------------------- field types


def _error(key: str, /, **values: Any) -> PydanticCustomError:
    """A schema error whose message (a Message from the translation table) travels in ctx."""
    return PydanticCustomError(key, "{message}", {"message": Message(key, **values)})


def parse_year_month(value: Any) -> str:
    """'2021-01', a date or a datetime -> '2021-01'."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        match = YEAR_MONTH.match(value.strip())
        if match and 1 <= int(match.group(2)) <= 12 and 1900 <= int(match.group(1)) <= 2200:
            return value.strip()
    raise _error("v_year_month", got=repr(value))


def year_month_tuple(value: str) -> tuple[int, int]:
    """'2021-01' -> (2021, 1)."""
    year, month = value.split("-")
    return int(year), int(month)


class Strict(BaseModel):
    """Rejects unknown keys, so a typo like ``stay_month`` is an error, not a silent default;
    frozen, so a scenario cannot change after validation (copies go through validation again)."""

    # strict: a boolean or a text is not a number ("replications: true", "years: '10'").
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, strict=True)


def _check_shares(shares: dict[Any, float], help: str = "v_shares_help") -> dict[Any, float]:
    if not shares:
        raise _error("v_shares_empty", help=Message(help))
    for dest, share in shares.items():
        if not (0.0 <= share <= 1.0) or math.isnan(share):
            raise _error("v_share_range", dest=repr(dest), share=share)
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise _error("v_shares_sum", total=float(total), help=Message(help))
    return shares


def _whole(value: Any, what: Message) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not value.is_integer())
    ):
        raise _error("v_whole_number", what=what, got=repr(value))
    return int(value)


def schedule_key(key: Any) -> int | str:
    """A capacity schedule's date: a year (from 1 January) or 'YYYY-MM' (from that month,
    for a capacity measured mid-year); '2022-01' and 2022 are the same date."""
    text = str(key).strip()
    match = YEAR_MONTH.match(text)
    if match and 1 <= int(match.group(2)) <= 12 and 1900 <= int(match.group(1)) <= 2200:
        return int(match.group(1)) if match.group(2) == "01" else text
    if isinstance(key, bool) or not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2200:
        raise _error("v_capacity_year", got=repr(key))
    return int(text)


def schedule_date(key: int | str) -> tuple[int, int]:
    """(year, month) of a capacity schedule key."""
    return (key, 1) if isinstance(key, int) else year_month_tuple(key)


def parse_capacity(value: Any, allow_schedule: bool) -> int | dict[int | str, int] | None:
    """A number of places, a {date: places} schedule, or None (unlimited); checked in one go
    so a bad value gives one message, not one per alternative of the type."""
    if value is None:
        return None
    if isinstance(value, dict) and allow_schedule:
        if not value:
            raise _error("v_capacity_empty")
        schedule: dict[int | str, int] = {}
        for key, places in value.items():
            date = schedule_key(key)
            if date in schedule:
                raise _error("v_capacity_twice", got=repr(key))
            what = Message("v_capacity_in", year=date)
            schedule[date] = _check_places(_whole(places, what), what)
        return dict(sorted(schedule.items(), key=lambda item: schedule_date(item[0])))
    if isinstance(value, dict):
        raise _error("v_capacity_type")
    what = Message("v_capacity_word")
    return _check_places(_whole(value, what), what)


def _check_places(places: int, what: Message) -> int:
    if not 0 <= places <= MAX_CAPACITY:
        raise _error("v_capacity_range", what=what, max=MAX_CAPACITY, got=places)
    return places


def _each_in_range(
    values: dict[str, float],
    what: str,
    low: float,
    high: float,
    low_open: bool = False,
    hint: Message | str = "",
) -> dict[str, float]:
    """Every value of a {care type: number} mapping within [low, high] (or (low, high])."""
    for key, number in values.items():
        above = number > low if low_open else number >= low
        if math.isnan(number) or not above or number > high:
            raise _error(
                "v_range_above" if low_open else "v_range_between",
                what=Message(what),
                key=repr(key),
                number=float(number),
                low=float(low),
                high=float(high),
                hint=hint,
            )
    return values


# ---------------------------------------------------------------- annotated field types


def _in_range(
    what: str, low: float, high: float, low_open: bool = False, hint: Message | str = ""
) -> Callable[[dict[str, float]], dict[str, float]]:
    return lambda values: _each_in_range(values, what, low, high, low_open, hint)


def _bounds(low: float, high: float, low_open: bool = False) -> Any:
    """The same bounds for editors that read the JSON Schema."""
    bound = {"exclusiveMinimum" if low_open else "minimum": low, "maximum": high}
    return Field(json_schema_extra={"additionalProperties": {"type": "number", **bound}})


def _printable(text: str) -> str:
    """Text without control and format characters (NUL, right-to-left overrides, zero-width
    marks), which could hide or reverse what a name says; line breaks and tabs stay."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf"))


Text = Annotated[str, AfterValidator(_printable)]
YearMonth = Annotated[
    str,
    BeforeValidator(parse_year_month),
    Field(json_schema_extra={"pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}, examples=["2022-01"]),
]
Shares = Annotated[dict[str, float], AfterValidator(_check_shares)]
_PLACES_SCHEMA = {"type": "integer", "minimum": 0, "maximum": MAX_CAPACITY}
Capacity = Annotated[
    int | dict[int | str, int] | None,
    BeforeValidator(lambda value: parse_capacity(value, allow_schedule=True)),
    WithJsonSchema(
        {
            "anyOf": [
                _PLACES_SCHEMA,
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": r"^\d{4}(-(0[1-9]|1[0-2]))?$"},
                    "additionalProperties": _PLACES_SCHEMA,
                },
                {"type": "null"},
            ]
        }
    ),
]
EscalationRates = Annotated[
    dict[str, float],
    AfterValidator(_in_range("v_what_escalation_rate", 0.0, MAX_ESCALATION_PER_YEAR)),
    _bounds(0.0, MAX_ESCALATION_PER_YEAR),
]
InflowChanges = Annotated[
    dict[str, float],
    AfterValidator(
        _in_range("v_what_inflow_change", -1.0, 1.0, low_open=True, hint=Message("v_hint_fraction"))
    ),
    _bounds(-1.0, 1.0, low_open=True),
]
InflowFactors = Annotated[
    dict[str, float],
    AfterValidator(_in_range("v_what_inflow_factor", 0.0, MAX_FACTOR)),
    _bounds(0.0, MAX_FACTOR),
]
EscalationFactors = Annotated[  # 0 stops escalation
    dict[str, float],
    AfterValidator(_in_range("v_what_escalation_factor", 0.0, MAX_FACTOR)),
    _bounds(0.0, MAX_FACTOR),
]
StayFactors = Annotated[
    dict[str, float],
    AfterValidator(_in_range("v_what_stay_factor", 0.0, MAX_FACTOR, low_open=True)),
    _bounds(0.0, MAX_FACTOR, low_open=True),
]


def _one_destination(value: Any) -> Any:
    """``at_age_limit: verlengd`` is short for ``{verlengd: 1}``."""
    return {value: 1.0} if isinstance(value, str) else value


AgeRoute = Annotated[Shares, BeforeValidator(_one_destination)]
AgeShares = Annotated[
    dict[int, float], AfterValidator(lambda shares: _check_shares(shares, "v_age_shares_help"))
]  # {band's lower edge: share}
EscalationByAge = Annotated[
    dict[int, float],
    AfterValidator(_in_range("v_what_escalation_by_age", 0.0, MAX_FACTOR)),
    _bounds(0.0, MAX_FACTOR),
]
InflowByAge = Annotated[
    dict[int, float],
    AfterValidator(_in_range("v_what_inflow_by_age", 0.0, MAX_FACTOR)),
    _bounds(0.0, MAX_FACTOR),
]
StayByAge = Annotated[
    dict[int, float],
    AfterValidator(_in_range("v_what_stay_by_age", 0.0, MAX_FACTOR, low_open=True)),
    _bounds(0.0, MAX_FACTOR, low_open=True),
]


class CareType(Strict):
    """One state of the chain (home, foster, residential, jzplus, ...): its inflow, stays,
    escalation, outflow, capacity and tariff."""

    label: Text | None = Field(None, description="Name shown in the app and on slides (default: the key).")
    capacity: Capacity = Field(
        None,
        description="Places: a number, a schedule {year or 'YYYY-MM': places} from its first date, "
        "or omitted for unlimited. A lower capacity evicts nobody; it blocks admissions.",
    )
    initial: int = Field(0, ge=0, le=MAX_INITIAL, description="Youths present at the start date.")
    inflow_per_year: float = Field(
        0.0,
        ge=0.0,
        le=MAX_TOTAL_INFLOW_PER_YEAR,
        allow_inf_nan=False,
        description="New youths per year entering the chain here (a Poisson process).",
    )
    stay_months: float = Field(
        ge=MIN_STAY_MONTHS,
        le=MAX_STAY_MONTHS,
        allow_inf_nan=False,
        description="Mean regular stay in months (gamma distributed), before escalation cuts it short.",
    )
    stay_cv: float = Field(
        1.0,
        ge=MIN_STAY_CV,
        le=MAX_STAY_CV,
        allow_inf_nan=False,
        description="Coefficient of variation of the stay (1 = exponential, smaller = more regular).",
    )
    escalation_per_year: EscalationRates = Field(
        default_factory=dict,
        description="Competing hazards per year {heavier care type: rate} of moving there early.",
    )
    outflow: Shares = Field(
        default_factory=lambda: {EXIT: 1.0},
        description="Where a regular stay ends: {care type or 'exit': share}, shares summing to 1.",
    )
    when_full: Literal["wait", "elsewhere"] = Field(
        "wait",
        description="A youth who finds no place: 'wait' (FIFO list, keeping the current place) or "
        "'elsewhere' (placed outside the region).",
    )
    max_wait_months: float | None = Field(
        None,
        gt=0.0,
        le=MAX_STAY_MONTHS,
        allow_inf_nan=False,
        description="Longest wait for a place here before the youth is placed elsewhere (default: no limit).",
    )
    cost_per_day: float = Field(
        0.0, ge=0.0, le=100_000.0, allow_inf_nan=False, description="Tariff in euros per occupied day."
    )
    out_of_home: bool | None = Field(
        None,
        description="Counted in 'youths in out-of-home care'? Default: every care type but the first.",
    )
    # Age (with the scenario's ``age`` block only).
    entry_age: AgeShares | None = Field(
        None,
        description="With 'age': {band's lower edge: share} of the youths entering here from outside "
        "(and of those present at the start), uniform within the band.",
    )
    age_limit: int | None = Field(
        None,
        ge=1,
        le=MAX_AGE,
        description="With 'age': the age at which care here ends (default: the last of age.bands; "
        "e.g. 23 for extended care).",
    )
    at_age_limit: AgeRoute | None = Field(
        None,
        description="With 'age': where a youth goes at the age limit, a care type or "
        "{care type or 'exit': share} (default: exit).",
    )
    escalation_by_age: EscalationByAge | None = Field(
        None,
        description="With 'age': {band's lower edge: factor} on the escalation hazards while the youth "
        "is in that band (from the moment it enters it).",
    )
    stay_by_age: StayByAge | None = Field(
        None,
        description="With 'age': {band's lower edge: factor} on stays that start in that band.",
    )


class Policy(Strict):
    """A change from a date on: inflow trend or step, stay and escalation factors, outflow
    shares, capacity. It reaches youths already in care (DESIGN.md)."""

    name: Text = Field(min_length=1, max_length=200, description="What the policy is called in the app.")
    start: YearMonth = Field(alias="from", description="First month in force, 'YYYY-MM'.")
    inflow_change_per_year: InflowChanges = Field(
        default_factory=dict,
        description="{care type: yearly change} compounding from the date, e.g. -0.05 for -5% a year.",
    )
    inflow_factor: InflowFactors = Field(
        default_factory=dict, description="{care type: factor}: a one-off step in inflow from the date."
    )
    stay_factor: StayFactors = Field(
        default_factory=dict,
        description="{care type: factor} on stays; what remains of stays under way is rescaled too.",
    )
    escalation_factor: EscalationFactors = Field(
        default_factory=dict,
        description="{care type: factor} on its escalation hazards (0 stops escalation).",
    )
    outflow: dict[str, Shares] = Field(
        default_factory=dict, description="{care type: outflow shares} replacing the care type's own."
    )
    capacity: dict[str, int | None] = Field(
        default_factory=dict, description="{care type: places} from the date; null makes it unlimited."
    )
    at_age_limit: dict[str, AgeRoute] = Field(
        default_factory=dict,
        description="With 'age': {care type: where youths go at its age limit} replacing the care type's own.",
    )
    inflow_factor_by_age: dict[str, InflowByAge] = Field(
        default_factory=dict,
        description="With 'age': {care type: {band's lower edge: factor}} on new youths of that age entering "
        "there from outside, from the date (e.g. {residential: {0: 0.8}}: a fifth fewer under 12).",
    )

    @field_validator("capacity", mode="before")
    @classmethod
    def _capacity(cls, value: Any) -> dict[str, int | None]:
        if not isinstance(value, dict):
            raise _error("v_policy_capacity_type")
        return {name: _policy_places(places) for name, places in value.items()}


def _policy_places(value: Any) -> int | None:
    places = parse_capacity(value, allow_schedule=False)
    assert not isinstance(places, dict)  # allow_schedule=False refuses a schedule
    return places


class Spread(Strict):
    """The range of an uncertain input: uniform on [low, high], or triangular with its peak
    at ``mode``."""

    low: float = Field(allow_inf_nan=False, description="Lowest value.")
    high: float = Field(allow_inf_nan=False, description="Highest value.")
    mode: float | None = Field(
        None, allow_inf_nan=False, description="Most likely value (triangular); omitted: uniform."
    )
    label: Text | None = Field(
        None, max_length=120, description="A named assumption's name in words (assumptions.<name>)."
    )
    at: list[Annotated[float, Field(allow_inf_nan=False)]] | None = Field(
        None,
        description="A named assumption (assumptions.<name>): its values at which 'sets' gives the inputs "
        "(increasing, covering low to high).",
    )
    sets: dict[str, list[Annotated[float, Field(allow_inf_nan=False)]]] = Field(
        default_factory=dict,
        description="A named assumption: {path: the input's value at each value of 'at'}; a drawn value "
        "sets every path by linear interpolation between them (the calibration at those values).",
    )

    @model_validator(mode="after")
    def _order(self) -> Spread:
        if self.low > self.high:
            raise _error("v_spread_order", low=self.low, high=self.high)
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise _error("v_spread_mode", mode=self.mode, low=self.low, high=self.high)
        if (self.at is None) != (not self.sets):
            raise _error("v_spread_at_sets")
        if self.at is not None:
            if len(self.at) < 2 or any(b <= a for a, b in zip(self.at, self.at[1:], strict=False)):
                raise _error("v_spread_at_order")
            if self.at[0] > self.low or self.at[-1] < self.high:
                raise _error(
                    "v_spread_at_cover", first=self.at[0], last=self.at[-1], low=self.low, high=self.high
                )
            for path, values in self.sets.items():
                if len(values) != len(self.at):
                    raise _error("v_spread_sets_length", path=path, n=len(values), at=len(self.at))
        return self


class Age(Strict):
    """Age bands: youths have an age, which advances with time; care ends at an age limit."""

    bands: list[int] = Field(
        description="Lower edges of the age bands in years, increasing, e.g. [0, 12, 16, 18]; the last "
        "is the age at which care ends (a care type's age_limit can lie above it).",
    )

    @field_validator("bands")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        if len(value) < 2:
            raise _error("v_age_bands_few")
        if value[0] < 0 or value[-1] > MAX_AGE:
            raise _error("v_age_bands_range", max=MAX_AGE, got=str(value))
        if any(b <= a for a, b in itertools.pairwise(value)):
            raise _error("v_age_bands_order", got=str(value))
        return value


class Scenario(Strict):
    """The whole input of a run: care types (light -> heavy), policies, horizon, replications
    and seed. Load one with ``scenario.load_scenario`` or ``scenario.scenario_from_dict``."""

    name: Text = Field(min_length=1, max_length=200, description="Title of the scenario.")
    description: Text = Field("", description="Sources and assumptions, free text.")
    region: Text = Field("", description="The jeugdhulpregio or municipalities it covers.")
    start: YearMonth = Field(description="Start month 'YYYY-MM'; day 0 is its first day.")
    years: int = Field(10, ge=1, le=MAX_YEARS, description="Horizon in years.")
    replications: int = Field(30, ge=1, le=MAX_REPLICATIONS, description="Independent runs averaged.")
    seed: int = Field(
        DEFAULT_SEED, ge=0, le=2**63 - 1, description="Seed of all random streams (common random numbers)."
    )
    service_level: float = Field(
        0.95, gt=0.0, lt=1.0, description="Share of youths to be placed at once, for 'beds needed'."
    )
    care_types: dict[str, CareType] = Field(description="The care types, in order from light to heavy.")
    policies: list[Policy] = Field(
        default_factory=list, description="Changes from a date, in force together."
    )
    age: Age | None = Field(
        None, description="Age bands (optional): youths age, and leave care at an age limit (or move on)."
    )
    uncertainty: dict[str, Spread] = Field(
        default_factory=dict,
        description="{path: {low, high, mode}}: inputs drawn per replication (Latin hypercube), e.g. "
        "'care_types.residential.stay_months' or 'policies[0].inflow_change_per_year.jzplus'.",
    )

    @field_validator("care_types")
    @classmethod
    def _care_types(cls, value: dict[str, CareType]) -> dict[str, CareType]:
        if not value:
            raise _error("v_care_types_empty")
        if len(value) > MAX_CARE_TYPES:
            raise _error("v_care_types_many", max=MAX_CARE_TYPES)
        return value

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        problems = reference_problems(self)
        if problems:
            # The problems travel in ctx so that format_validation_error can give each its own path.
            raise PydanticCustomError(
                "scenario_references",
                "{summary}",
                {"summary": "; ".join(f"{p}: {m}" for p, m in problems), "problems": problems},
            )
        return self

    # ------------------------------------------------------------ conveniences

    @property
    def type_names(self) -> list[str]:
        """Care type names in file order (light -> heavy)."""
        return list(self.care_types)

    def label(self, name: str) -> str:
        """The care type's label, or its name when it has none."""
        return self.care_types[name].label or name

    def out_of_home(self, name: str) -> bool:
        """Whether youths in this care type count as out-of-home care (the key figure)."""
        flag = self.care_types[name].out_of_home
        return self.type_names.index(name) > 0 if flag is None else flag

    def to_dict(self) -> dict[str, Any]:
        """Plain data in file order, as saved to YAML (``from`` spelled as in the file)."""
        data = self.model_dump(mode="python", by_alias=True, exclude_none=True)
        if not data["uncertainty"]:  # a scenario without uncertain inputs says nothing of them
            del data["uncertainty"]
        for policy in data["policies"]:  # a lever a policy does not use says nothing
            for key in [k for k, v in policy.items() if v == {}]:
                del policy[key]
        return data


# ---------------------------------------------------------------- cross-field checks


def reference_problems(scenario: Scenario) -> list[tuple[str, Message]]:
    """Checks that need the whole scenario (not its plan): destinations, order, names, sizes."""
    names = scenario.type_names
    order = {name: k for k, name in enumerate(names)}
    problems: list[tuple[str, Message]] = []
    known = ", ".join(names)

    def unknown(path: str, name: str, allow_exit: bool) -> bool:
        if name in order or (allow_exit and name == EXIT):
            return False
        hint = difflib.get_close_matches(name, names + ([EXIT] if allow_exit else []), n=1)
        problems.append(
            (
                path,
                Message(
                    "v_not_care_type_or_exit" if allow_exit else "v_not_care_type",
                    name=repr(name),
                    hint=_did_you_mean(hint),
                    known=known,
                ),
            )
        )
        return True

    for name, care in scenario.care_types.items():
        base = f"care_types.{name}"
        if name in RESERVED_NAMES or not TYPE_NAME.match(name):
            problems.append((base, Message("v_bad_type_name", name=repr(name))))
        for dest in care.escalation_per_year:
            if unknown(f"{base}.escalation_per_year", dest, allow_exit=False):
                continue
            if order[dest] <= order[name]:
                problems.append(
                    (
                        f"{base}.escalation_per_year",
                        Message("v_escalation_heavier", name=repr(name), dest=repr(dest)),
                    )
                )
        for dest in care.outflow:
            if unknown(f"{base}.outflow", dest, allow_exit=True):
                continue
            if dest == name:
                problems.append((f"{base}.outflow", Message("v_self_flow", name=repr(name))))
        if isinstance(care.capacity, dict):
            first = next(iter(care.capacity))  # sorted by date
            start_year, start_month = year_month_tuple(scenario.start)
            # A year covers the start year; a month must not lie after the start month.
            late = (
                first > start_year
                if isinstance(first, int)
                else schedule_date(first) > (start_year, start_month)
            )
            if late:
                problems.append(
                    (f"{base}.capacity", Message("v_schedule_after_start", first=first, start=scenario.start))
                )

    start = year_month_tuple(scenario.start)
    end = _add_months(start, 12 * scenario.years)
    for k, policy in enumerate(scenario.policies):
        base = f"policies[{k}]"
        date = year_month_tuple(policy.start)
        if not start <= date < end:
            last = _add_months(end, -1)
            problems.append(
                (
                    f"{base}.from",
                    Message(
                        "v_policy_outside",
                        date=policy.start,
                        start=scenario.start,
                        end=f"{last[0]:04d}-{last[1]:02d}",
                    ),
                )
            )
        for lever in (
            "inflow_change_per_year",
            "inflow_factor",
            "stay_factor",
            "escalation_factor",
            "outflow",
            "capacity",
        ):
            for name in getattr(policy, lever):
                unknown(f"{base}.{lever}", name, allow_exit=False)
        for name, shares in policy.outflow.items():
            for dest in shares:
                if not unknown(f"{base}.outflow.{name}", dest, allow_exit=True) and dest == name:
                    problems.append((f"{base}.outflow.{name}", Message("v_self_flow", name=repr(name))))

    problems.extend(age_problems(scenario, unknown))

    total_initial = sum(c.initial for c in scenario.care_types.values())
    if total_initial > MAX_INITIAL:
        problems.append(("care_types", Message("v_total_initial", total=total_initial, max=MAX_INITIAL)))
    return problems


AGE_FIELDS = ("entry_age", "age_limit", "at_age_limit", "escalation_by_age", "stay_by_age")


def age_limit_of(scenario: Scenario, name: str) -> int:
    """The age at which care in this type ends (with an ``age`` block)."""
    assert scenario.age is not None
    limit = scenario.care_types[name].age_limit
    return scenario.age.bands[-1] if limit is None else limit


def band_edges_of(scenario: Scenario, name: str) -> list[int]:
    """The lower edges of the bands a youth in this type can be in: the bands below the age
    limit, and from the last edge when the type's limit lies above it."""
    assert scenario.age is not None
    limit = age_limit_of(scenario, name)
    return [edge for edge in scenario.age.bands if edge < limit]


def age_problems(scenario: Scenario, unknown: Callable[[str, str, bool], bool]) -> list[tuple[str, Message]]:
    """The age fields against the bands and each other (``unknown`` reports a name that is
    not a care type)."""
    problems: list[tuple[str, Message]] = []
    age = scenario.age
    if age is None:
        for name, care in scenario.care_types.items():
            for field in AGE_FIELDS:
                if getattr(care, field) is not None:
                    problems.append((f"care_types.{name}.{field}", Message("v_age_without_bands")))
        for k, policy in enumerate(scenario.policies):
            for field in ("at_age_limit", "inflow_factor_by_age"):
                if getattr(policy, field):
                    problems.append((f"policies[{k}].{field}", Message("v_age_without_bands")))
        return problems
    last = age.bands[-1]

    def route(path: str, source: str, shares: dict[str, float]) -> None:
        for dest in shares:
            if unknown(path, dest, True) or dest == EXIT:
                continue
            if dest == source:
                problems.append((path, Message("v_age_route_self", name=repr(source))))
            elif age_limit_of(scenario, dest) <= age_limit_of(scenario, source):
                problems.append(
                    (
                        path,
                        Message(
                            "v_age_route_limit",
                            name=repr(source),
                            dest=repr(dest),
                            limit=age_limit_of(scenario, source),
                            dest_limit=age_limit_of(scenario, dest),
                        ),
                    )
                )

    for name, care in scenario.care_types.items():
        base = f"care_types.{name}"
        limit = age_limit_of(scenario, name)
        if limit < last:
            problems.append((f"{base}.age_limit", Message("v_age_limit_low", limit=limit, last=last)))
            continue
        edges = band_edges_of(scenario, name)
        for field in ("entry_age", "escalation_by_age", "stay_by_age"):
            for edge in getattr(care, field) or {}:
                if edge not in edges:
                    problems.append(
                        (
                            f"{base}.{field}",
                            Message(
                                "v_age_not_edge", edge=edge, edges=", ".join(map(str, edges)), limit=limit
                            ),
                        )
                    )
        if care.entry_age is None and (care.inflow_per_year > 0 or care.initial > 0):
            problems.append((f"{base}.entry_age", Message("v_age_entry_missing", name=repr(name))))
        if care.at_age_limit is not None:
            route(f"{base}.at_age_limit", name, care.at_age_limit)
    for k, policy in enumerate(scenario.policies):
        for name, shares in policy.at_age_limit.items():
            if not unknown(f"policies[{k}].at_age_limit", name, False):
                route(f"policies[{k}].at_age_limit.{name}", name, shares)
        for name, factors in policy.inflow_factor_by_age.items():
            path = f"policies[{k}].inflow_factor_by_age"
            if unknown(path, name, False):
                continue
            entry = scenario.care_types[name].entry_age or {}
            for edge in factors:
                if edge not in entry:
                    problems.append(
                        (
                            f"{path}.{name}",
                            Message(
                                "v_age_not_entry",
                                edge=edge,
                                name=repr(name),
                                edges=", ".join(map(str, entry)),
                            ),
                        )
                    )
    return problems


def _add_months(year_month: tuple[int, int], months: int) -> tuple[int, int]:
    total = year_month[0] * 12 + year_month[1] - 1 + months
    return total // 12, total % 12 + 1


# ---------------------------------------------------------------- errors


def _dotted(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


# pydantic's own error types -> (message key, the ctx field holding the limit)
_FRIENDLY = {
    "missing": ("v_missing", None),
    "int_type": ("v_int", None),
    "int_parsing": ("v_int", None),
    "int_from_float": ("v_int", None),
    "float_type": ("v_float", None),
    "float_parsing": ("v_float", None),
    "finite_number": ("v_finite", None),
    "dict_type": ("v_dict", None),
    "list_type": ("v_list", None),
    "string_type": ("v_string", None),
    "bool_type": ("v_bool", None),
    "bool_parsing": ("v_bool", None),
    "greater_than_equal": ("v_ge", "ge"),
    "greater_than": ("v_gt", "gt"),
    "less_than_equal": ("v_le", "le"),
    "less_than": ("v_lt", "lt"),
    "string_too_short": ("v_too_short", None),
    "string_too_long": ("v_too_long", "max_length"),
    "literal_error": ("v_literal", "expected"),
}


def _did_you_mean(matches: list[str]) -> Message | str:
    return Message("v_did_you_mean", name=repr(matches[0])) if matches else ""


def format_validation_error(error: ValidationError) -> list[tuple[str, Message]]:
    """(field path, message) per problem."""
    problems: list[tuple[str, Message]] = []
    for item in error.errors(include_url=False):
        loc, kind, ctx = item["loc"], item["type"], item.get("ctx") or {}
        if kind == "scenario_references":
            problems.extend((_dotted((*loc, p)) if loc else p, m) for p, m in ctx["problems"])
            continue
        path = _dotted(loc)
        if isinstance(ctx.get("message"), Message):  # our own checks: the message is complete
            problems.append((path, ctx["message"]))
            continue
        if kind == "extra_forbidden":
            fields = _fields_at(loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), fields, n=1)
            problems.append(
                (path, Message("v_unknown_field", hint=_did_you_mean(hint), allowed=", ".join(fields)))
            )
            continue
        if kind in _FRIENDLY:
            key, limit = _FRIENDLY[kind]
            values = (
                {"limit": ctx[limit]} if limit == "max_length" or limit in ("ge", "gt", "le", "lt") else {}
            )
            if limit == "expected":
                values = {"expected": ctx["expected"]}
            message = Message(key, **values)
        else:
            message = Message("v_raw", text=item["msg"])  # a rare pydantic error: its own (English) words
        if kind != "missing" and not isinstance(item.get("input"), dict | list):
            got = Message("v_got", got=repr(item["input"]))  # pydantic's own errors do not say what they got
            message = Message("v_joined", first=message, second=got)
        problems.append((path, message))
    return problems


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """Allowed field names at a location, for 'did you mean' hints."""
    model: type[Strict]
    if not loc:
        model = Scenario
    elif loc[0] == "care_types" and len(loc) == 2:
        model = CareType
    elif loc == ("age",):
        model = Age
    elif loc[0] == "policies" and len(loc) == 2:
        return [f.alias or n for n, f in Policy.model_fields.items()]
    else:
        return []
    return list(model.model_fields)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (field names as written, ``from`` for a policy's
    date), with every field's description, for editors that check YAML as it is typed."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "jeugdzorg-sim scenario"
    return schema
