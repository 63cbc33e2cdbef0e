"""Forms of the knowledge pages: shape checks only; the services decide the domain rules and
their errors land next to the field they name."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fabshare.core.forms import DateInput, DateTimeInput, StyledForm
from fabshare.knowledge.models import EventKind, ProjectStatus, Theme, Visibility
from fabshare.network.models import Cluster, Network, Organization, Site


def _blank(choices):
    return [("", _("Any")), *choices]


class CalendarFilterForm(StyledForm):
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=_blank(Theme.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(EventKind.choices))
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    near = forms.CharField(label=_("Near (town or “lat, lon”)"), required=False, max_length=100)
    radius = forms.IntegerField(label=_("Within (km)"), required=False, min_value=1,
                                max_value=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clusters = Cluster.objects.select_related("network").order_by("network__name", "name")
        self.fields["cluster"].choices = _blank(
            [(c.slug, f"{c.name} ({c.network.name})") for c in clusters])

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date is before the start date."))
        data["coordinates"] = None
        if data.get("near"):
            from fabshare.core.geo import place_coordinates
            from fabshare.network.forms import _parse_coordinates

            coords = place_coordinates(data["near"]) or _parse_coordinates(data["near"])
            if coords is None or coords == "out-of-range":
                self.add_error("near", _("Unknown place. Try a nearby town such as Genk, "
                                         "Hasselt, Kortrijk or Groningen, or “50.93, 5.33”."))
            else:
                data["coordinates"] = coords
        return data


class EventForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    host = forms.ModelChoiceField(label=_("Host"), queryset=Organization.objects.none())
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.all())
    co_hosts = forms.ModelMultipleChoiceField(
        label=_("Co-hosts"), required=False, queryset=Organization.objects.all(),
        help_text=_("Other organizations hosting sessions at their sites."))
    clusters = forms.ModelMultipleChoiceField(label=_("Clusters"), required=False,
                                              queryset=Cluster.objects.all())
    language = forms.ChoiceField(label=_("Language"))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    capacity = forms.IntegerField(label=_("Capacity (seats)"), min_value=1, max_value=100000)
    quota_per_organization = forms.IntegerField(
        label=_("Seats per organization"), required=False, min_value=1,
        help_text=_("E.g. at most 2 seats per company; empty for no limit."))
    price = forms.DecimalField(label=_("Price (EUR, 0 = free)"), min_value=Decimal(0),
                               max_digits=9, decimal_places=2, initial=Decimal(0))
    invoice_details = forms.CharField(label=_("Invoice details"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    registration_opens_at = forms.DateTimeField(label=_("Registration opens"), required=False,
                                                widget=DateTimeInput())
    registration_deadline = forms.DateTimeField(label=_("Registration deadline"),
                                                widget=DateTimeInput())
    requires_approval = forms.BooleanField(label=_("I approve each registration"),
                                           required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    min_sessions_for_certificate = forms.IntegerField(
        label=_("Sessions needed for a certificate"), required=False, min_value=1,
        help_text=_("Empty: every session."))

    def __init__(self, *args, hosts=None, co_hosts=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["host"].queryset = hosts if hosts is not None else Organization.objects.none()
        self.fields["co_hosts"].queryset = (co_hosts if co_hosts is not None
                                            else Organization.objects.none())
        self.fields["language"].choices = settings.LANGUAGES

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_cents"] = int(data.pop("price") * 100)
        data["co_hosts"] = list(data["co_hosts"])
        data["clusters"] = list(data["clusters"])
        return data


EVENT_EDIT_FIELDS = ("title", "kind", "theme", "description", "capacity",
                     "quota_per_organization", "price", "invoice_details",
                     "registration_opens_at", "registration_deadline", "requires_approval",
                     "visibility", "min_sessions_for_certificate")


class EventEditForm(EventForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in EVENT_EDIT_FIELDS:
                del self.fields[name]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_cents"] = int(data.pop("price") * 100)
        return data


class SessionForm(StyledForm):
    title = forms.CharField(label=_("Session title"), required=False, max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    site = forms.ModelChoiceField(label=_("Host site"), required=False,
                                  queryset=Site.objects.select_related("organization"))
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    speaker = forms.CharField(label=_("Speaker"), required=False, max_length=200)

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"].queryset = sites


class BaseSessionFormSet(forms.BaseFormSet):
    def __init__(self, *args, sites=None, **kwargs):
        self.sites = sites
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"sites": self.sites}

    def filled(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]


SessionFormSet = forms.formset_factory(SessionForm, formset=BaseSessionFormSet, extra=3,
                                       max_num=50, min_num=1, validate_min=True)


class RegisterForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("For organization"),
                                          queryset=Organization.objects.none())
    attendee = forms.ChoiceField(label=_("Who attends"))

    def __init__(self, *args, organizations=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[o.pk for o in organizations])
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk
        self.fields["attendee"].choices = [(str(p.pk), f"{p.get_full_name()} <{p.email}>")
                                           for p in people]


class ProjectForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 5}),
                            max_length=10000)
    lead = forms.ModelChoiceField(label=_("Project lead"), queryset=Organization.objects.none())
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.all())
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    starts_on = forms.DateField(label=_("Start"), widget=DateInput())
    ends_on = forms.DateField(label=_("End"), required=False, widget=DateInput())

    def __init__(self, *args, leads=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads if leads is not None else Organization.objects.none()


class JoinProjectForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Organization"),
                                          queryset=Organization.objects.none())
    role = forms.CharField(label=_("Role in the project"), max_length=120)
    message = forms.CharField(label=_("Message"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class ProjectUpdateForm(StyledForm):
    body = forms.CharField(label=_("Update"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ProjectDocumentForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("PDF document"))
