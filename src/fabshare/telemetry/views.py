"""Pages of machine connectivity: a resource's machine page (states, KPIs, charts, idle-time
proposals), connecting and configuring a link, and an organization's machine dashboard.

Members of the organization read; admins change. Thin: forms check shape, services write,
selectors read."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fabshare.availability.forms import add_service_error
from fabshare.catalog import selectors as catalog_selectors
from fabshare.core.errors import DomainError, NotFound
from fabshare.network import selectors as network_selectors
from fabshare.network.models import ROLE_RANK, Role
from fabshare.telemetry import probe, selectors, services
from fabshare.telemetry.forms import LinkForm, PeriodForm, PolicyForm, mapping_text
from fabshare.telemetry.models import State


def _role(user, organization) -> str | None:
    return network_selectors.role_of(user, organization) if user.is_authenticated else None


def _resource_for_member(user, slug):
    resource = catalog_selectors.get_resource_for_user(user, slug=slug)
    role = _role(user, resource.organization)
    if role is None:
        raise NotFound(_("Resource not found."))
    return resource, ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN]


def _charts_json(links, now):
    charts = selectors.charts(links, now=now)
    return {name: getattr(charts, name) for name in ("timeline", "trend", "idle_weeks")}


@login_required
@require_safe
def resource_machine(request, slug):
    resource, is_admin = _resource_for_member(request.user, slug)
    now = timezone.now()
    links = list(selectors.links_of(resource))
    period_form = PeriodForm(request.GET or None)
    period = (period_form.cleaned_data.get("period") if period_form.is_valid() else "") or "day"
    span = {"day": timedelta(days=7), "shift": timedelta(days=2), "week": timedelta(weeks=6)}
    labels = dict(State.choices)
    for link in links:
        state, since = selectors.current_state(link)
        link.state, link.state_label, link.since = state, labels[state], since
        link.kpi_rows = list(reversed(selectors.kpis(link, period, now - span[period], now,
                                                     now)))
        link.open_proposals = list(selectors.proposals(link, now))
        link.policy_form = PolicyForm(initial={
            "auto_publish": link.auto_publish,
            "auto_publish_confidence": link.auto_publish_confidence})
    return render(request, "telemetry/resource_machine.html", {
        "resource": resource, "links": links, "is_admin": is_admin, "period": period,
        "period_form": period_form, "charts": _charts_json(links, now) if links else None,
    })


def _link_fields(form: LinkForm) -> dict:
    return dict(form.cleaned_data)


@login_required
def link_create(request, slug):
    resource = catalog_selectors.get_resource_for_role(
        request.user, pk=catalog_selectors.get_resource_for_user(request.user, slug=slug).pk)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = _link_fields(form)
        try:
            link, token = services.link_create(actor=request.user, resource=resource, **data)
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Connected. The HTTP ingest token, shown only now: "
                                        "%(token)s") % {"token": token})
            return redirect("machine_link", link.pk)
    return render(request, "telemetry/link_form.html", {"resource": resource, "form": form})


@login_required
def link_detail(request, pk):
    link = selectors.get_link_for_role(request.user, pk, Role.MEMBER)
    role = _role(request.user, link.resource.organization)
    is_admin = ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN]
    initial = {name: getattr(link, name) for name in LinkForm.base_fields}
    initial["mapping"] = mapping_text(link.mapping)
    form = LinkForm(request.POST or None, initial=initial)
    form.fields["protocol"].disabled = True
    if request.method == "POST":
        if not is_admin:
            selectors.get_link_for_role(request.user, pk)  # raises PermissionDenied
        if form.is_valid():
            data = _link_fields(form)
            data.pop("protocol")
            try:
                services.link_update(actor=request.user, link=link, **data)
            except DomainError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("machine_link", link.pk)
    return render(request, "telemetry/link_detail.html", {
        "link": link, "resource": link.resource, "form": form, "is_admin": is_admin,
        "rejected": selectors.rejected(link), "test": request.session.pop(
            f"machine-link-test-{link.pk}", None),
        "ingest_url": request.build_absolute_uri(reverse("api-v1:ingest_batch")),
    })


@login_required
@require_POST
def link_test(request, pk):
    link = selectors.get_link_for_role(request.user, pk)
    ok, detail = probe.probe(link)
    request.session[f"machine-link-test-{link.pk}"] = {"ok": ok, "detail": detail}
    return redirect("machine_link", link.pk)


@login_required
@require_POST
def link_token(request, pk):
    link = selectors.get_link_for_role(request.user, pk)
    token = services.link_token_rotate(actor=request.user, link=link)
    messages.success(request, _("New HTTP ingest token, shown only now: %(token)s; the old one "
                                "no longer works.") % {"token": token})
    return redirect("machine_link", link.pk)


@login_required
@require_POST
def link_delete(request, pk):
    link = selectors.get_link_for_role(request.user, pk)
    slug = link.resource.slug
    services.link_delete(actor=request.user, link=link)
    messages.success(request, _("The link and its history were removed."))
    return redirect("resource_machine", slug)


@login_required
@require_POST
def proposals_refresh(request, pk):
    link = selectors.get_link_for_role(request.user, pk)
    created = services.proposals_refresh(link=link)
    messages.success(request, _("%(n)d idle windows proposed from the last weeks.")
                     % {"n": len(created)})
    return redirect(reverse("resource_machine", args=[link.resource.slug]) + "#proposals")


@login_required
@require_POST
def policy(request, pk):
    link = selectors.get_link_for_role(request.user, pk)
    form = PolicyForm(request.POST)
    if form.is_valid():
        services.link_update(actor=request.user, link=link, **form.cleaned_data)
        messages.success(request, _("Policy saved."))
    else:
        messages.error(request, _("The minimum confidence lies between 0.5 and 1."))
    return redirect(reverse("resource_machine", args=[link.resource.slug]) + "#proposals")


@login_required
@require_POST
def proposal_action(request, pk, action):
    proposal = selectors.get_proposal_for_role(request.user, pk)
    if action == "publish":
        services.proposal_publish(actor=request.user, proposal=proposal)
        messages.success(request, _("Published: the window is now free time, marked as "
                                    "coming from machine data."))
    elif action == "dismiss":
        services.proposal_dismiss(actor=request.user, proposal=proposal)
        messages.success(request, _("Dismissed."))
    else:
        raise Http404
    return redirect(reverse("resource_machine", args=[proposal.link.resource.slug])
                    + "#proposals")


@login_required
@require_safe
def organization_machines(request, slug):
    organization = network_selectors.get_organization_for_user(request.user, slug=slug)
    if _role(request.user, organization) is None:
        raise NotFound(_("Organization not found."))
    now = timezone.now()
    links = list(selectors.links_of_organization(organization))
    labels = dict(State.choices)
    for link in links:
        state, since = selectors.current_state(link)
        link.state, link.state_label, link.since = state, labels[state], since
        week = selectors.kpis(link, "week", now - timedelta(days=1), now, now)
        link.week = week[-1] if week else None
    return render(request, "telemetry/organization_machines.html", {
        "organization": organization, "links": links,
        "charts": _charts_json(links, now) if links else None,
    })

