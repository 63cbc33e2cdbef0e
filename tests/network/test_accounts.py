"""Accounts through allauth's pages: sign-up with e-mail verification, login, two-factor."""

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from fabshare.network.models import User


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_sign_up_verify_and_land_home(client, db):
    response = client.post(reverse("account_signup"), {
        "email": "Ana@Startup.example", "password1": "a-long-new-password", "password2":
        "a-long-new-password"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    user = User.objects.get(email__iexact="ana@startup.example")
    assert user.language == "nl"  # the language the sign-up page was shown in
    assert user.time_zone == "Europe/Brussels"
    assert not EmailAddress.objects.get(user=user).verified
    (message,) = mail.outbox
    link = _confirmation_link(message)
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("home")).context["user"] == user


def test_unverified_user_cannot_log_in(client, db):
    client.post(reverse("account_signup"), {
        "email": "bo@example.com", "password1": "a-long-new-password",
        "password2": "a-long-new-password"})
    client.logout()
    mail.outbox.clear()
    response = client.post(reverse("account_login"), {
        "login": "bo@example.com", "password": "a-long-new-password"})
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_duplicate_email_and_wrong_password_are_field_errors(client, world):
    response = client.post(reverse("account_signup"), {
        "email": "OWNER@example.com", "password1": "a-long-new-password",
        "password2": "a-long-new-password"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    response = client.post(reverse("account_login"), {
        "login": "owner@example.com", "password": "not the password"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_password_reset_mails_a_link(client, world):
    client.post(reverse("account_reset_password"), {"email": "owner@example.com"})
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def _current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_two_factor_with_totp(client, world):
    password = "correct horse battery"
    client.post(reverse("account_login"), {"login": "owner@example.com", "password": password})
    # Turning on two-factor asks for the password again.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": password})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.context["form"].errors["code"]
    client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert world.owner.authenticator_set.filter(type="totp").exists()
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"),
                           {"login": "owner@example.com", "password": password})
    assert response.url == reverse("mfa_authenticate")  # the password alone is not enough
    assert "_auth_user_id" not in client.session
    cache.clear()  # allauth refuses to accept the same code twice within its period
    client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert client.session["_auth_user_id"] == str(world.owner.pk)


def test_settings_change_language_and_time_zone(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("account_settings"), {
        "full_name": "Olga Owner", "language": "fr", "time_zone": "Europe/Amsterdam"})
    assert response.status_code == 302
    world.owner.refresh_from_db()
    assert (world.owner.language, world.owner.time_zone) == ("fr", "Europe/Amsterdam")
    page = client.get(reverse("account_settings"))
    assert page.context["LANGUAGE_CODE"] == "fr"
    response = client.post(reverse("account_settings"), {
        "language": "fr", "time_zone": "Mars/Olympus"})
    assert "time_zone" in response.context["form"].errors


def test_language_switcher_saves_the_choice(client, world):
    client.force_login(world.member)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    world.member.refresh_from_db()
    assert world.member.language == "de"


def test_tokens_page_shows_the_secret_once_and_revokes(client, world):
    client.force_login(world.owner)
    response = client.post(reverse("tokens"), {"name": "ERP sync"})
    secret = response.context["created"]["secret"]
    assert secret.startswith("fsh_")
    listing = client.get(reverse("tokens")).content.decode()
    assert "ERP sync" in listing and secret not in listing
    token = world.owner.api_tokens.get()
    client.post(reverse("token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.force_login(world.outsider)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
