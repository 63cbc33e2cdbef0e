"""Validation of company identifiers: Belgian enterprise (KBO/BCE) and VAT numbers, Dutch KvK
and BTW numbers. Numbers of other countries are accepted as typed (trimmed), unvalidated.

Pure functions over python-stdnum; raise ``ValueError`` with a message for the user.
"""

import re

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.nl import btw as nl_btw

_KVK = re.compile(r"^\d{8}$")


def normalize_enterprise_number(country: str, number: str) -> str:
    """Return the canonical form of ``number`` for ``country`` or raise ``ValueError``.

    BE: 10 digits with the mod-97 check of the KBO ("0403.170.701", "BE0403170701" → "0403170701").
    NL: an 8-digit KvK number, or a BTW number with its check ("NL004495445B01").
    """
    number = (number or "").strip()
    if not number:
        return ""
    country = (country or "").upper()
    if country == "BE":
        try:
            return be_vat.validate(number)
        except stdnum_errors.InvalidLength:
            raise ValueError(
                _("A Belgian enterprise number has 10 digits, e.g. 0403.170.701.")
            ) from None
        except stdnum_errors.ValidationError:
            raise ValueError(
                _("This is not a valid Belgian enterprise number (the check digits do not match).")
            ) from None
    if country == "NL":
        compact = re.sub(r"[\s.\-]", "", number).upper()
        if _KVK.match(compact):
            return compact
        try:
            return "NL" + nl_btw.validate(compact)
        except stdnum_errors.ValidationError:
            raise ValueError(
                _("Enter a Dutch KvK number (8 digits) or a valid BTW number (NL…B01).")
            ) from None
    return number[:32]


def format_enterprise_number(country: str, number: str) -> str:
    """Human form: Belgian numbers as 0403.170.701, others unchanged."""
    if country == "BE" and len(number) == 10 and number.isdigit():
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    return number
