"""The observation model of the Belarus scenarios: the calibration table's rows, mapped.

`OBSERVATIONS` matches each row of the calibration table that a model output measures
to that output and an operation on it (`uprising.analysis.observation`); `NOT_MAPPED`
lists the other rows, grouped by the reason no output measures them. Every row of the
table is in exactly one of the two (`unmatched_rows` finds those in neither). The
choices are explained in docs/MODEL.md, "Observation model".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from uprising.analysis.observation import Observation, calibration_rows, row_key


def _crowd(quantity: str, date: str, value: str, column: str, note: str, **kw: Any) -> Observation:
    geography = kw.pop("geography", "Minsk city")
    return Observation(quantity, date, geography, value, column, "at", date, note=note, **kw)


MINSK = "participants_minsk_city"
_MARCH = "a media or organisers' estimate of the march: the model's crowd in Minsk city that day"

OBSERVATIONS: tuple[Observation, ...] = (
    # -- crowds: the people in the street on the day, by region -------------------------
    _crowd("protest size, March for Freedom", "2020-08-16", "200000", MINSK, _MARCH),
    _crowd("protest size, March for Freedom", "2020-08-16", "100000", MINSK, _MARCH),
    _crowd(
        "protest size, March for Freedom (Wikipedia infobox)", "2020-08-16", "300000", MINSK, _MARCH
    ),
    _crowd(
        "protest size",
        "2020-08-16",
        "40000",
        "participants_grodno_oblast",
        "Grodno city's crowd is part of the model's Grodno oblast: a lower bound",
        geography="Grodno (city)",
        relation="at_least",
    ),
    _crowd(
        "protest size",
        "2020-08-16",
        "10000",
        "participants_mogilev_oblast",
        "Mogilev city's crowd ('10,000+') is part of the model's Mogilev oblast: a lower bound",
        geography="Mogilev (city)",
        relation="at_least",
    ),
    _crowd("protest size, March for Peace and Independence", "2020-08-23", "250000", MINSK, _MARCH),
    _crowd(
        "protest size, nationwide (Wikipedia infobox, tagged [dubious])",
        "2020-08-23",
        "500000",
        "participants",
        "the national crowd; the table says to treat the tagged figure as an upper bound",
        geography="Belarus",
        relation="at_most",
    ),
    _crowd("protest size, Lukashenka birthday march", "2020-08-30", "200000", MINSK, _MARCH),
    _crowd("protest size", "2020-08-30", "100000", MINSK, _MARCH),
    _crowd(
        "women's march size",
        "2020-08-28",
        "10000",
        MINSK,
        "a Friday march; the model's crowd in Minsk city that day (it has no separate "
        "women's march)",
    ),
    _crowd("protest size", "2020-09-06", "120000", MINSK, _MARCH),
    _crowd(
        "protest size, OFFICIAL Interior Ministry count",
        "2020-09-06",
        "31000",
        "participants",
        "the national crowd; the official count is a lower bound (table)",
        geography="Belarus (42 protests nationwide)",
        relation="at_least",
    ),
    _crowd("protest size, March of Heroes", "2020-09-13", "150000", MINSK, _MARCH),
    _crowd("protest size, March of Justice", "2020-09-20", "75000", MINSK, _MARCH),
    _crowd(
        "protest size, 'people's inauguration'",
        "2020-09-27",
        "100000",
        "participants",
        "'about 100 thousand people took part in the protest actions in Belarus': the "
        "national crowd that day",
        geography="Belarus (mostly Minsk)",
    ),
    _crowd("protest size", "2020-10-11", "100000", MINSK, _MARCH),
    _crowd("protest size, Partisan March", "2020-10-18", "30000", MINSK, _MARCH),
    _crowd("protest size, People's Ultimatum march", "2020-10-25", "100000", MINSK, _MARCH),
    # -- detentions: sums of the daily flow over the reported window ---------------------
    Observation(
        "detentions, election night (official)",
        "2020-08-09/2020-08-10",
        "Belarus",
        "3000",
        "detentions",
        "sum",
        "2020-08-10",
        "2020-08-09",
        note="all detentions of 9 and 10 August",
    ),
    Observation(
        "detentions, first four days (official/HR)",
        "2020-08-09/2020-08-13",
        "Belarus",
        "6700",
        "detentions",
        "sum",
        "2020-08-13",
        "2020-08-09",
        note="all detentions from 9 to 13 August, both included, as the table's window",
    ),
    Observation(
        "arrests 9-14 August (OHCHR retrospective)",
        "2020-08-09/2020-08-14",
        "Belarus",
        "13500",
        "detentions",
        "sum",
        "2020-08-14",
        "2020-08-09",
        note="all detentions from 9 to 14 August",
    ),
    *(
        Observation(
            "detentions during month",
            month,
            "Belarus",
            value,
            "detentions",
            "sum",
            last,
            f"{month}-01",
            note="Viasna's monthly review: the daily detentions (street, retroactive, "
            "saboteurs caught) summed over the month",
        )
        for month, value, last in (
            ("2020-08", "7500", "2020-08-31"),
            ("2020-09", "3500", "2020-09-30"),
            ("2020-10", "3000", "2020-10-31"),
            ("2020-11", "4000", "2020-11-30"),
        )
    ),
    Observation(
        "cumulative detentions since election",
        "2020-09 (~20 Sep)",
        "Belarus",
        "12000",
        "detentions",
        "sum",
        "2020-09-20",
        "2020-08-09",
        note="Bialiatski, about 20 September: the detentions from 9 August to 20 September",
    ),
    *(
        Observation(
            quantity,
            day,
            "Belarus",
            value,
            "detentions",
            "sum",
            day,
            "2020-08-01",
            offset=1500.0,
            note="Viasna counts from the campaign's start in May; the run starts on "
            "1 August: the model's detentions from then, plus the 1,500 detained "
            "before the vote (table row 'detentions, pre-election campaign')",
        )
        for quantity, day, value in (
            ("cumulative detentions since campaign start (May)", "2020-10-31", "16000"),
            ("cumulative detentions since campaign start (May)", "2020-11-30", "30000"),
            ("cumulative detentions, May-Dec 2020", "2020-12-31", "33000"),
        )
    ),
    *(
        Observation(
            "detentions on single protest day",
            day,
            "Belarus",
            value,
            "street_detentions",
            "at",
            day,
            note="the Interior Ministry's or Viasna's count of the day's protest "
            "detentions: the model's street arrests that day (retroactive arrests "
            "are not protest-day detentions)",
        )
        for day, value in (
            ("2020-09-13", "774"),
            ("2020-09-06", "633"),
            ("2020-10-26", "581"),
            ("2020-11-08", "1023"),
            ("2020-11-15", "1100"),
        )
    ),
    # -- political prisoners: the stock held on the date --------------------------------
    *(
        Observation(
            "political prisoners held",
            day,
            "Belarus",
            value,
            "political_prisoners",
            "at",
            day,
            note="Viasna's count of recognised political prisoners held: the model's "
            "stock held on a criminal term that day (it has no recognition lag)",
        )
        for day, value in (
            ("2020-09-30", "74"),
            ("2020-10-31", "101"),
            ("2020-11-30", "146"),
            ("2020-12-31", "169"),
            ("2021-03-31", "325"),
        )
    ),
    Observation(
        "political prisoners (non-Viasna estimate)",
        "2021-06-07",
        "Belarus",
        "400",
        "political_prisoners",
        "at",
        "2021-06-07",
        relation="at_least",
        note="'more than 400', a lower bound (table)",
    ),
    # -- emigration: the increase of the stock of emigrants ------------------------------
    Observation(
        "departures reported by Interior Ministry",
        "2020-09",
        "Belarus -> Poland/Ukraine/Baltics",
        "13500",
        "emigrants",
        "change",
        "2020-09-30",
        "2020-08-09",
        note="departures since the election to the end of September: the increase "
        "of the model's emigrants from 9 August to 30 September",
    ),
    Observation(
        "Lithuanian temporary residence permits issued to Belarusians",
        "2020-08-10/2021-01-12",
        "Lithuania",
        "5739",
        "emigrants",
        "change",
        "2021-01-12",
        "2020-08-10",
        relation="at_least",
        note="Lithuania is one of several destinations: the model's emigrants over "
        "the window should be at least the permits",
    ),
    # -- the security forces -------------------------------------------------------------
    Observation(
        "police and soldiers deployed vs protests",
        "2020-08-16",
        "Belarus",
        "100000",
        "cops",
        "at",
        "2020-08-16",
        note="the model's officers in the street that day; the same row sets the "
        "scenario's police_surge event, so this checks that input",
    ),
    Observation(
        "security officials who quit after election",
        "2020-08/2020-11 (approx.)",
        "Belarus",
        "700",
        "defections",
        "at",
        "2020-11-30",
        relation="at_least",
        note="'more than 700 ... have quit': the model's officers out (cumulative) by 30 November",
    ),
    # -- the economy ---------------------------------------------------------------------
    Observation(
        "CPI inflation Dec/Dec",
        "2021",
        "Belarus",
        "9.97",
        "inflation",
        "compound",
        "2021-12-31",
        "2021-01-01",
        note="the model's inflation rate compounded over 2021, as its price index compounds it",
    ),
)
"""The rows of the calibration table that a model output measures."""

NOT_MAPPED: dict[str, tuple[str, ...]] = {
    "inputs of the scenario (population, police staffing, vote, media reach, the "
    "opposition's share): they set parameters, no output measures them": (
        "population, census total",
        "population, census",
        "urban share of population, census",
        "population at 1 January",
        "official presidential vote share, Lukashenka",
        "certified Interior Ministry (MVD) employees",
        "MVD total incl. internal troops (Wikipedia-cited)",
        "MVD employees (unofficial)",
        "MVD employees (indirect estimate)",
        "police per 100,000 population",
        "NEXTA Live Telegram subscribers",
        "NEXTA Live daily views",
        "opposition-minded and willing to protest (pre-2020 baseline)",
        "DERIVED: 3.5% participation threshold for Belarus",
    ),
    "exogenous events and drivers (sanctions, Russian support, trade, debt, energy): "
    "inputs of the driver paths, not outputs": (
        "Coordination Council created",
        "UK & Canada sanction Lukashenka",
        "EU sanctions package 1: persons listed",
        "EU sanctions package 2: persons listed",
        "EU sanctions package 3: designations",
        "EU ban on Belarusian airlines overflight/landing",
        "EU sanctions package 4: designations",
        "EU sectoral sanctions (potash, petroleum products, tobacco, capital markets)",
        "US EO 14038 sectoral authority; Belaruskali designated",
        "EU sanctions package 5 (migrant crisis): designations",
        "Lithuania halts Belaruskali potash rail transit",
        "EU trade sanctions for role in invasion",
        "EU financial sanctions: SWIFT exclusion of Belarusian banks",
        "Russia share of goods turnover",
        "Russia share of exports",
        "Russia share of imports",
        "trade turnover with Russia",
        "exports to EU / to Ukraine",
        "Russian state loan pledged",
        "FX reserves lost",
        "share of state foreign debt owed to Russia",
        "national (state) debt",
        "Russian loan/refinancing requested",
        "Russian refinancing of 2022 principal (offered)",
        "Russian gas price for Belarus",
        "Russian gas price for Belarus (frozen)",
        "gas imports from Russia",
        "loss from Russian oil tax manoeuvre",
        "implicit Russian energy subsidy",
    ),
    "before the run or not covered by it (the run starts on 1 August 2020; an annual "
    "growth rate compares whole years)": (
        "detentions, pre-election campaign",
        "real GDP growth",
        "CPI inflation Dec/Dec 2019",
        "CPI inflation Dec/Dec 2020",
    ),
    "quantities the model does not represent (criminal cases and trials, restrictions "
    "short of jail, torture, deaths, journalists as a role, pro-government rallies, the "
    "armed forces, visas)": (
        "pro-government rally size",
        "persons jailed or restricted for political reasons (broader definition)",
        "persons targeted by politically motivated criminal cases (cumulative)",
        "politically motivated criminal cases initiated (OMCT)",
        "persons whose criminal cases reached court (official)",
        "documented torture cases",
        "torture victim testimonies documented",
        "torture cases documented since Aug 2020 (OMCT)",
        "protesters killed",
        "journalists detained during year",
        "Polish visas issued to Belarusians",
        "armed forces active personnel",
        "military expenditure",
    ),
    "opinion polls: the model has no series of shares answering a survey (legitimacy is "
    "a mean perceived legitimacy, not a poll share)": (
        "self-reported vote for Tsikhanouskaya",
        "self-reported vote for Lukashenka",
        "support protests",
        "oppose protests",
        "protesters intending to continue until demands met",
        "self-reported participation in protests since election",
        "positive view of protests",
        "vote share Lukashenka among voters",
        "think Russia should stay neutral in crisis",
        "trust in President (state-aligned pollster)",
    ),
    "other countries, or cross-national base rates of campaigns and autocrats (for "
    "ensembles' outcomes, not one country's series)": (
        "police per 100,000 population, Russia (comparison)",
        "police per 100,000 population, Poland (comparison)",
        "success rate, nonviolent campaigns (NAVCO 1.x)",
        "success rate, violent campaigns (NAVCO 1.x)",
        "nonviolent campaigns: full success / partial / failure",
        "3.5% participation rule: threshold",
        "3.5% rule exception: Bahrain peak participation",
        "success rate, nonviolent campaigns in 2010s",
        "success rate, violent campaigns in 2010s",
        "share of autocrat exits via revolt, post-Cold War",
        "share of autocrat exits via coup (Svolik)",
        "share of autocrat exits via popular uprising (Svolik)",
        "dictators jailed, killed or exiled after losing power",
        "dictators removed within first year",
        "relative removal hazard by regime type",
        "Belarus case: elite defection in 2020",
    ),
}
"""Rows no output measures, by reason: quantity names, or ``"quantity date"`` where only
some of a quantity's rows are left out."""


def not_mapped_reason(row: Mapping[str, str]) -> str | None:
    """Why a row is not mapped (its `NOT_MAPPED` group), or None if it is not listed."""
    names = {row["quantity"], f"{row['quantity']} {row['date']}"}
    for reason, listed in NOT_MAPPED.items():
        if names & set(listed):
            return reason
    return None


def unmatched_rows(
    rows: Sequence[Mapping[str, str]] | None = None,
    observations: Sequence[Observation] = OBSERVATIONS,
) -> list[tuple[str, str, str, str]]:
    """Rows neither matched by an observation nor listed as not mapped (should be none)."""
    table = calibration_rows() if rows is None else rows
    matched = {obs.key for obs in observations}
    return [
        row_key(row)
        for row in table
        if row_key(row) not in matched and not_mapped_reason(row) is None
    ]


__all__ = ["MINSK", "NOT_MAPPED", "OBSERVATIONS", "not_mapped_reason", "unmatched_rows"]
