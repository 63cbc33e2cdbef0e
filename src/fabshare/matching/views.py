"""Pages of matching: a request's ranked, explained matches (list and map), saved searches,
and the provider's inbox of open requests that fit their resources."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabshare.catalog.models import ResourceKind
from fabshare.core.errors import DomainError
from fabshare.demand import selectors as demand_selectors
from fabshare.demand.forms import SavedSearchForm
from fabshare.matching import selectors, services
from fabshare.matching.explain import explain
from fabshare.matching.models import SavedSearch
from fabshare.network.forms import add_domain_error

SORTS = {
    "score": lambda row: (row.near_miss, -row.match.score),
    "distance": lambda row: (row.near_miss, row.match.candidate.distance_km or 1e9),
    "price": lambda row: (row.near_miss, row.match.estimated_price_cents
                          if row.match.estimated_price_cents is not None else 1e15),
    "free": lambda row: (row.near_miss, -row.match.candidate.free_hours),
}


def booking_url(row) -> str | None:
    """Where "Request booking" leads: the booking form, prefilled, once bookings exist."""
    try:
        base = reverse("booking_new")
    except NoReverseMatch:
        return None
    return f"{base}?resource={row.resource.pk}&step={row.step.pk}"


def _card(row) -> dict:
    site = row.resource.site
    return {
        "row": row, "resource": row.resource, "match": row.match,
        "reasons": explain(row.match.reasons),
        "booking_url": booking_url(row),
        "lat": site.latitude if site else None, "lon": site.longitude if site else None,
    }


@login_required
def request_matches(request, pk):
    capacity_request = demand_selectors.get_request_for_requester(request.user, pk)
    sort = request.GET.get("sort", "score")
    sort = sort if sort in SORTS else "score"
    kind = request.GET.get("kind", "")
    kind = kind if kind in ResourceKind.values else ""
    near = request.GET.get("near", "1") != "0"
    steps = []
    points = {}
    for step in capacity_request.steps.all():
        step.request = capacity_request
        rows = selectors.matches_for_step(step, user=request.user)
        if kind:
            rows = [r for r in rows if r.resource.kind == kind]
        if not near:
            rows = [r for r in rows if not r.near_miss]
        rows.sort(key=SORTS[sort])
        cards = [_card(r) for r in rows]
        steps.append({"step": step, "cards": cards,
                      "fits": sum(1 for r in rows if not r.near_miss),
                      "near": sum(1 for r in rows if r.near_miss)})
        for card in cards:
            if card["lat"] is not None:
                points.setdefault(card["resource"].pk, {
                    "lat": card["lat"], "lon": card["lon"], "name": card["resource"].name,
                    "city": card["resource"].organization.name,
                    "url": reverse("resource_detail", args=[card["resource"].slug])})
    saved = SavedSearch.objects.filter(user=request.user, request=capacity_request).first()
    return render(request, "matching/request_matches.html", {
        "capacity_request": capacity_request, "steps": steps, "sort": sort, "kind": kind,
        "near": near, "kinds": ResourceKind.choices, "map_points": list(points.values()),
        "saved": saved,
        "save_form": SavedSearchForm(initial={"name": capacity_request.title,
                                              "email_digest": True}),
    })


@login_required
@require_POST
def search_save(request, pk):
    capacity_request = demand_selectors.get_request_for_requester(request.user, pk)
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            services.saved_search_create(actor=request.user, request=capacity_request,
                                         **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Search saved. We will tell you when new capacity "
                                        "fits this request."))
    else:
        messages.error(request, _("Give the search a name."))
    return redirect("request_matches", pk=pk)


@login_required
def saved_searches(request):
    return render(request, "matching/saved_searches.html", {
        "searches": SavedSearch.objects.filter(user=request.user)
        .select_related("request").order_by("-created_at")})


@login_required
@require_POST
def saved_search_change(request, pk):
    saved = SavedSearch.objects.filter(user=request.user, pk=pk).first()
    if saved is None:
        messages.error(request, _("Saved search not found."))
        return redirect("saved_searches")
    action = request.POST.get("action")
    if action == "delete":
        services.saved_search_delete(actor=request.user, saved=saved)
        messages.success(request, _("The saved search was deleted."))
    elif action in ("pause", "resume"):
        services.saved_search_update(actor=request.user, saved=saved,
                                     is_active=action == "resume")
    elif action in ("digest-on", "digest-off"):
        services.saved_search_update(actor=request.user, saved=saved,
                                     email_digest=action == "digest-on")
    return redirect("saved_searches")


@login_required
def inbox(request):
    """Open requests of others that the user's organizations' resources fit."""
    entries = selectors.inbox_for(request.user)
    return render(request, "matching/inbox.html", {
        "entries": [{"request": e.request, "step": e.step,
                     "cards": [_card(r) for r in e.rows]}
                    for e in entries]})
