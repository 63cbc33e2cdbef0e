"""The knowledge demo: the masterclass programme of six sessions at four factories with 20
registered SMEs and a waitlist, trainings, visits, a networking evening, a webinar and
projects — seeded once for the module and rolled back afterwards."""

import pytest
from django.urls import reverse

from fabshare.knowledge.models import (
    Event,
    PartnerStatus,
    Project,
    Registration,
    RegistrationStatus,
)
from tests.catalog.test_demo import seeded  # noqa: F401 - the seed, once for the module

S = RegistrationStatus


@pytest.fixture
def masterclass(seeded, db):  # noqa: F811
    return Event.objects.get(kind="masterclass")


def test_masterclass_at_four_factories_with_20_smes_and_a_waitlist(masterclass, seeded):  # noqa: F811
    sessions = list(masterclass.sessions.select_related("site__organization"))
    assert len(sessions) == 6
    assert len({s.site.organization_id for s in sessions}) == 4
    confirmed = masterclass.registrations.filter(status=S.CONFIRMED)
    assert confirmed.count() == 20 == masterclass.capacity
    assert confirmed.values("organization").distinct().count() == 20
    waiting = masterclass.registrations.filter(status=S.WAITLISTED).order_by("queued_at", "pk")
    assert [r.organization.name for r in waiting] == [
        "Ieperlee Gieterij NV", "Leiebrug Plastics BV", "Gaverbeek Coatings BV"]
    assert "masterclass: 20 seats taken, 3 on the waitlist" in seeded


def test_other_kinds_and_projects(seeded, db):  # noqa: F811
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"masterclass", "training", "visit", "networking", "webinar"} <= kinds
    assert Event.objects.filter(visibility="network").exists()
    assert Event.objects.filter(price_cents__gt=0).exclude(invoice_details="").exists()
    assert Registration.objects.filter(status=S.PENDING).exists()  # a visit awaits approval
    assert Project.objects.count() == 3
    assert Project.objects.filter(partners__status=PartnerStatus.REQUESTED).exists()


def test_past_training_gives_certificates_to_full_attendees(seeded, db, client):  # noqa: F811
    registration = Registration.objects.get(event__title="Lean basics for team leaders",
                                            organization__name="Haspengouw Laserwerk BV")
    client.force_login(registration.attendee)
    response = client.get(reverse("event_certificate", args=[registration.pk]))
    assert response.content.startswith(b"%PDF-")


def test_demo_pages_render(masterclass, client):
    assert client.get(reverse("event_calendar")).status_code == 200
    assert client.get(reverse("event_detail", args=[masterclass.slug])).status_code == 200
    assert client.get(reverse("project_list")).status_code == 200
    host = masterclass.host.memberships.get(role="admin").user
    host.language = "en"  # the demo host reads Dutch; this test reads the figures in English
    host.save(update_fields=["language"])
    client.force_login(host)
    page = client.get(reverse("event_manage", args=[masterclass.slug])).content.decode()
    assert "20 of 20 seats taken · 3 on the waitlist" in page
