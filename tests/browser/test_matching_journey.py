"""The seeker journey in real Chromium: type a need in Dutch, confirm the suggested steps, see
explained matches on the list and the map, save the search.

Time cannot be frozen across the live server's thread (and the browser drops cookies that
expired in its own clock), so free time is offered from "now"."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fabshare.availability.models import AvailabilityWindow
from fabshare.availability.services import free_time_refresh
from fabshare.catalog.models import Capability, CapabilityMaterial, Material, Process
from fabshare.demand.models import CapacityRequest
from fabshare.matching.models import SavedSearch
from fabshare.network.models import Role
from tests.browser.test_accessibility import check
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    SiteFactory,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db):
    class Cast:
        pass

    c = Cast()
    network = NetworkFactory(name="Limburg Maakt", slug="limburg")
    provider = OrganizationFactory(name="Genk Precision NV", slug="genk-precision")
    SiteFactory(organization=provider, city="Genk", latitude=50.965, longitude=5.5008)
    NetworkMembershipFactory(network=network, organization=provider)
    c.provider = MembershipFactory(organization=provider, role=Role.ADMIN).user
    c.laser = ResourceFactory(organization=provider, site=provider.sites.first(),
                              name="Trumpf TruLaser 3030", visibility="network",
                              price_per_hour_cents=9500)
    capability = Capability.objects.create(
        resource=c.laser, process=Process.objects.get(code="laser-cutting-fibre"),
        envelope_x_mm=3000, envelope_y_mm=1500, max_thickness_mm=Decimal(20))
    CapabilityMaterial.objects.create(capability=capability,
                                      material=Material.objects.get(code="stainless-304"))
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for day in range(10):
        AvailabilityWindow.objects.create(resource=c.laser, start=start + timedelta(days=day),
                                          end=start + timedelta(days=day, hours=8))
    free_time_refresh(resource=c.laser)
    startup = OrganizationFactory(name="Bolt Robotics BV", slug="bolt-robotics", kind="startup")
    SiteFactory(organization=startup, city="Hasselt", latitude=50.9307, longitude=5.3325)
    NetworkMembershipFactory(network=network, organization=startup)
    c.seeker = MembershipFactory(organization=startup, role=Role.OWNER,
                                 user__email="seeker@bolt.example").user
    return c


def test_need_in_dutch_to_explained_matches_and_a_saved_search(cast, signed_in_page):
    page = signed_in_page(cast.seeker)
    page.goto("/requests/new/")
    page.get_by_label("Describe what you need, in your own words").fill(
        "500 beugels lasersnijden uit 3 mm RVS 304, binnen 3 weken")
    reading = page.get_by_test_id("reading")
    expect(reading).to_contain_text("Laser cutting")  # read while typing
    expect(reading).to_contain_text("read from “500")
    check(page, "new request")
    page.get_by_test_id("read-need").click()
    check(page, "request edit")

    expect(page.get_by_role("heading", level=1)).to_contain_text("500 beugels")
    step = page.get_by_test_id("step").first
    expect(step.get_by_label("Process")).to_have_value(
        str(Process.objects.get(code="laser-cutting").pk))
    expect(step.get_by_label("Thickness (mm)")).to_have_value("3")
    expect(step.get_by_label("Quantity")).to_have_value("500")
    step.get_by_label("Estimated hours").fill("6")
    page.get_by_label("Maximum distance (km)").fill("60")
    page.get_by_test_id("publish").click()

    match = page.get_by_test_id("match").first
    expect(match).to_contain_text("Trumpf TruLaser 3030")
    expect(match).to_contain_text("Handles 3 mm (up to 20 mm).")
    expect(match).to_contain_text("h free between the earliest start and the deadline")
    expect(match).to_contain_text("km away.")
    expect(page.locator("[data-fs-map]")).to_have_attribute("data-markers", "1")
    expect(match.get_by_role("link", name="Contact the provider")).to_be_visible()

    check(page, "matches")
    page.get_by_test_id("save-search").get_by_role("button", name="Save this search").click()
    expect(page.get_by_test_id("save-search")).to_contain_text("Saved as “500 beugels")
    request = CapacityRequest.objects.get()
    assert request.status == "open" and request.language == "nl"
    assert SavedSearch.objects.filter(user=cast.seeker, request=request).exists()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "matches.png"), full_page=True)
    for label, path in (("requests", "/requests/"), ("saved searches", "/saved-searches/"),
                        ("notifications", "/notifications/"),
                        ("request detail", f"/requests/{request.pk}/")):
        page.goto(path)
        check(page, label)


def test_provider_inbox_is_accessible_and_explains(cast, signed_in_page):
    page = signed_in_page(cast.provider)
    request = CapacityRequest.objects.create(
        organization=cast.seeker.memberships.first().organization, title="Brackets",
        status="open", deadline=(timezone.now() + timedelta(days=14)).date())
    request.steps.create(position=1, process=Process.objects.get(code="laser-cutting"),
                         thickness_mm=Decimal(3), estimated_hours=Decimal(4))
    page.goto("/inbox/")
    entry = page.get_by_test_id("inbox-entry")
    expect(entry).to_contain_text("Brackets")
    expect(entry).to_contain_text("Trumpf TruLaser 3030")
    expect(entry).to_contain_text("Handles 3 mm (up to 20 mm).")
    check(page, "inbox")
