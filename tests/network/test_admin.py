"""The operator's Django admin: every fabshare model has a searchable, filterable list."""

import pytest
from django.contrib import admin
from django.urls import reverse

from fabshare.network import models
from tests.factories import UserFactory

MODELS = [models.User, models.Organization, models.Site, models.Membership, models.Invitation,
          models.JoinRequest, models.Network, models.Cluster, models.NetworkMembership,
          models.AuditEntry, models.PersonalAccessToken, models.Certification]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_searches_and_filters(client, world, model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields and model_admin.list_filter
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:network_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "genk"})
    assert response.status_code == 200
    assert response.context["cl"].search_fields


def test_audit_log_is_read_only_in_the_admin(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:network_auditentry_add")).status_code == 403
