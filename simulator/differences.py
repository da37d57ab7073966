"""Which settings differ between scenarios, in words: "Capaciteit JeugdzorgPlus vanaf 2022:
43 → 35", not "care_types.jzplus.capacity.2022: 43 → –".

Capacity is compared as what is in force, not as how it is written: a schedule's entry, a
type's fixed number and a policy's capacity that give the same places from the same month
are no difference, and a month from which the places differ is named once. A setting one
scenario lacks reads "geen" (a policy it does not have, no maximum wait), never "–", which
read as "removed". ``compare.parameter_differences`` keeps the schema paths, for the
command line's parameters.csv.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from simulator.i18n import number, signed, t, trimmed
from simulator.scenario import Scenario
from simulator.schema import age_limit_of
from simulator.timeline import UNLIMITED, Calendar, compile_capacity

Format = Callable[[Any, str], str]


def _plain(decimals: int) -> Format:
    return lambda value, lang: trimmed(value, lang, decimals)


def _percent(value: Any, lang: str) -> str:
    return trimmed(100 * value, lang, 1) + "%"


def _signed_percent(value: Any, lang: str) -> str:
    text = signed(100 * value, lang, 1)
    return text[0] + trimmed(abs(round(100 * value, 1)), lang, 1) + "%"


def _euro(value: Any, lang: str) -> str:
    """Whole euros as they are ("€ 27"), cents when there are any ("€ 250,50")."""
    return "€ " + number(value, lang, 0 if value == round(value) else 2)


def _text(value: Any, lang: str) -> str:
    return str(value)


def _when_full(value: Any, lang: str) -> str:
    return t("d_when_full_" + value, lang)


def _yes_no(value: Any, lang: str) -> str:
    return t("d_yes" if value else "d_no", lang)


def _places(value: Any, lang: str) -> str:
    return t("unlimited", lang) if value == UNLIMITED else number(value, lang)


MISSING = object()  # a setting the scenario does not have ("geen": no policy, no maximum wait)
ABSENT = object()  # a care type the scenario does not have, or a month outside its calendar


def described_differences(
    scenarios: list[Scenario],
    labels: list[str] | None = None,
    lang: str = "nl",
    policies: bool = True,
    run_settings: bool = True,
) -> pd.DataFrame:
    """One row per setting whose value is not the same in all scenarios (the first is the
    baseline): the setting in words, then its value in each scenario, in ``lang``'s number
    format. Names and descriptions are left out (they always differ); ``policies=False``
    leaves out the policies' rows (capacity in force stays), ``run_settings=False`` the
    seed and the number of replications."""
    labels = labels or [s.name for s in scenarios]
    rows: list[list[str]] = []

    def compare(words: str, values: list[Any], show: Format) -> None:
        if _differ(values):
            rows.append([words, *_shown(values, show, lang)])

    for field, show in (
        ("region", _text),
        ("start", _text),
        ("years", _plain(0)),
        ("replications", _plain(0)),
        ("seed", _plain(0)),
        ("service_level", _percent),
    ):
        if field in ("replications", "seed") and not run_settings:
            continue
        compare(t("d_" + field, lang), [getattr(s, field) for s in scenarios], show)

    compare(
        t("d_age_bands", lang),
        [MISSING if s.age is None else ", ".join(map(str, s.age.bands)) for s in scenarios],
        _text,
    )
    names = list(dict.fromkeys(name for s in scenarios for name in s.type_names))

    def label(name: str) -> str:  # the first scenario that has the care type names it
        if name == "exit":
            return t("d_exit", lang)
        return next(s.label(name) for s in scenarios if name in s.care_types)

    for name in names:
        cares = [s.care_types.get(name) for s in scenarios]
        if any(care is None for care in cares):
            compare(t("d_care_type", lang, label=label(name)), [care is not None for care in cares], _yes_no)
        rows_of_type: list[tuple[str, Callable[[Any], Any], Format]] = [
            ("d_initial", lambda c: c.initial, _plain(0)),
            ("d_inflow", lambda c: c.inflow_per_year, _plain(1)),
            ("d_stay", lambda c: c.stay_months, _plain(2)),
            ("d_stay_cv", lambda c: c.stay_cv, _plain(2)),
            ("d_when_full", lambda c: c.when_full, _when_full),
            ("d_max_wait", lambda c: MISSING if c.max_wait_months is None else c.max_wait_months, _plain(1)),
            ("d_cost", lambda c: c.cost_per_day, _euro),
            ("d_out_of_home", lambda c: c.out_of_home, _out_of_home),
        ]
        for key, read, show in rows_of_type:
            compare(
                t(key, lang, label=label(name)),
                [ABSENT if care is None else read(care) for care in cares],
                show,
            )
        compare(
            t("d_age_limit", lang, label=label(name)),
            [
                ABSENT if care is None else MISSING if s.age is None else age_limit_of(s, name)
                for s, care in zip(scenarios, cares, strict=True)
            ],
            _plain(0),
        )
        for key, attribute, show in (
            ("d_escalation", "escalation_per_year", _plain(4)),
            ("d_outflow", "outflow", _percent),
            ("d_at_age_limit", "at_age_limit", _percent),
        ):
            targets = dict.fromkeys(d for care in cares if care for d in getattr(care, attribute) or {})
            for target in targets:
                compare(
                    t(key, lang, label=label(name), target=label(target)),
                    [
                        ABSENT if care is None else (getattr(care, attribute) or {}).get(target, 0.0)
                        for care in cares
                    ],
                    show,
                )
        for key, attribute, show, absent in (
            ("d_entry_age", "entry_age", _percent, 0.0),
            ("d_escalation_by_age", "escalation_by_age", _plain(3), 1.0),
            ("d_stay_by_age", "stay_by_age", _plain(3), 1.0),
        ):
            edges = sorted({e for care in cares if care for e in getattr(care, attribute) or {}})
            for edge in edges:
                compare(
                    t(key, lang, label=label(name), edge=edge),
                    [
                        ABSENT if care is None else (getattr(care, attribute) or {}).get(edge, absent)
                        for care in cares
                    ],
                    show,
                )
    rows += _capacity_rows(scenarios, names, label, lang)
    if policies:
        rows += _policy_rows(scenarios, label, lang)
    return pd.DataFrame(rows, columns=[t("d_setting", lang), *labels])


def _differ(values: list[Any]) -> bool:
    """Whether the values are not all equal among the scenarios that have the care type (one
    that a scenario lacks is said once, not again in each of its settings)."""
    values = [v for v in values if v is not ABSENT]
    return any(v != values[0] for v in values[1:])


def _shown(values: list[Any], show: Format, lang: str) -> list[str]:
    return [
        t("d_absent", lang) if v is ABSENT else t("d_none", lang) if v is MISSING else show(v, lang)
        for v in values
    ]


def _out_of_home(value: Any, lang: str) -> str:
    return t("d_automatic", lang) if value is None else _yes_no(value, lang)


def _capacity_rows(
    scenarios: list[Scenario], names: list[str], label: Callable[[str], str], lang: str
) -> list[list[str]]:
    """Capacity in force, per month from which it differs ("vanaf 2022", "vanaf 2022-07")."""
    changes = []  # per scenario: {care type: [(year-month, places), ...]}
    spans = []  # per scenario: its first month and the month after its last
    for scenario in scenarios:
        calendar = Calendar.of(scenario)
        compiled = compile_capacity(scenario, calendar)
        changes.append(
            {
                name: [(_year_month(calendar, day), places) for day, places in steps]
                for name, steps in zip(scenario.type_names, compiled, strict=True)
            }
        )
        spans.append((_year_month(calendar, 0.0), _year_month(calendar, calendar.horizon)))
    rows = []
    for name in names:
        months = sorted(
            {month for c in changes if name in c for month, _ in c[name]} | {start for start, _ in spans}
        )
        before: tuple | None = None
        for month in months:
            values = tuple(
                _in_force(c.get(name), month) if start <= month < end else ABSENT
                for c, (start, end) in zip(changes, spans, strict=True)
            )
            if values == before:
                continue
            before = values
            if _differ(list(values)):
                year, m = month
                when = str(year) if m == 1 else f"{year}-{m:02d}"
                rows.append(
                    [
                        t("d_capacity", lang, label=label(name), when=when),
                        *_shown(list(values), _places, lang),
                    ]
                )
    return rows


def _year_month(calendar: Calendar, day: float) -> tuple[int, int]:
    date = calendar.start_date + dt.timedelta(days=day)
    return date.year, date.month


def _in_force(steps: list[tuple[tuple[int, int], float]] | None, month: tuple[int, int]) -> Any:
    if steps is None:
        return ABSENT
    value = steps[0][1]
    for start, places in steps:
        if start <= month:
            value = places
    return value


def _by_name(policies: list) -> dict[str, Any]:
    """Policies by name; a name used again (a saved workshop result changed in the workshop
    again has two 'Workshop' policies) gets its occurrence: 'Workshop (2)'."""
    out: dict[str, Any] = {}
    for policy in policies:
        name, k = policy.name, 1
        while name in out:
            k += 1
            name = f"{policy.name} ({k})"
        out[name] = policy
    return out


def _policy_rows(scenarios: list[Scenario], label: Callable[[str], str], lang: str) -> list[list[str]]:
    """Each policy's settings, by its name; capacity is left to the capacity rows (what is in
    force), so a policy that sets what a schedule already had is no difference."""
    by_name = [_by_name(s.policies) for s in scenarios]
    names = list(dict.fromkeys(name for policies in by_name for name in policies))
    rows = []
    for policy_name in names:
        policies = [policies.get(policy_name) for policies in by_name]

        def add(words: str, values: list[Any], show: Format) -> None:
            if any(v != values[0] for v in values[1:]):
                rows.append([words, *(t("d_none", lang) if v is MISSING else show(v, lang) for v in values)])

        add(
            t("d_policy_from", lang, policy=policy_name),
            [MISSING if p is None else p.start for p in policies],
            _text,
        )
        for key, attribute, show in (
            ("d_policy_inflow_change", "inflow_change_per_year", _signed_percent),
            ("d_policy_inflow_factor", "inflow_factor", _plain(3)),
            ("d_policy_stay_factor", "stay_factor", _plain(3)),
            ("d_policy_escalation_factor", "escalation_factor", _plain(3)),
        ):
            for care in dict.fromkeys(c for p in policies if p for c in getattr(p, attribute)):
                add(
                    t(key, lang, policy=policy_name, label=label(care)),
                    [MISSING if p is None else getattr(p, attribute).get(care, MISSING) for p in policies],
                    show,
                )
        for care in dict.fromkeys(c for p in policies if p for c in p.inflow_factor_by_age):
            for edge in sorted({e for p in policies if p for e in p.inflow_factor_by_age.get(care, {})}):
                add(
                    t("d_policy_inflow_by_age", lang, policy=policy_name, label=label(care), edge=edge),
                    [
                        MISSING if p is None else p.inflow_factor_by_age.get(care, {}).get(edge, MISSING)
                        for p in policies
                    ],
                    _plain(3),
                )
        for care in dict.fromkeys(c for p in policies if p for c in p.at_age_limit):
            routes = [None if p is None else p.at_age_limit.get(care) for p in policies]
            for target in dict.fromkeys(d for r in routes if r is not None for d in r):
                add(
                    t(
                        "d_policy_at_age_limit",
                        lang,
                        policy=policy_name,
                        label=label(care),
                        target=label(target),
                    ),
                    [MISSING if r is None else r.get(target, 0.0) for r in routes],
                    _percent,
                )
        for care in dict.fromkeys(c for p in policies if p for c in p.outflow):
            shares: list[dict[str, float] | None] = [
                None if p is None else p.outflow.get(care) for p in policies
            ]
            targets = dict.fromkeys(d for s in shares if s is not None for d in s)
            for target in targets:
                add(
                    t("d_policy_outflow", lang, policy=policy_name, label=label(care), target=label(target)),
                    [MISSING if s is None else s.get(target, 0.0) for s in shares],
                    _percent,
                )
    return rows
