"""Demo planning run: the Limburg network's operator plans the open multi-step requests of
the network's members (up to four) with a 3-second limit, so the demo opens on a finished
proposal with its Gantt charts and reasons. Not accepted: accepting it is left to the visitor.
"""

from __future__ import annotations

from django.db.models import Count

from fabshare.demand.models import CapacityRequest, RequestStatus
from fabshare.network.demo import DemoContext
from fabshare.network.models import NetworkMembershipStatus
from fabshare.planning import services

NETWORK = "limburg"
MAX_REQUESTS = 4
TIME_LIMIT = 3


def seed(ctx: DemoContext) -> None:
    network = ctx.networks.get(NETWORK)
    operator = network.operators.order_by("pk").first() if network else None
    if operator is None:
        return
    requests = list(
        CapacityRequest.objects.filter(
            status=RequestStatus.OPEN,
            organization__network_memberships__network=network,
            organization__network_memberships__status=NetworkMembershipStatus.APPROVED)
        .annotate(step_count=Count("steps", distinct=True)).filter(step_count__gte=2)
        .order_by("deadline", "pk")[:MAX_REQUESTS])
    if not requests:
        return
    run = services.run_create(actor=operator, requests=requests, network=network,
                              time_limit=TIME_LIMIT, background=False)
    run = services.execute(run.pk)
    planned = (run.proposal or {}).get("metrics", {}).get("jobs_planned", 0)
    ctx.summary.append(
        f"planning: plan #{run.pk} of {len(requests)} multi-step requests by the "
        f"{network.name} operator ({run.status}, {planned} planned)")
