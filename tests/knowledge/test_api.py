"""The knowledge API: events with sessions, registrations with their waitlist position,
cancellation and offers, check-in, projects; errors as problem+json naming the field."""

from datetime import timedelta

import pytest

from fabshare.knowledge.models import Event, Registration
from tests.knowledge.conftest import NOW, make_event, register

API = "/api/v1"
PROBLEM = "application/problem+json"


def _event_payload(world, **extra):
    site = world.factory.sites.first()
    start = NOW + timedelta(days=14)
    return {
        "title": "Digital twin training", "kind": "training", "theme": "digitalisation",
        "host_id": world.factory.pk, "network_id": world.network.pk, "capacity": 2,
        "quota_per_organization": 1,
        "registration_deadline": (NOW + timedelta(days=7)).isoformat(),
        "cluster_ids": [world.automotive.pk],
        "sessions": [
            {"title": "Morning", "starts_at": start.isoformat(),
             "ends_at": (start + timedelta(hours=3)).isoformat(), "site_id": site.pk},
            {"title": "Online follow-up", "starts_at": (start + timedelta(days=7)).isoformat(),
             "ends_at": (start + timedelta(days=7, hours=1)).isoformat(),
             "online_url": "https://meet.example/abc"},
        ], **extra}


def test_host_creates_an_event_and_anyone_reads_it(world, client):
    client.force_login(world.admin)
    response = client.post(f"{API}/events", _event_payload(world),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seats_taken"] == 0 and len(body["sessions"]) == 2
    assert body["sessions"][0]["city"] == "Genk"
    client.logout()
    public = client.get(f"{API}/events/{body['id']}")
    assert public.status_code == 200 and public.json()["title"] == "Digital twin training"
    listed = client.get(f"{API}/events", {"theme": "digitalisation"}).json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]
    assert client.get(f"{API}/events", {"theme": "talent"}).json()["items"] == []


def test_session_ending_before_start_is_a_400_naming_it_and_nothing_is_written(world, client):
    client.force_login(world.admin)
    payload = _event_payload(world)
    payload["sessions"][1]["ends_at"] = payload["sessions"][1]["starts_at"]
    response = client.post(f"{API}/events", payload, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "sessions"
    assert "Session 2" in response.json()["detail"]
    assert not Event.objects.exists()


def test_quota_above_capacity_and_unknown_field(world, client):
    client.force_login(world.admin)
    response = client.post(f"{API}/events", _event_payload(world, quota_per_organization=3),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "quota_per_organization"
    response = client.post(f"{API}/events", _event_payload(world, seats=3),
                           content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "seats"


def test_register_waitlist_position_cancel_and_offer(world, smes, client):
    event = make_event(world, capacity=1)
    org0, p0 = smes.person(0)
    org1, p1 = smes.person(1)
    org2, p2 = smes.person(2)
    client.force_login(p0)
    first = client.post(f"{API}/events/{event.pk}/registrations",
                        {"organization_id": org0.pk}, content_type="application/json")
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    again = client.post(f"{API}/events/{event.pk}/registrations",
                        {"organization_id": org0.pk}, content_type="application/json")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "attendee"
    register(event, org1, p1)
    register(event, org2, p2)
    client.force_login(p2)
    mine = client.get(f"{API}/registrations").json()["items"]
    assert mine[0]["status"] == "waitlisted" and mine[0]["waitlist_position"] == 2

    client.force_login(p0)
    cancelled = client.post(f"{API}/registrations/{first.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    client.force_login(p1)
    offered = Registration.objects.get(attendee=p1)
    response = client.post(f"{API}/registrations/{offered.pk}/accept")
    assert response.json()["status"] == "confirmed"
    client.force_login(p2)
    assert client.get(f"{API}/registrations").json()["items"][0]["waitlist_position"] == 1


def test_host_lists_registrations_and_checks_in(world, smes, client):
    event = make_event(world, capacity=1)
    registration = register(event, *smes.person(0))
    register(event, *smes.person(1))
    session = event.sessions.first()
    client.force_login(smes.person(0)[1])
    assert client.get(f"{API}/events/{event.pk}/registrations").status_code == 403
    client.force_login(world.admin)
    rows = client.get(f"{API}/events/{event.pk}/registrations").json()["items"]
    assert [(r["status"], r["waitlist_position"]) for r in rows] == [
        ("confirmed", None), ("waitlisted", 1)]
    response = client.post(f"{API}/registrations/{registration.pk}/check-in",
                           {"session_id": session.pk}, content_type="application/json")
    assert response.json()["sessions_attended"] == [session.pk]


def test_capacity_below_taken_is_409(world, smes, client):
    event = make_event(world, capacity=3)
    register(event, *smes.person(0))
    register(event, *smes.person(1))
    client.force_login(world.admin)
    response = client.patch(f"{API}/events/{event.pk}", {"capacity": 1},
                            content_type="application/json")
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "capacity"


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_network_only_event_is_invisible_to_outsiders(world, client, who):
    event = make_event(world, visibility="network")
    if who == "outsider":
        client.force_login(world.outsider)
    assert client.get(f"{API}/events/{event.pk}").status_code == 404
    assert client.get(f"{API}/events").json()["items"] == []


def test_projects_join_and_updates(world, smes, client):
    client.force_login(world.admin)
    response = client.post(f"{API}/projects", {
        "title": "Circular steel", "theme": "sustainability", "goals": "Reuse offcuts.",
        "lead_id": world.factory.pk, "network_id": world.network.pk,
        "starts_on": "2026-04-01", "ends_on": "2026-03-01"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "ends_on"
    response = client.post(f"{API}/projects", {
        "title": "Circular steel", "theme": "sustainability", "goals": "Reuse offcuts.",
        "lead_id": world.factory.pk, "network_id": world.network.pk,
        "starts_on": "2026-04-01"}, content_type="application/json")
    project = response.json()
    org, admin = smes.person(0)
    client.force_login(admin)
    assert client.post(f"{API}/projects/{project['id']}/updates", {"body": "hi"},
                       content_type="application/json").status_code == 403
    partner = client.post(f"{API}/projects/{project['id']}/partners",
                          {"organization_id": org.pk, "role": "Recycler"},
                          content_type="application/json").json()
    assert partner["status"] == "requested"
    assert client.post(f"{API}/projects/{project['id']}/partners/{partner['id']}/decision",
                       {"approve": True}, content_type="application/json").status_code == 403
    client.force_login(world.admin)
    decided = client.post(f"{API}/projects/{project['id']}/partners/{partner['id']}/decision",
                          {"approve": True}, content_type="application/json")
    assert decided.json()["status"] == "approved"
    client.force_login(admin)
    assert client.post(f"{API}/projects/{project['id']}/updates", {"body": "First batch"},
                       content_type="application/json").status_code == 201
    assert client.patch(f"{API}/projects/{project['id']}", {"status": "active"},
                        content_type="application/json").status_code == 403
    client.force_login(world.admin)
    changed = client.patch(f"{API}/projects/{project['id']}", {"status": "active"},
                           content_type="application/json")
    assert changed.json()["status"] == "active"
    client.logout()
    detail = client.get(f"{API}/projects/{project['id']}").json()
    assert [p["role"] for p in detail["partners"]] == ["Project lead", "Recycler"]
