"""Where a complaint is: inside Seoul or not, and in which district, decided by the 25 districts'
official boundaries (citizens.District.boundary, GeoJSON, WGS84: [longitude, latitude]).

The boundaries are read once per process (25 small polygons) and tested with a bounding box, then
by ray casting: a point on the boundary of two districts goes to one of them, never to none.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from citizens.models import District

# A box around Seoul: a point outside it is outside Seoul without testing any polygon.
SEOUL_BOX = (126.76, 37.41, 127.19, 37.72)  # min lon, min lat, max lon, max lat


@dataclass(frozen=True)
class _Shape:
    code: str
    box: tuple[float, float, float, float]
    polygons: tuple  # each polygon: (outer ring, *holes), a ring a tuple of (lon, lat)


def _polygons(geometry) -> list:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coordinates]
    if kind == "MultiPolygon":
        return list(coordinates)
    return []


@lru_cache(maxsize=1)
def _shapes() -> tuple[_Shape, ...]:
    shapes = []
    for code, boundary in District.objects.values_list("code", "boundary"):
        polygons = tuple(
            tuple(tuple((float(lon), float(lat)) for lon, lat, *_rest in ring) for ring in polygon)
            for polygon in _polygons(boundary or {})
        )
        points = [point for polygon in polygons for point in polygon[0]]
        if not points:
            continue
        lons, lats = [lon for lon, _lat in points], [lat for _lon, lat in points]
        shapes.append(_Shape(code, (min(lons), min(lats), max(lons), max(lats)), polygons))
    return tuple(shapes)


def forget_boundaries():
    """Tests that load the districts again call this; a process otherwise reads them once."""
    _shapes.cache_clear()


def _in_ring(lon, lat, ring) -> bool:
    inside = False
    count = len(ring)
    for index in range(count):
        x1, y1 = ring[index]
        x2, y2 = ring[(index + 1) % count]
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _in_polygon(lon, lat, polygon) -> bool:
    outer, *holes = polygon
    return _in_ring(lon, lat, outer) and not any(_in_ring(lon, lat, hole) for hole in holes)


def district_code_at(latitude, longitude) -> str | None:
    """The code of the district containing the point, or None outside Seoul."""
    lat, lon = float(latitude), float(longitude)
    if not (SEOUL_BOX[0] <= lon <= SEOUL_BOX[2] and SEOUL_BOX[1] <= lat <= SEOUL_BOX[3]):
        return None
    for shape in _shapes():
        min_lon, min_lat, max_lon, max_lat = shape.box
        in_box = min_lon <= lon <= max_lon and min_lat <= lat <= max_lat
        if in_box and any(_in_polygon(lon, lat, polygon) for polygon in shape.polygons):
            return shape.code
    return None


class BadCoordinates(ValueError):
    pass


def parse_coordinates(latitude, longitude) -> tuple[Decimal, Decimal]:
    """Two numbers as decimals of six places, or BadCoordinates (not numbers, not on Earth)."""
    try:
        lat, lon = Decimal(str(latitude).strip()), Decimal(str(longitude).strip())
    except (InvalidOperation, ValueError):
        raise BadCoordinates("not numbers") from None
    if not (lat.is_finite() and lon.is_finite()) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadCoordinates("not on Earth")
    quantum = Decimal("0.000001")
    return lat.quantize(quantum), lon.quantize(quantum)
