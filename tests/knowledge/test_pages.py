"""The knowledge pages as people use them: the public event page without login, the calendar
with filters and its iCalendar feed, registering on the page, the host's list with exports,
check-in, the certificate as a valid PDF, tickets with a QR code, personal feeds, projects —
and query budgets that do not grow with 500 registrations."""

import io
from datetime import timedelta

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from fabshare.knowledge import services
from fabshare.knowledge.models import Registration, RegistrationStatus
from tests.knowledge.conftest import NOW, make_event, register

S = RegistrationStatus


def test_public_event_page_needs_no_login(world, client):
    event = make_event(world, description="Learn **lean** on the shop floor.")
    response = client.get(reverse("event_detail", args=[event.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lean masterclass" in page and "Genk Precision NV" in page
    assert "Sign in to register" in page
    assert "10 of 10 free" in page


@pytest.mark.parametrize("who", ["anonymous", "outsider", "startup"])
def test_network_only_event_is_a_404_outside_the_network(world, client, who):
    event = make_event(world, visibility="network")
    if who == "outsider":
        client.force_login(world.outsider)
    elif who == "startup":
        client.force_login(world.founder)  # an organization, but not admitted to Limburg
    assert client.get(reverse("event_detail", args=[event.slug])).status_code == 404
    assert "Lean masterclass" not in client.get(reverse("event_calendar")).content.decode()


def test_network_member_sees_a_network_only_event(world, smes, client):
    event = make_event(world, visibility="network")
    client.force_login(smes.person(0)[1])
    assert client.get(reverse("event_detail", args=[event.slug])).status_code == 200


def test_calendar_filters_and_feed(world, client):
    make_event(world, title="Lean masterclass", theme="innovation", clusters=[world.automotive])
    make_event(world, title="Talent day", theme="talent", kind="networking")
    page = client.get(reverse("event_calendar"), {"theme": "talent"}).content.decode()
    assert "Talent day" in page and "Lean masterclass" not in page
    page = client.get(reverse("event_calendar"), {"cluster": "automotive"}).content.decode()
    assert "Lean masterclass" in page and "Talent day" not in page
    page = client.get(reverse("event_calendar"), {"near": "Genk", "radius": 10}).content.decode()
    assert "Lean masterclass" in page and "km away" in page
    page = client.get(reverse("event_calendar"), {"near": "Groningen", "radius": 10})
    assert "Lean masterclass" not in page.content.decode()
    page = client.get(reverse("event_calendar"), {"near": "Atlantis"}).content.decode()
    assert "Unknown place" in page
    page = client.get(reverse("event_calendar"),
                      {"since": "2026-04-01", "until": "2026-03-01"}).content.decode()
    assert "The end date is before the start date." in page
    feed = client.get(reverse("event_calendar_feed"), {"kind": "masterclass"})
    assert feed["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Lean masterclass – Theme 1", "Lean masterclass – Theme 2",
                         "Lean masterclass – Theme 3"]


def test_registering_on_the_page_until_full(world, smes, client):
    event = make_event(world, capacity=1)
    org, person = smes.person(0)
    client.force_login(person)
    url = reverse("event_register", args=[event.slug])
    response = client.post(url, {"organization": org.pk, "attendee": person.pk}, follow=True)
    assert "is registered" in response.content.decode()
    org1, person1 = smes.person(1)
    _, colleague = smes.person(1, 2)
    client.force_login(person1)
    response = client.post(url, {"organization": org1.pk, "attendee": colleague.pk}, follow=True)
    assert "number 1 on the waitlist" in response.content.decode()
    assert Registration.objects.get(attendee=colleague).registered_by == person1
    # Past the deadline: a clear message, nothing written.
    event.registration_deadline = NOW - timedelta(minutes=1)
    event.save(update_fields=["registration_deadline"])
    response = client.post(url, {"organization": org1.pk, "attendee": person1.pk}, follow=True)
    assert "registration deadline" in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 2


def test_host_creates_an_event_with_sessions_on_the_page(world, client):
    client.force_login(world.admin)
    site = world.factory.sites.first()
    data = {
        "title": "Cobot training", "kind": "training", "theme": "digitalisation",
        "host": world.factory.pk, "network": world.network.pk, "language": "en",
        "capacity": 8, "quota_per_organization": 2, "price": "0", "visibility": "public",
        "registration_deadline": "2026-03-20T17:00",
        "sessions-TOTAL_FORMS": 3, "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 1, "sessions-MAX_NUM_FORMS": 50,
        "sessions-0-starts_at": "2026-03-24T09:00", "sessions-0-ends_at": "2026-03-24T12:00",
        "sessions-0-site": site.pk,
        "sessions-1-starts_at": "2026-03-31T09:00", "sessions-1-ends_at": "2026-03-31T08:00",
        "sessions-1-site": site.pk,
    }
    response = client.post(reverse("event_create"), data)
    assert response.status_code == 200
    assert "Session 2: the session ends" in response.content.decode()
    data["sessions-1-ends_at"] = "2026-03-31T12:00"
    response = client.post(reverse("event_create"), data)
    assert response.status_code == 302
    event = world.factory.hosted_events.get()
    assert event.sessions.count() == 2 and event.quota_per_organization == 2
    client.force_login(world.member)  # a plain member cannot host for the organization
    assert client.get(reverse("event_create"), follow=True).status_code == 200
    assert client.get(reverse("event_manage", args=[event.slug])).status_code == 403


def test_host_edits_capacity_below_taken_and_sees_the_error(world, smes, client):
    event = make_event(world, capacity=3)
    register(event, *smes.person(0))
    register(event, *smes.person(1))
    client.force_login(world.admin)
    response = client.post(reverse("event_edit", args=[event.slug]), {
        "title": event.title, "kind": event.kind, "theme": event.theme, "capacity": 1,
        "price": "0", "registration_deadline": "2026-03-12T09:00", "visibility": "public"})
    assert "2 seats are already taken" in response.content.decode()


def _attended_everything(world, smes):
    event = make_event(world, capacity=2, count=3)
    registration = register(event, *smes.person(0))
    for session in event.sessions.all():
        services.attendance_set(actor=world.admin, registration=registration, session=session)
    return event, registration


def test_check_in_page_search_and_certificate_pdf(world, smes, client):
    event = make_event(world, capacity=2, count=2, min_sessions_for_certificate=2)
    registration = register(event, *smes.person(0))
    register(event, *smes.person(1))
    first, second = event.sessions.all()
    client.force_login(world.admin)
    url = reverse("event_checkin", args=[event.slug])
    page = client.get(url, {"session": first.pk, "q": "SME 00"}).content.decode()
    assert "Person 0 of Sme 00" in page and "Person 0 of Sme 01" not in page
    client.post(url, {"session": first.pk, "registration": registration.pk, "present": "1"})
    assert "1 of 2 checked in" in client.get(url, {"session": first.pk}).content.decode()

    client.force_login(registration.attendee)
    cert_url = reverse("event_certificate", args=[registration.pk])
    response = client.get(cert_url, follow=True)
    assert "needs attendance at 2 of the 2 sessions; 1 were recorded" in \
        response.content.decode()
    services.attendance_set(actor=world.admin, registration=registration, session=second)
    response = client.get(cert_url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "Certificate of attendance" in text and "Person 0 of Sme 00" in text
    assert "attended 2 of 2 sessions" in text
    client.force_login(smes.person(1)[1])
    assert client.get(cert_url).status_code == 404


def test_exports_csv_and_xlsx_for_the_host_only(world, smes, client):
    event = make_event(world, capacity=1)
    register(event, *smes.person(0))
    register(event, *smes.person(1))
    client.force_login(world.admin)
    csv = client.get(reverse("event_export", args=[event.slug, "csv"])).content.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("name,e-mail,organization,status,waitlist position")
    assert "Registered" in lines[1] and lines[2].endswith(",0") and ",1," in lines[2]
    xlsx = client.get(reverse("event_export", args=[event.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["C2"].value == "Sme 00 BV" and sheet["E3"].value == 1
    client.force_login(smes.person(0)[1])
    assert client.get(reverse("event_export", args=[event.slug, "csv"])).status_code == 403


def test_ticket_has_a_qr_code_and_the_host_checks_in_from_it(world, smes, client):
    event = make_event(world)
    registration = register(event, *smes.person(0))
    ticket_url = reverse("event_ticket", args=[registration.ticket])
    client.force_login(registration.attendee)
    page = client.get(ticket_url).content.decode()
    assert "<svg" in page and "Cancel my registration" in page
    client.force_login(world.admin)
    session = event.sessions.first()
    client.post(reverse("ticket_checkin", args=[registration.ticket]), {"session": session.pk})
    assert registration.attendances.filter(session=session).exists()


def test_offer_on_the_ticket_page(world, smes, client):
    event = make_event(world, capacity=1)
    first = register(event, *smes.person(0))
    second = register(event, *smes.person(1))
    services.registration_cancel(actor=first.attendee, registration=first)
    client.force_login(second.attendee)
    page = client.get(reverse("event_ticket", args=[second.ticket])).content.decode()
    assert "Take the seat" in page
    client.post(reverse("offer_respond", args=[second.pk]), {"decision": "accept"})
    second.refresh_from_db()
    assert second.status == S.CONFIRMED


def test_personal_calendar_feed_and_rotation(world, smes, client):
    event = make_event(world, count=2)
    org, person = smes.person(0)
    register(event, org, person)
    client.force_login(person)
    page = client.get(reverse("my_events")).content.decode()
    assert "Lean masterclass" in page
    token = services.calendar_token_for(actor=person).token
    client.logout()
    feed = client.get(reverse("personal_event_feed", args=[token]))
    assert len(icalendar.Calendar.from_ical(feed.content).walk("VEVENT")) == 2
    client.force_login(person)
    client.post(reverse("my_feed_rotate"))
    assert client.get(reverse("personal_event_feed", args=[token])).status_code == 404


def test_project_page_documents_for_partners_only(world, smes, client):
    project = services.project_create(
        actor=world.admin, lead=world.factory, network=world.network, title="Blue energy pilot",
        theme="sustainability", goals="Test wave energy converters.", starts_on=NOW.date())
    client.force_login(world.admin)
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(reverse("project_document_add", args=[project.slug]),
                {"title": "Work plan", "file": pdf})
    document = project.documents.get()
    not_pdf = SimpleUploadedFile("x.pdf", b"MZ...", content_type="application/pdf")
    response = client.post(reverse("project_document_add", args=[project.slug]),
                           {"title": "Bad", "file": not_pdf}, follow=True)
    assert "Upload a PDF document." in response.content.decode()
    doc_url = reverse("project_document", args=[project.slug, document.pk])
    assert client.get(doc_url).status_code == 200
    org, admin = smes.person(0)
    client.force_login(admin)
    page = client.get(reverse("project_detail", args=[project.slug])).content.decode()
    assert "Blue energy pilot" in page and "Work plan" not in page
    assert client.get(doc_url).status_code == 404
    client.post(reverse("project_join", args=[project.slug]),
                {"organization": org.pk, "role": "Test site"})
    client.force_login(world.admin)
    partner = project.partners.get(organization=org)
    client.post(reverse("project_decide", args=[project.slug, partner.pk]),
                {"decision": "approve"})
    client.force_login(admin)
    assert client.get(doc_url).status_code == 200


# --- query budgets ---------------------------------------------------------------------------


def _crowd(world, event, n: int):
    """``n`` registrations from n/2 admitted organizations (2 people each): as many confirmed
    as the capacity allows, the rest waitlisted. Written in bulk (the services are tested
    elsewhere; here only the pages' reads matter)."""
    from fabshare.network.models import (
        Membership,
        NetworkMembership,
        Organization,
        Site,
        User,
    )

    orgs = Organization.objects.bulk_create(
        Organization(name=f"Crowd {i:03d} BV", slug=f"crowd-{n}-{i}", kind="sme")
        for i in range(n // 2))
    Site.objects.bulk_create(Site(organization=o, name="Plant", city="Hasselt", latitude=50.9,
                                  longitude=5.3) for o in orgs)
    NetworkMembership.objects.bulk_create(
        NetworkMembership(network=world.network, organization=o, status="approved")
        for o in orgs)
    users = User.objects.bulk_create(
        User(email=f"crowd{n}-{i}@example.com", full_name=f"Crowd person {i}")
        for i in range(n))
    Membership.objects.bulk_create(Membership(user=u, organization=orgs[i // 2], role="member")
                                   for i, u in enumerate(users))
    Registration.objects.bulk_create(
        Registration(event=event, attendee=u, organization=orgs[i // 2], registered_by=u,
                     status=S.CONFIRMED if i < event.capacity else S.WAITLISTED,
                     queued_at=None if i < event.capacity else NOW + timedelta(seconds=i))
        for i, u in enumerate(users))


@pytest.mark.parametrize("n", [10, 500])
def test_event_pages_cost_a_fixed_number_of_queries(world, client, n,
                                                    django_assert_max_num_queries):
    event = make_event(world, capacity=n - 4, quota=2, count=3)
    _crowd(world, event, n)
    for registration in event.registrations.filter(status=S.CONFIRMED)[:20]:
        services.attendance_set(actor=world.admin, registration=registration,
                                session=event.sessions.first())
    assert event.registrations.count() == n
    client.force_login(world.admin)
    for name in ("event_detail", "event_manage", "event_checkin"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name, args=[event.slug])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("event_export", args=[event.slug, "csv"])).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_calendar_costs_a_fixed_number_of_queries(world, client, n,
                                                   django_assert_max_num_queries):
    for i in range(n):
        make_event(world, title=f"Event {i}", clusters=[world.automotive])
    client.force_login(world.member)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("event_calendar"), {"near": "Genk"})
    assert page.content.decode().count("km away") == n
    with django_assert_max_num_queries(10):
        client.get(reverse("event_calendar_feed"))


def test_admin_lists_events_and_registrations(world, smes, client):
    from tests.factories import UserFactory

    admin_client = client
    admin_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    event = make_event(world)
    register(event, *smes.person(0))
    assert "Lean masterclass" in admin_client.get(
        reverse("admin:knowledge_event_changelist")).content.decode()
    assert admin_client.get(reverse("admin:knowledge_event_change", args=[event.pk])) \
        .status_code == 200
    assert "Sme 00 BV" in admin_client.get(
        reverse("admin:knowledge_registration_changelist")).content.decode()
    assert admin_client.get(reverse("admin:knowledge_project_changelist")).status_code == 200
