"""Forms: shape checks only. Domain rules live in the services, whose errors the views put
next to the field they name."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fabshare.core.errors import DomainError
from fabshare.core.forms import CheckboxList, StyledForm, StyledModelForm
from fabshare.network.models import (
    TIME_ZONE_CHOICES,
    Certification,
    Cluster,
    Network,
    Organization,
    OrganizationKind,
    Role,
    Site,
)


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error next to the field it names (or above the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class CommaListField(forms.CharField):
    """A list typed as comma-separated text: "ISO 9001, IATF 16949"."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]


class PreferencesForm(StyledForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)


class OrganizationForm(StyledModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    sectors = CommaListField(
        label=_("Sectors"), required=False,
        help_text=_("Separate with commas, e.g. automotive, machine building"),
    )
    certifications = forms.ModelMultipleChoiceField(
        label=_("Certifications held"), required=False, queryset=Certification.objects.all(),
        widget=CheckboxList,
    )
    logo = forms.FileField(
        label=_("Logo"), required=False,
        help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )

    class Meta:
        model = Organization
        fields = ["name", "kind", "country", "enterprise_number", "website", "description",
                  "sectors", "certifications"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SiteForm(StyledModelForm):
    class Meta:
        model = Site
        fields = ["name", "street", "postal_code", "city", "country", "latitude", "longitude",
                  "is_main"]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "any", "min": -90, "max": 90}),
            "longitude": forms.NumberInput(attrs={"step": "any", "min": -180, "max": 180}),
        }


class InvitationForm(StyledForm):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinRequestForm(StyledForm):
    message = forms.CharField(
        label=_("Message to the admins"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApplyForm(StyledForm):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.all())
    clusters = forms.ModelMultipleChoiceField(
        label=_("Clusters"), queryset=Cluster.objects.select_related("network"), required=False,
        widget=CheckboxList,
    )
    motivation = forms.CharField(
        label=_("Why do you want to join?"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        network = data.get("network")
        if network and any(c.network_id != network.pk for c in data.get("clusters", [])):
            self.add_error("clusters", _("Choose clusters of the network you apply to."))
        return data


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("suspend", _("Suspend"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class TokenForm(StyledForm):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What will use it, e.g. “ERP sync”."))


def _parse_coordinates(text: str):
    """ "50.93, 5.33" → (50.93, 5.33); "out-of-range" for impossible values; None otherwise."""
    parts = text.replace(";", ",").split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "out-of-range"
    return lat, lon


class DirectoryForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False,
        choices=[("", _("All kinds")), *OrganizationKind.choices],
    )
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    place = forms.CharField(
        label=_("Near"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Genk, or 50.93, 5.33")}),
    )
    radius = forms.IntegerField(label=_("Within (km)"), required=False, min_value=1,
                                max_value=1000, initial=50)

    def __init__(self, *args, network: Network, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", _("All clusters"))] + [
            (c.slug, c.name) for c in network.clusters.all()
        ]
        self.fields["certification"].choices = [("", _("Any certification"))] + [
            (c.code, c.name) for c in certifications
        ]

    def clean(self):
        from fabshare.core.geo import place_coordinates

        data = super().clean()
        place = data.get("place")
        data["near"] = None
        if place:
            coords = place_coordinates(place) or _parse_coordinates(place)
            if coords == "out-of-range":
                self.add_error("place", _("Latitude must lie between -90 and 90 and longitude "
                                          "between -180 and 180."))
            elif coords is None:
                self.add_error("place", _("Unknown place. Try a nearby town such as Genk, "
                                          "Hasselt, Kortrijk or Groningen."))
            else:
                data["near"] = coords
        return data
