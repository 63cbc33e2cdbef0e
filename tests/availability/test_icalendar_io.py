"""Reading busy time from iCalendar feeds, refusing bad ones, and writing feeds."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabshare.availability.icalendar_io import (
    CalendarError,
    ExportEvent,
    export_calendar,
    parse_busy,
    stable_uid,
)
from fabshare.availability.intervals import Interval, normalize, subtract

BRUSSELS = ZoneInfo("Europe/Brussels")
PROPERTY = settings(max_examples=60, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(name="settings")
def _no_django_settings():
    """Stand-in for pytest-django's ``settings``, which an autouse fixture of tests/conftest.py
    asks for: these pure tests touch no Django setting and must also run with -p no:django."""
    return SimpleNamespace()



def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def ics(*lines: str) -> bytes:
    """A VCALENDAR around ``lines``, with CRLF line ends as RFC 5545 §3.1 wants."""
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines, "END:VCALENDAR"]
    return ("\r\n".join(body) + "\r\n").encode()


def event(uid: str, *lines: str) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", *lines, "END:VEVENT"]


# A machine's planning calendar as Outlook or Google would publish it: March–April 2026,
# across the spring-forward Sunday (29 March).
FEED = ics(
    "X-WR-CALNAME:DMU 65 planning",
    # Weekly maintenance, Mondays 07:00–09:00 Brussels; not on 16 March; 23 March moved.
    *event("maintenance@genk", "SUMMARY:Preventive maintenance",
           "DTSTART;TZID=Europe/Brussels:20260302T070000",
           "DTEND;TZID=Europe/Brussels:20260302T090000",
           "RRULE:FREQ=WEEKLY;BYDAY=MO",
           "EXDATE;TZID=Europe/Brussels:20260316T070000"),
    *event("maintenance@genk", "SUMMARY:Preventive maintenance (moved)",
           "RECURRENCE-ID;TZID=Europe/Brussels:20260323T070000",
           "DTSTART;TZID=Europe/Brussels:20260324T130000",
           "DTEND;TZID=Europe/Brussels:20260324T150000"),
    # Easter Monday, all day (Brussels, the default zone).
    *event("easter@genk", "SUMMARY:Paasmaandag", "DTSTART;VALUE=DATE:20260406",
           "DTEND;VALUE=DATE:20260407"),
    # A customer audit in New York time (EDT since 8 March), given as a duration.
    *event("audit@genk", "SUMMARY:Customer audit (remote)",
           "DTSTART;TZID=America/New_York:20260312T090000", "DURATION:PT2H"),
    *event("cancelled@genk", "SUMMARY:Trial run", "STATUS:CANCELLED",
           "DTSTART:20260311T100000Z", "DTEND:20260311T120000Z"),
    *event("transparent@genk", "SUMMARY:Operator training (machine free)",
           "TRANSP:TRANSPARENT", "DTSTART:20260313T080000Z", "DTEND:20260313T160000Z"),
    *event("order-4711@genk", "SUMMARY:Order 4711", "DTSTART:20260320T120000Z",
           "DTEND:20260320T160000Z"),
    # Started before the window, runs into it.
    *event("overnight@genk", "SUMMARY:Long run", "DTSTART:20260308T200000Z",
           "DTEND:20260309T020000Z"),
    "BEGIN:VFREEBUSY",
    "UID:fb@genk",
    "DTSTAMP:20260101T000000Z",
    "FREEBUSY;FBTYPE=BUSY:20260325T080000Z/PT3H",
    "FREEBUSY;FBTYPE=FREE:20260326T080000Z/20260326T100000Z",
    "END:VFREEBUSY",
)
WINDOW = {"window_start": utc(2026, 3, 9), "window_end": utc(2026, 4, 8)}


def test_realistic_feed_gives_exact_busy_intervals():
    assert parse_busy(FEED, **WINDOW) == [
        Interval(utc(2026, 3, 9, 0), utc(2026, 3, 9, 2)),    # long run, clipped
        Interval(utc(2026, 3, 9, 6), utc(2026, 3, 9, 8)),    # maintenance, CET
        Interval(utc(2026, 3, 12, 13), utc(2026, 3, 12, 15)),  # New York 09:00 EDT
        Interval(utc(2026, 3, 20, 12), utc(2026, 3, 20, 16)),  # order 4711
        Interval(utc(2026, 3, 24, 12), utc(2026, 3, 24, 14)),  # moved maintenance
        Interval(utc(2026, 3, 25, 8), utc(2026, 3, 25, 11)),   # VFREEBUSY busy
        Interval(utc(2026, 3, 30, 5), utc(2026, 3, 30, 7)),    # maintenance, CEST
        Interval(utc(2026, 4, 5, 22), utc(2026, 4, 6, 22)),    # Easter Monday in Brussels
    ]


def test_feed_subtraction_from_offered_time():
    offered = [Interval(utc(2026, 3, 9, 6), utc(2026, 3, 9, 16))]
    busy = parse_busy(FEED, **WINDOW)
    assert subtract(offered, busy) == [Interval(utc(2026, 3, 9, 8), utc(2026, 3, 9, 16))]


def test_all_day_and_floating_events_use_the_calendar_zone_or_the_default():
    lines = [*event("a", "DTSTART;VALUE=DATE:20260501"),  # no DTEND: one day
             *event("b", "DTSTART:20260504T090000", "DTEND:20260504T100000")]  # floating
    window = {"window_start": utc(2026, 4, 1), "window_end": utc(2026, 6, 1)}
    assert parse_busy(ics(*lines), **window) == [
        Interval(utc(2026, 4, 30, 22), utc(2026, 5, 1, 22)),
        Interval(utc(2026, 5, 4, 7), utc(2026, 5, 4, 8)),
    ]
    assert parse_busy(ics(*lines), default_time_zone="UTC", **window) == [
        Interval(utc(2026, 5, 1), utc(2026, 5, 2)),
        Interval(utc(2026, 5, 4, 9), utc(2026, 5, 4, 10)),
    ]
    tokyo = ics("X-WR-TIMEZONE:Asia/Tokyo", *lines)
    assert parse_busy(tokyo, **window) == [
        Interval(utc(2026, 4, 30, 15), utc(2026, 5, 1, 15)),
        Interval(utc(2026, 5, 4, 0), utc(2026, 5, 4, 1)),
    ]


def test_instant_events_are_not_busy_and_empty_calendars_are_fine():
    window = {"window_start": utc(2026, 1, 1), "window_end": utc(2026, 2, 1)}
    assert parse_busy(ics(*event("x", "DTSTART:20260105T100000Z")), **window) == []
    assert parse_busy(ics(), **window) == []
    assert parse_busy(FEED, window_start=utc(2026, 5, 1), window_end=utc(2026, 5, 1)) == []


def test_recurring_event_across_the_fall_back_change():
    feed = ics(*event("standup", "DTSTART;TZID=Europe/Brussels:20261019T090000",
                      "DURATION:PT30M", "RRULE:FREQ=DAILY;COUNT=10"))
    busy = parse_busy(feed, window_start=utc(2026, 10, 23), window_end=utc(2026, 10, 27))
    assert [iv.start.astimezone(BRUSSELS).hour for iv in busy] == [9, 9, 9, 9]
    assert busy[0].start == utc(2026, 10, 23, 7) and busy[-1].start == utc(2026, 10, 26, 8)


def test_a_cancelled_occurrence_of_a_series_is_not_busy():
    feed = ics(*event("s", "DTSTART:20260105T100000Z", "DTEND:20260105T110000Z",
                      "RRULE:FREQ=WEEKLY;COUNT=3"),
               *event("s", "RECURRENCE-ID:20260112T100000Z", "STATUS:CANCELLED",
                      "DTSTART:20260112T100000Z", "DTEND:20260112T110000Z"))
    busy = parse_busy(feed, window_start=utc(2026, 1, 1), window_end=utc(2026, 2, 1))
    assert [iv.start for iv in busy] == [utc(2026, 1, 5, 10), utc(2026, 1, 19, 10)]


# --- Bad input ------------------------------------------------------------------------------


MONTH = {"window_start": utc(2026, 1, 1), "window_end": utc(2026, 2, 1)}


@pytest.mark.parametrize(("data", "message"), [
    (b"", "not an iCalendar file"),
    (b"hello world", "not an iCalendar file"),
    (b"<html><body>Login required</body></html>", "not an iCalendar file"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "malformed"),
    (b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n", "malformed"),
    (ics(*event("no-start", "SUMMARY:Orphan", "DTEND:20260102T100000Z")),
     "event 1 'Orphan' \\(UID no-start\\) has no DTSTART"),
    (ics(*event("bad-date", "DTSTART:2026-13-45", "DTEND:20260102T100000Z")),
     "UID bad-date.*bad DTSTART"),
    (ics(*event("bad-end", "DTSTART:20260102T100000Z", "DTEND:20261402T100000Z")),
     "bad DTEND"),
    (ics(*event("reversed", "DTSTART:20260102T100000Z", "DTEND:20260102T080000Z")),
     "before"),
    (ics(*event("bad-rule", "DTSTART:20260102T100000Z", "RRULE:FREQ=FOO")), "RRULE"),
    (ics(*event("never", "DTSTART:20260102T100000Z", "DURATION:PT1H",
                "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")), "never occur"),
    (ics(*event("every-second", "DTSTART:19700101T000000Z", "DURATION:PT1S",
                "RRULE:FREQ=SECONDLY")), "repeat too often"),
    (ics("BEGIN:VFREEBUSY", "UID:fb", "FREEBUSY:20260102T100000Z/20260101T100000Z",
         "END:VFREEBUSY"), "greater than end time|ends before it starts"),
])
def test_malformed_calendars_raise_calendar_error(data, message):
    with pytest.raises(CalendarError, match=message):
        parse_busy(data, **MONTH)


def test_calendar_error_is_a_value_error_and_non_bytes_are_refused():
    assert issubclass(CalendarError, ValueError)
    with pytest.raises(CalendarError, match="bytes"):
        parse_busy("BEGIN:VCALENDAR", **MONTH)  # type: ignore[arg-type]


def test_oversized_calendar_is_refused_before_parsing():
    with pytest.raises(CalendarError, match="more than the limit of 1,000 bytes"):
        parse_busy(FEED, max_bytes=1_000, **WINDOW)
    padding = ("X-FILLER:" + "x" * 70 + "\r\n").encode() * 30_000
    big = FEED.replace(b"END:VCALENDAR", padding + b"END:VCALENDAR")
    assert len(big) > 2_000_000
    with pytest.raises(CalendarError, match="more than the limit of 2,000,000 bytes"):
        parse_busy(big, **WINDOW)


def test_too_many_events_or_occurrences_are_refused():
    many = ics(*[line for i in range(30) for line in event(
        f"e{i}", f"DTSTART:202601{i % 28 + 1:02d}T100000Z", "DURATION:PT1H")])
    assert len(parse_busy(many, **MONTH)) == 28
    with pytest.raises(CalendarError, match="30 events, more than the limit of 20"):
        parse_busy(many, max_events=20, **MONTH)
    daily = ics(*event("d", "DTSTART:20250101T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"))
    assert len(parse_busy(daily, **MONTH)) == 31
    with pytest.raises(CalendarError, match="more than 20 events in the window"):
        parse_busy(daily, max_events=20, **MONTH)


def test_naive_window_is_a_programming_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_busy(FEED, window_start=datetime(2026, 1, 1), window_end=utc(2026, 2, 1))  # noqa: DTZ001


@PROPERTY
@given(st.data())
def test_damaged_feeds_either_parse_or_raise_calendar_error(data):
    """Drop, repeat and garble lines of the realistic feed: never another exception."""
    lines = FEED.decode().split("\r\n")
    kept = [line for line in lines if data.draw(st.integers(0, 9), label="keep") > 0]
    if kept and data.draw(st.booleans(), label="garble"):
        at = data.draw(st.integers(0, len(kept) - 1), label="line")
        kept[at] = data.draw(st.sampled_from([
            kept[at][: len(kept[at]) // 2], kept[at].replace(":", ";"), kept[at] + ";X=1",
            kept[at].replace("2026", "2O26"), kept[at] * 2, "FREEBUSY:garbage"]), label="how")
    damaged = "\r\n".join(kept).encode()
    try:
        busy = parse_busy(damaged, **WINDOW)
    except CalendarError:
        return
    assert busy == normalize(busy)
    assert all(WINDOW["window_start"] <= iv.start < iv.end <= WINDOW["window_end"]
               for iv in busy)


# --- Export ---------------------------------------------------------------------------------


STAMP = utc(2026, 3, 1, 12)
EVENTS = [
    ExportEvent(uid=stable_uid("booking", 42), start=datetime(2026, 3, 28, 22, tzinfo=BRUSSELS),
                end=datetime(2026, 3, 29, 6, tzinfo=BRUSSELS), summary="Night run; DMU 65, 5-axis",
                description="Order 4711\nOperator included", url="https://fabshare.example/b/42"),
    ExportEvent(uid=stable_uid("booking", 43), start=utc(2026, 3, 30, 6),
                end=utc(2026, 3, 30, 10), summary="Hold: fixture trial"),
    ExportEvent(uid=stable_uid("booking", 44), start=utc(2026, 3, 30, 9),
                end=utc(2026, 3, 30, 12), summary="Überprüfung – CMM"),
]


def test_export_writes_a_valid_calendar():
    data = export_calendar(EVENTS, name="DMU 65, Genk", dtstamp=STAMP)
    text = data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    for line in ("VERSION:2.0", "PRODID:-//fabshare//EN", "CALSCALE:GREGORIAN",
                 "METHOD:PUBLISH", "X-WR-CALNAME:DMU 65\\, Genk", "DTSTAMP:20260301T120000Z",
                 "DTSTART:20260328T210000Z", "DTEND:20260329T040000Z",
                 "SUMMARY:Night run\\; DMU 65\\, 5-axis", "URL:https://fabshare.example/b/42"):
        assert line + "\r\n" in text, line
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded, §3.1
    cal = icalendar.Calendar.from_ical(data)
    vevents = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in vevents] == [e.uid for e in EVENTS]
    assert str(vevents[0]["DESCRIPTION"]) == "Order 4711\nOperator included"
    assert str(vevents[2]["SUMMARY"]) == "Überprüfung – CMM"
    assert all(e["DTSTART"].dt.utcoffset() == timedelta(0) for e in vevents)


def test_export_is_stable():
    first = export_calendar(EVENTS, name="DMU 65", dtstamp=STAMP)
    assert export_calendar(list(reversed(EVENTS)), name="DMU 65", dtstamp=STAMP) == first
    assert stable_uid("booking", 42) == stable_uid("booking", "42")
    assert stable_uid("booking", 42) != stable_uid("booking", 43)
    assert stable_uid("booking", 42).endswith("@fabshare")
    assert b"DTSTAMP:" in export_calendar(EVENTS, name="DMU 65")  # defaults to now


def test_export_then_parse_round_trips():
    data = export_calendar(EVENTS, name="DMU 65", dtstamp=STAMP)
    window = {"window_start": utc(2026, 3, 1), "window_end": utc(2026, 4, 1)}
    assert parse_busy(data, **window) == normalize((e.start, e.end) for e in EVENTS)
    assert parse_busy(data, **window) == [Interval(utc(2026, 3, 28, 21), utc(2026, 3, 29, 4)),
                                          Interval(utc(2026, 3, 30, 6), utc(2026, 3, 30, 12))]


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 60 * 24 * 20), st.integers(1, 60 * 24 * 3)),
                max_size=8))
def test_export_then_parse_round_trips_any_events(spans):
    base = utc(2026, 3, 20)
    events = [ExportEvent(uid=stable_uid("e", i), start=base + timedelta(minutes=s),
                          end=base + timedelta(minutes=s + n), summary=f"Event {i}")
              for i, (s, n) in enumerate(spans)]
    data = export_calendar(events, name="Random", dtstamp=STAMP)
    window = {"window_start": base, "window_end": base + timedelta(days=30)}
    assert parse_busy(data, **window) == normalize((e.start, e.end) for e in events)


@pytest.mark.parametrize(("events", "message"), [
    ([ExportEvent(uid="", start=utc(2026, 1, 1), end=utc(2026, 1, 2), summary="x")], "no UID"),
    ([ExportEvent(uid="a", start=utc(2026, 1, 1), end=utc(2026, 1, 2), summary="x"),
      ExportEvent(uid="a", start=utc(2026, 1, 3), end=utc(2026, 1, 4), summary="y")],
     "more than one event"),
    ([ExportEvent(uid="a", start=utc(2026, 1, 2), end=utc(2026, 1, 1), summary="x")],
     "before or when it starts"),
    ([ExportEvent(uid="a", start=datetime(2026, 1, 1), end=utc(2026, 1, 2),  # noqa: DTZ001
                  summary="x")], "timezone-aware"),
])
def test_export_refuses_bad_events(events, message):
    with pytest.raises(ValueError, match=message):
        export_calendar(events, name="x", dtstamp=STAMP)
