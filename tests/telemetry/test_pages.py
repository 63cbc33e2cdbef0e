"""The machine pages: who sees what, connecting a link, publishing a proposal, charts."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from fabshare.telemetry.ingest import Incoming, store
from fabshare.telemetry.models import IdleProposal, MachineLink

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def history(machine):
    with time_machine.travel(NOW, tick=False):
        rows = [{"link": machine.key, "state": s, "ts": (NOW - timedelta(hours=h)).isoformat(),
                 "good": 10} for h, s in ((30, "running"), (20, "idle"), (5, "setup"),
                                         (4, "running"), (1, "down"))]
        rows.append("{broken")
        store([Incoming(payload=(r if isinstance(r, str) else json.dumps(r)).encode(),
                        source="mqtt", default_link=machine.key) for r in rows])
    return machine


def test_member_sees_states_kpis_and_charts(client, world, history):
    client.force_login(world.member)
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/resources/{history.resource.slug}/machine/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Down" in page and "figure-timeline" in page and "ISO 22400" in page
    assert "Connect a machine" not in page  # members only read
    timeline = json.loads(page.split('id="figure-timeline" type="application/json">')[1]
                          .split("</script>")[0])
    assert {t["name"] for t in timeline["data"]} >= {"Running", "Idle", "Setup", "Down"}
    assert client.get("/plotly.min.js").status_code == 200


@pytest.mark.parametrize("who", ["outsider", "founder"])
def test_outsiders_do_not_see_machine_data(client, world, history, who):
    client.force_login(getattr(world, who))
    assert client.get(f"/resources/{history.resource.slug}/machine/").status_code == 404
    assert client.get(f"/machine-links/{history.pk}/").status_code in (403, 404)
    assert client.get("/organizations/genk-precision/machines/").status_code == 404


def test_admin_connects_an_opcua_machine_with_a_mapping(client, world, machine):
    client.force_login(world.admin)
    url = f"/resources/{machine.resource.slug}/machine/connect/"
    bad = client.post(url, {"name": "Press", "protocol": "opcua", "time_zone": "Europe/Brussels",
                            "mapping": "RUN = sprinting", "is_active": "on"})
    assert bad.status_code == 200 and "is not a state" in bad.content.decode()
    missing = client.post(url, {"name": "Press", "protocol": "opcua",
                                "time_zone": "Europe/Brussels", "is_active": "on"})
    assert "OPC UA endpoint" in missing.content.decode()
    response = client.post(url, {
        "name": "Press", "protocol": "opcua", "time_zone": "Europe/Brussels", "is_active": "on",
        "opcua_endpoint": "opc.tcp://127.0.0.1:1/", "opcua_state_node": "ns=2;s=X",
        "mapping": "RUN = running\nHALT = down"}, follow=True)
    link = MachineLink.objects.get(name="Press")
    assert link.mapping == {"RUN": "running", "HALT": "down"}
    assert "shown only now: fsm_" in response.content.decode()
    # Testing the link reports the failure to reach the (absent) server.
    tested = client.post(f"/machine-links/{link.pk}/test/", follow=True).content.decode()
    assert "Could not read from opc.tcp://127.0.0.1:1/" in tested


def test_the_link_page_shows_the_last_message_and_rejections(client, world, history):
    client.force_login(world.member)
    page = client.get(f"/machine-links/{history.pk}/").content.decode()
    assert "malformed" in page and "Only admins change" in page
    assert "{broken" in page  # the last message received, even a rejected one


def test_admin_publishes_a_proposal_with_one_click(client, world, history):
    with time_machine.travel(NOW, tick=False):
        proposal = IdleProposal.objects.create(link=history, start=NOW + timedelta(hours=3),
                                               end=NOW + timedelta(hours=9), confidence=0.86)
        client.force_login(world.admin)
        page = client.get(f"/resources/{history.resource.slug}/machine/").content.decode()
        assert "86 %" in page and "Publish" in page
        client.post(f"/machine-proposals/{proposal.pk}/publish/")
    proposal.refresh_from_db()
    assert proposal.status == "published" and proposal.window.source == "machine"


def test_organization_dashboard(client, world, history):
    client.force_login(world.member)
    with time_machine.travel(NOW, tick=False):
        page = client.get("/organizations/genk-precision/machines/").content.decode()
    assert history.resource.name in page and "figure-idle" in page
