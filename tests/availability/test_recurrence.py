"""Recurring availability: RRULE validation, expansion in local time, DST, exceptions, presets.

The 2026 transitions in Europe/Brussels: clocks go 02:00 CET → 03:00 CEST on Sunday 29 March
and 03:00 CEST → 02:00 CET on Sunday 25 October.
"""

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabshare.availability.intervals import Interval, clip, longest_run, normalize, total
from fabshare.availability.recurrence import (
    PRESETS,
    Rule,
    RuleError,
    expand,
    expand_all,
    month_days_possible,
    parse_rrule,
    preset,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
PROPERTY = settings(max_examples=60, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
H = timedelta(hours=1)


@pytest.fixture(name="settings")
def _no_django_settings():
    """Stand-in for pytest-django's ``settings``, which an autouse fixture of tests/conftest.py
    asks for: these pure tests touch no Django setting and must also run with -p no:django."""
    return SimpleNamespace()



def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


def as_local(intervals: list[Interval]) -> list[tuple[datetime, datetime]]:
    """(start, end) as naive Brussels wall-clock times, easy to compare with a timetable."""
    return [(iv.start.astimezone(BRUSSELS).replace(tzinfo=None),
             iv.end.astimezone(BRUSSELS).replace(tzinfo=None)) for iv in intervals]


def wall(*args: int) -> datetime:
    return datetime(*args)  # noqa: DTZ001 - naive on purpose: local wall-clock time


# --- parse_rrule ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "canonical"), [
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("rrule:freq=weekly;byday=sa;interval=1", "FREQ=WEEKLY;BYDAY=SA"),
    ("BYDAY=SA;FREQ=WEEKLY;INTERVAL=2;", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO,TU,WE,TH,FR",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"),
    ("FREQ=DAILY;UNTIL=20261231T230000Z", "FREQ=DAILY;UNTIL=20261231T230000Z"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
])
def test_parse_rrule_accepts_and_canonicalizes(text, canonical):
    assert parse_rrule(text) == canonical
    assert parse_rrule(canonical) == canonical


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("garbage", "not a NAME=VALUE"),
    ("FREQ=WEEKLY;;BYDAY=MO", "not a NAME=VALUE"),
    ("BYDAY=MO", "FREQ is missing"),
    ("FREQ=FORTNIGHTLY", "unknown FREQ 'FORTNIGHTLY'"),
    ("FREQ=SECONDLY", "too fine"),
    ("FREQ=MINUTELY", "too fine"),
    ("FREQ=HOURLY;INTERVAL=8", "too fine"),
    ("FREQ=WEEKLY;BYDAY=MO,XX", "bad BYDAY value 'XX'"),
    ("FREQ=WEEKLY;BYDAY=", "not a NAME=VALUE"),
    ("FREQ=WEEKLY;BYDAY=1MO", "ordinal"),
    ("FREQ=MONTHLY;BYDAY=6MO", "ordinal must be 1..5"),
    ("FREQ=WEEKLY;COUNT=5;UNTIL=20261231", "COUNT and UNTIL"),
    ("FREQ=WEEKLY;UNTIL=2026", "UNTIL '2026'"),
    ("FREQ=WEEKLY;UNTIL=20261340", "UNTIL '20261340'"),
    ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL value 0"),
    ("FREQ=WEEKLY;INTERVAL=2,3", "INTERVAL must be one"),
    ("FREQ=WEEKLY;COUNT=many", "COUNT must be whole numbers"),
    ("FREQ=YEARLY;BYMONTH=13", "BYMONTH value 13"),
    ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "can never occur"),
    ("FREQ=DAILY;BYHOUR=8", "BYHOUR is not used"),
    ("FREQ=YEARLY;BYWEEKNO=20", "not supported"),
    ("FREQ=WEEKLY;COLOR=RED", "unknown recurrence rule part 'COLOR'"),
    ("FREQ=WEEKLY;FREQ=DAILY", "FREQ is given twice"),
    ("FREQ=WEEKLY;BYSETPOS=1", "BYSETPOS needs another BY part"),
    ("FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=3", "BYSETPOS can be at most 2"),
    ("FREQ=WEEKLY;WKST=XX", "bad WKST"),
    ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "one RRULE value"),
])
def test_parse_rrule_refuses_with_a_readable_message(text, message):
    with pytest.raises(RuleError, match=message):
        parse_rrule(text)


def test_rule_error_is_a_value_error_and_non_text_is_refused():
    assert issubclass(RuleError, ValueError)
    with pytest.raises(RuleError, match="must be text"):
        parse_rrule(None)  # type: ignore[arg-type]


def test_month_days_possible():
    assert month_days_possible([2], [29])
    assert not month_days_possible([2], [30, 31])
    assert month_days_possible([2, 4], [-30])
    assert not month_days_possible([4, 6], [31, -31])
    assert month_days_possible([], [31])


# --- Rule validation ------------------------------------------------------------------------


def office(**changes) -> Rule:
    fields = {"rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "start_time": time(8),
              "duration": 9 * H, "dtstart": date(2026, 1, 1)}
    fields.update(changes)
    return Rule(**fields)


@pytest.mark.parametrize(("changes", "message"), [
    ({"rrule": "FREQ=HOURLY"}, "too fine"),
    ({"duration": timedelta(0)}, "must be positive"),
    ({"duration": -H}, "must be positive"),
    ({"duration": timedelta(days=40)}, "at most 31 days"),
    ({"start_time": time(8, tzinfo=UTC)}, "local wall-clock"),
    ({"dtstart": datetime(2026, 1, 1, tzinfo=UTC)}, "dtstart must be a date"),
    ({"until": date(2025, 12, 31)}, "ends .* before it starts"),
    ({"time_zone": "Europe/Atlantis"}, "unknown time zone"),
    ({"exceptions": [(date(2026, 8, 9), date(2026, 7, 20))]}, "ends before it starts"),
    ({"exceptions": [date(2026, 8, 9)]}, "pair"),
])
def test_rule_validates_every_field(changes, message):
    with pytest.raises(RuleError, match=message):
        office(**changes)


def test_presets():
    assert set(PRESETS) == {"weekends", "night-shift-weekdays", "weekdays-office"}
    weekends = preset("weekends")
    assert (weekends.rrule, weekends.start_time, weekends.duration) == (
        "FREQ=WEEKLY;BYDAY=SA", time(0), 48 * H)
    night = preset("night-shift-weekdays", dtstart=date(2026, 1, 5))
    assert (night.start_time, night.duration, night.dtstart) == (time(22), 8 * H, date(2026, 1, 5))
    with pytest.raises(RuleError, match="unknown preset 'evenings'.*weekends"):
        preset("evenings")


# --- Daylight saving ------------------------------------------------------------------------


def test_office_hours_stay_local_across_spring_forward():
    got = expand(preset("weekdays-office"), utc(2026, 3, 26), utc(2026, 4, 1))
    assert as_local(got) == [
        (wall(2026, 3, 26, 8), wall(2026, 3, 26, 17)),
        (wall(2026, 3, 27, 8), wall(2026, 3, 27, 17)),
        (wall(2026, 3, 30, 8), wall(2026, 3, 30, 17)),
        (wall(2026, 3, 31, 8), wall(2026, 3, 31, 17)),
    ]
    # In UTC the same hours move by one hour: 07:00–16:00 before, 06:00–15:00 after.
    assert got[1] == Interval(utc(2026, 3, 27, 7), utc(2026, 3, 27, 16))
    assert got[2] == Interval(utc(2026, 3, 30, 6), utc(2026, 3, 30, 15))
    assert all(iv.length == 9 * H for iv in got)


def test_office_hours_stay_local_across_fall_back():
    got = expand(preset("weekdays-office"), utc(2026, 10, 22), utc(2026, 10, 28))
    assert [iv.start.astimezone(BRUSSELS).time() for iv in got] == [time(8)] * 4
    assert got[1] == Interval(utc(2026, 10, 23, 6), utc(2026, 10, 23, 15))  # Fri, CEST
    assert got[2] == Interval(utc(2026, 10, 26, 7), utc(2026, 10, 26, 16))  # Mon, CET
    assert total(got) == 4 * 9 * H


def nightly() -> Rule:
    return Rule(rrule="FREQ=DAILY", start_time=time(22), duration=8 * H,
                dtstart=date(2026, 1, 1))


def test_night_shift_over_the_spring_forward_night_lasts_seven_real_hours():
    got = expand(nightly(), utc(2026, 3, 28, 12), utc(2026, 3, 29, 12))
    assert got == [Interval(utc(2026, 3, 28, 21), utc(2026, 3, 29, 4))]
    assert as_local(got) == [(wall(2026, 3, 28, 22), wall(2026, 3, 29, 6))]
    assert got[0].length == 7 * H


def test_night_shift_over_the_fall_back_night_lasts_nine_real_hours():
    got = expand(nightly(), utc(2026, 10, 24, 12), utc(2026, 10, 25, 12))
    assert got == [Interval(utc(2026, 10, 24, 20), utc(2026, 10, 25, 5))]
    assert as_local(got) == [(wall(2026, 10, 24, 22), wall(2026, 10, 25, 6))]
    assert got[0].length == 9 * H


def test_weekends_last_47_and_49_hours_on_dst_weekends():
    spring = expand(preset("weekends"), utc(2026, 3, 27), utc(2026, 3, 31))
    autumn = expand(preset("weekends"), utc(2026, 10, 23), utc(2026, 10, 27))
    assert spring == [Interval(local(2026, 3, 28), local(2026, 3, 30))]
    assert spring[0].length == 47 * H
    assert autumn == [Interval(local(2026, 10, 24), local(2026, 10, 26))]
    assert autumn[0].length == 49 * H


def test_nonexistent_start_shifts_forward_by_the_gap():
    # 02:30 does not exist on 29 March: read with the offset before the gap (+01:00), which
    # is 01:30 UTC = 03:30 CEST; the wall-clock end 10:30 CEST is converted on its own.
    rule = Rule(rrule="FREQ=DAILY", start_time=time(2, 30), duration=8 * H,
                dtstart=date(2026, 3, 1))
    (got,) = expand(rule, utc(2026, 3, 29), utc(2026, 3, 29, 12))
    assert got == Interval(utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 8, 30))
    assert got.start.astimezone(BRUSSELS).time() == time(3, 30)
    # A wall-clock span wholly inside the gap moves forward whole: 03:15–03:45 CEST.
    inside = Rule(rrule="FREQ=DAILY", start_time=time(2, 15), duration=timedelta(minutes=30),
                  dtstart=date(2026, 3, 1))
    assert expand(inside, utc(2026, 3, 29), utc(2026, 3, 29, 12)) == [
        Interval(utc(2026, 3, 29, 1, 15), utc(2026, 3, 29, 1, 45))]
    # One that starts in the gap and ends soon after it shrinks, here to nothing: the start
    # moves to 03:30 CEST, the end stays 03:30 CEST.
    for minutes, expected in ((60, []), (90, [Interval(utc(2026, 3, 29, 1, 30),
                                                        utc(2026, 3, 29, 2))])):
        short = Rule(rrule="FREQ=DAILY", start_time=time(2, 30),
                     duration=timedelta(minutes=minutes), dtstart=date(2026, 3, 1))
        assert expand(short, utc(2026, 3, 29), utc(2026, 3, 29, 12)) == expected
        assert len(expand(short, utc(2026, 3, 28), utc(2026, 3, 31))) == 2 + len(expected)


def test_ambiguous_start_uses_the_first_occurrence():
    # 02:30 happens twice on 25 October; the first one is CEST (00:30 UTC). The end, 03:30,
    # is CET (02:30 UTC), so the wall-clock hour lasts two real hours.
    rule = Rule(rrule="FREQ=DAILY", start_time=time(2, 30), duration=H, dtstart=date(2026, 10, 1))
    (got,) = expand(rule, utc(2026, 10, 25), utc(2026, 10, 25, 12))
    assert got == Interval(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 2, 30))


@PROPERTY
@given(st.dates(date(2026, 1, 1), date(2026, 12, 24)), st.integers(1, 10))
def test_office_hours_are_always_eight_to_five_local(day, days):
    window_start = datetime.combine(day, time(), tzinfo=BRUSSELS)
    window_end = window_start + timedelta(days=days)
    for start, end in as_local(expand(preset("weekdays-office"), window_start, window_end)):
        assert start.time() == time(8) and end.time() == time(17)
        assert start.date() == end.date() and start.weekday() < 5


# --- Exceptions, windows and overlapping rules ----------------------------------------------


SHUTDOWN = (date(2026, 7, 20), date(2026, 8, 9))


def test_summer_shutdown_removes_office_days():
    rule = preset("weekdays-office", exceptions=[SHUTDOWN])
    got = expand(rule, utc(2026, 7, 13), utc(2026, 8, 15))
    days = [start.date() for start, _ in as_local(got)]
    assert date(2026, 7, 17) in days and date(2026, 8, 10) in days
    assert not [d for d in days if SHUTDOWN[0] <= d <= SHUTDOWN[1]]
    assert len(days) == 5 + 5  # the week before and the week after
    assert len(expand(preset("weekdays-office"), utc(2026, 7, 13), utc(2026, 8, 15))) == 25


def test_exceptions_clip_night_shifts_at_local_midnight():
    # Closed Wednesday 22 and Thursday 23 July: Tuesday's shift loses its hours after
    # midnight, Thursday's shift keeps its hours after midnight (Friday is open).
    rule = preset("night-shift-weekdays", exceptions=[(date(2026, 7, 22), date(2026, 7, 23))])
    got = expand(rule, utc(2026, 7, 20, 12), utc(2026, 7, 25))
    assert as_local(got) == [
        (wall(2026, 7, 20, 22), wall(2026, 7, 21, 6)),
        (wall(2026, 7, 21, 22), wall(2026, 7, 22, 0)),
        (wall(2026, 7, 24, 0), wall(2026, 7, 24, 6)),
        (wall(2026, 7, 24, 22), wall(2026, 7, 25, 2)),  # clipped by the window (00:00 UTC)
    ]


def test_summer_shutdown_for_night_shifts():
    rule = preset("night-shift-weekdays", exceptions=[SHUTDOWN])
    got = as_local(expand(rule, local(2026, 7, 17, 12), local(2026, 8, 11, 12)))
    assert got[0] == (wall(2026, 7, 17, 22), wall(2026, 7, 18, 6))
    assert got[1] == (wall(2026, 8, 10, 22), wall(2026, 8, 11, 6))
    assert len(got) == 2


def test_overlapping_rules_are_unioned():
    wednesday_afternoon = Rule(rrule="FREQ=WEEKLY;BYDAY=WE", start_time=time(12),
                               duration=10 * H, dtstart=date(2026, 1, 1))
    rules = [preset("weekdays-office"), wednesday_afternoon, preset("night-shift-weekdays")]
    window = (local(2026, 6, 17), local(2026, 6, 18, 12))  # Wednesday to Thursday noon
    got = expand_all(rules, *window)
    # Tuesday's shift until 06:00, then 08:00–17:00 ∪ 12:00–22:00 ∪ 22:00–06:00 touching into
    # one run, then Thursday 08:00–12:00.
    assert as_local(got) == [(wall(2026, 6, 17, 0), wall(2026, 6, 17, 6)),
                             (wall(2026, 6, 17, 8), wall(2026, 6, 18, 6)),
                             (wall(2026, 6, 18, 8), wall(2026, 6, 18, 12))]
    assert longest_run(got) == 22 * H
    separately = sum((total(expand(r, *window)) for r in rules), timedelta(0))
    assert total(got) < separately  # the overlap counts once


def test_occurrence_reaching_into_the_window_is_clipped():
    got = expand(preset("weekends"), utc(2026, 6, 14, 12), utc(2026, 6, 19, 12))
    assert got == [Interval(utc(2026, 6, 14, 12), utc(2026, 6, 14, 22))]
    assert expand(preset("weekends"), utc(2026, 6, 14, 12), utc(2026, 6, 14, 12)) == []


def test_dtstart_until_count_and_until_in_the_text():
    assert [s.date() for s, _ in as_local(expand(
        office(dtstart=date(2026, 6, 3), until=date(2026, 6, 9)),
        utc(2026, 6, 1), utc(2026, 6, 30)))] == [
        date(2026, 6, 3), date(2026, 6, 4), date(2026, 6, 5), date(2026, 6, 8),
        date(2026, 6, 9)]
    counted = office(rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=3", dtstart=date(2026, 6, 3))
    assert len(expand(counted, utc(2026, 1, 1), utc(2027, 1, 1))) == 3
    # UNTIL in UTC: Friday 5 June 06:00 UTC is 08:00 local, so Friday is still in.
    until_utc = office(rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260605T060000Z",
                       dtstart=date(2026, 6, 3))
    assert len(expand(until_utc, utc(2026, 1, 1), utc(2027, 1, 1))) == 3
    until_date = office(rrule="FREQ=DAILY;UNTIL=20260605", dtstart=date(2026, 6, 3))
    assert len(expand(until_date, utc(2026, 1, 1), utc(2027, 1, 1))) == 3


def test_other_time_zones_and_monthly_rules():
    tokyo = office(time_zone="Asia/Tokyo")
    (got,) = expand(tokyo, utc(2026, 5, 31, 12), utc(2026, 6, 1, 12))
    assert got == Interval(utc(2026, 5, 31, 23), utc(2026, 6, 1, 8))
    last_friday = office(rrule="FREQ=MONTHLY;BYDAY=-1FR", start_time=time(13), duration=4 * H)
    got = expand(last_friday, utc(2026, 1, 1), utc(2026, 4, 1))
    assert [s.date() for s, _ in as_local(got)] == [
        date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]


def test_invalid_windows_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        expand(preset("weekends"), wall(2026, 1, 1), utc(2026, 2, 1))
    with pytest.raises(ValueError, match="ends before it starts"):
        expand(preset("weekends"), utc(2026, 2, 1), utc(2026, 1, 1))


def test_an_old_rule_expands_quickly_and_exactly():
    # dtstart in 2000: DAILY and WEEKLY rules skip ahead by whole periods.
    got = expand(preset("weekdays-office"), local(2026, 1, 1), local(2027, 1, 1))
    assert len(got) == 261 and total(got) == 261 * 9 * H


# --- Skipping ahead generates exactly what iterating from dtstart would ----------------------


def brute_force(rule: Rule, window_start: datetime, window_end: datetime) -> list[Interval]:
    """Iterate from dtstart, no shortcuts (the rules here have neither UNTIL nor exceptions)."""
    found = []
    for start in rrulestr(rule.rrule, dtstart=datetime.combine(rule.dtstart, rule.start_time)):
        if start.date() > window_end.date() + timedelta(days=2):
            break
        begin = start.replace(tzinfo=BRUSSELS).astimezone(UTC)
        end = (start + rule.duration).replace(tzinfo=BRUSSELS).astimezone(UTC)
        if end > begin:
            found.append(Interval(begin, end))
    return clip(normalize(found), window_start, window_end)


@PROPERTY
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 3),
    days=st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), min_size=1),
    dtstart=st.dates(date(2025, 1, 1), date(2026, 6, 1)),
    start_hour=st.integers(0, 23),
    hours=st.integers(1, 30),
    offset=st.integers(0, 300),
    span=st.integers(1, 20),
)
def test_expand_matches_brute_force(freq, interval, days, dtstart, start_hour, hours, offset,
                                    span):
    rrule = f"FREQ={freq};INTERVAL={interval}"
    if freq == "WEEKLY":
        rrule += ";BYDAY=" + ",".join(sorted(days))
    rule = Rule(rrule=rrule, start_time=time(start_hour), duration=hours * H, dtstart=dtstart)
    window_start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=offset, hours=start_hour)
    window_end = window_start + timedelta(days=span)
    assert expand(rule, window_start, window_end) == brute_force(rule, window_start, window_end)
