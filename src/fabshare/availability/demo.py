"""Deterministic demo availability for the catalog's demo resources.

Each demo resource names an availability *profile* (``DemoResource.availability`` in
:mod:`fabshare.catalog.demo`): a set of recurring rules such as the weekday night shift
22:00–06:00 and weekends (the presets of :mod:`fabshare.availability.recurrence`), office hours
for labs, a free day a week, or a season (a fruit press idle from May to August). Plant rules
carry the coming summer shutdown and Christmas closure as exceptions; a few resources get
one-off windows (an extra free day shift) and an uploaded maintenance calendar (.ics, built
here) whose busy times are subtracted.

Dates are computed from the local date the seed runs on, so the demo always shows free time
in the coming weeks and the same run date gives the same data. The summer shutdown is the
coming one (Belgian *bouwverlof*: three weeks from the third Monday of July; the Dutch
*bouwvak* a week later): it lies inside the free-time horizon only when the seed runs between
about February and early August, while the Christmas closure is always near.

Everything goes through :mod:`fabshare.availability.services` as the organization's admin, so
the audit log records it. The services recompute a resource's free time on every write; to
keep that cheap, feeds and windows are added before the rules, so each refresh before the
last one works on little offered time.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from fabshare.availability import services
from fabshare.availability.models import FreeSlot
from fabshare.availability.recurrence import PRESETS
from fabshare.catalog.demo import RESOURCES, actor_email
from fabshare.catalog.models import Resource, ResourceKind
from fabshare.network.demo import ORGANIZATIONS, DemoContext

BRUSSELS = "Europe/Brussels"
AMSTERDAM = "Europe/Amsterdam"
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class DemoRule:
    name: str
    rrule: str
    start: time
    minutes: int
    closures: bool = True  # the summer shutdown and the Christmas closure are exceptions
    season: tuple[int, int] | None = None  # first and last month (may wrap over New Year)
    holiday: str = ""  # "christmas" or "summer": the rule runs only in those school holidays


def preset_rule(preset: str, name: str, **options) -> DemoRule:
    rrule, start, duration = PRESETS[preset]
    return DemoRule(name, rrule, start, int(duration.total_seconds() // 60), **options)


NIGHTS = preset_rule("night-shift-weekdays", "Night shift Mon–Fri 22:00–06:00")
WEEKENDS = preset_rule("weekends", "Weekends")
OFFICE = preset_rule("weekdays-office", "Office hours Mon–Fri 08:00–17:00")

PROFILES: dict[str, tuple[DemoRule, ...]] = {
    # Multi-rule profiles list the rule with the fewest occurrences first (see the module
    # docstring: every rule_create recomputes the resource's free time).
    "nights-weekends": (WEEKENDS, NIGHTS),
    "nights": (NIGHTS,),
    "weekends": (WEEKENDS,),
    "office": (OFFICE,),
    # One shift runs in the morning; the afternoon, evening and Saturday are free (~60 h).
    "late-shift": (DemoRule("Saturday 06:00–16:00", "FREQ=WEEKLY;BYDAY=SA", time(6), 600),
                   DemoRule("Late shift Mon–Fri 14:00–24:00", WEEKDAYS, time(14), 600)),
    "evenings": (DemoRule("Evenings Mon–Fri 17:00–23:00", WEEKDAYS, time(17), 360),),
    "afternoons": (DemoRule("Afternoons Mon–Fri 13:00–17:00", WEEKDAYS, time(13), 240),),
    "weekdays-day": (DemoRule("Day shifts Mon–Fri 06:00–22:00", WEEKDAYS, time(6), 960),),
    "continuous": (DemoRule("Every day, around the clock", "FREQ=DAILY", time(0), 1440,
                            closures=False),),
    "mondays": (DemoRule("Mondays 07:00–17:00", "FREQ=WEEKLY;BYDAY=MO", time(7), 600),),
    "wednesdays": (DemoRule("Wednesdays 06:00–16:00", "FREQ=WEEKLY;BYDAY=WE", time(6), 600),),
    "fridays": (DemoRule("Fridays 06:00–16:00", "FREQ=WEEKLY;BYDAY=FR", time(6), 600),),
    "tue-thu": (DemoRule("Tuesdays and Thursdays 08:00–17:00", "FREQ=WEEKLY;BYDAY=TU,TH",
                         time(8), 540),),
    "tue-thu-long": (DemoRule("Tuesdays and Thursdays 06:00–18:30", "FREQ=WEEKLY;BYDAY=TU,TH",
                              time(6), 750),),
    "two-shifts-week": (DemoRule("Tuesday and Thursday 06:00–22:00", "FREQ=WEEKLY;BYDAY=TU,TH",
                                 time(6), 960),),
    # Four production days: Friday and the nights of Monday to Thursday are open.
    "fifth-day": (DemoRule("Fridays 06:00–22:00", "FREQ=WEEKLY;BYDAY=FR", time(6), 960),
                  DemoRule("Night shift Mon–Thu 22:00–06:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
                           time(22), 480)),
    "half-week": (DemoRule("Thursday 06:00 to Sunday 06:00", "FREQ=WEEKLY;BYDAY=TH", time(6),
                           72 * 60),),
    # Test labs release slots every Monday: a test runs from Monday 09:00 to Friday 09:00.
    "lab-weekly": (DemoRule("Weekly test slot Mon 09:00 – Fri 09:00", "FREQ=WEEKLY;BYDAY=MO",
                            time(9), 96 * 60),),
    "school-evenings": (
        DemoRule("Christmas holidays, day time", WEEKDAYS, time(8), 540, closures=False,
                 holiday="christmas"),
        DemoRule("Summer holidays, day time", WEEKDAYS, time(8), 540, closures=False,
                 holiday="summer"),
        DemoRule("Evenings Mon–Thu 18:00–22:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", time(18), 240,
                 closures=False),
    ),
    "season-summer": (DemoRule("May to August, Mon–Fri 07:00–17:00", WEEKDAYS, time(7), 600,
                               closures=False, season=(5, 8)),),
    "season-summer-continuous": (DemoRule("May to August, around the clock", "FREQ=DAILY",
                                          time(0), 1440, closures=False, season=(5, 8)),),
    "season-winter": (DemoRule("November to March, Mon–Fri 07:00–17:00", WEEKDAYS, time(7),
                               600, season=(11, 3)),),
    "season-winter-shifts": (DemoRule("September to May, Mon–Fri 06:00–22:00", WEEKDAYS,
                                      time(6), 960, season=(9, 5)),),
    "off-campaign": (DemoRule("March to July, Mon–Fri 07:00–16:00", WEEKDAYS, time(7), 540,
                              season=(3, 7)),),
    "off-harvest": (WEEKENDS,
                    DemoRule("December to July, Mon–Fri 06:00–22:00", WEEKDAYS, time(6), 960,
                             season=(12, 7))),
    "winter-extra": (WEEKENDS,
                     DemoRule("November to March, day shifts", WEEKDAYS, time(6), 960,
                              season=(11, 3)),
                     NIGHTS),
    "expert-tue-thu": (DemoRule("Consulting days Tue and Thu", "FREQ=WEEKLY;BYDAY=TU,TH",
                                time(8, 30), 480),),
    "expert-mon-wed-fri": (DemoRule("Consulting days Mon, Wed and Fri",
                                    "FREQ=WEEKLY;BYDAY=MO,WE,FR", time(8, 30), 480),),
    "expert-alternate-weeks": (DemoRule("Every other week, Mon–Fri", WEEKDAYS + ";INTERVAL=2",
                                        time(9), 480),),
}

# Resources whose extra free day shift is published as a one-off window: every EXTRA_EVERY-th
# machine in the demo order.
EXTRA_EVERY = 9


# --- dates relative to the run date ----------------------------------------------------------


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def summer_shutdown(today: date, country: str = "BE") -> tuple[date, date]:
    """The coming (or current) summer shutdown: three weeks from the third Monday of July
    (bouwverlof, BE), a week later in the Netherlands (bouwvak, region north)."""
    for year in (today.year, today.year + 1):
        first_monday = date(year, 7, 1) + timedelta(days=(7 - date(year, 7, 1).weekday()) % 7)
        first = first_monday + timedelta(weeks=2 if country == "BE" else 3)
        last = first + timedelta(days=18)  # Monday to Friday of the third week
        if last >= today:
            return first, last
    raise AssertionError("unreachable")


def christmas_closure(today: date) -> tuple[date, date]:
    """24 December to 1 January, the coming (or current) one."""
    year = today.year - 1 if today <= date(today.year, 1, 1) else today.year
    return date(year, 12, 24), date(year + 1, 1, 1)


def school_holiday(today: date, which: str) -> tuple[date, date]:
    """Flemish school holidays: Christmas from the Monday of the week of 24 December for two
    weeks; summer from 1 July to 31 August."""
    for year in (today.year - 1, today.year, today.year + 1):
        if which == "christmas":
            first = _monday(date(year, 12, 24))
            last = first + timedelta(days=13)
        else:
            first, last = date(year, 7, 1), date(year, 8, 31)
        if last >= today:
            return first, last
    raise AssertionError("unreachable")


def season_span(today: date, first_month: int, last_month: int) -> tuple[date, date]:
    """The season (first day of ``first_month`` to last day of ``last_month``, wrapping over
    New Year when ``last_month < first_month``) that is running or comes next."""
    for year in (today.year - 1, today.year, today.year + 1):
        end_year = year if last_month >= first_month else year + 1
        first = date(year, first_month, 1)
        last = date(end_year, last_month, calendar.monthrange(end_year, last_month)[1])
        if last >= today:
            return first, last
    raise AssertionError("unreachable")


# --- uploaded maintenance calendars ----------------------------------------------------------


def maintenance_calendar(key: str, organization: str, today: date, zone: str) -> bytes:
    """A small iCalendar export of a maintenance planning: preventive maintenance every other
    Saturday morning, a two-day service by the manufacturer and a calibration night, plus a
    tentative-free (transparent) training that does not block the machine."""
    uid = key.lower()
    stamp = f"{today:%Y%m%d}T000000Z"
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    service = saturday + timedelta(weeks=5)
    calibration = _monday(today) + timedelta(weeks=2, days=1)  # a Tuesday
    training = _monday(today) + timedelta(weeks=1, days=2)

    def local(day: date, hour: int) -> str:
        return f"TZID={zone}:{day:%Y%m%d}T{hour:02d}0000"

    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0",
        f"PRODID:-//{organization}//Maintenance planning//EN",
        f"X-WR-CALNAME:{key} maintenance", f"X-WR-TIMEZONE:{zone}",
        "BEGIN:VEVENT", f"UID:{uid}-preventive@fabshare.demo", f"DTSTAMP:{stamp}",
        f"DTSTART;{local(saturday, 6)}", f"DTEND;{local(saturday, 12)}",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;COUNT=13",
        "SUMMARY:Preventive maintenance", "END:VEVENT",
        "BEGIN:VEVENT", f"UID:{uid}-service@fabshare.demo", f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{service:%Y%m%d}",
        f"DTEND;VALUE=DATE:{service + timedelta(days=2):%Y%m%d}",
        "SUMMARY:Annual service by the manufacturer", "END:VEVENT",
        "BEGIN:VEVENT", f"UID:{uid}-calibration@fabshare.demo", f"DTSTAMP:{stamp}",
        f"DTSTART;{local(calibration, 22)}",
        f"DTEND;{local(calibration + timedelta(days=1), 4)}",
        "SUMMARY:Calibration and geometry check", "END:VEVENT",
        "BEGIN:VEVENT", f"UID:{uid}-training@fabshare.demo", f"DTSTAMP:{stamp}",
        f"DTSTART;{local(training, 22)}", f"DTEND;{local(training + timedelta(days=1), 2)}",
        "TRANSP:TRANSPARENT", "SUMMARY:Operator training (machine stays available)",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


# --- loading ---------------------------------------------------------------------------------


def _exceptions(rule: DemoRule, today: date, country: str, is_expert: bool) -> list:
    if not rule.closures:
        return []
    first, last = summer_shutdown(today, country)
    reason = "Summer holidays" if is_expert else (
        "Summer shutdown (bouwverlof)" if country == "BE" else "Summer shutdown (bouwvak)")
    return [(first, last, reason), (*christmas_closure(today), "Christmas closure")]


def _span(rule: DemoRule, today: date) -> tuple[date, date | None]:
    if rule.season:
        return season_span(today, *rule.season)
    if rule.holiday:
        return school_holiday(today, rule.holiday)
    return _monday(today), None


def seed(ctx: DemoContext) -> None:
    """Publish the demo resources' free time, refreshing each resource's free slots once."""
    with services.free_time_batch():
        _publish(ctx)
    # The batch recomputes free time as it closes: count the slots after it.
    ctx.summary.append(f"free time: {FreeSlot.objects.count()} free slots over the horizon")


def _publish(ctx: DemoContext) -> None:
    """Windows and calendars first, rules last."""
    now = timezone.now()
    countries = {o.name: o.country for o in ORGANIZATIONS}
    resources = {
        (r.organization_id, r.external_id): r
        for r in Resource.objects.filter(
            organization__in=list(ctx.organizations.values())).exclude(external_id="")
    }
    counts: Counter[str] = Counter()
    machines = 0
    for organization_name, items in RESOURCES.items():
        organization = ctx.organizations[organization_name]
        actor = ctx.users[actor_email(organization_name)]
        country = countries[organization_name]
        zone = BRUSSELS if country == "BE" else AMSTERDAM
        today = now.astimezone(ZoneInfo(zone)).date()
        for item in items:
            if item.availability not in PROFILES:
                raise ValueError(f"{item.key}: unknown availability profile "
                                 f"{item.availability!r}")
            resource = resources[(organization.pk, item.key)]
            is_expert = item.kind == ResourceKind.EXPERTISE
            if item.calendar:
                services.feed_create(
                    actor=actor, resource=resource, name="Maintenance planning (CMMS export)",
                    upload=maintenance_calendar(item.key, organization_name, today, zone))
                counts["feeds"] += 1
            if item.kind == ResourceKind.MACHINE:
                machines += 1
                if machines % EXTRA_EVERY == 0:
                    day = today + timedelta(days=8 + machines % 12)
                    if day.weekday() >= 5:
                        day += timedelta(days=7 - day.weekday())
                    tz = ZoneInfo(zone)
                    services.window_create(
                        actor=actor, resource=resource,
                        start=datetime.combine(day, time(6), tz),
                        end=datetime.combine(day, time(14), tz),
                        note="Extra free day shift: a customer order moved")
                    counts["windows"] += 1
            for rule in PROFILES[item.availability]:
                starts_on, ends_on = _span(rule, today)
                exceptions = _exceptions(rule, today, country, is_expert)
                services.rule_create(
                    actor=actor, resource=resource, name=rule.name, rrule=rule.rrule,
                    start_time=rule.start, duration_minutes=rule.minutes, starts_on=starts_on,
                    ends_on=ends_on, time_zone=zone, exceptions=exceptions)
                counts["rules"] += 1
                counts["exceptions"] += len(exceptions)
    first, last = summer_shutdown(now.astimezone(ZoneInfo(BRUSSELS)).date())
    ctx.summary.append(
        f"availability: {counts['rules']} recurring rules with {counts['exceptions']} "
        f"exceptions (summer shutdown {first:%d %b} – {last:%d %b %Y}), "
        f"{counts['windows']} one-off windows, {counts['feeds']} uploaded calendars"
    )
    laser = Resource.objects.get(organization=ctx.organizations["Haspengouw Laserwerk BV"],
                                 external_id="HL-M01")
    ctx.summary.append("free time of a fibre laser (nights, weekends, a maintenance calendar): "
                       f"{reverse('resource_availability', args=[laser.slug])}")
