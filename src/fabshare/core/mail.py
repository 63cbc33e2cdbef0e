"""E-mail to users in their own language, sent after the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def render_mail(template: str, context: dict, language: str) -> tuple[str, str]:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` in ``language``."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    return subject, body


def send_mail_on_commit(*, to: list[str], template: str, context: dict, language: str) -> None:
    """Queue one message per recipient list; it leaves only if the surrounding write commits."""
    if not to:
        return
    context = {"site_url": settings.FABSHARE_SITE_URL, **context}
    subject, body = render_mail(template, context, language)

    def send():
        EmailMultiAlternatives(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
        ).send()

    transaction.on_commit(send)
