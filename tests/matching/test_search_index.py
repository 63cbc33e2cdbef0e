"""The search index (``SearchEntry``) follows every change a seeker's results depend on, and
the nearest-first query returns exactly what a full scan sorted by great-circle distance
would — on SQLite and on PostgreSQL (where it walks the GiST index)."""

import random
from decimal import Decimal

import pytest

from fabshare.catalog import services as catalog
from fabshare.catalog.models import Capability, Process
from fabshare.core.geo import chord_for_km, haversine_km, km_for_chord, unit_vector
from fabshare.matching import selectors
from fabshare.matching.models import SearchEntry
from fabshare.matching.services import search_entries_refresh
from fabshare.network import services as network
from fabshare.network.models import NetworkMembership
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    ResourceFactory,
    SiteFactory,
)
from tests.market import NOW

pytestmark = pytest.mark.django_db


def names(step, user):
    return {r.resource.name for r in selectors.matches_for_step(step, user=user, now=NOW)}


def test_chords_and_kilometres_convert_both_ways():
    genk, hasselt = (50.965, 5.5008), (50.9307, 5.3325)
    a, b = unit_vector(*genk), unit_vector(*hasselt)
    chord = sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5
    assert km_for_chord(chord) == pytest.approx(haversine_km(*genk, *hasselt), rel=1e-9)
    assert km_for_chord(chord_for_km(123.4)) == pytest.approx(123.4)


def test_a_resource_made_partners_only_is_seen_by_its_partners_alone(market, need):
    step = need.steps.first()
    assert "Bystronic fibre 2 mm" in names(step, market.founder)
    catalog.resource_update(actor=market.thin_admin, resource=market.thin_laser,
                            visibility="partners")
    assert "Bystronic fibre 2 mm" not in names(step, market.founder)
    catalog.resource_update(actor=market.thin_admin, resource=market.thin_laser,
                            partners=[market.startup])
    assert "Bystronic fibre 2 mm" in names(step, market.founder)
    catalog.resource_update(actor=market.thin_admin, resource=market.thin_laser,
                            partners=[])
    assert "Bystronic fibre 2 mm" not in names(step, market.founder)


def test_a_suspended_network_membership_hides_network_only_resources(market, need):
    step = need.steps.first()
    assert "Trumpf TruLaser 3030" in names(step, market.founder)
    membership = NetworkMembership.objects.get(network=market.network,
                                               organization=market.factory)
    network.network_membership_decide(actor=market.operator, membership=membership,
                                      decision="suspend")
    assert "Trumpf TruLaser 3030" not in names(step, market.founder)


def test_moving_the_site_moves_the_resource_out_of_the_radius(market, need):
    step = need.steps.first()
    assert "Trumpf TruLaser 3030" in names(step, market.founder)
    network.site_update(actor=market.admin, site=market.genk_laser.site,
                        latitude=53.2194, longitude=6.5665)  # Groningen, ~250 km
    assert "Trumpf TruLaser 3030" not in names(step, market.founder)


def test_a_resource_without_a_site_is_at_the_main_site_which_can_change(market, need):
    step = need.steps.first()
    near = SiteFactory(organization=market.far_org, city="Genk", latitude=50.96,
                       longitude=5.50, is_main=False)
    market.far_laser.site = None  # an expert or facility may have no site of its own
    market.far_laser.save(update_fields=["site"])
    assert "Far laser" not in names(step, market.founder)  # the main site: Groningen
    admin = MembershipFactory(organization=market.far_org, role="admin").user
    network.site_update(actor=admin, site=near, is_main=True)
    assert "Far laser" in names(step, market.founder)


def test_switched_off_resources_and_deleted_capabilities_leave_the_index(market, need):
    step = need.steps.first()
    catalog.resource_update(actor=market.thin_admin, resource=market.thin_laser,
                            is_active=False)
    assert "Bystronic fibre 2 mm" not in names(step, market.founder)
    assert not SearchEntry.objects.filter(resource=market.thin_laser).exists()
    capability = market.genk_laser.capabilities.get()
    catalog.capability_delete(actor=market.admin, capability=capability)
    assert names(step, market.founder) == set()


def test_refreshing_everything_gives_the_same_index(market):
    def index():
        return sorted(SearchEntry.objects.values_list("capability_id", "audience", "x"))

    before = index()
    search_entries_refresh()
    assert index() == before
    # one row per audience: public once; network-only for the owner and the network;
    # partners-only for the owner and each partner
    audiences = dict(SearchEntry.objects.values_list("resource_id", "audience")
                     .filter(resource=market.thin_laser))
    assert audiences == {market.thin_laser.pk: "*"}
    assert set(SearchEntry.objects.filter(resource=market.partner_laser)
               .values_list("audience", flat=True)) == {f"o{market.stranger.pk}",
                                                        f"o{market.thin_org.pk}"}


@pytest.mark.parametrize("radius", [None, 30, 120])
def test_nearest_first_equals_a_full_scan_sorted_by_distance(world, clock, radius):
    """120 machines of three processes scattered over Flanders; for a request on a parent
    process, the candidates are exactly the nearest within the radius, in order."""
    from fabshare.demand import services as demand

    rng = random.Random(7)
    leaves = ["laser-cutting-fibre", "laser-cutting-co2", "tube-laser-cutting"]
    processes = {code: Process.objects.get(code=code) for code in leaves}
    made = []
    for i in range(40):
        org = OrganizationFactory(name=f"Shop {i}")
        site = SiteFactory(organization=org, latitude=50.8 + rng.random() * 0.6,
                           longitude=3.0 + rng.random() * 2.6)
        for j in range(3):
            resource = ResourceFactory(organization=org, site=site, name=f"M{i}-{j}",
                                       visibility="public")
            Capability.objects.create(resource=resource, process=processes[rng.choice(leaves)],
                                      max_thickness_mm=Decimal(10))
            made.append((resource.pk, site.latitude, site.longitude))
    request = demand.request_create(
        actor=world.founder, organization=world.startup, title="Cut", max_distance_km=radius,
        latitude=51.05, longitude=3.72,
        steps=[{"process": Process.objects.get(code="laser-cutting"), "quantity": 1}])
    step = request.steps.first()
    need = selectors.need_of(step, now=NOW)
    rows = selectors._entry_rows(step, need, user=world.founder, resources=None,
                                 location=(51.05, 3.72))
    expected = sorted((haversine_km(51.05, 3.72, lat, lon), pk) for pk, lat, lon in made)
    expected = [pk for d, pk in expected if radius is None or d <= radius]
    assert [r["resource_id"] for r in rows] == expected
    assert [round(r["distance"], 6) for r in rows] == sorted(round(r["distance"], 6)
                                                             for r in rows)


def test_postgresql_walks_the_nearest_first_index(market, need):
    """A regression here makes every search read all capabilities of the process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the nearest-first index exists on PostgreSQL")
    step = need.steps.first()
    with CaptureQueriesContext(connection) as captured:
        selectors.matches_for_step(step, user=market.founder, now=NOW)
    walk = next(q["sql"] for q in captured.captured_queries if "UNION ALL" in q["sql"]
                or "matching_searchentry" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a handful of rows: force the choice
        cursor.execute("EXPLAIN " + walk)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "Index Scan using matching_searchentry_nearest" in plan
    assert "Index Cond: ((process_id = " in plan  # the process is searched, not filtered
    assert "Order By: (cube(ARRAY[x, y, z]) <->" in plan
