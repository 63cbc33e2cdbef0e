"""Accessibility of the main pages: axe-core finds no serious or critical violation; the page
can be used from the keyboard and on a phone-sized screen."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from fabshare.network import services
from fabshare.network.models import AdmissionPolicy, Role
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# axe's rules for WCAG 2.0-2.2 A and AA plus its best practices (landmarks, heading order …).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]},
}


@pytest.fixture
def people(site):
    """Limburg with an admitted factory whose owner also operates the network and has something
    waiting on every front: an invitation, a join request, an application to decide."""

    class People:
        pass

    p = People()
    network = NetworkFactory(name="Limburg Maakt", slug="limburg", region="Limburg",
                             description="Makers of Limburg share machines and know-how.",
                             admission_policy=AdmissionPolicy.APPROVAL)
    automotive = ClusterFactory(network=network, name="Automotive", slug="automotive")
    ClusterFactory(network=network, name="New materials", slug="new-materials")
    p.owner = UserFactory(email="owner@example.com", full_name="Olivia Owner")
    network.operators.add(p.owner)
    factory = OrganizationFactory(name="Genk Precision NV", slug="genk-precision",
                                  enterprise_number="0403.170.701", website="https://genk.example",
                                  sectors=["automotive"], certifications=["ISO 9001"])
    SiteFactory(organization=factory, name="Plant 1", city="Genk", latitude=50.965,
                longitude=5.5008)
    MembershipFactory(organization=factory, user=p.owner, role=Role.OWNER)
    MembershipFactory(organization=factory, role=Role.MEMBER, user__full_name="Mo Member")
    NetworkMembershipFactory(network=network, organization=factory).clusters.add(automotive)
    for n, city, lat, lon in [(1, "Hasselt", 50.9307, 5.3325), (2, "Lommel", 51.2306, 5.3131)]:
        other = OrganizationFactory(name=f"Limburg Metaal {n} BV", kind="sme")
        SiteFactory(organization=other, city=city, latitude=lat, longitude=lon)
        NetworkMembershipFactory(network=network, organization=other)

    startup = OrganizationFactory(name="Bolt Robotics BV", slug="bolt-robotics", kind="startup")
    SiteFactory(organization=startup, city="Hasselt", latitude=50.9307, longitude=5.3325)
    founder = MembershipFactory(organization=startup, role=Role.OWNER).user
    services.network_apply(actor=founder, network=network, organization=startup,
                           clusters=[automotive], motivation="Robot cells for small series.")
    services.invitation_create(actor=founder, organization=startup, email=p.owner.email)
    services.invitation_create(actor=p.owner, organization=factory, email="new@example.com")
    services.join_request_create(actor=UserFactory(full_name="Jo Applicant"),
                                 organization=factory, message="I run the new laser line.")
    services.token_create(actor=p.owner, name="ERP sync")
    return p


def check(page, label: str) -> None:
    """Run axe on the page; fail on serious or critical violations, print the others."""
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            print(f"[{label}] {violation['impact']}: {violation['id']} — {violation['help']} "
                  f"({len(violation['nodes'])}×: "
                  f"{', '.join(t for n in violation['nodes'] for t in n['target'])})")
    assert not blocking, f"{label}:\n" + "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']}\n    "
        + "\n    ".join(n["html"][:200] for n in v["nodes"])
        for v in blocking
    )


ANONYMOUS_PAGES = [
    ("landing", "/"),
    ("sign-up", "/accounts/signup/"),
    ("login", "/accounts/login/"),
]


@pytest.mark.parametrize(("label", "path"), ANONYMOUS_PAGES, ids=[p[0] for p in ANONYMOUS_PAGES])
def test_public_pages_have_no_serious_violations(page, people, label, path):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page, label)


def test_forms_with_errors_have_no_serious_violations(page, people):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill("short")
    page.get_by_label("Password (again)").fill("different")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    check(page, "sign-up with errors")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page, "login with errors")


SIGNED_IN_PAGES = [
    ("home", "/"),
    ("organization", "/organizations/genk-precision/"),
    ("organization-edit", "/organizations/genk-precision/edit/"),
    ("members", "/organizations/genk-precision/members/"),
    ("directory", "/networks/limburg/"),
    ("applications", "/networks/limburg/applications/"),
    ("tokens", "/account/tokens/"),
]

MAP_MARKERS = {"organization": "1", "directory": "3"}


@pytest.mark.parametrize(("label", "path"), SIGNED_IN_PAGES, ids=[p[0] for p in SIGNED_IN_PAGES])
def test_signed_in_pages_have_no_serious_violations(signed_in_page, people, label, path):
    page = signed_in_page(people.owner)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if label in MAP_MARKERS:  # check the map too, once Leaflet has drawn it
        expect(page.locator("[data-fs-map]")).to_have_attribute("data-markers", MAP_MARKERS[label])
    check(page, label)


def test_home_shows_the_pending_items_it_was_checked_with(signed_in_page, people):
    page = signed_in_page(people.owner)
    page.goto("/")
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).to_contain_text("You are invited to join Bolt Robotics BV")
    expect(waiting).to_contain_text("Jo Applicant asks to join Genk Precision NV")
    expect(waiting).to_contain_text("Bolt Robotics BV applies to join Limburg Maakt")


def test_new_token_and_organization_form_errors_have_no_serious_violations(signed_in_page,
                                                                            people):
    page = signed_in_page(people.owner)
    page.goto("/account/tokens/")
    page.get_by_label("Token name").fill("MES")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_test_id("new-token")).to_have_value(re.compile(r"^fsh_"))
    check(page, "tokens with a new token")
    page.goto("/organizations/genk-precision/edit/")
    page.get_by_label("Enterprise / VAT number").fill("0403.170.702")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Enterprise / VAT number")).to_have_attribute("aria-invalid", "true")
    check(page, "organization edit with errors")


def test_tab_from_the_top_reaches_skip_link_first(page, people):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually hidden until focused
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_phone_sized_screen(new_context, people):
    page = new_context(viewport={"width": 375, "height": 740}).new_page()
    page.goto("/networks/limburg/")
    toggler = page.get_by_role("button", name="Menu")
    networks_link = page.get_by_role("navigation", name="Main").get_by_role("link",
                                                                            name="Networks")
    expect(toggler).to_be_visible()
    expect(networks_link).to_be_hidden()
    toggler.click()
    expect(networks_link).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-fs-map]")).to_have_attribute("data-markers", "3")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width
