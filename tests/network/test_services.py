import pytest
from django.core import mail

from fabshare.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from fabshare.network import services
from fabshare.network.models import AuditEntry, Membership, NetworkMembershipStatus, Role


def test_creator_becomes_owner_and_write_is_audited(world):
    org = services.organization_create(actor=world.outsider, name="Nieuw BV", kind="sme",
                                       country="BE", enterprise_number="BE 0403.170.701")
    assert org.enterprise_number == "0403170701"
    assert Membership.objects.get(organization=org, user=world.outsider).role == Role.OWNER
    entry = AuditEntry.objects.get(organization=org)
    assert (entry.actor, entry.action) == (world.outsider, "organization.create")


@pytest.mark.parametrize("country,number", [("BE", "0403.170.702"), ("BE", "123"),
                                            ("NL", "1234"), ("NL", "NL004495446B01")])
def test_invalid_enterprise_numbers_name_the_field(world, country, number):
    with pytest.raises(DomainError) as exc:
        services.organization_create(actor=world.outsider, name="X", kind="sme", country=country,
                                     enterprise_number=number)
    assert exc.value.field == "enterprise_number"


def test_foreign_numbers_are_accepted_unvalidated(world):
    org = services.organization_create(actor=world.outsider, name="Usine SA", kind="sme",
                                       country="FR", enterprise_number="FR 123 456 789")
    assert org.enterprise_number == "FR 123 456 789"


def test_last_owner_cannot_leave_or_be_demoted(world):
    owner = Membership.objects.get(user=world.owner)
    with pytest.raises(Conflict):
        services.membership_remove(actor=world.owner, membership=owner)
    with pytest.raises(Conflict):
        services.membership_change_role(actor=world.owner, membership=owner, role=Role.ADMIN)
    admin = Membership.objects.get(user=world.admin)
    services.membership_change_role(actor=world.owner, membership=admin, role=Role.OWNER)
    services.membership_remove(actor=world.owner, membership=owner)
    assert not Membership.objects.filter(user=world.owner).exists()


def test_admin_cannot_touch_owners_and_member_cannot_remove(world):
    owner = Membership.objects.get(user=world.owner)
    admin = Membership.objects.get(user=world.admin)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=world.admin, membership=owner)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=world.member, membership=admin)
    with pytest.raises(NotFound):
        services.membership_remove(actor=world.outsider, membership=admin)


def test_application_is_approved_by_an_operator_and_mails_the_admins(
    world, django_capture_on_commit_callbacks
):
    nm = services.network_apply(actor=world.founder, network=world.network,
                                organization=world.startup, clusters=[world.automotive])
    assert nm.status == NetworkMembershipStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.network_membership_decide(actor=world.owner, membership=nm, decision="approve")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.network_membership_decide(actor=world.operator, membership=nm,
                                           decision="approve")
    nm.refresh_from_db()
    assert nm.status == NetworkMembershipStatus.APPROVED
    assert [m.to for m in mail.outbox] == [["founder@example.com"]]
    with pytest.raises(Conflict):
        services.network_apply(actor=world.founder, network=world.network,
                               organization=world.startup)


def test_invitation_is_accepted_only_by_its_addressee(world):
    invitation = services.invitation_create(actor=world.admin, organization=world.factory,
                                            email="New.Person@Example.com")
    assert invitation.email == "new.person@example.com"
    with pytest.raises(NotFound):
        services.invitation_accept(actor=world.outsider, invitation=invitation)
    from tests.factories import UserFactory

    newcomer = UserFactory(email="new.person@example.com")
    membership = services.invitation_accept(actor=newcomer, invitation=invitation)
    assert membership.role == Role.MEMBER
    with pytest.raises(Conflict):
        services.invitation_accept(actor=newcomer, invitation=invitation)
