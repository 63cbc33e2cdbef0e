"""Pages for accounts, organizations and networks. Thin: forms check shape, services write,
selectors read; domain errors become field errors, messages or 403/404 pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabshare.core.errors import DomainError, NotFound, PermissionDenied
from fabshare.network import selectors, services
from fabshare.network.forms import (
    ApplyForm,
    DecisionForm,
    DirectoryForm,
    InvitationForm,
    JoinRequestForm,
    OrganizationForm,
    PreferencesForm,
    RoleForm,
    SiteForm,
    TokenForm,
    add_domain_error,
)
from fabshare.network.models import ROLE_RANK, NetworkMembershipStatus, Role, Site

PAGE_SIZE = 25


def _flash_error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


# --- home and account ------------------------------------------------------------------------


def home(request):
    if not request.user.is_authenticated:
        return render(request, "network/landing.html", {"networks": selectors.networks()})
    return render(request, "network/home.html", {"summary": selectors.home_summary(request.user)})


@login_required
def account_settings(request):
    user = request.user
    form = PreferencesForm(request.POST or None, initial={
        "full_name": user.full_name, "language": user.language, "time_zone": user.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_preferences(actor=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your settings were saved."))
            response = redirect("account_settings")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language,
                                samesite="Lax", max_age=365 * 24 * 3600)
            return response
    return render(request, "network/account_settings.html", {"form": form})


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user's choice is also saved to their profile."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.user_update_preferences(actor=request.user, language=language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                            max_age=365 * 24 * 3600)
    return response


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(actor=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            created = {"token": token, "secret": raw}
            form = TokenForm()
    return render(request, "network/tokens.html", {
        "form": form, "created": created, "tokens": selectors.tokens_of(request.user)})


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.get_token_for_user(request.user, pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("tokens")


# --- organizations ---------------------------------------------------------------------------


def _organization_form_save(request, form, organization=None):
    """Create or update from a valid form, then the logo; errors land on the form."""
    data = dict(form.cleaned_data)
    logo = data.pop("logo", None)
    try:
        if organization is None:
            organization = services.organization_create(actor=request.user, **data)
        else:
            services.organization_update(actor=request.user, organization=organization, **data)
        if logo:
            services.organization_set_logo(actor=request.user, organization=organization,
                                           logo=logo)
        elif logo is False and organization.logo:
            services.organization_set_logo(actor=request.user, organization=organization,
                                           logo=None)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    return organization


@login_required
def organization_create(request):
    form = OrganizationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organization = _organization_form_save(request, form)
            if organization is None:
                transaction.set_rollback(True)
        if organization is not None:
            messages.success(request, _("%(org)s was created. Add a site so members can find "
                                        "you on the map.") % {"org": organization.name})
            return redirect("site_create", slug=organization.slug)
    return render(request, "network/organization_form.html", {"form": form})


def organization_detail(request, slug):
    organization = selectors.get_organization_for_user(request.user, slug=slug)
    role = selectors.role_of(request.user, organization)
    return render(request, "network/organization_detail.html", {
        "organization": organization,
        "role": role,
        "is_admin": role is not None and ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN],
        "can_see_members": selectors.can_see_members(request.user, organization),
        "join_form": JoinRequestForm() if request.user.is_authenticated and role is None else None,
        "map_points": [
            {"lat": s.latitude, "lon": s.longitude, "name": s.name, "city": s.city}
            for s in organization.sites.all()
        ],
    })


@login_required
def organization_edit(request, slug):
    organization = selectors.get_organization_for_admin(request.user, slug=slug)
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        # The form must not write by itself: reload a clean copy for the service.
        organization = selectors.get_organization_for_admin(request.user, slug=slug)
        if _organization_form_save(request, form, organization) is not None:
            messages.success(request, _("Your changes were saved."))
            return redirect("organization_detail", slug=organization.slug)
    return render(request, "network/organization_form.html",
                  {"form": form, "organization": organization})


@login_required
def site_create(request, slug):
    organization = selectors.get_organization_for_admin(request.user, slug=slug)
    form = SiteForm(request.POST or None,
                    initial={"country": organization.country,
                             "is_main": not organization.sites.exists()})
    if request.method == "POST" and form.is_valid():
        try:
            services.site_create(actor=request.user, organization=organization,
                                 **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The site was added."))
            return redirect("organization_detail", slug=organization.slug)
    return render(request, "network/site_form.html",
                  {"form": form, "organization": organization})


def _site_of(request, slug, pk) -> tuple:
    organization = selectors.get_organization_for_admin(request.user, slug=slug)
    site = selectors.get_site_for_user(request.user, pk)
    if site.organization_id != organization.pk:
        raise NotFound(_("Site not found."))
    return organization, site


@login_required
def site_edit(request, slug, pk):
    organization, site = _site_of(request, slug, pk)
    form = SiteForm(request.POST or None, instance=Site.objects.get(pk=site.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=request.user, site=site, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The site was saved."))
            return redirect("organization_detail", slug=organization.slug)
    return render(request, "network/site_form.html",
                  {"form": form, "organization": organization, "site": site})


@login_required
@require_POST
def site_delete(request, slug, pk):
    organization, site = _site_of(request, slug, pk)
    try:
        services.site_delete(actor=request.user, site=site)
    except DomainError as exc:
        _flash_error(request, exc)
        return redirect("site_edit", slug=organization.slug, pk=site.pk)
    messages.success(request, _("The site %(name)s was removed.") % {"name": site.name})
    return redirect("organization_detail", slug=organization.slug)


@login_required
def organization_members(request, slug):
    organization = selectors.get_organization_for_user(request.user, slug=slug)
    memberships = list(selectors.memberships_of(request.user, organization))
    role = selectors.role_of(request.user, organization)
    is_admin = role is not None and ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN]
    first_owner = services.may_invite_first_owner(request.user, organization)
    form = InvitationForm(request.POST or None,
                          initial={"role": Role.OWNER} if first_owner else None)
    if request.method == "POST":
        if not (is_admin or first_owner):
            raise PermissionDenied(_("Only an organization admin can invite people."))
        if form.is_valid():
            try:
                services.invitation_create(actor=request.user, organization=organization,
                                           **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("An invitation was sent to %(email)s.")
                                 % {"email": form.cleaned_data["email"]})
                return redirect("organization_members", slug=slug)
    return render(request, "network/members.html", {
        "organization": organization,
        "memberships": memberships,
        "role": role,
        "is_admin": is_admin,
        "first_owner": first_owner,
        "is_owner": role == Role.OWNER,
        "form": form,
        "role_choices": Role.choices,
        "invitations": selectors.open_invitations_of(organization) if is_admin else [],
        "join_requests": selectors.pending_join_requests_of(organization) if is_admin else [],
    })


def _membership_of(request, slug, pk):
    organization = selectors.get_organization_for_user(request.user, slug=slug)
    membership = selectors.get_membership_for_user(request.user, pk)
    if membership.organization_id != organization.pk:
        raise NotFound(_("Membership not found."))
    return membership


@login_required
@require_POST
def membership_role(request, slug, pk):
    membership = _membership_of(request, slug, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(actor=request.user, membership=membership,
                                            role=form.cleaned_data["role"])
        except DomainError as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("The role of %(who)s is now %(role)s.") % {
                "who": membership.user, "role": membership.get_role_display()})
    return redirect("organization_members", slug=slug)


@login_required
@require_POST
def membership_remove(request, slug, pk):
    membership = _membership_of(request, slug, pk)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except DomainError as exc:
        _flash_error(request, exc)
        return redirect("organization_members", slug=slug)
    if leaving:
        messages.success(request, _("You left %(org)s.") % {"org": membership.organization})
        return redirect("home")
    messages.success(request, _("%(who)s was removed.") % {"who": membership.user})
    return redirect("organization_members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organization = selectors.get_organization_for_admin(request.user, slug=slug)
    invitation = selectors.open_invitations_of(organization).filter(pk=pk).first()
    if invitation is not None:
        try:
            services.invitation_decline(actor=request.user, invitation=invitation)
        except DomainError as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("The invitation of %(email)s was withdrawn.")
                             % {"email": invitation.email})
    return redirect("organization_members", slug=slug)


@login_required
@require_POST
def join_request_create(request, slug):
    organization = selectors.get_organization_for_user(request.user, slug=slug)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            services.join_request_create(actor=request.user, organization=organization,
                                         message=form.cleaned_data["message"])
        except DomainError as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("Your request was sent to the admins of %(org)s.")
                             % {"org": organization.name})
    return redirect("organization_detail", slug=slug)


@login_required
@require_POST
def join_request_decide(request, slug, pk):
    join_request = selectors.get_join_request_for_admin(request.user, pk)
    if join_request.organization.slug != slug:
        raise NotFound(_("Join request not found."))
    try:
        services.join_request_decide(actor=request.user, join_request=join_request,
                                     accept=request.POST.get("decision") == "accept")
    except DomainError as exc:
        _flash_error(request, exc)
    return redirect("organization_members", slug=slug)


@login_required
def network_apply(request, slug):
    organization = selectors.get_organization_for_admin(request.user, slug=slug)
    form = ApplyForm(request.POST or None, initial={"network": request.GET.get("network")})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.network_apply(
                actor=request.user, organization=organization, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if membership.status == "approved":
                messages.success(request, _("%(org)s is now a member of %(network)s.") % {
                    "org": organization.name, "network": membership.network.name})
            else:
                messages.success(request, _("Your application to %(network)s was sent. The "
                                            "operators will review it.")
                                 % {"network": membership.network.name})
            return redirect("organization_detail", slug=slug)
    return render(request, "network/apply.html", {
        "form": form, "organization": organization, "networks": selectors.networks(),
        "selected_clusters": [str(pk) for pk in form["clusters"].value() or []]})


@login_required
def organization_audit(request, slug):
    organization = selectors.get_organization_for_user(request.user, slug=slug)
    entries = selectors.audit_entries_for(request.user, organization=organization)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "network/audit.html",
                  {"page": page, "subject": organization, "organization": organization})


def invitation(request, token):
    invitation = selectors.get_invitation_by_token(token)
    if not request.user.is_authenticated:
        return render(request, "network/invitation.html", {"invitation": invitation})
    if invitation.email.lower() != request.user.email.lower():
        return render(request, "network/invitation.html",
                      {"invitation": invitation, "wrong_user": True}, status=403)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "accept":
                services.invitation_accept(actor=request.user, invitation=invitation)
                messages.success(request, _("Welcome to %(org)s.")
                                 % {"org": invitation.organization.name})
                return redirect("organization_detail", slug=invitation.organization.slug)
            services.invitation_decline(actor=request.user, invitation=invitation)
            messages.info(request, _("You declined the invitation."))
            return redirect("home")
        except DomainError as exc:
            _flash_error(request, exc)
    return render(request, "network/invitation.html", {"invitation": invitation})


# --- networks --------------------------------------------------------------------------------


def network_list(request):
    return render(request, "network/network_list.html", {"networks": selectors.networks()})


def network_detail(request, slug):
    """The network's page: its member directory with search, filters and a map."""
    network = selectors.get_network(slug=slug)
    form = DirectoryForm(request.GET or None, network=network,
                         certifications=selectors.certifications_in(network))
    entries = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        entries = selectors.directory(
            network, q=data.get("q") or "", kind=data.get("kind") or "",
            cluster=data.get("cluster") or "", certification=data.get("certification") or "",
            near=data.get("near"),
            radius_km=(data.get("radius") or 50) if data.get("near") else None,
        )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    my_orgs = []
    if request.user.is_authenticated:
        my_orgs = [m for m in selectors.my_memberships(request.user)
                   if ROLE_RANK[m.role] >= ROLE_RANK[Role.ADMIN]
                   and not any(nm.network_id == network.pk
                               for nm in m.organization.network_memberships.all())]
    context = {
        "network": network,
        "form": form,
        "page": page,
        "total": len(entries),
        "query_string": _query_without_page(request),
        "map_points": [
            {"lat": e.site.latitude, "lon": e.site.longitude, "name": e.organization.name,
             "city": e.site.city, "url": reverse("organization_detail",
                                                 args=[e.organization.slug])}
            for e in entries if e.site is not None
        ],
        "is_operator": selectors.operated_networks(request.user).filter(pk=network.pk).exists(),
        "can_apply_for": my_orgs,
    }
    template = "network/_directory.html" if request.htmx else "network/network_detail.html"
    return render(request, template, context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def network_applications(request, slug):
    network = selectors.get_network_for_operator(request.user, slug=slug)
    status = request.GET.get("status", "pending")
    rows = selectors.network_memberships_for(request.user, network,
                                             status=None if status == "all" else status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "network/applications.html", {
        "network": network, "page": page, "status": status,
        "status_choices": [*NetworkMembershipStatus.choices, ("all", _("All"))]})


@login_required
@require_POST
def network_membership_decide(request, slug, pk):
    network = selectors.get_network_for_operator(request.user, slug=slug)
    membership = selectors.get_network_membership_for_user(request.user, pk)
    if membership.network_id != network.pk:
        raise NotFound(_("Network membership not found."))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            # The service decides on a freshly locked copy; report the status it returns.
            membership = services.network_membership_decide(
                actor=request.user, membership=membership, **form.cleaned_data)
        except DomainError as exc:
            _flash_error(request, exc)
        else:
            messages.success(request, _("%(org)s: %(status)s.") % {
                "org": membership.organization.name,
                "status": membership.get_status_display()})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("network_applications", args=[slug])
    return redirect(next_url)


@login_required
def network_audit(request, slug):
    network = selectors.get_network(slug=slug)
    entries = selectors.audit_entries_for(request.user, network=network)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "network/audit.html",
                  {"page": page, "subject": network, "network": network})


# --- notifications -----------------------------------------------------------------------------


@login_required
def notifications(request):
    if request.method == "POST":
        ids = None if request.POST.get("all") else [
            int(v) for v in request.POST.getlist("id") if v.isdigit()]
        services.notifications_mark_read(actor=request.user, ids=ids)
        return redirect("notifications")
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "network/notifications.html", {"page": page})


@login_required
def notification_open(request, pk):
    """Mark one notification read and go where it points."""
    notification = selectors.get_notification_for_user(request.user, pk)
    services.notifications_mark_read(actor=request.user, ids=[notification.pk])
    target = notification.url or reverse("notifications")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications")
    return HttpResponseRedirect(target)
