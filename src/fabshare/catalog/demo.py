"""Deterministic demo data for the catalog: about 300 machines, facilities and experts.

Every demo organization that has capacity to share lists what its description promises:
manufacturers and SMEs mostly machines (5-axis machining centres, fibre lasers, press brakes,
robot welding cells, injection moulding machines, metal and polymer 3D printers, CMMs, coating
lines), knowledge institutions their accredited test labs and their researchers, start-ups
one resource or none. Makes are real machine brands with plausible models and years, or
invented where no real model fits; prices, minimum bookings and lead times are in the range
such work is offered at in Flanders and the northern Netherlands.

``seed(ctx)`` writes everything through :mod:`fabshare.catalog.services` as an admin (or else
the owner) of each organization, so permissions, checks and the audit log behave as when a
provider fills in the forms. Each resource carries its ``external_id`` (the ``key`` below),
by which :mod:`fabshare.availability.demo` finds it again to publish its free time (the
``availability`` profile and ``calendar`` flag name what it gets there).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse

from fabshare.catalog import services
from fabshare.catalog.models import Material, Process, Resource, ResourceKind, Visibility
from fabshare.network.demo import ORGANIZATIONS, DemoContext
from fabshare.network.models import Certification, Role

MACHINE, FACILITY, EXPERTISE = ResourceKind.MACHINE, ResourceKind.FACILITY, ResourceKind.EXPERTISE
PUBLIC, NETWORK, PARTNERS = Visibility.PUBLIC, Visibility.NETWORK, Visibility.PARTNERS

ISO_17025 = "iso-iec-17025"

# What the command prints after seeding, next to the network app's logins.
LOGINS: tuple[tuple[str, str], ...] = (
    ("lies.stas@haspengouw-laserwerk.test",
     "admin of Haspengouw Laserwerk BV: fibre laser and press brakes, nights and weekends"),
    ("katrien.vrancken@agora-materials.test",
     "owner of Agora Materials Institute vzw: accredited test lab, climate chambers, experts"),
    ("anouk.bakker@smelne.test",
     "admin of Smelne Kunststoffen BV: injection moulding and mould shop"),
)


# --- shapes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCapability:
    process: str  # process code from the taxonomy
    materials: tuple[tuple[str, float | None], ...] = ()  # (material code, max thickness mm)
    limits: dict = field(default_factory=dict)  # typed limits, see catalog.limits.BOUNDS
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class DemoResource:
    key: str  # external id, unique in the organization
    kind: str
    name: str
    description: str
    price: int | None = None  # euro per hour
    site: int = 0  # index into the organization's demo sites
    make: str = ""
    model: str = ""
    year: int | None = None
    area_m2: int | None = None
    accreditations: tuple[str, ...] = ()  # certification codes
    skills: tuple[str, ...] = ()  # process codes
    languages: tuple[str, ...] = ()
    day_rate: int | None = None  # euro
    capabilities: tuple[DemoCapability, ...] = ()
    visibility: str = PUBLIC
    partners: tuple[str, ...] = ()  # organization names
    minimum_booking_hours: float = 2
    operator_included: bool = False
    lead_time_days: int = 5
    is_active: bool = True
    availability: str = "nights-weekends"  # a profile of fabshare.availability.demo
    calendar: bool = False  # an uploaded maintenance calendar is subtracted


# --- builders --------------------------------------------------------------------------------

Material_ = str | tuple[str, float | None]


def cap(process: str, *materials: Material_, notes: str = "", **limits) -> DemoCapability:
    rows = tuple(m if isinstance(m, tuple) else (m, None) for m in materials)
    return DemoCapability(process=process, materials=rows, limits=limits, notes=notes)


def machine(key: str, name: str, make: str, model: str, year: int, *, price: int,
            caps: tuple[DemoCapability, ...], desc: str, **options) -> DemoResource:
    options.setdefault("operator_included", True)
    return DemoResource(key=key, kind=MACHINE, name=name, make=make, model=model, year=year,
                        price=price, capabilities=caps, description=desc, **options)


def facility(key: str, name: str, *, price: int, area: int, desc: str,
             caps: tuple[DemoCapability, ...] = (), accredited: tuple[str, ...] = (),
             **options) -> DemoResource:
    options.setdefault("availability", "office")
    options.setdefault("minimum_booking_hours", 4)
    options.setdefault("lead_time_days", 10)
    return DemoResource(key=key, kind=FACILITY, name=name, price=price, area_m2=area,
                        accreditations=accredited, capabilities=caps, description=desc,
                        **options)


def expert(key: str, name: str, *, day: int, skills: tuple[str, ...],
           languages: tuple[str, ...], desc: str, **options) -> DemoResource:
    options.setdefault("availability", "expert-tue-thu")
    options.setdefault("minimum_booking_hours", 4)
    options.setdefault("lead_time_days", 10)
    return DemoResource(key=key, kind=EXPERTISE, name=name, day_rate=day,
                        price=round(day / 8 / 5) * 5, skills=skills, languages=languages,
                        description=desc, **options)


ALUMINIUM = ("al-6061", "al-6082", "al-7075")
STEELS = ("s235", "s355", "c45", "42crmo4")
STAINLESS = ("stainless-304", "stainless-316l")
MACHINING = ALUMINIUM + STEELS + STAINLESS
AEROSPACE = ("al-7075", "al-6061", "ti6al4v", "inconel-718", "stainless-316l")
TOOLING = ("tool-steel-1-2379", "tool-steel-1-2312", "42crmo4", "c45")
MOULDING = ("pp", "pa6", "pa66-gf30", "abs", "pc", "pom", "tpu")
MEDICAL = ("pp", "pc", "pe-hd", "peek", "tpu", "abs")
WELDING = ("s235", "s355", "stainless-304", "stainless-316l")
COATING = ("s235", "s355", "dx51d", "dc01", "al-6082", "al-5754")
COMPOSITES = ("cfrp", "gfrp")


def five_axis(key, name, make, model, year, envelope, kg, *, price, desc, tol=8,
              mats=MACHINING, **options) -> DemoResource:
    x, y, z = envelope
    limits = {"envelope_x_mm": x, "envelope_y_mm": y, "envelope_z_mm": z, "max_weight_kg": kg}
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap("milling-5-axis", *mats, tolerance_um=tol, axes=5, **limits),
        cap("drilling", *mats, tolerance_um=tol * 2, **limits),
    ), **options)


def three_axis(key, name, make, model, year, envelope, kg, *, price, desc, tol=10,
               mats=MACHINING, **options) -> DemoResource:
    x, y, z = envelope
    limits = {"envelope_x_mm": x, "envelope_y_mm": y, "envelope_z_mm": z, "max_weight_kg": kg}
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap("milling-3-axis", *mats, tolerance_um=tol, axes=3, **limits),
        cap("drilling", *mats, tolerance_um=tol * 2, **limits),
    ), **options)


def lathe(key, name, make, model, year, diameter, length, kg, *, price, desc, tol=10,
          mill_axes=0, mats=MACHINING, **options) -> DemoResource:
    limits = {"envelope_x_mm": diameter, "envelope_z_mm": length, "max_weight_kg": kg}
    caps = [cap("cnc-turning", *mats, tolerance_um=tol, axes=2, notes="X: turning diameter, "
                "Z: turning length", **limits)]
    if mill_axes:
        caps.append(cap("mill-turning", *mats, tolerance_um=tol, axes=mill_axes, **limits))
    return machine(key, name, make, model, year, price=price, desc=desc, caps=tuple(caps),
                   **options)


def fibre_laser(key, name, make, model, year, kw, bed, steel, stainless, alu, *, price, desc,
                **options) -> DemoResource:
    x, y = bed
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap("laser-cutting-fibre", ("s235", steel), ("s355", steel),
            ("stainless-304", stainless), ("stainless-316l", stainless), ("al-5754", alu),
            ("al-5083", alu), ("cu-etp", round(alu / 2.5)), ("brass-cuzn39pb3", round(alu / 2)),
            envelope_x_mm=x, envelope_y_mm=y, max_thickness_mm=max(steel, stainless, alu),
            tolerance_um=100, notes=f"{kw} kW fibre source; sheets {x} × {y} mm"),
    ), **options)


def press_brake(key, name, make, model, year, tonnes, length, steel, *, price, desc,
                **options) -> DemoResource:
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap("press-brake-bending", ("s235", steel), ("s355", round(steel * 0.8)),
            ("stainless-304", round(steel * 0.6)), ("al-5754", steel),
            force_kn=round(tonnes * 9.80665, 1), envelope_x_mm=length, max_thickness_mm=steel,
            axes=6, notes=f"{tonnes} t over {length / 1000:g} m, CNC backgauge"),
    ), **options)


def robot_cell(key, name, make, model, year, envelope, kg, *, price, desc,
               mats=WELDING + ("s690",), **options) -> DemoResource:
    x, y, z = envelope
    limits = {"envelope_x_mm": x, "envelope_y_mm": y, "envelope_z_mm": z, "max_weight_kg": kg}
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap("robot-welding", *mats, axes=8, notes="6-axis robot on a 2-axis positioner",
            **limits),
        cap("mig-mag-welding", *mats, max_thickness_mm=25, **limits),
    ), **options)


def moulder(key, name, make, model, year, clamp_kn, shot_g, tie_bars, *, price, desc,
            mats=MOULDING, tol=30, two_component=False, **options) -> DemoResource:
    x, y = tie_bars
    notes = f"shot weight up to {shot_g} g PS; tie-bar distance {x} × {y} mm"
    if two_component:
        notes += "; two-component (2K) with rotary table"
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap("injection-moulding", *mats, force_kn=clamp_kn, envelope_x_mm=x, envelope_y_mm=y,
            max_weight_kg=round(shot_g / 1000, 3), tolerance_um=tol, notes=notes),
    ), **options)


def printer(key, name, make, model, year, process, envelope, *, price, desc, mats=(),
            tol=100, **options) -> DemoResource:
    x, y, z = envelope
    options.setdefault("minimum_booking_hours", 8)
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap(process, *mats, envelope_x_mm=x, envelope_y_mm=y, envelope_z_mm=z,
            tolerance_um=tol),
    ), **options)


def cmm(key, name, make, model, year, envelope, tol, kg, *, price, desc,
        **options) -> DemoResource:
    x, y, z = envelope
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap("cmm-measurement", envelope_x_mm=x, envelope_y_mm=y, envelope_z_mm=z,
            tolerance_um=tol, max_weight_kg=kg, notes="Tolerance: MPE_E length error, "
            "temperature-controlled room at 20 ± 1 °C"),
    ), **options)


def coating_line(key, name, make, model, year, envelope, kg, *, price, desc,
                 process="powder-coating", mats=COATING, **options) -> DemoResource:
    x, y, z = envelope
    return machine(key, name, make, model, year, price=price, desc=desc, caps=(
        cap(process, *mats, envelope_x_mm=x, envelope_y_mm=y, envelope_z_mm=z,
            max_weight_kg=kg),
    ), **options)


def climate_chamber(key, name, make, model, envelope, low, high, *, price, desc,
                    accredited=(ISO_17025,), humidity="10–98 % RH", **options) -> DemoResource:
    x, y, z = envelope
    options.setdefault("availability", "lab-weekly")
    options.setdefault("minimum_booking_hours", 24)
    notes = f"{low} … +{high} °C" + (f", {humidity}" if humidity else "")
    return facility(key, name, price=price, area=max(1, round(x * y / 1_000_000) + 6),
                    desc=desc, accredited=accredited, make=make, model=model, caps=(
                        cap("climate-chamber-testing", envelope_x_mm=x, envelope_y_mm=y,
                            envelope_z_mm=z, notes=notes),), **options)


def shaker(key, name, make, model, force_kn, kg, table, *, price, desc,
           accredited=(ISO_17025,), **options) -> DemoResource:
    options.setdefault("availability", "lab-weekly")
    options.setdefault("minimum_booking_hours", 8)
    return facility(key, name, price=price, area=40, desc=desc, accredited=accredited,
                    make=make, model=model, caps=(
                        cap("vibration-testing", force_kn=force_kn, max_weight_kg=kg,
                            envelope_x_mm=table, envelope_y_mm=table,
                            notes="sine, random and shock; slip table for horizontal axes"),),
                    **options)


def lab(key, name, process, *, price, area, desc, accredited=(ISO_17025,), force_kn=None,
        mats=(), notes="", **options) -> DemoResource:
    limits = {"force_kn": force_kn} if force_kn else {}
    return facility(key, name, price=price, area=area, desc=desc, accredited=accredited,
                    caps=(cap(process, *mats, notes=notes, **limits),), **options)


# --- the resources, by organization ----------------------------------------------------------

KOLENSPOOR = (
    five_axis("KP-M01", "DMU 65 monoBLOCK 5-axis machining centre 1", "DMG MORI",
              "DMU 65 monoBLOCK", 2019, (735, 650, 560), 600, price=95, availability="late-shift",
              desc="Simultaneous 5-axis, 18,000 rpm spindle, 60 tools, Heidenhain TNC 640. "
                   "Aluminium and steel housings for automotive; runs one shift, the afternoon "
                   "and Saturday are free."),
    five_axis("KP-M02", "DMU 65 monoBLOCK 5-axis machining centre 2", "DMG MORI",
              "DMU 65 monoBLOCK", 2021, (735, 650, 560), 600, price=98, availability="late-shift",
              calendar=True,
              desc="Twin of machine 1 with a 6-pallet changer for unmanned night runs. "
                   "Maintenance slots come from our CMMS calendar."),
    three_axis("KP-M03", "Mazak VCN-530C vertical machining centre", "Mazak", "VCN-530C", 2016,
               (1050, 530, 510), 500, price=65, availability="late-shift",
               desc="3-axis VMC with 12,000 rpm spindle and through-coolant; fixtures for "
                    "series of brackets and flanges."),
    three_axis("KP-M04", "Haas VF-4 vertical machining centre", "Haas", "VF-4", 2014,
               (1270, 508, 635), 1360, price=58, availability="late-shift",
               desc="Long-table 3-axis VMC, 4th-axis rotary available. Good for plates and "
                    "long parts."),
    lathe("KP-M05", "Mazak QUICK TURN 250MY turning centre", "Mazak", "QUICK TURN 250MY", 2018,
          380, 1000, 200, mill_axes=4, price=70, availability="late-shift",
          desc="Turning centre with Y-axis, sub-spindle and driven tools; bar feeder up to "
               "Ø 65 mm."),
    lathe("KP-M06", "DMG MORI CLX 450 lathe", "DMG MORI", "CLX 450", 2020, 400, 800, 300,
          price=62, availability="late-shift",
          desc="Universal CNC lathe for shafts and flanges, with Siemens 840D control."),
    cmm("KP-M07", "Zeiss CONTURA measuring room", "Zeiss", "CONTURA 10/16/6", 2017,
        (1000, 1600, 600), 2, 800, price=90, availability="nights", visibility=PARTNERS,
        partners=("Voltwerk Robotics BV", "Loopbrug Mobility BV"),
        desc="Bridge CMM with VAST XT gold scanning probe and Calypso; first-article reports "
             "and PPAP. Shared with our start-up partners at night, measured by our "
             "inspector."),
    machine("KP-M08", "250 t hydraulic press", "Hydropress", "HPD 250", 2009, price=85,
            site=1, availability="weekdays-day",
            desc="Double-action hydraulic press for deep drawing and forming trials, table "
                 "2,000 × 1,200 mm, stroke 800 mm.",
            caps=(cap("deep-drawing", "dc01", "dx51d", "stainless-304", "al-5754",
                      force_kn=2451.7, envelope_x_mm=2000, envelope_y_mm=1200,
                      envelope_z_mm=800, max_thickness_mm=6),
                  cap("stamping", "dc01", "s235", "s355", force_kn=2451.7, envelope_x_mm=2000,
                      envelope_y_mm=1200, max_thickness_mm=8))),
    facility("KP-F01", "Assembly floor Maasmechelen", price=45, area=1800, site=1,
             availability="weekdays-day", minimum_booking_hours=160, lead_time_days=20,
             desc="Heated hall with a 10 t crane, compressed air and 400 V along the walls; "
                  "room for two assembly lines. Rented by the month.",
             caps=(cap("mechanical-assembly", max_weight_kg=10000),)),
    expert("KP-E01", "CAM programmer for 5-axis machining", day=720,
           skills=("cam-programming", "milling-5-axis"), languages=("nl", "en", "fr"),
           desc="hyperMILL and NX CAM programmer with 15 years of automotive housings; "
                "fixture design and cycle-time reduction."),
    expert("KP-E02", "Quality engineer: PPAP and measurement programs", day=780,
           skills=("cmm-measurement", "metrology"), languages=("nl", "en", "de"),
           availability="expert-mon-wed-fri",
           desc="IATF 16949 quality engineer: PPAP files, MSA studies and Calypso measurement "
                "programs for first series."),
)

HASPENGOUW = (
    fibre_laser("HL-M01", "Trumpf TruLaser 3030 fiber 6 kW", "Trumpf", "TruLaser 3030 fiber",
                2020, 6, (3000, 1500), 25, 20, 15, price=120, calendar=True,
                desc="Flat-bed fibre laser, 3 × 1.5 m sheets: steel up to 25 mm, stainless "
                     "20 mm, aluminium 15 mm. Half capacity is free from November to March."),
    press_brake("HL-M02", "LVD press brake 135 t × 4 m", "LVD", "PPEB 135/40", 2015, 135, 4000,
                10, price=70,
                desc="CNC press brake with 6-axis backgauge and angle measurement; tooling for "
                     "stainless food-equipment parts."),
    press_brake("HL-M03", "LVD press brake 230 t × 4 m", "LVD", "PPEB 230/40", 2018, 230, 4000,
                15, price=85,
                desc="Heavy press brake for thick plate up to 15 mm over 4 m; hemming and "
                     "radius tools."),
    machine("HL-M04", "TIG welding station for stainless steel", "Fronius", "MagicWave 230i",
            2021, price=58, availability="late-shift",
            desc="AC/DC TIG with welding table and purge equipment; stainless and aluminium "
                 "for fruit-processing machines, by our certified welder.",
            caps=(cap("tig-welding", "stainless-304", "stainless-316l", "al-5754",
                      max_thickness_mm=8, envelope_x_mm=3000, envelope_y_mm=1500),)),
    expert("HL-E01", "Stainless welding specialist (IWS)", day=640,
           skills=("tig-welding", "orbital-welding"), languages=("nl", "en"),
           desc="International Welding Specialist: hygienic welds, WPS and welder "
                "qualification for food equipment."),
    expert("HL-E02", "Sheet-metal design engineer", day=680,
           skills=("product-design", "cad-design", "press-brake-bending"),
           languages=("nl", "en", "fr"),
           desc="SolidWorks sheet-metal design, unfoldings and design for laser and bending."),
)

BOOMGAARD = (
    facility("BC-F01", "Fruit juice pilot plant (press and pasteuriser, 3,000 l/h)", price=150,
             area=450, accredited=("fssc-22000",), availability="season-summer",
             operator_included=True, minimum_booking_hours=8, lead_time_days=14,
             desc="Belt press, buffer tanks and a plate pasteuriser (3,000 l/h) under FSSC "
                  "22000, with our operators; idle from May to August for juice and cider "
                  "trials."),
    facility("BC-F02", "Controlled-atmosphere cold cell 7", price=20, area=220,
             accredited=("fssc-22000",), availability="season-summer-continuous",
             minimum_booking_hours=168, lead_time_days=7,
             desc="ULO cold cell for 600 bins, 0.5–4 °C, O₂ and CO₂ controlled; free for "
                  "storage trials from May to August."),
    facility("BC-F03", "Controlled-atmosphere cold cell 8", price=20, area=220,
             accredited=("fssc-22000",), availability="season-summer-continuous",
             minimum_booking_hours=168, lead_time_days=7,
             desc="ULO cold cell for 600 bins; ethylene scrubber, remote monitoring."),
    facility("BC-F04", "Fruit grading and packing line", price=110, area=600,
             accredited=("fssc-22000",), availability="season-summer",
             operator_included=True, minimum_booking_hours=8,
             desc="Optical grading on size, colour and defects, with packing into punnets "
                  "and crates."),
    expert("BC-E01", "Post-harvest technologist", day=650, skills=(),
           languages=("nl", "en", "fr"),
           desc="Controlled-atmosphere storage, ripening and quality of pome fruit; trial "
                "design for new varieties."),
)

DEMERSTAAL = (
    machine("DS-M01", "CNC plasma and oxy-fuel table 12 × 3 m", "Messer Cutting Systems",
            "OmniMat L 7000", 2017, price=95, availability="nights-weekends",
            desc="Kjellberg HiFocus 440i plasma with bevel head, plus oxy-fuel torches for "
                 "thick plate; nesting from DXF.",
            caps=(cap("plasma-cutting", ("s235", 50), ("s355", 50), ("stainless-304", 40),
                      ("al-5083", 40), envelope_x_mm=12000, envelope_y_mm=3000,
                      max_thickness_mm=50, tolerance_um=500),
                  cap("oxy-fuel-cutting", ("s235", 150), ("s355", 150), envelope_x_mm=12000,
                      envelope_y_mm=3000, max_thickness_mm=150, tolerance_um=1000))),
    facility("DS-F01", "Welding bay with two 10 t cranes", price=85, area=600,
             accredited=("en-1090", "iso-3834"), availability="nights-weekends",
             operator_included=True, minimum_booking_hours=8,
             desc="30 × 20 m bay for welded frames up to 12 m and 20 t, EXC3 under EN 1090, "
                  "with our certified welders.",
             caps=(cap("mig-mag-welding", *WELDING, "s690", envelope_x_mm=12000,
                       envelope_y_mm=3000, envelope_z_mm=4000, max_weight_kg=20000),
                   cap("manual-metal-arc-welding", "s235", "s355", max_weight_kg=20000))),
    robot_cell("DS-M02", "Cloos robot welding cell", "Cloos", "QIROX QRC-410", 2019,
               (3000, 1500, 1200), 2000, price=75,
               desc="Robot with 2 t turn-tilt positioner and seam tracking, for series of "
                    "frames and brackets."),
    machine("DS-M03", "Kasto automatic band saw", "Kasto", "KASTOwin A 4.6", 2016, price=55,
            availability="weekdays-day",
            desc="Automatic band saw for beams and solids up to 460 mm, with feeding table.",
            caps=(cap("sawing", *STEELS, *STAINLESS, envelope_x_mm=460, envelope_y_mm=460,
                      tolerance_um=200),)),
    machine("DS-M04", "Peddinghaus beam drilling line", "Peddinghaus", "BDL-1250/9D", 2014,
            price=75,
            desc="3-spindle drilling line for beams up to 1,250 mm wide and 12 m long, with "
                 "scribing.",
            caps=(cap("drilling", "s235", "s355", envelope_x_mm=12000, envelope_y_mm=1250,
                      envelope_z_mm=500, max_weight_kg=5000, tolerance_um=500),)),
    machine("DS-M05", "Roller-conveyor shot-blasting machine", "Rösler", "RRB 15/4", 2012,
            price=65, availability="weekdays-day",
            desc="Blasting of beams and plates to Sa 2½ before painting, 1,500 × 400 mm "
                 "passage.",
            caps=(cap("abrasive-blasting", "s235", "s355", envelope_x_mm=12000,
                      envelope_y_mm=1500, envelope_z_mm=400, max_weight_kg=3000),)),
    machine("DS-M06", "Roundo section bending machine", "Roundo", "R-6S", 2011, price=70,
            desc="Three-roll section bender for beams, angles and tubes (IPE 300 the hard "
                 "way).",
            caps=(cap("section-bending", "s235", "s355", "stainless-304", max_weight_kg=2000,
                      envelope_x_mm=12000),)),
    expert("DS-E01", "International Welding Engineer (IWE)", day=950,
           skills=("mig-mag-welding", "tig-welding", "robot-welding"),
           languages=("nl", "en", "fr"),
           desc="Welding coordination to ISO 3834-2, WPS and WPQR to ISO 15614-1, EN 1090 "
                "execution classes."),
    expert("DS-E02", "Structural engineer for steel frames", day=820,
           skills=("fea-simulation", "cad-design"), languages=("nl", "en"),
           desc="Eurocode 3 calculations, Tekla models and fatigue checks of machine frames."),
)

LOMMELZAND = (
    facility("LZ-F01", "Rotary-kiln pilot line (1,200 °C, 50 kg/h)", price=130, area=250,
             availability="weekends", operator_included=True, minimum_booking_hours=24,
             lead_time_days=21,
             desc="Indirectly fired rotary kiln with feeder and cooler for calcining and "
                  "drying minerals, up to 1,200 °C and 50 kg/h.",
             caps=(cap("heat-treatment", max_weight_kg=50,
                       notes="continuous, 50 kg/h at up to 1,200 °C"),)),
    lab("LZ-F02", "Particle-size and XRF lab", "chemical-analysis", price=85, area=80,
        accredited=(),
        desc="Laser diffraction, sieve analysis and XRF of minerals, sands and battery "
             "powders."),
    facility("LZ-F03", "Washing and classifying pilot plant", price=110, area=300,
             availability="weekends", operator_included=True, minimum_booking_hours=8,
             desc="Attrition scrubber, hydrocyclones and screens for sand and recycled "
                  "minerals, 1 t/h."),
    expert("LZ-E01", "Minerals process engineer", day=900,
           skills=("chemical-analysis", "heat-treatment"), languages=("nl", "en", "de"),
           desc="Beneficiation of quartz sand for glass, foundry and solar applications."),
    expert("LZ-E02", "Battery materials specialist", day=1100, skills=("chemical-analysis",),
           languages=("nl", "en"), availability="expert-alternate-weeks",
           desc="Silicon and silica precursors for battery anodes; purity specifications "
                "and scale-up."),
)

BALENDIJK = (
    printer("BA-M01", "EOS M 290 metal printer 1", "EOS", "M 290", 2019,
            "metal-powder-bed-fusion", (250, 250, 300), price=150, tol=50,
            mats=("ti6al4v", "inconel-718", "inconel-625", "alsi10mg", "stainless-316l"),
            availability="weekends", minimum_booking_hours=24, lead_time_days=7,
            desc="Laser powder-bed fusion, 400 W, Ti6Al4V and Inconel under AS9100; build "
                 "plates are free at weekends."),
    printer("BA-M02", "EOS M 290 metal printer 2", "EOS", "M 290", 2022,
            "metal-powder-bed-fusion", (250, 250, 300), price=150, tol=50,
            mats=("ti6al4v", "alsi10mg", "stainless-316l", "tool-steel-1-2379"),
            availability="weekends", minimum_booking_hours=24, lead_time_days=7,
            calendar=True,
            desc="Second M 290 dedicated to aluminium and tool steels; powder changes "
                 "planned in our calendar."),
    machine("BA-M03", "Nabertherm stress-relief furnace", "Nabertherm", "NR 80/11", 2019,
            price=55, availability="weekends",
            desc="Retort furnace under argon for stress relief of printed parts on the build "
                 "plate, up to 1,100 °C.",
            caps=(cap("stress-relieving", "ti6al4v", "inconel-718", "stainless-316l",
                      envelope_x_mm=400, envelope_y_mm=400, envelope_z_mm=500,
                      max_weight_kg=50),)),
    machine("BA-M04", "Wire EDM GF CUT P 550", "GF Machining Solutions", "CUT P 550", 2018,
            price=75,
            desc="Wire EDM to cut parts off build plates and for precise tool inserts.",
            caps=(cap("wire-edm", *TOOLING, "ti6al4v", "inconel-718", envelope_x_mm=550,
                      envelope_y_mm=350, envelope_z_mm=256, max_weight_kg=400,
                      tolerance_um=3),)),
    five_axis("BA-M05", "Hermle C 22 U 5-axis machining centre", "Hermle", "C 22 U", 2020,
              (450, 600, 330), 300, tol=5, mats=AEROSPACE, price=105,
              desc="Finishing of printed parts: support removal, bores and sealing faces."),
    machine("BA-M06", "GOM ATOS Q 3D scanner", "GOM", "ATOS Q 12M", 2021, price=85,
            availability="office",
            desc="Structured-light scanning and part-to-CAD comparison of printed parts.",
            caps=(cap("3d-scanning", envelope_x_mm=500, envelope_y_mm=370, envelope_z_mm=370,
                      tolerance_um=10),)),
    expert("BA-E01", "Design for additive manufacturing engineer", day=950,
           skills=("metal-powder-bed-fusion", "fea-simulation", "product-design"),
           languages=("nl", "en"),
           desc="Topology optimisation, support strategy and build preparation in "
                "Magics; cost estimates before you print."),
)

AGORA_PARTNERS = ("Perovia Solar BV", "Slakwol Circular BV")
AGORA = (
    lab("AM-F01", "Tensile testing lab (250 kN)", "tensile-testing", price=85, area=60,
        force_kn=250, mats=("s355", "stainless-316l", "al-6082", "ti6al4v", "pa6", "cfrp"),
        make="ZwickRoell", model="Z250",
        desc="Accredited tensile and compression tests, −70 to +250 °C, with video "
             "extensometer."),
    lab("AM-F02", "Fatigue lab (servo-hydraulic, ±250 kN)", "materials-testing", price=95,
        area=50, force_kn=250, make="Instron", model="8802",
        notes="high- and low-cycle fatigue, crack growth",
        desc="Fatigue and fracture-mechanics testing of metals and composites, run day and "
             "night.", availability="lab-weekly", minimum_booking_hours=24),
    lab("AM-F03", "SEM/EDX lab", "metallography", price=120, area=45,
        desc="Scanning electron microscopy with EDX, fractography and coating "
             "cross-sections."),
    lab("AM-F04", "Thermal analysis lab (DSC/TGA)", "chemical-analysis", price=75, area=30,
        desc="DSC, TGA and dilatometry of polymers, metals and minerals."),
    climate_chamber("AM-F05", "Climate chamber 1000 l", "Weiss Technik", "ClimeEvent C/1000",
                    (1000, 1000, 1000), -70, 180, price=45, calendar=True,
                    desc="Temperature and humidity cycling to IEC 60068-2; bookings in our "
                         "lab planning are subtracted automatically."),
    climate_chamber("AM-F06", "Climate chamber 340 l", "Weiss Technik", "ClimeEvent C/340",
                    (600, 750, 750), -70, 180, price=40,
                    desc="Smaller chamber for ageing of coatings and adhesives, 10–98 % RH."),
    shaker("AM-F07", "Vibration table 22 kN", "Brüel & Kjær LDS", "V875", 22, 300, 750,
           price=140,
           desc="Electrodynamic shaker with slip table: sine, random and shock to IEC "
                "60068-2-6/-27/-64."),
    shaker("AM-F08", "Combined climate-vibration test (AGREE chamber)", "Brüel & Kjær LDS",
           "V8-640 with climate hood", 40, 400, 1000, price=160, visibility=NETWORK,
           desc="Shaker under a climate hood for combined temperature, humidity and "
                "vibration (−40 … +150 °C)."),
    lab("AM-F09", "Salt-spray cabinet", "salt-spray-testing", price=35, area=15,
        availability="lab-weekly", minimum_booking_hours=96,
        desc="Neutral salt spray to ISO 9227 and cyclic corrosion tests, 1,000 l."),
    lab("AM-F10", "Hardness and metallography preparation", "hardness-testing", price=60,
        area=35, desc="Vickers, Rockwell and Brinell hardness; grinding, polishing and "
                      "etching of sections."),
    lab("AM-F11", "Pilot coating lab (partners)", "pvd-coating", price=110, area=60,
        accredited=(), visibility=PARTNERS, partners=AGORA_PARTNERS,
        desc="Small PVD coater and plasma pre-treatment for partners in our joint research "
             "projects."),
    expert("AM-E01", "Surface scientist: coatings and adhesion", day=980,
           skills=("pvd-coating", "adhesive-bonding", "chemical-analysis"),
           languages=("nl", "en", "fr"),
           desc="Feasibility studies on coatings, corrosion and bonding for start-ups and "
                "SMEs."),
    expert("AM-E02", "Failure analysis engineer", day=1050,
           skills=("metallography", "tensile-testing", "materials-testing"),
           languages=("fr", "nl", "en"),
           desc="Fractography and root-cause analysis of broken parts, with an accredited "
                "report."),
    expert("AM-E03", "Polymer ageing researcher", day=900,
           skills=("climate-chamber-testing", "materials-testing"), languages=("en",),
           availability="expert-mon-wed-fri",
           desc="Accelerated ageing, lifetime prediction and test plans for plastics and "
                "adhesives."),
)

VOLTWERK = (
    expert("VR-E01", "ROS and robot integration engineers", day=750,
           skills=("robot-integration", "industrial-automation"), languages=("en", "nl"),
           desc="Our engineers help with ROS 2 navigation, fleet software and integration of "
                "mobile robots."),
)

KOOLMIJN = (
    machine("KH-M01", "Horizontal honing machine for cylinders up to 6 m", "Bergwerk",
            "HH 6000", 2008, price=75, availability="afternoons",
            desc="Honing of cylinder tubes Ø 40–500 mm up to 6 m long, to Ra 0.2 µm.",
            caps=(cap("honing", "s355", "42crmo4", "stainless-304", envelope_x_mm=500,
                      envelope_z_mm=6000, tolerance_um=10,
                      notes="bore diameter 40–500 mm"),)),
    facility("KH-F01", "700 bar hydraulic test bench", price=65, area=40,
             availability="afternoons", operator_included=True, minimum_booking_hours=2,
             lead_time_days=2,
             desc="Pressure and leak testing of cylinders, valves and hoses up to 700 bar, "
                  "with a test report."),
    lathe("KH-M02", "Heavy lathe for rods Ø 600 × 6,000 mm", "Kolenberg", "LT 600/6000", 2006,
          600, 6000, 3000, price=80, availability="afternoons",
          desc="Turning and threading of piston rods and tubes up to 6 m."),
    machine("KH-M03", "Circumferential welding station", "Kolenberg", "RW 600", 2013, price=60,
            availability="afternoons",
            desc="Rotating MAG welding of cylinder bottoms and flanges.",
            caps=(cap("mig-mag-welding", "s355", "42crmo4", envelope_x_mm=600,
                      envelope_z_mm=6000, max_weight_kg=2000),)),
    expert("KH-E01", "Hydraulics repair specialist", day=640,
           skills=("mechanical-assembly", "honing"), languages=("nl", "it"),
           desc="Former mine mechanic with 30 years on heavy hydraulics: diagnosis, repair "
                "and re-seal on site."),
)

JEKERDAL = (
    machine("JV-M01", "Multivac thermoforming packaging line 1", "Multivac", "R 535", 2018,
            price=95, availability="fifth-day", calendar=True,
            desc="Thermoforming packer for trays from film up to 720 mm wide, MAP and "
                 "vacuum; co-packing trials on Fridays and nights.",
            caps=(cap("thermoforming", "pp", "pe-hd", "petg", envelope_x_mm=720,
                      envelope_y_mm=600, envelope_z_mm=180),)),
    machine("JV-M02", "Multivac thermoforming packaging line 2", "Multivac", "R 245", 2014,
            price=85, availability="fifth-day",
            desc="Smaller thermoforming packer, film up to 560 mm, for short runs.",
            caps=(cap("thermoforming", "pp", "pe-hd", "petg", envelope_x_mm=560,
                      envelope_y_mm=500, envelope_z_mm=150),)),
    facility("JV-F01", "High-care clean packing room", price=60, area=250,
             accredited=("fssc-22000",), availability="fifth-day",
             desc="Chilled packing room (4 °C) under FSSC 22000 with hand-packing tables."),
    facility("JV-F02", "Flow-wrapping co-packing line", price=70, area=120,
             accredited=("fssc-22000",), availability="fifth-day", operator_included=True,
             desc="Horizontal flow-wrapper with labeller and checkweigher."),
    expert("JV-E01", "Packaging technologist", day=720,
           skills=("thermoforming", "product-design"), languages=("nl", "fr", "en"),
           desc="Modified-atmosphere packaging and recyclable mono-material films."),
)

MAASKANT = (
    machine("MC-M01", "Composite autoclave 2.5 × 6 m", "Scholz", "Ø 2.5 × 6 m", 2012,
            price=160, availability="nights", minimum_booking_hours=8,
            desc="Autoclave to 10 bar and 200 °C, 24 thermocouples, vacuum ports; idle at "
                 "night.",
            caps=(cap("composite-lamination", *COMPOSITES, envelope_x_mm=6000,
                      envelope_y_mm=2500, envelope_z_mm=2500, max_weight_kg=5000,
                      notes="autoclave cure up to 10 bar and 200 °C"),)),
    five_axis("MC-M02", "5-axis trimming router for composites", "CMS", "Ares 3616", 2016,
              (3600, 1600, 1000), 500, tol=100, mats=COMPOSITES + ("al-6082",), price=95,
              desc="Trimming and drilling of cured CFRP and GFRP parts with dust extraction."),
    machine("MC-M03", "Ultrasonic C-scan system", "Tecnitest", "Triton 3000", 2015, price=110,
            availability="nights",
            desc="Squirter C-scan for composite panels, to aerospace acceptance criteria.",
            caps=(cap("ultrasonic-testing", *COMPOSITES, envelope_x_mm=3000,
                      envelope_y_mm=1500, envelope_z_mm=1000),)),
    facility("MC-F01", "Clean room for lay-up (ISO 8)", price=55, area=400,
             availability="nights-weekends",
             desc="Temperature and humidity controlled lay-up room with freezer for prepregs.",
             caps=(cap("composite-lamination", *COMPOSITES),)),
    facility("MC-F02", "Vacuum infusion hall", price=65, area=600,
             availability="nights-weekends",
             desc="Infusion tables up to 12 × 3 m and resin supply for blade repair kits and "
                  "panels.",
             caps=(cap("composite-lamination", *COMPOSITES, envelope_x_mm=12000,
                       envelope_y_mm=3000),)),
    expert("MC-E01", "Composite repair specialist", day=780,
           skills=("composite-lamination", "adhesive-bonding"), languages=("nl", "en"),
           desc="Repairs of wind-turbine blades and aerospace panels; repair kits and "
                "training."),
    expert("MC-E02", "Composite stress engineer", day=1050,
           skills=("fea-simulation", "product-design"), languages=("nl", "en", "de"),
           desc="Laminate design and FEA of composite structures to aerospace standards."),
)

HEIDEVELDEN = (
    cmm("HM-M01", "Gantry CMM 3 × 2 × 1.5 m", "Zeiss", "MMZ G 30/20/15", 2015,
        (3000, 2000, 1500), 4, 5000, price=120, availability="tue-thu",
        desc="Gantry CMM for large housings, frames and moulds, in a climate-controlled "
             "room."),
    cmm("HM-M02", "Hexagon Global S bridge CMM", "Hexagon", "Global S 9.15.8", 2020,
        (900, 1500, 800), 2, 1000, price=95, availability="tue-thu",
        desc="Scanning CMM with PC-DMIS; reports to your drawing's GD&T."),
    machine("HM-M03", "Structured-light 3D scanner", "GOM", "ATOS Q 12M", 2022, price=85,
            availability="tue-thu",
            desc="Full-field scanning, colour deviation maps and reverse engineering.",
            caps=(cap("3d-scanning", envelope_x_mm=500, envelope_y_mm=370,
                      envelope_z_mm=370, tolerance_um=10),
                  cap("reverse-engineering"))),
    machine("HM-M04", "Industrial CT scanner", "Zeiss", "METROTOM 800", 2019, price=140,
            availability="tue-thu", minimum_booking_hours=4,
            desc="CT scanning of small plastic and light-metal parts: porosity, wall "
                 "thickness and inner geometry.",
            caps=(cap("computed-tomography", "pa6", "pp", "pc", "alsi10mg",
                      envelope_x_mm=290, envelope_y_mm=290, envelope_z_mm=350, tolerance_um=5,
                      max_weight_kg=3),)),
    lab("HM-F01", "Calibration lab for gauges", "metrology", price=75, area=60,
        desc="Accredited calibration of callipers, micrometers, gauge blocks and ring "
             "gauges."),
    expert("HM-E01", "Metrology engineer (GD&T)", day=820,
           skills=("cmm-measurement", "computed-tomography", "3d-scanning"),
           languages=("nl", "en", "de"),
           desc="Measurement strategies, GD&T training and Calypso/PC-DMIS programs."),
)

KIEWIT = (
    machine("KE-M01", "SMT line (printer, two placers, reflow)", "ASMPT", "SIPLACE SX2", 2019,
            price=120, availability="tue-thu-long",
            desc="Solder-paste printing, placement from 0201 to BGA and nitrogen reflow; "
                 "about 25 free hours a week for prototypes.",
            caps=(cap("pcb-assembly", envelope_x_mm=510, envelope_y_mm=460,
                      notes="components 0201 to 55 × 55 mm BGA"),)),
    machine("KE-M02", "Selective soldering machine", "Ersa", "VERSAFLOW 4/55", 2017, price=75,
            availability="tue-thu-long",
            desc="Selective wave soldering of through-hole components, lead-free.",
            caps=(cap("soldering", envelope_x_mm=508, envelope_y_mm=508),)),
    machine("KE-M03", "Conformal coating cell", "PVA", "Delta 8", 2020, price=65,
            availability="tue-thu-long",
            desc="Selective conformal coating with UV inspection.",
            caps=(cap("electronics-assembly", envelope_x_mm=450, envelope_y_mm=450,
                      notes="selective conformal coating (acrylic, silicone, urethane)"),)),
    facility("KE-F01", "ESD box-build and test area", price=55, area=150,
             accredited=("iso-13485",),
             desc="Box build, cable assembly and functional test under ISO 13485.",
             caps=(cap("electronics-assembly"), cap("cable-harness-assembly"))),
    expert("KE-E01", "NPI and DfM engineer for electronics", day=760,
           skills=("pcb-assembly", "product-design"), languages=("nl", "en", "fr"),
           desc="Design-for-manufacturing reviews and first-article builds of new boards."),
)

SLAKWOL = (
    facility("SW-F01", "Pilot spinning wheel for mineral wool", price=95, area=120,
             visibility=NETWORK, availability="tue-thu", operator_included=True,
             desc="Cascade spinning wheel fed from a 1,450 °C melt, open to other materials "
                  "start-ups."),
)

PEROVIA = (
    machine("PS-M01", "Slot-die coater (sheet-to-sheet)", "Coatema", "EasyCoater", 2022,
            price=65, visibility=PARTNERS, partners=("Agora Materials Institute vzw",),
            availability="office", operator_included=False,
            desc="Slot-die coating of thin films on glass and foil up to 300 mm wide, in a "
                 "glovebox.",
            caps=(cap("coating", "float-glass", envelope_x_mm=300, envelope_y_mm=300,
                      notes="wet film 5–200 µm"),)),
)

TECHNICUM = (
    lathe("TG-M01", "DMG MORI CTX 310 ecoline training lathe", "DMG MORI", "CTX 310 ecoline",
          2013, 200, 450, 100, price=55, availability="school-evenings",
          desc="Training lathe with Siemens ShopTurn; free in the evenings and during "
               "school holidays."),
    three_axis("TG-M02", "Haas VF-2 training mill", "Haas", "VF-2", 2015, (762, 406, 508),
               680, price=48, availability="school-evenings",
               desc="3-axis VMC used for CNC courses; with a trainer on request."),
    five_axis("TG-M03", "Haas UMC-750 5-axis training centre", "Haas", "UMC-750", 2019,
              (762, 508, 508), 300, tol=10, price=70, availability="school-evenings",
              desc="5-axis universal machining centre for courses and prototypes."),
    facility("TG-F01", "Welding school (12 booths)", price=45, area=400,
             availability="school-evenings",
             desc="12 booths with MIG/MAG, TIG and stick sets, fume extraction and a "
                  "bend-test press.",
             caps=(cap("mig-mag-welding", *WELDING), cap("tig-welding", *WELDING, "al-5754"),
                   cap("manual-metal-arc-welding", "s235", "s355"))),
    facility("TG-F02", "PLC and robotics lab", price=40, area=120,
             availability="school-evenings",
             desc="Siemens S7-1500 stations and two Fanuc cobots for training and trials.",
             caps=(cap("industrial-automation"), cap("robot-integration"))),
    expert("TG-E01", "CNC trainer for masterclasses", day=600,
           skills=("cnc-turning", "milling-3-axis", "cam-programming"),
           languages=("nl", "en"),
           desc="On-site masterclasses in CNC turning and milling for your operators."),
    expert("TG-E02", "Welding instructor (IWS)", day=620,
           skills=("mig-mag-welding", "tig-welding"), languages=("nl", "fr"),
           desc="Coaching and EN ISO 9606 welder qualification, at our school or your "
                "shop."),
)

ZWARTBERG = (
    machine("ZS-M01", "Schuler transfer press 800 t", "Schuler", "transfer press 800 t",
            2004, price=180, availability="nights", visibility=NETWORK,
            minimum_booking_hours=8, lead_time_days=14,
            desc="Tri-axis transfer press for body and chassis parts; die space 4,500 × "
                 "2,200 mm.",
            caps=(cap("stamping", "dc01", "dx51d", "s355", ("al-5754", 3),
                      force_kn=7845.3, envelope_x_mm=4500, envelope_y_mm=2200,
                      max_thickness_mm=4),
                  cap("deep-drawing", "dc01", "dx51d", force_kn=7845.3,
                      envelope_x_mm=4500, envelope_y_mm=2200, max_thickness_mm=3))),
    machine("ZS-M02", "Progressive-die press 400 t", "Kempen Presses", "PDP 400", 2011,
            price=150, availability="two-shifts-week", calendar=True, minimum_booking_hours=8,
            desc="Progressive-die press with coil line; since a programme ended it has "
                 "about two free shifts a week.",
            caps=(cap("stamping", "dc01", "dx51d", "s355", "stainless-304",
                      force_kn=3922.7, envelope_x_mm=3000, envelope_y_mm=1200,
                      max_thickness_mm=6),)),
    machine("ZS-M03", "Progressive-die press 250 t", "Kempen Presses", "PDP 250", 2008,
            price=120, availability="nights", minimum_booking_hours=8,
            desc="Press for small brackets and clips from coil up to 600 mm wide.",
            caps=(cap("stamping", "dc01", "dx51d", "s355", force_kn=2451.7,
                      envelope_x_mm=2400, envelope_y_mm=1000, max_thickness_mm=5),)),
    machine("ZS-M04", "Die tryout press 100 t", "Kempen Presses", "TP 100", 2010, price=85,
            availability="weekdays-day",
            desc="Spotting and tryout press for die maintenance and new tools.",
            caps=(cap("toolmaking", force_kn=980.7, envelope_x_mm=2500,
                      envelope_y_mm=1400),)),
    machine("ZS-M05", "Sodick wire EDM", "Sodick", "ALC600G", 2017, price=70,
            desc="Wire EDM for punches, die inserts and prototype tooling.",
            caps=(cap("wire-edm", *TOOLING, envelope_x_mm=600, envelope_y_mm=400,
                      envelope_z_mm=350, max_weight_kg=800, tolerance_um=2),)),
    machine("ZS-M06", "JUNG surface grinder", "JUNG", "J600", 2012, price=60,
            desc="Precision surface grinding of die plates and punches.",
            caps=(cap("surface-grinding", *TOOLING, envelope_x_mm=600, envelope_y_mm=300,
                      envelope_z_mm=400, tolerance_um=2),)),
    five_axis("ZS-M07", "Hermle C 42 U die-shop machining centre", "Hermle", "C 42 U", 2018,
              (800, 800, 550), 1400, tol=5, mats=TOOLING + ("s355",), price=110,
              desc="5-axis milling of hardened die inserts up to 62 HRC."),
    expert("ZS-E01", "Die designer (progressive and transfer dies)", day=920,
           skills=("toolmaking", "fea-simulation", "stamping"), languages=("nl", "de", "en"),
           desc="Die design with AutoForm simulation, springback compensation for "
                "high-strength steels."),
    expert("ZS-E02", "Press-shop technologist", day=800,
           skills=("stamping", "deep-drawing"), languages=("nl", "fr"),
           availability="expert-mon-wed-fri",
           desc="Tryout, process capability and scrap reduction in stamping."),
)

PAALSE = (
    coating_line("PP-M01", "Powder-coating line 7 × 2 × 0.8 m", "Nordson", "Encore HD", 2016,
                 (7000, 2000, 800), 500, price=110, availability="fridays", calendar=True,
                 accreditations=("qualicoat",), minimum_booking_hours=4,
                 desc="Overhead conveyor with zinc-phosphate pretreatment and curing oven; "
                      "colour change in 15 minutes."),
    machine("PP-M02", "Walk-in sandblasting cabin", "Airblast", "AB 8 × 4", 2014, price=75,
            availability="fridays",
            desc="Grit blasting to Sa 2½ of parts up to 8 × 4 × 4 m.",
            caps=(cap("abrasive-blasting", *COATING, envelope_x_mm=8000, envelope_y_mm=4000,
                      envelope_z_mm=4000, max_weight_kg=3000),)),
    coating_line("PP-M03", "Small-batch powder booth with batch oven", "Gema", "OptiFlex Pro",
                 2021, (2000, 1500, 1500), 200, price=65, availability="fridays",
                 desc="Manual booth and batch oven for prototypes and single parts."),
    expert("PP-E01", "Powder-coating advisor", day=650,
           skills=("powder-coating", "pickling-passivation"), languages=("nl", "fr", "en"),
           desc="Pretreatment, Qualicoat class 2 and coating specifications for your "
                "drawings."),
)

KRISTALPARK = (
    machine("KX-M01", "Aluminium extrusion press 7 inch (20 MN)", "Presezzi Extrusion",
            "7\" front-loading", 2010, price=180, availability="weekends",
            minimum_booking_hours=8, lead_time_days=21,
            desc="Press time for short runs of special profiles, with your die or ours.",
            caps=(cap("metal-extrusion", "al-6061", "al-6082", force_kn=20000,
                      envelope_x_mm=180, envelope_y_mm=180, notes="circumscribed circle "
                      "up to Ø 180 mm, profiles up to 45 m"),)),
    machine("KX-M02", "Aluminium extrusion press 9 inch (27.5 MN)", "Presezzi Extrusion",
            "9\" front-loading", 2014, price=180, availability="nights",
            visibility=NETWORK, minimum_booking_hours=8, lead_time_days=21,
            desc="Larger press for wide profiles for construction and automotive.",
            caps=(cap("metal-extrusion", "al-6061", "al-6082", force_kn=27500,
                      envelope_x_mm=240, envelope_y_mm=240),)),
    machine("KX-M03", "Ageing oven 1", "Kristalpark", "AO 7500", 2010, price=60,
            desc="Artificial ageing (T5/T6) of profiles up to 7.5 m.",
            caps=(cap("precipitation-hardening", "al-6061", "al-6082", envelope_x_mm=7500,
                      envelope_y_mm=1200, envelope_z_mm=1500, max_weight_kg=8000),)),
    machine("KX-M04", "Ageing oven 2", "Kristalpark", "AO 7500", 2015, price=60,
            desc="Second ageing oven, same size, gas-fired with recirculation.",
            caps=(cap("precipitation-hardening", "al-6061", "al-6082", envelope_x_mm=7500,
                      envelope_y_mm=1200, envelope_z_mm=1500, max_weight_kg=8000),)),
    five_axis("KX-M05", "Profile machining centre 7 m", "Elumatec", "SBZ 628", 2019,
              (7000, 400, 300), 150, tol=50, mats=("al-6061", "al-6082"), price=85,
              desc="5-axis machining of aluminium profiles up to 7 m."),
    machine("KX-M06", "Double mitre saw for profiles", "Elumatec", "DG 244", 2017, price=50,
            availability="weekdays-day",
            desc="Mitre cutting of profiles to length.",
            caps=(cap("sawing", "al-6061", "al-6082", envelope_x_mm=7000,
                      tolerance_um=200),)),
    expert("KX-E01", "Extrusion die designer", day=880,
           skills=("metal-extrusion", "toolmaking"), languages=("nl", "en", "de"),
           desc="Profile design for extrusion, die design and trials."),
    expert("KX-E02", "Aluminium metallurgist", day=950,
           skills=("precipitation-hardening", "metallography"), languages=("nl", "en"),
           desc="Alloy choice, ageing cycles and surface defects of extruded aluminium."),
)

BRUSTEM = (
    five_axis("BR-M01", "Hermle C 42 U 5-axis machining centre", "Hermle", "C 42 U", 2017,
              (800, 800, 550), 1400, tol=5, mats=AEROSPACE, price=130,
              desc="Titanium and aluminium brackets and fittings; AS9100 traceability."),
    five_axis("BR-M02", "DMU 50 5-axis machining centre 1", "DMG MORI", "DMU 50", 2019,
              (650, 520, 475), 300, tol=6, mats=AEROSPACE, price=110,
              desc="Compact 5-axis for small aluminium fittings."),
    five_axis("BR-M03", "DMU 50 5-axis machining centre 2", "DMG MORI", "DMU 50", 2022,
              (650, 520, 475), 300, tol=6, mats=AEROSPACE, price=112,
              desc="Second DMU 50 with probe and tool-breakage detection."),
    five_axis("BR-M04", "Mazak VARIAXIS i-700", "Mazak", "VARIAXIS i-700", 2016,
              (630, 765, 560), 500, tol=6, mats=AEROSPACE, price=120,
              desc="5-axis with 2-pallet changer for long unmanned runs in titanium."),
    cmm("BR-M05", "Zeiss CONTURA CMM", "Zeiss", "CONTURA 7/10/6", 2018, (700, 1000, 600), 2,
        500, price=90, visibility=NETWORK,
        desc="CMM for first-article inspection to AS9102."),
    expert("BR-E01", "First-article inspection specialist", day=880,
           skills=("cmm-measurement", "metrology"), languages=("nl", "de", "en"),
           desc="AS9102 FAI reports and balloon drawings for aerospace customers."),
    expert("BR-E02", "5-axis CAM programmer for titanium", day=760,
           skills=("cam-programming", "milling-5-axis"), languages=("nl", "en"),
           desc="NX CAM, trochoidal strategies and fixturing for thin-walled titanium."),
)

LEIEBOORD = (
    facility("LB-F01", "Sampling looms (8 rapier looms, 3.6 m)", price=65, area=900,
             availability="nights",
             desc="Night shift on eight rapier looms for sampling and short runs of glass, "
                  "aramid and polyester fabrics."),
    machine("LB-M01", "CO2 laser cutter for technical fabrics", "Eurolaser", "XL-3200", 2018,
            price=60, availability="nights",
            desc="Sealed-edge cutting of fabrics, felts and prepregs, 3.2 × 2 m.",
            caps=(cap("laser-cutting-co2", "gfrp", "pa6", envelope_x_mm=3200,
                      envelope_y_mm=2000, max_thickness_mm=10),)),
    facility("LB-F02", "Fabric coating line (knife over roll, 2 m)", price=90, area=400,
             availability="weekends", operator_included=True, minimum_booking_hours=8,
             desc="PU, PVC and silicone coating of technical fabrics, drying oven 3 zones."),
    expert("LB-E01", "Textile engineer for technical fabrics", day=740,
           skills=("composite-lamination",), languages=("nl", "fr", "en"),
           desc="Weave design and finishing of glass, aramid and hybrid fabrics for "
                "composites."),
)

BROELTORENS = (
    five_axis("BT-M01", "Portal 5-axis milling machine 4 m", "Leiewerk", "PM 4025-5X", 2017,
              (4000, 2500, 1000), 8000, tol=15, price=140, lead_time_days=10,
              desc="Gantry mill for machine frames and large stainless parts up to 4 m."),
    lathe("BT-M02", "Mazak INTEGREX i-200 multi-tasking", "Mazak", "INTEGREX i-200", 2018,
          658, 1011, 400, mill_axes=5, price=95,
          desc="Mill-turn centre for shafts, hubs and complex rotating parts."),
    fibre_laser("BT-M03", "Trumpf TruLaser 3030 fiber 4 kW", "Trumpf", "TruLaser 3030 fiber",
                2016, 4, (3000, 1500), 20, 15, 12, price=105,
                desc="Laser cutting of stainless sheet for food machines."),
    press_brake("BT-M04", "Trumpf TruBend 5170 press brake", "Trumpf", "TruBend 5170", 2016,
                170, 3230, 12, price=75,
                desc="Press brake with ACB angle control, stainless tooling."),
    facility("BT-F01", "Stainless welding shop (TIG and orbital)", price=70, area=350,
             accredited=("iso-3834",), operator_included=True, minimum_booking_hours=8,
             availability="nights-weekends",
             desc="Separate stainless shop with TIG and orbital welding and pickling paste "
                  "station.",
             caps=(cap("tig-welding", *STAINLESS, "duplex-1-4462"),
                   cap("orbital-welding", *STAINLESS))),
    facility("BT-F02", "Electrical cabinet workshop", price=55, area=200,
             availability="weekdays-day",
             desc="Panel building to IEC 61439 with wire processing and test bench.",
             caps=(cap("control-cabinet-building"),)),
    facility("BT-F03", "Assembly hall Menen with 20 t crane", price=40, area=1500, site=1,
             availability="weekdays-day", minimum_booking_hours=40, lead_time_days=14,
             desc="Floor space, 20 t crane and 63 A power for customer projects.",
             caps=(cap("mechanical-assembly", max_weight_kg=20000),)),
    expert("BT-E01", "Machine design engineer (CE marking)", day=900,
           skills=("machine-building", "product-design", "cad-design"),
           languages=("nl", "fr", "en"),
           desc="Design of food-processing machines and CE marking under the Machinery "
                "Regulation."),
    expert("BT-E02", "Automation engineer for food lines", day=850,
           skills=("industrial-automation", "robot-integration"), languages=("nl", "en"),
           availability="expert-alternate-weeks",
           desc="PLC, robot and vision integration for food lines."),
)

VLASGAARD = (
    expert("VG-E01", "Flax fibre processing know-how", day=600,
           skills=("composite-lamination", "compression-moulding"),
           languages=("nl", "en", "fr"),
           desc="From flax fibre to panel: fibre treatment, bio-resins and pressing."),
)

VEZELHUIS = (
    lab("VH-F01", "Tensile lab for textiles and composites", "tensile-testing", price=75,
        area=50, force_kn=100, mats=("gfrp", "cfrp", "pa6", "pp"), make="ZwickRoell",
        model="Z100",
        desc="Accredited strip, grab and seam tests; composite coupons to ISO 527-4/-5."),
    lab("VH-F02", "Abrasion and pilling lab (Martindale)", "materials-testing", price=55,
        area=30, notes="Martindale abrasion and pilling, ISO 12947",
        desc="Abrasion resistance and pilling of upholstery and workwear fabrics."),
    lab("VH-F03", "Flammability lab", "materials-testing", price=80, area=40,
        notes="EN ISO 15025, EN 13501-1 small flame",
        desc="Flame spread and ignitability of textiles and protective clothing."),
    climate_chamber("VH-F04", "UV ageing chamber (xenon arc)", "Atlas", "Xenotest 440",
                    (450, 300, 300), -10, 100, price=45, humidity="",
                    desc="Light fastness and weathering of textiles to ISO 105-B02."),
    climate_chamber("VH-F05", "Walk-in climate chamber 8 m³", "Weiss Technik", "WT 8000",
                    (2000, 2000, 2000), -40, 120, price=60,
                    desc="Conditioning and ageing of large samples and finished products."),
    expert("VH-E01", "Smart-textiles researcher", day=880,
           skills=("electronics-assembly", "product-design"), languages=("nl", "en", "fr"),
           desc="Integration of sensors and conductive yarns in textiles."),
    expert("VH-E02", "Fibre recycling expert", day=850,
           skills=("materials-testing", "plastics-extrusion"), languages=("nl", "en"),
           desc="Mechanical and chemical recycling of textile waste into fibre."),
)

KUSTWIND = (
    facility("KW-F01", "Blade-repair workshop (sections up to 40 m)", price=95, area=1600,
             availability="season-winter", operator_included=False,
             minimum_booking_hours=40, lead_time_days=14,
             desc="Heated workshop for blade sections up to 40 m, with dust extraction and "
                  "an overhead crane; free between offshore campaigns.",
             caps=(cap("composite-lamination", *COMPOSITES, envelope_x_mm=40000,
                       envelope_y_mm=5000, envelope_z_mm=4000),)),
    machine("KW-M01", "Hydraulic bolt-tensioning tool pool (M36–M72)", "Hytorc",
            "Stealth and XLCT set", 2021, price=45, availability="season-winter",
            operator_included=False, lead_time_days=3,
            desc="Hydraulic tensioners and torque wrenches with pumps, calibrated; for "
                 "flange bolts M36–M72.",
            caps=(cap("mechanical-assembly", force_kn=1500,
                      notes="bolt tension up to 1,500 kN"),)),
    expert("KW-E01", "GWO-certified technicians (crew of two)", day=1100,
           skills=("composite-lamination", "mechanical-assembly"), languages=("nl", "en"),
           availability="season-winter",
           desc="Rope-access blade repair and bolt maintenance, GWO BST and BTT."),
    expert("KW-E02", "Blade inspection engineer", day=950,
           skills=("ultrasonic-testing", "ndt"), languages=("en", "nl"),
           desc="Drone and ultrasonic inspection of blades, damage classification and "
                "repair plans."),
)

SPUIKOM = (
    facility("SP-F01", "Offshore test site off Oostende", price=50, area=40000,
             visibility=PARTNERS,
             partners=("Kustwind Service NV", "Vuurtoren Marine Engineering NV"),
             availability="weekdays-day", minimum_booking_hours=24, lead_time_days=30,
             desc="Moored lines 2 km offshore with a buoy for sensors; shared with "
                  "blue-energy partners."),
)

VUURTOREN = (
    lathe("VM-M01", "Heavy lathe 8 m × Ø 1.2 m", "Noordkaap", "HL 1200/8000", 2009, 1200, 8000,
          20000, tol=20, price=95, mats=STEELS + STAINLESS + ("bronze",),
          desc="Turning of propeller shafts, rudder stocks and rolls up to 20 t."),
    machine("VM-M02", "Horizontal boring mill", "Union", "BFT 130", 2011, price=90,
            availability="late-shift",
            desc="Table-type boring mill with rotary table; free about 40 % of the time.",
            caps=(cap("milling-3-axis", *STEELS, "gjs-400", envelope_x_mm=3000,
                      envelope_y_mm=2000, envelope_z_mm=1500, max_weight_kg=15000,
                      tolerance_um=20, axes=4),
                  cap("drilling", *STEELS, "gjs-400", envelope_x_mm=3000,
                      envelope_y_mm=2000, envelope_z_mm=1500, max_weight_kg=15000))),
    facility("VM-F01", "Welding shop for steel and aluminium", price=65, area=500,
             accredited=("en-1090", "iso-3834"), availability="nights-weekends",
             operator_included=True, minimum_booking_hours=8,
             desc="Ship-repair welding shop with certified welders for steel and marine "
                  "aluminium.",
             caps=(cap("mig-mag-welding", "s235", "s355", "al-5083"),
                   cap("tig-welding", *STAINLESS, "al-5083"))),
    expert("VM-E01", "On-site line boring and machining crew", day=1000,
           skills=("drilling", "milling"), languages=("nl", "en", "fr"),
           desc="In-situ line boring of stern tubes and flange facing on board."),
    expert("VM-E02", "Ship-repair engineer", day=800,
           skills=("welding", "mechanical-assembly"), languages=("nl", "en"),
           desc="Repair specifications and class surveys for inland and coastal vessels."),
)

MANDELVALLEI = (
    facility("MV-F01", "IQF freezing tunnel (8 t/h)", price=180, area=400,
             accredited=("fssc-22000", "brcgs"), availability="season-winter-shifts",
             operator_included=True, minimum_booking_hours=8, lead_time_days=14,
             desc="Fluidised-bed IQF tunnel for vegetables, fruit and prepared foods; free "
                  "from September to May."),
    facility("MV-F02", "Frozen-vegetable packing line", price=90, area=300,
             accredited=("fssc-22000", "brcgs"), availability="season-winter-shifts",
             operator_included=True, minimum_booking_hours=8,
             desc="Weighers and baggers for retail and food-service packs."),
    facility("MV-F03", "Steam blancher pilot", price=75, area=80,
             accredited=("fssc-22000",), availability="season-winter-shifts",
             desc="Continuous steam blancher for product trials, 500 kg/h."),
    facility("MV-F04", "Frozen storage −25 °C (500 pallets)", price=25, area=1500,
             accredited=("fssc-22000", "brcgs"), availability="continuous",
             minimum_booking_hours=168, lead_time_days=3,
             desc="Pallet storage at −25 °C with temperature logging."),
    expert("MV-E01", "Food technologist for frozen products", day=700,
           skills=("product-design",), languages=("nl", "fr", "en"),
           desc="Recipe scale-up, blanching and freezing trials, shelf-life studies."),
)

HAVEN = (
    robot_cell("HR-M01", "Cloos robot welding cell 1", "Cloos", "QIROX QRC-350", 2018,
               (2500, 1200, 1000), 750, price=75, availability="nights",
               desc="Two-station cell (2 × 750 kg) so loading and welding overlap."),
    robot_cell("HR-M02", "Yaskawa robot welding cell 2", "Yaskawa", "Motoman AR2010", 2021,
               (3000, 1500, 1200), 1000, price=72, availability="nights", calendar=True,
               desc="Robot with turn-tilt positioner and laser seam finding."),
    facility("HR-F01", "Manual MIG/TIG welding bay (6 booths)", price=58, area=300,
             accredited=("en-1090", "iso-3834"), availability="late-shift",
             operator_included=True,
             desc="Six booths with certified welders for steel and stainless.",
             caps=(cap("mig-mag-welding", *WELDING), cap("tig-welding", *STAINLESS))),
    expert("HR-E01", "IWE welding engineer for procedure qualification", day=920,
           skills=("mig-mag-welding", "tig-welding", "robot-welding"),
           languages=("nl", "fr", "en"),
           desc="WPQR to ISO 15614-1, welding procedures and robot programming support."),
)

IEPERLEE = (
    machine("IG-M01", "DISA matchplate moulding line", "DISA", "MATCH 24/28", 2013, price=140,
            availability="wednesdays", minimum_booking_hours=8, lead_time_days=21,
            desc="Flaskless matchplate moulding for castings of 5–80 kg; free on "
                 "Wednesdays for pattern trials.",
            caps=(cap("sand-casting", "gjl-250", "gjs-400", envelope_x_mm=700,
                      envelope_y_mm=600, envelope_z_mm=250, max_weight_kg=80),)),
    facility("IG-F01", "Hand-moulding floor (castings up to 3 t)", price=110, area=800,
             availability="wednesdays", operator_included=True, minimum_booking_hours=8,
             lead_time_days=21,
             desc="Floor moulding in furan sand for large castings up to 3 t.",
             caps=(cap("sand-casting", "gjl-250", "gjs-400", max_weight_kg=3000),)),
    facility("IG-F02", "Cold-box core shop", price=70, area=250, availability="wednesdays",
             desc="Core shooters up to 25 l and core assembly."),
    machine("IG-M02", "Bogie-hearth heat-treatment furnace", "Nabertherm", "W 5000/H", 2015,
            price=70,
            desc="Annealing and stress relieving of castings and welded frames up to 6 t, "
                 "1,100 °C.",
            caps=(cap("annealing", "gjs-400", "gjl-250", "s355", envelope_x_mm=2500,
                      envelope_y_mm=1500, envelope_z_mm=1200, max_weight_kg=6000),
                  cap("stress-relieving", "gjs-400", "s355", envelope_x_mm=2500,
                      envelope_y_mm=1500, envelope_z_mm=1200, max_weight_kg=6000))),
    lathe("IG-M03", "Vertical turning lathe Ø 1,600 mm", "Lemmens", "VTL 1600", 2012, 1600,
          1200, 5000, tol=20, mats=("gjl-250", "gjs-400", "s355"), price=85,
          desc="Turning of large castings: housings, flywheels and rings."),
    machine("IG-M04", "Mazak horizontal machining centre", "Mazak", "HCN-6800", 2016,
            price=85,
            desc="4-axis HMC with 2 pallets for cast housings.",
            caps=(cap("milling-3-axis", "gjl-250", "gjs-400", "s355", envelope_x_mm=1050,
                      envelope_y_mm=900, envelope_z_mm=980, max_weight_kg=1500, axes=4,
                      tolerance_um=10),)),
    expert("IG-E01", "Foundry engineer (methoding and simulation)", day=850,
           skills=("sand-casting", "fea-simulation"), languages=("nl", "fr", "en"),
           desc="Gating and feeding design with MAGMA simulation, casting defects analysis."),
)

LEIEBRUG = (
    moulder("LP-M01", "Engel victory 50", "Engel", "victory 50", 2015, 500, 60, (405, 355),
            price=45, mats=MEDICAL, tol=20,
            desc="Tie-bar-less machine for small precision parts."),
    moulder("LP-M02", "Arburg Allrounder 470 A", "Arburg", "Allrounder 470 A", 2018, 1000, 130,
            (470, 470), price=55, mats=MEDICAL, tol=20,
            desc="Electric machine for medical and technical parts."),
    moulder("LP-M03", "Arburg Allrounder 570 S", "Arburg", "Allrounder 570 S", 2016, 2200, 370,
            (570, 570), price=68,
            desc="Hydraulic machine with robot for technical parts."),
    moulder("LP-M04", "Engel duo 250 t", "Engel", "duo 2550/250", 2014, 2500, 800, (800, 700),
            price=72, calendar=True,
            desc="Our 250 t machine with spare capacity: mould trials and short runs."),
    moulder("LP-M05", "Engel duo 800 t", "Engel", "duo 8000/800", 2012, 8000, 4500,
            (1300, 1100), price=110, visibility=NETWORK, minimum_booking_hours=8,
            desc="Large parts such as crates and housings."),
    moulder("LP-M06", "Arburg Allrounder 570 S 2K", "Arburg", "Allrounder 570 S 2K", 2019,
            2000, 300, (570, 570), price=80, two_component=True,
            mats=("pp", "pc", "abs", "tpu", "pa6"),
            desc="Two-component moulding of soft-touch grips and seals."),
    moulder("LP-M07", "Arburg Allrounder 720 A", "Arburg", "Allrounder 720 A", 2020, 3200,
            900, (720, 720), price=85,
            desc="Electric 320 t machine for thin-walled housings."),
    facility("LP-F01", "ISO class 7 cleanroom moulding cell", price=95, area=300,
             accredited=("iso-13485",), visibility=PARTNERS,
             partners=("Kiewit Electronics Assembly BV", "Smelne Kunststoffen BV"),
             availability="nights-weekends",
             desc="Cleanroom with two electric presses for medical parts under ISO 13485.",
             caps=(cap("injection-moulding", *MEDICAL, force_kn=1000),)),
    expert("LP-E01", "Mould-trial engineer (scientific moulding)", day=780,
           skills=("injection-moulding", "toolmaking"), languages=("nl", "fr", "en"),
           desc="Mould trials, DoE and process windows for validation (IQ/OQ/PQ)."),
)

ZEEBRUGGE = (
    facility("ZM-F01", "Full-mission bridge simulator", price=150, area=200,
             availability="weekends",
             desc="360° bridge simulator free most weekends for research and start-up "
                  "testing of navigation aids."),
    facility("ZM-F02", "Engine-room simulator", price=120, area=150, availability="weekends",
             desc="Full engine-room simulator for testing alarms, automation and training "
                  "scenarios."),
    facility("ZM-F03", "Sea-survival pool with wave machine", price=140, area=600,
             availability="weekends",
             desc="Pool with waves, wind, rain and helicopter hoist for testing safety "
                  "equipment."),
    facility("ZM-F04", "Welding workshop (10 booths)", price=45, area=350,
             availability="school-evenings",
             desc="Training workshop for welders of the maritime sector.",
             caps=(cap("mig-mag-welding", *WELDING), cap("tig-welding", *STAINLESS),
                   cap("manual-metal-arc-welding", "s235", "s355"))),
    expert("ZM-E01", "Marine engineering lecturer", day=650,
           skills=("mechanical-assembly", "industrial-automation"),
           languages=("nl", "en", "fr"),
           desc="Ship propulsion, diesel engines and retrofits; tailor-made courses."),
)

REIESTAD = (
    expert("RR-E01", "Vision-guided robotics engineer", day=720,
           skills=("robot-integration", "industrial-automation"), languages=("nl", "en"),
           desc="3D vision, grasp planning and hygienic robot cells for food handling."),
)

POLDER = (
    facility("PB-F01", "Test bakery (baker included)", price=95, area=180,
             availability="mondays", operator_included=True, minimum_booking_hours=8,
             desc="Industrial mixers, dividers, proofers and ovens; with our baker on "
                  "Mondays."),
    fibre_laser("PB-M01", "Bystronic ByStar Fiber 3015", "Bystronic", "ByStar Fiber 3015",
                2019, 6, (3000, 1500), 25, 20, 15, price=115,
                desc="Fibre laser with automatic loading for stainless machine parts."),
    press_brake("PB-M02", "Amada HG 1303 press brake", "Amada", "HG 1303", 2017, 130, 3100,
                10, price=70, desc="Hybrid press brake with automatic tool changer."),
    three_axis("PB-M03", "Haas VF-3 vertical machining centre", "Haas", "VF-3", 2016,
               (1016, 508, 635), 1360, price=55,
               desc="3-axis milling of stainless and plastic machine parts.",
               mats=STAINLESS + ("al-6082", "pom", "pe-uhmw")),
    expert("PB-E01", "Hygienic design engineer (EHEDG)", day=820,
           skills=("machine-building", "product-design"), languages=("nl", "fr", "en"),
           desc="Hygienic design reviews of food machines to EHEDG guidelines."),
)

GAVERBEEK = (
    facility("GC-F01", "Paint booth 12 × 5 × 5 m with 200 °C oven", price=95, area=120,
             availability="fridays", operator_included=True, minimum_booking_hours=4,
             desc="Wet painting of large machine frames, corrosion classes C4/C5 to ISO "
                  "12944.",
             caps=(cap("wet-painting", *COATING, envelope_x_mm=12000, envelope_y_mm=5000,
                       envelope_z_mm=5000, max_weight_kg=10000),)),
    coating_line("GC-M01", "Powder-coating line 4 × 1.5 × 2 m", "Wagner", "SuperCenter EVO",
                 2018, (4000, 1500, 2000), 300, price=95, availability="fridays",
                 desc="Powder line with iron-phosphate pretreatment."),
    machine("GC-M02", "Grit blast room 10 × 5 × 5 m", "Airblast", "AB 10 × 5", 2012, price=70,
            availability="fridays",
            desc="Blast room for large frames before coating.",
            caps=(cap("abrasive-blasting", *COATING, envelope_x_mm=10000, envelope_y_mm=5000,
                      envelope_z_mm=5000, max_weight_kg=10000),)),
    expert("GC-E01", "Corrosion protection expert (ISO 12944)", day=780,
           skills=("wet-painting", "powder-coating", "hot-dip-galvanising"),
           languages=("nl", "fr", "en"),
           desc="Coating systems and inspection for C4/C5 environments."),
)

VIJFSEWEG = (
    facility("VK-F01", "Warp-knitting sampling machine 1", price=70, area=80,
             availability="nights",
             desc="Double-bar warp-knitting machine for spacer fabrics up to 50 mm thick."),
    facility("VK-F02", "Warp-knitting sampling machine 2", price=70, area=80,
             availability="nights",
             desc="Second machine for 3D spacer samples, 2.1 m wide."),
    expert("VK-E01", "Knitting technologist for spacer fabrics", day=700,
           skills=("product-design",), languages=("nl", "en", "de"),
           desc="Spacer-fabric design for mattresses, car seats and medical braces."),
)

GULLEGEM = (
    facility("GA-F01", "Cutting room with digital cutter (3.2 × 2 m)", price=65, area=200,
             make="Zünd", model="G3 L-3200", availability="nights",
             desc="Digital knife cutting of leather, fabrics and foams, with nesting."),
    lab("GA-F02", "Flammability lab (CS 25.853)", "materials-testing", price=85, area=40,
        accredited=(), notes="vertical Bunsen, heat release (OSU), smoke density",
        desc="Flammability tests of cabin materials for EASA and FAA certification."),
    machine("GA-M01", "Heated press for honeycomb panels", "Joos", "LAP 300", 2014, price=85,
            desc="Heated press 3 × 1.5 m for bonding honeycomb sandwich panels.",
            caps=(cap("adhesive-bonding", *COMPOSITES, "al-5754", envelope_x_mm=3000,
                      envelope_y_mm=1500, force_kn=2000),)),
    facility("GA-F03", "Technical sewing room (12 machines)", price=55, area=300,
             availability="late-shift",
             desc="Industrial sewing machines for seat covers and technical textiles."),
    expert("GA-E01", "Cabin certification engineer", day=1000,
           skills=("materials-testing", "product-design"), languages=("nl", "fr", "en"),
           desc="EASA Part 21 compliance and CS 25.853 test plans for cabin interiors."),
)

POELBERG = (
    fibre_laser("PL-M01", "Bystronic ByStar Fiber 3015 10 kW", "Bystronic",
                "ByStar Fiber 3015", 2022, 10, (3000, 1500), 30, 30, 25, price=135,
                desc="10 kW fibre laser for fast prototypes and thick plate."),
    machine("PL-M02", "Trumpf TruLaser Tube 5000 fiber", "Trumpf", "TruLaser Tube 5000 fiber",
            2019, price=110, is_active=False,
            desc="Tube laser for profiles up to 200 mm. Out of service until the new chuck "
                 "is fitted.",
            caps=(cap("tube-laser-cutting", ("s235", 8), ("stainless-304", 6), ("al-6082", 6),
                      envelope_x_mm=200, envelope_y_mm=200, envelope_z_mm=6500,
                      max_thickness_mm=8),)),
    press_brake("PL-M03", "Bystronic Xpert 150 press brake", "Bystronic", "Xpert 150", 2020,
                150, 3100, 12, price=70, desc="Press brake with LAMS angle measurement."),
)

SMELNE = (
    moulder("SK-M01", "Arburg Allrounder 270 S", "Arburg", "Allrounder 270 S", 2017, 350, 30,
            (270, 270), price=45, mats=MEDICAL, tol=10,
            desc="Micro and small precision parts, LSR option."),
    moulder("SK-M02", "Engel e-mac 100", "Engel", "e-mac 100", 2019, 1000, 100, (420, 370),
            price=52, mats=MEDICAL, tol=15, desc="Electric machine for medical parts."),
    moulder("SK-M03", "Engel e-mac 180", "Engel", "e-mac 180", 2019, 1800, 250, (520, 470),
            price=60, tol=15, desc="Electric machine for consumer products."),
    moulder("SK-M04", "Engel e-mac 280", "Engel", "e-mac 280", 2020, 2800, 480, (620, 570),
            price=70, calendar=True, tol=20,
            desc="Free for pilot series; maintenance planned in our calendar."),
    moulder("SK-M05", "Engel duo 450 t", "Engel", "duo 4550/450", 2013, 4500, 1800,
            (1000, 900), price=90, visibility=NETWORK,
            desc="Large housings and technical parts."),
    moulder("SK-M06", "Arburg Allrounder 470 S 2K", "Arburg", "Allrounder 470 S 2K", 2018,
            1000, 150, (470, 470), price=65, two_component=True,
            mats=("pp", "pc", "tpu", "abs"),
            desc="Two-component moulding for soft-touch and sealing parts."),
    facility("SK-F01", "ISO class 8 cleanroom (4 presses)", price=85, area=250,
             accredited=("iso-13485",), visibility=NETWORK, availability="nights-weekends",
             desc="Cleanroom moulding and packing of medical parts.",
             caps=(cap("injection-moulding", *MEDICAL, force_kn=1800),)),
    machine("SK-M07", "Wire EDM GF CUT E 350", "GF Machining Solutions", "CUT E 350", 2018,
            price=65,
            desc="Wire EDM in our mould shop for inserts and ejector bores.",
            caps=(cap("wire-edm", *TOOLING, envelope_x_mm=350, envelope_y_mm=250,
                      envelope_z_mm=250, max_weight_kg=400, tolerance_um=3),)),
    machine("SK-M08", "Sinker EDM GF FORM P 350", "GF Machining Solutions", "FORM P 350",
            2016, price=62,
            desc="Die-sinking EDM for ribs and textures in mould inserts.",
            caps=(cap("sinker-edm", *TOOLING, envelope_x_mm=350, envelope_y_mm=250,
                      envelope_z_mm=250, max_weight_kg=400, tolerance_um=5),)),
    five_axis("SK-M09", "Hermle C 250 mould-shop machining centre", "Hermle", "C 250", 2021,
              (600, 550, 450), 600, tol=3, mats=TOOLING + ("al-7075",), price=100,
              desc="High-speed 5-axis milling of mould inserts and electrodes."),
    expert("SK-E01", "Mould designer (medical moulds, Moldflow)", day=850,
           skills=("toolmaking", "injection-moulding", "fea-simulation"),
           languages=("nl", "en", "de"),
           desc="Mould design, flow simulation and design reviews of plastic parts."),
)

DRACHTSTER = (
    facility("DM-F01", "Cleanroom assembly (ISO 7)", price=75, area=120,
             availability="tue-thu",
             desc="Assembly of mechatronic modules for medical machines.",
             caps=(cap("mechanical-assembly"),)),
    facility("DM-F02", "Cable-harness workshop", price=55, area=150, availability="tue-thu",
             desc="Cutting, crimping and testing of cable harnesses.",
             caps=(cap("cable-harness-assembly"),)),
    facility("DM-F03", "End-of-line test room", price=70, area=80, availability="tue-thu",
             desc="Functional testing with safety test equipment and data logging."),
    expert("DM-E01", "Test engineer for test rigs", day=760,
           skills=("industrial-automation", "machine-building"), languages=("nl", "en", "de"),
           desc="Design and build of test rigs with LabVIEW and PLCs."),
)

HOOGEVEEN = (
    fibre_laser("HP-M01", "Trumpf TruLaser 3040 fiber 6 kW", "Trumpf", "TruLaser 3040 fiber",
                2021, 6, (4000, 2000), 25, 25, 25, price=125, availability="evenings",
                calendar=True, desc="Fibre laser with 4 × 2 m sheets; free in the evenings."),
    machine("HP-M02", "Trumpf TruPunch 5000 punching machine", "Trumpf", "TruPunch 5000",
            2018, price=85, availability="evenings",
            desc="Punching, forming and tapping of enclosure panels.",
            caps=(cap("punching", "dc01", "dx51d", "s235", ("stainless-304", 6), ("al-5754", 8),
                      envelope_x_mm=3050, envelope_y_mm=1550, max_thickness_mm=8,
                      force_kn=220),)),
    press_brake("HP-M03", "Trumpf TruBend 5320 press brake", "Trumpf", "TruBend 5320", 2019,
                320, 4420, 20, price=95, availability="evenings",
                desc="Long press brake for enclosure sides up to 4.4 m."),
    press_brake("HP-M04", "Trumpf TruBend 5130 press brake", "Trumpf", "TruBend 5130", 2016,
                130, 3230, 10, price=72, availability="evenings",
                desc="Press brake for small and medium parts."),
    coating_line("HP-M05", "Powder-coating line for enclosures", "Gema", "MagicCompact", 2017,
                 (3000, 1500, 2000), 250, price=95, availability="evenings",
                 desc="Powder line for battery enclosures with RAL colours in stock."),
    robot_cell("HP-M06", "Valk Welding robot cell", "Valk Welding", "Panasonic TM-2000", 2020,
               (2500, 1250, 1000), 1000, price=70, availability="evenings",
               desc="Robot welding of enclosure frames."),
    expert("HP-E01", "Battery-enclosure design engineer", day=780,
           skills=("product-design", "cad-design", "press-brake-bending"),
           languages=("nl", "en"),
           desc="IP67 sheet-metal enclosures for battery storage, design for production."),
)

REESTDAL = (
    machine("RD-M01", "EPDM extrusion line with vulcanisation tunnel", "Troester", "GS 90",
            2014, price=110, availability="half-week", minimum_booking_hours=8,
            desc="Rubber extruder with microwave and hot-air vulcanisation; free half of "
                 "the week.",
            caps=(cap("plastics-extrusion", "epdm", "nbr", "silicone-rubber",
                      envelope_x_mm=150, envelope_y_mm=150,
                      notes="dense and sponge profiles"),)),
    machine("RD-M02", "TPE extrusion line", "Battenfeld-Cincinnati", "solEX 60", 2017,
            price=95, availability="nights",
            desc="Thermoplastic extrusion of seals and profiles with co-extrusion.",
            caps=(cap("plastics-extrusion", "tpu", "pp", "pvc", envelope_x_mm=120,
                      envelope_y_mm=120),)),
    machine("RD-M03", "Mitsubishi wire EDM for extrusion dies", "Mitsubishi Electric",
            "MV1200R", 2016, price=60,
            desc="Wire EDM for extrusion dies and prototype die plates.",
            caps=(cap("wire-edm", *TOOLING, envelope_x_mm=400, envelope_y_mm=300,
                      envelope_z_mm=220, tolerance_um=3),)),
    expert("RD-E01", "Seal materials advisor", day=820,
           skills=("plastics-extrusion", "materials-testing"), languages=("nl", "de", "en"),
           desc="Choice of EPDM and TPE compounds for seals in cars and buildings."),
)

HUNZE = (
    machine("HU-M01", "Coperion ZSK 26 twin-screw compounder", "Coperion", "ZSK 26 Mc18",
            2018, price=95, availability="office",
            desc="Compounding of fillers, fibres and recyclates at 5–40 kg/h.",
            caps=(cap("plastics-extrusion", "pp", "pa6", "pa66-gf30", "pla", "pe-hd", "abs",
                      notes="twin-screw compounding, 5–40 kg/h"),)),
    machine("HU-M02", "Coperion ZSK 18 lab compounder", "Coperion", "ZSK 18 ML", 2015,
            price=70, availability="office",
            desc="Small compounder for screening formulations at 1–10 kg/h.",
            caps=(cap("plastics-extrusion", "pp", "pa6", "pla", "petg",
                      notes="1–10 kg/h"),)),
    moulder("HU-M03", "Arburg Allrounder 370 S for test specimens", "Arburg",
            "Allrounder 370 S", 2016, 600, 70, (370, 370), price=55, availability="office",
            desc="Moulding of ISO 527 and ISO 178 test bars from your compounds."),
    lab("HU-F01", "Mechanical testing lab (ISO 527, ISO 178)", "tensile-testing", price=70,
        area=45, force_kn=10, mats=("pp", "pa6", "pa66-gf30", "abs", "pc"),
        desc="Accredited tensile, flexural and impact tests of plastics."),
    lab("HU-F02", "Rheology lab", "materials-testing", price=80, area=30,
        notes="rotational and capillary rheometry, MFI",
        desc="Melt rheology and MFI of polymers and compounds."),
    lab("HU-F03", "Thermal analysis lab (DSC, TGA, DMA)", "chemical-analysis", price=75,
        area=30, desc="Accredited thermal analysis of polymers."),
    climate_chamber("HU-F04", "Climate chamber for polymer ageing", "Binder", "MKF 720",
                    (1000, 800, 900), -40, 180, price=45,
                    desc="Ageing and conditioning of plastics and adhesives."),
    expert("HU-E01", "Polymer processing researcher", day=900,
           skills=("plastics-extrusion", "injection-moulding"), languages=("en", "nl"),
           desc="Feasibility projects on processing recycled and bio-based polymers."),
    expert("HU-E02", "Polymer chemist (recyclates and additives)", day=950,
           skills=("chemical-analysis",), languages=("nl", "en", "de"),
           desc="Stabilisation, additives and contamination of recycled polymers."),
    expert("HU-E03", "Lab technician for specimen preparation", day=600,
           skills=("tensile-testing",), languages=("nl", "en"),
           availability="expert-mon-wed-fri",
           desc="Specimen preparation, conditioning and routine testing."),
)

H2WAD = (
    facility("HW-F01", "PEM electrolyser test rig", price=85, area=60, visibility=PARTNERS,
             partners=("Hunze Polymer Research Centre",
                       "Potmarge Water Technology Institute"),
             availability="tue-thu",
             desc="Test rig for stacks up to 10 kW with water treatment and gas analysis, "
                  "open to partners."),
)

DAMSTERDIEP = (
    press_brake("DD-M01", "Safan Darley press brake 400 t × 6 m", "Safan Darley",
                "H-Brake 400-6100", 2015, 400, 6100, 20, price=95,
                desc="Long press brake for ship plates and profiles."),
    machine("DD-M02", "CNC plasma cutting table 14 × 3.5 m", "Kjellberg", "HiFocus 360i neo",
            2018, price=90,
            desc="Plasma cutting of ship plates with bevel head and marking.",
            caps=(cap("plasma-cutting", ("s235", 45), ("s355", 45), ("al-5083", 35),
                      ("stainless-316l", 35), envelope_x_mm=14000, envelope_y_mm=3500,
                      max_thickness_mm=45, tolerance_um=500),)),
    machine("DD-M03", "4-roll plate bending machine 3 m × 30 mm", "Davi", "MCB 3030", 2013,
            price=80,
            desc="Rolling of plates into shells and cones.",
            caps=(cap("roll-bending", ("s235", 30), ("s355", 25), ("al-5083", 30),
                      envelope_x_mm=3000, max_thickness_mm=30),)),
    machine("DD-M04", "Roundo section bender", "Roundo", "R-11", 2010, price=75,
            desc="Bending of frames and bulb profiles.",
            caps=(cap("section-bending", "s235", "s355", "al-5083", max_weight_kg=3000,
                      envelope_x_mm=12000),)),
    facility("DD-F01", "Slipway for vessels up to 110 m", price=150, area=8000, site=1,
             availability="continuous", minimum_booking_hours=336, lead_time_days=60,
             desc="Slipway at the Delfzijl yard, free between newbuilds."),
    facility("DD-F02", "Outfitting quay with 60 t cranes", price=120, area=3000, site=1,
             availability="continuous", minimum_booking_hours=24, lead_time_days=14,
             desc="Quay with two 60 t cranes, shore power and workshop containers.",
             caps=(cap("mechanical-assembly", max_weight_kg=60000),)),
    facility("DD-F03", "Steel workshop welding hall", price=75, area=1200,
             accredited=("en-1090", "iso-3834"), availability="nights-weekends",
             operator_included=True, minimum_booking_hours=8,
             desc="Welding of sections and blocks with certified welders.",
             caps=(cap("mig-mag-welding", "s235", "s355", "al-5083", max_weight_kg=30000),
                   cap("manual-metal-arc-welding", "s235", "s355"))),
    expert("DD-E01", "Naval architect", day=950,
           skills=("product-design", "fea-simulation"), languages=("nl", "en", "de"),
           desc="Stability, conversions and class drawings for inland and short-sea "
                "vessels."),
    expert("DD-E02", "Welding coordinator (IWT)", day=780, skills=("mig-mag-welding",),
           languages=("nl", "de"),
           desc="Welding coordination for class-approved work (Bureau Veritas, DNV)."),
)

WADDEN = (
    facility("WM-F01", "Panel-building workshop", price=55, area=250,
             desc="Building of switchboards and alarm panels to class rules.",
             caps=(cap("control-cabinet-building"),)),
    facility("WM-F02", "Factory-acceptance test room", price=65, area=120,
             desc="FAT room with power supplies and simulators for ship systems."),
    expert("WM-E01", "Marine electrical engineer", day=820,
           skills=("industrial-automation", "control-cabinet-building"),
           languages=("nl", "en"),
           desc="Power-management and alarm systems for ships, retrofits."),
    expert("WM-E02", "Navigation systems engineer", day=800, skills=("electronics-assembly",),
           languages=("nl", "en", "de"), availability="expert-alternate-weeks",
           desc="Installation and commissioning of navigation equipment."),
)

ELFSTEDEN = (
    machine("EZ-M01", "Orbital welding unit (tubes Ø 6–170 mm)", "Orbitec", "OW 170", 2019,
            price=65, availability="evenings",
            desc="Orbital TIG welding of hygienic tubing with documentation per weld.",
            caps=(cap("orbital-welding", *STAINLESS, "duplex-1-4462", envelope_x_mm=170,
                      max_thickness_mm=3),)),
    machine("EZ-M02", "Orbital welding unit (tubes Ø 12–115 mm)", "Orbitec", "OW 115", 2016,
            price=60, availability="evenings",
            desc="Second orbital unit with closed welding heads.",
            caps=(cap("orbital-welding", *STAINLESS, envelope_x_mm=115,
                      max_thickness_mm=2.5),)),
    facility("EZ-F01", "Polishing shop (Ra < 0.4 µm)", price=60, area=400,
             availability="evenings",
             desc="Polishing of tanks up to 30 m³ and process equipment.",
             caps=(cap("polishing", *STAINLESS, notes="Ra < 0.4 µm"),)),
    facility("EZ-F02", "Pickling and passivation bath (6 m)", price=70, area=150,
             availability="evenings",
             desc="Immersion pickling and passivation of stainless parts.",
             caps=(cap("pickling-passivation", *STAINLESS, "duplex-1-4462",
                       envelope_x_mm=6000, envelope_y_mm=1500, envelope_z_mm=1500),)),
    machine("EZ-M03", "Plate rolling machine for tank shells", "Davi", "MCA 3012", 2014,
            price=70, availability="evenings",
            desc="3-roll plate bending of stainless tank shells.",
            caps=(cap("roll-bending", ("stainless-304", 12), ("stainless-316l", 12),
                      envelope_x_mm=3000, max_thickness_mm=12),)),
    expert("EZ-E01", "Hygienic design expert (EHEDG, 3-A)", day=850,
           skills=("machine-building", "orbital-welding"), languages=("nl", "en", "de"),
           desc="Hygienic design of dairy equipment and CIP."),
)

POTMARGE = (
    facility("PW-F01", "Membrane test rig (RO/NF, 8-inch)", price=60, area=40,
             availability="lab-weekly", minimum_booking_hours=24,
             desc="Reverse osmosis and nanofiltration tests on real water."),
    facility("PW-F02", "Membrane test rig (MBR/UF)", price=55, area=40,
             availability="lab-weekly", minimum_booking_hours=24,
             desc="Membrane bioreactor and ultrafiltration pilot."),
    facility("PW-F03", "Pilot hall for water treatment", price=80, area=1200,
             minimum_booking_hours=40, lead_time_days=21,
             desc="Hall with water connections and drains for pilots of up to 10 m³/h."),
    lab("PW-F04", "Water-analysis lab", "chemical-analysis", price=70, area=60,
        desc="Accredited analysis of drinking, process and waste water."),
    expert("PW-E01", "Membrane researcher", day=880, skills=("chemical-analysis",),
           languages=("nl", "en", "pt"),
           desc="Membrane fouling, cleaning and selection for industrial water."),
    expert("PW-E02", "Water process engineer", day=900, skills=("chemical-analysis",),
           languages=("nl", "en", "de"),
           desc="Process design and feasibility tests for water reuse."),
)

BARGERMEER = (
    machine("BV-M01", "Pilot melt-spinning line (5–50 kg/h)", "Oerlikon Barmag",
            "pilot spinning line", 2016, price=140, availability="half-week",
            minimum_booking_hours=8,
            desc="Melt spinning of polyester and polyamide yarns, idle about half the time.",
            caps=(cap("plastics-extrusion", "pa6", "pa12", "pp",
                      notes="melt spinning of filament yarn, 5–50 kg/h"),)),
    machine("BV-M02", "Production spinning line 3", "Oerlikon Barmag", "WINGS POY", 2011,
            price=160, availability="nights", visibility=NETWORK, minimum_booking_hours=24,
            desc="Full-scale line for trial runs of recycled polymer.",
            caps=(cap("plastics-extrusion", "pa6", "pp", notes="melt spinning"),)),
    lab("BV-F01", "Fibre-testing lab", "tensile-testing", price=60, area=40, accredited=(),
        force_kn=0.5, desc="Tenacity, elongation and shrinkage of fibres and yarns."),
    expert("BV-E01", "Process technologist for recycled polymers", day=850,
           skills=("plastics-extrusion",), languages=("nl", "de", "en"),
           desc="Scale-up of recycled polymers from lab to spinning line."),
    expert("BV-E02", "Polymer quality engineer", day=720, skills=("chemical-analysis",),
           languages=("nl", "de"),
           desc="Quality of recycled polymers: viscosity, contamination, colour."),
)

HONDSRUG = (
    facility("HD-F01", "NIR film sorting line", price=85, area=300, visibility=NETWORK,
             availability="tue-thu",
             desc="Sorting of agricultural film by polymer type, open to others."),
)

DRENTSCHE_AA = (
    machine("DA-M01", "Yamaha SMT line", "Yamaha", "YSM20R", 2020, price=85,
            availability="evenings",
            desc="SMT assembly of sensor boards, with reflow and AOI.",
            caps=(cap("pcb-assembly", envelope_x_mm=510, envelope_y_mm=460),)),
    facility("DA-F01", "Potting and encapsulation station", price=50, area=40,
             desc="Vacuum potting of sensors with epoxy and PU.",
             caps=(cap("electronics-assembly"),)),
    climate_chamber("DA-F02", "Environmental test chamber", "Vötsch", "VC3 7060",
                    (600, 750, 750), -40, 85, price=45, accredited=(),
                    desc="Temperature and humidity cycling of sensors and IP tests."),
    expert("DA-E01", "Sensor design engineer", day=750,
           skills=("product-design", "electronics-assembly"), languages=("nl", "en"),
           desc="Soil-moisture and livestock sensors with LoRaWAN."),
)

BOSRAND = (
    printer("BP-M01", "FDM printer farm (6 × Ultimaker S5)", "Ultimaker", "S5", 2021,
            "fdm-fff", (330, 240, 300), price=45, mats=("pla", "petg", "abs", "tpu", "pc"),
            tol=200, availability="evenings", minimum_booking_hours=4, lead_time_days=2,
            desc="Six FDM printers for prototypes, jigs and fixtures."),
    printer("BP-M02", "Formlabs Form 3L SLA printer", "Formlabs", "Form 3L", 2022, "sla",
            (335, 200, 300), price=45, tol=100, availability="evenings",
            minimum_booking_hours=4, lead_time_days=2,
            desc="Large-format SLA for smooth prototypes and vacuum-casting masters."),
    machine("BP-M03", "Vacuum casting machine", "MK Technology", "MK Mini", 2019, price=50,
            availability="evenings", lead_time_days=5,
            desc="Silicone moulds and PU castings for short series of 10–50 parts.",
            caps=(cap("vacuum-casting", envelope_x_mm=900, envelope_y_mm=700,
                      envelope_z_mm=800),)),
)

TJONGERWERK = (
    five_axis("TJ-M01", "CMS 5-axis router 6 × 3 m", "CMS", "Poseidon", 2015,
              (6000, 3000, 1500), 2000, tol=100,
              mats=("solid-wood", "plywood", "mdf", "gfrp", "cfrp"), price=90,
              availability="winter-extra",
              desc="Large router for moulds, plugs and interior panels; below half capacity "
                   "in winter."),
    facility("TJ-F01", "Vacuum infusion hall for hulls up to 24 m", price=120, area=1400,
             availability="weekends", minimum_booking_hours=24, lead_time_days=21,
             desc="Heated hall for infusion of hulls and decks.",
             caps=(cap("composite-lamination", *COMPOSITES, envelope_x_mm=24000,
                       envelope_y_mm=7000, envelope_z_mm=4000),)),
    facility("TJ-F02", "Joinery workshop", price=55, area=600, availability="evenings",
             desc="Joinery for yacht interiors with panel saw, edgebander and spray booth."),
    expert("TJ-E01", "Yacht interior designer", day=750,
           skills=("product-design", "cad-design"), languages=("nl", "en"),
           desc="Interior design and engineering for yachts and workboats."),
    expert("TJ-E02", "Composite boat builder", day=620, skills=("composite-lamination",),
           languages=("nl", "en"), desc="Infusion and repair of GRP and carbon hulls."),
)

OMMELANDER = (
    facility("OZ-F01", "Stainless welding shop (TIG and orbital)", price=65, area=450,
             accredited=("iso-3834",), availability="off-campaign",
             desc="Welding of stainless piping and process equipment, free outside the "
                  "campaign.",
             caps=(cap("tig-welding", *STAINLESS), cap("orbital-welding", *STAINLESS))),
    facility("OZ-F02", "Pressure-test bay (hydrostatic, 400 bar)", price=70, area=120,
             availability="off-campaign",
             desc="Hydrostatic tests of vessels and piping with certificates."),
    machine("OZ-M01", "CNC tube bender", "Schwarze-Robitec", "CNC 120 MR", 2012, price=70,
            availability="off-campaign",
            desc="Bending of stainless tubes up to Ø 114 mm.",
            caps=(cap("tube-bending", *STAINLESS, envelope_x_mm=114, max_thickness_mm=4),)),
    expert("OZ-E01", "Process engineer for starch and protein", day=850,
           skills=("machine-building",), languages=("nl", "en", "de"),
           desc="Sieving, hydrocyclones and separation for starch and protein."),
)

NOORDPOLDER = (
    robot_cell("NP-M01", "Valk Welding twin-robot cell", "Valk Welding", "Panasonic TL-2000",
               2019, (4000, 1500, 1500), 5000, price=85, availability="off-harvest",
               desc="Two robots on a 5 t positioner for harvester frames."),
    robot_cell("NP-M02", "Cloos robot welding cell", "Cloos", "QIROX QRC-410", 2016,
               (3000, 1500, 1200), 2000, price=78, availability="off-harvest",
               desc="Robot cell with 2 t positioner."),
    robot_cell("NP-M03", "Fanuc robot welding cell", "Fanuc", "ARC Mate 120iD", 2021,
               (2000, 1000, 1000), 500, price=70, availability="off-harvest",
               desc="Compact cell for brackets and small weldments."),
    coating_line("NP-M04", "Powder-coating line 6 × 2.5 × 2 m", "Nordson", "Encore HD", 2017,
                 (6000, 2500, 2000), 2000, price=130, availability="off-harvest",
                 desc="Large powder line with 2 t per hook for machine parts."),
    fibre_laser("NP-M05", "Bystronic ByStar Fiber 4020", "Bystronic", "ByStar Fiber 4020",
                2020, 6, (4000, 2000), 25, 20, 20, price=115, availability="off-harvest",
                calendar=True, desc="Fibre laser with 4 × 2 m sheets."),
    press_brake("NP-M06", "Bystronic Xpert 320 press brake", "Bystronic", "Xpert 320", 2018,
                320, 4100, 20, price=90, availability="off-harvest",
                desc="Press brake for long, thick parts of harvesters."),
    facility("NP-F01", "Assembly hall with 2 × 16 t cranes", price=45, area=2400,
             availability="off-harvest", minimum_booking_hours=40, lead_time_days=14,
             desc="Assembly hall for large machines.",
             caps=(cap("mechanical-assembly", max_weight_kg=16000),)),
    expert("NP-E01", "Agricultural machine designer", day=820,
           skills=("machine-building", "product-design", "fea-simulation"),
           languages=("nl", "de", "en"),
           desc="Design of harvesters and storage equipment."),
    expert("NP-E02", "Welding robot programmer", day=700,
           skills=("robot-welding", "robot-integration"), languages=("nl", "de"),
           desc="Offline programming of welding robots."),
)

RESOURCES: dict[str, tuple[DemoResource, ...]] = {
    "Kolenspoor Precision NV": KOLENSPOOR,
    "Haspengouw Laserwerk BV": HASPENGOUW,
    "Boomgaard Coolstore NV": BOOMGAARD,
    "Demerstaal Constructies NV": DEMERSTAAL,
    "Lommelzand Silicaten NV": LOMMELZAND,
    "Balendijk Additive BV": BALENDIJK,
    "Agora Materials Institute vzw": AGORA,
    "Voltwerk Robotics BV": VOLTWERK,
    "Koolmijn Hydraulics NV": KOOLMIJN,
    "Jekerdal Verpakking NV": JEKERDAL,
    "Maaskant Composites NV": MAASKANT,
    "Heidevelden Metrologie BV": HEIDEVELDEN,
    "Kiewit Electronics Assembly BV": KIEWIT,
    "Slakwol Circular BV": SLAKWOL,
    "Perovia Solar BV": PEROVIA,
    "Technicum Genk Training Centre vzw": TECHNICUM,
    "Zwartberg Stamping NV": ZWARTBERG,
    "Paalse Poedercoating BV": PAALSE,
    "Kristalpark Extrusion NV": KRISTALPARK,
    "Brustem Aero Parts BV": BRUSTEM,
    "Leieboord Textiles NV": LEIEBOORD,
    "Broeltorens Machinebouw NV": BROELTORENS,
    "Vlasgaard Flax Composites BV": VLASGAARD,
    "Vezelhuis Test Lab vzw": VEZELHUIS,
    "Kustwind Service NV": KUSTWIND,
    "Spuikom Aquaculture BV": SPUIKOM,
    "Vuurtoren Marine Engineering NV": VUURTOREN,
    "Mandelvallei Diepvries NV": MANDELVALLEI,
    "Haven Roeselare Laswerken BV": HAVEN,
    "Ieperlee Gieterij NV": IEPERLEE,
    "Leiebrug Plastics BV": LEIEBRUG,
    "Zeebrugge Maritime Training Institute vzw": ZEEBRUGGE,
    "Reiestad Robotics BV": REIESTAD,
    "Polder Bakkerijmachines NV": POLDER,
    "Gaverbeek Coatings BV": GAVERBEEK,
    "Vijfseweg Technical Knitting BV": VIJFSEWEG,
    "Gullegem Aero Interiors NV": GULLEGEM,
    "Poelberg Lasersnijden BV": POELBERG,
    "Smelne Kunststoffen BV": SMELNE,
    "Drachtster Mechatronica BV": DRACHTSTER,
    "Hoogeveense Plaatbewerking BV": HOOGEVEEN,
    "Reestdal Rubber & Kunststof BV": REESTDAL,
    "Hunze Polymer Research Centre": HUNZE,
    "H2Wad BV": H2WAD,
    "Damsterdiep Scheepswerf BV": DAMSTERDIEP,
    "Wadden Marine Electronics BV": WADDEN,
    "Elfsteden Zuiveltechniek BV": ELFSTEDEN,
    "Potmarge Water Technology Institute": POTMARGE,
    "Bargermeer Vezels BV": BARGERMEER,
    "Hondsrug Recycling BV": HONDSRUG,
    "Drentsche Aa Sensoren BV": DRENTSCHE_AA,
    "Bosrand Prototyping BV": BOSRAND,
    "Tjongerwerk Jachtbouw BV": TJONGERWERK,
    "Ommelander Zetmeel Machines BV": OMMELANDER,
    "Noordpolder Landbouwmachines BV": NOORDPOLDER,
}


def all_resources() -> list[tuple[str, DemoResource]]:
    """Every demo resource with its organization's name, in a fixed order."""
    return [(name, item) for name, items in RESOURCES.items() for item in items]


def actor_email(organization: str) -> str:
    """The demo person who lists the organization's resources: its first admin, else its
    owner (admins and owners may change resources)."""
    data = next(o for o in ORGANIZATIONS if o.name == organization)
    admin = next((p for p in data.people if p.role == Role.ADMIN), None)
    return (admin or data.people[0]).email


# --- loading ---------------------------------------------------------------------------------


def seed(ctx: DemoContext) -> None:
    """List every demo resource with its capabilities, through the catalog services."""
    processes = {p.code: p for p in Process.objects.all()}
    materials = {m.code: m for m in Material.objects.all()}
    certifications = {c.code: c for c in Certification.objects.all()}
    if not processes or not certifications:
        raise ValueError("The taxonomy is not loaded; run the migrations first.")
    counts: Counter[str] = Counter()
    capabilities = 0
    for organization_name, items in RESOURCES.items():
        organization = ctx.organizations[organization_name]
        actor = ctx.users[actor_email(organization_name)]
        sites = list(organization.sites.order_by("pk"))
        for item in items:
            fields = {
                "site": sites[item.site], "description": item.description,
                "visibility": item.visibility,
                "price_per_hour_cents": item.price * 100 if item.price is not None else None,
                "minimum_booking_hours": item.minimum_booking_hours,
                "operator_included": item.operator_included,
                "lead_time_days": item.lead_time_days, "is_active": item.is_active,
                "external_id": item.key,
            }
            if item.visibility == PARTNERS:
                fields["partners"] = [ctx.organizations[name] for name in item.partners]
            if item.kind == MACHINE or item.make:
                fields.update(make=item.make, model_name=item.model, year=item.year)
            if item.area_m2 is not None:
                fields["area_m2"] = item.area_m2
            if item.accreditations:
                fields["accreditations"] = [certifications[c] for c in item.accreditations]
            if item.kind == EXPERTISE:
                fields.update(skills=[processes[code] for code in item.skills],
                              languages=list(item.languages),
                              day_rate_cents=item.day_rate * 100)
            resource = services.resource_create(
                actor=actor, organization=organization, kind=item.kind, name=item.name,
                **fields)
            for capability in item.capabilities:
                services.capability_create(
                    actor=actor, resource=resource, process=processes[capability.process],
                    materials=[(materials[code], thickness)
                               for code, thickness in capability.materials],
                    notes=capability.notes, **capability.limits)
                capabilities += 1
            counts[item.kind] += 1
    hidden = Counter(item.visibility for _, item in all_resources())
    ctx.summary.append(
        f"{sum(counts.values())} resources ({counts[MACHINE]} machines, "
        f"{counts[FACILITY]} facilities and test labs, {counts[EXPERTISE]} experts) with "
        f"{capabilities} capabilities; {hidden[NETWORK]} for network members only, "
        f"{hidden[PARTNERS]} for selected partners"
    )
    example = Resource.objects.get(organization=ctx.organizations["Kolenspoor Precision NV"],
                                   external_id="KP-M01")
    ctx.summary.append(f"a public resource page: {reverse('resource_detail', args=[example.slug])}")
