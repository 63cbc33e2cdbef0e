"""factory-boy factories for the test suite."""

import factory
from django.utils.text import slugify

from fabshare.network import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Give the user a verified primary e-mail address, as allauth expects at login."""
        if create:
            from allauth.account.models import EmailAddress

            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Acme Metaal {n} NV")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = models.OrganizationKind.MANUFACTURER
    country = "BE"
    description = "Sheet metal, laser cutting and bending."

    @factory.post_generation
    def certifications(self, create, extracted, **kwargs):
        """``certifications=["ISO 9001"]``: names, codes or synonyms from the vocabulary."""
        if create and extracted:
            from fabshare.network.services import resolve_certifications

            self.certifications.set(resolve_certifications(list(extracted)))


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Site

    organization = factory.SubFactory(OrganizationFactory)
    name = "Main plant"
    city = "Genk"
    latitude = 50.965
    longitude = 5.5008
    is_main = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = models.Role.OWNER


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Network

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    region = "Limburg"
    languages = ["nl", "en"]


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Cluster

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Cluster {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class NetworkMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NetworkMembership

    network = factory.SubFactory(NetworkFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = models.NetworkMembershipStatus.APPROVED


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Resource"

    organization = factory.SubFactory(OrganizationFactory)
    site = factory.LazyAttribute(lambda r: SiteFactory(organization=r.organization))
    kind = "machine"
    name = factory.Sequence(lambda n: f"DMU 65 monoBLOCK #{n}")
    slug = factory.Sequence(lambda n: f"resource-{n}")
    visibility = "public"
    price_per_hour_cents = 9500
