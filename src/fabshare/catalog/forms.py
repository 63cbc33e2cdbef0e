"""Forms of the catalog pages: shape checks only. The services check the domain rules; the views
put their errors next to the field they name (``add_resource_error``)."""

from decimal import Decimal

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from fabshare.catalog.limits import check_limits
from fabshare.catalog.models import (
    Capability,
    Material,
    Process,
    Resource,
    ResourceKind,
    Visibility,
)
from fabshare.core.errors import DomainError
from fabshare.core.forms import CheckboxList, RadioList, StyledForm
from fabshare.network.forms import add_domain_error
from fabshare.network.models import Certification

# The order in which spoken languages are offered (the services accept exactly these codes).
SPOKEN_LANGUAGE_ORDER = ("nl", "en", "fr", "de", "es", "it", "pl", "pt", "tr", "ar")

COMMON_FIELDS = ("kind", "name", "site", "description", "visibility", "partners",
                 "price_per_hour", "minimum_booking_hours", "operator_included",
                 "lead_time_days", "is_active", "external_id")
KIND_FIELDS = {
    ResourceKind.MACHINE: ("make", "model_name", "year"),
    ResourceKind.FACILITY: ("area_m2", "accreditations"),
    ResourceKind.EXPERTISE: ("skills", "languages", "day_rate"),
}
# Service field name -> form field name, where the form asks in euro instead of cents.
FORM_FIELD_OF = {"price_per_hour_cents": "price_per_hour", "day_rate_cents": "day_rate"}

LIMIT_LABELS = {
    "envelope_x_mm": _("Work envelope X (mm)"),
    "envelope_y_mm": _("Work envelope Y (mm)"),
    "envelope_z_mm": _("Work envelope Z (mm)"),
    "max_weight_kg": _("Max part weight (kg)"),
    "max_thickness_mm": _("Max thickness (mm)"),
    "tolerance_um": _("Tolerance ± (µm)"),
    "force_kn": _("Force (kN)"),
    "axes": _("Axes"),
}


def add_resource_error(form: forms.Form, exc: DomainError) -> None:
    """Like ``add_domain_error``, knowing that the form asks in euro where services use cents."""
    add_domain_error(form, DomainError(exc.message, field=FORM_FIELD_OF.get(exc.field,
                                                                            exc.field)))


def indented(tree: list[tuple[Process, int]]) -> list[tuple[str, str]]:
    """Choices for a process chooser: the tree in order, children indented under parents."""
    return [(str(process.pk), "\u00a0\u00a0\u00a0" * depth + process.label())
            for process, depth in tree]


def _plain_number(value) -> str:
    """1500.00 -> "1500", 0.50 -> "0.5": what a provider would type."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


class EuroField(forms.DecimalField):
    """An amount in euro, typed the way the user's language writes it (95,50 or 95.50)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=0, max_digits=11, decimal_places=2, localize=True,
                         **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})


class ResourceForm(StyledForm):
    """Every field of every kind is present (the page works without JavaScript); the fields that
    do not fit the chosen kind are ignored, and CSS hides them when the browser can."""

    kind = forms.ChoiceField(label=_("What do you share?"), choices=ResourceKind.choices,
                             initial=ResourceKind.MACHINE, widget=RadioList)
    name = forms.CharField(label=_("Name"), max_length=160,
                           help_text=_("E.g. “DMG Mori DMU 65 five-axis machining centre”."))
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False,
                                  empty_label=_("— no site —"),
                                  help_text=_("Where it stands. Machines and facilities need "
                                              "one; expertise may travel."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    visibility = forms.ChoiceField(label=_("Who may see it?"), choices=Visibility.choices,
                                   initial=Visibility.PUBLIC, widget=RadioList)
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organizations"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Only used with “Selected partner organizations”. Hold Ctrl (⌘ on a Mac) "
                    "to choose several."),
    )
    price_per_hour = EuroField(label=_("Price per hour (€, excl. VAT)"))
    minimum_booking_hours = forms.DecimalField(
        label=_("Minimum booking (hours)"), min_value=0, max_digits=6, decimal_places=2,
        localize=True, initial=1,
    )
    operator_included = forms.BooleanField(label=_("Operator included"), required=False)
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), min_value=0, initial=0,
        help_text=_("How many days' notice you need before a booking starts."),
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, initial=True,
        help_text=_("Inactive resources are only visible to your organization."),
    )
    external_id = forms.CharField(
        label=_("External id"), max_length=80, required=False,
        help_text=_("Your own reference (e.g. the asset number in your ERP), used to update "
                    "this resource by import."),
    )
    # Machines
    make = forms.CharField(label=_("Make"), max_length=80, required=False)
    model_name = forms.CharField(label=_("Model"), max_length=80, required=False)
    year = forms.IntegerField(label=_("Year built"), required=False)
    # Facilities and test labs
    area_m2 = forms.IntegerField(label=_("Area (m²)"), required=False)
    accreditations = forms.ModelMultipleChoiceField(
        label=_("Accreditations and certifications"), queryset=Certification.objects.all(),
        required=False, widget=CheckboxList,
    )
    # Expertise: only what the organization chooses to publish about people.
    skills = forms.MultipleChoiceField(
        label=_("Skills (processes)"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    languages = forms.MultipleChoiceField(label=_("Languages spoken"), required=False,
                                          widget=CheckboxList)
    day_rate = EuroField(label=_("Day rate (€, excl. VAT)"))

    def __init__(self, *args, organization, partner_choices, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = organization.sites.all()
        self.fields["site"].label_from_instance = lambda site: f"{site.name}, {site.city}"
        self.fields["partners"].queryset = partner_choices
        self._processes = {str(process.pk): process for process, _depth in tree}
        self.fields["skills"].choices = indented(tree)
        self.fields["languages"].choices = [
            (code, get_language_info(code)["name_translated"]) for code in SPOKEN_LANGUAGE_ORDER
        ]

    @staticmethod
    def initial_for(resource: Resource) -> dict:
        def euro(cents):
            return None if cents is None else Decimal(cents) / 100

        return {
            "kind": resource.kind, "name": resource.name, "site": resource.site_id,
            "description": resource.description, "visibility": resource.visibility,
            "partners": [o.pk for o in resource.partners.all()],
            "price_per_hour": euro(resource.price_per_hour_cents),
            "minimum_booking_hours": resource.minimum_booking_hours,
            "operator_included": resource.operator_included,
            "lead_time_days": resource.lead_time_days, "is_active": resource.is_active,
            "external_id": resource.external_id, "make": resource.make,
            "model_name": resource.model_name, "year": resource.year,
            "area_m2": resource.area_m2,
            "accreditations": [c.pk for c in resource.accreditations.all()],
            "skills": [str(p.pk) for p in resource.skills.all()],
            "languages": resource.languages, "day_rate": euro(resource.day_rate_cents),
        }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in KIND_FIELDS:
            # A machine's form also carries the (hidden) facility and expertise fields: their
            # content is ignored, so their errors must not block the form either.
            for other, names in KIND_FIELDS.items():
                if other != kind:
                    for name in names:
                        self._errors.pop(name, None)
        return data

    def service_fields(self) -> dict:
        """The keyword arguments for ``resource_create``/``resource_update``."""
        data = self.cleaned_data
        kind = data["kind"]
        fields = {name: data.get(name) for name in COMMON_FIELDS}
        fields.pop("price_per_hour")
        fields["price_per_hour_cents"] = _cents(data.get("price_per_hour"))
        if fields["minimum_booking_hours"] is None:
            fields["minimum_booking_hours"] = Decimal(1)
        if fields["lead_time_days"] is None:
            fields["lead_time_days"] = 0
        fields["description"] = (fields["description"] or "").strip()
        if fields["visibility"] != Visibility.PARTNERS:
            fields["partners"] = []
        for name in KIND_FIELDS[kind]:
            fields[name] = data.get(name)
        if kind == ResourceKind.EXPERTISE:
            fields["skills"] = [self._processes[pk] for pk in data.get("skills") or []]
            fields["day_rate_cents"] = _cents(fields.pop("day_rate"))
        return fields


def _cents(euro: Decimal | None) -> int | None:
    return None if euro is None else int((euro * 100).to_integral_value())


class CapabilityForm(StyledForm):
    """One process with typed limits, and materials each with an optional maximum thickness.

    The limits are read as text and checked by ``limits.check_limits`` (the same check the
    service makes), so every field with a typo or a unit mistake is reported at once, next to
    the field, with the service's message."""

    process = forms.ChoiceField(label=_("Process"))
    envelope_x_mm = forms.CharField(required=False)
    envelope_y_mm = forms.CharField(required=False)
    envelope_z_mm = forms.CharField(required=False)
    max_weight_kg = forms.CharField(required=False)
    max_thickness_mm = forms.CharField(
        required=False, help_text=_("In general; give a thickness per material below where it "
                                    "differs."))
    tolerance_um = forms.CharField(
        required=False, help_text=_("In micrometres: ±0.01 mm is 10 µm."))
    force_kn = forms.CharField(required=False,
                               help_text=_("Press force or tonnage: 100 t is about 981 kN."))
    axes = forms.CharField(required=False)
    materials = forms.MultipleChoiceField(label=_("Materials"), required=False,
                                          widget=CheckboxList)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False,
                            widget=forms.TextInput())

    def __init__(self, *args, tree: list[tuple[Process, int]], materials: list[Material],
                 **kwargs):
        super().__init__(*args, **kwargs)
        self._processes = {str(process.pk): process for process, _depth in tree}
        self.fields["process"].choices = [("", _("Choose a process"))] + indented(tree)
        self._materials = {str(material.pk): material for material in materials}
        self.fields["materials"].choices = [(str(m.pk), m.label()) for m in materials]
        for name, label in LIMIT_LABELS.items():
            field = self.fields[name]
            field.label = label
            field.widget.attrs.update({"inputmode": "numeric" if name in (
                "envelope_x_mm", "envelope_y_mm", "envelope_z_mm", "tolerance_um", "axes")
                else "decimal", "autocomplete": "off"})
        for material in materials:
            self.fields[self.thickness_field(material)] = forms.CharField(
                required=False, label=_("Max thickness of %(material)s (mm)")
                % {"material": material.label()},
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm",
                                              "inputmode": "decimal", "autocomplete": "off",
                                              "placeholder": "mm"}))

    @staticmethod
    def thickness_field(material: Material) -> str:
        return f"thickness_{material.pk}"

    @staticmethod
    def initial_for(capability: Capability) -> dict:
        initial = {"process": str(capability.process_id), "notes": capability.notes}
        for name in LIMIT_LABELS:
            initial[name] = _plain_number(getattr(capability, name))
        rows = list(capability.material_limits.all())
        initial["materials"] = [str(row.material_id) for row in rows]
        for row in rows:
            initial[f"thickness_{row.material_id}"] = _plain_number(row.max_thickness_mm)
        return initial

    def material_groups(self) -> list[tuple[str, list]]:
        """For the template: per material family, each material's checkbox with its thickness
        field, so the page works without JavaScript."""
        checkboxes = {str(w.data["value"]): w for w in self["materials"].subwidgets}
        groups: list[tuple[str, list]] = []
        for pk, material in self._materials.items():
            family = material.family.label()
            if not groups or groups[-1][0] != family:
                groups.append((family, []))
            groups[-1][1].append((checkboxes[pk], self[self.thickness_field(material)]))
        return groups

    def clean(self):
        data = super().clean()
        pk = data.get("process")
        data["process"] = self._processes.get(pk) if pk else None
        cleaned, errors = check_limits({name: data.get(name) for name in LIMIT_LABELS})
        for name, message in errors.items():
            self.add_error(name, message)
        data.update(cleaned)
        chosen = set(data.get("materials") or [])
        rows = []
        for pk, material in self._materials.items():
            name = self.thickness_field(material)
            raw = (data.get(name) or "").strip()
            # A thickness typed next to an unticked material still means "this material".
            if pk not in chosen and not raw:
                continue
            thickness = None
            if raw:
                checked, errors = check_limits({"max_thickness_mm": raw})
                if errors:
                    self.add_error(name, errors["max_thickness_mm"])
                    continue
                thickness = checked["max_thickness_mm"]
            rows.append((material, thickness))
        data["material_rows"] = rows
        return data

    def service_fields(self) -> dict:
        """The keyword arguments for ``capability_create``/``capability_update``."""
        data = self.cleaned_data
        return {"process": data["process"], "materials": data["material_rows"],
                "notes": data.get("notes") or "",
                **{name: data.get(name) for name in LIMIT_LABELS}}


class PhotoForm(StyledForm):
    image = forms.FileField(
        label=_("Photo"), help_text=_("PNG, JPEG, WebP or GIF, at most 5 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,"
                                                         "image/gif"}))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class DocumentForm(StyledForm):
    file = forms.FileField(
        label=_("Datasheet"), help_text=_("A PDF document, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}))
    title = forms.CharField(label=_("Title"), max_length=200)
