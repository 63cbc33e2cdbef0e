"""Capacity requests by page: read a need, check the steps, publish; bad input keeps what was
typed; attachments are checked by content and hidden from providers until the NDA."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fabshare.catalog.models import Process
from fabshare.core.errors import Conflict, DomainError
from fabshare.demand import services
from fabshare.demand.models import CapacityRequest, RequestStatus
from tests.factories import MembershipFactory, NetworkMembershipFactory
from tests.market import NOW

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STEP = b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('bracket'),'2;1');\nENDSEC;\n"
DXF = b"  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n  0\nEOF\n"


@pytest.fixture
def seeker(world, clock):
    NetworkMembershipFactory(network=world.network, organization=world.startup)
    return world


def _draft(world, **fields):
    return services.request_create(
        actor=world.founder, organization=world.startup, title="Brackets",
        steps=[{"process": Process.objects.get(code="laser-cutting")}], **fields)


def test_need_in_dutch_becomes_a_draft_with_suggested_steps(client, seeker):
    client.force_login(seeker.founder)
    text = "500 beugels lasersnijden uit 3 mm RVS 304, daarna plooien, voor 1 april. IATF"
    response = client.post(reverse("request_new"), {
        "organization": seeker.startup.pk, "text": text})
    request = CapacityRequest.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("request_edit", args=[request.pk]))
    steps = list(request.steps.select_related("process", "material"))
    assert [s.process.code for s in steps][:1] == ["laser-cutting"]
    assert any(s.process.code.endswith("bending") for s in steps)
    first = steps[0]
    assert first.quantity == 500 and first.thickness_mm == 3
    assert request.status == RequestStatus.DRAFT and request.language == "nl"
    assert request.deadline is not None
    assert [c.code for c in request.certifications.all()] == ["iatf-16949"]
    page = client.get(response["Location"]).content.decode()
    assert "read from “lasersnijden”" in page or "read from" in page


def test_live_reading_shows_what_each_suggestion_was_read_from(client, seeker):
    client.force_login(seeker.founder)
    html = client.post(reverse("request_read"), {"text": "500 pcs laser cut, 3 mm thick"}
                       ).content.decode()
    assert "Laser cutting" in html and "“500 pcs”" in html


def test_publish_from_the_edit_page_leads_to_matches(client, seeker):
    request = _draft(seeker)
    client.force_login(seeker.founder)
    data = {
        "title": "Brackets", "language": "en", "earliest_start": NOW.date().isoformat(),
        "deadline": (NOW + timedelta(days=20)).date().isoformat(), "max_distance_km": "80",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "1", "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "12",
        "steps-0-process": str(Process.objects.get(code="laser-cutting").pk),
        "steps-0-thickness_mm": "3 mm", "steps-0-quantity": "500",
        "steps-1-process": str(Process.objects.get(code="press-brake-bending").pk),
        "publish": "1",
    }
    response = client.post(reverse("request_edit", args=[request.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("request_matches", args=[request.pk])
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert [s.process.code for s in request.steps.all()] == ["laser-cutting",
                                                              "press-brake-bending"]


def test_bad_step_input_is_named_and_nothing_typed_is_lost(client, seeker):
    request = _draft(seeker)
    client.force_login(seeker.founder)
    data = {
        "title": "Brackets changed", "language": "en",
        "earliest_start": (NOW + timedelta(days=10)).date().isoformat(),
        "deadline": (NOW + timedelta(days=20)).date().isoformat(),
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "1", "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "12",
        "steps-0-process": str(Process.objects.get(code="laser-cutting").pk),
        "steps-0-tolerance_um": "0,05 mm", "steps-0-notes": "deburr edges", "save": "1",
    }
    page = client.post(reverse("request_edit", args=[request.pk]), data).content.decode()
    assert "The tolerance is in micrometres (µm): ±0.05 mm is 50 µm." in page
    assert 'value="Brackets changed"' in page and 'value="deburr edges"' in page
    request.refresh_from_db()
    assert request.title == "Brackets"  # nothing half-written


def test_deadline_before_start_and_past_deadline_are_refused(seeker):
    with pytest.raises(DomainError) as exc:
        _draft(seeker, earliest_start=NOW.date(), deadline=(NOW - timedelta(days=3)).date())
    assert exc.value.field == "deadline"
    request = _draft(seeker, deadline=(NOW - timedelta(days=3)).date())
    with pytest.raises(DomainError) as exc:
        services.request_open(actor=seeker.founder, request=request)
    assert exc.value.field == "deadline"


def test_empty_and_absurd_requests_are_refused(seeker):
    with pytest.raises(DomainError) as exc:
        services.request_create(actor=seeker.founder, organization=seeker.startup, title="  ")
    assert exc.value.field == "title"
    empty = services.request_create(actor=seeker.founder, organization=seeker.startup,
                                    title="Nothing yet")
    with pytest.raises(DomainError) as exc:
        services.request_open(actor=seeker.founder, request=empty)
    assert exc.value.field == "steps"
    laser = Process.objects.get(code="laser-cutting")
    for step, field in (({"process": None}, "steps.1.process"),
                        ({"process": laser, "quantity": 0}, "steps.1.quantity"),
                        ({"process": laser, "estimated_hours": "99999"},
                         "steps.1.estimated_hours"),
                        ({"process": laser, "part_x_mm": "1e9"}, "steps.1.part_x_mm")):
        with pytest.raises(DomainError) as exc:
            services.request_update(actor=seeker.founder, request=empty, steps=[step])
        assert exc.value.field == field
    with pytest.raises(DomainError) as exc:
        services.request_update(actor=seeker.founder, request=empty, place="Atlantis")
    assert exc.value.field == "place"


def test_only_members_of_the_requester_write(seeker):
    request = _draft(seeker)
    with pytest.raises(DomainError):
        services.request_update(actor=seeker.owner, request=request, title="Hijacked")
    services.request_close(actor=seeker.founder, request=request)
    with pytest.raises(Conflict):
        services.request_update(actor=seeker.founder, request=request, title="Too late")


@pytest.mark.parametrize("name,content,kind", [("bracket.pdf", PDF, "pdf"),
                                               ("bracket.stp", STEP, "step"),
                                               ("bracket.dxf", DXF, "dxf")])
def test_drawings_are_recognised_by_content(seeker, name, content, kind):
    request = _draft(seeker)
    attachment = services.attachment_add(actor=seeker.founder, request=request,
                                         upload=SimpleUploadedFile(name, content))
    assert attachment.kind == kind


def test_wrong_type_and_oversized_attachments_are_refused(client, seeker, settings):
    request = _draft(seeker)
    with pytest.raises(DomainError) as exc:
        services.attachment_add(actor=seeker.founder, request=request,
                                upload=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"))
    assert exc.value.field == "file" and "PDF, STEP" in exc.value.message
    big = SimpleUploadedFile("huge.pdf", PDF + b"0" * (25 * 1024 * 1024))
    client.force_login(seeker.founder)
    page = client.post(reverse("request_attachment_add", args=[request.pk]), {"file": big})
    assert page.status_code == 400 and "the limit is 25" in page.content.decode()
    assert request.attachments.count() == 0


def test_attachments_need_the_nda_before_a_provider_sees_them(client, seeker):
    request = _draft(seeker, nda_required=True)
    attachment = services.attachment_add(actor=seeker.founder, request=request,
                                         upload=SimpleUploadedFile("secret.pdf", PDF))
    services.request_update(actor=seeker.founder, request=request,
                            deadline=(NOW + timedelta(days=20)).date())
    services.request_open(actor=seeker.founder, request=request)
    url = reverse("request_attachment", args=[request.pk, attachment.pk])
    client.force_login(seeker.admin)  # a provider in the same network
    detail = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "secret.pdf" not in detail and "Accept the NDA" in detail
    assert reverse("offer_new", args=[request.pk]) in detail  # providers answer with offers
    assert client.get(url).status_code == 404
    api = client.get(f"/api/v1/requests/{request.pk}").json()
    assert api["attachments"] is None
    client.post(reverse("request_nda_accept", args=[request.pk]),
                {"organization": seeker.factory.pk})
    acceptance = request.nda_acceptances.get()
    assert acceptance.user == seeker.admin and acceptance.version == request.nda_version
    assert client.get(url).status_code == 200
    assert client.get(f"/api/v1/requests/{request.pk}").json()["attachments"][0]["name"] == \
        "secret.pdf"
    # A changed NDA text needs a new acceptance.
    services.request_update(actor=seeker.founder, request=request, nda_text="New terms.")
    assert client.get(url).status_code == 404


def test_drafts_are_private_and_published_requests_stay_in_the_network(client, seeker):
    request = _draft(seeker)
    client.force_login(seeker.admin)
    assert client.get(reverse("request_detail", args=[request.pk])).status_code == 404
    services.request_update(actor=seeker.founder, request=request,
                            deadline=(NOW + timedelta(days=20)).date())
    services.request_open(actor=seeker.founder, request=request)
    assert client.get(reverse("request_detail", args=[request.pk])).status_code == 200
    client.force_login(seeker.outsider)
    assert client.get(reverse("request_detail", args=[request.pk])).status_code == 404
    assert client.get(f"/api/v1/requests/{request.pk}").status_code == 404
    colleague = MembershipFactory(organization=seeker.startup, role="member").user
    client.force_login(colleague)
    assert client.get(reverse("request_edit", args=[request.pk])).status_code == 200


def test_a_family_named_without_grade_is_kept_as_the_step_family(client, seeker):
    client.force_login(seeker.founder)
    client.post(reverse("request_new"), {"organization": seeker.startup.pk,
                                         "text": "200 stuks lasersnijden uit 2 mm RVS"})
    step = CapacityRequest.objects.get().steps.get()
    assert step.material is None and step.material_family.code == "stainless-steel"
    page = client.get(reverse("request_edit", args=[step.request_id])).content.decode()
    assert f'value="family:{step.material_family_id}" selected' in page
