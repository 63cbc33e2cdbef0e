"""The network planner in real Chromium: the network operator plans three multi-step requests
(laser cutting in Genk, then bending in Hasselt), follows the progress bar, sees the Gantt
charts with the transport legs, accepts, and each provider finds the booking requests in their
bookings.

The run is executed by the worker function from the test process (the live server shares the
test database), so nothing sleeps: the page's htmx poll picks the result up."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fabshare.availability.models import AvailabilityWindow
from fabshare.availability.services import free_time_refresh
from fabshare.bookings.models import Booking
from fabshare.catalog.models import Capability, CapabilityMaterial, Material, Process
from fabshare.demand import services as demand
from fabshare.network.models import Role
from fabshare.planning import services
from tests.browser.test_accessibility import check
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def _offer(resource, first_day):
    for day in range(10):
        start = timezone.make_aware(datetime.combine(first_day + timedelta(days=day),
                                                     time(8)))
        AvailabilityWindow.objects.create(resource=resource, start=start,
                                          end=start + timedelta(hours=8))
    free_time_refresh(resource=resource)


@pytest.fixture
def cast(transactional_db, settings):
    settings.FABSHARE_PLANNING_THREAD = False  # the test runs the worker itself

    class Cast:
        pass

    c = Cast()
    network = NetworkFactory(name="Limburg Maakt", slug="limburg")
    c.operator = UserFactory(email="operator@limburg.example")
    network.operators.add(c.operator)
    c.genk = OrganizationFactory(name="Genk Precision NV", slug="genk-precision")
    genk_site = SiteFactory(organization=c.genk, city="Genk", latitude=50.965, longitude=5.5008)
    c.hasselt = OrganizationFactory(name="Hasselt Plooiwerk NV", slug="hasselt-plooiwerk")
    hasselt_site = SiteFactory(organization=c.hasselt, city="Hasselt", latitude=50.93,
                               longitude=5.34)
    c.startup = OrganizationFactory(name="Bolt Robotics BV", slug="bolt-robotics",
                                    kind="startup")
    SiteFactory(organization=c.startup, city="Hasselt", latitude=50.9307, longitude=5.3325)
    for org in (c.genk, c.hasselt, c.startup):
        NetworkMembershipFactory(network=network, organization=org)
    c.genk_admin = MembershipFactory(organization=c.genk, role=Role.ADMIN,
                                     user__email="admin@genk.example").user
    c.hasselt_admin = MembershipFactory(organization=c.hasselt, role=Role.ADMIN,
                                        user__email="admin@hasselt.example").user
    founder = MembershipFactory(organization=c.startup, role=Role.OWNER,
                                user__email="founder@bolt.example").user
    first_day = timezone.localdate() + timedelta(days=1)
    laser = ResourceFactory(organization=c.genk, site=genk_site, name="Trumpf TruLaser 3030",
                            price_per_hour_cents=9500)
    capability = Capability.objects.create(
        resource=laser, process=Process.objects.get(code="laser-cutting-fibre"),
        envelope_x_mm=3000, envelope_y_mm=1500, max_thickness_mm=20, tolerance_um=100)
    CapabilityMaterial.objects.create(capability=capability,
                                      material=Material.objects.get(code="stainless-304"))
    bender = ResourceFactory(organization=c.hasselt, site=hasselt_site,
                             name="Safan press brake", price_per_hour_cents=8000)
    Capability.objects.create(resource=bender,
                              process=Process.objects.get(code="press-brake-bending"))
    for resource in (laser, bender):
        _offer(resource, first_day)
    c.titles = ["Brackets", "Covers", "Hinges"]
    for title in c.titles:
        request = demand.request_create(
            actor=founder, organization=c.startup, title=title, earliest_start=first_day,
            deadline=first_day + timedelta(days=9), max_distance_km=60,
            steps=[{"process": Process.objects.get(code="laser-cutting"),
                    "material": Material.objects.get(code="stainless-304"),
                    "estimated_hours": "5", "thickness_mm": "3"},
                   {"process": Process.objects.get(code="press-brake-bending"),
                    "estimated_hours": "3"}])
        demand.request_open(actor=founder, request=request)
    return c


def test_operator_plans_three_requests_accepts_and_providers_see_the_requests(
        signed_in_page, cast):
    operator = signed_in_page(cast.operator)
    operator.goto("/")
    operator.get_by_role("link", name="Plans").click()
    operator.get_by_role("link", name="Plan requests").click()
    for title in cast.titles:
        operator.get_by_label(title, exact=False).check()
    check(operator, "plan form")
    operator.get_by_label("Time limit (seconds)").fill("3")
    operator.get_by_role("button", name="Start planning").click()

    # Queued, with a progress bar and a Cancel button, until the worker takes it.
    expect(operator.get_by_test_id("run-status")).to_have_text("Queued")
    expect(operator.get_by_role("progressbar")).to_be_visible()
    expect(operator.get_by_role("button", name="Cancel")).to_be_visible()
    check(operator, "plan in progress")
    assert services.work_queue() == "Planning runs finished: 1."

    # The poll reloads the page with the proposal: two Gantt charts drawn by plotly.js.
    expect(operator.get_by_test_id("run-status")).to_have_text("Proposal ready")
    expect(operator.get_by_test_id("run-message")).to_contain_text(
        "3 of 3 requests planned, 3 on time")
    for chart in ("gantt-by-resource", "gantt-by-job"):
        expect(operator.get_by_test_id(chart).locator(".main-svg").first).to_be_visible()
    expect(operator.get_by_test_id("gantt-by-job")).to_contain_text("Transport")
    expect(operator.get_by_test_id("plan-operations").locator("tbody tr")).to_have_count(6)
    expect(operator.get_by_test_id("plan-transports")).to_contain_text("Genk")
    expect(operator.get_by_role("button", name="Cancel")).to_have_count(0)
    check(operator, "plan proposal")

    operator.get_by_role("button", name="Accept and send booking requests").click()
    expect(operator.get_by_text("Plan accepted: 6 booking requests")).to_be_visible()
    expect(operator.get_by_test_id("plan-bookings").locator("li")).to_have_count(6)
    assert Booking.objects.filter(seeker=cast.startup, status="requested").count() == 6

    # Each provider sees its three booking requests, from the start-up, awaiting an answer.
    for admin, machine in ((cast.genk_admin, "Trumpf TruLaser 3030"),
                           (cast.hasselt_admin, "Safan press brake")):
        provider = signed_in_page(admin)
        provider.goto("/bookings/")
        rows = provider.get_by_test_id("bookings").locator("tr", has_text=machine)
        expect(rows).to_have_count(3)
        expect(rows.first).to_contain_text("Bolt Robotics BV")
