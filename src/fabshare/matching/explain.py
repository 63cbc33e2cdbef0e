"""Sentences for the reasons ``matching.ranking`` gives, in the reader's language."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fabshare.core.formatting import money
from fabshare.matching.ranking import Reason
from fabshare.network.models import Certification


def _n(value) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return number_format(value, decimal_pos=max(0, -value.as_tuple().exponent))
    if isinstance(value, float):
        return number_format(round(value, 1), decimal_pos=1 if value % 1 else 0)
    return number_format(value)


def _dims(values) -> str:
    return " × ".join(_n(v) for v in values) + " mm"


def _certs(ids) -> str:
    names = dict(Certification.objects.filter(pk__in=ids).values_list("pk", "name"))
    return ", ".join(names.get(i, str(i)) for i in ids)


def sentence(reason: Reason) -> str:
    p = reason.param
    code, kind = reason.code, reason.kind
    if code == "envelope":
        if kind == "missing":
            return _("The part (%(part)s) does not fit the work envelope (%(env)s).") % {
                "part": _dims(p("part")), "env": _dims(p("envelope"))}
        if kind == "tight":
            return _("The part (%(part)s) just fits the work envelope (%(env)s).") % {
                "part": _dims(p("part")), "env": _dims(p("envelope"))}
        return _("The part (%(part)s) fits the work envelope (%(env)s).") % {
            "part": _dims(p("part")), "env": _dims(p("envelope"))}
    if code == "thickness":
        values = {"needed": _n(p("needed")), "limit": _n(p("limit"))}
        if kind == "missing":
            return _("%(needed)s mm is thicker than the %(limit)s mm it handles.") % values
        if kind == "tight":
            return _("%(needed)s mm is close to its maximum of %(limit)s mm.") % values
        return _("Handles %(needed)s mm (up to %(limit)s mm).") % values
    if code == "tolerance":
        values = {"needed": _n(p("needed")), "limit": _n(p("limit"))}
        if kind == "missing":
            return _("Holds ±%(limit)s µm; ±%(needed)s µm is asked.") % values
        if kind == "tight":
            return _("Holds ±%(limit)s µm, just within the ±%(needed)s µm asked.") % values
        return _("Holds ±%(limit)s µm (±%(needed)s µm asked).") % values
    if code == "weight":
        values = {"needed": _n(p("needed")), "limit": _n(p("limit"))}
        if kind == "missing":
            return _("%(needed)s kg is above its maximum part weight of %(limit)s kg.") % values
        return _("Takes parts up to %(limit)s kg (%(needed)s kg asked).") % values
    if code == "material":
        if kind == "missing":
            return _("Does not list the material asked for.")
        return _("Works the material asked for.")
    if code == "material_unlisted":
        return _("Lists no materials: ask whether it works yours.")
    if code == "certification":
        if kind == "missing":
            return _("Missing certification: %(names)s.") % {"names": _certs(p("ids"))}
        return _("Certified: %(names)s.") % {"names": _certs(p("ids"))}
    if code == "free_time":
        values = {"free": _n(p("free")), "needed": _n(p("needed")),
                  "longest": _n(p("longest", 0))}
        if kind == "missing":
            return _("Only %(free)s h free before the deadline; %(needed)s h needed.") % values
        if kind == "tight":
            return _("%(free)s h free before the deadline, but the longest free run is "
                     "%(longest)s h: the %(needed)s h would be split.") % values
        return _("%(free)s h free between the earliest start and the deadline "
                 "(%(needed)s h needed).") % values
    if code == "lead_time":
        days = p("days")
        if kind == "missing":
            return ngettext("Needs %(days)s day of lead time: too late for the deadline.",
                            "Needs %(days)s days of lead time: too late for the deadline.",
                            days) % {"days": days}
        return ngettext("Needs %(days)s day of lead time.", "Needs %(days)s days of lead time.",
                        days) % {"days": days}
    if code == "distance":
        return _("%(km)s km away.") % {"km": _n(p("km"))}
    if code == "distance_unknown":
        return _("Distance unknown (no site given).")
    if code == "price":
        values = {"price": money(p("cents")), "budget": money(p("budget"))}
        if kind == "tight":
            return _("Estimated %(price)s excl. VAT, above the budget of %(budget)s.") % values
        if p("budget"):
            return _("Estimated %(price)s excl. VAT, within the budget of %(budget)s.") % values
        return _("Estimated %(price)s excl. VAT.") % values
    if code == "price_unknown":
        return _("Price on request.")
    if code == "reputation":
        return ngettext("Rated %(rating)s/5 in %(count)s review.",
                        "Rated %(rating)s/5 in %(count)s reviews.", p("count")) % {
            "rating": _n(p("rating")), "count": p("count")}
    if code == "no_reviews":
        return _("No reviews yet.")
    return code


def explain(reasons) -> list[tuple[str, str]]:
    """``(kind, sentence)`` pairs, missing first, then tight, fits and facts."""
    return [(r.kind, sentence(r)) for r in reasons]
