"""Pages for capacity requests: describe a need, check the suggested steps, publish, attach
drawings, and (for providers) accept the NDA. Thin: forms check shape, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabshare.catalog import selectors as catalog_selectors
from fabshare.core.errors import DomainError
from fabshare.demand import reading, selectors, services
from fabshare.demand.forms import (
    AttachmentForm,
    NeedForm,
    RequestForm,
    StepForm,
    StepFormSet,
    add_request_error,
)
from fabshare.demand.models import RequestStatus
from fabshare.network import selectors as network_selectors
from fabshare.network.forms import add_domain_error


def _my_organizations(user):
    return [m.organization for m in network_selectors.my_memberships(user)]


@login_required
def request_list(request):
    return render(request, "demand/request_list.html", {
        "requests": selectors.requests_of_user(request.user),
        "has_organization": bool(_my_organizations(request.user)),
    })


@login_required
def request_new(request):
    organizations = _my_organizations(request.user)
    if not organizations:
        messages.info(request, _("Create or join an organization first: requests are made on "
                                 "behalf of one."))
        return redirect("organization_create")
    form = NeedForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            capacity_request = reading.request_from_text(
                actor=request.user, organization=form.cleaned_data["organization"],
                text=form.cleaned_data["text"], language=get_language()[:2])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("We read your need and saved it as a draft. Check the "
                                        "steps below, correct what we got wrong, and publish."))
            return redirect(reverse("request_edit", args=[capacity_request.pk]) + "?read=1")
    return render(request, "demand/request_new.html", {"form": form})


@login_required
@require_POST
def request_read(request):
    """htmx: what the parser reads in the text typed so far."""
    text = request.POST.get("text", "")[:10_000]
    return render(request, "demand/_reading.html",
                  {"reading": reading.read(text, today=timezone.localdate()),
                   "text": text})


def _step_forms(request, capacity_request, data=None):
    tree = catalog_selectors.process_tree()
    materials = list(catalog_selectors.materials())
    initial = [StepForm.initial_for(s) for s in capacity_request.steps.all()]
    return StepFormSet(data, initial=initial, prefix="steps",
                       form_kwargs={"tree": tree, "materials": materials})


@login_required
def request_edit(request, pk):
    capacity_request = selectors.get_request_for_requester(request.user, pk)
    if capacity_request.status not in (RequestStatus.DRAFT, RequestStatus.OPEN):
        messages.error(request, _("A %(status)s request can no longer be changed.")
                       % {"status": capacity_request.get_status_display().lower()})
        return redirect("request_detail", pk=pk)
    organization = capacity_request.organization
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, organization=organization,
                       initial=RequestForm.initial_for(capacity_request))
    formset = _step_forms(request, capacity_request, data)
    if request.method == "POST":
        form_ok, steps_ok = form.is_valid(), formset.is_valid()
        if form_ok and steps_ok:
            steps = [f.step() for f in formset.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.is_blank()]
            publish = "publish" in request.POST
            try:
                services.request_update(actor=request.user, request=capacity_request,
                                        steps=steps, **form.service_fields())
                if publish:
                    services.request_open(actor=request.user, request=capacity_request)
            except DomainError as exc:
                add_request_error(form, formset, exc)
            else:
                if publish:
                    messages.success(request, _("Your request is published. Here are the "
                                                "providers that fit it."))
                    return redirect("request_matches", pk=pk)
                messages.success(request, _("Saved."))
                return redirect("request_edit", pk=pk)
        messages.error(request, _("Please correct the fields marked below; nothing you typed "
                                  "was lost."))
    return render(request, "demand/request_edit.html", {
        "capacity_request": capacity_request, "form": form, "formset": formset,
        "reading": reading.read(capacity_request.description,
                                today=timezone.localdate()) if request.GET.get("read") else None,
    })


@login_required
def request_detail(request, pk):
    capacity_request = selectors.get_request_for_user(request.user, pk)
    is_requester = selectors.is_requester(request.user, capacity_request)
    return render(request, "demand/request_detail.html", {
        "capacity_request": capacity_request,
        "is_requester": is_requester,
        "can_see_attachments": selectors.can_see_attachments(request.user, capacity_request),
        "nda_accepted": selectors.nda_accepted_by(request.user, capacity_request),
        "provider_organizations": [] if is_requester else _my_organizations(request.user),
        "attachment_form": AttachmentForm() if is_requester else None,
    })


@login_required
@require_POST
def request_status(request, pk, action):
    capacity_request = selectors.get_request_for_requester(request.user, pk)
    change = {"publish": services.request_open, "close": services.request_close}[action]
    try:
        change(actor=request.user, request=capacity_request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("request_detail", pk=pk)
    if action == "publish":
        messages.success(request, _("Your request is published."))
        return redirect("request_matches", pk=pk)
    messages.success(request, _("The request is closed."))
    return redirect("request_detail", pk=pk)


@login_required
@require_POST
def request_delete(request, pk):
    capacity_request = selectors.get_request_for_requester(request.user, pk)
    try:
        services.request_delete(actor=request.user, request=capacity_request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("request_detail", pk=pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("request_list")


@login_required
@require_POST
def attachment_add(request, pk):
    capacity_request = selectors.get_request_for_requester(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(actor=request.user, request=capacity_request,
                                                 upload=form.cleaned_data["file"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s was attached.") % {"name": attachment.name})
            return redirect(reverse("request_detail", args=[pk]) + "#attachments")
    return render(request, "demand/request_detail.html", {
        "capacity_request": capacity_request, "is_requester": True,
        "can_see_attachments": True, "attachment_form": form,
    }, status=400)


@login_required
def attachment_download(request, pk, attachment_pk):
    attachment = selectors.get_attachment_for_user(request.user, pk, attachment_pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                            filename=attachment.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    capacity_request = selectors.get_request_for_requester(request.user, pk)
    attachment = capacity_request.attachments.filter(pk=attachment_pk).first()
    if attachment is not None:
        services.attachment_delete(actor=request.user, attachment=attachment)
        messages.success(request, _("%(name)s was removed.") % {"name": attachment.name})
    return redirect(reverse("request_detail", args=[pk]) + "#attachments")


@login_required
@require_POST
def nda_accept(request, pk):
    capacity_request = selectors.get_request_for_user(request.user, pk)
    organizations = {str(o.pk): o for o in _my_organizations(request.user)}
    organization = organizations.get(request.POST.get("organization", ""))
    if organization is None:
        messages.error(request, _("Choose the organization you sign for."))
        return redirect("request_detail", pk=pk)
    try:
        services.nda_accept(actor=request.user, request=capacity_request,
                            organization=organization)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You accepted the NDA for %(org)s; the drawings are "
                                    "now available.") % {"org": organization.name})
    return redirect(reverse("request_detail", args=[pk]) + "#attachments")
