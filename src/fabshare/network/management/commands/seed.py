"""``seed``: load the deterministic demo data and print the demo logins.

Every fabshare app may ship a ``demo`` module with ``seed(ctx)`` (and optionally ``LOGINS``);
the steps run in ``INSTALLED_APPS`` order inside one transaction, sharing one
:class:`~fabshare.network.demo.DemoContext`, so later apps build on the organizations and
people that ``fabshare.network.demo`` creates. E-mails the services queue while seeding are
discarded.
"""

import time
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import module_has_submodule

from fabshare.network.demo import DEMO_PASSWORD, DemoContext
from fabshare.network.models import (
    AuditEntry,
    Invitation,
    JoinRequest,
    Network,
    NetworkMembership,
    RequestStatus,
    User,
)

DISCARD_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


def demo_modules() -> list[ModuleType]:
    """The ``demo`` modules of the installed fabshare apps, in ``INSTALLED_APPS`` order."""
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("fabshare.") and module_has_submodule(config.module, "demo"):
            modules.append(import_module(f"{config.name}.demo"))
    return modules


class Command(BaseCommand):
    help = "Load the deterministic demo data (networks, organizations, people) and print logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true",
            help="seed only if the database holds no network yet (safe to run again)",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        modules = demo_modules()
        if Network.objects.exists():
            if not if_empty:
                raise CommandError(
                    "The database already holds networks; seeding again would duplicate the "
                    "demo. Use --if-empty to skip, or start from an empty database."
                )
            self.stdout.write("The database already holds networks: demo data left as it is.")
            self._print_logins(modules)
            return
        started = time.perf_counter()
        ctx = DemoContext()
        # The override encloses the transaction: on-commit e-mails are sent (and discarded)
        # while it is still in force.
        with override_settings(EMAIL_BACKEND=DISCARD_EMAIL):
            try:
                with transaction.atomic():
                    for module in modules:
                        seed = getattr(module, "seed", None)
                        if seed is not None:
                            seed(ctx)
            except ValueError as exc:
                raise CommandError(f"Demo data not loaded: {exc}") from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Seeded the demo in {elapsed:.1f} s:"))
        for line in ctx.summary:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"  {self._counts()}")
        self._print_logins(modules)

    def _counts(self) -> str:
        statuses = dict.fromkeys(("approved", "pending", "rejected", "suspended"), 0)
        for status in NetworkMembership.objects.values_list("status", flat=True):
            statuses[status] = statuses.get(status, 0) + 1
        memberships = ", ".join(f"{n} {status}" for status, n in statuses.items())
        invitations = Invitation.objects.filter(status=RequestStatus.PENDING).count()
        join_requests = JoinRequest.objects.filter(status=RequestStatus.PENDING).count()
        return (
            f"network memberships: {memberships}; open invitations: {invitations}, "
            f"open join requests: {join_requests}; audit entries: {AuditEntry.objects.count()}"
        )

    def _print_logins(self, modules: list[ModuleType]) -> None:
        logins = [login for module in modules for login in getattr(module, "LOGINS", ())]
        existing = set(
            User.objects.filter(email__in=[email for email, _ in logins], is_active=True)
            .values_list("email", flat=True)
        )
        logins = [(email, what) for email, what in logins if email in existing]
        if not logins:
            return
        width = max(len(email) for email, _ in logins)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for email, what in logins:
            self.stdout.write(f"  {email.ljust(width)}  {what}")
