"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server,
with e-mail delivered to a real SMTP server (aiosmtpd) on localhost."""

import logging
import os
import socket
import threading
import urllib.request
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from django.conf import settings as django_settings
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls made from the test body (building data, reading results).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP verb

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Auto-waiting assertions give up after this long; the pages answer in milliseconds.
EXPECT_TIMEOUT_MS = 10_000
PASSWORD = "correct horse battery"


class Mailbox:
    """Collects the messages an aiosmtpd server receives; tests wait on a condition, not a clock."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, predicate, timeout: float = EXPECT_TIMEOUT_MS / 1000) -> EmailMessage:
        """The first message for which ``predicate(message)`` holds, waiting for its arrival."""
        found: list[EmailMessage] = []

        def match():
            found[:] = [m for m in self.messages if predicate(m)]
            return bool(found)

        with self._changed:
            if not self._changed.wait_for(match, timeout=timeout):
                raise AssertionError(
                    "no such message; received: "
                    + repr([(m["To"], m["Subject"]) for m in self.messages])
                )
        return found[0]

    def to(self, address: str, subject_contains: str = "") -> EmailMessage:
        return self.wait_for(
            lambda m: address in m["X-Envelope-To"] and subject_contains in m["Subject"]
        )


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on a free localhost port; Django sends every e-mail there."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield box
    controller.stop()


@pytest.fixture
def site(live_server, settings, mailbox):
    """The live server's base URL, with links in e-mails pointing at it and no rate limits
    (several tests sign in and fail to sign in from the same address)."""
    settings.FABSHARE_SITE_URL = live_server.url
    settings.FABSHARE_MAP_TILE_URL = ""  # never reach the internet for tiles
    settings.ACCOUNT_RATE_LIMITS = False
    # Warm the server up (URLconf, API schemas, templates) so that a busy machine's first
    # page does not run into the browser's navigation timeout.
    urllib.request.urlopen(f"{live_server.url}/", timeout=120).read()  # noqa: S310 - localhost
    return live_server.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, site):
    """Open a fresh browser context (its own cookies) at the live server; closed afterwards."""
    contexts = []

    def open_context(**kwargs):
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=site, locale="en-GB", **kwargs)
        context.set_default_timeout(EXPECT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def signed_in_page(new_context, site):
    """A page whose context carries a session of ``user`` (no trip through the login form)."""

    def open_page(user, **kwargs):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context = new_context(**kwargs)
        context.add_cookies([{
            "name": django_settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site,
        }])
        return context.new_page()

    return open_page


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
