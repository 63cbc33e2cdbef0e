"""Deterministic demo data for the network app, and the step that loads it.

The data is plain Python: three regional networks, about sixty fictional organizations in real
towns (coordinates of the town's industrial areas), their people, and a few open cases for the
operators (pending applications, a rejection, a suspension, an invitation, a join request).
Names of companies and people are invented; Belgian enterprise numbers carry a valid mod-97
check (``stdnum.be.vat``), Dutch ones are 8-digit KvK numbers.

``seed(ctx)`` writes the data through the services, so permissions, invariants and the audit
log behave exactly as when people click through the site. Only what no service covers is
written with the ORM: users with a verified e-mail address, networks, clusters and operators.

The ``seed`` management command calls ``seed(ctx)`` of every fabshare app that has a ``demo``
module, in ``INSTALLED_APPS`` order, so later apps extend the demo with the same context.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from fabshare.network import services
from fabshare.network.models import (
    AdmissionPolicy,
    Cluster,
    Network,
    NetworkMembershipStatus,
    Organization,
    OrganizationKind,
    Role,
    User,
)

DEMO_PASSWORD = "fabshare-demo"  # noqa: S105 - the published password of the demo accounts

BRU = "Europe/Brussels"
AMS = "Europe/Amsterdam"

OWNER, ADMIN, MEMBER = Role.OWNER, Role.ADMIN, Role.MEMBER
MANUFACTURER = OrganizationKind.MANUFACTURER
SME = OrganizationKind.SME
STARTUP = OrganizationKind.STARTUP
KNOWLEDGE = OrganizationKind.KNOWLEDGE_INSTITUTION
SUPPORT = OrganizationKind.SUPPORT_ORGANISATION

APPROVED = NetworkMembershipStatus.APPROVED
PENDING = NetworkMembershipStatus.PENDING
REJECTED = NetworkMembershipStatus.REJECTED
SUSPENDED = NetworkMembershipStatus.SUSPENDED


# --- shapes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    language: str = "nl"
    role: str = OWNER  # role in the organization that lists the person
    time_zone: str = BRU


@dataclass(frozen=True)
class DemoNetwork:
    slug: str
    name: str
    region: str
    languages: tuple[str, ...]
    admission_policy: str
    clusters: tuple[str, ...]
    operator: str  # e-mail of the operator (the superuser operates every network too)
    description: str


@dataclass(frozen=True)
class DemoSite:
    name: str
    street: str
    postal_code: str
    city: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class DemoApplication:
    network: str  # slug
    clusters: tuple[str, ...]  # cluster names of that network
    outcome: str = APPROVED  # approved, pending, rejected or suspended
    motivation: str = ""
    note: str = ""  # the operator's note on a rejection or suspension


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    kind: str
    country: str
    enterprise_number: str
    sectors: tuple[str, ...]
    certifications: tuple[str, ...]
    description: str
    website: str
    sites: tuple[DemoSite, ...]  # the first is the main site
    people: tuple[DemoPerson, ...]  # the first is the owner who creates the organization
    applications: tuple[DemoApplication, ...]  # the first names the home network

    @property
    def home_network(self) -> str:
        return self.applications[0].network


@dataclass(frozen=True)
class DemoInvitation:
    organization: str
    email: str
    role: str
    invited_by: str


@dataclass(frozen=True)
class DemoJoinRequest:
    organization: str
    email: str
    message: str


@dataclass
class DemoContext:
    """What the seed steps share: the objects created so far, keyed the way the data names them,
    and summary lines for the command to print."""

    password: str = DEMO_PASSWORD
    users: dict[str, User] = field(default_factory=dict)  # by e-mail
    networks: dict[str, Network] = field(default_factory=dict)  # by slug
    clusters: dict[tuple[str, str], Cluster] = field(default_factory=dict)  # (slug, name)
    organizations: dict[str, Organization] = field(default_factory=dict)  # by name
    summary: list[str] = field(default_factory=list)


# --- networks --------------------------------------------------------------------------------

NETWORKS: tuple[DemoNetwork, ...] = (
    DemoNetwork(
        slug="limburg", name="Limburg Maakt", region="Limburg (BE)",
        languages=("nl", "en", "fr"), admission_policy=AdmissionPolicy.APPROVAL,
        clusters=("Automotive", "New materials", "Machine building", "Food"),
        operator="operator.limburg@fabshare.test",
        description=(
            "The sharing platform of Limburg's manufacturers: automotive suppliers, materials "
            "companies and machine builders open their idle machines, labs and experts to "
            "start-ups and SMEs, and share knowledge on the shop floor."
        ),
    ),
    DemoNetwork(
        slug="west-vlaanderen", name="West-Vlaanderen Werkt", region="West-Vlaanderen",
        languages=("nl", "en", "fr"), admission_policy=AdmissionPolicy.OPEN,
        clusters=("Food", "Blue energy", "Machine building", "Textiles"),
        operator="operator.west-vlaanderen@fabshare.test",
        description=(
            "An open network of West Flemish food processors, machine builders, textile "
            "companies and the blue-energy cluster at the coast. Every manufacturing company "
            "in the province can join."
        ),
    ),
    DemoNetwork(
        slug="noord-nederland", name="Noord-Nederland Maakt",
        region="Groningen, Friesland and Drenthe",
        languages=("nl", "en", "de"), admission_policy=AdmissionPolicy.APPROVAL,
        clusters=("Plastics", "Maritime", "Energy transition", "Agri-tech"),
        operator="operator.noord-nederland@fabshare.test",
        description=(
            "Manufacturers, shipyards, institutes and start-ups of the three northern "
            "provinces share capacity for plastics, maritime, agri-tech and the energy "
            "transition."
        ),
    ),
)

# People who belong to no demo organization (or not yet).
OTHER_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin@fabshare.test", "Fabshare Admin", "en"),
    DemoPerson("newcomer@fabshare.test", "Jonas Becker", "de", MEMBER),
    DemoPerson("pieter.hermans@fabshare.test", "Pieter Hermans", "nl", MEMBER),
)
SUPERUSERS = ("admin@fabshare.test",)


# --- organizations ---------------------------------------------------------------------------

LIMBURG: tuple[DemoOrganization, ...] = (
    DemoOrganization(
        name="Kolenspoor Precision NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0412.345.713",
        sectors=("Automotive", "Precision machining"),
        certifications=("IATF 16949", "ISO 9001", "ISO 14001"),
        description=(
            "Tier-2 automotive supplier machining aluminium and steel housings. Two 5-axis "
            "machining centres (735 × 650 × 560 mm) and a CMM run one shift only: about 60 "
            "machine hours a week are free, with or without an operator. The Maasmechelen hall "
            "adds a 250 t hydraulic press and floor space for assembly lines."
        ),
        website="https://kolenspoor.example",
        sites=(
            DemoSite("Genk plant", "Henry Fordlaan 14", "3600", "Genk", 50.9483, 5.5360),
            DemoSite("Maasmechelen hall", "Rijksweg 512", "3630", "Maasmechelen",
                     50.9890, 5.6870),
        ),
        people=(
            DemoPerson("provider.owner@fabshare.test", "Koen Janssens", "nl", OWNER),
            DemoPerson("provider.admin@fabshare.test", "Ilse Martens", "nl", ADMIN),
            DemoPerson("provider.member@fabshare.test", "Julien Lambert", "fr", MEMBER),
        ),
        applications=(
            DemoApplication("limburg", ("Automotive", "Machine building"), motivation=(
                "We want to fill our second shift and open our measuring room to start-ups "
                "in the region.")),
        ),
    ),
    DemoOrganization(
        name="Haspengouw Laserwerk BV", kind=SME, country="BE",
        enterprise_number="0491.545.025",
        sectors=("Sheet metal", "Food equipment"),
        certifications=("EN 1090", "ISO 9001"),
        description=(
            "Fibre laser cutting (6 kW, 3 × 1.5 m sheets, steel up to 25 mm), two press brakes "
            "(135 t and 230 t, 4 m) and TIG welding of stainless steel for fruit-processing "
            "equipment. After the harvest season, from November to March, the laser runs at "
            "half capacity."
        ),
        website="https://haspengouw-laserwerk.example",
        sites=(DemoSite("Workshop", "Schurhovenveld 4102", "3800", "Sint-Truiden",
                        50.8310, 5.2010),),
        people=(
            DemoPerson("tom.vandeput@haspengouw-laserwerk.test", "Tom Vandeput", "nl", OWNER),
            DemoPerson("lies.stas@haspengouw-laserwerk.test", "Lies Stas", "nl", ADMIN),
        ),
        applications=(DemoApplication("limburg", ("Machine building", "Food")),),
    ),
    DemoOrganization(
        name="Boomgaard Coolstore NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0570.744.337",
        sectors=("Food", "Fruit processing", "Cold chain"),
        certifications=("FSSC 22000", "ISO 14001"),
        description=(
            "Packing and storage of Haspengouw fruit: controlled-atmosphere cold stores for "
            "12,000 bins, a juice press and a pasteuriser (3,000 l/h). From May to August the "
            "press line and two cold cells stand idle and can be rented with our operators."
        ),
        website="https://boomgaard-coolstore.example",
        sites=(DemoSite("Fruit centre", "Tiensesteenweg 320", "3800", "Sint-Truiden",
                        50.8050, 5.1720),),
        people=(
            DemoPerson("griet.lenaerts@boomgaard.test", "Griet Lenaerts", "nl", OWNER),
            DemoPerson("bart.moons@boomgaard.test", "Bart Moons", "nl", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("Food",)),),
    ),
    DemoOrganization(
        name="Demerstaal Constructies NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0649.943.649",
        sectors=("Steel construction", "Machine frames"),
        certifications=("EN 1090", "ISO 3834", "ISO 9001"),
        description=(
            "Steel structures and welded machine frames up to 12 m and 20 t. Certified welders "
            "(EN ISO 9606-1), a CNC plasma table of 12 × 3 m and two 10 t overhead cranes. Our "
            "welding bay and welding coordinators are available between projects."
        ),
        website="https://demerstaal.example",
        sites=(DemoSite("Plant Hasselt", "Kuringersteenweg 540", "3500", "Hasselt",
                        50.9460, 5.3120),),
        people=(
            DemoPerson("dirk.peeters@demerstaal.test", "Dirk Peeters", "nl", OWNER),
            DemoPerson("evi.jacobs@demerstaal.test", "Evi Jacobs", "nl", ADMIN),
            DemoPerson("sam.nijs@demerstaal.test", "Sam Nijs", "nl", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("Machine building",)),),
    ),
    DemoOrganization(
        name="Lommelzand Silicaten NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0729.142.961",
        sectors=("Minerals", "Glass", "Battery materials"),
        certifications=("ISO 9001", "ISO 14001"),
        description=(
            "Washing, drying and classifying of high-purity quartz sand. We share a rotary-kiln "
            "pilot line (up to 1,200 °C, 50 kg/h), a particle-size and XRF lab, and our process "
            "engineers' know-how of minerals for glass, foundries and battery materials."
        ),
        website="https://lommelzand.example",
        sites=(DemoSite("Quarry and plant", "Maatheidelaan 40", "3920", "Lommel",
                        51.2150, 5.2850),),
        people=(
            DemoPerson("hilde.geboers@lommelzand.test", "Hilde Geboers", "nl", OWNER),
            DemoPerson("pieterjan.hendrickx@lommelzand.test", "Pieter-Jan Hendrickx", "nl",
                       ADMIN),
        ),
        applications=(DemoApplication("limburg", ("New materials",)),),
    ),
    DemoOrganization(
        name="Balendijk Additive BV", kind=SME, country="BE",
        enterprise_number="0808.342.273",
        sectors=("Additive manufacturing", "Aerospace", "Tooling"),
        certifications=("AS9100", "ISO 9001"),
        description=(
            "Metal additive manufacturing: two laser powder-bed fusion machines "
            "(250 × 250 × 300 mm) for titanium, Inconel and tool steel, a stress-relief furnace "
            "and wire EDM. Build-plate time is free at weekends; we advise on design for AM."
        ),
        website="https://balendijk-additive.example",
        sites=(DemoSite("Print shop", "Balendijk 210", "3920", "Lommel", 51.2450, 5.3250),),
        people=(
            DemoPerson("jeroen.thys@balendijk.test", "Jeroen Thys", "nl", OWNER),
            DemoPerson("anke.bollen@balendijk.test", "Anke Bollen", "en", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("New materials", "Automotive")),),
    ),
    DemoOrganization(
        name="Agora Materials Institute vzw", kind=KNOWLEDGE, country="BE",
        enterprise_number="0887.541.585",
        sectors=("Research", "Materials testing"),
        certifications=("ISO/IEC 17025",),
        description=(
            "Applied research on materials and surfaces. Our accredited lab does tensile and "
            "fatigue testing, SEM/EDX, DSC/TGA and climate-chamber ageing; researchers join "
            "start-ups and SMEs for short feasibility studies. Lab slots are released every "
            "Monday."
        ),
        website="https://agora-materials.example",
        sites=(DemoSite("Lab building", "Wetenschapspark 7", "3590", "Diepenbeek",
                        50.9290, 5.3930),),
        people=(
            DemoPerson("katrien.vrancken@agora-materials.test", "Katrien Vrancken", "nl", OWNER),
            DemoPerson("mathieu.leclercq@agora-materials.test", "Mathieu Leclercq", "fr", ADMIN),
            DemoPerson("priya.raman@agora-materials.test", "Priya Raman", "en", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("New materials", "Automotive")),),
    ),
    DemoOrganization(
        name="Voltwerk Robotics BV", kind=STARTUP, country="BE",
        enterprise_number="0466.740.838",
        sectors=("Robotics", "Intralogistics"),
        certifications=(),
        description=(
            "Start-up building autonomous mobile robots for warehouses. We look for 5-axis "
            "machining of aluminium parts, sheet-metal housings and a test hall with a flat "
            "floor; in return our engineers help with robot integration and ROS."
        ),
        website="https://voltwerk.example",
        sites=(DemoSite("Office and lab", "Wetenschapspark 23", "3590", "Diepenbeek",
                        50.9250, 5.3890),),
        people=(
            DemoPerson("founder@fabshare.test", "Sofie Claes", "en", OWNER),
            DemoPerson("arne.wouters@voltwerk.test", "Arne Wouters", "nl", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("Automotive", "Machine building"),
                                      motivation="We need prototypes made close to home."),),
    ),
    DemoOrganization(
        name="Koolmijn Hydraulics NV", kind=SME, country="BE",
        enterprise_number="0545.940.150",
        sectors=("Hydraulics", "Maintenance"),
        certifications=("ISO 9001",),
        description=(
            "Repair and manufacture of hydraulic cylinders up to 6 m stroke: honing, chrome "
            "plating with a partner and a 700 bar test bench that is free most afternoons. "
            "Former mine mechanics with 30 years of experience in heavy equipment."
        ),
        website="https://koolmijn-hydraulics.example",
        sites=(DemoSite("Workshop", "Koolmijnlaan 175", "3582", "Beringen", 51.0600, 5.2350),),
        people=(DemoPerson("luc.vandebroek@koolmijn.test", "Luc Vandebroek", "nl", OWNER),),
        applications=(DemoApplication("limburg", ("Machine building",)),),
    ),
    DemoOrganization(
        name="Jekerdal Verpakking NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0625.139.462",
        sectors=("Packaging", "Food"),
        certifications=("FSSC 22000", "ISO 9001"),
        description=(
            "Thermoforming and flow-wrapping of food packaging. Two thermoforming lines (film "
            "up to 720 mm wide) and a clean packing room run four days a week; the fifth day "
            "and the night shift are open for co-packing trials."
        ),
        website="https://jekerdal.example",
        sites=(DemoSite("Packaging plant", "Overhaemlaan 12", "3700", "Tongeren",
                        50.7700, 5.4820),),
        people=(
            DemoPerson("veerle.schoofs@jekerdal.test", "Veerle Schoofs", "nl", OWNER),
            DemoPerson("nicolas.renard@jekerdal.test", "Nicolas Renard", "fr", ADMIN),
        ),
        applications=(DemoApplication("limburg", ("Food",)),),
    ),
    DemoOrganization(
        name="Maaskant Composites NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0704.338.774",
        sectors=("Composites", "Aerospace", "Wind energy"),
        certifications=("AS9100", "ISO 9001", "ISO 14001"),
        description=(
            "Carbon and glass-fibre parts from prepreg and infusion: an autoclave (2.5 × 6 m, "
            "10 bar, 200 °C) that is idle at night, a 5-axis trimming router and ultrasonic "
            "C-scan inspection. We also make repair kits for wind-turbine blades."
        ),
        website="https://maaskant-composites.example",
        sites=(DemoSite("Composites plant", "Steenkoolstraat 9", "3630", "Maasmechelen",
                        50.9560, 5.7060),),
        people=(
            DemoPerson("stijn.vanhoudt@maaskant.test", "Stijn Vanhoudt", "nl", OWNER),
            DemoPerson("laura.gielen@maaskant.test", "Laura Gielen", "en", ADMIN),
        ),
        applications=(
            DemoApplication("limburg", ("New materials", "Automotive")),
            DemoApplication("west-vlaanderen", ("Blue energy",), motivation=(
                "Blade repair kits and composite parts for offshore wind at the coast.")),
        ),
    ),
    DemoOrganization(
        name="Heidevelden Metrologie BV", kind=SME, country="BE",
        enterprise_number="0783.538.086",
        sectors=("Metrology", "Quality control"),
        certifications=("ISO 9001", "ISO/IEC 17025"),
        description=(
            "Dimensional inspection as a service: a gantry CMM (3 × 2 × 1.5 m), a "
            "structured-light 3D scanner and CT scanning of small plastic parts, plus "
            "accredited calibration of gauges. The measuring room is free on Tuesdays and "
            "Thursdays."
        ),
        website="https://heidevelden.example",
        sites=(DemoSite("Measuring room", "Heidestraat 120", "3630", "Maasmechelen",
                        50.9730, 5.6800),),
        people=(DemoPerson("wim.drijkoningen@heidevelden.test", "Wim Drijkoningen", "nl",
                           OWNER),),
        applications=(DemoApplication("limburg", ("Automotive",)),),
    ),
    DemoOrganization(
        name="Kiewit Electronics Assembly BV", kind=SME, country="BE",
        enterprise_number="0862.737.301",
        sectors=("Electronics", "Medical devices"),
        certifications=("ISO 9001", "ISO 13485"),
        description=(
            "PCB assembly: an SMT line (0201 to BGA), selective soldering, conformal coating "
            "and box build, for series from 10 to 5,000 boards. The line has about 25 free "
            "hours a week for start-up prototypes."
        ),
        website="https://kiewit-electronics.example",
        sites=(DemoSite("Assembly plant", "Kiewitstraat 210", "3500", "Hasselt",
                        50.9580, 5.3480),),
        people=(
            DemoPerson("ellen.bosmans@kiewit-electronics.test", "Ellen Bosmans", "nl", OWNER),
            DemoPerson("yannick.mertens@kiewit-electronics.test", "Yannick Mertens", "fr",
                       MEMBER),
        ),
        applications=(DemoApplication("limburg", ("Automotive",)),),
    ),
    DemoOrganization(
        name="Slakwol Circular BV", kind=STARTUP, country="BE",
        enterprise_number="0441.936.651",
        sectors=("Circular materials", "Insulation"),
        certifications=(),
        description=(
            "Start-up turning steel slag into mineral-wool insulation. We need furnace time "
            "above 1,400 °C, milling and sieving and lab analysis; our pilot spinning wheel is "
            "open to other materials start-ups."
        ),
        website="https://slakwol.example",
        sites=(DemoSite("Pilot hall", "Evence Coppéelaan 91", "3600", "Genk", 50.9790, 5.4880),),
        people=(DemoPerson("ruben.nelissen@slakwol.test", "Ruben Nelissen", "en", OWNER),),
        applications=(DemoApplication("limburg", ("New materials",)),),
    ),
    DemoOrganization(
        name="Loopbrug Mobility BV", kind=STARTUP, country="BE",
        enterprise_number="0521.135.963",
        sectors=("Bicycles", "E-mobility"),
        certifications=(),
        description=(
            "Start-up designing cargo e-bikes for city logistics. We look for tube bending, "
            "robot welding of aluminium frames, powder coating and a test track; a pilot series "
            "of 200 frames is planned."
        ),
        website="https://loopbrug.example",
        sites=(DemoSite("Studio", "Kempische Steenweg 293", "3500", "Hasselt",
                        50.9480, 5.3560),),
        people=(
            DemoPerson("hanne.vos@loopbrug.test", "Hanne Vos", "nl", OWNER),
            DemoPerson("omar.haddad@loopbrug.test", "Omar Haddad", "en", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("Automotive", "Machine building")),),
    ),
    DemoOrganization(
        name="Perovia Solar BV", kind=STARTUP, country="BE",
        enterprise_number="0600.335.275",
        sectors=("Solar", "Thin films"),
        certifications=(),
        description=(
            "Spin-off developing perovskite-on-silicon tandem solar cells. We need cleanroom "
            "hours, laser scribing and climate-chamber testing; our slot-die coater is "
            "available to partners."
        ),
        website="https://perovia.example",
        sites=(DemoSite("Lab", "Wetenschapspark 31", "3590", "Diepenbeek", 50.9270, 5.3960),),
        people=(DemoPerson("applicant@fabshare.test", "Camille Dubois", "fr", OWNER),),
        applications=(DemoApplication("limburg", ("New materials",), outcome=PENDING,
                                      motivation=(
            "We are scaling up from the lab to a pilot line and look for cleanroom and "
            "laser capacity nearby.")),),
    ),
    DemoOrganization(
        name="Maakregio Limburg vzw", kind=SUPPORT, country="BE",
        enterprise_number="0679.534.587",
        sectors=("Regional development",),
        certifications=(),
        description=(
            "Operator of Limburg Maakt: we connect factories with idle capacity to start-ups "
            "and SMEs, organise masterclasses on the shop floor and publish the network's "
            "impact reports."
        ),
        website="https://maakregio-limburg.example",
        sites=(DemoSite("Office", "Kunstlaan 18", "3500", "Hasselt", 50.9270, 5.3400),),
        people=(DemoPerson("operator.limburg@fabshare.test", "Els Smeets", "nl", OWNER),),
        applications=(DemoApplication(
            "limburg", ("Automotive", "New materials", "Machine building", "Food")),),
    ),
    DemoOrganization(
        name="Technicum Genk Training Centre vzw", kind=KNOWLEDGE, country="BE",
        enterprise_number="0758.733.802",
        sectors=("Training", "Vocational education"),
        certifications=("ISO 9001",),
        description=(
            "Technical training centre with CNC turning and milling cells, a welding school "
            "with 12 booths and a PLC lab. The workshops are free in the evenings and during "
            "school holidays; our trainers give masterclasses on site."
        ),
        website="https://technicum-genk.example",
        sites=(DemoSite("Campus", "Stalenstraat 32", "3600", "Genk", 50.9620, 5.4980),),
        people=(
            DemoPerson("geert.cuypers@technicum-genk.test", "Geert Cuypers", "nl", OWNER),
            DemoPerson("fatima.ouali@technicum-genk.test", "Fatima Ouali", "nl", ADMIN),
        ),
        applications=(DemoApplication("limburg", ("Machine building", "Automotive")),),
    ),
    DemoOrganization(
        name="Zwartberg Stamping NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0837.933.114",
        sectors=("Automotive", "Metal stamping"),
        certifications=("IATF 16949", "ISO 9001", "ISO 14001"),
        description=(
            "Stamping of body and chassis parts: an 800 t transfer press, two progressive-die "
            "presses (250 t and 400 t) and in-house die maintenance. Since a vehicle programme "
            "ended, the 400 t press has about two free shifts a week."
        ),
        website="https://zwartberg-stamping.example",
        sites=(DemoSite("Press shop", "Hoevenzavellaan 25", "3600", "Genk", 51.0040, 5.5220),),
        people=(
            DemoPerson("peter.coenen@zwartberg.test", "Peter Coenen", "nl", OWNER),
            DemoPerson("sarah.lemmens@zwartberg.test", "Sarah Lemmens", "nl", ADMIN),
            DemoPerson("michel.dupont@zwartberg.test", "Michel Dupont", "fr", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("Automotive",)),),
    ),
    DemoOrganization(
        name="Paalse Poedercoating BV", kind=SME, country="BE",
        enterprise_number="0417.132.464",
        sectors=("Surface treatment", "Powder coating"),
        certifications=("ISO 9001", "Qualicoat"),
        description=(
            "Powder-coating line for parts up to 7 × 2 × 0.8 m, sandblasting and zinc-phosphate "
            "pretreatment. Colour changes in 15 minutes make small batches affordable; the line "
            "has free slots on Fridays."
        ),
        website="https://paalse-poedercoating.example",
        sites=(DemoSite("Coating plant", "Nijverheidsstraat 14", "3583", "Beringen",
                        51.0390, 5.1730),),
        people=(DemoPerson("kristof.bijnens@paalse-poedercoating.test", "Kristof Bijnens",
                           "nl", OWNER),),
        applications=(DemoApplication("limburg", ("Machine building", "Automotive")),),
    ),
    DemoOrganization(
        name="Kristalpark Extrusion NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0496.331.776",
        sectors=("Aluminium", "Automotive", "Construction"),
        certifications=("IATF 16949", "ISO 9001", "ISO 14001"),
        description=(
            "Aluminium extrusion presses (7 and 9 inch billets), ageing ovens and CNC machining "
            "of profiles up to 7 m. We offer press time for short runs of special profiles and "
            "our die-design expertise."
        ),
        website="https://kristalpark-extrusion.example",
        sites=(DemoSite("Extrusion plant", "Kristalpark 14", "3920", "Lommel",
                        51.2420, 5.3440),),
        people=(
            DemoPerson("bram.smolders@kristalpark.test", "Bram Smolders", "nl", OWNER),
            DemoPerson("jana.heeren@kristalpark.test", "Jana Heeren", "nl", MEMBER),
        ),
        applications=(DemoApplication("limburg", ("Automotive", "New materials")),),
    ),
    DemoOrganization(
        name="Brustem Aero Parts BV", kind=SME, country="BE",
        enterprise_number="0575.531.088",
        sectors=("Aerospace", "Precision machining"),
        certifications=("AS9100", "ISO 9001"),
        description=(
            "Machining of aircraft brackets and fittings in titanium and aluminium on 5-axis "
            "centres. We share our first-article-inspection know-how and look for "
            "heat-treatment capacity."
        ),
        website="https://brustem-aero.example",
        sites=(DemoSite("Hangar 3", "Vliegveldlaan 8", "3800", "Sint-Truiden",
                        50.7930, 5.2100),),
        people=(
            DemoPerson("annelies.jorissen@brustem-aero.test", "Annelies Jorissen", "nl", OWNER),
            DemoPerson("thomas.mueller@brustem-aero.test", "Thomas Müller", "de", ADMIN),
        ),
        applications=(DemoApplication("limburg", ("Automotive", "Machine building"),
                                      outcome=PENDING, motivation=(
            "Aerospace machining shop looking for heat-treatment partners and for work to "
            "fill our 5-axis centres.")),),
    ),
    DemoOrganization(
        name="Kazerne Trading BV", kind=SME, country="BE",
        enterprise_number="0654.730.303",
        sectors=("Distribution", "Fasteners"),
        certifications=(),
        description="Distributor of fasteners and industrial consumables.",
        website="https://kazerne-trading.example",
        sites=(DemoSite("Warehouse", "Kazernestraat 3", "3800", "Sint-Truiden",
                        50.8180, 5.1900),),
        people=(DemoPerson("dries.lambrechts@kazerne-trading.test", "Dries Lambrechts", "nl",
                           OWNER),),
        applications=(DemoApplication(
            "limburg", ("Machine building",), outcome=REJECTED,
            motivation="We would like to sell our fasteners to the members.",
            note=("Limburg Maakt shares production capacity and expertise; a distributor "
                  "without production does not meet the admission rules.")),),
    ),
)

WEST_VLAANDEREN: tuple[DemoOrganization, ...] = (
    DemoOrganization(
        name="Leieboord Textiles NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0733.929.615",
        sectors=("Technical textiles", "Weaving"),
        certifications=("ISO 9001", "ISO 14001", "OEKO-TEX Standard 100"),
        description=(
            "Weaving of technical fabrics (glass, aramid, polyester) on 40 rapier looms up to "
            "3.6 m wide, plus a coating line. The night shift on eight looms is free for "
            "sampling and short runs."
        ),
        website="https://leieboord.example",
        sites=(DemoSite("Weaving mill", "Kapel ter Bede 84", "8500", "Kortrijk",
                        50.8400, 3.2900),),
        people=(
            DemoPerson("stefaan.deconinck@leieboord.test", "Stefaan Deconinck", "nl", OWNER),
            DemoPerson("charlotte.vermeersch@leieboord.test", "Charlotte Vermeersch", "nl",
                       ADMIN),
            DemoPerson("elodie.leroy@leieboord.test", "Élodie Leroy", "fr", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Textiles",)),),
    ),
    DemoOrganization(
        name="Broeltorens Machinebouw NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0813.128.927",
        sectors=("Machine building", "Food-processing equipment"),
        certifications=("EN 1090", "ISO 3834", "ISO 9001"),
        description=(
            "Design and build of food-processing machines: large 5-axis milling (4 m), "
            "stainless welding, electrical cabinets and an assembly hall. The Menen hall has "
            "floor space and a 20 t crane free for customer projects; our design office has "
            "engineers available for CE and automation studies."
        ),
        website="https://broeltorens.example",
        sites=(
            DemoSite("Head office and machining", "Doorniksesteenweg 220", "8500", "Kortrijk",
                     50.8150, 3.2450),
            DemoSite("Assembly hall Menen", "Kortrijkstraat 315", "8930", "Menen",
                     50.8000, 3.1450),
        ),
        people=(
            DemoPerson("joris.vandamme@broeltorens.test", "Joris Vandamme", "nl", OWNER),
            DemoPerson("lieselot.callens@broeltorens.test", "Lieselot Callens", "nl", ADMIN),
            DemoPerson("antoine.lefebvre@broeltorens.test", "Antoine Lefebvre", "fr", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Machine building", "Food")),),
    ),
    DemoOrganization(
        name="Vlasgaard Flax Composites BV", kind=STARTUP, country="BE",
        enterprise_number="0892.328.239",
        sectors=("Natural-fibre composites",),
        certifications=(),
        description=(
            "Start-up making panels from flax fibre and bio-based resin. We need a heated press "
            "(at least 2 × 1 m), CNC routing and mechanical testing, and offer our knowledge "
            "of flax processing to textile partners."
        ),
        website="https://vlasgaard.example",
        sites=(DemoSite("Workshop", "Hoveniersstraat 12", "8500", "Kortrijk", 50.8250, 3.2680),),
        people=(DemoPerson("lotte.desmet@vlasgaard.test", "Lotte Desmet", "en", OWNER),),
        applications=(DemoApplication("west-vlaanderen", ("Textiles", "Machine building")),),
    ),
    DemoOrganization(
        name="Vezelhuis Test Lab vzw", kind=KNOWLEDGE, country="BE",
        enterprise_number="0471.527.589",
        sectors=("Textile testing", "Research"),
        certifications=("ISO/IEC 17025",),
        description=(
            "Accredited test lab for textiles and composites: tensile, abrasion (Martindale), "
            "flammability and UV ageing. Our engineers advise SMEs on smart textiles and fibre "
            "recycling."
        ),
        website="https://vezelhuis.example",
        sites=(DemoSite("Test lab", "Beneluxpark 19", "8500", "Kortrijk", 50.8080, 3.2750),),
        people=(
            DemoPerson("annemie.vanneste@vezelhuis.test", "Annemie Vanneste", "nl", OWNER),
            DemoPerson("hugo.verhaeghe@vezelhuis.test", "Hugo Verhaeghe", "nl", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Textiles",)),),
    ),
    DemoOrganization(
        name="Kustwind Service NV", kind=SME, country="BE",
        enterprise_number="0550.726.804",
        sectors=("Offshore wind", "Maintenance"),
        certifications=("ISO 9001", "ISO 14001", "VCA**"),
        description=(
            "Service company for offshore wind farms: a blade-repair workshop (blade sections "
            "up to 40 m), bolt-tensioning tools and GWO-certified technicians. Between "
            "campaigns our workshop and crews are available."
        ),
        website="https://kustwind.example",
        sites=(DemoSite("Harbour workshop", "Slijkensesteenweg 45", "8400", "Oostende",
                        51.2280, 2.9500),),
        people=(
            DemoPerson("wouter.dewulf@kustwind.test", "Wouter Dewulf", "nl", OWNER),
            DemoPerson("emma.hughes@kustwind.test", "Emma Hughes", "en", ADMIN),
        ),
        applications=(
            DemoApplication("west-vlaanderen", ("Blue energy",)),
            DemoApplication("noord-nederland", ("Maritime", "Energy transition"), motivation=(
                "We service wind farms in the North Sea and look for partners near the "
                "Eemshaven.")),
        ),
    ),
    DemoOrganization(
        name="Spuikom Aquaculture BV", kind=STARTUP, country="BE",
        enterprise_number="0629.926.116",
        sectors=("Aquaculture", "Food"),
        certifications=(),
        description=(
            "Start-up farming oysters and seaweed at sea. We look for stainless-steel "
            "fabrication of cages, a food-grade processing room and cold storage, and share "
            "our offshore test site with blue-energy partners."
        ),
        website="https://spuikom-aquaculture.example",
        sites=(DemoSite("Base", "Vuurtorenweg 20", "8400", "Oostende", 51.2190, 2.9520),),
        people=(DemoPerson("jasper.vanhecke@spuikom.test", "Jasper Vanhecke", "nl", OWNER),),
        applications=(DemoApplication("west-vlaanderen", ("Food", "Blue energy")),),
    ),
    DemoOrganization(
        name="Vuurtoren Marine Engineering NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0709.125.428",
        sectors=("Ship repair", "Heavy machining"),
        certifications=("EN 1090", "ISO 3834", "ISO 9001"),
        description=(
            "Ship repair and heavy machining: a lathe for shafts up to 8 m long and 1.2 m in "
            "diameter, a horizontal boring mill, and welding of steel and aluminium. The "
            "boring mill is free about 40 % of the time."
        ),
        website="https://vuurtoren-marine.example",
        sites=(DemoSite("Quay workshop", "Hendrik Baelskaai 20", "8400", "Oostende",
                        51.2300, 2.9380),),
        people=(
            DemoPerson("frank.vandecasteele@vuurtoren.test", "Frank Vandecasteele", "nl",
                       OWNER),
            DemoPerson("kevin.maes@vuurtoren.test", "Kevin Maes", "nl", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Blue energy", "Machine building")),),
    ),
    DemoOrganization(
        name="Mandelvallei Diepvries NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0788.324.740",
        sectors=("Frozen vegetables", "Food"),
        certifications=("BRCGS Food", "FSSC 22000", "ISO 14001"),
        description=(
            "Frozen vegetables: blanchers, IQF tunnels (8 t/h) and storage at -25 °C. Outside "
            "the pea and bean harvest, from September to May, one IQF tunnel and a packing "
            "line are available for trials and co-manufacturing."
        ),
        website="https://mandelvallei.example",
        sites=(DemoSite("Freezing plant", "Oostnieuwkerksesteenweg 120", "8800", "Roeselare",
                        50.9280, 3.1100),),
        people=(
            DemoPerson("bart.vanhoutte@mandelvallei.test", "Bart Vanhoutte", "nl", OWNER),
            DemoPerson("nathalie.dumont@mandelvallei.test", "Nathalie Dumont", "fr", ADMIN),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Food",)),),
    ),
    DemoOrganization(
        name="Haven Roeselare Laswerken BV", kind=SME, country="BE",
        enterprise_number="0867.524.052",
        sectors=("Welding", "Steel construction"),
        certifications=("EN 1090", "ISO 3834", "ISO 9001"),
        description=(
            "Robot welding cells (two 6-axis robots with positioners) and manual MIG/TIG "
            "welding of steel and stainless steel. We take series of welded assemblies and "
            "lend our IWE welding engineer for procedure qualification."
        ),
        website="https://haven-laswerken.example",
        sites=(DemoSite("Welding shop", "Kachtemsestraat 400", "8800", "Roeselare",
                        50.9550, 3.1450),),
        people=(DemoPerson("sander.vercruysse@haven-laswerken.test", "Sander Vercruysse", "nl",
                           OWNER),),
        applications=(DemoApplication("west-vlaanderen", ("Machine building",)),),
    ),
    DemoOrganization(
        name="Maakbaar West vzw", kind=SUPPORT, country="BE",
        enterprise_number="0446.723.305",
        sectors=("Regional development",),
        certifications=(),
        description=(
            "Operator of West-Vlaanderen Werkt, the open network of factories, SMEs, start-ups "
            "and schools in the province. We organise company visits and match questions with "
            "the right partner."
        ),
        website="https://maakbaar-west.example",
        sites=(DemoSite("Office", "Stationsdreef 5", "8800", "Roeselare", 50.9460, 3.1250),),
        people=(DemoPerson("operator.west-vlaanderen@fabshare.test", "Barbara Verbeke", "nl",
                           OWNER),),
        applications=(DemoApplication(
            "west-vlaanderen", ("Food", "Blue energy", "Machine building", "Textiles")),),
    ),
    DemoOrganization(
        name="Ieperlee Gieterij NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0525.922.617",
        sectors=("Foundry", "Machine parts"),
        certifications=("ISO 9001", "ISO 14001"),
        description=(
            "Grey and ductile iron sand casting from 5 kg to 3 t, a core shop, a heat-treatment "
            "furnace and machining. Moulding-line capacity for pattern trials is free on "
            "Wednesdays."
        ),
        website="https://ieperlee-gieterij.example",
        sites=(DemoSite("Foundry", "Industrielaan 8", "8900", "Ieper", 50.8650, 2.8950),),
        people=(
            DemoPerson("geert.demeyer@ieperlee.test", "Geert Demeyer", "nl", OWNER),
            DemoPerson("chloe.martin@ieperlee.test", "Chloé Martin", "fr", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Machine building",)),),
    ),
    DemoOrganization(
        name="Leiebrug Plastics BV", kind=SME, country="BE",
        enterprise_number="0605.121.929",
        sectors=("Injection moulding", "Medical devices"),
        certifications=("ISO 9001", "ISO 13485"),
        description=(
            "Injection moulding from 50 to 800 t, two-component moulding and an ISO class 7 "
            "cleanroom for medical parts. Mould trials and short runs are possible on our "
            "250 t machine, which has spare capacity."
        ),
        website="https://leiebrug-plastics.example",
        sites=(DemoSite("Moulding plant", "Wervikstraat 210", "8930", "Menen",
                        50.7930, 3.1000),),
        people=(
            DemoPerson("ann.vandewalle@leiebrug.test", "Ann Vandewalle", "nl", OWNER),
            DemoPerson("pierre.gevaert@leiebrug.test", "Pierre Gevaert", "fr", ADMIN),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Machine building", "Food")),),
    ),
    DemoOrganization(
        name="Zeebrugge Maritime Training Institute vzw", kind=KNOWLEDGE, country="BE",
        enterprise_number="0684.321.241",
        sectors=("Maritime training", "Offshore safety"),
        certifications=("ISO 9001",),
        description=(
            "Training centre for maritime and offshore crews: bridge and engine-room "
            "simulators, a sea-survival pool and a welding workshop. The simulators are free "
            "most weekends for research and start-up testing."
        ),
        website="https://zeebrugge-mti.example",
        sites=(DemoSite("Training centre", "Isabellalaan 3", "8380", "Brugge",
                        51.3290, 3.1950),),
        people=(
            DemoPerson("dominique.pattyn@zeebrugge-mti.test", "Dominique Pattyn", "nl", OWNER),
            DemoPerson("mark.evans@zeebrugge-mti.test", "Mark Evans", "en", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Blue energy",)),),
    ),
    DemoOrganization(
        name="Reiestad Robotics BV", kind=STARTUP, country="BE",
        enterprise_number="0763.520.553",
        sectors=("Robotics", "Food processing"),
        certifications=(),
        description=(
            "Start-up automating fish filleting with vision-guided robots. We need machining "
            "of stainless parts, advice on hygienic design and a food-grade test room."
        ),
        website="https://reiestad-robotics.example",
        sites=(DemoSite("Lab", "Blankenbergse Steenweg 44", "8000", "Brugge",
                        51.2350, 3.2100),),
        people=(
            DemoPerson("elias.vermeulen@reiestad.test", "Elias Vermeulen", "en", OWNER),
            DemoPerson("ines.vanacker@reiestad.test", "Ines Van Acker", "nl", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Food", "Machine building")),),
    ),
    DemoOrganization(
        name="Polder Bakkerijmachines NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0842.719.865",
        sectors=("Bakery equipment", "Machine building"),
        certifications=("ISO 9001",),
        description=(
            "Dough dividers and proofers for industrial bakeries, with sheet metal, laser and "
            "3-axis machining in-house. Food start-ups can book our test bakery, baker "
            "included, on Mondays."
        ),
        website="https://polder-bakkerijmachines.example",
        sites=(DemoSite("Plant", "Pathoekeweg 60", "8000", "Brugge", 51.2280, 3.2300),),
        people=(
            DemoPerson("filip.rotsaert@polder-bm.test", "Filip Rotsaert", "nl", OWNER),
            DemoPerson("julie.baert@polder-bm.test", "Julie Baert", "nl", ADMIN),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Food", "Machine building")),),
    ),
    DemoOrganization(
        name="Gaverbeek Coatings BV", kind=SME, country="BE",
        enterprise_number="0421.919.118",
        sectors=("Surface treatment", "Industrial painting"),
        certifications=("ISO 9001", "ISO 14001"),
        description=(
            "Wet painting and powder coating for machine builders, with a 12 × 5 × 5 m paint "
            "booth and a 200 °C oven. Booth time is free on Fridays; we know corrosion "
            "protection to ISO 12944 (C4/C5)."
        ),
        website="https://gaverbeek-coatings.example",
        sites=(DemoSite("Paint shop", "Nijverheidslaan 18", "8790", "Waregem",
                        50.8700, 3.4400),),
        people=(DemoPerson("tim.verhelst@gaverbeek.test", "Tim Verhelst", "nl", OWNER),),
        applications=(DemoApplication("west-vlaanderen", ("Machine building",)),),
    ),
    DemoOrganization(
        name="Vijfseweg Technical Knitting BV", kind=SME, country="BE",
        enterprise_number="0501.118.430",
        sectors=("Knitting", "Technical textiles"),
        certifications=("ISO 9001", "OEKO-TEX Standard 100"),
        description=(
            "Circular and warp knitting of spacer fabrics for mattresses, car seats and "
            "medical braces. Two warp-knitting machines have open slots for sampling runs."
        ),
        website="https://vijfseweg-knitting.example",
        sites=(DemoSite("Knitting mill", "Vijfseweg 150", "8790", "Waregem", 50.8950, 3.4050),),
        people=(
            DemoPerson("katrien.decock@vijfseweg.test", "Katrien Decock", "nl", OWNER),
            DemoPerson("jonas.schneider@vijfseweg.test", "Jonas Schneider", "de", MEMBER),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Textiles",)),),
    ),
    DemoOrganization(
        name="Gullegem Aero Interiors NV", kind=MANUFACTURER, country="BE",
        enterprise_number="0580.317.742",
        sectors=("Aerospace", "Cabin interiors"),
        certifications=("AS9100", "ISO 9001"),
        description=(
            "Aircraft seat covers and cabin panels: technical sewing, leather cutting on a "
            "digital cutter and honeycomb-panel bonding. Our flammability lab and cutting table "
            "have free capacity."
        ),
        website="https://gullegem-aero.example",
        sites=(DemoSite("Plant", "Luchthavenlaan 2", "8560", "Wevelgem", 50.8180, 3.2110),),
        people=(
            DemoPerson("veronique.delannoy@gullegem-aero.test", "Véronique Delannoy", "fr",
                       OWNER),
            DemoPerson("robin.debruyne@gullegem-aero.test", "Robin Debruyne", "nl", ADMIN),
        ),
        applications=(DemoApplication("west-vlaanderen", ("Textiles",)),),
    ),
    DemoOrganization(
        name="Poelberg Lasersnijden BV", kind=SME, country="BE",
        enterprise_number="0659.517.054",
        sectors=("Laser cutting", "Sheet metal"),
        certifications=("ISO 9001",),
        description=(
            "A 10 kW flat-bed laser, a tube laser for profiles up to 200 mm and bending. Fast "
            "turnaround for prototypes."
        ),
        website="https://poelberg-laser.example",
        sites=(DemoSite("Workshop", "Brugsesteenweg 130", "8700", "Tielt", 51.0100, 3.3200),),
        people=(DemoPerson("yves.vanoverberghe@poelberg.test", "Yves Vanoverberghe", "nl",
                           OWNER),),
        applications=(DemoApplication(
            "west-vlaanderen", ("Machine building",), outcome=SUSPENDED,
            note=("Suspended after repeated reports that published capacity was not "
                  "available; to be reinstated after a review with the owner.")),),
    ),
)

NOORD_NEDERLAND: tuple[DemoOrganization, ...] = (
    DemoOrganization(
        name="Smelne Kunststoffen BV", kind=MANUFACTURER, country="NL",
        enterprise_number="01098765",
        sectors=("Injection moulding", "Medical devices", "Consumer products"),
        certifications=("ISO 9001", "ISO 13485"),
        description=(
            "High-precision injection moulding (35–450 t), two-component moulding and a "
            "class 8 cleanroom, with our own mould shop and wire EDM. Two presses are free for "
            "pilot series."
        ),
        website="https://smelne-kunststoffen.example",
        sites=(DemoSite("Plant", "De Hemmen 14", "9206", "Drachten", 53.0980, 6.1120),),
        people=(
            DemoPerson("sjoerd.devries@smelne.test", "Sjoerd de Vries", "nl", OWNER, AMS),
            DemoPerson("anouk.bakker@smelne.test", "Anouk Bakker", "nl", ADMIN, AMS),
            DemoPerson("lukas.weber@smelne.test", "Lukas Weber", "de", MEMBER, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Plastics",)),),
    ),
    DemoOrganization(
        name="Drachtster Mechatronica BV", kind=SME, country="NL",
        enterprise_number="01176543",
        sectors=("Mechatronics", "Assembly"),
        certifications=("ISO 9001",),
        description=(
            "Assembly of mechatronic modules for agricultural and medical machines: cleanroom "
            "assembly, cable harnesses and end-of-line testing. Our test engineers have spare "
            "hours to build test rigs."
        ),
        website="https://drachtster-mechatronica.example",
        sites=(DemoSite("Assembly hall", "Nijverheidsweg 40", "9201", "Drachten",
                        53.1150, 6.0850),),
        people=(DemoPerson("hylke.postma@drachtster.test", "Hylke Postma", "nl", OWNER, AMS),),
        applications=(DemoApplication("noord-nederland", ("Agri-tech", "Plastics")),),
    ),
    DemoOrganization(
        name="Hoogeveense Plaatbewerking BV", kind=SME, country="NL",
        enterprise_number="04102938",
        sectors=("Sheet metal", "Battery enclosures"),
        certifications=("EN 1090", "ISO 9001"),
        description=(
            "Laser cutting, punching, bending (up to 4 m, 320 t) and powder coating of "
            "enclosures. We build housings for battery storage; the laser is free in the "
            "evenings."
        ),
        website="https://hoogeveense-plaat.example",
        sites=(DemoSite("Plant", "Buitenvaart 1203", "7905", "Hoogeveen", 52.7350, 6.4500),),
        people=(
            DemoPerson("roelof.hoekstra@hoogeveense-plaat.test", "Roelof Hoekstra", "nl", OWNER,
                       AMS),
            DemoPerson("marloes.kuipers@hoogeveense-plaat.test", "Marloes Kuipers", "nl",
                       MEMBER, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Energy transition", "Agri-tech")),),
    ),
    DemoOrganization(
        name="Reestdal Rubber & Kunststof BV", kind=MANUFACTURER, country="NL",
        enterprise_number="02087451",
        sectors=("Rubber extrusion", "Automotive", "Construction"),
        certifications=("IATF 16949", "ISO 9001", "ISO 14001"),
        description=(
            "Extrusion of EPDM and TPE profiles, die making and vulcanisation tunnels. One "
            "extrusion line is free half of the week; we advise on materials for seals."
        ),
        website="https://reestdal.example",
        sites=(DemoSite("Extrusion plant", "Edisonstraat 30", "7903", "Hoogeveen",
                        52.7100, 6.4900),),
        people=(
            DemoPerson("gerrit.lubbers@reestdal.test", "Gerrit Lubbers", "nl", OWNER, AMS),
            DemoPerson("svenja.krueger@reestdal.test", "Svenja Krüger", "de", ADMIN, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Plastics",)),),
    ),
    DemoOrganization(
        name="Hunze Polymer Research Centre", kind=KNOWLEDGE, country="NL",
        enterprise_number="01029384",
        sectors=("Polymer research", "Materials testing"),
        certifications=("ISO/IEC 17025",),
        description=(
            "Polymer chemistry and processing research: twin-screw compounding, rheology, DSC "
            "and mechanical testing accredited to ISO 527 and ISO 178. Researchers and "
            "technicians join companies for short feasibility projects."
        ),
        website="https://hunze-polymer.example",
        sites=(DemoSite("Research building", "Zernikelaan 17", "9747", "Groningen",
                        53.2400, 6.5350),),
        people=(
            DemoPerson("ingrid.wiersma@hunze-polymer.test", "Ingrid Wiersma", "nl", OWNER, AMS),
            DemoPerson("rahul.mehta@hunze-polymer.test", "Rahul Mehta", "en", ADMIN, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Plastics", "Energy transition")),),
    ),
    DemoOrganization(
        name="H2Wad BV", kind=STARTUP, country="NL",
        enterprise_number="68123457",
        sectors=("Hydrogen", "Electrolysers"),
        certifications=(),
        description=(
            "Start-up developing compact PEM electrolyser stacks. We look for precision "
            "machining of bipolar plates, a pressure test bench and a hall with a hydrogen "
            "safety zone; our test rig is open to partners."
        ),
        website="https://h2wad.example",
        sites=(DemoSite("Lab", "Zernikelaan 33", "9747", "Groningen", 53.2410, 6.5380),),
        people=(
            DemoPerson("femke.dijkstra@h2wad.test", "Femke Dijkstra", "en", OWNER, AMS),
            DemoPerson("jan.hoffmann@h2wad.test", "Jan Hoffmann", "de", MEMBER, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Energy transition",),
                                      outcome=PENDING, motivation=(
            "Our first 100 kW stack needs machining and test capacity in the north.")),),
    ),
    DemoOrganization(
        name="Damsterdiep Scheepswerf BV", kind=MANUFACTURER, country="NL",
        enterprise_number="71234508",
        sectors=("Shipbuilding", "Steel construction"),
        certifications=("EN 1090", "ISO 3834", "ISO 9001"),
        description=(
            "Building and repair of inland and short-sea vessels up to 110 m. The Groningen "
            "workshop has a 6 m press brake and CNC plasma cutting; the Delfzijl yard has a "
            "slipway and 60 t cranes that are free between newbuilds."
        ),
        website="https://damsterdiep.example",
        sites=(
            DemoSite("Workshop Groningen", "Driebondsweg 12", "9723", "Groningen",
                     53.2150, 6.6000),
            DemoSite("Yard Delfzijl", "Oosterhorn 30", "9936", "Delfzijl", 53.3150, 6.9350),
        ),
        people=(
            DemoPerson("klaas.mulder@damsterdiep.test", "Klaas Mulder", "nl", OWNER, AMS),
            DemoPerson("jelle.visser@damsterdiep.test", "Jelle Visser", "nl", ADMIN, AMS),
            DemoPerson("thomas.schulz@damsterdiep.test", "Thomas Schulz", "de", MEMBER, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Maritime", "Energy transition")),),
    ),
    DemoOrganization(
        name="Wadden Marine Electronics BV", kind=SME, country="NL",
        enterprise_number="01145236",
        sectors=("Marine electronics", "Automation"),
        certifications=("ISO 9001",),
        description=(
            "Design and installation of navigation, alarm and power-management systems for "
            "ships. Our panel-building workshop and factory-acceptance test room have free "
            "capacity; engineers are available for retrofits."
        ),
        website="https://wadden-marine.example",
        sites=(DemoSite("Workshop", "Celsiusweg 30", "8912", "Leeuwarden", 53.1900, 5.8200),),
        people=(DemoPerson("wietse.zijlstra@wadden-marine.test", "Wietse Zijlstra", "nl", OWNER,
                           AMS),),
        applications=(DemoApplication("noord-nederland", ("Maritime",)),),
    ),
    DemoOrganization(
        name="Elfsteden Zuiveltechniek BV", kind=MANUFACTURER, country="NL",
        enterprise_number="80312457",
        sectors=("Dairy equipment", "Stainless steel"),
        certifications=("ISO 3834", "ISO 9001"),
        description=(
            "Stainless process equipment for dairies: tanks, heat exchangers and CIP skids with "
            "hygienic orbital welding. Our polishing shop and orbital welders can be hired; "
            "there is free capacity in summer."
        ),
        website="https://elfsteden-zuivel.example",
        sites=(DemoSite("Plant", "Zwettestraat 20", "8912", "Leeuwarden", 53.2150, 5.8300),),
        people=(
            DemoPerson("douwe.bergsma@elfsteden.test", "Douwe Bergsma", "nl", OWNER, AMS),
            DemoPerson("sanne.vandermeer@elfsteden.test", "Sanne van der Meer", "nl", ADMIN,
                       AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Agri-tech",)),),
    ),
    DemoOrganization(
        name="Potmarge Water Technology Institute", kind=KNOWLEDGE, country="NL",
        enterprise_number="02034518",
        sectors=("Water technology", "Research"),
        certifications=("ISO/IEC 17025",),
        description=(
            "Water-technology research: membrane test rigs, a pilot hall for water treatment "
            "and an accredited water-analysis lab. We rent pilot-hall space and lend "
            "researchers to SMEs for feasibility tests."
        ),
        website="https://potmarge-water.example",
        sites=(DemoSite("Pilot hall", "Snekertrekweg 61", "8912", "Leeuwarden",
                        53.2000, 5.8100),),
        people=(
            DemoPerson("marije.terpstra@potmarge.test", "Marije Terpstra", "nl", OWNER, AMS),
            DemoPerson("ana.sousa@potmarge.test", "Ana Sousa", "en", MEMBER, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Energy transition", "Agri-tech")),),
    ),
    DemoOrganization(
        name="Bargermeer Vezels BV", kind=MANUFACTURER, country="NL",
        enterprise_number="04093827",
        sectors=("Synthetic fibres", "Polymers"),
        certifications=("ISO 9001", "ISO 14001"),
        description=(
            "Melt spinning of polyester and polyamide fibres, a pilot spinning line "
            "(5–50 kg/h) that is idle about half the time, and a fibre-testing lab. Our process "
            "technologists help start-ups scale up recycled polymers."
        ),
        website="https://bargermeer-vezels.example",
        sites=(DemoSite("Spinning plant", "Bargermeerweg 70", "7812", "Emmen",
                        52.7700, 6.9300),),
        people=(
            DemoPerson("henk.oosting@bargermeer.test", "Henk Oosting", "nl", OWNER, AMS),
            DemoPerson("katharina.vogel@bargermeer.test", "Katharina Vogel", "de", ADMIN, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Plastics",)),),
    ),
    DemoOrganization(
        name="Hondsrug Recycling BV", kind=STARTUP, country="NL",
        enterprise_number="74102839",
        sectors=("Plastic recycling",),
        certifications=(),
        description=(
            "Start-up recycling agricultural film into pellets. We need shredding and washing "
            "trials, an extruder with melt filtration and lab analysis; our sorting line is "
            "available to others."
        ),
        website="https://hondsrug-recycling.example",
        sites=(DemoSite("Pilot plant", "Nijbracht 50", "7821", "Emmen", 52.7900, 6.8800),),
        people=(DemoPerson("lisa.jansen@hondsrug.test", "Lisa Jansen", "nl", OWNER, AMS),),
        applications=(DemoApplication("noord-nederland", ("Plastics", "Agri-tech")),),
    ),
    DemoOrganization(
        name="Drentsche Aa Sensoren BV", kind=SME, country="NL",
        enterprise_number="01187264",
        sectors=("Sensors", "Electronics"),
        certifications=("ISO 9001",),
        description=(
            "Development and assembly of sensors for soil moisture and livestock monitoring: "
            "SMT assembly, potting and an environmental test chamber with free hours."
        ),
        website="https://drentsche-aa-sensoren.example",
        sites=(DemoSite("Plant", "Industrieweg 60", "9403", "Assen", 52.9700, 6.5800),),
        people=(
            DemoPerson("erik.bos@da-sensoren.test", "Erik Bos", "nl", OWNER, AMS),
            DemoPerson("rianne.huizing@da-sensoren.test", "Rianne Huizing", "nl", MEMBER, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Agri-tech",)),),
    ),
    DemoOrganization(
        name="Bosrand Prototyping BV", kind=STARTUP, country="NL",
        enterprise_number="85472913",
        sectors=("Prototyping", "3D printing"),
        certifications=(),
        description=(
            "Start-up offering rapid prototyping: FDM and SLA printers, vacuum casting and a "
            "small CNC mill. We look for production partners for series after the prototype "
            "stage."
        ),
        website="https://bosrand-prototyping.example",
        sites=(DemoSite("Studio", "Mercuriusweg 12", "9407", "Assen", 53.0050, 6.5500),),
        people=(DemoPerson("tim.brouwer@bosrand.test", "Tim Brouwer", "en", OWNER, AMS),),
        applications=(DemoApplication("noord-nederland", ("Plastics",)),),
    ),
    DemoOrganization(
        name="Tjongerwerk Jachtbouw BV", kind=MANUFACTURER, country="NL",
        enterprise_number="04067125",
        sectors=("Yacht building", "Composites", "Interiors"),
        certifications=("ISO 9001",),
        description=(
            "Composite hulls up to 24 m and yacht interiors: a 5-axis router (6 × 3 m), vacuum "
            "infusion and a joinery. The router runs below half capacity in winter."
        ),
        website="https://tjongerwerk.example",
        sites=(DemoSite("Yard", "Kanaalweg 40", "8443", "Heerenveen", 52.9450, 5.9300),),
        people=(
            DemoPerson("jouke.dejong@tjongerwerk.test", "Jouke de Jong", "nl", OWNER, AMS),
            DemoPerson("sietske.meijer@tjongerwerk.test", "Sietske Meijer", "nl", ADMIN, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Maritime",)),),
    ),
    DemoOrganization(
        name="Heidehoeve Agri Robotics BV", kind=STARTUP, country="NL",
        enterprise_number="01153987",
        sectors=("Agricultural robotics",),
        certifications=(),
        description=(
            "Start-up building robots that weed organic vegetable fields with lasers. We need "
            "laser-safety testing, sheet-metal frames and field-test partners."
        ),
        website="https://heidehoeve-robotics.example",
        sites=(DemoSite("Workshop", "De Kuinder 5", "8447", "Heerenveen", 52.9650, 5.9100),),
        people=(DemoPerson("maaike.veenstra@heidehoeve.test", "Maaike Veenstra", "en", OWNER,
                           AMS),),
        applications=(DemoApplication("noord-nederland", ("Agri-tech",), outcome=PENDING,
                                      motivation=(
            "We look for sheet-metal partners and farms for field tests.")),),
    ),
    DemoOrganization(
        name="Ommelander Zetmeel Machines BV", kind=SME, country="NL",
        enterprise_number="02078364",
        sectors=("Process equipment", "Food"),
        certifications=("ISO 3834", "ISO 9001"),
        description=(
            "Process equipment for potato starch and protein: centrifugal sieves, "
            "hydrocyclones and stainless piping. The welding shop and pressure-test bay have "
            "free capacity outside the campaign (August to February is our busy season)."
        ),
        website="https://ommelander-zetmeel.example",
        sites=(DemoSite("Workshop", "Industrieweg 13", "9641", "Veendam", 53.0950, 6.8650),),
        people=(DemoPerson("jan.bolhuis@ommelander.test", "Jan Bolhuis", "nl", OWNER, AMS),),
        applications=(DemoApplication("noord-nederland", ("Agri-tech",)),),
    ),
    DemoOrganization(
        name="Noordpolder Landbouwmachines BV", kind=MANUFACTURER, country="NL",
        enterprise_number="76543201",
        sectors=("Agricultural machinery",),
        certifications=("ISO 9001", "ISO 14001"),
        description=(
            "Potato harvesters and storage equipment: robot welding, a large powder-coating "
            "line and an assembly hall. Outside the harvest season the welding robots and the "
            "coating line have capacity to share."
        ),
        website="https://noordpolder.example",
        sites=(DemoSite("Plant", "Transportweg 7", "9645", "Veendam", 53.0900, 6.8950),),
        people=(
            DemoPerson("albert.kamphuis@noordpolder.test", "Albert Kamphuis", "nl", OWNER, AMS),
            DemoPerson("hans.schroeder@noordpolder.test", "Hans Schröder", "de", MEMBER, AMS),
        ),
        applications=(DemoApplication("noord-nederland", ("Agri-tech",)),),
    ),
    DemoOrganization(
        name="Maakplein Noord", kind=SUPPORT, country="NL",
        enterprise_number="01092846",
        sectors=("Regional development",),
        certifications=(),
        description=(
            "Operator of Noord-Nederland Maakt, the manufacturing network of Groningen, "
            "Friesland and Drenthe: we help factories share capacity, connect start-ups to "
            "suppliers and run the energy-transition programme."
        ),
        website="https://maakplein-noord.example",
        sites=(DemoSite("Office", "Gedempte Zuiderdiep 22", "9711", "Groningen",
                        53.2155, 6.5680),),
        people=(DemoPerson("operator.noord-nederland@fabshare.test", "Wendy Smit", "nl", OWNER,
                           AMS),),
        applications=(DemoApplication(
            "noord-nederland", ("Plastics", "Maritime", "Energy transition", "Agri-tech")),),
    ),
)

ORGANIZATIONS: tuple[DemoOrganization, ...] = LIMBURG + WEST_VLAANDEREN + NOORD_NEDERLAND

PENDING_INVITATIONS: tuple[DemoInvitation, ...] = (
    DemoInvitation("Kolenspoor Precision NV", "newcomer@fabshare.test", MEMBER,
                   invited_by="provider.owner@fabshare.test"),
)

PENDING_JOIN_REQUESTS: tuple[DemoJoinRequest, ...] = (
    DemoJoinRequest("Kolenspoor Precision NV", "pieter.hermans@fabshare.test",
                    "I run the CMM at night and would like to publish its free hours."),
)

# What the command prints after seeding: each login and what it shows.
LOGINS: tuple[tuple[str, str], ...] = (
    ("admin@fabshare.test", "superuser: Django admin at /admin/, operates every network"),
    ("operator.limburg@fabshare.test",
     "operates Limburg Maakt: 2 pending applications, 1 rejected"),
    ("operator.west-vlaanderen@fabshare.test",
     "operates West-Vlaanderen Werkt (open admission): 1 suspended member"),
    ("operator.noord-nederland@fabshare.test",
     "operates Noord-Nederland Maakt: 2 pending applications"),
    ("provider.owner@fabshare.test",
     "owner of Kolenspoor Precision NV (2 sites): a join request to decide"),
    ("provider.admin@fabshare.test", "admin of Kolenspoor Precision NV"),
    ("provider.member@fabshare.test", "member of Kolenspoor Precision NV (French)"),
    ("founder@fabshare.test", "founder (owner) of the start-up Voltwerk Robotics BV"),
    ("applicant@fabshare.test", "owner of Perovia Solar BV, application pending (French)"),
    ("newcomer@fabshare.test", "no organization yet, invited to Kolenspoor (German)"),
)


def all_people() -> list[DemoPerson]:
    """Every demo person once, in a fixed order (organizations first, then the others)."""
    seen: dict[str, DemoPerson] = {}
    for organization in ORGANIZATIONS:
        for person in organization.people:
            seen.setdefault(person.email, person)
    for person in OTHER_PEOPLE:
        seen.setdefault(person.email, person)
    return list(seen.values())


# --- loading ---------------------------------------------------------------------------------


def seed(ctx: DemoContext) -> None:
    """Write the network demo: users, networks, organizations with sites and members,
    applications and their decisions, an open invitation and an open join request."""
    _create_users(ctx)
    _create_networks(ctx)
    for data in ORGANIZATIONS:
        _create_organization(ctx, data)
    for data in ORGANIZATIONS:
        for application in data.applications:
            _apply(ctx, data, application)
    for invitation in PENDING_INVITATIONS:
        services.invitation_create(
            actor=ctx.users[invitation.invited_by],
            organization=ctx.organizations[invitation.organization],
            email=invitation.email, role=invitation.role,
        )
    for join_request in PENDING_JOIN_REQUESTS:
        services.join_request_create(
            actor=ctx.users[join_request.email],
            organization=ctx.organizations[join_request.organization],
            message=join_request.message,
        )
    sites = sum(len(data.sites) for data in ORGANIZATIONS)
    ctx.summary.append(
        f"{len(ctx.networks)} networks with {len(ctx.clusters)} clusters, "
        f"{len(ctx.organizations)} organizations with {sites} sites, {len(ctx.users)} users"
    )


def _create_users(ctx: DemoContext) -> None:
    """Users and their verified primary e-mail addresses (no service covers sign-up done by
    someone else); one password hash shared by all keeps the seed fast."""
    from allauth.account.models import EmailAddress

    people = all_people()
    taken = list(
        User.objects.filter(email__in=[p.email for p in people]).values_list("email", flat=True)
    )
    if taken:
        raise ValueError(f"Demo users already exist: {', '.join(sorted(taken))}")
    password = make_password(ctx.password)
    User.objects.bulk_create(
        User(
            email=p.email, full_name=p.full_name, language=p.language, time_zone=p.time_zone,
            password=password, is_staff=p.email in SUPERUSERS,
            is_superuser=p.email in SUPERUSERS,
        )
        for p in people
    )
    ctx.users.update((u.email, u) for u in User.objects.filter(email__in=[p.email
                                                                          for p in people]))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=ctx.users[p.email], email=p.email, verified=True, primary=True)
        for p in people
    )


def _create_networks(ctx: DemoContext) -> None:
    """Networks, clusters and operators: set up by the platform admin (no service exists)."""
    superusers = [ctx.users[email] for email in SUPERUSERS]
    for data in NETWORKS:
        network = Network.objects.create(
            slug=data.slug, name=data.name, region=data.region, description=data.description,
            languages=list(data.languages), admission_policy=data.admission_policy,
        )
        network.operators.add(ctx.users[data.operator], *superusers)
        ctx.networks[data.slug] = network
        for name in data.clusters:
            ctx.clusters[(data.slug, name)] = Cluster.objects.create(
                network=network, name=name, slug=slugify(name)
            )


def _create_organization(ctx: DemoContext, data: DemoOrganization) -> None:
    owner = ctx.users[data.people[0].email]
    organization = services.organization_create(
        actor=owner, name=data.name, kind=data.kind, country=data.country,
        enterprise_number=data.enterprise_number, description=data.description,
        website=data.website, sectors=list(data.sectors),
        certifications=list(data.certifications),
    )
    ctx.organizations[data.name] = organization
    for position, site in enumerate(data.sites):
        services.site_create(
            actor=owner, organization=organization, name=site.name, street=site.street,
            postal_code=site.postal_code, city=site.city, country=data.country,
            latitude=site.latitude, longitude=site.longitude, is_main=position == 0,
        )
    # Colleagues join the way people do: the owner invites them and they accept.
    for person in data.people[1:]:
        invitation = services.invitation_create(
            actor=owner, organization=organization, email=person.email, role=person.role
        )
        services.invitation_accept(actor=ctx.users[person.email], invitation=invitation)


def _apply(ctx: DemoContext, data: DemoOrganization, application: DemoApplication) -> None:
    network_data = next(n for n in NETWORKS if n.slug == application.network)
    operator = ctx.users[network_data.operator]
    membership = services.network_apply(
        actor=ctx.users[data.people[0].email], network=ctx.networks[application.network],
        organization=ctx.organizations[data.name],
        clusters=[ctx.clusters[(application.network, name)] for name in application.clusters],
        motivation=application.motivation,
    )
    if membership.status == PENDING and application.outcome in (APPROVED, SUSPENDED):
        membership = services.network_membership_decide(
            actor=operator, membership=membership, decision="approve"
        )
    if application.outcome == REJECTED:
        membership = services.network_membership_decide(
            actor=operator, membership=membership, decision="reject", note=application.note
        )
    elif application.outcome == SUSPENDED:
        membership = services.network_membership_decide(
            actor=operator, membership=membership, decision="suspend", note=application.note
        )
    if membership.status != application.outcome:
        raise ValueError(
            f"{data.name} in {network_data.name}: expected {application.outcome}, "
            f"got {membership.status} (admission is {network_data.admission_policy})"
        )
