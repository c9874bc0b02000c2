"""screener.trends: weekly counts and what is new this week, on records written here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from screener.trends import TrendRecord, compute_trends, cover_roles, salary_band, week_start

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # a Wednesday


def rec(
    days_ago: float, *, source: str = "A", flagged: bool = True, offer: bool = True, **kw: object
) -> TrendRecord:
    return TrendRecord(
        when=NOW - timedelta(days=days_ago),
        offer=offer,
        flagged=flagged,
        platform="whatsapp",
        source=source,
        **kw,
    )  # type: ignore[arg-type]


def test_weekly_counts() -> None:
    records = [
        rec(0, destinations=("Kamboja",)),
        rec(1, flagged=False, destinations=("Indonesia",)),
        rec(8, destinations=("Kamboja",)),
        rec(8, offer=False, destinations=("Kamboja",)),  # not an offer: not counted
        rec(100, destinations=("Kamboja",)),  # before the window
        rec(-1, destinations=("Laos",)),  # after now
    ]
    found = compute_trends(records, now=NOW, weeks=3)
    assert found.weeks == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    assert (found.offers, found.flagged) == ([0, 1, 2], [0, 1, 1])
    assert found.series["destination"]["Kamboja"] == ([0, 1, 1], [0, 1, 1])
    assert found.series["destination"]["Indonesia"] == ([0, 0, 1], [0, 0, 0])
    assert found.series["platform"]["whatsapp"] == ([0, 1, 2], [0, 1, 1])
    assert "Laos" not in found.series["destination"]


def test_new_this_week() -> None:
    records = [
        rec(30, source="A", contacts=("+85512345101",), destinations=("Kamboja",), roles=("admin / CS",)),
        rec(2, source="B", contacts=("+85512345101",), destinations=("Kamboja",)),
        rec(1, source="A", contacts=("+85512345101",), destinations=("Kamboja",)),
        rec(1, source="C", destinations=("Myawaddy",), phone_countries=("MM",), roles=("admin / CS",)),
    ]
    new = {(n.kind, n.value): n for n in compute_trends(records, now=NOW).new}
    assert new[("destination", "Myawaddy")].first_seen_this_week
    assert new[("phone_country", "MM")].first_seen_this_week
    contact = new[("contact", "+85512345101")]
    assert (contact.sources_before, contact.sources_now, contact.ads_this_week) == (1, 2, 2)
    kamboja = new[("destination", "Kamboja")]  # was in A, now also in B and C
    assert (kamboja.sources_before, kamboja.sources_now) == (1, 2)
    assert ("cover_role", "admin / CS") in new  # A before; C this week
    assert ("destination", "Indonesia") not in new


def test_nothing_new_when_the_week_repeats_the_past() -> None:
    records = [rec(20, destinations=("Kamboja",)), rec(1, destinations=("Kamboja",))]
    assert compute_trends(records, now=NOW).new == []


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("Dicari ADMIN CS untuk kantor", ["admin / CS"]),
        ("Lowongan ABK kapal ikan Taiwan", ["ABK / kapal"]),
        ("kerja kebun sawit Malaysia", ["perkebunan"]),
        ("Jual pulsa murah", []),
    ],
)
def test_cover_roles(text: str, roles: list[str]) -> None:
    assert cover_roles(text) == roles


@pytest.mark.parametrize(
    ("pay", "band"),
    [(None, "tanpa gaji / no pay"), (3e6, "< 5 jt"), (5e6, "5-10 jt"), (20e6, "20-50 jt"), (9e7, "≥ 50 jt")],
)
def test_salary_band(pay: float | None, band: str) -> None:
    assert salary_band(pay) == band


def test_week_start_is_monday_utc() -> None:
    assert week_start(datetime(2026, 12, 6, 23, 0, tzinfo=UTC)) == date(2026, 11, 30)
