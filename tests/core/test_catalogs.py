"""The shipped catalogs are complete and compiled, and pages speak the visitor's language."""

import pytest
from django.urls import reverse

from fabshare.core import catalogs


def test_catalogs_are_complete_and_compiled(capsys):
    assert catalogs.main(["--check"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("language,heading", [
    ("nl", "Regionale netwerken"), ("fr", "Réseaux régionaux"), ("de", "Regionale Netzwerke"),
    ("en", "Regional networks"),
])
def test_pages_follow_the_browser_language(client, db, language, heading):
    page = client.get(reverse("network_list"), HTTP_ACCEPT_LANGUAGE=language)
    assert f'lang="{language}"' in page.content.decode()
    assert heading in page.content.decode()
