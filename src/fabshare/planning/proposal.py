"""A planner result as the proposal a run stores (plain JSON), and its Gantt figures.

The proposal names everything the way people know it (request titles, processes, resources,
providers, towns) and gives times as ISO 8601 UTC strings; identifiers let ``accept`` turn each
operation into a booking request. Reasons for unserved jobs are kept as codes
(``model.Reason``) with the figures that explain them; pages word them in the reader's
language.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.planning.greedy import base_timelines, reach
from fabshare.planning.model import Reason, planning_horizon
from fabshare.planning.selectors import PlanningInput
from fabshare.planning.solver import PlanResult

REASON_CODES = {
    Reason.NO_ELIGIBLE_RESOURCE: "no_eligible_resource",
    Reason.NO_WINDOW_LONG_ENOUGH: "no_window_long_enough",
    Reason.DEADLINE_TOO_EARLY: "deadline_too_early",
    Reason.CAPACITY_TAKEN: "capacity_taken",
}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def build(data: PlanningInput, result: PlanResult) -> dict:
    """The proposal of ``result`` for the input ``data`` (see the module docstring)."""
    instance = data.instance
    jobs = []
    for job in instance.jobs:
        request = data.requests[job.id]
        jobs.append({
            "job": job.id, "request": request.pk, "title": request.title,
            "organization": request.organization.name,
            "organization_id": request.organization_id,
            "release": _iso(data.moment(job.release)),
            "deadline": _iso(data.moment(job.deadline)) if job.deadline is not None else None,
            "steps": [{
                "step": data.steps[(job.id, s.id)].pk,
                "position": data.steps[(job.id, s.id)].position,
                "process": s.name,
                "hours": float(data.step_hours[(job.id, s.id)]),
                "eligible": len(s.options),
            } for s in job.steps],
        })

    operations = []
    by_job: dict[str, list[dict]] = {}
    for a in sorted(result.assignments, key=lambda a: (a.job, a.start)):
        step = data.steps[(a.job, a.step)]
        resource = data.resources[a.resource]
        planned_step = next(s for s in instance.job_index[a.job].steps if s.id == a.step)
        option = next(o for o in planned_step.options if o.resource == a.resource)
        site = instance.resource_index[a.resource].site
        row = {
            "job": a.job, "request": data.requests[a.job].pk,
            "title": data.requests[a.job].title, "step": step.pk,
            "position": step.position, "process": str(step.process),
            "resource": resource.pk, "resource_name": resource.name,
            "provider": resource.organization.name,
            "provider_id": resource.organization_id,
            "site": data.sites.get(site, "") if site else "",
            "start": _iso(data.moment(a.start)), "end": _iso(data.moment(a.end)),
            "price_cents": option.cost, "currency": resource.currency,
        }
        operations.append(row)
        by_job.setdefault(a.job, []).append({**row, "_site": site, "_start": a.start,
                                             "_end": a.end})

    transports = []
    for job_id, rows in by_job.items():
        job = instance.job_index[job_id]
        placed = {r["step"]: r for r in rows}
        ids = [data.steps[(job_id, s.id)].pk for s in job.steps]
        for k, preds in enumerate(job.predecessors):
            for p in preds:
                before, after = placed.get(ids[p]), placed.get(ids[k])
                if not before or not after or before["_site"] == after["_site"]:
                    continue
                lag = instance.transport.lag(before["_site"], after["_site"])
                transports.append({
                    "job": job_id, "request": before["request"], "title": before["title"],
                    "from_site": before["site"], "to_site": after["site"],
                    "from_resource": before["resource_name"],
                    "to_resource": after["resource_name"],
                    "start": before["end"], "end": _iso(data.moment(before["_end"] + lag)),
                    "minutes": lag,
                })

    horizon = planning_horizon(instance)
    timelines = base_timelines(instance, horizon)
    unserved = []
    for item in result.unserved:
        job = instance.job_index[item.job]
        request = data.requests[item.job]
        job_reach = reach(instance, job, timelines)
        blocked = None
        if job_reach.blocked is not None:
            blocked = data.steps[(job.id, job.steps[job_reach.blocked].id)]
        elif item.reason is Reason.NO_ELIGIBLE_RESOURCE:
            blocked = next(data.steps[(job.id, s.id)] for s in job.steps if not s.options)
        unserved.append({
            "job": item.job, "request": request.pk, "title": request.title,
            "organization": request.organization.name,
            "reason": REASON_CODES[item.reason], "detail": item.detail,
            "planned_late": item.planned_late,
            "step": ({"position": blocked.position, "process": str(blocked.process)}
                     if blocked else None),
            "earliest_end": (_iso(data.moment(job_reach.completion))
                             if job_reach.completion is not None else None),
            "deadline": _iso(data.moment(job.deadline)) if job.deadline is not None else None,
        })

    m = result.metrics
    return {
        "origin": _iso(data.origin), "end": _iso(data.end),
        "jobs": jobs, "operations": operations, "transports": transports,
        "unserved": unserved,
        "metrics": {"jobs": len(instance.jobs), "jobs_planned": m.jobs_planned,
                    "jobs_on_time": m.jobs_on_time, "tardiness_minutes": m.total_tardiness,
                    "end": _iso(data.moment(m.makespan)) if m.jobs_planned else None,
                    "price_cents": m.cost},
        "solver": {"status": result.status.value, "objective": result.objective.value,
                   "value": result.objective_value, "bound": result.bound,
                   "gap": result.gap, "seconds": result.wall_time, "source": result.source,
                   "phases": [{"name": p.name, "status": p.status, "value": p.value,
                               "bound": p.bound} for p in result.phases]},
    }


def reason_text(item: dict) -> str:
    """One sentence, in the active language, saying why a job is not served on time."""
    step = item.get("step") or {}
    values = {"position": step.get("position", "?"), "process": step.get("process", "")}
    code = item["reason"]
    if code == "no_eligible_resource":
        return _("Step %(position)s (%(process)s): no resource in the network fully matches it "
                 "and can be booked online.") % values
    if code == "no_window_long_enough":
        return _("Step %(position)s (%(process)s): none of the matching resources has a free "
                 "period long enough in the planning period.") % values
    if code == "deadline_too_early":
        return _("The deadline is too early: even with the network to itself this request "
                 "could not be finished before its deadline.")
    return _("Other requests in this plan take the capacity it would need by its deadline.")


# --- Gantt figures (plain Plotly dicts; plotly.js draws them) ----------------------------------

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]


def _ms(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() * 1000


def _local(value: str) -> str:
    """An ISO UTC time as a naive local time (plotly.js ignores offsets)."""
    return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")


def _bars(name: str, rows: list[dict], y_key: str, color: str, text_key: str,
          hover: str, pattern: bool = False) -> dict:
    trace = {
        "type": "bar", "orientation": "h", "name": name,
        "y": [r[y_key] for r in rows], "base": [_local(r["start"]) for r in rows],
        "x": [_ms(r["start"], r["end"]) for r in rows],
        "text": [r[text_key] for r in rows], "textposition": "inside",
        "insidetextanchor": "middle", "hovertemplate": hover,
        "customdata": [[_local(r["start"])[:16], _local(r["end"])[:16]] for r in rows],
        "marker": {"color": color},
    }
    if pattern:
        trace["marker"]["pattern"] = {"shape": "/"}
    return trace


def _layout(title: str, rows: int) -> dict:
    return {
        "title": {"text": title}, "barmode": "overlay", "height": 140 + 40 * max(rows, 1),
        "xaxis": {"type": "date"}, "yaxis": {"automargin": True, "autorange": "reversed"},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 40}, "legend": {"orientation": "h"},
    }


def figures(proposal: dict) -> dict:
    """Two Gantt charts: operations by resource (a colour per request) and by request (a
    colour per request, transport legs hatched between the steps)."""
    operations, transports = proposal["operations"], proposal["transports"]
    titles = sorted({op["title"] for op in operations})
    colour = {title: PALETTE[i % len(PALETTE)] for i, title in enumerate(titles)}
    hover = "%{text}<br>%{customdata[0]} – %{customdata[1]}<extra>%{y}</extra>"
    for op in operations:
        op["label"] = f"{op['position']}. {op['process']}"
        op["resource_label"] = f"{op['resource_name']} ({op['provider']})"
    by_resource = [
        _bars(title, [op for op in operations if op["title"] == title], "resource_label",
              colour[title], "label", hover)
        for title in titles
    ]
    by_job = [
        _bars(title, [op for op in operations if op["title"] == title], "title",
              colour[title], "resource_name", hover)
        for title in titles
    ]
    legs = [dict(t, label=f"{t['from_site']} → {t['to_site']}") for t in transports]
    if legs:
        by_job.append(_bars(_("Transport"), legs, "title", "#adb5bd", "label", hover,
                            pattern=True))
    resources = {op["resource_label"] for op in operations}
    return {
        "by_resource": {"data": by_resource,
                        "layout": _layout(_("Plan by resource"), len(resources))},
        "by_job": {"data": by_job, "layout": _layout(_("Plan by request"), len(titles))},
    }
