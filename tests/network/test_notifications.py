"""The notification centre: each event notifies once, e-mails now or in a digest, in the
user's language, and only the owner sees or opens a notification."""

import pytest
from django.core import mail
from django.urls import reverse

from fabshare.network import services
from fabshare.network.models import Notification

pytestmark = pytest.mark.django_db


def test_same_key_notifies_once_and_mails_now(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify(user=world.founder, kind="test", key="k-1", title="Offer received",
                                url="/notifications/", email="now")
        again = services.notify(user=world.founder, kind="test", key="k-1", title="Offer received",
                                email="now")
    assert first is not None and again is None
    assert Notification.objects.filter(user=world.founder).count() == 1
    assert [m.to for m in mail.outbox] == [["founder@example.com"]]
    assert mail.outbox[0].subject == "Offer received"


def test_digest_collects_waiting_notifications_once(world, django_capture_on_commit_callbacks):
    world.founder.language = "nl"
    world.founder.save()
    for i in range(3):
        services.notify(user=world.founder, kind="test", key=f"d-{i}", title=f"Match {i}",
                        email="digest")
    services.notify(user=world.owner, kind="test", key="x", title="In-app only")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_digests_send() == 1
        assert services.notification_digests_send() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["founder@example.com"]
    assert "3 nieuwe meldingen" in message.subject
    assert all(f"Match {i}" in message.body for i in range(3))


def test_centre_lists_marks_read_and_hides_others(client, world):
    mine = services.notify(user=world.founder, kind="test", key="a", title="Yours",
                           url="/networks/")
    theirs = services.notify(user=world.owner, kind="test", key="a", title="Not yours")
    client.force_login(world.founder)
    page = client.get(reverse("notifications"))
    assert "Yours" in page.content.decode() and "Not yours" not in page.content.decode()
    assert 'data-testid="nav-notifications"' in page.content.decode()
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/networks/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    services.notify(user=world.founder, kind="test", key="b", title="Second")
    client.post(reverse("notifications"), {"all": "1"})
    assert not Notification.objects.filter(user=world.founder, read_at__isnull=True).exists()
