"""Distances on the earth and a small gazetteer of places in the networks' regions.

Pure functions: no database. The directory narrows candidates with a bounding box in SQL and
then keeps those whose great-circle distance is within the radius.
"""

import math
import unicodedata
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine formula; error < 0.5 % on the ellipsoid)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """A latitude/longitude box that contains every point within ``radius_km`` of the centre."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * coslat)))
    return BoundingBox(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The point on the unit sphere: the straight-line (chord) distance between two such
    points grows with their great-circle distance, so ordering by it orders by distance."""
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def chord_for_km(km: float) -> float:
    """The chord on the unit sphere of a great-circle distance in kilometres."""
    return 2 * math.sin(min(math.pi, km / EARTH_RADIUS_KM) / 2)


def km_for_chord(chord: float) -> float:
    """The great-circle distance in kilometres of a chord on the unit sphere."""
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, max(0.0, chord) / 2))


# Towns of the regions fabshare serves, for "distance from a place" without a geocoding
# service (nothing is fetched from the internet at run time). Coordinates: town centres.
PLACES: dict[str, tuple[float, float]] = {
    "Antwerpen": (51.2194, 4.4025),
    "Beringen": (51.0492, 5.2260),
    "Bilzen": (50.8731, 5.5186),
    "Brugge": (51.2093, 3.2247),
    "Brussel": (50.8503, 4.3517),
    "Diepenbeek": (50.9077, 5.4186),
    "Drachten": (53.1066, 6.0986),
    "Emmen": (52.7858, 6.8976),
    "Genk": (50.9650, 5.5008),
    "Gent": (51.0543, 3.7174),
    "Groningen": (53.2194, 6.5665),
    "Hasselt": (50.9307, 5.3325),
    "Heerenveen": (52.9594, 5.9196),
    "Hoogeveen": (52.7225, 6.4764),
    "Ieper": (50.8503, 2.8851),
    "Kortrijk": (50.8279, 3.2649),
    "Leeuwarden": (53.2012, 5.7999),
    "Leuven": (50.8798, 4.7005),
    "Lommel": (51.2306, 5.3130),
    "Maasmechelen": (50.9656, 5.6947),
    "Menen": (50.7967, 3.1218),
    "Oostende": (51.2154, 2.9287),
    "Roeselare": (50.9447, 3.1236),
    "Sint-Truiden": (50.8163, 5.1866),
    "Tielt": (50.9991, 3.3266),
    "Tongeren": (50.7806, 5.4644),
    "Veendam": (53.1061, 6.8790),
    "Waregem": (50.8889, 3.4268),
    "Assen": (52.9925, 6.5649),
    "Zwolle": (52.5168, 6.0830),
}


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    ).strip()


_FOLDED = {_fold(name): coords for name, coords in PLACES.items()}


def place_coordinates(name: str) -> tuple[float, float] | None:
    """The coordinates of a known town (case and accents ignored), or None."""
    return _FOLDED.get(_fold(name))
