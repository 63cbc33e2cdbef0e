"""Pages of the knowledge app: the events calendar and public event pages, registration and the
waitlist, the host's pages (registrations, check-in, exports), tickets, certificates, iCalendar
feeds, and collaboration projects.

Thin, like every page: forms check shape, services write, selectors read.
"""

from datetime import timedelta

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fabshare.availability.icalendar_io import ExportEvent, export_calendar, stable_uid
from fabshare.core.errors import DomainError, NotFound
from fabshare.knowledge import selectors, services
from fabshare.knowledge.certificates import Certificate, render_certificate
from fabshare.knowledge.exports import to_csv, to_xlsx
from fabshare.knowledge.forms import (
    CalendarFilterForm,
    EventEditForm,
    EventForm,
    JoinProjectForm,
    ProjectDocumentForm,
    ProjectForm,
    ProjectUpdateForm,
    RegisterForm,
    SessionForm,
    SessionFormSet,
)
from fabshare.knowledge.models import (
    ACTIVE_STATUSES,
    Event,
    PartnerStatus,
    ProjectDocument,
    ProjectPartner,
    RegistrationStatus,
    Session,
)
from fabshare.network import selectors as network_selectors
from fabshare.network.forms import add_domain_error
from fabshare.network.models import Organization, Site, User


def _flash(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


# --- calendar and event pages ----------------------------------------------------------------


def _filtered_calendar(request):
    form = CalendarFilterForm(request.GET or None)
    entries = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        entries = selectors.calendar(
            request.user, theme=data.get("theme") or "", kind=data.get("kind") or "",
            cluster=data.get("cluster") or "", since=data.get("since"), until=data.get("until"),
            near=data.get("coordinates"),
            radius_km=(data.get("radius") or 50) if data.get("coordinates") else None)
    return form, entries


@require_safe
def event_calendar(request):
    form, entries = _filtered_calendar(request)
    query = request.GET.urlencode()
    return render(request, "knowledge/calendar.html", {
        "form": form, "entries": entries,
        "feed_url": reverse("event_calendar_feed") + (f"?{query}" if query else ""),
    })


def _ics(events: list[ExportEvent], *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(export_calendar(events, name=name),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _session_event(request, session: Session, event: Event) -> ExportEvent:
    place = ""
    if session.site:
        place = f"{session.site.name}, {session.site.street}, {session.site.city}"
    description = "\n".join(filter(None, [event.host.name if hasattr(event, "host") else "",
                                          session.speaker, place, session.online_url]))
    title = event.title + (f" – {session.title}" if session.title else "")
    return ExportEvent(uid=stable_uid("event-session", session.pk), start=session.starts_at,
                       end=session.ends_at, summary=title, description=description or None,
                       url=request.build_absolute_uri(reverse("event_detail",
                                                              args=[event.slug])))


@require_safe
def event_calendar_feed(request):
    """The filtered calendar as an iCalendar feed (public events for anonymous callers)."""
    _form, entries = _filtered_calendar(request)
    events = [_session_event(request, s, e.event) for e in entries for s in e.sessions]
    return _ics(events, name=_("fabshare events"), filename="events")


def _register_form(request, event, data=None):
    organizations = selectors.user_organizations(request.user)
    people = list(selectors.colleagues_of(request.user)) if organizations else []
    form = RegisterForm(data, organizations=organizations, people=people,
                        initial={"attendee": str(request.user.pk)})
    return form


@require_safe
def event_detail(request, slug):
    """The public, shareable event page (no login needed for public events)."""
    event = selectors.get_event_for_user(request.user, slug)
    context = {"event": event, "sessions": list(event.sessions.all()),
               "free": max(0, event.capacity - event.taken),
               "can_manage": services.can_manage_event(request.user, event),
               "now": timezone.now()}
    if request.user.is_authenticated:
        context["mine"] = list(event.registrations.filter(
            attendee=request.user).exclude(status__in=[RegistrationStatus.CANCELLED,
                                                       RegistrationStatus.EXPIRED,
                                                       RegistrationStatus.DECLINED])
                              .select_related("organization"))
        context["register_form"] = _register_form(request, event)
    return render(request, "knowledge/event_detail.html", context)


@require_safe
def event_ics(request, slug):
    event = selectors.get_event_for_user(request.user, slug)
    return _ics([_session_event(request, s, event) for s in event.sessions.all()],
                name=event.title, filename=event.slug)


@login_required
@require_POST
def event_register(request, slug):
    event = selectors.get_event_for_user(request.user, slug)
    form = _register_form(request, event, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("event_detail", slug=slug)
    attendee = User.objects.get(pk=form.cleaned_data["attendee"])
    try:
        registration = services.event_register(
            actor=request.user, event=event, organization=form.cleaned_data["organization"],
            attendee=attendee)
    except DomainError as exc:
        _flash(request, exc)
        return redirect("event_detail", slug=slug)
    if registration.status == RegistrationStatus.WAITLISTED:
        messages.info(request, _("The event is full: %(name)s is number %(n)s on the waitlist.")
                      % {"name": attendee.get_full_name(),
                         "n": services.waitlist_position(registration)})
    elif registration.status == RegistrationStatus.PENDING:
        messages.success(request, _("Registered; the host will approve the registration."))
    else:
        messages.success(request, _("%(name)s is registered.") % {"name": attendee.get_full_name()})
    return redirect("event_detail", slug=slug)


def _host_organizations(user):
    ids = services.admin_organization_ids(user)
    return Organization.objects.filter(pk__in=ids).order_by("name")


@login_required
def event_create(request):
    hosts = _host_organizations(request.user)
    if not hosts.exists():
        messages.error(request, _("Only admins of an organization can host events."))
        return redirect("event_calendar")
    # Only organizations the user may see are offered as co-hosts and session sites.
    visible = network_selectors.organizations_visible_to(request.user)
    sites = (Site.objects.filter(organization__in=visible).select_related("organization")
             .order_by("organization__name", "name"))
    form = EventForm(request.POST or None, hosts=hosts, co_hosts=visible,
                     initial={"host": hosts.first(), "language": translation.get_language()})
    formset = SessionFormSet(request.POST or None, sites=sites, prefix="sessions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.service_kwargs()
        try:
            event = services.event_create(actor=request.user, host=data.pop("host"),
                                          network=data.pop("network"),
                                          sessions=formset.filled(), **data)
        except DomainError as exc:
            if exc.field == "sessions":
                form.add_error(None, exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(request, _("The event is published."))
            return redirect("event_manage", slug=event.slug)
    return render(request, "knowledge/event_form.html", {"form": form, "formset": formset})


@login_required
def event_edit(request, slug):
    event = selectors.get_event_for_manager(request.user, slug)
    initial = {name: getattr(event, name) for name in (
        "title", "kind", "theme", "description", "capacity", "quota_per_organization",
        "invoice_details", "registration_opens_at", "registration_deadline",
        "requires_approval", "visibility", "min_sessions_for_certificate")}
    initial["price"] = event.price_cents / 100
    form = EventEditForm(request.POST or None, initial=initial)
    sites = Site.objects.filter(organization__in=[event.host, *event.co_hosts.all()])
    session_form = SessionForm(None, sites=sites, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.service_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("event_manage", slug=event.slug)
    return render(request, "knowledge/event_edit.html", {
        "event": event, "form": form, "session_form": session_form,
        "sessions": list(event.sessions.all())})


@login_required
@require_POST
def session_add(request, slug):
    event = selectors.get_event_for_manager(request.user, slug)
    sites = Site.objects.filter(organization__in=[event.host, *event.co_hosts.all()])
    form = SessionForm(request.POST, sites=sites, prefix="new")
    if form.is_valid():
        try:
            services.session_add(actor=request.user, event=event, **form.cleaned_data)
            messages.success(request, _("Session added."))
        except DomainError as exc:
            _flash(request, exc)
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("event_edit", slug=slug)


@login_required
@require_POST
def session_delete(request, slug, pk):
    event = selectors.get_event_for_manager(request.user, slug)
    session = event.sessions.filter(pk=pk).first()
    if session is None:
        raise NotFound(_("Session not found."))
    try:
        services.session_delete(actor=request.user, session=session)
        messages.success(request, _("Session removed."))
    except DomainError as exc:
        _flash(request, exc)
    return redirect("event_edit", slug=slug)


@login_required
@require_POST
def event_cancel(request, slug):
    event = selectors.get_event_for_manager(request.user, slug)
    services.event_cancel(actor=request.user, event=event)
    messages.success(request, _("The event is cancelled and everyone registered was told."))
    return redirect("event_detail", slug=slug)


@login_required
@require_safe
def event_manage(request, slug):
    """The host's page: seats, the waitlist in order, approvals, cancellations, exports."""
    event = selectors.get_event_for_manager(request.user, slug)
    rows = selectors.with_positions(selectors.registrations_of(event))
    sessions = list(event.sessions.all())
    groups = {status: [r for r in rows if r.status == status] for status in RegistrationStatus}
    return render(request, "knowledge/event_manage.html", {
        "event": event, "sessions": sessions, "groups": groups,
        "active": [*groups["pending"], *groups["offered"], *groups["confirmed"]],
        "waitlist": sorted(groups["waitlisted"], key=lambda r: r.position),
        "ended": [*groups["cancelled"], *groups["declined"], *groups["expired"]],
        "free": max(0, event.capacity - event.taken)})


EXPORT_HEADER = ("name", "e-mail", "organization", "status", "waitlist position",
                 "registered at", "sessions attended")


def _export_rows(event):
    rows = selectors.with_positions(selectors.registrations_of(event))
    zone = timezone.get_current_timezone()
    for r in rows:
        yield (r.attendee.get_full_name(), r.attendee.email, r.organization.name,
               r.get_status_display(), r.position or "",
               timezone.localtime(r.created_at, zone).strftime("%Y-%m-%d %H:%M"),
               len(r.attendances.all()))


@login_required
@require_safe
def event_export(request, slug, fmt):
    event = selectors.get_event_for_manager(request.user, slug)
    header = [_(h) for h in EXPORT_HEADER]
    if fmt == "xlsx":
        body = to_xlsx(header, _export_rows(event), title=_("Attendees"))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = to_csv(header, _export_rows(event))
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.{fmt}"'
    return response


def _current_session(sessions: list[Session], chosen: str | None) -> Session | None:
    if chosen:
        for session in sessions:
            if str(session.pk) == chosen:
                return session
    now = timezone.now()
    upcoming = [s for s in sessions if s.ends_at >= now]
    return upcoming[0] if upcoming else (sessions[-1] if sessions else None)


@login_required
def event_checkin(request, slug):
    """Check-in at the door (made for a phone): pick the session, search by name, tap."""
    event = selectors.get_event_for_manager(request.user, slug)
    sessions = list(event.sessions.all())
    session = _current_session(sessions, request.POST.get("session") or request.GET.get("session"))
    q = (request.GET.get("q") or "").strip()[:100]
    if request.method == "POST" and session is not None:
        registration = event.registrations.filter(pk=request.POST.get("registration")).first()
        if registration is None:
            messages.error(request, _("Registration not found."))
        else:
            present = request.POST.get("present") == "1"
            try:
                services.attendance_set(actor=request.user, registration=registration,
                                        session=session, present=present)
                messages.success(request, (_("%(name)s checked in.") if present else
                                           _("Check-in of %(name)s undone."))
                                 % {"name": registration.attendee.get_full_name()})
            except DomainError as exc:
                _flash(request, exc)
        url = reverse("event_checkin", args=[slug]) + f"?session={session.pk}"
        if request.POST.get("q"):
            url += "&q=" + request.POST["q"]
        return redirect(url)
    rows = list(selectors.checkin_list(event, q=q))
    for row in rows:
        row.present = session is not None and any(
            a.session_id == session.pk for a in row.attendances.all())
    present = sum(1 for r in rows if r.present)
    return render(request, "knowledge/checkin.html", {
        "event": event, "sessions": sessions, "session": session, "rows": rows, "q": q,
        "present": present})


# --- registrations, tickets, certificates ----------------------------------------------------


@require_safe
def event_ticket(request, ticket):
    """A person's ticket: its QR code opens this page, where the host checks them in."""
    registration = selectors.get_registration_by_ticket(ticket)
    event = registration.event
    url = request.build_absolute_uri()
    qr = segno.make(url, error="m").svg_inline(scale=4, title=_("QR code of the ticket"))
    sessions = list(event.sessions.select_related("site"))
    can_manage = services.can_manage_event(request.user, event)
    attended = set(registration.attendances.values_list("session_id", flat=True))
    for session in sessions:
        session.attended = session.pk in attended
    return render(request, "knowledge/ticket.html", {
        "registration": registration, "event": event, "qr": qr, "sessions": sessions,
        "can_manage": can_manage, "position": services.waitlist_position(registration),
        "is_owner": request.user.is_authenticated and services._may_act_for(request.user,
                                                                              registration),
        "eligible": _eligible(registration)[0],
        "active": registration.status in ACTIVE_STATUSES})


@login_required
@require_POST
def ticket_checkin(request, ticket):
    registration = selectors.get_registration_by_ticket(ticket)
    session = registration.event.sessions.filter(pk=request.POST.get("session")).first()
    if session is None:
        raise NotFound(_("Session not found."))
    try:
        services.attendance_set(actor=request.user, registration=registration, session=session,
                                present=request.POST.get("present", "1") == "1")
        messages.success(request, _("%(name)s checked in.")
                         % {"name": registration.attendee.get_full_name()})
    except DomainError as exc:
        _flash(request, exc)
    return redirect("event_ticket", ticket=ticket)


def _back(request, registration):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("event_ticket", ticket=registration.ticket)


@login_required
@require_POST
def registration_cancel(request, pk):
    registration = selectors.get_registration_for_user(request.user, pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
        messages.success(request, _("The registration of %(name)s is cancelled.")
                         % {"name": registration.attendee.get_full_name()})
    except DomainError as exc:
        _flash(request, exc)
    return _back(request, registration)


@login_required
@require_POST
def offer_respond(request, pk):
    registration = selectors.get_registration_for_user(request.user, pk)
    try:
        if request.POST.get("decision") == "accept":
            services.offer_accept(actor=request.user, registration=registration)
            messages.success(request, _("The seat is yours."))
        else:
            services.registration_cancel(actor=request.user, registration=registration)
            messages.info(request, _("You declined the seat; it goes to the next person."))
    except DomainError as exc:
        _flash(request, exc)
    return _back(request, registration)


@login_required
@require_POST
def registration_decide(request, pk):
    registration = selectors.get_registration_for_user(request.user, pk)
    try:
        services.registration_decide(actor=request.user, registration=registration,
                                     approve=request.POST.get("decision") == "approve")
    except DomainError as exc:
        _flash(request, exc)
    return redirect("event_manage", slug=registration.event.slug)


def _eligible(registration):
    sessions, attended, needed = selectors.certificate_data(registration)
    ok = registration.status == RegistrationStatus.CONFIRMED and len(attended) >= needed > 0
    return ok, sessions, attended, needed


@login_required
@require_safe
def certificate(request, pk):
    """The certificate of attendance (PDF), once enough sessions were attended."""
    registration = selectors.get_registration_for_user(request.user, pk)
    ok, sessions, attended, needed = _eligible(registration)
    if not ok:
        messages.error(request, _("A certificate needs attendance at %(needed)s of the "
                                  "%(total)s sessions; %(n)s were recorded.")
                       % {"needed": needed, "total": len(sessions), "n": len(attended)})
        return redirect("event_ticket", ticket=registration.ticket)
    attendee = registration.attendee
    event = registration.event
    with translation.override(attendee.language), timezone.override(attendee.time_zone):
        lines = [
            f"{date_format(timezone.localtime(s.starts_at), 'DATE_FORMAT')}"
            f" — {s.title or event.title}" + (f" ({s.site.city})" if s.site else "")
            for s in attended]
        cert = Certificate(
            title=_("Certificate of attendance"), attendee=attendee.get_full_name(),
            organization=registration.organization.name, event=event.title,
            host=event.host.name, lines=lines,
            statement=_("attended %(n)s of %(total)s sessions of")
            % {"n": len(attended), "total": len(sessions)},
            issued=_("Issued on %(day)s") % {"day": date_format(timezone.localdate(),
                                                                  "DATE_FORMAT")},
            reference=registration.ticket[:12])
    pdf = render_certificate(cert)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="certificate-{event.slug}.pdf"')
    return response


@login_required
@require_safe
def my_events(request):
    token = services.calendar_token_for(actor=request.user)
    return render(request, "knowledge/my_events.html", {
        "registrations": list(selectors.my_registrations(request.user)),
        "feed_url": request.build_absolute_uri(reverse("personal_event_feed",
                                                       args=[token.token]))})


@login_required
@require_POST
def my_feed_rotate(request):
    services.calendar_token_for(actor=request.user, rotate=True)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("my_events")


@require_safe
def personal_event_feed(request, token):
    """The sessions of the events a person is registered for, for their calendar app."""
    row = selectors.get_calendar_token(token)
    since = timezone.now() - timedelta(days=90)
    events = [_session_event(request, s, s.event)
              for s in selectors.calendar_sessions_for(row.user).filter(ends_at__gte=since)]
    return _ics(events, name=_("My fabshare events"), filename="my-events")


# --- projects --------------------------------------------------------------------------------


@require_safe
def project_list(request):
    return render(request, "knowledge/project_list.html",
                  {"projects": selectors.projects_visible_to(request.user)})


@login_required
def project_create(request):
    leads = _host_organizations(request.user)
    form = ProjectForm(request.POST or None, leads=leads, initial={"lead": leads.first()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.project_create(actor=request.user, lead=data.pop("lead"),
                                              network=data.pop("network"), **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("project_detail", slug=project.slug)
    return render(request, "knowledge/project_form.html", {"form": form})


@require_safe
def project_detail(request, slug):
    project = selectors.get_project(request.user, slug)
    context = {"project": project, "partners": list(project.partners.all())}
    if project.viewer_is_partner:
        context["updates"] = list(project.updates.select_related("organization", "author"))
        context["documents"] = list(project.documents.select_related("uploaded_by"))
        context["update_form"] = ProjectUpdateForm()
        context["document_form"] = ProjectDocumentForm()
    else:
        context["updates"] = list(project.updates.select_related("organization", "author"))
    if project.viewer_leads:
        context["requests"] = list(project.partners.model.objects.filter(
            project=project, status=PartnerStatus.REQUESTED).select_related("organization"))
    if request.user.is_authenticated:
        joined = set(ProjectPartner.objects.filter(project=project).exclude(
            status=PartnerStatus.DECLINED).values_list("organization_id", flat=True))
        candidates = _host_organizations(request.user).exclude(pk__in=joined)
        if candidates.exists():
            context["join_form"] = JoinProjectForm(organizations=candidates)
    return render(request, "knowledge/project_detail.html", context)


@login_required
@require_POST
def project_join(request, slug):
    project = selectors.get_project(request.user, slug)
    form = JoinProjectForm(request.POST, organizations=_host_organizations(request.user))
    if form.is_valid():
        try:
            services.project_request_join(actor=request.user, project=project,
                                          **form.cleaned_data)
            messages.success(request, _("Asked to join; the project lead decides."))
        except DomainError as exc:
            _flash(request, exc)
    else:
        messages.error(request, _("Choose your organization and give its role."))
    return redirect("project_detail", slug=slug)


@login_required
@require_POST
def project_decide(request, slug, pk):
    project = selectors.get_project(request.user, slug)
    partner = ProjectPartner.objects.filter(project=project, pk=pk).first()
    if partner is None:
        raise NotFound(_("Request not found."))
    try:
        services.project_decide(actor=request.user, partner=partner,
                                approve=request.POST.get("decision") == "approve")
    except DomainError as exc:
        _flash(request, exc)
    return redirect("project_detail", slug=slug)


@login_required
@require_POST
def project_post(request, slug):
    project = selectors.get_project(request.user, slug)
    form = ProjectUpdateForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Write the update."), field="body")
        services.project_post_update(actor=request.user, project=project,
                                     body=form.cleaned_data["body"])
        messages.success(request, _("Update posted."))
    except DomainError as exc:
        _flash(request, exc)
    return redirect("project_detail", slug=slug)


@login_required
@require_POST
def project_document_add(request, slug):
    project = selectors.get_project(request.user, slug)
    form = ProjectDocumentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise DomainError(_("Give a title and choose a PDF file."), field="file")
        services.project_add_document(actor=request.user, project=project,
                                      title=form.cleaned_data["title"],
                                      upload=form.cleaned_data["file"])
        messages.success(request, _("Document added."))
    except DomainError as exc:
        _flash(request, exc)
    return redirect("project_detail", slug=slug)


@login_required
@require_safe
def project_document(request, slug, pk):
    """A project document, for the partners only (anyone else: 404)."""
    project = selectors.get_project(request.user, slug)
    document = ProjectDocument.objects.filter(project=project, pk=pk).first()
    if document is None or not project.viewer_is_partner:
        raise NotFound(_("Document not found."))
    return FileResponse(document.file.open("rb"), content_type="application/pdf",
                        as_attachment=True, filename=f"{document.title[:80]}.pdf")
