"""Idle-pattern learning on synthetic histories whose answer is known."""

from datetime import UTC, datetime, timedelta

from fabshare.telemetry.idle import PatternOptions, learn, propose
from fabshare.telemetry.timeline import StateSpan

# Monday 2 March 2026, 00:00 UTC = 01:00 in Brussels; the history uses UTC ("UTC" zone).
NOW = datetime(2026, 3, 30, 0, 0, tzinfo=UTC)


def history(weeks: int, busy_of_hour, start_offset_weeks: int = 0):
    """Hourly spans over ``weeks`` weeks before NOW; busy_of_hour(week, weekday, hour)."""
    spans = []
    start = NOW - timedelta(weeks=weeks)
    for i in range(weeks * 168):
        moment = start + timedelta(hours=i)
        state = "running" if busy_of_hour(i // 168, moment.weekday(), moment.hour) else "idle"
        spans.append(StateSpan(moment, moment + timedelta(hours=1), state))
    return spans


def test_nights_idle_every_week_are_proposed_with_full_confidence():
    # Two shifts 06:00–22:00 on weekdays; nights and weekends idle.
    spans = history(4, lambda w, d, h: d < 5 and 6 <= h < 22)
    pattern = learn(spans, NOW, "UTC")
    windows = propose(pattern, NOW, PatternOptions(horizon_days=7))
    # NOW is Monday 00:00; first full hour 01:00. Nights Mon–Thu 22–06, Fri 22:00 to Mon 06:00
    # runs past the horizon.
    assert windows[0].start == NOW + timedelta(hours=1)
    assert windows[0].end == NOW + timedelta(hours=6)
    assert windows[1].start == NOW + timedelta(hours=22)
    assert windows[1].end == NOW + timedelta(days=1, hours=6)
    assert all(w.confidence == 1.0 for w in windows)
    # Monday early morning, four weeknights, then Friday 22:00 to the horizon (Monday 01:00).
    assert len(windows) == 6
    assert windows[-1].start == NOW + timedelta(days=4, hours=22)
    assert windows[-1].end == NOW + timedelta(days=7, hours=1)


def test_an_hour_idle_in_half_the_weeks_is_not_proposed():
    # Wednesday 10:00–14:00 idle only in even weeks.
    spans = history(4, lambda w, d, h: not (d == 2 and 10 <= h < 14 and w % 2 == 0))
    pattern = learn(spans, NOW, "UTC")
    assert pattern.confidence(2 * 24 + 10) == 0.5
    assert propose(pattern, NOW) == []
    # With a lower bar it is proposed, with that confidence.
    windows = propose(pattern, NOW, PatternOptions(threshold=0.5))
    assert [(w.start.weekday(), w.start.hour, w.end.hour, w.confidence) for w in windows] == [
        (2, 10, 14, 0.5)]


def test_confidence_is_the_weakest_hour_and_short_runs_are_dropped():
    # Thursday 08:00–12:00 idle always, 12:00–13:00 idle 3 weeks in 4; Friday 09:00 idle once.
    def busy(w, d, h):
        if d == 3 and 8 <= h < 12:
            return False
        if d == 3 and h == 12:
            return w == 0
        return not (d == 4 and h == 9)
    windows = propose(learn(spans := history(4, busy), NOW, "UTC"), NOW)
    assert spans
    assert [(w.start.weekday(), w.start.hour, w.end.hour, w.confidence) for w in windows] == [
        (3, 8, 13, 0.75)]


def test_hours_without_data_do_not_count_and_two_weeks_are_needed():
    # Only one week of data: nothing is proposed.
    spans = history(1, lambda w, d, h: d < 5)
    assert propose(learn(spans, NOW, "UTC"), NOW) == []
    # Unknown spans are not idle: a machine without connection is never proposed.
    unknown = [StateSpan(NOW - timedelta(weeks=4), NOW, "unknown")]
    assert propose(learn(unknown, NOW, "UTC"), NOW) == []


def test_the_pattern_follows_local_wall_clock_time_across_dst():
    # Tuesdays 10–14 UTC idle in March = 11:00–15:00 in Brussels (CET). After the change to
    # summer time on 29 March the same local hours are 09–13 UTC.
    spans = history(4, lambda w, d, h: not (d == 1 and 10 <= h < 14))
    windows = propose(learn(spans, NOW, "Europe/Brussels"), NOW)
    assert [(w.start.hour, w.end.hour) for w in windows] == [(9, 13)]
