"""Booking pages: request, detail with actions, thread and reviews; the lists; offers on
requests; the personal calendar feed. Thin: forms check shape, services decide."""

from datetime import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from fabshare.availability.icalendar_io import export_calendar
from fabshare.bookings import selectors, services, states
from fabshare.bookings.forms import (
    BookingRequestForm,
    CounterForm,
    MessageForm,
    OfferForm,
    PolicyForm,
    ReasonForm,
    ReviewForm,
)
from fabshare.bookings.hooks import booking_events
from fabshare.bookings.models import Booking, Side, Status
from fabshare.catalog import selectors as catalog_selectors
from fabshare.catalog.models import Resource
from fabshare.core.errors import Conflict, DomainError, NotFound
from fabshare.demand.models import RequestStep
from fabshare.network.forms import add_domain_error
from fabshare.network.models import Membership, Role

ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "counter": gettext_lazy("Counter-offer"),
    "decline": gettext_lazy("Decline"),
    "withdraw": gettext_lazy("Withdraw"),
    "cancel": gettext_lazy("Cancel booking"),
    "start": gettext_lazy("Start"),
    "complete": gettext_lazy("Mark completed"),
    "dispute": gettext_lazy("Dispute"),
    "resolve": gettext_lazy("Resolve dispute"),
}


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).replace(tzinfo=None)


@login_required
@require_safe
def booking_list(request):
    role = request.GET.get("role") if request.GET.get("role") in Side.values else None
    status = request.GET.get("status") if request.GET.get("status") in Status.values else None
    rows = selectors.bookings_of(request.user, role=role, status=status)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    calendar = services.personal_calendar_of(request.user)
    return render(request, "bookings/list.html", {
        "page": page, "role": role, "status": status, "statuses": Status.choices,
        "feed_url": request.build_absolute_uri(
            reverse("booking_calendar_export", args=[calendar.token])),
    })


@login_required
def booking_new(request):
    """The request form, prefilled from ``?resource=&start=&end=&step=`` (matching results, the
    resource page, the calendar)."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        resource = catalog_selectors.get_resource_for_user(
            request.user, pk=int(source.get("resource", "")))
    except (ValueError, NotFound):
        messages.info(request, _("Choose a resource in the catalog, then “Request booking”."))
        return redirect("home")
    step = None
    if source.get("step", "").isdigit():
        step = RequestStep.objects.filter(
            pk=int(source["step"]), request__organization__memberships__user=request.user
        ).select_related("request").first()
    organizations = [m.organization for m in Membership.objects.filter(user=request.user)
                     .select_related("organization").order_by("pk")
                     if m.organization_id != resource.organization_id]
    if request.method == "POST":
        form = BookingRequestForm(request.POST, organizations=organizations)
        if form.is_valid():
            data = form.cleaned_data
            organization = next((o for o in organizations
                                 if str(o.pk) == str(data.get("organization"))), None)
            try:
                booking = services.booking_request(
                    actor=request.user, resource=resource, start=data["start"],
                    end=data["end"], organization=organization, step=step, note=data["note"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Your request was sent. The period is held for you "
                                            "until %(date)s.") % {
                    "date": services._fmt(booking.hold_expires_at)})
                return redirect("booking_detail", pk=booking.pk)
    else:
        form = BookingRequestForm(initial={
            "start": _parse_iso(request.GET.get("start")),
            "end": _parse_iso(request.GET.get("end")),
            "organization": organizations[0].pk if organizations else None,
        }, organizations=organizations)
    free_days, fee = services.policy_of(resource)
    return render(request, "bookings/new.html", {
        "form": form, "resource": resource, "step": step, "organizations": organizations,
        "free_days": free_days, "fee_percent": fee,
        "vat_percent": services.vat_percent(),
    }, status=400 if request.method == "POST" else 200)


def _detail_context(request, booking: Booking, **forms):
    sides = services.sides_of(request.user, seeker_id=booking.seeker_id,
                              provider_id=booking.provider_id)
    actions = selectors.actions_for(request.user, booking)
    reviews = selectors.reviews_visible(request.user, booking)
    my_sides = services.thread_sides(request.user, booking=booking)
    reviewed = {r.side for r in booking.reviews.all()}
    free_days, fee = services.policy_of(booking.resource)
    context = {
        "booking": booking, "actions": [(a, ACTION_LABELS[a]) for a in actions
                                        if a != "counter"],
        "can_counter": "counter" in actions,
        "counter_form": forms.get("counter_form") or CounterForm(
            initial={"start": timezone.localtime(booking.start).replace(tzinfo=None),
                     "end": timezone.localtime(booking.end).replace(tzinfo=None)},
            provider=Side.PROVIDER in sides),
        "reason_form": ReasonForm(),
        "thread": selectors.messages_of(booking=booking),
        "message_form": forms.get("message_form") or MessageForm(),
        "reviews": reviews,
        "can_review": booking.status == Status.COMPLETED and bool(my_sides - reviewed),
        "review_form": forms.get("review_form") or ReviewForm(),
        "free_days": free_days, "fee_percent": fee,
        "is_seeker": Side.SEEKER in my_sides, "is_provider": Side.PROVIDER in my_sides,
        "state_names": dict(Status.choices),
    }
    return context


@login_required
@require_safe
def booking_detail(request, pk):
    booking = selectors.get_booking_for_user(request.user, pk)
    return render(request, "bookings/detail.html", _detail_context(request, booking))


@login_required
@require_POST
def booking_act(request, pk, action):
    booking = selectors.get_booking_for_user(request.user, pk)
    if action not in states.USER_ACTIONS:
        raise NotFound(_("Unknown action."))
    kwargs = {}
    if action == "counter":
        sides = services.sides_of(request.user, seeker_id=booking.seeker_id,
                                  provider_id=booking.provider_id)
        form = CounterForm(request.POST, provider=Side.PROVIDER in sides)
        if not form.is_valid():
            return render(request, "bookings/detail.html",
                          _detail_context(request, booking, counter_form=form), status=400)
        kwargs = {"start": form.cleaned_data["start"], "end": form.cleaned_data["end"],
                  "price_cents": _cents(form.cleaned_data.get("price")),
                  "reason": form.cleaned_data["reason"]}
    else:
        kwargs["reason"] = (request.POST.get("reason") or "")[:300]
    try:
        services.booking_transition(actor=request.user, booking=booking, action=action,
                                    **kwargs)
    except DomainError as exc:
        if action == "counter" and not isinstance(exc, Conflict | NotFound):
            form = CounterForm(request.POST, provider=True)
            form.is_valid()
            add_domain_error(form, exc)
            return render(request, "bookings/detail.html",
                          _detail_context(request, booking, counter_form=form), status=400)
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
        return redirect("booking_detail", pk=pk)
    messages.success(request, _("Done: the booking is now “%(status)s”.") % {
        "status": Booking.objects.get(pk=pk).get_status_display()})
    return redirect("booking_detail", pk=pk)


def _post_message(request, *, thread: dict, page: str, context) -> HttpResponse:
    """Add a message to a booking's or an offer's thread (``thread``: booking= or offer=);
    on an error the page is shown again with the error next to the field."""
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = services.message_post(actor=request.user,
                                            body=form.cleaned_data["body"],
                                            files=form.cleaned_data["files"], **thread)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            url = (services.booking_url(message.booking) if message.booking
                   else services.offer_url(message.offer))
            return redirect(url + "#thread")
    return render(request, page, context(form), status=400)


@login_required
@require_POST
def booking_message(request, pk):
    booking = selectors.get_booking_for_user(request.user, pk)
    return _post_message(request, thread={"booking": booking}, page="bookings/detail.html",
                         context=lambda form: _detail_context(request, booking,
                                                              message_form=form))


@login_required
@require_POST
def booking_review(request, pk):
    booking = selectors.get_booking_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_submit(actor=request.user, booking=booking, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you. Your review is published when the other "
                                        "side has reviewed too, or after %(days)s days.") % {
                "days": services.settings.BOOKINGS_REVIEW_BLIND_DAYS})
            return redirect(reverse("booking_detail", args=[pk]) + "#reviews")
    return render(request, "bookings/detail.html",
                  _detail_context(request, booking, review_form=form), status=400)


@login_required
@require_safe
def attachment_download(request, pk):
    attachment = selectors.get_attachment_for_user(request.user, pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True,
                            filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


@login_required
@require_POST
def personal_calendar_rotate(request):
    services.personal_calendar_rotate(actor=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer "
                                "works."))
    return redirect("booking_list")


@require_safe
def personal_calendar_export(request, token):
    """The bookings of the user's organizations (both sides), for anyone holding the token."""
    calendar = selectors.get_personal_calendar_by_token(token)
    since = timezone.now() - services.timedelta(days=30)
    rows = selectors.bookings_of(calendar.user).filter(
        end__gt=since, status__in=[*services.BLOCKING_STATES, Status.COMPLETED])
    events = booking_events(rows, request, detailed=True)
    response = HttpResponse(export_calendar(events, name=_("My bookings")),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bookings.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def cancellation_policy(request, slug):
    resource = catalog_selectors.get_resource_for_admin(request.user, slug=slug)
    free_days, fee = services.policy_of(resource)
    form = PolicyForm(request.POST or None,
                      initial={"free_until_days": free_days, "fee_percent": fee})
    if request.method == "POST" and form.is_valid():
        try:
            services.cancellation_policy_set(actor=request.user, resource=resource,
                                             **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The cancellation policy was saved."))
            return redirect("resource_detail", slug=resource.slug)
    return render(request, "bookings/policy.html", {"form": form, "resource": resource})


# --- offers ----------------------------------------------------------------------------------


@login_required
@require_safe
def offer_compare(request, pk):
    """The requester compares the offers side by side; a provider sees its own."""
    capacity_request = selectors.get_request_for_offers(request.user, pk)
    offers = list(selectors.offers_for(request.user, capacity_request))
    can_offer = Membership.objects.filter(user=request.user,
                                          role__in=[Role.OWNER, Role.ADMIN]).exclude(
        organization=capacity_request.organization).exists()
    return render(request, "bookings/offers.html", {
        "capacity_request": capacity_request, "offers": offers,
        "can_offer": can_offer and capacity_request.status == "open",
        "request_url": _request_url(capacity_request),
    })


def _request_url(capacity_request) -> str | None:
    try:
        return reverse("request_detail", args=[capacity_request.pk])
    except Exception:
        return None


@login_required
def offer_new(request, pk):
    capacity_request = selectors.get_request_for_offers(request.user, pk)
    admin_orgs = Membership.objects.filter(user=request.user, role__in=[Role.OWNER, Role.ADMIN]
                                           ).values("organization_id")
    resources = list(Resource.objects.filter(organization__in=admin_orgs, is_active=True)
                     .exclude(organization=capacity_request.organization)
                     .select_related("organization").order_by("name"))
    steps = list(capacity_request.steps.select_related("process"))
    form = OfferForm(request.POST or None, resources=resources, steps=steps,
                     initial={"step": request.GET.get("step", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resource = next(r for r in resources if str(r.pk) == data["resource"])
        step = next((s for s in steps if str(s.pk) == data["step"]), None)
        try:
            offer = services.offer_create(
                actor=request.user, request=capacity_request, resource=resource,
                start=data["start"], end=data["end"], valid_until=data["valid_until"],
                step=step, price_cents=_cents(data["price"]), conditions=data["conditions"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your offer was sent."))
            return redirect("offer_detail", pk=offer.pk)
    return render(request, "bookings/offer_new.html", {
        "form": form, "capacity_request": capacity_request, "has_resources": bool(resources),
        "request_url": _request_url(capacity_request),
    }, status=400 if request.method == "POST" else 200)


def _offer_context(request, offer, message_form=None):
    sides = services.thread_sides(request.user, offer=offer)
    return {
        "offer": offer, "thread": selectors.messages_of(offer=offer),
        "message_form": message_form or MessageForm(),
        "is_seeker": Side.SEEKER in sides, "is_provider": Side.PROVIDER in sides,
        "is_open": offer.status == "open" and offer.valid_until > timezone.now(),
        "request_url": _request_url(offer.request),
    }


@login_required
@require_safe
def offer_detail(request, pk):
    offer = selectors.get_offer_for_user(request.user, pk)
    return render(request, "bookings/offer_detail.html", _offer_context(request, offer))


@login_required
@require_POST
def offer_accept(request, pk):
    offer = selectors.get_offer_for_user(request.user, pk)
    try:
        booking = services.offer_accept(actor=request.user, offer=offer)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
        return redirect("offer_detail", pk=pk)
    messages.success(request, _("Offer accepted: the booking is confirmed."))
    return redirect("booking_detail", pk=booking.pk)


@login_required
@require_POST
def offer_withdraw(request, pk):
    offer = selectors.get_offer_for_user(request.user, pk)
    try:
        services.offer_withdraw(actor=request.user, offer=offer)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The offer was withdrawn."))
    return redirect("offer_detail", pk=pk)


@login_required
@require_POST
def offer_message(request, pk):
    offer = selectors.get_offer_for_user(request.user, pk)
    return _post_message(request, thread={"offer": offer}, page="bookings/offer_detail.html",
                         context=lambda form: _offer_context(request, offer,
                                                             message_form=form))
