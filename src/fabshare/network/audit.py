"""The audit log: one entry per service write, visible to the organization's admins and the
network's operators."""

from django.db import models

from fabshare.network.models import AuditEntry, Network, Organization


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    summary: str,
    organization: Organization | None = None,
    network: Network | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (e.g. ``organization.update``) to ``target``."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        summary=summary[:300],
        organization=organization,
        network=network,
    )
