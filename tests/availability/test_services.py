"""Availability through its services: rules, windows, feeds and the SQL free-time query."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from fabshare.availability import selectors, services
from fabshare.availability.models import CalendarFeed, FreeSlot
from fabshare.core.errors import DomainError, NotFound
from tests.factories import ResourceFactory

NOW = datetime(2026, 3, 23, 6, 0, tzinfo=UTC)  # Monday before the spring DST change

FEED = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:maint-1\r
DTSTART;TZID=Europe/Brussels:20260324T100000\r
DTEND;TZID=Europe/Brussels:20260324T120000\r
SUMMARY:Maintenance\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def machine(world):
    return ResourceFactory(organization=world.factory, site=world.factory.sites.first())


def _office_hours(world, machine, **extra):
    return services.rule_create(
        actor=world.admin, resource=machine, name="Office hours",
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start_time=time(8), duration_minutes=9 * 60,
        starts_on=date(2026, 3, 23), **extra)


@time_machine.travel(NOW, tick=False)
def test_rule_publishes_local_office_hours_across_dst(world, machine):
    _office_hours(world, machine)
    week = selectors.free_slots(machine, datetime(2026, 3, 23, tzinfo=UTC),
                                datetime(2026, 4, 4, tzinfo=UTC))
    assert len(week) == 10
    # 08:00 Brussels is 07:00 UTC before 29 March and 06:00 UTC after.
    assert week[0][0] == datetime(2026, 3, 23, 7, tzinfo=UTC)
    assert week[5][0] == datetime(2026, 3, 30, 6, tzinfo=UTC)
    assert all(e - s == timedelta(hours=9) for s, e in week)


@time_machine.travel(NOW, tick=False)
def test_exceptions_and_uploaded_calendar_are_subtracted(world, machine):
    _office_hours(world, machine, exceptions=[(date(2026, 3, 26), date(2026, 3, 27), "Audit")])
    services.feed_create(actor=world.admin, resource=machine, name="ERP", upload=FEED)
    summary = selectors.free_time_summary(machine, datetime(2026, 3, 23, tzinfo=UTC),
                                          datetime(2026, 3, 28, tzinfo=UTC))
    # Mon 9 h + Tue 9 h − 2 h maintenance + Wed 9 h; Thu and Fri are excepted.
    assert summary.total == timedelta(hours=25)
    assert summary.longest == timedelta(hours=9)


@time_machine.travel(NOW, tick=False)
def test_bad_input_is_refused_and_nothing_is_saved(world, machine):
    with pytest.raises(DomainError) as exc:
        services.rule_create(actor=world.admin, resource=machine, name="x",
                             rrule="FREQ=FORTNIGHTLY", start_time=time(8),
                             duration_minutes=60, starts_on=date(2026, 3, 23))
    assert exc.value.field == "rrule"
    with pytest.raises(DomainError) as exc:
        services.feed_create(actor=world.admin, resource=machine, name="bad",
                             upload=b"BEGIN:VCALENDAR\r\nthis is not ical")
    assert exc.value.field == "file"
    with pytest.raises(DomainError) as exc:
        services.window_create(actor=world.admin, resource=machine, start=NOW,
                               end=NOW - timedelta(hours=1))
    assert exc.value.field == "end"
    assert not machine.rules.exists() and not machine.feeds.exists()
    assert not FreeSlot.objects.filter(resource=machine).exists()
    with pytest.raises(NotFound):
        services.window_create(actor=world.outsider, resource=machine, start=NOW,
                               end=NOW + timedelta(hours=1))


@time_machine.travel(NOW, tick=False)
def test_unreachable_feed_is_kept_flagged_and_retried(world, machine,
                                                      django_capture_on_commit_callbacks):
    def unreachable(url):
        raise OSError("Connection refused")

    with django_capture_on_commit_callbacks(execute=False):
        feed = services.feed_create(actor=world.admin, resource=machine, name="Planning",
                                    url="https://erp.invalid/machine.ics")
    services.feed_refresh(feed=feed, fetch=unreachable)
    feed.refresh_from_db()
    assert feed.status == CalendarFeed.Status.FAILING
    assert "Connection refused" in feed.last_error
    assert feed.next_attempt_at == NOW + timedelta(minutes=15)
    services.feed_refresh(feed=feed, fetch=unreachable)
    assert feed.next_attempt_at == NOW + timedelta(minutes=30)
    services.feed_refresh(feed=feed, fetch=lambda url: FEED)
    feed.refresh_from_db()
    assert (feed.status, feed.failures, feed.busy_count) == (CalendarFeed.Status.OK, 0, 1)


@time_machine.travel(NOW, tick=False)
def test_sql_query_finds_resources_with_enough_free_time(world, machine):
    other = ResourceFactory(organization=world.factory, site=world.factory.sites.first())
    _office_hours(world, machine)
    services.window_create(actor=world.admin, resource=other,
                           start=datetime(2026, 3, 24, 8, tzinfo=UTC),
                           end=datetime(2026, 3, 24, 20, tzinfo=UTC))
    start, end = datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 3, 28, tzinfo=UTC)

    def found(**kwargs):
        rows = selectors.resources_with_free_time(start=start, end=end, **kwargs)
        return {row["resource"]: row for row in rows}

    assert set(found(min_total=timedelta(hours=40))) == {machine.pk}
    assert set(found(min_run=timedelta(hours=10))) == {other.pk}
    assert set(found(min_total=timedelta(hours=45), min_run=timedelta(hours=12))) == {
        machine.pk, other.pk}
    rows = found()
    assert rows[machine.pk]["free_total"] == timedelta(hours=45)
    assert rows[other.pk]["free_longest"] == timedelta(hours=12)
