"""The knowledge journey in real Chromium against the live server, e-mail through a real SMTP
server: a host publishes a masterclass with three sessions; members register until it is
full and the next one joins the waitlist; one cancels; the first on the waitlist gets the
offer by e-mail and takes the seat; the host checks them in on the phone-sized check-in page;
the certificate downloads as a valid PDF."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from fabshare.knowledge.models import Registration
from fabshare.network.models import Role
from tests.browser.conftest import body_of
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    SiteFactory,
)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def cast(transactional_db):
    class Cast:
        pass

    c = Cast()
    c.network = NetworkFactory(name="Limburg Maakt", slug="limburg", region="Limburg")
    c.factory = OrganizationFactory(name="Genk Precision NV", slug="genk-precision")
    c.site = SiteFactory(organization=c.factory, name="Plant 1", city="Genk")
    NetworkMembershipFactory(network=c.network, organization=c.factory)
    c.host = MembershipFactory(organization=c.factory, role=Role.ADMIN,
                               user__email="host@genk.example",
                               user__full_name="Hanne Host").user
    c.members = []
    for i, name in enumerate(("Anna Alpha", "Bert Beta", "Cato Gamma")):
        org = OrganizationFactory(name=f"SME {name.split()[1]} BV", kind="sme")
        NetworkMembershipFactory(network=c.network, organization=org)
        c.members.append(MembershipFactory(organization=org, role=Role.MEMBER,
                                           user__email=f"member{i}@sme.example",
                                           user__full_name=name).user)
    return c


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_masterclass_from_publication_to_certificate(cast, signed_in_page, mailbox):
    start = (timezone.now() + timedelta(days=14)).replace(hour=9, minute=0, second=0,
                                                          microsecond=0)
    host = signed_in_page(cast.host)
    host.goto("/events/")
    host.get_by_role("link", name="Host an event").click()
    host.get_by_label("Title").first.fill("Lean masterclass on the shop floor")
    host.get_by_label("Kind").select_option("masterclass")
    host.get_by_label("Theme").select_option("innovation")
    host.get_by_label("Network").select_option(label="Limburg Maakt")
    host.get_by_label("Capacity (seats)").fill("2")
    host.get_by_label("Seats per organization").fill("1")
    host.get_by_label("Registration deadline").fill(_local(start - timedelta(days=2)))
    host.get_by_label("Sessions needed for a certificate").fill("2")
    for n in range(3):
        day = start + timedelta(weeks=n)
        host.locator(f'[name="sessions-{n}-title"]').fill(f"Theme {n + 1}")
        host.locator(f'[name="sessions-{n}-starts_at"]').fill(_local(day))
        host.locator(f'[name="sessions-{n}-ends_at"]').fill(_local(day + timedelta(hours=3)))
        host.locator(f'[name="sessions-{n}-site"]').select_option(label=str(cast.site))
    host.get_by_role("button", name="Publish the event").click()
    expect(host.get_by_text("The event is published.")).to_be_visible()
    event_url = host.url.replace("manage/", "")

    # Members register until it is full; the third joins the waitlist.
    pages = []
    for member in cast.members:
        page = signed_in_page(member)
        page.goto(event_url)
        expect(page.get_by_role("heading", name="Lean masterclass on the shop floor"))\
            .to_be_visible()
        page.get_by_role("button", name=re.compile("Register|Join the waitlist")).click()
        pages.append(page)
    expect(pages[0].get_by_text("Anna Alpha is registered.")).to_be_visible()
    expect(pages[2].get_by_text("The event is full: Cato Gamma is number 1 on the waitlist."))\
        .to_be_visible()
    mailbox.to("member2@sme.example", "Waitlist: Lean masterclass")

    # Bert cancels on his ticket.
    bert = pages[1]
    bert.get_by_role("link", name="Your ticket").click()
    bert.get_by_role("button", name="Cancel my registration").click()
    expect(bert.get_by_test_id("status")).to_have_text("Cancelled")

    # Cato gets the offer by e-mail and takes the seat from the link in it.
    offer = body_of(mailbox.to("member2@sme.example", "A seat is free for you"))
    link = re.search(r"https?://\S+/events/tickets/\S+/", offer).group(0)
    cato = pages[2]
    cato.goto(link)
    cato.get_by_role("button", name="Take the seat").click()
    expect(cato.get_by_test_id("status")).to_have_text("Registered")

    # The host checks Cato in on a phone, for two sessions, searching by name.
    phone = signed_in_page(cast.host, viewport=PHONE)
    phone.goto(event_url + "check-in/")
    for n in range(2):
        phone.get_by_label("Session").select_option(index=n)
        phone.get_by_label("Search by name").fill("Cato")
        phone.get_by_role("button", name="Search").click()
        phone.get_by_role("button", name="Check in Cato Gamma").click()
        expect(phone.get_by_text("Cato Gamma checked in.")).to_be_visible()
    registration = Registration.objects.get(attendee=cast.members[2])
    assert registration.attendances.count() == 2

    # Cato downloads the certificate.
    cato.reload()
    with cato.expect_download() as download_info:
        cato.get_by_role("link", name="Download the certificate (PDF)").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Cato Gamma" in text and "attended 2 of 3 sessions" in text
