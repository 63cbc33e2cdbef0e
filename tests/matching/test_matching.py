"""Matching against the database: who appears, in which order, with which explanation, for
whom — by page and by API — and saved searches that alert once."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from fabshare.matching import selectors, services
from fabshare.network.models import Notification
from tests.factories import ResourceFactory
from tests.market import NOW, laser, offer

pytestmark = pytest.mark.django_db


def names(rows):
    return [r.resource.name for r in rows]


def test_full_match_first_near_miss_after_hidden_never(market, need):
    rows = selectors.matches_for_step(need.steps.first(), user=market.founder, now=NOW)
    assert names(rows) == ["Trumpf TruLaser 3030", "Bystronic fibre 2 mm"]
    best, near = rows
    assert not best.near_miss and near.near_miss
    assert [r.code for r in near.match.missing] == ["thickness"]
    free = next(r for r in best.match.reasons if r.code == "free_time")
    assert free.kind == "fit" and free.param("free") == 80.0  # 10 days × 8 h
    assert best.match.estimated_price_cents == 6 * 9500


def test_results_page_explains_and_maps(client, market, need):
    client.force_login(market.founder)
    page = client.get(reverse("request_matches", args=[need.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Trumpf TruLaser 3030" in html and "Bystronic fibre 2 mm" in html
    assert "Near miss" in html and "3 mm is thicker than the 2 mm it handles." in html
    assert f"/bookings/new/?resource={market.genk_laser.pk}&amp;step=" in html
    assert "80 h free between the earliest start and the deadline (6 h needed)." in html
    assert "Hidden network laser" not in html and "Partners-only laser" not in html
    assert "Far laser" not in html
    points = json.loads(html.split('id="matches" type="application/json">')[1]
                        .split("</script>")[0])
    assert {p["name"] for p in points} == {"Trumpf TruLaser 3030", "Bystronic fibre 2 mm"}
    only_fits = client.get(reverse("request_matches", args=[need.pk]) + "?near=0")
    assert "Bystronic fibre 2 mm" not in only_fits.content.decode()
    by_price = client.get(reverse("request_matches", args=[need.pk]) + "?sort=price")
    text = by_price.content.decode()
    assert text.index("Trumpf TruLaser 3030") < text.index("Bystronic fibre 2 mm")  # fits first


def test_other_organizations_cannot_open_the_results(client, market, need):
    client.force_login(market.outsider)
    assert client.get(reverse("request_matches", args=[need.pk])).status_code == 404


def test_provider_inbox_shows_fitting_requests_from_their_side(client, market, need):
    client.force_login(market.admin)
    html = client.get(reverse("provider_inbox")).content.decode()
    assert "500 brackets" in html and "Trumpf TruLaser 3030" in html
    assert "Bystronic" not in html  # only the provider's own resources
    assert reverse("offer_new", args=[need.pk]) in html
    client.force_login(market.thin_admin)
    html = client.get(reverse("provider_inbox")).content.decode()
    assert "500 brackets" in html and "Near miss" in html
    client.force_login(market.outsider)
    assert "500 brackets" not in client.get(reverse("provider_inbox")).content.decode()


def test_saved_search_alerts_once_per_new_resource(market, need,
                                                   django_capture_on_commit_callbacks):
    saved = services.saved_search_create(actor=market.founder, request=need, now=NOW)
    assert saved.hits.count() == 1  # the match that exists now is not announced
    assert services.alerts_check(now=NOW) == 0
    newcomer = ResourceFactory(organization=market.factory, site=market.factory.sites.first(),
                               name="Second laser", visibility="public")
    laser(newcomer)
    offer(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alerts_check(now=NOW + timedelta(minutes=5)) == 1
        assert services.alerts_check(now=NOW + timedelta(minutes=10)) == 0
    notes = Notification.objects.filter(user=market.founder, kind="saved_search")
    assert [n.title for n in notes] == ["New match for “500 brackets”: Second laser"]
    assert len(mail.outbox) == 1 and "Second laser" in mail.outbox[0].body


def test_new_free_windows_make_a_near_miss_resource_match(market, need):
    services.saved_search_create(actor=market.founder, request=need, now=NOW)
    busy = ResourceFactory(organization=market.factory, site=market.factory.sites.first(),
                           name="Busy laser", visibility="public")
    laser(busy)
    offer(busy, days=1, hours_per_day=4)  # 4 h < 6 h needed: not announced
    assert services.alerts_check(now=NOW, send_digests=False) == 0
    offer(busy, days=5, hours_per_day=8)
    assert services.alerts_check(now=NOW, send_digests=False) == 1


def test_a_material_family_matches_any_grade_of_it(market, need):
    from fabshare.catalog.models import MaterialFamily

    step = need.steps.get()
    step.material = None
    step.material_family = MaterialFamily.objects.get(code="stainless-steel")
    step.save()
    rows = selectors.matches_for_step(step, user=market.founder, now=NOW)
    best = rows[0]
    assert best.resource.name == "Trumpf TruLaser 3030" and not best.near_miss
    assert "material" in [r.code for r in best.match.reasons if r.kind == "fit"]
    step.material_family = MaterialFamily.objects.get(code="aluminium")
    step.save()
    rows = selectors.matches_for_step(step, user=market.founder, now=NOW)
    assert all(r.near_miss for r in rows)  # both lasers list only stainless 304
    assert "material" in [r.code for r in rows[0].match.missing]
