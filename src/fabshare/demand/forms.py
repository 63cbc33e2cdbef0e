"""Forms of the request pages: shape checks only; the services check the rules and name the
field of any problem, which the views put next to it (``steps.2.thickness_mm`` lands on the
second step's thickness)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fabshare.catalog.forms import EuroField, indented
from fabshare.core.errors import DomainError
from fabshare.core.forms import CheckboxList, DateInput, StyledForm
from fabshare.core.geo import PLACES
from fabshare.demand.models import CapacityRequest, RequestStep
from fabshare.network.forms import add_domain_error
from fabshare.network.models import Certification

LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English"), ("de", "Deutsch")]


class NeedForm(StyledForm):
    """First page of a new request: the need in the seeker's own words."""

    organization = forms.ChoiceField(label=_("For"))
    text = forms.CharField(
        label=_("Describe what you need, in your own words"), max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "autofocus": True}),
        help_text=_("In Dutch, French, English or German. For example: “500 beugels lasersnijden "
                    "uit 3 mm RVS, daarna plooien, voor maart”. We suggest the steps; you "
                    "check them on the next page."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["organization"].choices = [(k, o.name) for k, o in
                                               self.organizations.items()]
        if len(self.organizations) == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = next(iter(self.organizations))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 3:
            raise forms.ValidationError(_("Tell us a little more: what, how many, by when?"))
        return text

    def clean_organization(self):
        return self.organizations[self.cleaned_data["organization"]]


class RequestForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES)
    earliest_start = forms.DateField(label=_("Earliest start"), required=False,
                                     widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    site = forms.ModelChoiceField(label=_("Deliver to site"), queryset=None, required=False,
                                  empty_label=_("— another place —"))
    place = forms.CharField(label=_("Or a town"), required=False, max_length=120,
                            widget=forms.TextInput(attrs={"list": "places"}))
    max_distance_km = forms.IntegerField(label=_("Maximum distance (km)"), required=False,
                                         min_value=1, max_value=2000)
    certifications = forms.ModelMultipleChoiceField(
        label=_("Required certifications"), queryset=Certification.objects.order_by("name"),
        required=False, widget=CheckboxList)
    budget = EuroField(label=_("Budget (euro, excl. VAT)"))
    nda_required = forms.BooleanField(label=_("Providers must accept an NDA before they see "
                                              "the drawings"), required=False)
    nda_text = forms.CharField(label=_("NDA text"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Leave empty for fabshare's standard text."))

    places = sorted(PLACES)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = organization.sites.all()

    @staticmethod
    def initial_for(request: CapacityRequest) -> dict:
        return {
            "title": request.title, "description": request.description,
            "language": request.language, "earliest_start": request.earliest_start,
            "deadline": request.deadline, "site": request.site_id, "place": request.place,
            "max_distance_km": request.max_distance_km,
            "certifications": list(request.certifications.all()),
            "budget": (Decimal(request.budget_cents) / 100
                       if request.budget_cents is not None else None),
            "nda_required": request.nda_required, "nda_text": request.nda_text,
        }

    def clean(self):
        data = super().clean()
        start, deadline = data.get("earliest_start"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline is before the earliest start."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        budget = data.pop("budget")
        data["budget_cents"] = int(budget * 100) if budget is not None else None
        if data.get("site") is not None:
            data["place"] = ""
            data["latitude"] = data["longitude"] = None
        return data


class StepForm(StyledForm):
    """One step; numbers are typed as text so "3 mm" or "0,05" reach the service's checks."""

    process = forms.ChoiceField(label=_("Process"), required=False)
    material = forms.ChoiceField(label=_("Material"), required=False)
    quantity = forms.CharField(label=_("Quantity"), required=False, max_length=20,
                               widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    estimated_hours = forms.CharField(label=_("Estimated hours"), required=False, max_length=20,
                                      widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    part_x_mm = forms.CharField(label=_("Part length (mm)"), required=False, max_length=20)
    part_y_mm = forms.CharField(label=_("Part width (mm)"), required=False, max_length=20)
    part_z_mm = forms.CharField(label=_("Part height (mm)"), required=False, max_length=20)
    thickness_mm = forms.CharField(label=_("Thickness (mm)"), required=False, max_length=20)
    tolerance_um = forms.CharField(label=_("Tolerance ± (µm)"), required=False, max_length=20)
    weight_kg = forms.CharField(label=_("Part weight (kg)"), required=False, max_length=20)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args, tree, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self._processes = {str(p.pk): p for p, _depth in tree}
        self._materials = {str(m.pk): m for m in materials}
        self._families = {f"family:{m.family_id}": m.family for m in materials}
        self.fields["process"].choices = [("", _("— choose —"))] + indented(tree)
        groups: dict = {}
        for m in materials:  # per family: "any grade" first, then the grades
            groups.setdefault(m.family, [(f"family:{m.family_id}", _("%(family)s, any grade")
                                          % {"family": m.family.label()})])
            groups[m.family].append((str(m.pk), m.label()))
        self.fields["material"].choices = [("", _("— any —"))] + [
            (family.label(), options) for family, options in groups.items()]

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("process")

    def step(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("DELETE", None)
        data.pop("ORDER", None)
        data["process"] = self._processes.get(data["process"])
        choice = data["material"]
        data["material_family"] = self._families.get(choice)
        data["material"] = self._materials.get(choice) if choice else None
        return data

    @staticmethod
    def initial_for(step: RequestStep) -> dict:
        def plain(value):
            if value is None:
                return ""
            return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)

        return {"process": str(step.process_id),
                "material": (str(step.material_id) if step.material_id else
                             f"family:{step.material_family_id}" if step.material_family_id
                             else ""),
                "quantity": plain(step.quantity),
                "estimated_hours": plain(step.estimated_hours),
                "part_x_mm": plain(step.part_x_mm), "part_y_mm": plain(step.part_y_mm),
                "part_z_mm": plain(step.part_z_mm), "thickness_mm": plain(step.thickness_mm),
                "tolerance_um": plain(step.tolerance_um), "weight_kg": plain(step.weight_kg),
                "notes": step.notes}


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True, max_num=12,
                                    validate_max=True)


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("Drawing (PDF, STEP or DXF, up to 25 MB)"),
                           widget=forms.ClearableFileInput(
                               attrs={"accept": ".pdf,.step,.stp,.dxf"}))


class SavedSearchForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=160)
    email_digest = forms.BooleanField(label=_("E-mail me a digest of new matches"),
                                      required=False, initial=True)


def add_request_error(form: forms.Form, formset, exc: DomainError) -> None:
    """Put a service error next to its field; ``steps.N.field`` goes to the Nth step."""
    field = exc.field or ""
    if field.startswith("steps.") and formset is not None:
        parts = field.split(".")
        forms_with_data = [f for f in formset.forms if f.is_valid()
                           and not f.cleaned_data.get("DELETE") and not f.is_blank()]
        try:
            target = forms_with_data[int(parts[1]) - 1]
        except (IndexError, ValueError):
            target = None
        if target is not None and len(parts) > 2 and parts[2] in target.fields:
            target.add_error(parts[2], exc.message)
            return
        formset._non_form_errors = formset.error_class([exc.message])
        return
    if field == "budget_cents":
        field = "budget"
    add_domain_error(form, DomainError(exc.message, field=field))
