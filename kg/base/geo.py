"""Coordinates: the one parser of latitudes and longitudes, and the WKT point they make.

Curated places (``lat``/``lon`` in ``places.yaml``) and every importer (ACLED ``latitude``,
UCDP ``latitude``, GDELT ``ActionGeo_Lat`` ...) read coordinates here, so a bad value gets
one message, naming the field and how to fix it:

>>> coordinate("34.73", field="lat", axis="latitude")
34.73
>>> coordinate("95.5", field="ActionGeo_Lat", axis="latitude")
Traceback (most recent call last):
...
kg.base.errors.DataError: ActionGeo_Lat: '95.5' is not a latitude: write decimal degrees from -90 to 90 (WGS84, e.g. 34.73)
>>> point("", "", lat_field="latitude", lon_field="longitude") is None
True
>>> wkt_point(34.73, 36.72)
'POINT(36.72 34.73)'
"""

from __future__ import annotations

import math

from kg.base.errors import DataError

#: axis -> (limit in degrees, an example value)
AXES = {"latitude": (90.0, "34.73"), "longitude": (180.0, "36.72")}


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def coordinate(value: object, *, field: str, axis: str) -> float:
    """A latitude or longitude (``axis``) in decimal degrees, from a number or its text.

    :raises DataError: naming ``field``: not a number, not finite, or out of range.
    """
    limit, example = AXES[axis]
    number = math.nan
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            pass
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    if not -limit <= number <= limit:  # also refuses NaN and infinities
        shown = value.strip() if isinstance(value, str) else value
        raise DataError(
            f"{shown!r} is not a {axis}: write decimal degrees from -{limit:g} to {limit:g} (WGS84, e.g. {example})",
            field=field,
        )
    return number


def point(lat: object, lon: object, *, lat_field: str, lon_field: str) -> tuple[float, float] | None:
    """``(lat, lon)`` from two values, or None when both are empty; one without the other is an error.

    :raises DataError: naming the empty field, or the field with a bad value.
    """
    if _empty(lat) and _empty(lon):
        return None
    if _empty(lat) or _empty(lon):
        missing, given = (lat_field, lon_field) if _empty(lat) else (lon_field, lat_field)
        raise DataError(f"empty while {given} is given: give both coordinates or neither", field=missing)
    return coordinate(lat, field=lat_field, axis="latitude"), coordinate(lon, field=lon_field, axis="longitude")


def wkt_point(lat: float, lon: float) -> str:
    """The point as GeoSPARQL WKT (WGS84, longitude first), e.g. ``POINT(36.72 34.73)``."""
    return f"POINT({lon} {lat})"
