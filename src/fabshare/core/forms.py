"""Form rendering for every page: Bootstrap classes, label, help and errors next to the field."""

from django import forms
from django.forms.renderers import DjangoTemplates


class FabshareFormRenderer(DjangoTemplates):
    form_template_name = "fabshare/forms/form.html"
    field_template_name = "fabshare/forms/field.html"


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
