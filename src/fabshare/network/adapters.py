"""django-allauth adapter: new accounts start in the language they signed up in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.language = language[:2] if language[:2] in dict(settings.LANGUAGES) else "en"
        return super().save_user(request, user, form, commit=commit)
