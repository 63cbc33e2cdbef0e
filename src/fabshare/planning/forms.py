from django import forms
from django.utils.translation import gettext_lazy as _

from fabshare.core.forms import CheckboxList, StyledForm
from fabshare.planning.models import MAX_TIME_LIMIT, PlanObjective


class RequestChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        steps = " → ".join(str(s.process) for s in obj.steps.all())
        deadline = obj.deadline.isoformat() if obj.deadline else "—"
        return f"{obj.title} · {obj.organization.name} · {steps} · {_('deadline')} {deadline}"


class RunForm(StyledForm):
    requests = RequestChoice(queryset=None, widget=CheckboxList, label=_("Open requests"),
                             help_text=_("The requests to plan together."))
    objective = forms.ChoiceField(label=_("Objective"), choices=PlanObjective.choices,
                                  initial=PlanObjective.MAKESPAN,
                                  help_text=_("Once as many requests as possible are on time."))
    time_limit = forms.IntegerField(label=_("Time limit (seconds)"), min_value=1,
                                    max_value=MAX_TIME_LIMIT, initial=10,
                                    help_text=_("The planner stops searching after this long "
                                                "and proposes the best plan found."))

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = requests
