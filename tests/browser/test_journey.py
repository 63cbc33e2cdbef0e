"""The journeys people take through fabshare, in real Chromium against the live server."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fabshare.network.models import (
    AdmissionPolicy,
    NetworkMembership,
    NetworkMembershipStatus,
    Organization,
)
from tests.browser.conftest import PASSWORD, body_of, log_in
from tests.factories import (
    ClusterFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    SiteFactory,
    UserFactory,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
NEW_PASSWORD = "Lathe-Spindle-4821"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")

pytestmark = pytest.mark.browser


@pytest.fixture
def limburg(transactional_db):
    """A network that admits by approval, its operator, a cluster and one admitted member."""
    network = NetworkFactory(name="Limburg Maakt", slug="limburg", region="Limburg",
                             admission_policy=AdmissionPolicy.APPROVAL)
    network.operators.add(UserFactory(email="operator@example.com", full_name="Olga Operator"))
    ClusterFactory(network=network, name="Automotive", slug="automotive")
    member = OrganizationFactory(name="Hasselt Hydraulics NV", slug="hasselt-hydraulics")
    SiteFactory(organization=member, city="Hasselt", latitude=50.9307, longitude=5.3325)
    NetworkMembershipFactory(network=network, organization=member)
    return network


def test_sign_up_create_organization_apply_and_get_approved(new_context, mailbox, limburg):
    email = "ines@bolt-robotics.example"
    founder = new_context().new_page()

    # Sign up; the verification message reaches the SMTP server.
    founder.goto("/")
    founder.get_by_role("link", name="Sign up").click()
    founder.get_by_label("Email").fill(email)
    founder.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    founder.get_by_label("Password (again)").fill(NEW_PASSWORD)
    founder.get_by_role("button", name="Sign Up").click()
    expect(founder.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    message = mailbox.to(email, "Confirm")
    link = CONFIRM_LINK.search(body_of(message)).group(0)

    # Confirm from the link in the message; that signs the new user in.
    founder.goto(link)
    founder.get_by_role("button", name="Confirm").click()
    expect(founder.get_by_role("heading", level=1)).to_have_text(re.compile("^Welcome"))

    # Create the organization, then its first site with coordinates.
    founder.get_by_role("link", name="Create an organization").click()
    founder.get_by_label("Kind").select_option(label="Startup")
    founder.get_by_label("Legal name").fill("Bolt Robotics BV")
    founder.get_by_label("Enterprise / VAT number").fill("0403.170.701")
    founder.get_by_role("button", name="Create organization").click()
    expect(founder.get_by_role("heading", level=1)).to_have_text("Add a site")
    founder.get_by_label("Site name").fill("Workshop")
    founder.get_by_label("City").fill("Genk")
    founder.get_by_label("Latitude").fill("50.965")
    founder.get_by_label("Longitude").fill("5.5008")
    founder.get_by_role("button", name="Save site").click()
    expect(founder.get_by_role("heading", level=1)).to_have_text("Bolt Robotics BV")
    expect(founder.get_by_role("link", name="Edit Workshop")).to_be_visible()

    # Apply to the network.
    founder.get_by_role("link", name="Apply to a network").click()
    founder.get_by_label(re.compile(r"^Network:?$")).select_option(label="Limburg Maakt")
    founder.get_by_label("Automotive").check()
    founder.get_by_label("Why do you want to join?").fill("Robot cells for small series.")
    founder.get_by_role("button", name="Send application").click()
    expect(founder.get_by_role("status").first).to_contain_text(
        "Your application to Limburg Maakt was sent")
    organization = Organization.objects.get(name="Bolt Robotics BV")
    assert organization.enterprise_number
    assert NetworkMembership.objects.get(organization=organization).status == "pending"
    assert "Bolt Robotics BV" in body_of(mailbox.to("operator@example.com"))

    # Not yet in the public directory.
    founder.goto("/networks/limburg/")
    expect(founder.get_by_test_id("directory")).not_to_contain_text("Bolt Robotics BV")

    # The operator signs in (own browser context), sees the application and approves it.
    operator = new_context().new_page()
    log_in(operator, "operator@example.com")
    expect(operator.get_by_role("heading", level=1)).to_have_text(re.compile("^Welcome"))
    operator.goto("/networks/limburg/applications/")
    application = operator.locator(".card").filter(has_text="Bolt Robotics BV")
    expect(application).to_contain_text("Robot cells for small series.")
    expect(application).to_contain_text("Automotive")
    application.get_by_role("button", name="Approve").click()
    expect(operator.get_by_role("status").first).to_contain_text("Bolt Robotics BV: Approved")
    assert (NetworkMembership.objects.get(organization=organization).status
            == NetworkMembershipStatus.APPROVED)
    mailbox.to(email)  # the founder, the organization's owner, hears the decision

    # The organization is in the directory and on the map (two markers: it and Hasselt).
    founder.goto("/networks/limburg/")
    directory = founder.get_by_test_id("directory")
    expect(directory.get_by_role("link", name="Bolt Robotics BV")).to_be_visible()
    expect(directory).to_contain_text("Startup · Genk")
    the_map = founder.locator("[data-fs-map]")
    expect(the_map).to_have_attribute("data-markers", "2")
    expect(the_map.locator('img.leaflet-marker-icon[alt="Bolt Robotics BV"]')).to_be_attached()
    expect(founder.get_by_text("Map background unavailable")).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    founder.screenshot(path=SCREENSHOTS / "journey-directory.png", full_page=True)


def test_field_errors_are_shown_next_to_the_field(new_context, signed_in_page, transactional_db):
    user = UserFactory(email="taken@example.com")

    # An enterprise number with wrong check digits.
    page = signed_in_page(user)
    page.goto("/organizations/new/")
    page.get_by_label("Kind").select_option(label="SME")
    page.get_by_label("Legal name").fill("Nieuwco BV")
    number = page.get_by_label("Enterprise / VAT number")
    number.fill("0403.170.702")
    page.get_by_role("button", name="Create organization").click()
    expect(number).to_have_attribute("aria-invalid", "true")
    error = page.locator("#id_enterprise_number_error")
    expect(error).to_contain_text("check digits")
    expect(number).to_have_attribute("aria-describedby", re.compile("id_enterprise_number_error"))
    assert not Organization.objects.filter(name="Nieuwco BV").exists()

    # Signing up with an address that already has an account.
    visitor = new_context().new_page()
    visitor.goto("/accounts/signup/")
    visitor.get_by_label("Email").fill("taken@example.com")
    visitor.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    visitor.get_by_label("Password (again)").fill(NEW_PASSWORD)
    visitor.get_by_role("button", name="Sign Up").click()
    expect(visitor.locator("#id_email_error")).to_contain_text("already registered")
    expect(visitor.get_by_label("Email")).to_have_attribute("aria-invalid", "true")

    # A wrong password at sign-in.
    visitor.goto("/accounts/login/")
    visitor.get_by_label("Email").fill("taken@example.com")
    visitor.get_by_label("Password").fill(PASSWORD + " typo")
    visitor.get_by_role("button", name="Sign In").click()
    expect(visitor.get_by_role("alert")).to_contain_text("not correct")
    expect(visitor).to_have_url(re.compile("/accounts/login/"))


def test_language_switcher_switches_to_dutch(page, transactional_db):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    languages = page.get_by_role("group", name="Language")
    expect(languages.get_by_role("button", name=re.compile("^EN"))).to_have_attribute(
        "aria-current", "true")
    languages.get_by_role("button", name=re.compile("^NL")).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name=re.compile("^NL"))).to_have_attribute(
        "aria-current", "true")
    page.goto("/networks/")  # the choice sticks (a cookie)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
