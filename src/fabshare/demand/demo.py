"""Deterministic demo data for demand: 40 open capacity requests from the demo start-ups and
SMEs, written the way their founders would write them, in Dutch, French, English and German,
some with several steps — plus two drafts and a closed request.

Each request is made the way a user makes one: the text goes through the parser
(``demand.reading.request_from_text``), and the suggested steps are kept; where the parser
finds no process the request names the ones its author would pick. Then the distance, budget
and NDA are set and the request is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from fabshare.catalog.models import Process
from fabshare.demand import reading, services
from fabshare.network.demo import DemoContext
from fabshare.network.models import Membership, Role

LOGINS: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DemoRequest:
    organization: str
    text: str
    fallback: tuple[str, ...] = ()  # process codes if the text names none the parser knows
    distance_km: int | None = 100
    budget: int | None = None  # euro
    nda: bool = False
    deadline_days: int = 60  # used when the text gives no date
    status: str = "open"


REQUESTS: tuple[DemoRequest, ...] = (
    # --- Dutch --------------------------------------------------------------------------------
    DemoRequest("Voltwerk Robotics BV",
                "We zoeken 5-assig frezen van 40 behuizingen in aluminium 6082, 250x180x60 mm, "
                "tolerantie ±0,02 mm, daarna anodiseren. Levering voor eind februari.",
                ("milling-5-axis",), 80, 9000, nda=True),
    DemoRequest("Voltwerk Robotics BV",
                "200 stuks beugels lasersnijden uit 3 mm RVS 304, daarna plooien op de kantbank.",
                ("laser-cutting", "press-brake-bending"), 60, 4000),
    DemoRequest("Slakwol Circular BV",
                "Wie kan 20 testplaten van 600x400 mm in een klimaatkamer verouderen? "
                "Resultaten nodig binnen 6 weken, ISO/IEC 17025 vereist.",
                ("climate-chamber-testing",), 150, 6000),
    DemoRequest("Loopbrug Mobility BV",
                "300 frames buigen uit buis S355 Ø 30 mm, daarna MIG-lassen en poedercoaten "
                "in RAL 9005.", ("tube-bending", "mig-mag-welding", "powder-coating"), 100,
                15000),
    DemoRequest("Koolmijn Hydraulics NV",
                "Draaien van 1.000 assen in 42CrMo4, Ø 40 x 250 mm, tolerantie ±0,01 mm, "
                "daarna rondslijpen.", ("cnc-turning", "cylindrical-grinding"), 60, 25000),
    DemoRequest("Heidevelden Metrologie BV",
                "Meten op een CMM van 50 gietstukken met meetrapport, uiterlijk 15 januari.",
                ("cmm-measurement",), 80, 3000),
    DemoRequest("Kiewit Electronics Assembly BV",
                "Wij hebben 2.000 behuizingen nodig via spuitgieten in PA66-GF30, met "
                "matrijs, voor het tweede kwartaal.", ("injection-moulding",), 200, 30000,
                nda=True, deadline_days=150),
    DemoRequest("Paalse Poedercoating BV",
                "Tijdelijk extra capaciteit gezocht: zandstralen van 120 stalen frames, "
                "max 2000 x 1000 mm.", ("abrasive-blasting",), 50, 5000),
    DemoRequest("Kazerne Trading BV",
                "Graag 500 stuks stansen uit 1,5 mm DC01 staal, 120x80 mm, binnen 4 weken.",
                ("punching",), 120, 3500),
    DemoRequest("Poelberg Lasersnijden BV",
                "Waterstraalsnijden van 30 platen graniet en aluminium 20 mm dik, 1500x1000 "
                "mm.", ("waterjet-cutting",), 120, 4000),
    DemoRequest("Hoogeveense Plaatbewerking BV",
                "Kantbank nodig met minstens 4 meter: 60 stuks RVS 316L, 6 mm dik, zetten.",
                ("press-brake-bending",), 150, 6000),
    DemoRequest("Drachtster Mechatronica BV",
                "3D-printen van 25 prototypes in PA12 (SLS), daarna trommelen.",
                ("sls", "vibratory-finishing"), 200, 2500),
    DemoRequest("Hondsrug Recycling BV",
                "TIG-lassen van 12 RVS tanks, 3 mm wanddikte, EN 1090 gewenst, voor maart.",
                ("tig-welding",), 100, 12000),
    DemoRequest("Bosrand Prototyping BV",
                "Frezen van een matrijsinzet in gereedschapsstaal 1.2379, daarna draadvonken.",
                ("milling-3-axis", "wire-edm"), 150, 7000, nda=True),
    # --- French -------------------------------------------------------------------------------
    DemoRequest("Kustwind Service NV",
                "Nous cherchons une découpe laser de 150 pièces en acier S355 de 8 mm, puis "
                "pliage, avant fin mars.", ("laser-cutting", "press-brake-bending"), 120, 8000),
    DemoRequest("Spuikom Aquaculture BV",
                "Soudage TIG de 40 cuves en inox 316L, 2 mm, étanches, d'ici 6 semaines.",
                ("tig-welding",), 100, 10000),
    DemoRequest("Haven Roeselare Laswerken BV",
                "Besoin de fraisage 5 axes pour 10 pièces en titane Ti6Al4V, tolérance ±0,02 mm.",
                ("milling-5-axis",), 150, 12000, nda=True),
    DemoRequest("Leiebrug Plastics BV",
                "Thermoformage de 800 plateaux en PP, 600x400 mm, avant fin janvier.",
                ("thermoforming",), 150, 6000),
    DemoRequest("Reiestad Robotics BV",
                "Tournage CNC de 250 axes en aluminium 6082 Ø 20 mm, puis anodisation.",
                ("cnc-turning", "anodising"), 100, 4500),
    DemoRequest("Gaverbeek Coatings BV",
                "Thermolaquage de 400 pièces en acier, qualité Qualicoat, en 3 semaines.",
                ("powder-coating",), 80, 3000),
    DemoRequest("Vijfseweg Technical Knitting BV",
                "Essais de traction sur 30 éprouvettes composites, laboratoire ISO/IEC 17025.",
                ("tensile-testing",), 200, 2500),
    DemoRequest("Vlasgaard Flax Composites BV",
                "Découpe jet d'eau de 60 panneaux en composite lin, 1200x800 mm, 10 mm "
                "d'épaisseur.", ("waterjet-cutting",), 150, 3000),
    DemoRequest("Kustwind Service NV",
                "Usinage de 20 brides en acier S355, Ø 300 mm, puis galvanisation.",
                ("cnc-turning", "hot-dip-galvanising"), 150, 9000),
    # --- English ------------------------------------------------------------------------------
    DemoRequest("Voltwerk Robotics BV",
                "We need 500 brackets laser-cut from 3 mm stainless, then bent, before March.",
                ("laser-cutting", "press-brake-bending"), 60, 5000),
    DemoRequest("Perovia Solar BV",
                "Climate chamber tests for 12 solar modules, -40 to 85 °C, ISO/IEC 17025.",
                ("climate-chamber-testing",), 200, 8000),
    DemoRequest("Loopbrug Mobility BV",
                "Looking for metal 3D printing of 6 prototype brackets in AlSi10Mg, then CNC "
                "milling of the interfaces.", ("metal-powder-bed-fusion", "milling-3-axis"),
                150, 6000, nda=True),
    DemoRequest("Brustem Aero Parts BV",
                "5-axis milling of 80 aluminium 7075 ribs, 400x150x40 mm, ±0.02 mm, AS9100 "
                "required.", ("milling-5-axis",), 200, 30000, nda=True),
    DemoRequest("Wadden Marine Electronics BV",
                "Injection moulding of 5,000 housings in PA6, within 8 weeks.",
                ("injection-moulding",), 200, 12000),
    DemoRequest("H2Wad BV",
                "Orbital TIG welding of 200 stainless 316L tube joints, then pressure testing.",
                ("tig-welding", "testing-and-inspection"), 150, 15000),
    DemoRequest("Heidehoeve Agri Robotics BV",
                "Laser cutting of 100 frames from 5 mm S355, then robot MIG welding and powder "
                "coating.", ("laser-cutting", "mig-mag-welding", "powder-coating"), 120, 14000),
    DemoRequest("Drentsche Aa Sensoren BV",
                "Wire EDM of 40 small electrodes in copper, tolerance ±0.005 mm, by 15 "
                "January.", ("wire-edm",), 200, 4000),
    DemoRequest("Ommelander Zetmeel Machines BV",
                "Turning and milling of 30 stainless 316L shafts, Ø 60 x 800 mm, food grade.",
                ("mill-turning",), 150, 9000),
    # --- German -------------------------------------------------------------------------------
    DemoRequest("Balendijk Additive BV",
                "Wir brauchen 500 Stück Halter, lasergeschnitten aus 3 mm Edelstahl, dann "
                "abgekantet, bis 15. März.", ("laser-cutting", "press-brake-bending"), 100, 6000),
    DemoRequest("Haspengouw Laserwerk BV",
                "Pulverbeschichten von 300 Gehäusen aus Stahlblech, RAL 7016, innerhalb von 3 "
                "Wochen.", ("powder-coating",), 80, 4000),
    DemoRequest("Koolmijn Hydraulics NV",
                "Rundschleifen von 400 Wellen aus 42CrMo4, Ø 25 mm, Toleranz ±0,005 mm.",
                ("cylindrical-grinding",), 150, 8000),
    DemoRequest("Kiewit Electronics Assembly BV",
                "Fräsen von 50 Aluminiumgehäusen 200x120x40 mm, danach eloxieren, IATF 16949.",
                ("milling-3-axis", "anodising"), 150, 7000),
    DemoRequest("Bosrand Prototyping BV",
                "Drehen von 120 Buchsen aus Messing, Ø 18 mm, bis Ende Januar.",
                ("cnc-turning",), 150, 2000),
    DemoRequest("Hondsrug Recycling BV",
                "Wasserstrahlschneiden von 40 Platten aus Gummi und Kunststoff, 20 mm dick.",
                ("waterjet-cutting",), 150, 2500),
    DemoRequest("Reiestad Robotics BV",
                "Schweißen (MAG) von 25 Stahlrahmen, danach Sandstrahlen und "
                "Pulverbeschichten.", ("mig-mag-welding", "abrasive-blasting",
                                       "powder-coating"), 150, 9000),
    DemoRequest("Drachtster Mechatronica BV",
                "Zugprüfung und Härteprüfung an 20 Proben aus Stahl, Bericht nach ISO/IEC "
                "17025.", ("tensile-testing", "hardness-testing"), 200, 2000),
    # --- drafts and a closed request -------------------------------------------------------
    DemoRequest("Slakwol Circular BV",
                "Misschien later: extrusie van profielen uit gerecycleerde kunststof.",
                ("plastics-extrusion",), status="draft"),
    DemoRequest("Voltwerk Robotics BV",
                "Sheet metal housings, 1.5 mm aluminium, to be defined.",
                ("laser-cutting",), status="draft"),
    DemoRequest("Loopbrug Mobility BV",
                "Lasersnijden van 50 testplaten in 2 mm aluminium (al uitbesteed).",
                ("laser-cutting",), status="closed"),
)


def _author(organization):
    membership = (Membership.objects.filter(organization=organization)
                  .order_by("-role", "pk").select_related("user"))
    for wanted in (Role.OWNER, Role.ADMIN, Role.MEMBER):
        for m in membership:
            if m.role == wanted:
                return m.user
    return None


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    processes = {p.code: p for p in Process.objects.all()}
    made = {"open": 0, "draft": 0, "closed": 0}
    for item in REQUESTS:
        organization = ctx.organizations.get(item.organization)
        author = _author(organization) if organization else None
        if author is None:
            continue
        request = reading.request_from_text(actor=author, organization=organization,
                                            text=item.text, today=today)
        changes = {"max_distance_km": item.distance_km,
                   "budget_cents": item.budget * 100 if item.budget else None,
                   "nda_required": item.nda}
        if request.deadline is None:
            changes["deadline"] = today + timedelta(days=item.deadline_days)
        steps = None
        if not request.steps.exists():
            steps = [{"process": processes[code]} for code in item.fallback
                     if code in processes]
        services.request_update(actor=author, request=request, steps=steps, **changes)
        if item.status in ("open", "closed") and request.steps.exists():
            services.request_open(actor=author, request=request)
            if item.status == "closed":
                services.request_close(actor=author, request=request)
            made[item.status] += 1
        else:
            made["draft"] += 1
    ctx.summary.append(
        f"demand: {made['open']} open capacity requests (nl, fr, en, de), "
        f"{made['draft']} drafts, {made['closed']} closed")
