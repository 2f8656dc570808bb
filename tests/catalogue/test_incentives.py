"""The estimate itself: what incentive rules are worth to a project, by examples and by properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.catalogue.incentives import YEARS, Project, Rule, estimate

PROJECT = Project(
    investment=Decimal(10_000_000),
    imported_share=Decimal(40),
    annual_profit=Decimal(2_000_000),
    export_share=Decimal(50),
    jobs=200,
    annual_pay=Decimal(3_000),
    start_year=2027,
)


def worth(rule: Rule, project: Project = PROJECT) -> list[Decimal]:
    (line,) = estimate([rule], project).lines
    return list(line.years)


def test_a_profit_tax_holiday_is_worth_the_tax_spared_each_year_it_lasts():
    holiday = Rule("holiday", "profit", Decimal(29), Decimal(0), first_year=1, last_year=5)
    assert worth(holiday) == [Decimal(580_000)] * 5 + [Decimal(0)] * 5


def test_equipment_counts_once_in_the_first_year():
    duty = Rule("duty", "imported_equipment", Decimal(18), Decimal(0), first_year=1, last_year=10)
    assert worth(duty) == [Decimal(720_000)] + [Decimal(0)] * 9  # 18% of 40% of 10 million


def test_a_reduced_rate_on_pay_and_a_rule_on_exports():
    pay = Rule("pay", "payroll", Decimal(10), Decimal(5))
    exports = Rule("exports", "export_profit", Decimal(10), Decimal(0))
    assert worth(pay) == [Decimal(30_000)] * 10  # 5% of 200 jobs × 3,000
    assert worth(exports) == [Decimal(100_000)] * 10  # 10% of half the profit


def test_a_sunset_cuts_the_year_it_falls_in_by_its_days_and_the_years_after():
    holiday = Rule("holiday", "profit", Decimal(29), Decimal(0), ends_on=date(2035, 7, 1))
    years = worth(holiday, replace(PROJECT, start_year=2031))
    assert years[:4] == [Decimal(580_000)] * 4
    assert round(years[4]) == 287_616  # 181 of 2035's 365 days
    assert years[5:] == [Decimal(0)] * 5


def test_totals_per_rule_per_year_and_overall_add_up():
    rules = [
        Rule("holiday", "profit", Decimal(29), Decimal(0), last_year=5),
        Rule("duty", "imported_equipment", Decimal(18), Decimal(0)),
    ]
    result = estimate(rules, PROJECT)
    assert [line.total for line in result.lines] == [Decimal(2_900_000), Decimal(720_000)]
    assert result.per_year[0] == Decimal(1_300_000)
    assert result.total == Decimal(3_620_000) == sum(result.per_year)
    assert result.calendar_years == list(range(2027, 2037))


def test_no_rules_are_worth_nothing():
    result = estimate([], PROJECT)
    assert result.total == 0
    assert result.per_year == ()


rates = st.decimals(min_value=0, max_value=100, places=2)
amounts = st.decimals(min_value=0, max_value=10**11, places=0)
shares = st.decimals(min_value=0, max_value=100, places=0)


@st.composite
def rules(draw) -> Rule:
    general = draw(rates)
    first = draw(st.integers(1, YEARS))
    return Rule(
        key=draw(st.text(min_size=1, max_size=5)),
        basis=draw(st.sampled_from(["profit", "export_profit", "imported_equipment", "payroll"])),
        general_rate=general,
        rule_rate=draw(st.decimals(min_value=0, max_value=general, places=2)),
        first_year=first,
        last_year=draw(st.integers(first, YEARS)),
        ends_on=draw(st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2120, 12, 31))),
    )


projects = st.builds(
    Project,
    investment=amounts,
    imported_share=shares,
    annual_profit=amounts,
    export_share=shares,
    jobs=st.integers(0, 1_000_000),
    annual_pay=amounts,
    start_year=st.integers(2000, 2100),
)
#: the inputs an investor can raise, and how to raise each
RAISES = {
    "investment": lambda p, d: replace(p, investment=p.investment + d),
    "imported_share": lambda p, d: replace(p, imported_share=min(p.imported_share + d, Decimal(100))),
    "annual_profit": lambda p, d: replace(p, annual_profit=p.annual_profit + d),
    "export_share": lambda p, d: replace(p, export_share=min(p.export_share + d, Decimal(100))),
    "jobs": lambda p, d: replace(p, jobs=p.jobs + int(d)),
    "annual_pay": lambda p, d: replace(p, annual_pay=p.annual_pay + d),
}


@settings(max_examples=300, deadline=None)
@given(st.lists(rules(), max_size=5), projects)
def test_no_figure_is_ever_negative_and_the_totals_add_up(some_rules, project):
    result = estimate(some_rules, project)
    assert all(value >= 0 for line in result.lines for value in line.years)
    assert all(len(line.years) == YEARS for line in result.lines)
    assert result.total == sum(line.total for line in result.lines) == sum(result.per_year, Decimal(0))


@settings(max_examples=300, deadline=None)
@given(st.lists(rules(), min_size=1, max_size=5), projects, st.sampled_from(sorted(RAISES)), amounts)
def test_more_of_any_input_is_never_worth_less_in_any_year(some_rules, project, name, more):
    before = estimate(some_rules, project)
    after = estimate(some_rules, RAISES[name](project, more))
    for old, new in zip(before.lines, after.lines, strict=True):
        assert all(n >= o for o, n in zip(old.years, new.years, strict=True)), name


@settings(max_examples=200, deadline=None)
@given(rules(), projects, st.decimals(min_value=0, max_value=100, places=2))
def test_a_lower_rule_rate_is_never_worth_less(rule, project, lower_by):
    lower = replace(rule, rule_rate=max(rule.rule_rate - lower_by, Decimal(0)))
    assert all(n >= o for o, n in zip(worth(rule, project), worth(lower, project), strict=True))


@settings(max_examples=200, deadline=None)
@given(rules(), projects)
def test_nothing_outside_the_rules_years_nor_after_its_end(rule, project):
    for year, value in enumerate(worth(rule, project), start=1):
        if not rule.first_year <= year <= rule.last_year:
            assert value == 0
        if rule.ends_on is not None and date(project.start_year + year - 1, 1, 1) >= rule.ends_on:
            assert value == 0
        if rule.basis == "imported_equipment" and year > 1:
            assert value == 0
