"""Pages of the catalog: an organization's resources, the public resource page, and the
provider's pages to list and edit machines, facilities and expertise with their capabilities,
photos and datasheets. Thin: forms check shape, services write, selectors read; domain errors
become field errors or 403/404 pages."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabshare.availability.selectors import free_time_summary
from fabshare.catalog import selectors, services
from fabshare.catalog.forms import (
    CapabilityForm,
    DocumentForm,
    PhotoForm,
    ResourceForm,
    add_resource_error,
)
from fabshare.catalog.models import Resource
from fabshare.core.errors import DomainError, NotFound
from fabshare.core.formatting import hours, money
from fabshare.network import selectors as network_selectors
from fabshare.network.forms import add_domain_error
from fabshare.network.models import ROLE_RANK, Role

PAGE_SIZE = 50
FRAGMENT_SIZE = 10
FREE_TIME_HORIZON = timedelta(days=28)


def _is_admin(role: str | None) -> bool:
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[Role.ADMIN]


# --- an organization's resources --------------------------------------------------------------


def organization_resources(request, slug):
    """The organization's resources as the user may see them; ``?fragment=1`` (or an htmx
    request) returns the short list the organization's page loads into itself."""
    organization = network_selectors.get_organization_for_user(request.user, slug=slug)
    role = network_selectors.role_of(request.user, organization)
    fragment = bool(request.GET.get("fragment")) or bool(request.htmx)
    resources = selectors.resources_of(request.user, organization)
    page = Paginator(resources, FRAGMENT_SIZE if fragment else PAGE_SIZE).get_page(
        None if fragment else request.GET.get("page"))
    for resource in page:
        resource.price_label = money(resource.price_per_hour_cents)
    context = {"organization": organization, "page": page, "is_member": role is not None,
               "is_admin": _is_admin(role)}
    template = ("catalog/_organization_resources.html" if fragment
                else "catalog/organization_resources.html")
    return render(request, template, context)


# --- the resource page -------------------------------------------------------------------------


def resource_detail(request, slug):
    resource = selectors.get_resource_for_user(request.user, slug=slug)
    now = timezone.now()
    free = free_time_summary(resource, now, now + FREE_TIME_HORIZON)
    return render(request, "catalog/resource_detail.html", {
        "resource": resource,
        "can_edit": selectors.can_manage(request.user, resource.organization),
        "price": money(resource.price_per_hour_cents),
        "day_rate": money(resource.day_rate_cents),
        "languages": [get_language_info(code)["name_translated"]
                      for code in resource.languages],
        "free_total": hours(free.total),
        "free_longest": hours(free.longest),
        "has_free_time": free.total > timedelta(0),
    })


# --- create, edit, delete a resource -----------------------------------------------------------


def _resource_form(request, organization, resource: Resource | None = None) -> ResourceForm:
    partners = network_selectors.organizations_visible_to(request.user).exclude(
        pk=organization.pk).order_by("name")
    return ResourceForm(
        request.POST or None, organization=organization, partner_choices=partners,
        tree=selectors.process_tree(),
        initial=ResourceForm.initial_for(resource) if resource is not None else None,
    )


@login_required
def resource_create(request):
    slug = request.GET.get("organization", "")
    if not slug:
        administered = [m.organization for m in network_selectors.my_memberships(request.user)
                        if _is_admin(m.role)]
        if len(administered) == 1:
            return redirect(f"{reverse('resource_create')}?organization="
                            f"{administered[0].slug}")
        return render(request, "catalog/resource_choose_organization.html",
                      {"organizations": administered})
    organization = network_selectors.get_organization_for_admin(request.user, slug=slug)
    form = _resource_form(request, organization)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(actor=request.user, organization=organization,
                                                **form.service_fields())
        except DomainError as exc:
            add_resource_error(form, exc)
        else:
            messages.success(request, _("%(name)s was listed. Add its capabilities, photos and "
                                        "datasheets below.") % {"name": resource.name})
            return redirect("resource_edit", slug=resource.slug)
    return render(request, "catalog/resource_form.html",
                  {"form": form, "organization": organization})


def _edit_page(request, resource, *, form=None, photo_form=None, document_form=None):
    return render(request, "catalog/resource_form.html", {
        "form": form or _resource_form(request, resource.organization, resource),
        "organization": resource.organization,
        "resource": resource,
        "photo_form": photo_form or PhotoForm(),
        "document_form": document_form or DocumentForm(),
    })


@login_required
def resource_edit(request, slug):
    resource = selectors.get_resource_for_admin(request.user, slug=slug)
    form = _resource_form(request, resource.organization, resource)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(actor=request.user, resource=resource,
                                     **form.service_fields())
        except DomainError as exc:
            add_resource_error(form, exc)
            # The service stopped before writing; show what is stored, not a half-changed copy.
            resource = selectors.get_resource_for_admin(request.user, slug=slug)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("resource_edit", slug=resource.slug)
    return _edit_page(request, resource, form=form)


@login_required
def resource_delete(request, slug):
    resource = selectors.get_resource_for_admin(request.user, slug=slug)
    if request.method == "POST":
        organization = resource.organization
        services.resource_delete(actor=request.user, resource=resource)
        messages.success(request, _("%(name)s was removed.") % {"name": resource.name})
        return redirect("organization_resources", slug=organization.slug)
    return render(request, "catalog/resource_confirm_delete.html", {"resource": resource})


# --- photos and datasheets ---------------------------------------------------------------------


@login_required
@require_POST
def photo_add(request, slug):
    resource = selectors.get_resource_for_admin(request.user, slug=slug)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resource_photo_add(actor=request.user, resource=resource,
                                        **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The photo was added."))
            return redirect(reverse("resource_edit", args=[resource.slug]) + "#photos")
    return _edit_page(request, resource, photo_form=form)


@login_required
@require_POST
def photo_remove(request, slug, pk):
    resource = selectors.get_resource_for_admin(request.user, slug=slug)
    photo = next((p for p in resource.photos.all() if p.pk == pk), None)
    if photo is None:
        raise NotFound(_("Photo not found."))
    services.resource_attachment_remove(actor=request.user, attachment=photo)
    messages.success(request, _("The photo was removed."))
    return redirect(reverse("resource_edit", args=[resource.slug]) + "#photos")


@login_required
@require_POST
def document_add(request, slug):
    resource = selectors.get_resource_for_admin(request.user, slug=slug)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resource_document_add(actor=request.user, resource=resource,
                                           **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The datasheet was added."))
            return redirect(reverse("resource_edit", args=[resource.slug]) + "#documents")
    return _edit_page(request, resource, document_form=form)


@login_required
@require_POST
def document_remove(request, slug, pk):
    resource = selectors.get_resource_for_admin(request.user, slug=slug)
    document = next((d for d in resource.documents.all() if d.pk == pk), None)
    if document is None:
        raise NotFound(_("Document not found."))
    services.resource_attachment_remove(actor=request.user, attachment=document)
    messages.success(request, _("The datasheet was removed."))
    return redirect(reverse("resource_edit", args=[resource.slug]) + "#documents")


# --- capabilities ------------------------------------------------------------------------------


def _capability_form(request, capability=None) -> CapabilityForm:
    return CapabilityForm(
        request.POST or None, tree=selectors.process_tree(),
        materials=list(selectors.materials()),
        initial=CapabilityForm.initial_for(capability) if capability is not None else None,
    )


@login_required
def capability_create(request, slug):
    resource = selectors.get_resource_for_admin(request.user, slug=slug)
    form = _capability_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            capability = services.capability_create(actor=request.user, resource=resource,
                                                    **form.service_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(process)s was added.")
                             % {"process": capability.process.label()})
            return redirect(reverse("resource_edit", args=[resource.slug]) + "#capabilities")
    return render(request, "catalog/capability_form.html",
                  {"form": form, "resource": resource})


@login_required
def capability_edit(request, pk):
    capability = selectors.get_capability_for_admin(request.user, pk)
    resource = capability.resource
    form = _capability_form(request, capability)
    if request.method == "POST" and form.is_valid():
        try:
            services.capability_update(actor=request.user, capability=capability,
                                       **form.service_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(reverse("resource_edit", args=[resource.slug]) + "#capabilities")
    return render(request, "catalog/capability_form.html",
                  {"form": form, "resource": resource, "capability": capability})


@login_required
def capability_delete(request, pk):
    capability = selectors.get_capability_for_admin(request.user, pk)
    resource = capability.resource
    if request.method == "POST":
        services.capability_delete(actor=request.user, capability=capability)
        messages.success(request, _("%(process)s was removed.")
                         % {"process": capability.process.label()})
        return redirect(reverse("resource_edit", args=[resource.slug]) + "#capabilities")
    return render(request, "catalog/capability_confirm_delete.html",
                  {"capability": capability, "resource": resource})


def resource_file(request, slug, kind, pk):
    """A resource's photo or datasheet, served to those who may see the resource: files of
    network-only and partners-only resources must not be public under /media/."""
    resource = selectors.get_resource_for_user(request.user, slug=slug)
    if kind == "photos":
        field = next((p.image for p in resource.photos.all() if p.pk == pk), None)
    else:
        field = next((d.file for d in resource.documents.all() if d.pk == pk), None)
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=kind == "documents",
                            filename=field.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
