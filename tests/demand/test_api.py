"""The requests, parse, matches and saved-search endpoints: same rules as the pages."""

from datetime import timedelta

import pytest

from tests.market import NOW

pytestmark = pytest.mark.django_db


def _body(**extra):
    body = {
        "organization_id": None, "title": "Brackets", "language": "en",
        "earliest_start": NOW.date().isoformat(),
        "deadline": (NOW + timedelta(days=12)).date().isoformat(), "max_distance_km": 60,
        "certifications": [], "steps": [{"process": "laser-cutting",
                                         "material": "stainless-304", "thickness_mm": 3,
                                         "estimated_hours": 6, "quantity": 500}],
    }
    body.update(extra)
    return body


def test_create_open_and_read_matches_with_reasons(client, market):
    client.force_login(market.founder)
    created = client.post("/api/v1/requests", _body(organization_id=market.startup.pk),
                          content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["steps"][0]["process"] == "laser-cutting"
    assert client.post(f"/api/v1/requests/{pk}/open").json()["status"] == "open"
    steps = client.get(f"/api/v1/requests/{pk}/matches").json()
    names = [m["resource_name"] for m in steps[0]["matches"]]
    assert names == ["Trumpf TruLaser 3030", "Bystronic fibre 2 mm"]
    near = steps[0]["matches"][1]
    assert near["near_miss"] is True
    assert {"kind": "missing", "code": "thickness",
            "text": "3 mm is thicker than the 2 mm it handles."} in near["reasons"]
    only = client.get(f"/api/v1/requests/{pk}/matches?near_misses=false").json()
    assert [m["resource_name"] for m in only[0]["matches"]] == ["Trumpf TruLaser 3030"]
    saved = client.post("/api/v1/saved-searches", {"request_id": pk},
                        content_type="application/json")
    assert saved.status_code == 201 and saved.json()["name"] == "Brackets"
    again = client.post("/api/v1/saved-searches", {"request_id": pk},
                        content_type="application/json")
    assert again.status_code == 409


def test_unknown_codes_and_bad_steps_name_the_field(client, market):
    client.force_login(market.founder)
    body = _body(organization_id=market.startup.pk)
    body["steps"].append({"process": "teleportation"})
    response = client.post("/api/v1/requests", body, content_type="application/json")
    assert response.status_code == 400
    assert "steps.2.process" in response.content.decode()
    body = _body(organization_id=market.startup.pk,
                 deadline=(NOW - timedelta(days=1)).date().isoformat())
    response = client.post("/api/v1/requests", body, content_type="application/json")
    assert response.status_code == 400 and "deadline" in response.content.decode()
    response = client.post("/api/v1/requests", {**_body(organization_id=market.startup.pk),
                                                "price": 1}, content_type="application/json")
    assert response.status_code == 422


def test_outsiders_cannot_create_for_or_read_a_request(client, market, need):
    client.force_login(market.outsider)
    assert client.get(f"/api/v1/requests/{need.pk}").status_code == 404
    assert client.get(f"/api/v1/requests/{need.pk}/matches").status_code == 404
    response = client.post("/api/v1/requests", _body(organization_id=market.startup.pk),
                           content_type="application/json")
    assert response.status_code in (403, 404)


def test_hidden_resources_never_appear_through_the_api(client, market, need):
    client.force_login(market.founder)
    steps = client.get(f"/api/v1/requests/{need.pk}/matches").json()
    names = {m["resource_name"] for s in steps for m in s["matches"]}
    assert "Hidden network laser" not in names and "Partners-only laser" not in names


def test_parse_endpoint_returns_suggestions_with_evidence(client, market):
    client.force_login(market.founder)
    response = client.post("/api/v1/requests/parse", {
        "text": "Wir brauchen 500 Stück, lasergeschnitten aus 3 mm Edelstahl, bis 15. März",
        "today": "2026-02-01"}, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["language"] == "de"
    step = data["steps"][0]
    assert step["process"]["value"].startswith("laser-cutting")
    assert step["quantity"]["value"] == 500
    assert step["quantity"]["evidence"]["text"] == "500 Stück"
    assert data["deadline"]["value"] == "2026-03-15"
