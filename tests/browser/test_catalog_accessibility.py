"""Accessibility of the catalog and availability pages: axe-core finds no serious or critical
violation on the resource page, the provider's forms (also with errors), the calendar's week and
month views, the availability page of the admins, the organization's resources and the import."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fabshare.availability import services as availability
from fabshare.availability.models import CalendarFeed
from fabshare.catalog.models import Capability, CapabilityMaterial, Material, Process
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

pytestmark = pytest.mark.browser


def _ics(start: datetime) -> bytes:
    """One busy afternoon (a maintenance job) for the provider's calendar upload."""
    end = start + timedelta(hours=3)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:maint-1\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
        "SUMMARY:Maintenance\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.fixture
def shop(site):
    """A machine with a capability (materials, per-material thickness), office hours and a
    night shift with a summer shutdown, a one-off window, a busy upload and a failing feed."""

    class Shop:
        pass

    s = Shop()
    network = NetworkFactory(name="Limburg Maakt", slug="limburg", region="Limburg")
    s.factory = OrganizationFactory(name="Genk Precision NV", slug="genk-precision")
    plant = SiteFactory(organization=s.factory, name="Plant 1", city="Genk")
    NetworkMembershipFactory(network=network, organization=s.factory)
    s.admin = MembershipFactory(organization=s.factory, role=Role.ADMIN).user
    s.machine = ResourceFactory(
        organization=s.factory, site=plant, name="DMU 65 monoBLOCK", slug="dmu-65-genk",
        description="Simultaneous 5-axis, 18 000 rpm.", make="DMG MORI",
        model_name="DMU 65 monoBLOCK", year=2019, lead_time_days=3, operator_included=True)
    s.capability = Capability.objects.create(
        resource=s.machine, process=Process.objects.get(code="milling-5-axis"),
        envelope_x_mm=650, envelope_y_mm=650, envelope_z_mm=560, max_weight_kg=600,
        tolerance_um=5, axes=5, notes="Heidenhain TNC 640")
    for code, thickness in (("al-6082", None), ("stainless-316l", 40)):
        CapabilityMaterial.objects.create(capability=s.capability, max_thickness_mm=thickness,
                                          material=Material.objects.get(code=code))
    ResourceFactory(organization=s.factory, site=plant, name="CMM room", kind="facility",
                    slug="cmm-genk", visibility="network", area_m2=40)
    today = timezone.localdate()
    availability.rule_create(
        actor=s.admin, resource=s.machine, name="Office hours", starts_on=today,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start_time=time(8), duration_minutes=540)
    availability.rule_create(
        actor=s.admin, resource=s.machine, name="Night shift", starts_on=today,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start_time=time(22), duration_minutes=480,
        exceptions=[(today + timedelta(days=60), today + timedelta(days=74),
                     "Summer shutdown")])
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    availability.window_create(actor=s.admin, resource=s.machine, start=soon,
                               end=soon + timedelta(hours=6), note="Extra shift")
    availability.feed_create(actor=s.admin, resource=s.machine, name="ERP maintenance",
                             upload=_ics((soon + timedelta(days=1)).astimezone(UTC)))
    CalendarFeed.objects.create(resource=s.machine, name="Outlook", url="https://cal.example/x.ics",
                                status=CalendarFeed.Status.FAILING,
                                last_error="connection refused", failures=2,
                                next_attempt_at=timezone.now() + timedelta(hours=1))
    return s


def next_clock_change(today: date) -> date:
    """The next Sunday Brussels changes its clocks (last Sunday of March or October), so the
    calendar shows the change and the rules' free time in the same week."""
    candidates = []
    for year in (today.year, today.year + 1):
        for month in (3, 10):
            last = date(year, month, 31)
            candidates.append(last - timedelta(days=(last.weekday() + 1) % 7))
    return min(day for day in candidates if day > today)


DST = next_clock_change(date.today()).isoformat()
PAGES = [
    ("resource", "/resources/dmu-65-genk/"),
    ("resource-new", "/resources/new/?organization=genk-precision"),
    ("resource-edit", "/resources/dmu-65-genk/edit/"),
    ("capability-new", "/resources/dmu-65-genk/capabilities/new/"),
    ("week", "/resources/dmu-65-genk/availability/"),
    ("week-dst", f"/resources/dmu-65-genk/availability/?date={DST}"),
    ("month", "/resources/dmu-65-genk/availability/?view=month"),
    ("month-dst", f"/resources/dmu-65-genk/availability/?view=month&date={DST}"),
    ("manage", "/resources/dmu-65-genk/availability/manage/"),
    ("resources", "/organizations/genk-precision/resources/"),
    ("import", "/organizations/genk-precision/import/"),
]


@pytest.mark.parametrize(("label", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_catalog_pages_have_no_serious_violations(signed_in_page, shop, label, path):
    page = signed_in_page(shop.admin)
    response = page.goto(path)
    assert response.status == 200, (label, response.status)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page, label)


def test_calendar_shows_what_was_checked(signed_in_page, shop):
    """The checks above ran on a calendar with free time in it, not on an empty grid."""
    page = signed_in_page(shop.admin)
    page.goto("/resources/dmu-65-genk/availability/?view=month")
    expect(page.locator(".fs-month .fs-text-free").first).to_be_attached()
    page.goto(f"/resources/dmu-65-genk/availability/?date={DST}")
    expect(page.locator(".fs-week .fs-dst")).to_have_count(1)
    expect(page.locator(".fs-week .fs-block.fs-free").first).to_be_attached()
    page.goto("/resources/dmu-65-genk/")
    expect(page.get_by_role("table", name="What DMU 65 monoBLOCK can do")).to_contain_text(
        "(≤ 40 mm)")
    page.goto("/resources/dmu-65-genk/availability/manage/")
    expect(page.get_by_test_id("feed")).to_have_count(2)
    expect(page.locator("#rules")).to_contain_text("Summer shutdown")


def test_anonymous_resource_page_and_calendar(page, shop):
    for label, path in (("resource (anonymous)", "/resources/dmu-65-genk/"),
                        ("week (anonymous)", "/resources/dmu-65-genk/availability/")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check(page, label)


def test_resource_forms_with_errors_have_no_serious_violations(signed_in_page, shop):
    page = signed_in_page(shop.admin)
    page.goto("/resources/new/?organization=genk-precision")
    page.get_by_role("radio", name="Machine").check()
    page.get_by_label("Price per hour (€, excl. VAT)").fill("-5")
    page.get_by_label("Minimum booking (hours)").fill("-1")
    page.get_by_role("button", name="Add resource").click()
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Price per hour (€, excl. VAT)")).to_have_attribute(
        "aria-invalid", "true")
    expect(page.get_by_label("Minimum booking (hours)")).to_have_attribute(
        "aria-invalid", "true")
    check(page, "resource-new with errors")

    page.goto("/resources/dmu-65-genk/edit/")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_label("Lead time (days)").fill("-1")
    page.get_by_role("radio", name="Selected partner organizations").check()
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_label("Lead time (days)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")
    check(page, "resource-edit with errors")


def test_capability_form_with_errors_has_no_serious_violations(signed_in_page, shop):
    page = signed_in_page(shop.admin)
    page.goto(f"/capabilities/{shop.capability.pk}/edit/")
    tolerance = page.get_by_label("Tolerance ± (µm)")
    tolerance.fill("0.005")  # millimetres typed in the micrometre field
    page.get_by_label("Work envelope X (mm)").fill("-650")
    thickness = page.get_by_label("Max thickness of Stainless steel 316L (1.4404) (mm)")
    thickness.fill("forty")
    page.get_by_role("button", name="Save").click()
    expect(tolerance).to_have_attribute("aria-invalid", "true")
    expect(tolerance).to_have_attribute("aria-describedby", re.compile("id_tolerance_um_error"))
    expect(page.locator("#id_tolerance_um_error")).to_contain_text("±0.005 mm is 5 µm")
    expect(thickness).to_have_attribute("aria-invalid", "true")
    error = thickness.get_attribute("aria-describedby")
    expect(page.locator(f"#{error}")).to_be_visible()
    check(page, "capability with errors")

    page.goto("/resources/dmu-65-genk/capabilities/new/")
    page.get_by_role("button", name="Add capability").click()  # no process chosen
    expect(page.get_by_label("Process", exact=True)).to_have_attribute("aria-invalid", "true")
    check(page, "capability-new with errors")


def test_manage_page_with_errors_has_no_serious_violations(signed_in_page, shop):
    page = signed_in_page(shop.admin)
    page.goto("/resources/dmu-65-genk/availability/manage/")
    rule_form = page.locator("form.fs-rule-form")
    rule_form.get_by_role("radio", name="Custom pattern (below)").check()
    rule_form.get_by_label("Advanced: recurrence rule (RRULE)").fill("FREQ=SOMETIMES")
    rule_form.get_by_role("button", name="Add rule").click()
    expect(page.locator("form.fs-rule-form [aria-invalid=true]").first).to_be_visible()
    check(page, "manage with rule errors")


def test_import_preview_with_errors_has_no_serious_violations(signed_in_page, shop):
    page = signed_in_page(shop.admin)
    page.goto("/organizations/genk-precision/import/")
    rows = ("external_id;kind;name;site_name;process;tolerance_um\r\n"
            "M-1;machine;DMU 50;Plant 1;milling-5-axis;5\r\n"
            "M-2;robot;;Plant 1;milling-5axis;0.01\r\n")
    page.get_by_label("File").set_input_files(files=[{
        "name": "resources.csv", "mimeType": "text/csv", "buffer": rows.encode()}])
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of the import")
    expect(page.get_by_role("alert")).to_contain_text(re.compile("row has errors"))
    check(page, "import preview with errors")
