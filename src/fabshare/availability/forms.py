"""Forms of the availability pages: shape checks only. Domain rules (an end after the start, a
valid RRULE, a readable calendar) live in the services, whose errors the views put next to the
field they name."""

from decimal import Decimal

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from fabshare.availability.recurrence import PRESETS
from fabshare.availability.services import FEED_MAX_BYTES
from fabshare.core.errors import DomainError
from fabshare.core.forms import DateInput, DateTimeInput, StyledForm
from fabshare.network.forms import add_domain_error
from fabshare.network.models import TIME_ZONE_CHOICES

# RFC 5545 BYDAY codes in Django's weekday order (0 = Monday).
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CUSTOM = "custom"
PRESET_CHOICES = [
    ("weekdays-office", _("Office hours: Monday to Friday 08:00–17:00")),
    ("night-shift-weekdays", _("Night shift: Monday to Friday 22:00–06:00")),
    ("weekends", _("Weekends: Saturday 00:00 to Monday 00:00")),
    (CUSTOM, _("Custom pattern (below)")),
]
PRESET_NAMES = {
    "weekdays-office": _("Office hours"),
    "night-shift-weekdays": _("Night shift"),
    "weekends": _("Weekends"),
}


def add_service_error(form: forms.Form, exc: DomainError, aliases: dict | None = None) -> None:
    """Put a service's error next to the form field it concerns; ``aliases`` maps the
    service's field names to the form's (``duration_minutes`` → ``duration_hours``)."""
    field = (aliases or {}).get(exc.field, exc.field)
    add_domain_error(form, DomainError(exc.message, field=field))


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class _Choices:
    """Options as Bootstrap ``.form-check`` rows (the shared styling would put the input class
    on the list's wrapper too)."""

    template_name = "availability/widgets/choices.html"
    inline = False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["inline"] = self.inline
        return context


class _RadioList(_Choices, forms.RadioSelect):
    pass


class _WeekdayBoxes(_Choices, forms.CheckboxSelectMultiple):
    inline = True


class CalendarQueryForm(forms.Form):
    """``?view=week|month&date=YYYY-MM-DD`` of the calendar page; anything else means the
    current week."""

    view = forms.ChoiceField(choices=[("week", _("Week")), ("month", _("Month"))],
                             required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean_date(self):
        value = self.cleaned_data["date"]
        # Far dates are meaningless here and would overflow date arithmetic.
        if value is not None and not 1970 <= value.year <= 2999:
            raise forms.ValidationError(_("Choose a date between 1970 and 2999."))
        return value


class WindowForm(StyledForm):
    """A one-off period, entered as local date and time in the user's time zone; Django makes
    them aware and refuses a time that does not exist or occurs twice on a DST change."""

    start = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    end = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("Optional, e.g. “Extra shift after the holidays”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["start"].help_text = _("Local time in %(zone)s.") % {"zone": zone}


class RuleForm(StyledForm):
    """A recurring pattern: a preset, or weekdays + start time + duration, or a raw RRULE."""

    preset = forms.ChoiceField(label=_("Pattern"), choices=PRESET_CHOICES,
                               initial="weekdays-office", widget=_RadioList)
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           help_text=_("Shown in the list; a preset names itself."))
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"), required=False, widget=_WeekdayBoxes,
        choices=[(code, WEEKDAYS[i]) for i, code in enumerate(BYDAY)])
    start_time = forms.TimeField(label=_("Starts at"), required=False, widget=_TimeInput())
    duration_hours = forms.DecimalField(
        label=_("Duration (hours)"), required=False, min_value=Decimal("0.25"),
        max_value=Decimal(14 * 24), decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
        help_text=_("May run past midnight: 22:00 for 8 hours ends at 06:00."))
    rrule = forms.CharField(
        label=_("Advanced: recurrence rule (RRULE)"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"class": "form-control font-monospace",
                                      "placeholder": "FREQ=MONTHLY;BYDAY=1SA"}),
        help_text=_("Replaces the weekdays, e.g. FREQ=MONTHLY;BYDAY=1SA for the first Saturday "
                    "of every month (RFC 5545)."))
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput(),
                              help_text=_("Leave empty to keep it going."))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()
        self.fields["time_zone"].initial = timezone.get_current_timezone_name()

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        if preset in PRESETS:
            rrule, start_time, duration = PRESETS[preset]
            data["rule_rrule"] = rrule
            data["rule_start_time"] = start_time
            data["rule_duration_minutes"] = int(duration.total_seconds() // 60)
            data["rule_name"] = data.get("name") or str(PRESET_NAMES[preset])
            return data
        if preset != CUSTOM:
            return data
        if data.get("start_time") is None and "start_time" not in self.errors:
            self.add_error("start_time", _("Give the time the free period starts."))
        if data.get("duration_hours") is None and "duration_hours" not in self.errors:
            self.add_error("duration_hours", _("Give how many hours it lasts."))
        rrule = (data.get("rrule") or "").strip()
        weekdays = data.get("weekdays") or []
        if not rrule and not weekdays:
            self.add_error("weekdays", _("Choose at least one weekday, or write a recurrence "
                                         "rule."))
        if self.errors:
            return data
        data["rule_rrule"] = rrule or "FREQ=WEEKLY;BYDAY=" + ",".join(
            code for code in BYDAY if code in weekdays)
        data["rule_start_time"] = data["start_time"]
        data["rule_duration_minutes"] = int(round(data["duration_hours"] * 60))
        data["rule_name"] = data.get("name") or ""
        return data

    def rule_kwargs(self) -> dict:
        """Keyword arguments for ``services.rule_create``."""
        data = self.cleaned_data
        return {"name": data["rule_name"], "rrule": data["rule_rrule"],
                "start_time": data["rule_start_time"],
                "duration_minutes": data["rule_duration_minutes"],
                "starts_on": data["starts_on"], "ends_on": data.get("ends_on"),
                "time_zone": data["time_zone"]}

    #: Where the service's field names land in this form.
    ALIASES = {"duration_minutes": "duration_hours", "exceptions": "ends_on"}


class ExceptionForm(StyledForm):
    """Local days on which a rule offers nothing, e.g. a summer shutdown."""

    first_day = forms.DateField(label=_("Closed from"), widget=DateInput())
    last_day = forms.DateField(label=_("Closed until (inclusive)"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=120, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("Summer shutdown")}))

    ALIASES = {"exceptions": "last_day"}

    def __init__(self, *args, rule_id: int, **kwargs):
        kwargs.setdefault("prefix", f"exception-{rule_id}")
        super().__init__(*args, **kwargs)
        self.rule_id = rule_id


class FeedUrlForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("Maintenance plan")}))
    url = forms.CharField(
        label=_("iCalendar address"), max_length=500,
        validators=[URLValidator(schemes=["http", "https", "webcal"])],
        widget=forms.URLInput(attrs={"placeholder": "https://…/calendar.ics"}),
        help_text=_("The secret iCal address of your Outlook, Google or ERP calendar. Busy "
                    "times are subtracted and refreshed every few hours."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "feed-url")
        super().__init__(*args, **kwargs)


class FeedUploadForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("Planned downtime")}))
    file = forms.FileField(
        label=_("iCalendar file (.ics)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "feed-file")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Read once; upload a new file to replace it. At most %(mb)s MB.") % {
            "mb": FEED_MAX_BYTES // 1_000_000}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > FEED_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.")
                                        % {"mb": FEED_MAX_BYTES // 1_000_000})
        return upload
