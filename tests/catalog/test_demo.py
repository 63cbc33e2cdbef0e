"""The catalog and availability demo: what ``seed`` lists and the free time it publishes.

The seed runs once for the module (about ten seconds) inside a transaction that is rolled
back at the end, so the other modules start from an empty database; each test runs in its
own savepoint on top of it.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from fabshare.availability import demo as availability_demo
from fabshare.availability.models import (
    AvailabilityRule,
    AvailabilityWindow,
    BusyPeriod,
    CalendarFeed,
    FreeSlot,
    RuleException,
)
from fabshare.availability.selectors import free_time_summary
from fabshare.catalog import demo
from fabshare.catalog.models import Capability, Resource, ResourceKind, Visibility
from fabshare.catalog.selectors import resources_visible_to
from fabshare.network.models import AuditEntry, Membership, Organization, OrganizationKind


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once; roll everything back after the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        from django.apps import apps

        from fabshare.catalog.vocabulary import sync_from_apps
        from fabshare.network.models import Certification

        if not Certification.objects.exists():  # a transactional test flushed it
            sync_from_apps(apps)
        out = StringIO()
        call_command("seed", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def resources(seeded, db):
    return list(Resource.objects.select_related("organization", "site"))


def test_about_300_resources_of_every_kind_fitting_their_organizations(seeded, resources):
    assert 280 <= len(resources) <= 330
    kinds = {kind: [r for r in resources if r.kind == kind] for kind in ResourceKind.values}
    assert len(kinds["machine"]) >= 120
    assert len(kinds["facility"]) >= 60
    assert len(kinds["expertise"]) >= 50
    # What the data says is what was written, under the stable external ids.
    expected = {(org, item.key): item.name for org, item in demo.all_resources()}
    assert {(r.organization.name, r.external_id): r.name for r in resources} == expected
    assert f"{len(resources)} resources" in seeded

    by_kind_of_org: dict[str, list[Resource]] = {}
    for resource in resources:
        by_kind_of_org.setdefault(resource.organization.kind, []).append(resource)
    makers = by_kind_of_org[OrganizationKind.MANUFACTURER] + by_kind_of_org[OrganizationKind.SME]
    assert sum(r.kind == "machine" for r in makers) > len(makers) / 2
    institutes = by_kind_of_org[OrganizationKind.KNOWLEDGE_INSTITUTION]
    assert sum(r.kind != "machine" for r in institutes) > 0.75 * len(institutes)
    assert OrganizationKind.SUPPORT_ORGANISATION not in by_kind_of_org
    for startup in Organization.objects.filter(kind=OrganizationKind.STARTUP):
        assert startup.resources.count() <= 3, startup.name


def test_sites_capabilities_and_limits_are_plausible(resources):
    for resource in resources:
        if resource.site is not None:
            assert resource.site.organization_id == resource.organization_id, resource.name
    capabilities = {}
    for capability in Capability.objects.select_related("process").prefetch_related(
            "material_limits"):
        capabilities.setdefault(capability.resource_id, []).append(capability)
    for resource in resources:
        if resource.kind == ResourceKind.MACHINE:
            assert resource.site is not None, resource.name
            assert resource.make and resource.model_name, resource.name
            assert 1990 <= resource.year <= timezone.now().year, resource.name
            assert 45_00 <= resource.price_per_hour_cents <= 180_00, resource.name
            assert capabilities.get(resource.pk), resource.name
        if resource.kind == ResourceKind.FACILITY:
            assert resource.site is not None and resource.area_m2, resource.name
        if resource.kind == ResourceKind.EXPERTISE:
            assert 600_00 <= resource.day_rate_cents <= 1200_00, resource.name
            assert resource.languages, resource.name
    for rows in capabilities.values():
        for c in rows:
            for size in (c.envelope_x_mm, c.envelope_y_mm, c.envelope_z_mm):
                assert size is None or 50 <= size <= 40_000, c
            assert c.tolerance_um is None or 1 <= c.tolerance_um <= 1000, c
            assert c.max_weight_kg is None or Decimal("0.01") <= c.max_weight_kg <= 60_000, c
            assert c.force_kn is None or Decimal("0.5") <= c.force_kn <= 30_000, c
            assert c.axes is None or 2 <= c.axes <= 8, c
            for limit in c.material_limits.all():
                assert limit.max_thickness_mm is None or 0 < limit.max_thickness_mm <= 150, c


def test_typical_machines_facilities_and_experts(resources):
    laser = Capability.objects.get(resource__external_id="HL-M01", process__code__in=[
        "laser-cutting-fibre"])
    assert (laser.envelope_x_mm, laser.envelope_y_mm) == (3000, 1500)
    thickness = {m.material.code: m.max_thickness_mm for m in laser.material_limits.all()}
    assert (thickness["s235"], thickness["stainless-304"], thickness["al-5754"]) == (25, 20, 15)

    brakes = Capability.objects.filter(process__code="press-brake-bending")
    assert brakes.count() >= 8
    for brake in brakes:  # 100–400 t in kN, and a bending length
        assert Decimal(980) <= brake.force_kn <= Decimal(3925), brake
        assert brake.envelope_x_mm >= 3000, brake
    five_axis = Capability.objects.filter(process__code="milling-5-axis", axes=5)
    assert five_axis.count() >= 10
    assert five_axis.filter(resource__make="DMG MORI", envelope_x_mm=735, envelope_y_mm=650,
                            envelope_z_mm=560).count() == 2
    moulding = Capability.objects.filter(process__code="injection-moulding",
                                         resource__kind="machine")
    assert moulding.count() >= 12 and not moulding.filter(force_kn__isnull=True).exists()
    printers = Capability.objects.filter(process__code__in=[
        "metal-powder-bed-fusion", "fdm-fff", "sla"])
    assert {c.process.code for c in printers} == {"metal-powder-bed-fusion", "fdm-fff", "sla"}
    assert not printers.filter(envelope_z_mm__isnull=True).exists()
    cmms = Capability.objects.filter(process__code="cmm-measurement")
    assert cmms.count() >= 4 and not cmms.filter(tolerance_um__isnull=True).exists()
    assert Capability.objects.filter(process__code__in=["robot-welding"]).count() >= 6
    assert Capability.objects.filter(process__code="powder-coating").count() >= 5

    accredited = Resource.objects.filter(kind="facility", accreditations__code="iso-iec-17025")
    assert accredited.filter(capabilities__process__code="climate-chamber-testing").count() >= 3
    assert accredited.filter(capabilities__process__code="vibration-testing").count() >= 2
    assert Resource.objects.filter(kind="facility", accreditations__code="fssc-22000",
                                   name__icontains="pilot plant").exists()
    experts = Resource.objects.filter(kind="expertise")
    assert experts.filter(skills__isnull=False).distinct().count() >= 0.9 * experts.count()


def test_visibility_network_only_and_partners_only(resources):
    network_only = [r for r in resources if r.visibility == Visibility.NETWORK]
    partners_only = [r for r in resources if r.visibility == Visibility.PARTNERS]
    assert len(network_only) >= 5
    assert len(partners_only) >= 3
    assert sum(r.visibility == Visibility.PUBLIC for r in resources) > 0.9 * len(resources)
    public_view = set(resources_visible_to(AnonymousUser()).values_list("pk", flat=True))
    assert not public_view & {r.pk for r in network_only + partners_only}

    cmm = Resource.objects.get(external_id="KP-M07")
    assert cmm.visibility == Visibility.PARTNERS
    partner = cmm.partners.get(name="Voltwerk Robotics BV")
    founder = Membership.objects.filter(organization=partner).first().user
    assert resources_visible_to(founder).filter(pk=cmm.pk).exists()
    outsider = Membership.objects.filter(organization__name="Leiebrug Plastics BV").first().user
    assert not resources_visible_to(outsider).filter(pk=cmm.pk).exists()
    # The inactive tube laser of a suspended company is listed but nobody outside sees it.
    assert not Resource.objects.get(external_id="PL-M02").is_active


def test_pages_show_the_demo(seeded, db, client):
    machine = Resource.objects.get(external_id="KP-M01")
    assert f"/resources/{machine.slug}/" in seeded
    page = client.get(f"/resources/{machine.slug}/")
    assert page.status_code == 200
    assert "DMU 65 monoBLOCK" in page.content.decode()
    assert client.get(f"/resources/{machine.slug}/availability/").status_code == 200
    hidden = Resource.objects.get(external_id="ZS-M01")  # network members only
    assert client.get(f"/resources/{hidden.slug}/").status_code == 404


def test_free_time_in_the_next_four_weeks(resources):
    now = timezone.now()
    start, end = now, now + timedelta(weeks=4)
    machines = [r for r in resources if r.kind == ResourceKind.MACHINE and r.is_active]
    free = {r.pk: free_time_summary(r, start, end) for r in machines}
    with_free_time = [pk for pk, summary in free.items() if summary.total >= timedelta(hours=8)]
    assert len(with_free_time) >= 0.85 * len(machines)
    # Night shifts and weekends: a laser of Haspengouw has at least 56 h a week...
    laser = next(r for r in resources if r.external_id == "HL-M01")
    assert free[laser.pk].total >= timedelta(hours=4 * 56 - 30)  # minus maintenance
    assert free[laser.pk].longest >= timedelta(hours=48)  # Friday night to Monday morning
    # ...and nothing is published inside a busy time of a calendar.
    for busy in BusyPeriod.objects.all()[:200]:
        assert not FreeSlot.objects.filter(resource_id=busy.resource_id, start__lt=busy.end,
                                           end__gt=busy.start).exists(), busy


def test_rules_shutdowns_windows_and_calendars(resources):
    rules = AvailabilityRule.objects.all()
    assert rules.count() >= len(resources)
    assert {"Night shift Mon–Fri 22:00–06:00", "Weekends", "Office hours Mon–Fri 08:00–17:00"
            } <= set(rules.values_list("name", flat=True))
    assert set(rules.values_list("time_zone", flat=True)) == {"Europe/Brussels",
                                                              "Europe/Amsterdam"}
    today = timezone.localdate()
    first, last = availability_demo.summer_shutdown(today)
    assert first.weekday() == 0 and last.weekday() == 4 and (last - first).days == 18
    assert first.month == 7 and last >= today
    shutdowns = RuleException.objects.filter(reason__icontains="summer shutdown")
    assert shutdowns.filter(first_day=first, last_day=last).count() >= 100
    assert RuleException.objects.filter(reason="Christmas closure").exists()
    # During the shutdown a plant rule offers nothing (the horizon may end before it).
    night = rules.filter(name__startswith="Night shift Mon–Fri", exceptions__first_day=first,
                         resource__organization__country="BE").first()
    zone = timezone.get_current_timezone()
    assert not FreeSlot.objects.filter(
        resource=night.resource, end__gt=datetime.combine(first, time(), zone),
        start__lt=datetime.combine(last, time(22), zone)).exists()

    assert AvailabilityWindow.objects.count() >= 10
    feeds = CalendarFeed.objects.all()
    assert feeds.count() >= 5
    assert not feeds.exclude(status=CalendarFeed.Status.OK).exists()
    assert all(feed.busy_count >= 4 for feed in feeds)

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"resource.create", "capability.create", "availability.rule.create",
            "availability.window.create", "availability.feed.create"} <= actions


def test_dates_follow_the_run_date():
    assert availability_demo.summer_shutdown(date(2026, 11, 21)) == (date(2027, 7, 19),
                                                                     date(2027, 8, 6))
    assert availability_demo.summer_shutdown(date(2027, 3, 1), "NL") == (date(2027, 7, 26),
                                                                         date(2027, 8, 13))
    assert availability_demo.summer_shutdown(date(2027, 8, 6)) == (date(2027, 7, 19),
                                                                   date(2027, 8, 6))
    assert availability_demo.christmas_closure(date(2027, 1, 1)) == (date(2026, 12, 24),
                                                                     date(2027, 1, 1))
    assert availability_demo.christmas_closure(date(2027, 1, 2)) == (date(2027, 12, 24),
                                                                     date(2028, 1, 1))
    assert availability_demo.season_span(date(2026, 11, 21), 9, 5) == (date(2026, 9, 1),
                                                                       date(2027, 5, 31))
    assert availability_demo.season_span(date(2026, 11, 21), 5, 8) == (date(2027, 5, 1),
                                                                       date(2027, 8, 31))
    assert availability_demo.school_holiday(date(2026, 11, 21), "christmas") == (
        date(2026, 12, 21), date(2027, 1, 3))
    ics = availability_demo.maintenance_calendar("X-1", "Org", date(2026, 11, 21),
                                                 "Europe/Brussels")
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and b"TRANSP:TRANSPARENT" in ics
