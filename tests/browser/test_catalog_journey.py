"""The catalog journey in real Chromium against the live server: a provider lists a 5-axis
machining centre with a capability and a night-shift rule; a seeker of another organization sees
its limits and the right free hours; a private resource stays invisible to an outsider, on the
page and through the API.

Time cannot be frozen across the live server's thread, so the expected free hours are computed
from "now", from the database, right before and right after the page is read."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fabshare.availability.models import FreeSlot
from fabshare.catalog.models import Resource
from fabshare.network.models import Role
from fabshare.network.services import token_create
from tests.browser.conftest import log_in
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    SiteFactory,
    UserFactory,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
HORIZON = timedelta(days=28)  # "free time in the next 4 weeks" on the resource page

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db):
    """A network with a manufacturer (its admin provides) and a startup (its owner seeks), and
    an outsider whose organization belongs to no network."""

    class Cast:
        pass

    c = Cast()
    network = NetworkFactory(name="Limburg Maakt", slug="limburg", region="Limburg")
    c.factory = OrganizationFactory(name="Genk Precision NV", slug="genk-precision")
    SiteFactory(organization=c.factory, name="Plant 1", city="Genk")
    NetworkMembershipFactory(network=network, organization=c.factory)
    c.provider = MembershipFactory(organization=c.factory, role=Role.ADMIN,
                                   user__email="provider@genk.example",
                                   user__full_name="Pieter Provider").user
    c.startup = OrganizationFactory(name="Bolt Robotics BV", slug="bolt-robotics",
                                    kind="startup")
    SiteFactory(organization=c.startup, city="Hasselt", latitude=50.9307, longitude=5.3325)
    NetworkMembershipFactory(network=network, organization=c.startup)
    c.seeker = MembershipFactory(organization=c.startup, role=Role.OWNER,
                                 user__email="seeker@bolt.example").user
    lone = OrganizationFactory(name="Lone Wolf BVBA", slug="lone-wolf", kind="sme")
    c.outsider = MembershipFactory(organization=lone, role=Role.OWNER,
                                   user=UserFactory(email="outsider@lone.example")).user
    return c


def expected_free_time(resource: Resource) -> tuple[Decimal, Decimal]:
    """The free hours in [now, now + 28 days) straight from the FreeSlot rows, clipped, and
    the longest of those pieces, as the resource page defines them."""
    start = timezone.now()
    end = start + HORIZON
    pieces = [min(slot.end, end) - max(slot.start, start)
              for slot in FreeSlot.objects.filter(resource=resource, start__lt=end,
                                                  end__gt=start)]
    return (Decimal(sum(pieces, timedelta()).total_seconds()) / 3600,
            Decimal(max(pieces, default=timedelta()).total_seconds()) / 3600)


def free_hours_on(resource: Resource, day: date) -> Decimal:
    """The free hours the calendar should show on a local day (midnight to midnight)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    total = timedelta()
    for slot in FreeSlot.objects.filter(resource=resource, start__lt=end, end__gt=start):
        total += min(slot.end, end) - max(slot.start, start)
    return (Decimal(total.total_seconds()) / 3600).quantize(Decimal("0.01")).normalize()


def test_provider_lists_a_machine_and_a_seeker_finds_it(new_context, signed_in_page, cast):
    # --- the provider signs in through the login form and lists the machine -----------------
    provider = new_context().new_page()
    log_in(provider, "provider@genk.example")
    expect(provider.get_by_role("heading", level=1)).to_have_text(re.compile("^Welcome"))
    provider.goto("/organizations/genk-precision/resources/")
    provider.get_by_role("link", name="Add a resource").click()
    expect(provider.get_by_role("heading", level=1)).to_have_text("Add a resource")
    provider.get_by_role("radio", name="Machine").check()
    provider.get_by_label("Name", exact=True).fill("DMU 65 monoBLOCK")
    provider.get_by_label("Site", exact=True).select_option(label="Plant 1, Genk")
    provider.get_by_label("Description").fill("Simultaneous 5-axis, 18 000 rpm, 60 tools.")
    provider.get_by_label("Make").fill("DMG MORI")
    provider.get_by_label("Model", exact=True).fill("DMU 65 monoBLOCK")
    provider.get_by_label("Year built").fill("2019")
    provider.get_by_label("Price per hour (€, excl. VAT)").fill("95")
    partners = provider.get_by_label("Partner organizations", exact=True)
    expect(partners).to_be_hidden()  # only asked for "selected partner organizations"
    provider.get_by_role("button", name="Add resource").click()
    expect(provider.get_by_role("status").first).to_contain_text("DMU 65 monoBLOCK was listed")
    machine = Resource.objects.get(name="DMU 65 monoBLOCK")
    assert (machine.organization, machine.kind, machine.price_per_hour_cents) == (
        cast.factory, "machine", 9500)
    assert machine.site.name == "Plant 1" and machine.visibility == "public"

    # A capability: 5-axis milling chosen in the process tree, with limits and two materials.
    provider.get_by_role("link", name="Add a capability").first.click()
    expect(provider.get_by_role("heading", level=1)).to_have_text("Add a capability")
    process = provider.get_by_label("Process", exact=True)
    milling = process.locator("option", has_text=re.compile(r"^\s*5-axis milling$"))
    assert "\u00a0" in milling.inner_text()  # indented under "Milling" in the tree
    process.select_option(value=milling.get_attribute("value"))
    provider.get_by_label("Work envelope X (mm)").fill("650")
    provider.get_by_label("Work envelope Y (mm)").fill("650")
    provider.get_by_label("Work envelope Z (mm)").fill("560")
    provider.get_by_label("Tolerance ± (µm)").fill("5")
    provider.get_by_label("Axes", exact=True).fill("5")
    provider.get_by_role("checkbox", name="Aluminium 6082 (AlSi1MgMn)", exact=True).check()
    provider.get_by_role("checkbox", name="Stainless steel 316L (1.4404)", exact=True).check()
    provider.get_by_role("button", name="Add capability").click()
    expect(provider.get_by_role("status").first).to_contain_text("5-axis milling was added")
    capability = machine.capabilities.get()
    assert capability.process.code == "milling-5-axis"
    assert (capability.envelope_x_mm, capability.envelope_y_mm, capability.envelope_z_mm,
            capability.tolerance_um, capability.axes) == (650, 650, 560, 5, 5)
    assert sorted(capability.material_limits.values_list("material__code", flat=True)) == [
        "al-6082", "stainless-316l"]

    # A weekly rule from today, the custom way: Mon–Fri from 22:00 for 8 hours.
    provider.goto(f"/resources/{machine.slug}/")
    provider.get_by_role("link", name="See the availability calendar").click()
    provider.get_by_role("link", name="Manage availability").click()
    expect(provider.get_by_role("heading", level=1)).to_have_text(
        "Manage availability of DMU 65 monoBLOCK")
    rule_form = provider.locator("form.fs-rule-form")
    rule_form.get_by_role("radio", name="Custom pattern (below)").check()
    rule_form.get_by_label("Name", exact=True).fill("Night shift")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        rule_form.get_by_role("checkbox", name=day, exact=True).check()
    rule_form.get_by_label("Starts at").fill("22:00")
    rule_form.get_by_label("Duration (hours)").fill("8")
    today = timezone.localdate()  # the server's zone, Europe/Brussels, is the provider's too
    rule_form.get_by_label("From", exact=True).fill(today.isoformat())
    rule_form.get_by_role("button", name="Add rule").click()
    expect(provider.get_by_role("status").first).to_contain_text(
        "The rule “Night shift” was added")
    rule = machine.rules.get()
    assert (rule.rrule, rule.start_time.strftime("%H:%M"), rule.duration_minutes,
            rule.starts_on) == ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "22:00", 480, today)
    expect(provider.locator(f"#rule-{rule.pk}")).to_contain_text("from 22:00 for 8 h")

    # --- a seeker of another organization in the network sees the machine -----------------
    seeker = signed_in_page(cast.seeker)
    before, longest = expected_free_time(machine)
    seeker.goto(f"/resources/{machine.slug}/")
    expect(seeker.get_by_role("heading", level=1)).to_have_text("DMU 65 monoBLOCK")
    capabilities = seeker.get_by_role("table", name="What DMU 65 monoBLOCK can do")
    row = capabilities.get_by_role("row").filter(has_text="5-axis milling").first
    expect(row).to_contain_text("650 × 650 × 560 mm")
    expect(row).to_contain_text("±5 µm")
    expect(capabilities).to_contain_text("Aluminium 6082 (AlSi1MgMn)")
    expect(capabilities).to_contain_text("Stainless steel 316L (1.4404)")
    terms = seeker.get_by_role("region", name="Price and booking")
    expect(terms).to_contain_text("€ 95.00")
    free = seeker.get_by_role("region", name="Free time in the next 4 weeks")
    expect(free).to_contain_text("free in all")
    shown = Decimal(re.search(r"([\d.]+) h\s+free in all", free.inner_text()).group(1))
    after, _longest = expected_free_time(machine)
    # The page rounds to a tenth; "now" moved a little between the three readings.
    assert min(before, after) - Decimal("0.05") <= shown <= max(before, after) + Decimal("0.05"), (
        shown, before, after)
    assert 130 <= shown <= 170, shown
    # A whole night: 8 hours, or 7 or 9 on a night the clocks change (wall-clock 22:00–06:00).
    assert longest in (7, 8, 9), longest
    expect(free).to_contain_text(f"Longest free run: {longest:f} h")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seeker.screenshot(path=SCREENSHOTS / "resource-page.png", full_page=True)

    # The calendar's week view: night blocks from 22:00 to 06:00, nothing during the day; a
    # week whose weekday nights have all passed shows nothing, so then look at the next one.
    free.get_by_role("link", name="See the availability calendar").click()
    expect(seeker.get_by_role("heading", level=1)).to_have_text(
        "Availability of DMU 65 monoBLOCK")
    expect(seeker.get_by_role("link", name="Manage availability")).to_have_count(0)
    total = seeker.get_by_test_id("free-total")
    expect(total).to_contain_text("free this week")
    if re.match(r"0 h free", total.inner_text()):
        seeker.get_by_role("link", name="Next week").click()
        expect(seeker).to_have_url(re.compile(r"\?date="))
    blocks = seeker.locator(".fs-week .fs-block.fs-free")
    expect(blocks.first).to_be_visible()
    for label in blocks.evaluate_all("els => els.map(e => e.dataset.label)"):
        # 05:00 or 07:00 after a night on which the clocks change
        assert re.fullmatch(r"22:00–24:00|00:00–0[5-7]:00", label), label
    shown_days = {}
    for day in seeker.locator(".fs-week section.fs-day").all():
        text = day.locator(".fs-day-free").inner_text()
        hours = re.match(r"([\d.]+) h free", text)
        shown_days[date.fromisoformat(day.get_attribute("data-day"))] = (
            Decimal(hours.group(1)) if hours else Decimal(0))
    assert len(shown_days) == 7
    assert shown_days == {day: free_hours_on(machine, day) for day in shown_days}
    assert any(shown_days.values())
    seeker.screenshot(path=SCREENSHOTS / "availability-week.png", full_page=True)

    # --- a private resource: partners only, no partner chosen ------------------------------
    provider.goto("/resources/new/")  # one administered organization: straight to its form
    expect(provider.get_by_role("heading", level=1)).to_have_text("Add a resource")
    provider.get_by_role("radio", name="Machine").check()
    provider.get_by_label("Name", exact=True).fill("Prototype cell X")
    provider.get_by_label("Site", exact=True).select_option(label="Plant 1, Genk")
    provider.get_by_role("radio", name="Selected partner organizations").check()
    expect(provider.get_by_label("Partner organizations", exact=True)).to_be_visible()
    provider.get_by_role("button", name="Add resource").click()
    expect(provider.get_by_role("status").first).to_contain_text("Prototype cell X was listed")
    private = Resource.objects.get(name="Prototype cell X")
    assert private.visibility == "partners" and not private.partners.exists()

    # The outsider: 404 for the page and the API, and it is missing from the list.
    outsider = signed_in_page(cast.outsider)
    response = outsider.goto(f"/resources/{private.slug}/")
    assert response.status == 404
    expect(outsider.locator("body")).not_to_contain_text("Prototype cell X")
    _token, secret = token_create(actor=cast.outsider, name="ERP sync")
    bearer = {"Authorization": f"Bearer {secret}"}
    api = outsider.context.request
    hidden = api.get(f"/api/v1/resources/{private.pk}", headers=bearer)
    assert hidden.status == 404, hidden.text()
    assert "Prototype cell X" not in hidden.text()
    seen = api.get(f"/api/v1/resources/{machine.pk}", headers=bearer)  # the token does work
    assert seen.status == 200, seen.text()
    assert seen.json()["name"] == "DMU 65 monoBLOCK"
    outsider.goto("/organizations/genk-precision/resources/")
    listing = outsider.get_by_role("main")
    expect(listing.get_by_role("link", name="DMU 65 monoBLOCK")).to_be_visible()
    expect(listing).not_to_contain_text("Prototype cell X")
    expect(listing).to_contain_text("1 machine, facility or expert you may see.")

    # Its own organization still sees it, marked.
    provider.goto("/organizations/genk-precision/resources/")
    mine = provider.get_by_role("listitem").filter(has_text="Prototype cell X")
    expect(mine).to_contain_text("Selected partner organizations")
