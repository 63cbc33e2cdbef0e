"""The bookings demo: every state, threads, offers to compare and reviews, and the pages of
the demo's people show them. The seed runs once for the module inside a transaction rolled
back at the end."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from fabshare.bookings.models import Booking, Message, Offer, Review, Status
from fabshare.network.models import User


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        from django.apps import apps

        from fabshare.catalog.vocabulary import sync_from_apps
        from fabshare.network.models import Certification

        if not Certification.objects.exists():
            sync_from_apps(apps)
        out = StringIO()
        call_command("seed", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_bookings_in_every_state_with_threads_offers_and_reviews(seeded, db, client):
    assert "bookings: 11 in every state" in seeded
    assert set(Booking.objects.values_list("status", flat=True)) == set(Status.values)
    assert Message.objects.filter(booking__isnull=False).count() >= 3
    assert Offer.objects.filter(status="open").count() == 2
    assert Review.objects.filter(published_at__isnull=False).count() == 2
    assert Review.objects.filter(published_at__isnull=True).count() == 1
    # The demo's founder and provider admin see them on their pages.
    for email, role in (("founder@fabshare.test", "seeker"),
                        ("provider.admin@fabshare.test", "provider")):
        client.force_login(User.objects.get(email=email))
        page = client.get("/bookings/", {"role": role})
        assert page.status_code == 200 and b"DMU 65" in page.content
        for booking in Booking.objects.filter(**{role: User.objects.get(
                email=email).memberships.get().organization}):
            assert client.get(f"/bookings/{booking.pk}/").status_code == 200
    offer = Offer.objects.first()
    client.force_login(User.objects.get(email="founder@fabshare.test"))
    compare = client.get(f"/requests/{offer.request_id}/offers/")
    assert compare.status_code == 200 and compare.content.count(b"/offers/") >= 2
