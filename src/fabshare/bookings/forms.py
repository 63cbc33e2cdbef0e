"""Forms of the booking pages: shape only; the services decide the rules (and the price,
which no form carries)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fabshare.core.forms import DateTimeInput, StyledForm


class PeriodForm(StyledForm):
    """A period in the user's local time (Django makes it aware in the current zone)."""

    start = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    end = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())


class BookingRequestForm(PeriodForm):
    organization = forms.ChoiceField(label=_("Book for"), required=False)
    note = forms.CharField(label=_("Note to the provider"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
        if len(organizations) <= 1:
            self.fields["organization"].widget = forms.HiddenInput()


class CounterForm(PeriodForm):
    price = forms.DecimalField(label=_("Price excl. VAT"), required=False, min_value=0,
                               max_value=1_000_000_000, decimal_places=2,
                               help_text=_("Leave empty to use the resource's price."))
    reason = forms.CharField(label=_("Message"), required=False, max_length=300)

    def __init__(self, *args, provider=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not provider:
            del self.fields["price"]


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class MessageForm(StyledForm):
    body = forms.CharField(label=_("Message"), required=False, max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("Up to %(n)s files of at most %(mb)s MB each.") % {
            "n": settings.BOOKINGS_MAX_ATTACHMENTS,
            "mb": settings.BOOKINGS_ATTACHMENT_MAX_BYTES // (1024 * 1024)})


class ReviewForm(StyledForm):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int,
                                    choices=[(i, f"{i} ★") for i in range(5, 0, -1)])
    text = forms.CharField(label=_("Review"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class OfferForm(PeriodForm):
    resource = forms.ChoiceField(label=_("Resource"))
    step = forms.ChoiceField(label=_("For step"), required=False)
    price = forms.DecimalField(label=_("Price excl. VAT"), required=False, min_value=0,
                               max_value=1_000_000_000, decimal_places=2,
                               help_text=_("Leave empty to quote the resource's hourly price."))
    valid_until = forms.DateTimeField(label=_("Valid until"), widget=DateTimeInput())
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, resources=(), steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [(r.pk, f"{r.name} ({r.organization.name})")
                                           for r in resources]
        self.fields["step"].choices = [("", _("The whole request"))] + [
            (s.pk, str(s)) for s in steps]


class PolicyForm(StyledForm):
    free_until_days = forms.IntegerField(label=_("Free cancellation until (days before)"),
                                         min_value=0, max_value=365)
    fee_percent = forms.IntegerField(label=_("Fee after that (% of the price)"), min_value=0,
                                     max_value=100)
