"""The planner's pages and REST API: start a run, follow it, read the Gantt charts and the
reasons, cancel, accept; and the errors an integrator gets."""

import json

import pytest

from fabshare.bookings.models import Booking
from fabshare.planning import services
from fabshare.planning.models import PlanningRun, RunStatus
from tests.network.test_api import API, bearer, problem

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_thread(settings):
    settings.FABSHARE_PLANNING_THREAD = False


def test_the_form_plans_chosen_requests_and_the_page_follows_the_run(client, plant):
    w = plant
    a, b = w.two_step("Brackets"), w.two_step("Covers")
    client.force_login(w.founder)
    page = client.get("/plans/new/")
    assert "Brackets" in page.text and "Covers" in page.text
    bad = client.post("/plans/new/", {"requests": [a.pk], "time_limit": 500,
                                      "objective": "makespan"})
    assert "Ensure this value is less than or equal to 120" in bad.text
    response = client.post("/plans/new/", {"requests": [a.pk, b.pk], "time_limit": 2,
                                           "objective": "makespan"})
    run = PlanningRun.objects.get()
    assert response.url == f"/plans/{run.pk}/"
    page = client.get(response.url)
    assert 'role="progressbar"' in page.text and "Cancel" in page.text
    assert "every 1s" in page.text
    progress = client.get(f"/plans/{run.pk}/progress/")
    assert "HX-Refresh" not in progress

    services.execute(run.pk)
    progress = client.get(f"/plans/{run.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    page = client.get(f"/plans/{run.pk}/")
    figure = page.context["figures"]["by_job"]
    names = {trace["name"] for trace in figure["data"]}
    assert names == {"Brackets", "Covers", "Transport"}
    assert "/plotly.min.js" in page.text and 'data-figure="figure-by-resource"' in page.text
    assert "Accept and send booking requests" in page.text
    assert client.get("/plotly.min.js").status_code == 200

    response = client.post(f"/plans/{run.pk}/accept/", follow=True)
    assert "Plan accepted: 4 booking requests" in response.text
    assert Booking.objects.count() == 4
    listing = client.get("/plans/")
    assert f'href="/plans/{run.pk}/"' in listing.text and "Accepted" in listing.text


def test_a_running_run_shows_its_phase_in_words(client, plant):
    w = plant
    run = services.run_create(actor=w.founder, requests=[w.two_step("Brackets")],
                              time_limit=1, background=False)
    PlanningRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=0.42,
                                                 phase="on time")
    client.force_login(w.founder)
    progress = client.get(f"/plans/{run.pk}/progress/")
    assert 'aria-valuenow="42"' in progress.text and "meeting deadlines" in progress.text


def test_the_page_explains_requests_that_cannot_be_served(client, plant):
    w = plant
    rushed = w.two_step("Rush job", bend_hours="8", deadline_days=0)
    run = services.run_create(actor=w.founder, requests=[rushed], time_limit=1,
                              background=False)
    services.execute(run.pk)
    client.force_login(w.founder)
    page = client.get(f"/plans/{run.pk}/")
    assert "Requests not served on time" in page.text
    assert "The deadline is too early" in page.text
    assert "yes, late" in page.text


def test_others_cannot_see_cancel_or_accept_a_run(client, plant):
    w = plant
    run = services.run_create(actor=w.founder, requests=[w.two_step("Brackets")],
                              time_limit=1, background=False)
    client.force_login(w.outsider)
    assert client.get(f"/plans/{run.pk}/").status_code == 404
    assert client.post(f"/plans/{run.pk}/cancel/").status_code == 404
    client.force_login(w.founder)
    response = client.post(f"/plans/{run.pk}/cancel/", follow=True)
    assert "The plan is being cancelled." in response.text
    assert PlanningRun.objects.get().status == RunStatus.CANCELLED


def test_the_api_creates_follows_reads_and_accepts_a_run(client, plant):
    w = plant
    a, b = w.two_step("Brackets"), w.two_step("Covers")
    headers = bearer(w.operator)
    created = client.post(f"{API}/planning-runs", {"requests": [a.pk, b.pk], "time_limit": 2},
                          content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "queued" and body["network_id"] == w.network.pk
    assert body["requests"] == sorted([a.pk, b.pk])
    url = f"{API}/planning-runs/{body['id']}"
    problem(client.get(f"{url}/proposal", headers=headers), 409)

    services.execute(body["id"])
    run = client.get(url, headers=headers).json()
    assert run["status"] == "done" and run["progress"] == 1.0
    assert run["solver_status"] in ("optimal", "feasible")
    proposal = client.get(f"{url}/proposal", headers=headers).json()
    assert len(proposal["operations"]) == 4 and len(proposal["transports"]) == 2
    assert proposal["metrics"]["jobs_on_time"] == 2
    problem(client.post(f"{url}/cancel", headers=headers), 409)
    problem(client.post(f"{url}/accept", headers=bearer(w.founder)), 403)
    accepted = client.post(f"{url}/accept", headers=headers).json()
    assert accepted["status"] == "accepted" and len(accepted["bookings"]) == 4
    problem(client.post(f"{url}/accept", headers=headers), 409)


def test_the_api_proposal_gives_reasons_for_infeasible_deadlines(client, plant):
    w = plant
    rushed = w.two_step("Rush job", bend_hours="8", deadline_days=0)
    headers = bearer(w.founder)
    run = client.post(f"{API}/planning-runs", {"requests": [rushed.pk], "time_limit": 1},
                      content_type="application/json", headers=headers).json()
    services.execute(run["id"])
    proposal = client.get(f"{API}/planning-runs/{run['id']}/proposal", headers=headers).json()
    (item,) = proposal["unserved"]
    assert item["reason"] == "deadline_too_early"
    assert item["explanation"].startswith("The deadline is too early")
    assert item["earliest_end"] > item["deadline"]


def test_the_api_refuses_bad_input_with_clear_problems(client, plant):
    w = plant
    request = w.two_step("Brackets")
    headers = bearer(w.founder)
    body = problem(client.post(f"{API}/planning-runs", {"requests": [request.pk],
                                                         "time_limit": 121},
                               content_type="application/json", headers=headers), 422)
    assert "time_limit" in json.dumps(body)
    body = problem(client.post(f"{API}/planning-runs", {"requests": [request.pk, 999999]},
                               content_type="application/json", headers=headers), 404)
    assert "999999" in body["detail"]
    problem(client.post(f"{API}/planning-runs", {"requests": [request.pk]},
                        content_type="application/json", headers=bearer(w.owner)), 404)
    problem(client.post(f"{API}/planning-runs", {"requests": [request.pk]},
                        content_type="application/json"), 401)
    problem(client.post(f"{API}/planning-runs", {"requests": [request.pk], "extra": 1},
                        content_type="application/json", headers=headers), 422)
    problem(client.get(f"{API}/planning-runs/12345", headers=headers), 404)
    assert not PlanningRun.objects.exists()
