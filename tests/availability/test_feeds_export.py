"""The secret-token iCalendar exports (per resource and per organization), their rotation, and
the background command that refreshes calendar feeds and free time."""

import http.client
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from fabshare.availability import services
from fabshare.availability.icalendar_io import parse_busy
from fabshare.availability.management.commands import refresh_availability
from fabshare.availability.models import CalendarFeed, FreeSlot, OrganizationCalendar
from tests.factories import ResourceFactory

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
UNREACHABLE = "http://127.0.0.1:9/calendar.ics"  # the discard port: connection refused


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def machine(world):
    resource = ResourceFactory(organization=world.factory, site=world.factory.sites.first(),
                               name="Trumpf TruLaser 3030", slug="trulaser")
    services.rule_create(actor=world.admin, resource=resource, name="Office hours",
                         rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start_time=time(8),
                         duration_minutes=9 * 60, starts_on=date(2026, 3, 23),
                         ends_on=date(2026, 4, 3))
    return resource


def _events(response) -> list:
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def _resource_feed(resource) -> str:
    return reverse("resource_calendar_export", args=[resource.feed_token])


def test_resource_export_is_valid_icalendar_of_the_free_slots(client, machine):
    response = client.get(_resource_feed(machine))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    events = _events(response)
    assert len(events) == 10  # two weeks of office hours
    assert {str(e["SUMMARY"]) for e in events} == {"Free: Trumpf TruLaser 3030"}
    starts = sorted(e["DTSTART"].dt for e in events)
    # 08:00 Brussels: 07:00 UTC before the DST change, 06:00 UTC after.
    assert starts[0] == datetime(2026, 3, 23, 7, tzinfo=UTC)
    assert starts[5] == datetime(2026, 3, 30, 6, tzinfo=UTC)
    assert str(events[0]["URL"]).endswith(reverse("resource_availability", args=["trulaser"]))
    # Read back as busy time by our own parser: exactly the stored free slots.
    window = (NOW - timedelta(days=2), NOW + timedelta(days=60))
    stored = [(s.start, s.end) for s in FreeSlot.objects.filter(resource=machine)]
    assert [(i.start, i.end) for i in parse_busy(response.content, window_start=window[0],
                                                 window_end=window[1])] == stored
    # The same slots keep the same UIDs, so calendar apps update instead of duplicating.
    again = _events(client.get(_resource_feed(machine)))
    assert [str(e["UID"]) for e in events] == [str(e["UID"]) for e in again]


def test_head_request_and_wrong_method(client, machine):
    assert client.head(_resource_feed(machine)).status_code == 200
    assert client.post(_resource_feed(machine)).status_code == 405


def test_inactive_resource_exports_an_empty_calendar(client, machine):
    machine.is_active = False
    machine.save(update_fields=["is_active"])
    response = client.get(_resource_feed(machine))
    assert response.status_code == 200
    assert _events(response) == []


def test_unknown_tokens_are_not_found(client, machine):
    for name in ("resource_calendar_export", "organization_calendar_export"):
        assert client.get(reverse(name, args=["not-the-token"])).status_code == 404
    assert client.get(f"/calendar/resources/{machine.feed_token}.ical").status_code == 404


def test_organization_export_covers_its_active_resources(client, world, machine):
    second = ResourceFactory(organization=world.factory, site=world.factory.sites.first(),
                             name="Bystronic Xpert 150")
    services.window_create(actor=world.admin, resource=second,
                           start=datetime(2026, 3, 25, 8, tzinfo=UTC),
                           end=datetime(2026, 3, 25, 12, tzinfo=UTC))
    retired = ResourceFactory(organization=world.factory, site=world.factory.sites.first(),
                              name="Old press", is_active=False)
    FreeSlot.objects.create(resource=retired, start=NOW, end=NOW + timedelta(hours=1))
    foreign = ResourceFactory(organization=world.startup, site=world.startup.sites.first(),
                              name="Startup printer")
    services.window_create(actor=world.founder, resource=foreign, start=NOW + timedelta(days=1),
                           end=NOW + timedelta(days=2))
    calendar = services.organization_calendar_ensure(actor=world.admin,
                                                     organization=world.factory)
    assert services.organization_calendar_ensure(
        actor=world.owner, organization=world.factory) == calendar  # created once
    response = client.get(reverse("organization_calendar_export", args=[calendar.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    assert "Genk Precision NV" in str(cal["X-WR-CALNAME"])
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert summaries.count("Free: Trumpf TruLaser 3030") == 10
    assert summaries.count("Free: Bystronic Xpert 150") == 1
    assert len(summaries) == 11  # nothing of the inactive or the other organization's resource
    assert len({str(e["UID"]) for e in cal.walk("VEVENT")}) == 11


def test_export_addresses_are_shown_to_admins_only(client, world, machine):
    public_page = reverse("resource_availability", args=[machine.slug])
    client.force_login(world.member)
    assert machine.feed_token not in client.get(public_page).content.decode()
    client.force_login(world.admin)
    body = client.get(reverse("resource_availability_manage", args=[machine.slug])
                      ).content.decode()
    calendar = OrganizationCalendar.objects.get(organization=world.factory)
    assert f"http://testserver{_resource_feed(machine)}" in body
    assert reverse("organization_calendar_export", args=[calendar.token]) in body
    assert f"webcal://testserver{_resource_feed(machine)}" in body


def test_new_secret_invalidates_the_old_addresses(client, world, machine):
    old_resource_url = _resource_feed(machine)
    client.force_login(world.admin)
    client.get(reverse("resource_availability_manage", args=[machine.slug]))
    calendar = OrganizationCalendar.objects.get(organization=world.factory)
    old_org_url = reverse("organization_calendar_export", args=[calendar.token])

    response = client.post(reverse("resource_calendar_rotate", args=[machine.slug]))
    assert response.status_code == 302
    machine.refresh_from_db()
    assert client.get(old_resource_url).status_code == 404
    assert client.get(_resource_feed(machine)).status_code == 200

    client.post(reverse("organization_calendar_rotate", args=[machine.slug]))
    calendar.refresh_from_db()
    assert client.get(old_org_url).status_code == 404
    assert client.get(reverse("organization_calendar_export", args=[calendar.token])
                      ).status_code == 200
    assert set(world.factory.audit_entries.filter(action="availability.export.rotate")
               .values_list("target_type", flat=True)) == {
        "catalog.resource", "availability.organizationcalendar"}

    client.force_login(world.member)
    assert client.post(reverse("organization_calendar_rotate", args=[machine.slug])
                       ).status_code == 403
    client.force_login(world.founder)
    assert client.post(reverse("resource_calendar_rotate", args=[machine.slug])
                       ).status_code == 404


# --- feeds and the background command -----------------------------------------------------


@pytest.fixture
def keep_connection(monkeypatch):
    """The worker closes stale connections between runs; inside a test's transaction the
    connection is not in autocommit, which Django reads as "unusable", so keep it."""
    monkeypatch.setattr(refresh_availability, "close_old_connections", lambda: None)


def test_a_server_that_does_not_speak_http_marks_the_feed_failing(world, machine):
    feed = services.feed_create(actor=world.admin, resource=machine, name="SMTP by mistake",
                                url="http://127.0.0.1:25/")

    def not_http(url):
        raise http.client.BadStatusLine("220 mail.example.com ESMTP")

    services.feed_refresh(feed=feed, fetch=not_http)
    feed.refresh_from_db()
    assert feed.status == CalendarFeed.Status.FAILING
    assert "220 mail.example.com" in feed.last_error


def test_refresh_command_runs_once_and_prints_counts(world, machine, capsys):
    services.feed_create(actor=world.admin, resource=machine, name="Down", url=UNREACHABLE)
    FreeSlot.objects.filter(resource=machine).delete()
    call_command("refresh_availability")
    out = capsys.readouterr().out
    assert "Calendar feeds refreshed: 0, failing: 1" in out
    assert "free time recomputed for 1 resources" in out
    assert FreeSlot.objects.filter(resource=machine).count() == 10
    feed = machine.feeds.get()
    assert feed.status == CalendarFeed.Status.FAILING
    # Not due again before the back-off has passed.
    call_command("refresh_availability")
    assert "refreshed: 0, failing: 0" in capsys.readouterr().out


def test_refresh_command_loops_until_stopped(world, machine, monkeypatch, capsys,
                                             keep_connection):
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(refresh_availability.time, "sleep", sleep)
    call_command("refresh_availability", "--loop", "--interval", "60")
    out = capsys.readouterr().out
    # Free time rolls forward once a day; the feeds are checked on every run.
    assert out.count("free time recomputed for 1 resources") == 1
    assert out.count("free time recomputed for 0 resources") == 1
    assert out.rstrip().endswith("Stopped.")
    assert all(0 <= nap <= 60 for nap in naps)


def test_refresh_command_survives_a_failed_run(world, machine, monkeypatch, capsys,
                                               keep_connection):
    runs = []

    def refresh_due(**options):
        runs.append(options)
        if len(runs) == 1:
            raise RuntimeError("database restarting")
        return {"feeds_refreshed": 0, "feeds_failed": 0, "resources": 0}

    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(runs) == 2 or len(naps) > 5:  # never loop forever, whatever goes wrong
            raise KeyboardInterrupt

    monkeypatch.setattr(refresh_availability.services, "refresh_due", refresh_due)
    monkeypatch.setattr(refresh_availability.time, "sleep", sleep)
    call_command("refresh_availability", "--loop", "--interval", "10")
    captured = capsys.readouterr()
    assert "The run failed" in captured.err
    assert "free time recomputed for 0 resources" in captured.out
    assert len(runs) == 2


def test_refresh_command_refuses_a_silly_interval():
    with pytest.raises(CommandError, match="at least 10 seconds"):
        call_command("refresh_availability", "--loop", "--interval", "0")
