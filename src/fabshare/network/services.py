"""Every write to users, organizations, networks and their memberships.

Each service takes keyword-only arguments with the acting user first, runs in one transaction,
checks permission and invariants, records an audit entry and schedules its e-mails on commit.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabshare.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    reject_unknown_fields,
)
from fabshare.core.mail import send_mail_on_commit
from fabshare.core.uploads import check_image
from fabshare.network.audit import audit_record
from fabshare.network.identifiers import normalize_enterprise_number
from fabshare.network.models import (
    ROLE_RANK,
    AdmissionPolicy,
    Certification,
    Cluster,
    Invitation,
    JoinRequest,
    Membership,
    Network,
    NetworkMembership,
    NetworkMembershipStatus,
    Notification,
    Organization,
    OrganizationKind,
    PersonalAccessToken,
    RequestStatus,
    Role,
    Site,
    User,
)

ORGANIZATION_FIELDS = (
    "name", "kind", "country", "enterprise_number", "description", "website", "sectors",
    "certifications",
)
SITE_FIELDS = ("name", "street", "postal_code", "city", "country", "latitude", "longitude",
               "is_main")


# --- permission checks shared by the services ------------------------------------------------


def role_in(user, organization: Organization) -> str | None:
    """The user's role in the organization, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )


def require_role(user, organization: Organization, minimum: str) -> str:
    role = role_in(user, organization)
    if role is None:
        raise NotFound(_("Organization not found."))
    if ROLE_RANK[role] < ROLE_RANK[minimum]:
        raise PermissionDenied(
            _("This needs the role “%(role)s” in the organization.") % {"role": Role(minimum).label}
        )
    return role


def is_operator(user, network: Network) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or network.operators.filter(pk=user.pk).exists()


def may_invite_first_owner(user, organization: Organization) -> bool:
    """An operator of one of the organization's networks, while it has no members at all."""
    if not getattr(user, "is_authenticated", False) or organization.memberships.exists():
        return False
    return user.is_superuser or NetworkMembership.objects.filter(
        organization=organization, network__operators=user).exists()


def _admin_emails(organization: Organization) -> list[str]:
    return list(
        organization.memberships.filter(role__in=[Role.OWNER, Role.ADMIN]).values_list(
            "user__email", flat=True
        )
    )


# --- users -----------------------------------------------------------------------------------


@transaction.atomic
def user_update_preferences(
    *, actor: User, full_name: str | None = None, language: str | None = None,
    time_zone: str | None = None,
) -> User:
    """Change the actor's own name, language or time zone."""
    changed = []
    if full_name is not None:
        actor.full_name = full_name.strip()
        changed.append("full_name")
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise DomainError(_("Unknown language."), field="language")
        actor.language = language
        changed.append("language")
    if time_zone is not None:
        from fabshare.network.models import TIME_ZONE_CHOICES

        if time_zone not in dict(TIME_ZONE_CHOICES):
            raise DomainError(_("Unknown time zone."), field="time_zone")
        actor.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        actor.save(update_fields=changed)
        audit_record(actor=actor, action="user.update", target=actor,
                     summary=f"{actor.email} changed {', '.join(changed)}")
    return actor


# --- organizations ---------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_organization(data: dict, instance: Organization | None = None) -> dict:
    if "kind" in data and data["kind"] not in OrganizationKind.values:
        raise DomainError(_("Unknown kind of organization."), field="kind")
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise DomainError(_("The legal name is required."), field="name")
    if "country" in data:
        data["country"] = (data["country"] or "").strip().upper()
        if len(data["country"]) != 2 or not data["country"].isalpha():
            raise DomainError(_("Use a two-letter country code such as BE or NL."),
                              field="country")
    if "enterprise_number" in data or "country" in data:
        country = data.get("country", instance.country if instance else "BE")
        number = data.get("enterprise_number", instance.enterprise_number if instance else "")
        try:
            data["enterprise_number"] = normalize_enterprise_number(country, number)
        except ValueError as exc:
            raise DomainError(str(exc), field="enterprise_number") from None
        taken = Organization.objects.filter(
            country=country, enterprise_number=data["enterprise_number"]
        ).exclude(enterprise_number="")
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if data["enterprise_number"] and taken.exists():
            raise Conflict(_("An organization with this enterprise number is already registered."),
                           field="enterprise_number")
    if "sectors" in data:
        data["sectors"] = sorted({str(v).strip()[:80] for v in data["sectors"] or []
                                  if str(v).strip()})
    if "certifications" in data:
        data["certifications"] = resolve_certifications(data["certifications"] or [])
    return data


def resolve_certifications(terms: list) -> list[Certification]:
    """Match names, codes or synonyms ("ISO 9001", "iso-9001", "9001") to the vocabulary."""
    wanted = [t for t in terms if isinstance(t, Certification)]
    texts = [str(t).strip() for t in terms if not isinstance(t, Certification) and str(t).strip()]
    if texts:
        index = {}
        for cert in Certification.objects.all():
            for term in [cert.name, cert.code, *cert.synonyms]:
                index.setdefault(term.casefold().replace(" ", ""), cert)
        unknown = []
        for text in texts:
            cert = index.get(text.casefold().replace(" ", ""))
            if cert is None:
                unknown.append(text)
            else:
                wanted.append(cert)
        if unknown:
            raise DomainError(
                _("Unknown certification: %(names)s. Choose from the list; the network's "
                  "operators can add missing ones.") % {"names": ", ".join(unknown)},
                field="certifications")
    return sorted(set(wanted), key=lambda c: (c.position, c.name))


@transaction.atomic
def organization_create(
    *, actor: User, name: str, kind: str, country: str = "BE", enterprise_number: str = "",
    description: str = "", website: str = "", sectors: list[str] | None = None,
    certifications: list[str] | None = None,
) -> Organization:
    """Create an organization; the actor becomes its first owner."""
    data = _clean_organization(
        {"name": name, "kind": kind, "country": country, "enterprise_number": enterprise_number,
         "description": description, "website": website, "sectors": sectors or [],
         "certifications": certifications or []}
    )
    certifications = data.pop("certifications")
    organization = Organization.objects.create(slug=_unique_slug(data["name"]), **data)
    organization.certifications.set(certifications)
    Membership.objects.create(user=actor, organization=organization, role=Role.OWNER)
    audit_record(actor=actor, action="organization.create", target=organization,
                 organization=organization, summary=f"Created organization {organization.name}")
    return organization


@transaction.atomic
def organization_update(*, actor: User, organization: Organization, **changes) -> Organization:
    """Change an organization's profile (admins and owners)."""
    require_role(actor, organization, Role.ADMIN)
    reject_unknown_fields(changes, ORGANIZATION_FIELDS)
    data = _clean_organization(dict(changes), instance=organization)
    changed = []
    if "certifications" in data:
        certifications = data.pop("certifications")
        if set(certifications) != set(organization.certifications.all()):
            organization.certifications.set(certifications)
            changed.append("certifications")
    fields = [k for k, v in data.items() if getattr(organization, k) != v]
    for key in fields:
        setattr(organization, key, data[key])
    changed += fields
    if changed:
        organization.save(update_fields=[*fields, "updated_at"])
        audit_record(actor=actor, action="organization.update", target=organization,
                     organization=organization,
                     summary=f"Changed {', '.join(changed)} of {organization.name}")
    return organization


@transaction.atomic
def organization_set_logo(
    *, actor: User, organization: Organization, logo: UploadedFile | None
) -> Organization:
    """Replace (or with ``None`` remove) the organization's logo after checking size and type."""
    require_role(actor, organization, Role.ADMIN)
    if logo is not None:
        try:
            extension = check_image(logo, max_bytes=settings.FABSHARE_LOGO_MAX_BYTES)
        except ValueError as exc:
            raise DomainError(str(exc), field="logo") from None
        organization.logo.save(f"{organization.slug}.{extension}", logo, save=False)
    else:
        organization.logo = ""
    organization.save(update_fields=["logo", "updated_at"])
    audit_record(actor=actor, action="organization.logo", target=organization,
                 organization=organization,
                 summary=f"{'Replaced' if logo else 'Removed'} the logo of {organization.name}")
    return organization


# --- sites -----------------------------------------------------------------------------------


def _clean_site(data: dict) -> dict:
    for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if key in data:
            try:
                value = float(data[key])
            except (TypeError, ValueError):
                raise DomainError(_("Enter a number."), field=key) from None
            if not low <= value <= high:
                raise DomainError(
                    _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high},
                    field=key,
                )
            data[key] = value
    if "city" in data and not (data["city"] or "").strip():
        raise DomainError(_("The city is required."), field="city")
    if "country" in data:
        data["country"] = (data["country"] or "").strip().upper()
        if len(data["country"]) != 2:
            raise DomainError(_("Use a two-letter country code such as BE or NL."),
                              field="country")
    return data


def _single_main_site(site: Site) -> None:
    if site.is_main:
        # Saved one by one (there is at most one other), so that whatever follows sites
        # (matching's search index) sees the final state.
        for other in Site.objects.filter(organization_id=site.organization_id,
                                         is_main=True).exclude(pk=site.pk):
            other.is_main = False
            other.save(update_fields=["is_main"])
    elif not Site.objects.filter(organization_id=site.organization_id, is_main=True).exists():
        site.is_main = True
        site.save(update_fields=["is_main"])


@transaction.atomic
def site_create(
    *, actor: User, organization: Organization, name: str, city: str, latitude: float,
    longitude: float, street: str = "", postal_code: str = "", country: str = "BE",
    is_main: bool = False,
) -> Site:
    """Add a site (an address with coordinates) to an organization."""
    require_role(actor, organization, Role.ADMIN)
    data = _clean_site({"name": name, "city": city, "latitude": latitude, "longitude": longitude,
                        "street": street, "postal_code": postal_code, "country": country,
                        "is_main": is_main})
    site = Site.objects.create(organization=organization, **data)
    _single_main_site(site)
    audit_record(actor=actor, action="site.create", target=site, organization=organization,
                 summary=f"Added site {site.name} in {site.city}")
    return site


@transaction.atomic
def site_update(*, actor: User, site: Site, **changes) -> Site:
    require_role(actor, site.organization, Role.ADMIN)
    reject_unknown_fields(changes, SITE_FIELDS)
    data = _clean_site(dict(changes))
    changed = [k for k, v in data.items() if getattr(site, k) != v]
    for key in changed:
        setattr(site, key, data[key])
    if changed:
        site.save(update_fields=[*changed, "updated_at"])
        _single_main_site(site)
        audit_record(actor=actor, action="site.update", target=site,
                     organization=site.organization,
                     summary=f"Changed {', '.join(changed)} of site {site.name}")
    return site


@transaction.atomic
def site_delete(*, actor: User, site: Site) -> None:
    """Remove a site that no resource is listed at."""
    organization = site.organization
    require_role(actor, organization, Role.ADMIN)
    audit_record(actor=actor, action="site.delete", target=site, organization=organization,
                 summary=f"Removed site {site.name} in {site.city}")
    try:
        site.delete()
    except ProtectedError:  # resources (catalog) are listed at it
        raise Conflict(_("Resources are listed at this site; move or remove them first."),
                       field="site") from None
    remaining = Site.objects.filter(organization=organization).order_by("pk").first()
    if remaining:
        _single_main_site(remaining)


# --- memberships -----------------------------------------------------------------------------


def _lock_memberships(organization: Organization) -> list[Membership]:
    """Lock the organization's membership rows (ordered by key) before counting owners."""
    return list(
        Membership.objects.select_for_update().filter(organization=organization).order_by("pk")
    )


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Change a member's role. Only owners make or unmake owners; one owner always remains."""
    organization = membership.organization
    actor_role = require_role(actor, organization, Role.ADMIN)
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    if Role.OWNER in (role, membership.role) and actor_role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can grant or withdraw the owner role."))
    rows = _lock_memberships(organization)
    membership = next((m for m in rows if m.pk == membership.pk), None)
    if membership is None:
        raise NotFound(_("Membership not found."))
    owners = [m for m in rows if m.role == Role.OWNER]
    if membership.role == Role.OWNER and role != Role.OWNER and len(owners) == 1:
        raise Conflict(_("An organization keeps at least one owner: make someone else owner "
                         "first."), field="role")
    if membership.role != role:
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        audit_record(actor=actor, action="membership.role", target=membership,
                     organization=organization,
                     summary=f"{membership.user.email}: {old} → {role}")
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Remove a member (admins; owners for owners) or leave (anyone, for themselves)."""
    organization = membership.organization
    actor_role = require_role(actor, organization, Role.MEMBER)
    leaving = membership.user_id == actor.pk
    if not leaving:
        if ROLE_RANK[actor_role] < ROLE_RANK[Role.ADMIN]:
            raise PermissionDenied(_("Only an organization admin can remove members."))
        if membership.role == Role.OWNER and actor_role != Role.OWNER:
            raise PermissionDenied(_("Only an owner can remove an owner."))
    rows = _lock_memberships(organization)
    owners = [m for m in rows if m.role == Role.OWNER]
    if membership.role == Role.OWNER and len(owners) == 1:
        raise Conflict(_("An organization keeps at least one owner: make someone else owner "
                         "first."))
    audit_record(actor=actor, action="membership.leave" if leaving else "membership.remove",
                 target=membership, organization=organization,
                 summary=f"{membership.user.email} {'left' if leaving else 'was removed'}")
    membership.delete()


# --- invitations and join requests -----------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, actor: User, organization: Organization, email: str, role: str = Role.MEMBER
) -> Invitation:
    """Invite someone by e-mail; the message carries a link to accept.

    Admins and owners invite colleagues. An organization without any member (one a network
    operator imported) gets its first owner from an operator of a network it belongs to."""
    if may_invite_first_owner(actor, organization):
        actor_role = Role.OWNER
    else:
        actor_role = require_role(actor, organization, Role.ADMIN)
    email = (email or "").strip().lower()
    if "@" not in email:
        raise DomainError(_("Enter a valid e-mail address."), field="email")
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    if role == Role.OWNER and actor_role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can invite an owner."))
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise Conflict(_("This person is already a member."), field="email")
    Invitation.objects.filter(
        organization=organization, email=email, status=RequestStatus.PENDING
    ).update(status=RequestStatus.REVOKED)
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.FABSHARE_INVITATION_DAYS),
    )
    existing = User.objects.filter(email__iexact=email).first()
    send_mail_on_commit(
        to=[email], template="network/email/invitation",
        context={"invitation": invitation, "organization": organization, "inviter": actor},
        language=existing.language if existing else actor.language,
    )
    audit_record(actor=actor, action="invitation.create", target=invitation,
                 organization=organization, summary=f"Invited {email} as {role}")
    return invitation


def _open_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise Conflict(_("This invitation is no longer valid."))
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, invitation: Invitation) -> Membership:
    """Join the organization; the invitation must be addressed to the actor's e-mail."""
    invitation = _open_invitation(invitation)
    if invitation.email.lower() != actor.email.lower():
        raise NotFound(_("Invitation not found."))
    membership, created = Membership.objects.get_or_create(
        user=actor, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.status = RequestStatus.ACCEPTED
    invitation.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="invitation.accept", target=invitation,
                 organization=invitation.organization,
                 summary=f"{actor.email} joined as {membership.role}")
    return membership


@transaction.atomic
def invitation_decline(*, actor: User, invitation: Invitation) -> Invitation:
    invitation = _open_invitation(invitation)
    if invitation.email.lower() == actor.email.lower():
        invitation.status = RequestStatus.DECLINED
    else:
        require_role(actor, invitation.organization, Role.ADMIN)
        invitation.status = RequestStatus.REVOKED
    invitation.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=f"invitation.{invitation.status}", target=invitation,
                 organization=invitation.organization,
                 summary=f"Invitation of {invitation.email} {invitation.status}")
    return invitation


@transaction.atomic
def join_request_create(
    *, actor: User, organization: Organization, message: str = ""
) -> JoinRequest:
    """Ask to join an organization; its admins are told by e-mail."""
    if role_in(actor, organization):
        raise Conflict(_("You are already a member of this organization."))
    if JoinRequest.objects.filter(
        organization=organization, user=actor, status=RequestStatus.PENDING
    ).exists():
        raise Conflict(_("Your request is already waiting for an admin."))
    join_request = JoinRequest.objects.create(
        organization=organization, user=actor, message=message.strip()[:2000]
    )
    send_mail_on_commit(
        to=_admin_emails(organization), template="network/email/join_request",
        context={"join_request": join_request, "organization": organization},
        language=actor.language,
    )
    audit_record(actor=actor, action="join_request.create", target=join_request,
                 organization=organization, summary=f"{actor.email} asked to join")
    return join_request


@transaction.atomic
def join_request_decide(*, actor: User, join_request: JoinRequest, accept: bool) -> JoinRequest:
    """An admin accepts (the requester becomes a member) or declines a join request."""
    require_role(actor, join_request.organization, Role.ADMIN)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != RequestStatus.PENDING:
        raise Conflict(_("This request has already been decided."))
    join_request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if accept:
        Membership.objects.get_or_create(
            user=join_request.user, organization=join_request.organization,
            defaults={"role": Role.MEMBER},
        )
    send_mail_on_commit(
        to=[join_request.user.email], template="network/email/join_decided",
        context={"join_request": join_request, "organization": join_request.organization},
        language=join_request.user.language,
    )
    audit_record(actor=actor, action=f"join_request.{join_request.status}", target=join_request,
                 organization=join_request.organization,
                 summary=f"Join request of {join_request.user.email} {join_request.status}")
    return join_request


# --- networks --------------------------------------------------------------------------------


@transaction.atomic
def network_apply(
    *, actor: User, network: Network, organization: Organization,
    clusters: list[Cluster] | None = None, motivation: str = "",
) -> NetworkMembership:
    """An organization admin applies to a network (approved at once if admission is open)."""
    require_role(actor, organization, Role.ADMIN)
    if network.admission_policy == AdmissionPolicy.INVITATION:
        raise PermissionDenied(_("This network admits members by invitation of its operators."))
    clusters = list(clusters or [])
    if any(c.network_id != network.pk for c in clusters):
        raise DomainError(_("A cluster does not belong to this network."), field="clusters")
    existing = NetworkMembership.objects.select_for_update().filter(
        network=network, organization=organization
    ).first()
    if existing and existing.status != NetworkMembershipStatus.REJECTED:
        raise Conflict(_("%(org)s already has the status “%(status)s” in %(network)s.") % {
            "org": organization.name, "status": existing.get_status_display(),
            "network": network.name})
    status = (NetworkMembershipStatus.APPROVED if network.admission_policy == AdmissionPolicy.OPEN
              else NetworkMembershipStatus.PENDING)
    membership = existing or NetworkMembership(network=network, organization=organization)
    membership.status = status
    membership.motivation = motivation.strip()[:4000]
    membership.applied_by = actor
    membership.decided_by = None
    membership.decided_at = timezone.now() if status == NetworkMembershipStatus.APPROVED else None
    membership.decision_note = ""
    membership.save()
    membership.clusters.set(clusters)
    if status == NetworkMembershipStatus.PENDING:
        send_mail_on_commit(
            to=list(network.operators.values_list("email", flat=True)),
            template="network/email/application",
            context={"membership": membership, "organization": organization, "network": network},
            language=actor.language,
        )
    audit_record(actor=actor, action="network_membership.apply", target=membership,
                 organization=organization, network=network,
                 summary=f"{organization.name} applied to {network.name} ({status})")
    return membership


NETWORK_DECISIONS = {
    "approve": (NetworkMembershipStatus.APPROVED,
                {NetworkMembershipStatus.PENDING, NetworkMembershipStatus.SUSPENDED,
                 NetworkMembershipStatus.REJECTED}),
    "reject": (NetworkMembershipStatus.REJECTED, {NetworkMembershipStatus.PENDING}),
    "suspend": (NetworkMembershipStatus.SUSPENDED, {NetworkMembershipStatus.APPROVED}),
}


@transaction.atomic
def network_membership_decide(
    *, actor: User, membership: NetworkMembership, decision: str, note: str = ""
) -> NetworkMembership:
    """A network operator approves, rejects or suspends an organization's membership."""
    if not is_operator(actor, membership.network):
        raise PermissionDenied(_("Only the network's operators can decide on applications."))
    if decision not in NETWORK_DECISIONS:
        raise DomainError(_("Unknown decision."), field="decision")
    target, allowed_from = NETWORK_DECISIONS[decision]
    membership = NetworkMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in allowed_from:
        raise Conflict(_("A membership with the status “%(status)s” cannot be changed that "
                         "way.") % {"status": membership.get_status_display()})
    membership.status = target
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.decision_note = note.strip()[:2000]
    membership.save(update_fields=["status", "decided_by", "decided_at", "decision_note",
                                   "updated_at"])
    send_mail_on_commit(
        to=_admin_emails(membership.organization), template="network/email/network_decided",
        context={"membership": membership, "organization": membership.organization,
                 "network": membership.network},
        language=membership.applied_by.language if membership.applied_by else actor.language,
    )
    audit_record(actor=actor, action=f"network_membership.{decision}", target=membership,
                 organization=membership.organization, network=membership.network,
                 summary=f"{membership.organization.name}: {target} in {membership.network.name}")
    return membership


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "fsh_"  # noqa: S105 - a marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a personal access token; the secret is returned once and stored only hashed."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. the system that will use it."),
                          field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=actor, name=name[:100], prefix=raw[: len(TOKEN_PREFIX) + 6], digest=token_digest(raw)
    )
    audit_record(actor=actor, action="token.create", target=token,
                 summary=f"{actor.email} created API token {token.name}")
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: PersonalAccessToken) -> PersonalAccessToken:
    if token.user_id != actor.pk:
        raise NotFound(_("Token not found."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", target=token,
                     summary=f"{actor.email} revoked API token {token.name}")
    return token


# --- notifications -----------------------------------------------------------------------------

def notify(*, user: User, kind: str, key: str, title: str, body: str = "", url: str = "",
           email: str | None = None) -> Notification | None:
    """Tell ``user`` about an event, once: a second call with the same ``key`` does nothing
    and returns None. ``title`` and ``body`` should already be in the user's language
    (render them under ``translation.override(user.language)``).

    ``email``: ``"now"`` sends the notification as an e-mail after commit, ``"digest"`` keeps
    it for the next digest (``notification_digests_send``), None keeps it in-app only.
    """
    notification, created = Notification.objects.get_or_create(
        user=user, key=key[:120],
        defaults={"kind": kind, "title": title[:200], "body": body, "url": url[:300],
                  "in_digest": email == "digest"},
    )
    if not created:
        return None
    if email == "now" and user.is_active:
        send_mail_on_commit(to=[user.email], template="network/email/notification",
                            context={"notification": notification, "user": user},
                            language=user.language)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return notification


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when ``ids`` is None)."""
    rows = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def notification_digests_send(*, now=None) -> int:
    """E-mail each user one digest of their notifications waiting for it; returns how many
    e-mails were sent. A notification is in at most one digest, even if two runs overlap."""
    now = now or timezone.now()
    sent = 0
    user_ids = (Notification.objects.filter(in_digest=True, emailed_at__isnull=True)
                .values_list("user_id", flat=True).distinct())
    for user_id in list(user_ids):
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user_id)
            rows = list(Notification.objects.filter(
                user=user, in_digest=True, emailed_at__isnull=True).order_by("created_at", "pk"))
            if not rows:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
            if user.is_active:
                send_mail_on_commit(to=[user.email], template="network/email/digest",
                                    context={"notifications": rows, "user": user},
                                    language=user.language)
                sent += 1
    return sent
