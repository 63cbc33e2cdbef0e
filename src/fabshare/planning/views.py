"""Pages of the network planner: plan chosen open requests, follow the run, read the Gantt
charts and the reasons, accept. Thin: forms check shape, services write, selectors read."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fabshare.core.errors import DomainError
from fabshare.network.forms import add_domain_error
from fabshare.planning import proposal as proposals
from fabshare.planning import selectors, services
from fabshare.planning.forms import RunForm
from fabshare.planning.models import RunStatus


@login_required
def run_list(request):
    return render(request, "planning/run_list.html", {
        "runs": selectors.runs_visible_to(request.user).select_related("network", "created_by")
        .prefetch_related("requests")[:100],
    })


@login_required
def run_new(request):
    candidates = selectors.plannable_requests(request.user)
    initial = {"requests": request.GET.getlist("request")}
    form = RunForm(request.POST or None, requests=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(
                actor=request.user, requests=list(form.cleaned_data["requests"]),
                time_limit=form.cleaned_data["time_limit"],
                objective=form.cleaned_data["objective"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("planning_run", pk=run.pk)
    return render(request, "planning/run_new.html", {"form": form,
                                                      "has_candidates": candidates.exists()})


def _at(value):
    return parse_datetime(value) if value else None


def _context(request, run):
    proposal = run.proposal or {}
    unserved = [dict(item, text=proposals.reason_text(item), deadline_at=_at(item["deadline"]),
                     earliest_end_at=_at(item["earliest_end"]))
                for item in proposal.get("unserved", [])]
    operations = [dict(op, start_at=_at(op["start"]), end_at=_at(op["end"]))
                  for op in proposal.get("operations", [])]
    transports = [dict(t, start_at=_at(t["start"])) for t in proposal.get("transports", [])]
    may_manage = services.may_manage(request.user, run)
    return {
        "run": run, "proposal": proposal, "unserved": unserved, "operations": operations,
        "transports": transports,
        "figures": proposals.figures(proposal) if proposal.get("operations") else None,
        "may_manage": may_manage,
        "may_accept": run.status == RunStatus.DONE and bool(proposal.get("operations"))
        and may_manage,
        "bookings": run.bookings.select_related("resource", "provider")
        if run.status == RunStatus.ACCEPTED else [],
    }


@login_required
def run_detail(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    return render(request, "planning/run_detail.html", _context(request, run))


@login_required
@require_safe
def run_progress(request, pk):
    """htmx: the progress bar while the run works; a full reload once it has finished."""
    run = selectors.get_run_for_user(request.user, pk)
    response = render(request, "planning/_progress.html", _context(request, run))
    if run.is_finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_cancel(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    try:
        services.run_cancel(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The plan is being cancelled."))
    return redirect("planning_run", pk=pk)


@login_required
@require_POST
def run_accept(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    try:
        run = services.run_accept(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Plan accepted: %(n)s booking requests were sent to the "
                                    "providers, who confirm them as usual.")
                         % {"n": run.bookings.count()})
    return redirect("planning_run", pk=pk)

