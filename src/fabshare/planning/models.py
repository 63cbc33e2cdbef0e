"""Planning runs: a plan over chosen open requests, computed in the background.

The table is also the queue: a run is created ``queued``; a worker (``planning_worker``) or,
in the single-process demo, a thread claims it (``running``), writes its progress, and ends it
``done`` with a proposal, ``failed`` with the reason, or ``cancelled`` when asked to stop. A
done run whose proposal is accepted becomes ``accepted``: its booking requests are listed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabshare.bookings.models import Booking
from fabshare.core.models import TimeStampedModel
from fabshare.demand.models import CapacityRequest
from fabshare.network.models import Network

MAX_TIME_LIMIT = 120


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Proposal ready")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    ACCEPTED = "accepted", _("Accepted")


PHASES = {
    "greedy": _("first plan"),
    "on time": _("meeting deadlines"),
    "planned": _("fitting in late requests"),
    "tardiness": _("reducing lateness"),
    "makespan": _("finishing earlier"),
    "cost": _("lowering the price"),
}

FINISHED = (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.ACCEPTED)


class PlanObjective(models.TextChoices):
    MAKESPAN = "makespan", _("Finish everything as early as possible")
    COST = "cost", _("Lowest total price")


class PlanningRun(TimeStampedModel):
    """One plan over chosen open requests. ``network`` is set when a network operator plans
    the network's requests; a seeker's run of their own requests has none."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="planning_runs", verbose_name=_("network"))
    requests = models.ManyToManyField(CapacityRequest, related_name="planning_runs",
                                      verbose_name=_("requests"))
    objective = models.CharField(_("objective"), max_length=10, choices=PlanObjective.choices,
                                 default=PlanObjective.MAKESPAN)
    time_limit = models.PositiveSmallIntegerField(
        _("time limit (seconds)"), default=10,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIME_LIMIT)])
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    phase = models.CharField(max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    cancel_requested = models.BooleanField(default=False)
    origin = models.DateTimeField(null=True, blank=True)
    proposal = models.JSONField(null=True, blank=True)
    solver_status = models.CharField(max_length=10, blank=True)
    objective_value = models.BigIntegerField(null=True, blank=True)
    bound = models.BigIntegerField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    bookings = models.ManyToManyField(Booking, blank=True, related_name="+")

    class Meta:
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__gte=0, progress__lte=1),
                                   name="planning_run_progress_range"),
            models.CheckConstraint(
                condition=models.Q(time_limit__gte=1, time_limit__lte=MAX_TIME_LIMIT),
                name="planning_run_time_limit_range"),
        ]

    def __str__(self):
        return f"#{self.pk} ({self.get_status_display()})"

    def get_phase_display(self) -> str:
        return str(PHASES.get(self.phase, self.phase))

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
