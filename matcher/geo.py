"""Distances between settlement sites and workplaces, and the administrative fallback when coordinates are missing.

Coordinates are GCJ-02 or WGS-84 degrees as geocoded (the few hundred metres between them do not matter for
commuting); distances are great-circle kilometres on a sphere of radius 6371 km. County codes are the 6-digit
adcodes (忻府区 140902): the first four digits name the city, the first two the province; 0 or less is unknown.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matcher.jit import compiled, inlined

__all__ = ["EARTH_RADIUS_KM", "great_circle_km", "haversine_km", "same_area"]

EARTH_RADIUS_KM = 6371.0


def haversine_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distance in km, element-wise (numpy broadcasting); nan where any coordinate is nan. Every
    distance Anye measures comes from ``great_circle_km``, so the rules and their compiled screens agree to
    the last bit."""
    arrays = [np.asarray(a, dtype=np.float64) for a in (lon1, lat1, lon2, lat2)]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    flat = [np.array(np.broadcast_to(a, shape)).reshape(-1) for a in arrays]  # own, writable copies
    return _many(*flat).reshape(shape)


@inlined
def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """One haversine distance in km (degrees in); nan when a coordinate is nan."""
    lam1, phi1, lam2, phi2 = np.radians(lon1), np.radians(lat1), np.radians(lon2), np.radians(lat2)
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    if h == h:  # nan (no coordinates) stays nan
        h = min(max(h, 0.0), 1.0)
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h)))


@compiled
def _many(
    lon1: npt.NDArray[np.float64], lat1: npt.NDArray[np.float64], lon2: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:  # fmt: skip
    out = np.empty(len(lon1))
    for i in range(len(lon1)):
        out[i] = great_circle_km(lon1[i], lat1[i], lon2[i], lat2[i])
    return out


def same_area(county1: npt.ArrayLike, county2: npt.ArrayLike, level: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Whether two county adcodes share the area of ``level``: 0 county, 1 city, 2 province, 3 anywhere.

    Unknown codes (0 or less) on either side count as the same area: the test only stands in for a distance
    that cannot be measured, and a missing place should not hide a candidate from a broker.
    """
    a = np.asarray(county1, dtype=np.int64)
    b = np.asarray(county2, dtype=np.int64)
    lvl = np.asarray(level, dtype=np.int64)
    divisor = np.array([1, 100, 10_000, 10**9], dtype=np.int64)[np.clip(lvl, 0, 3)]
    unknown = (a <= 0) | (b <= 0)
    out: npt.NDArray[np.bool_] = unknown | (a // divisor == b // divisor)
    return out
