"""A small market: a startup in the Limburg network looking for laser cutting, and providers
inside, outside and partnered with it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from fabshare.availability.models import AvailabilityWindow
from fabshare.availability.services import free_time_refresh
from fabshare.catalog.models import Capability, CapabilityMaterial, Material, Process
from fabshare.demand import services as demand
from tests.factories import (
    MembershipFactory,
    NetworkMembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    SiteFactory,
)

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday morning


def offer(resource, days=10, hours_per_day=8):
    """Free time every day from 08:00 UTC for ``days`` days."""
    for day in range(days):
        start = NOW.replace(hour=8) + timedelta(days=day)
        AvailabilityWindow.objects.create(resource=resource, start=start,
                                          end=start + timedelta(hours=hours_per_day))
    free_time_refresh(resource=resource, now=NOW)


def laser(resource, *, thickness=20, materials=("stainless-304",), envelope=(3000, 1500)):
    capability = Capability.objects.create(
        resource=resource, process=Process.objects.get(code="laser-cutting-fibre"),
        envelope_x_mm=envelope[0], envelope_y_mm=envelope[1],
        max_thickness_mm=Decimal(thickness), tolerance_um=100)
    for code in materials:
        CapabilityMaterial.objects.create(capability=capability,
                                          material=Material.objects.get(code=code))
    return capability


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def market(world, clock):
    w = world
    NetworkMembershipFactory(network=w.network, organization=w.startup)
    # In the network, 5 km from the startup: fits.
    w.genk_laser = ResourceFactory(organization=w.factory, site=w.factory.sites.first(),
                                   name="Trumpf TruLaser 3030", visibility="network",
                                   price_per_hour_cents=9500)
    laser(w.genk_laser)
    offer(w.genk_laser)
    # In the network, too thin for 3 mm: a near miss.
    w.thin_org = OrganizationFactory(name="Hasselt Dunplaat NV")
    SiteFactory(organization=w.thin_org, city="Hasselt", latitude=50.93, longitude=5.34)
    NetworkMembershipFactory(network=w.network, organization=w.thin_org)
    w.thin_admin = MembershipFactory(organization=w.thin_org, role="admin").user
    w.thin_laser = ResourceFactory(organization=w.thin_org, site=w.thin_org.sites.first(),
                                   name="Bystronic fibre 2 mm", visibility="public",
                                   price_per_hour_cents=7000)
    laser(w.thin_laser, thickness=2)
    offer(w.thin_laser)
    # Outside the network, network-only: never visible to the startup.
    w.stranger = OrganizationFactory(name="Elders Laser BV")
    SiteFactory(organization=w.stranger, city="Lommel", latitude=51.23, longitude=5.31)
    w.hidden_laser = ResourceFactory(organization=w.stranger, site=w.stranger.sites.first(),
                                     name="Hidden network laser", visibility="network")
    laser(w.hidden_laser)
    offer(w.hidden_laser)
    # Partners only, with someone else as partner: never visible to the startup.
    w.partner_laser = ResourceFactory(organization=w.stranger, site=w.stranger.sites.first(),
                                      name="Partners-only laser", visibility="partners")
    w.partner_laser.partners.add(w.thin_org)
    laser(w.partner_laser)
    offer(w.partner_laser)
    # Public but 250 km away: outside the radius.
    w.far_org = OrganizationFactory(name="Groningen Laser BV")
    SiteFactory(organization=w.far_org, city="Groningen", latitude=53.2194, longitude=6.5665)
    w.far_laser = ResourceFactory(organization=w.far_org, site=w.far_org.sites.first(),
                                  name="Far laser", visibility="public")
    laser(w.far_laser)
    offer(w.far_laser)
    return w


@pytest.fixture
def need(market):
    """Bolt Robotics' open request: 500 brackets laser-cut from 3 mm stainless 304."""
    w = market
    request = demand.request_create(
        actor=w.founder, organization=w.startup, title="500 brackets",
        earliest_start=NOW.date(), deadline=(NOW + timedelta(days=12)).date(),
        max_distance_km=60, budget_cents=300_000,
        steps=[{"process": Process.objects.get(code="laser-cutting"),
                "material": Material.objects.get(code="stainless-304"), "quantity": 500,
                "estimated_hours": "6", "thickness_mm": "3", "part_x_mm": "200",
                "part_y_mm": "80"}])
    return demand.request_open(actor=w.founder, request=request)
