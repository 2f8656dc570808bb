"""What a zone's incentive rules are worth to one project, year by year: a pure function of rules and project.

Each rule lowers one rate below the general regime's (a tax on profit, a duty or tax on imported
equipment, the income tax on pay) for some years of the project, until the rule's end date if it has
one. What it is worth in a year is the base it applies to times the difference of the two rates; never
less than nothing, since a rule's rate is never above the general one (the editor refuses that).
Nothing here reads the database or the request, so the property tests can drive it freely.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: how many years an estimate covers
YEARS = 10
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rule:
    """One incentive as the estimator needs it (``models.IncentiveRule`` holds it, with texts and sources)."""

    key: str
    #: what the rates apply to: one of ``models.INCENTIVE_BASES``
    basis: str
    #: percent under the general regime, and under this rule (not above it)
    general_rate: Decimal
    rule_rate: Decimal
    #: the project's years it applies in, from 1
    first_year: int = 1
    last_year: int = YEARS
    #: the first day it no longer applies, if it ends: the year it falls in counts in part, later years not at all
    ends_on: date | None = None


@dataclass(frozen=True)
class Project:
    """What the investor tells the estimator; amounts in US dollars, shares in percent."""

    investment: Decimal
    imported_share: Decimal
    annual_profit: Decimal
    export_share: Decimal
    jobs: int
    #: pay of one job a year (only the rules on the income tax of pay need it)
    annual_pay: Decimal
    #: the calendar year the project's first year begins in (1 January)
    start_year: int


@dataclass(frozen=True)
class Line:
    """What one rule is worth in each year of the estimate, and in all of them."""

    rule: Rule
    years: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.years, Decimal(0))


@dataclass(frozen=True)
class Estimate:
    project: Project
    lines: tuple[Line, ...]

    @property
    def calendar_years(self) -> list[int]:
        return [self.project.start_year + offset for offset in range(YEARS)]

    @property
    def per_year(self) -> tuple[Decimal, ...]:
        return tuple(sum(column, Decimal(0)) for column in zip(*(line.years for line in self.lines), strict=True))

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))


def base(rule: Rule, project: Project) -> Decimal:
    """What ``rule``'s rates apply to in a year it applies in, in dollars."""
    if rule.basis == "profit":
        return project.annual_profit
    if rule.basis == "export_profit":
        return project.annual_profit * project.export_share / HUNDRED
    if rule.basis == "imported_equipment":
        return project.investment * project.imported_share / HUNDRED
    if rule.basis == "payroll":
        return project.annual_pay * project.jobs
    raise ValueError(f"unknown basis {rule.basis!r}")


def share_of_year(rule: Rule, project: Project, year: int) -> Decimal:
    """How much of the project's ``year`` (1 to YEARS) ``rule`` applies in: 1, 0, or the part before its end."""
    if rule.basis == "imported_equipment" and year != 1:
        return Decimal(0)  # equipment is bought once, as the project starts
    if not rule.first_year <= year <= rule.last_year:
        return Decimal(0)
    if rule.ends_on is None:
        return Decimal(1)
    begins = date(project.start_year + year - 1, 1, 1)
    days = (date(begins.year + 1, 1, 1) - begins).days
    return Decimal(min(max((rule.ends_on - begins).days, 0), days)) / Decimal(days)


def estimate(rules: Iterable[Rule], project: Project) -> Estimate:
    """Each rule's worth to ``project`` against the general regime, for each of its first YEARS years."""
    lines = []
    for rule in rules:
        saved = max(rule.general_rate - rule.rule_rate, Decimal(0)) / HUNDRED
        worth = base(rule, project) * saved
        years = tuple(worth * share_of_year(rule, project, year) for year in range(1, YEARS + 1))
        lines.append(Line(rule, years))
    return Estimate(project, tuple(lines))
