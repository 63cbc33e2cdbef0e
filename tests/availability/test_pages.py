"""The availability pages as users see them: the week and month calendar around the spring DST
change in Europe/Brussels, the admins' page (rules, windows, exceptions, feeds) and who may see
what."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabshare.availability import services
from fabshare.availability.models import (
    AvailabilityRule,
    AvailabilityWindow,
    CalendarFeed,
    FreeSlot,
)
from fabshare.network.models import AuditEntry
from tests.factories import ResourceFactory, UserFactory

# Friday before the week of 29 March 2026, the Sunday Brussels springs forward (23 hours).
NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
UNREACHABLE = "http://127.0.0.1:9/calendar.ics"  # the discard port: connection refused

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


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def machine(world):
    return ResourceFactory(organization=world.factory, site=world.factory.sites.first(),
                           name="DMU 65 monoBLOCK", slug="dmu-65")


def _office_hours(world, resource, **extra):
    return services.rule_create(
        actor=world.admin, resource=resource, name="Office hours",
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start_time=time(8), duration_minutes=9 * 60,
        starts_on=date(2026, 3, 23), **extra)


def _calendar(client, resource, **query):
    return client.get(reverse("resource_availability", args=[resource.slug]), query)


def _manage_url(resource):
    return reverse("resource_availability_manage", args=[resource.slug])


def _column(response, day: date):
    return next(c for c in response.context["columns"] if c.day == day)


# --- the calendar --------------------------------------------------------------------------------


def test_week_view_keeps_local_office_hours_on_both_sides_of_dst(client, machine, world):
    _office_hours(world, machine)
    before = _calendar(client, machine, date="2026-03-27")
    assert before.status_code == 200
    assert [c.day for c in before.context["columns"]] == [
        date(2026, 3, 23) + timedelta(days=i) for i in range(7)]
    friday = _column(before, date(2026, 3, 27))
    assert [(b.kind, b.label, b.top, b.height) for b in friday.blocks] == [
        ("free", "08:00–17:00", "33.3333", "37.5000")]
    sunday = _column(before, date(2026, 3, 29))
    assert sunday.hours == 23 and sunday.change.skipped
    assert "02:00–03:00" in sunday.change.note
    assert before.context["free_total"] == "45"
    body = before.content.decode()
    assert "23-hour day" in body and "<strong>45 h</strong> free this week" in body

    after = _calendar(client, machine, date="2026-03-30")
    monday = _column(after, date(2026, 3, 30))
    assert [(b.label, b.top, b.height) for b in monday.blocks] == [
        ("08:00–17:00", "33.3333", "37.5000")]
    assert all(c.hours == 24 and c.change is None for c in after.context["columns"])
    # In UTC the block moved an hour earlier; the page still shows 08:00 local.
    slots = FreeSlot.objects.filter(resource=machine).order_by("start")
    assert slots.filter(start=datetime(2026, 3, 27, 7, tzinfo=UTC)).exists()
    assert slots.filter(start=datetime(2026, 3, 30, 6, tzinfo=UTC)).exists()


def test_weekend_over_the_short_sunday_counts_real_hours(client, machine, world):
    services.rule_create(actor=world.admin, resource=machine, name="Weekends",
                         rrule="FREQ=WEEKLY;BYDAY=SA", start_time=time(0),
                         duration_minutes=48 * 60, starts_on=date(2026, 3, 1))
    response = _calendar(client, machine, date="2026-03-29")
    saturday, sunday = _column(response, date(2026, 3, 28)), _column(response, date(2026, 3, 29))
    assert [(b.label, b.top, b.height) for b in saturday.blocks] == [
        ("00:00–24:00", "0.0000", "100.0000")]
    # Drawn from local midnight to local midnight, counted as the 23 hours that really pass.
    assert [(b.label, b.top, b.height) for b in sunday.blocks] == [
        ("00:00–24:00", "0.0000", "100.0000")]
    assert sunday.free_hours == 23
    assert response.context["free_total"] == "47"


def test_autumn_sunday_has_25_hours_and_a_repeated_hour(client, machine, world):
    with time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=UTC), tick=False):
        services.rule_create(actor=world.admin, resource=machine, name="Sundays",
                             rrule="FREQ=WEEKLY;BYDAY=SU", start_time=time(0),
                             duration_minutes=24 * 60, starts_on=date(2026, 10, 1))
        response = _calendar(client, machine, date="2026-10-25")
    sunday = _column(response, date(2026, 10, 25))
    assert sunday.hours == 25 and not sunday.change.skipped
    assert "02:00–03:00 happens twice" in sunday.change.note
    assert [(b.label, b.top, b.height) for b in sunday.blocks] == [
        ("00:00–24:00", "0.0000", "100.0000")]
    assert response.context["free_total"] == "25"


def test_week_view_uses_the_viewers_time_zone(client, machine, world):
    _office_hours(world, machine)
    viewer = UserFactory(time_zone="America/New_York")
    client.force_login(viewer)
    # New York is already on summer time; Brussels follows on 29 March.
    before = _column(_calendar(client, machine, date="2026-03-27"), date(2026, 3, 27))
    after = _column(_calendar(client, machine, date="2026-03-30"), date(2026, 3, 30))
    assert [b.label for b in before.blocks] == ["03:00–12:00"]
    assert [b.label for b in after.blocks] == ["02:00–11:00"]


def test_night_shift_crosses_midnight_in_two_columns(client, machine, world):
    services.rule_create(actor=world.admin, resource=machine, name="Night shift",
                         rrule="FREQ=WEEKLY;BYDAY=FR", start_time=time(22),
                         duration_minutes=8 * 60, starts_on=date(2026, 3, 1))
    response = _calendar(client, machine, date="2026-03-27")
    friday, saturday = (_column(response, date(2026, 3, 27)),
                        _column(response, date(2026, 3, 28)))
    assert [b.label for b in friday.blocks] == ["22:00–24:00"]
    assert [b.label for b in saturday.blocks] == ["00:00–06:00"]
    assert "Fri 27 Mar 22:00 – Sat 28 Mar 06:00 (8 h)" in friday.blocks[0].title


def test_month_view_totals_the_month_and_marks_the_dst_day(client, machine, world):
    _office_hours(world, machine)
    response = _calendar(client, machine, view="month", date="2026-03-23")
    assert response.status_code == 200
    columns = response.context["columns"]
    # 1 March 2026 is a Sunday and 31 March a Tuesday: six rows from 23 Feb to 5 April.
    assert (columns[0].day, columns[-1].day, len(response.context["weeks"])) == (
        date(2026, 2, 23), date(2026, 4, 5), 6)
    # Mon 23 – Fri 27 and Mon 30 – Tue 31 March, 9 hours each.
    assert response.context["free_total"] == "63"
    assert not _column(response, date(2026, 4, 1)).in_period
    sunday = _column(response, date(2026, 3, 29))
    assert sunday.change is not None and sunday.hours == 23
    body = response.content.decode()
    assert "March 2026" in body and "23 h day" in body
    assert "<strong>63 h</strong> free this month" in body


def test_navigation_and_bad_query_fall_back_to_this_week(client, machine):
    response = _calendar(client, machine, date="2026-03-27")
    urls = response.context["urls"]
    assert urls["previous"].endswith("?date=2026-03-16")
    assert urls["next"].endswith("?date=2026-03-30")
    assert urls["month"].endswith("?view=month&date=2026-03-27")
    month = _calendar(client, machine, view="month", date="2026-01-15").context["urls"]
    assert month["previous"].endswith("date=2025-12-01")
    assert month["next"].endswith("date=2026-02-01")
    for junk in ({"date": "yesterday"}, {"date": "9999-12-31"}, {"view": "year"}):
        response = _calendar(client, machine, **junk)
        assert response.status_code == 200
        assert response.context["period_first"] == date(2026, 3, 16)  # today is Fri 20 March


def test_busy_times_from_a_feed_show_and_reduce_the_total(client, machine, world):
    _office_hours(world, machine)
    services.feed_create(actor=world.admin, resource=machine, name="ERP", upload=FEED)
    response = _calendar(client, machine, date="2026-03-24")
    tuesday = _column(response, date(2026, 3, 24))
    assert [(b.kind, b.label) for b in tuesday.blocks] == [
        ("free", "08:00–10:00"), ("busy", "10:00–12:00"), ("free", "12:00–17:00")]
    assert response.context["free_total"] == "43"
    assert response.context["free_longest"] == "9"
    body = response.content.decode()
    assert "Held" in body and "Booked" in body  # the legend is ready for the bookings app


def test_calendar_page_costs_a_fixed_number_of_queries(client, machine, world,
                                                       django_assert_max_num_queries):
    _office_hours(world, machine)
    services.feed_create(actor=world.admin, resource=machine, name="ERP", upload=FEED)
    client.force_login(world.member)
    with django_assert_max_num_queries(16):
        assert _calendar(client, machine, view="month").status_code == 200


def test_private_resource_calendar_is_invisible_to_outsiders(client, world):
    secret = ResourceFactory(organization=world.factory, site=world.factory.sites.first(),
                             visibility="partners")
    assert _calendar(client, secret).status_code == 404
    client.force_login(world.outsider)
    assert _calendar(client, secret).status_code == 404
    client.force_login(world.member)
    response = _calendar(client, secret)
    assert response.status_code == 200
    assert _manage_url(secret) not in response.content.decode()  # members don't manage
    client.force_login(world.admin)
    assert _manage_url(secret) in _calendar(client, secret).content.decode()


# --- the admins' page ------------------------------------------------------------------------


def test_manage_page_permissions(client, machine, world):
    url = _manage_url(machine)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.outsider)  # the resource is public, its management is not
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "window"}).status_code == 404
    client.force_login(world.member)
    assert client.get(url).status_code == 403
    rule = _office_hours(world, machine)
    assert client.post(reverse("availability_rule_delete", args=[machine.slug, rule.pk])
                       ).status_code == 403
    assert client.post(reverse("resource_calendar_rotate", args=[machine.slug])
                       ).status_code == 403
    client.force_login(world.founder)  # an admin, but of another organization
    assert client.get(url).status_code == 404
    client.force_login(world.admin)
    assert client.get(url).status_code == 200
    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()


def test_objects_of_another_resource_are_not_found(client, machine, world):
    other = ResourceFactory(organization=world.factory, site=world.factory.sites.first())
    window = services.window_create(actor=world.admin, resource=other,
                                    start=NOW + timedelta(days=1), end=NOW + timedelta(days=2))
    client.force_login(world.admin)
    response = client.post(reverse("availability_window_delete", args=[machine.slug, window.pk]))
    assert response.status_code == 404
    assert AvailabilityWindow.objects.filter(pk=window.pk).exists()


def _rule_post(**data):
    return {"action": "rule", "starts_on": "2026-03-23", "time_zone": "Europe/Brussels", **data}


def test_admin_adds_a_preset_rule(client, machine, world):
    client.force_login(world.admin)
    response = client.post(_manage_url(machine), _rule_post(preset="night-shift-weekdays"))
    assert response.status_code == 302
    rule = machine.rules.get()
    assert (rule.name, rule.rrule, rule.start_time, rule.duration_minutes) == (
        "Night shift", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(22), 480)
    assert AuditEntry.objects.filter(action="availability.rule.create").exists()
    # Mon–Fri nights from 23 March; Friday's night shift ends at 06:00 on Saturday.
    friday = _column(_calendar(client, machine, date="2026-03-27"), date(2026, 3, 27))
    assert [b.label for b in friday.blocks] == ["00:00–06:00", "22:00–24:00"]


def test_admin_adds_a_custom_rule(client, machine, world):
    client.force_login(world.admin)
    response = client.post(_manage_url(machine), _rule_post(
        preset="custom", name="Early shift", weekdays=["TH", "TU"], start_time="06:00",
        duration_hours="4.5", ends_on="2026-06-30"))
    assert response.status_code == 302
    rule = machine.rules.get()
    assert (rule.name, rule.rrule, rule.start_time, rule.duration_minutes, rule.ends_on) == (
        "Early shift", "FREQ=WEEKLY;BYDAY=TU,TH", time(6), 270, date(2026, 6, 30))
    assert _calendar(client, machine, date="2026-03-30").context["free_total"] == "9"
    # In German the hours take a decimal comma; the CSS positions must not.
    world.admin.language = "de"
    world.admin.save(update_fields=["language"])
    body = _calendar(client, machine, date="2026-03-30").content.decode()
    assert "top: 25.0000%; height: 18.7500%" in body
    assert "4,5" in body


def test_advanced_rrule_and_its_errors(client, machine, world):
    client.force_login(world.admin)
    url = _manage_url(machine)
    custom = {"preset": "custom", "name": "Odd", "start_time": "08:00", "duration_hours": "8"}
    response = client.post(url, _rule_post(**custom, rrule="FREQ=FORTNIGHTLY"))
    assert response.status_code == 200
    errors = response.context["forms"]["rule"].errors
    assert "unknown FREQ" in errors["rrule"][0]
    assert "unknown FREQ" in response.content.decode()
    response = client.post(url, _rule_post(**custom))  # neither weekdays nor an RRULE
    assert "Choose at least one weekday" in response.context["forms"]["rule"].errors[
        "weekdays"][0]
    response = client.post(url, _rule_post(preset="custom", name="x", weekdays=["MO"]))
    errors = response.context["forms"]["rule"].errors
    assert set(errors) == {"start_time", "duration_hours"}
    assert not machine.rules.exists()
    response = client.post(url, _rule_post(**custom, rrule="FREQ=MONTHLY;BYDAY=1SA"))
    assert response.status_code == 302
    assert machine.rules.get().rrule == "FREQ=MONTHLY;BYDAY=1SA"


def test_rule_exception_toggle_and_delete(client, machine, world):
    rule = _office_hours(world, machine)
    client.force_login(world.admin)
    prefix = f"exception-{rule.pk}"
    response = client.post(_manage_url(machine), {
        "action": "exception", "rule": rule.pk, f"{prefix}-first_day": "2026-03-26",
        f"{prefix}-last_day": "2026-03-27", f"{prefix}-reason": "Audit"})
    assert response.status_code == 302
    assert list(rule.exceptions.values_list("reason", flat=True)) == ["Audit"]
    assert _calendar(client, machine, date="2026-03-23").context["free_total"] == "27"
    response = client.post(_manage_url(machine), {
        "action": "exception", "rule": rule.pk, f"{prefix}-first_day": "2026-08-09",
        f"{prefix}-last_day": "2026-07-20"})
    assert response.status_code == 200
    assert "must end on or after" in response.content.decode()
    assert rule.exceptions.count() == 1

    exception = rule.exceptions.get()
    client.post(reverse("availability_exception_delete",
                        args=[machine.slug, rule.pk, exception.pk]))
    assert not rule.exceptions.exists()
    client.post(reverse("availability_rule_toggle", args=[machine.slug, rule.pk]))
    rule.refresh_from_db()
    assert not rule.is_active
    assert _calendar(client, machine, date="2026-03-23").context["free_total"] == "0"
    assert "paused" in client.get(_manage_url(machine)).content.decode()
    client.post(reverse("availability_rule_delete", args=[machine.slug, rule.pk]))
    assert not machine.rules.exists()


def test_windows_in_local_time(client, machine, world):
    client.force_login(world.admin)
    url = _manage_url(machine)
    response = client.post(url, {"action": "window", "start": "2026-03-28T12:00",
                                 "end": "2026-03-28T08:00"})
    assert response.status_code == 200
    assert response.context["forms"]["window"].errors["end"] == [
        "The end must come after the start."]
    # 02:30 does not exist on 29 March in Brussels: refused next to the field, not guessed.
    response = client.post(url, {"action": "window", "start": "2026-03-29T02:30",
                                 "end": "2026-03-29T08:00"})
    assert "start" in response.context["forms"]["window"].errors
    assert not machine.windows.exists()

    response = client.post(url, {"action": "window", "start": "2026-03-28T08:00",
                                 "end": "2026-03-29T08:00", "note": "Extra shift"})
    assert response.status_code == 302
    window = machine.windows.get()
    assert (window.start, window.end) == (datetime(2026, 3, 28, 7, tzinfo=UTC),
                                          datetime(2026, 3, 29, 6, tzinfo=UTC))
    week = _calendar(client, machine, date="2026-03-28")
    assert week.context["free_total"] == "23"  # 24 wall-clock hours over the short night
    assert "Extra shift" in client.get(url).content.decode()
    client.post(reverse("availability_window_delete", args=[machine.slug, window.pk]))
    assert not machine.windows.exists()


def test_window_in_the_admins_own_time_zone(client, machine, world):
    world.admin.time_zone = "Europe/London"
    world.admin.save(update_fields=["time_zone"])
    client.force_login(world.admin)
    client.post(_manage_url(machine), {"action": "window", "start": "2026-03-24T08:00",
                                       "end": "2026-03-24T10:00"})
    assert machine.windows.get().start == datetime(2026, 3, 24, 8, tzinfo=UTC)


def test_feed_upload_good_and_bad(client, machine, world):
    _office_hours(world, machine)
    client.force_login(world.admin)
    url = _manage_url(machine)
    bad = SimpleUploadedFile("broken.ics", b"this is not a calendar", content_type="text/calendar")
    response = client.post(url, {"action": "feed_file", "feed-file-name": "ERP",
                                 "feed-file-file": bad})
    assert response.status_code == 200
    assert "not an iCalendar file" in response.context["forms"]["feed_file"].errors["file"][0]
    assert not machine.feeds.exists()

    good = SimpleUploadedFile("erp.ics", FEED, content_type="text/calendar")
    response = client.post(url, {"action": "feed_file", "feed-file-file": good})
    assert response.status_code == 302
    feed = machine.feeds.get()
    assert (feed.name, feed.status, feed.busy_count) == ("erp.ics", "ok", 1)
    assert _calendar(client, machine, date="2026-03-24").context["free_total"] == "43"
    client.post(reverse("availability_feed_delete", args=[machine.slug, feed.pk]))
    assert not machine.feeds.exists()
    assert _calendar(client, machine, date="2026-03-24").context["free_total"] == "45"


def test_oversized_upload_is_refused_before_reading(client, machine, world, monkeypatch):
    monkeypatch.setattr(services, "FEED_MAX_BYTES", 100)
    from fabshare.availability import forms

    monkeypatch.setattr(forms, "FEED_MAX_BYTES", 100)
    client.force_login(world.admin)
    response = client.post(_manage_url(machine), {
        "action": "feed_file", "feed-file-file": SimpleUploadedFile("big.ics", FEED)})
    assert "larger than" in response.context["forms"]["feed_file"].errors["file"][0]
    assert not machine.feeds.exists()


def test_unreachable_feed_url_is_kept_and_shown_failing(client, machine, world,
                                                        django_capture_on_commit_callbacks,
                                                        settings):
    # Exercise a refused connection, not the private-address guard (test_feed_fetch.py).
    settings.FABSHARE_FEED_ALLOW_PRIVATE_HOSTS = True
    client.force_login(world.admin)
    url = _manage_url(machine)
    response = client.post(url, {"action": "feed_url", "feed-url-url": "ftp://example.com/x"})
    assert "feed-url-url" in response.content.decode()
    assert response.context["forms"]["feed_url"].errors["url"]
    # The service fetches once its transaction commits (at once outside the test's).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "feed_url", "feed-url-name": "Maintenance",
                                     "feed-url-url": UNREACHABLE})
    assert response.status_code == 302
    feed = machine.feeds.get()
    assert (feed.status, feed.failures) == (CalendarFeed.Status.FAILING, 1)
    assert feed.next_attempt_at == NOW + timedelta(minutes=15)
    body = client.get(url).content.decode()
    assert "Failing" in body and "Connection refused" in body
    assert "Next attempt" in body and "Refresh now" in body

    response = client.post(reverse("availability_feed_refresh", args=[machine.slug, feed.pk]),
                           follow=True)
    assert "could not be read" in response.content.decode()
    feed.refresh_from_db()
    assert (feed.status, feed.failures) == (CalendarFeed.Status.FAILING, 2)
    assert feed.next_attempt_at == NOW + timedelta(minutes=30)


def test_pending_feed_shows_not_fetched_yet(client, machine, world):
    services.feed_create(actor=world.admin, resource=machine, name="Later", url=UNREACHABLE)
    client.force_login(world.admin)
    assert "Not fetched yet" in client.get(_manage_url(machine)).content.decode()


def test_manage_page_costs_a_fixed_number_of_queries(client, machine, world,
                                                     django_assert_max_num_queries):
    for _ in range(3):
        rule = _office_hours(world, machine, exceptions=[(date(2026, 8, 1), date(2026, 8, 9),
                                                          "Summer")])
        services.window_create(actor=world.admin, resource=machine,
                               start=NOW + timedelta(days=3), end=NOW + timedelta(days=4))
        services.feed_create(actor=world.admin, resource=machine, name="ERP", upload=FEED)
    assert rule.exceptions.exists()
    client.force_login(world.admin)
    client.get(_manage_url(machine))  # creates the organization's calendar token
    with django_assert_max_num_queries(20):
        assert client.get(_manage_url(machine)).status_code == 200
