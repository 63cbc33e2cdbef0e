"""Accessibility of the knowledge pages: axe-core finds no serious or critical violation on
the calendar, the public event page, the host's registrations and check-in (phone size), the
event form with errors, a ticket with its QR code, and a project page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fabshare.knowledge import services
from fabshare.network.models import Role
from tests.browser.test_accessibility import check
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(site):
    class Programme:
        pass

    p = Programme()
    network = NetworkFactory(name="Limburg Maakt", slug="limburg", region="Limburg")
    factory = OrganizationFactory(name="Genk Precision NV", slug="genk-precision")
    plant = SiteFactory(organization=factory, name="Plant 1", city="Genk")
    NetworkMembershipFactory(network=network, organization=factory)
    p.host = MembershipFactory(organization=factory, role=Role.ADMIN).user
    sme = OrganizationFactory(name="SME BV", kind="sme")
    NetworkMembershipFactory(network=network, organization=sme)
    p.member = MembershipFactory(organization=sme, role=Role.ADMIN).user
    start = timezone.now() + timedelta(days=10)
    p.event = services.event_create(
        actor=p.host, host=factory, network=network, title="Lean masterclass",
        kind="masterclass", theme="innovation", capacity=1, quota_per_organization=1,
        registration_deadline=start - timedelta(days=1),
        sessions=[{"title": f"Theme {n}", "starts_at": start + timedelta(weeks=n),
                   "ends_at": start + timedelta(weeks=n, hours=3), "site": plant}
                  for n in range(2)])
    p.registration = services.event_register(actor=p.member, event=p.event, organization=sme)
    p.project = services.project_create(
        actor=p.host, lead=factory, network=network, title="Circular steel",
        theme="sustainability", goals="Reuse offcuts.", starts_on=start.date())
    return p


def test_knowledge_pages_have_no_serious_violations(programme, signed_in_page, page):
    slug = programme.event.slug
    page.goto("/events/")
    check(page, "calendar")
    page.goto(f"/events/{slug}/")
    check(page, "event (anonymous)")
    member = signed_in_page(programme.member)
    member.goto(f"/events/{slug}/")
    check(member, "event (member)")
    member.goto(f"/events/tickets/{programme.registration.ticket}/")
    check(member, "ticket")
    member.goto(f"/projects/{programme.project.slug}/")
    check(member, "project")
    host = signed_in_page(programme.host)
    host.goto(f"/events/{slug}/manage/")
    check(host, "registrations")
    host.goto("/events/new/")
    host.get_by_role("button", name="Publish the event").click()
    check(host, "event form with errors")
    phone = signed_in_page(programme.host, viewport={"width": 390, "height": 844})
    phone.goto(f"/events/{slug}/check-in/")
    check(phone, "check-in (phone)")
