"""Forms of the machine pages: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fabshare.core.forms import StyledForm
from fabshare.telemetry import states as S
from fabshare.telemetry.kpi import PERIOD_KINDS
from fabshare.telemetry.models import MachineLink


def mapping_text(mapping: dict) -> str:
    return "\n".join(f"{raw} = {state}" for raw, state in mapping.items())


class LinkForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    protocol = forms.ChoiceField(label=_("Connection"), choices=MachineLink.Protocol.choices)
    mqtt_topic = forms.CharField(
        label=_("MQTT topic"), max_length=200, required=False,
        help_text=_("Leave empty for fabshare/machines/<link key>/state."))
    opcua_endpoint = forms.CharField(label=_("OPC UA endpoint"), max_length=300, required=False,
                                     help_text=_("e.g. opc.tcp://machine.local:4840"))
    opcua_state_node = forms.CharField(
        label=_("Node id of MachineryItemState"), max_length=200, required=False,
        help_text=_("e.g. ns=3;s=Machine.ItemState.CurrentState"))
    opcua_mode_node = forms.CharField(label=_("Node id of MachineryOperationMode"),
                                      max_length=200, required=False)
    opcua_good_node = forms.CharField(label=_("Node id of the good parts counter"),
                                      max_length=200, required=False)
    opcua_scrap_node = forms.CharField(label=_("Node id of the scrap counter"), max_length=200,
                                       required=False)
    mapping = forms.CharField(
        label=_("State mapping"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: raw value = state (%(states)s). OPC UA Machinery and "
                    "MTConnect values are known already.") % {"states": ", ".join(S.STATES)})
    planned_seconds_per_unit = forms.DecimalField(
        label=_("Planned run time per part (s)"), required=False, min_value=0.01,
        max_digits=9, decimal_places=2, help_text=_("Needed for OEE."))
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Brussels")
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_mapping(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), 1):
            if not line.strip():
                continue
            raw, sep, state = line.partition("=")
            if not sep or not raw.strip():
                raise forms.ValidationError(
                    _("Line %(n)d: write raw value = state.") % {"n": number})
            state = state.strip().lower()
            if state not in S.STATES:
                raise forms.ValidationError(
                    _("Line %(n)d: “%(state)s” is not a state; use one of %(states)s.")
                    % {"n": number, "state": state, "states": ", ".join(S.STATES)})
            mapping[raw.strip()] = state
        return mapping


class PolicyForm(StyledForm):
    auto_publish = forms.BooleanField(label=_("Publish idle windows automatically"),
                                      required=False)
    auto_publish_confidence = forms.FloatField(
        label=_("when the confidence is at least"), min_value=0.5, max_value=1, initial=0.9)


class PeriodForm(StyledForm):
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[
        (kind, label) for kind, label in zip(
            PERIOD_KINDS, [_("Day"), _("Shift"), _("Week")], strict=True)])
