"""Seeding commits for real without sending e-mail (a module of its own: the other seed tests
share one seeded database that must not be visible here)."""

from io import StringIO

from django.core import mail
from django.core.management import call_command

from fabshare.network.models import Organization


def test_no_email_leaves_while_seeding(transactional_db):
    # A real commit runs the services' on-commit e-mails; the command discards them.
    call_command("seed", stdout=StringIO())
    assert Organization.objects.count() >= 55
    assert mail.outbox == []
