"""The telemetry API: links with their permissions, HTTP batch ingest with per-message answers,
state history and ISO 22400 KPIs, proposals."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from fabshare.telemetry.models import MachineLink, RejectedMessage, StateMessage

API = "/api/v1/telemetry"
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def post_ingest(client, token, body, raw=False):
    return client.post(f"{API}/ingest", body if raw else json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_admin_creates_a_link_and_gets_the_token_once(client, world):
    from tests.factories import ResourceFactory

    resource = ResourceFactory(organization=world.factory)
    client.force_login(world.admin)
    response = client.post(f"{API}/links", json.dumps({
        "resource_id": resource.pk, "name": "Press", "protocol": "opcua",
        "opcua_endpoint": "opc.tcp://press.local:4840", "opcua_state_node": "ns=2;s=State",
        "mapping": {"RUN": "running"}}), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ingest_token"].startswith("fsm_") and body["mapping"] == {"RUN": "running"}
    detail = client.get(f"{API}/links/{body['id']}").json()
    assert "ingest_token" not in detail
    bad = client.post(f"{API}/links", json.dumps({
        "resource_id": resource.pk, "name": "Press", "protocol": "opcua",
        "mapping": {"RUN": "sprinting"}}), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "mapping"


@pytest.mark.parametrize("who,status", [("member", 200), ("outsider", 404), (None, 401)])
def test_who_may_read_a_link(client, world, machine, who, status):
    if who:
        client.force_login(getattr(world, who))
    assert client.get(f"{API}/links/{machine.pk}").status_code in (
        (403, 404) if who == "outsider" else (status,))


def test_a_member_may_not_change_a_link(client, world, machine):
    client.force_login(world.member)
    response = client.patch(f"{API}/links/{machine.pk}", json.dumps({"name": "x"}),
                            content_type="application/json")
    assert response.status_code == 403


def test_http_ingest_answers_each_message(client, machine, at_now):
    token = machine.http_token
    body = [{"state": "Executing", "ts": (NOW - timedelta(minutes=30)).isoformat(), "id": "1"},
            {"state": "READY", "ts": (NOW - timedelta(minutes=10)).isoformat(), "id": "2",
             "good": 40, "scrap": 2},
            {"state": "WARP", "ts": NOW.isoformat()},
            {"state": "idle", "ts": (NOW + timedelta(days=1)).isoformat()}]
    response = post_ingest(client, token, body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["accepted"], out["rejected"]) == (2, 2)
    assert [r["reason"] for r in out["results"]] == [None, None, "unknown_state", "future"]
    again = post_ingest(client, token, body[:2]).json()
    assert (again["accepted"], again["repeated"]) == (0, 2)
    assert StateMessage.objects.filter(link=machine).count() == 2
    # Malformed JSON: a 400 that says so, and the message is kept for the provider.
    broken = post_ingest(client, token, b"[{", raw=True)
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]
    assert RejectedMessage.objects.filter(link=machine, reason="malformed").exists()
    assert post_ingest(client, "fsm_wrong", body).status_code == 401
    huge = post_ingest(client, token, [{"state": "idle", "ts": NOW.isoformat(),
                                        "pad": "x" * 1000}] * 1000)
    assert huge.status_code == 413 and "larger than" in huge.json()["detail"]


def test_history_and_kpis(client, world, machine, at_now):
    post_ingest(client, machine.http_token, [
        {"state": "running", "ts": (NOW - timedelta(hours=4)).isoformat()},
        {"state": "idle", "ts": (NOW - timedelta(hours=1)).isoformat(), "good": 90,
         "scrap": 10}])
    client.force_login(world.member)
    intervals = client.get(f"{API}/links/{machine.pk}/intervals").json()
    assert [i["state"] for i in intervals] == ["running", "idle"]
    assert intervals[-1]["end"].startswith("2026-03-30T12:00")
    kpis = client.get(f"{API}/links/{machine.pk}/kpis", {"period": "day"}).json()
    today = kpis[-1]
    assert today["label"] == "2026-03-30"
    # 3 h running + 1 h idle known today (local day since 22:00 UTC); the rest unknown.
    assert today["seconds"]["apt"] == 3 * 3600 and today["seconds"]["pbt"] == 4 * 3600
    assert today["availability"] == pytest.approx(0.75)
    assert today["quality_ratio"] == pytest.approx(0.9) and today["oee"] is None
    bad = client.get(f"{API}/links/{machine.pk}/kpis", {"period": "month"})
    assert bad.status_code == 422


def test_proposals_publish_through_the_api(client, world, machine, at_now):
    from fabshare.telemetry.models import IdleProposal

    proposal = IdleProposal.objects.create(link=machine, start=NOW + timedelta(hours=2),
                                           end=NOW + timedelta(hours=8), confidence=0.8)
    client.force_login(world.member)
    assert client.post(f"{API}/proposals/{proposal.pk}/publish").status_code == 403
    client.force_login(world.admin)
    response = client.post(f"{API}/proposals/{proposal.pk}/publish")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert client.post(f"{API}/proposals/{proposal.pk}/publish").status_code == 409
    assert MachineLink.objects.get(pk=machine.pk).resource.windows.get().source == "machine"
