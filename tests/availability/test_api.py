"""The availability API: windows, recurring rules and calendar feeds with the pages'
permissions, free time of one resource, and the search for resources with enough free time —
across daylight-saving changes, with field-level problems for bad times and RRULEs."""

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from fabshare.availability import services
from fabshare.availability.models import (
    AvailabilityRule,
    AvailabilityWindow,
    CalendarFeed,
    FreeSlot,
)
from fabshare.catalog import services as catalog_services
from fabshare.catalog.models import Process
from fabshare.network import services as network_services
from fabshare.network.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, ResourceFactory

API = "/api/v1"
PROBLEM = "application/problem+json"
NOW = datetime(2026, 3, 23, 6, 0, tzinfo=UTC)  # Monday before the spring DST change (29 March)
travel = time_machine.travel(NOW, tick=False)

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

OFFICE_HOURS = {"name": "Office hours", "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                "start_time": "08:00", "duration_minutes": 540, "starts_on": "2026-03-23"}


def bearer(user, name="integration") -> dict:
    _, raw = network_services.token_create(actor=user, name=name)
    return {"Authorization": f"Bearer {raw}"}


def send(client, method, url, data=None, *, headers=None):
    body = data if isinstance(data, str | bytes) else json.dumps(data or {})
    return getattr(client, method)(url, body, content_type="application/json",
                                   headers=headers or {})


def problem(response, status) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def fields(body) -> list:
    return [e["field"] for e in body.get("errors") or []]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def machine(world):
    return ResourceFactory(organization=world.factory, site=world.factory.sites.get(),
                           name="DMU 65 monoBLOCK")


@pytest.fixture
def hidden(world):
    """A resource only its own organization sees."""
    return ResourceFactory(organization=world.factory, site=world.factory.sites.get(),
                           name="Prototype cell", visibility="partners")


@pytest.fixture
def admin(world):
    return bearer(world.admin)


# --- one-off windows -------------------------------------------------------------------------


@travel
def test_windows_offer_free_time(client, world, machine, admin):
    url = f"{API}/resources/{machine.pk}/windows"
    response = send(client, "post", url, {"start": "2026-03-24T08:00:00+01:00",
                                           "end": "2026-03-24T20:00:00+01:00",
                                           "note": "Between two orders"}, headers=admin)
    assert response.status_code == 201, response.content
    window = response.json()
    assert window["start"] == "2026-03-24T07:00:00Z" or window["start"].startswith(
        "2026-03-24T07:00:00")
    assert window["source"] == "manual" and window["note"] == "Between two orders"
    assert FreeSlot.objects.get(resource=machine).end == utc(2026, 3, 24, 19)

    listed = client.get(url, headers=bearer(world.member)).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == window["id"]

    assert client.delete(f"{API}/windows/{window['id']}", headers=admin).status_code == 204
    assert not AvailabilityWindow.objects.exists()
    assert not FreeSlot.objects.filter(resource=machine).exists()


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"start": "2026-03-24T08:00:00", "end": "2026-03-24T20:00:00+01:00"}, 422, "start"),
    ({"start": "2026-03-24T08:00:00+01:00", "end": "2026-03-24T20:00:00"}, 422, "end"),
    ({"start": "2026-03-24T08:00:00+01:00", "end": "2026-03-24T07:00:00+01:00"}, 400, "end"),
    ({"start": "2026-03-24T08:00:00+01:00", "end": "2027-04-24T08:00:00+01:00"}, 400, "end"),
    ({"start": "0001-01-01T00:00:00+14:00", "end": "2026-03-24T08:00:00+01:00"}, 422, "start"),
    ({"start": "yesterday", "end": "2026-03-24T08:00:00+01:00"}, 422, "start"),
    ({"start": "2026-03-24T08:00:00Z", "end": "2026-03-24T09:00:00Z", "x": 1}, 422, "x"),
])
@travel
def test_bad_windows_name_the_field(client, world, machine, admin, payload, status, field):
    body = problem(send(client, "post", f"{API}/resources/{machine.pk}/windows", payload,
                        headers=admin), status)
    assert fields(body) == [field]
    assert not AvailabilityWindow.objects.exists()


@travel
def test_window_permissions(client, world, machine, hidden, admin):
    window = services.window_create(actor=world.admin, resource=machine, start=utc(2026, 3, 24, 8),
                                    end=utc(2026, 3, 24, 12))
    hidden_window = services.window_create(actor=world.admin, resource=hidden,
                                           start=utc(2026, 3, 24, 8), end=utc(2026, 3, 24, 12))
    payload = {"start": "2026-03-25T08:00:00Z", "end": "2026-03-25T12:00:00Z"}
    outsider, member = bearer(world.outsider), bearer(world.member)
    # Visible but not theirs: 403; invisible: 404; anonymous: 401.
    problem(client.get(f"{API}/resources/{machine.pk}/windows", headers=outsider), 403)
    problem(client.get(f"{API}/resources/{machine.pk}/windows"), 401)
    problem(client.get(f"{API}/resources/{hidden.pk}/windows", headers=outsider), 404)
    problem(send(client, "post", f"{API}/resources/{machine.pk}/windows", payload,
                 headers=member), 403)
    problem(send(client, "post", f"{API}/resources/{machine.pk}/windows", payload,
                 headers=outsider), 403)
    problem(send(client, "post", f"{API}/resources/{hidden.pk}/windows", payload,
                 headers=outsider), 404)
    problem(client.delete(f"{API}/windows/{window.pk}", headers=member), 403)
    problem(client.delete(f"{API}/windows/{window.pk}", headers=outsider), 403)
    problem(client.delete(f"{API}/windows/{hidden_window.pk}", headers=outsider), 404)
    problem(client.delete(f"{API}/windows/999999", headers=admin), 404)
    assert AvailabilityWindow.objects.count() == 2


# --- recurring rules -------------------------------------------------------------------------


@travel
def test_weekly_rule_with_exceptions_across_dst(client, world, machine, admin):
    response = send(client, "post", f"{API}/resources/{machine.pk}/rules", {
        **OFFICE_HOURS, "exceptions": [{"first_day": "2026-03-26", "last_day": "2026-03-27",
                                        "reason": "Audit"}]}, headers=admin)
    assert response.status_code == 201, response.content
    rule = response.json()
    assert rule["rrule"] == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert rule["start_time"] == "08:00" and rule["time_zone"] == "Europe/Brussels"
    assert rule["exceptions"] == [{"first_day": "2026-03-26", "last_day": "2026-03-27",
                                   "reason": "Audit"}]

    free = client.get(f"{API}/resources/{machine.pk}/free-time",
                      {"start": "2026-03-23T00:00:00Z", "end": "2026-04-04T00:00:00Z"}).json()
    starts = [s["start"][:19] for s in free["slots"]]
    # 08:00 Brussels is 07:00 UTC before the change on 29 March and 06:00 UTC after it; the
    # audit on Thursday and Friday is excepted.
    assert starts == ["2026-03-23T07:00:00", "2026-03-24T07:00:00", "2026-03-25T07:00:00",
                      "2026-03-30T06:00:00", "2026-03-31T06:00:00", "2026-04-01T06:00:00",
                      "2026-04-02T06:00:00", "2026-04-03T06:00:00"]
    assert free["total_hours"] == 8 * 9 and free["longest_hours"] == 9

    # A change replaces the exceptions and recomputes the free time.
    patched = send(client, "patch", f"{API}/rules/{rule['id']}",
                   {"exceptions": [], "start_time": "09:00"}, headers=admin)
    assert patched.status_code == 200, patched.content
    assert patched.json()["exceptions"] == [] and patched.json()["start_time"] == "09:00"
    free = client.get(f"{API}/resources/{machine.pk}/free-time",
                      {"start": "2026-03-23T00:00:00Z", "end": "2026-04-04T00:00:00Z"}).json()
    assert free["total_hours"] == 10 * 9
    assert free["slots"][0]["start"].startswith("2026-03-23T08:00:00")

    deactivated = send(client, "patch", f"{API}/rules/{rule['id']}", {"is_active": False},
                       headers=admin).json()
    assert deactivated["is_active"] is False
    assert not FreeSlot.objects.filter(resource=machine).exists()

    assert client.delete(f"{API}/rules/{rule['id']}", headers=admin).status_code == 204
    assert not AvailabilityRule.objects.exists()


@travel
def test_night_shift_over_the_spring_forward_night_lasts_seven_hours(client, world, machine,
                                                                     admin):
    send(client, "post", f"{API}/resources/{machine.pk}/rules", {
        "name": "Weekend nights", "rrule": "FREQ=WEEKLY;BYDAY=SA", "start_time": "22:00",
        "duration_minutes": 480, "starts_on": "2026-03-23"}, headers=admin)
    free = client.get(f"{API}/resources/{machine.pk}/free-time",
                      {"start": "2026-03-28T12:00:00+01:00",
                       "end": "2026-03-29T12:00:00+02:00"}).json()
    assert free["slots"] == [{"start": "2026-03-28T21:00:00Z", "end": "2026-03-29T04:00:00Z"}] \
        or [(s["start"][:19], s["end"][:19]) for s in free["slots"]] == [
            ("2026-03-28T21:00:00", "2026-03-29T04:00:00")]
    assert free["total_hours"] == 7


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"rrule": "FREQ=FORTNIGHTLY"}, 400, "rrule"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, 400, "rrule"),
    ({"rrule": "FREQ=MINUTELY"}, 400, "rrule"),
    ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, 400, "rrule"),
    ({"rrule": ""}, 422, "rrule"),
    ({"start_time": "25:00"}, 422, "start_time"),
    ({"start_time": "8 o'clock"}, 422, "start_time"),
    ({"duration_minutes": 0}, 400, "duration_minutes"),
    ({"duration_minutes": 10**30}, 400, "duration_minutes"),
    ({"time_zone": "Mars/Olympus_Mons"}, 400, "time_zone"),
    ({"ends_on": "2026-03-01"}, 400, "ends_on"),
    ({"starts_on": "0001-01-01"}, 422, "starts_on"),
    ({"exceptions": [{"first_day": "2026-04-02", "last_day": "2026-04-01"}]}, 400,
     "exceptions"),
    ({"exceptions": [{"first_day": "2026-04-02", "last_day": "9999-12-31"}]}, 422,
     "exceptions.0.last_day"),
    ({"name": "  "}, 400, "name"),
])
@travel
def test_bad_rules_name_the_field(client, world, machine, admin, change, status, field):
    body = problem(send(client, "post", f"{API}/resources/{machine.pk}/rules",
                        {**OFFICE_HOURS, **change}, headers=admin), status)
    assert fields(body) == [field]
    assert not AvailabilityRule.objects.exists()


@travel
def test_a_bad_change_leaves_the_rule_as_it_was(client, world, machine, admin):
    rule = send(client, "post", f"{API}/resources/{machine.pk}/rules", OFFICE_HOURS,
                headers=admin).json()
    body = problem(send(client, "patch", f"{API}/rules/{rule['id']}",
                        {"rrule": "FREQ=WEEKLY;BYDAY=XX", "name": "Broken"}, headers=admin), 400)
    assert fields(body) == ["rrule"]
    stored = AvailabilityRule.objects.get()
    assert (stored.name, stored.rrule) == ("Office hours", OFFICE_HOURS["rrule"])
    assert "name" in fields(problem(send(client, "patch", f"{API}/rules/{rule['id']}",
                                         {"name": None}, headers=admin), 422))


@travel
def test_rule_permissions(client, world, machine, hidden, admin):
    rule = send(client, "post", f"{API}/resources/{machine.pk}/rules", OFFICE_HOURS,
                headers=admin).json()
    hidden_rule = send(client, "post", f"{API}/resources/{hidden.pk}/rules", OFFICE_HOURS,
                       headers=admin).json()
    member, outsider = bearer(world.member), bearer(world.outsider)
    assert client.get(f"{API}/resources/{machine.pk}/rules", headers=member).json()["count"] == 1
    problem(client.get(f"{API}/resources/{machine.pk}/rules", headers=outsider), 403)
    problem(client.get(f"{API}/resources/{hidden.pk}/rules", headers=outsider), 404)
    problem(send(client, "post", f"{API}/resources/{machine.pk}/rules", OFFICE_HOURS,
                 headers=member), 403)
    for headers in (member, outsider):
        problem(send(client, "patch", f"{API}/rules/{rule['id']}", {"name": "x"},
                     headers=headers), 403)
        problem(client.delete(f"{API}/rules/{rule['id']}", headers=headers), 403)
    problem(send(client, "patch", f"{API}/rules/{hidden_rule['id']}", {"name": "x"},
                 headers=outsider), 404)
    problem(client.delete(f"{API}/rules/{hidden_rule['id']}", headers=outsider), 404)
    assert AvailabilityRule.objects.filter(name="Office hours").count() == 2


# --- calendar feeds --------------------------------------------------------------------------


@travel
def test_uploaded_calendar_is_subtracted(client, world, machine, admin):
    send(client, "post", f"{API}/resources/{machine.pk}/rules", OFFICE_HOURS, headers=admin)
    response = client.post(f"{API}/resources/{machine.pk}/feeds/upload",
                           {"calendar": SimpleUploadedFile("erp.ics", FEED, "text/calendar"),
                            "name": "ERP"}, headers=admin)
    assert response.status_code == 201, response.content
    feed = response.json()
    assert (feed["name"], feed["url"], feed["status"], feed["busy_count"]) == ("ERP", "", "ok", 1)
    free = client.get(f"{API}/resources/{machine.pk}/free-time",
                      {"start": "2026-03-24T00:00:00Z", "end": "2026-03-25T00:00:00Z"}).json()
    # Tuesday 08:00–17:00 minus maintenance 10:00–12:00 (Brussels time).
    assert free["total_hours"] == 7 and free["longest_hours"] == 5
    assert len(free["slots"]) == 2

    listed = client.get(f"{API}/resources/{machine.pk}/feeds", headers=admin).json()
    assert [f["id"] for f in listed["items"]] == [feed["id"]]
    assert client.delete(f"{API}/feeds/{feed['id']}", headers=admin).status_code == 204
    free = client.get(f"{API}/resources/{machine.pk}/free-time",
                      {"start": "2026-03-24T00:00:00Z", "end": "2026-03-25T00:00:00Z"}).json()
    assert free["total_hours"] == 9


@pytest.mark.parametrize("content", [
    b"BEGIN:VCALENDAR\r\nthis is not ical",
    b"",
    FEED.replace(b"END:VEVENT", b"X-PAD:" + b"x" * 2_100_000 + b"\r\nEND:VEVENT"),
])
@travel
def test_malformed_or_oversized_calendar_is_400_and_nothing_is_saved(client, world, machine,
                                                                     admin, content):
    response = client.post(f"{API}/resources/{machine.pk}/feeds/upload",
                           {"calendar": SimpleUploadedFile("bad.ics", content, "text/calendar")},
                           headers=admin)
    assert fields(problem(response, 400)) == ["calendar"]
    assert not CalendarFeed.objects.exists()


@travel
def test_upload_needs_a_file(client, world, machine, admin):
    response = client.post(f"{API}/resources/{machine.pk}/feeds/upload", {"name": "x"},
                           headers=admin)
    assert fields(problem(response, 422)) == ["calendar"]


@travel
def test_feed_url_is_kept_and_flagged_when_unreachable(client, world, machine, admin,
                                                       monkeypatch):
    def unreachable(url):
        raise OSError("Connection refused")

    monkeypatch.setattr(services, "fetch_url", unreachable)
    response = send(client, "post", f"{API}/resources/{machine.pk}/feeds",
                    {"url": "WebCal://erp.example.com/machine.ics", "name": "Planning"},
                    headers=admin)
    assert response.status_code == 201, response.content
    feed = CalendarFeed.objects.get()
    assert feed.url == "https://erp.example.com/machine.ics"
    # The fetch runs once the feed is saved (here, inside the test's transaction, by hand).
    services.feed_refresh(feed=feed)
    body = client.get(f"{API}/resources/{machine.pk}/feeds", headers=admin).json()["items"][0]
    assert body["status"] == "failing" and "Connection refused" in body["last_error"]
    assert body["next_attempt_at"].startswith("2026-03-23T06:15:00")


@pytest.mark.parametrize(("url", "status"), [
    ("ftp://erp.example.com/machine.ics", 422),
    ("not a url", 422),
    ("", 422),
    ("https://" + "a" * 600 + ".example.com", 422),
])
@travel
def test_bad_feed_urls_name_the_field(client, world, machine, admin, url, status):
    body = problem(send(client, "post", f"{API}/resources/{machine.pk}/feeds", {"url": url},
                        headers=admin), status)
    assert fields(body) == ["url"]
    assert not CalendarFeed.objects.exists()


@travel
def test_feeds_are_for_admins(client, world, machine, hidden, admin):
    feed = services.feed_create(actor=world.admin, resource=machine, name="ERP", upload=FEED)
    hidden_feed = services.feed_create(actor=world.admin, resource=hidden, name="ERP",
                                       upload=FEED)
    member, outsider = bearer(world.member), bearer(world.outsider)
    upload = {"calendar": SimpleUploadedFile("erp.ics", FEED, "text/calendar")}
    for headers in (member, outsider):  # feed addresses are often secret: admins only
        problem(client.get(f"{API}/resources/{machine.pk}/feeds", headers=headers), 403)
        problem(send(client, "post", f"{API}/resources/{machine.pk}/feeds",
                     {"url": "https://erp.example.com/a.ics"}, headers=headers), 403)
        problem(client.post(f"{API}/resources/{machine.pk}/feeds/upload", upload,
                            headers=headers), 403)
        problem(client.delete(f"{API}/feeds/{feed.pk}", headers=headers), 403)
    problem(client.get(f"{API}/resources/{hidden.pk}/feeds", headers=outsider), 404)
    problem(client.delete(f"{API}/feeds/{hidden_feed.pk}", headers=outsider), 404)
    assert CalendarFeed.objects.count() == 2


# --- free time of one resource ---------------------------------------------------------------


@travel
def test_free_time_is_public_where_the_resource_is(client, world, machine, hidden):
    services.window_create(actor=world.admin, resource=machine, start=utc(2026, 3, 24, 8),
                           end=utc(2026, 3, 24, 20))
    body = client.get(f"{API}/resources/{machine.pk}/free-time").json()  # now … now + 28 days
    assert body["start"].startswith("2026-03-23T06:00:00")
    assert body["end"].startswith("2026-04-20T06:00:00")
    assert body["total_hours"] == 12 and body["longest_hours"] == 12
    assert body["computed_until"].startswith("2026-09-19T06:00:00")  # the 180-day horizon
    problem(client.get(f"{API}/resources/{hidden.pk}/free-time"), 404)
    problem(client.get(f"{API}/resources/{hidden.pk}/free-time",
                       headers=bearer(world.outsider)), 404)
    assert client.get(f"{API}/resources/{hidden.pk}/free-time",
                      headers=bearer(world.member)).status_code == 200


@pytest.mark.parametrize(("query", "field"), [
    ({"start": "2026-03-24T00:00:00"}, "start"),
    ({"start": "2026-03-24T00:00:00Z", "end": "2026-03-23T00:00:00Z"}, "end"),
    ({"start": "2026-03-24T00:00:00Z", "end": "2026-03-24T00:00:00Z"}, "end"),
    ({"start": "2026-03-24T00:00:00Z", "end": "2027-03-26T00:00:00Z"}, "end"),
    ({"end": "soon"}, "end"),
])
@travel
def test_free_time_ranges_are_checked(client, world, machine, query, field):
    body = problem(client.get(f"{API}/resources/{machine.pk}/free-time", query), 422)
    assert fields(body) == [field]
    body = problem(client.get(f"{API}/free-time", query), 422)
    assert fields(body) == [field]


@travel
def test_an_unencoded_plus_in_the_offset_is_understood(client, world, machine):
    services.window_create(actor=world.admin, resource=machine, start=utc(2026, 3, 24, 8),
                           end=utc(2026, 3, 24, 20))
    response = client.get(f"{API}/resources/{machine.pk}/free-time"
                          "?start=2026-03-24T10:00:00+01:00&end=2026-03-24T12:00:00+01:00")
    assert response.status_code == 200, response.content
    assert response.json()["total_hours"] == 2


# --- which resources have enough free time ---------------------------------------------------


@travel
def test_search_for_free_hours_or_a_free_run(client, world, machine, hidden):
    site = world.factory.sites.get()
    laser = ResourceFactory(organization=world.factory, site=site, name="Fibre laser")
    lab = ResourceFactory(organization=world.factory, site=site, name="Climate chamber",
                          kind="facility")
    idle = ResourceFactory(organization=world.factory, site=site, name="Idle lathe",
                           is_active=False)
    catalog_services.capability_create(actor=world.admin, resource=laser,
                                       process=Process.objects.get(code="laser-cutting-fibre"))
    services.rule_create(actor=world.admin, resource=machine, name="Office hours",
                         rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start_time=time(8),
                         duration_minutes=540, starts_on=date(2026, 3, 23))
    for resource in (laser, hidden, idle):
        services.window_create(actor=world.admin, resource=resource, start=utc(2026, 3, 24, 8),
                               end=utc(2026, 3, 24, 20))
    services.window_create(actor=world.admin, resource=lab, start=utc(2026, 3, 25, 8),
                           end=utc(2026, 3, 25, 10))
    week = {"start": "2026-03-23T00:00:00Z", "end": "2026-03-28T00:00:00Z"}

    def found(headers=None, **query):
        response = client.get(f"{API}/free-time", {**week, **query}, headers=headers or {})
        assert response.status_code == 200, response.content
        return {item["name"]: (item["free_total_hours"], item["free_longest_hours"])
                for item in response.json()["items"]}

    assert found() == {"DMU 65 monoBLOCK": (45, 9), "Fibre laser": (12, 12),
                       "Climate chamber": (2, 2)}
    assert list(found()) == ["DMU 65 monoBLOCK", "Fibre laser", "Climate chamber"]
    assert found(min_hours=40) == {"DMU 65 monoBLOCK": (45, 9)}
    assert found(min_run_hours=10) == {"Fibre laser": (12, 12)}
    assert set(found(min_hours=40, min_run_hours=10)) == {"DMU 65 monoBLOCK", "Fibre laser"}
    assert set(found(min_hours=0.5, kind="facility")) == {"Climate chamber"}
    assert set(found(process="laser-cutting")) == {"Fibre laser"}
    assert set(found(process="milling")) == set()
    # Partner-only and inactive resources stay out for outsiders; members see their own.
    assert "Prototype cell" not in found(headers=bearer(world.outsider))
    assert set(found(headers=bearer(world.member))) == {
        "DMU 65 monoBLOCK", "Fibre laser", "Climate chamber", "Prototype cell"}
    item = client.get(f"{API}/free-time", {**week, "min_run_hours": 10}).json()["items"][0]
    assert item == {"resource_id": laser.pk, "name": "Fibre laser", "kind": "machine",
                    "organization": {"id": world.factory.pk, "name": world.factory.name},
                    "free_total_hours": 12.0, "free_longest_hours": 12.0}
    page = client.get(f"{API}/free-time", {**week, "limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and [i["name"] for i in page["items"]] == ["Fibre laser"]


@pytest.mark.parametrize(("query", "field"), [
    ({"min_hours": -1}, "min_hours"),
    ({"min_run_hours": -0.5}, "min_run_hours"),
    ({"min_hours": 10**9}, "min_hours"),
    ({"min_hours": "NaN"}, "min_hours"),
    ({"process": "telepathy"}, "process"),
    ({"kind": "boat"}, "kind"),
])
@travel
def test_search_filters_are_checked(client, world, query, field):
    assert fields(problem(client.get(f"{API}/free-time", query), 422)) == [field]


@pytest.mark.parametrize("extra", [0, 20])
@travel
def test_search_costs_bounded_queries(client, world, django_assert_max_num_queries, extra):
    site = world.factory.sites.get()
    partner = OrganizationFactory()
    MembershipFactory(organization=partner, user=world.outsider, role=Role.MEMBER)
    for i in range(extra + 1):
        resource = ResourceFactory(organization=world.factory, site=site, name=f"Press {i}")
        services.window_create(actor=world.admin, resource=resource, start=utc(2026, 3, 24, 8),
                               end=utc(2026, 3, 24, 8 + i % 12 + 1))
    headers = bearer(world.outsider)
    client.get(f"{API}/tokens", headers=headers)
    with django_assert_max_num_queries(3):  # the token, the count, the page
        response = client.get(f"{API}/free-time", {"min_hours": 1, "limit": 200},
                              headers=headers)
    assert response.json()["count"] == extra + 1
    assert timedelta(hours=1) <= timedelta(hours=response.json()["items"][-1]["free_total_hours"])
