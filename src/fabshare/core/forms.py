"""Form rendering for every page: Bootstrap classes, label, help and errors next to the field."""

from django import forms
from django.forms.renderers import DjangoTemplates


class FabshareFormRenderer(DjangoTemplates):
    form_template_name = "fabshare/forms/form.html"
    field_template_name = "fabshare/forms/field.html"


class _ListWrapperWithoutClass:
    """Django gives a radio or checkbox list's wrapping ``<div>`` the inputs' own attributes, so
    the wrapper would carry "form-check-input" and be drawn as a 1 em box; keep it on the
    inputs only."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"] = {key: value for key, value in
                                      context["widget"]["attrs"].items() if key != "class"}
        return context


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO 8601 whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker, in local wall-clock time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class RadioList(_ListWrapperWithoutClass, forms.RadioSelect):
    pass


class CheckboxList(_ListWrapperWithoutClass, forms.CheckboxSelectMultiple):
    pass


def style_widgets(form: forms.BaseForm) -> None:
    """Give each widget the Bootstrap class that matches its kind."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple
                      | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        style_widgets(self)


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        style_widgets(self)
