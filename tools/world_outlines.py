"""Make portal/catalogue/world_outlines.json: the outlines the zone maps draw, from Natural Earth.

Run by `make world-map`; its output is committed, so the portal, its tests and CI never need npm.

    python tools/world_outlines.py [--source countries-50m.json] [--width 480] [--output PATH]

Without ``--source`` the script fetches the `world-atlas` package (Natural Earth's admin-0
countries as TopoJSON, by Mike Bostock) with ``npm pack`` into a temporary folder and reads it
from the tarball. Only the standard library is used. What it does, in order:

1. Decodes the TopoJSON arcs: each arc is a list of quantized, delta-encoded positions; the
   running sums times the transform's ``scale`` plus its ``translate`` are longitude and latitude.
2. Projects them (equirectangular, scaled by cos of the frame's middle latitude, see ``Frame``)
   to the output's units, where 1 unit is 1 px at the default width.
3. Simplifies each arc once (Douglas–Peucker, ``--tolerance`` units) before rings are put
   together, so that the border two countries share is simplified once and still meets.
4. Keeps the countries that reach into the frame (``BBOX`` plus ``MARGIN``), clips each ring to
   that rectangle (Sutherland–Hodgman), rounds to whole units, drops points that rounding made
   equal and rings smaller than a unit, and writes each country as SVG path data with relative
   moves (``M x y l dx dy … z``), keyed by ISO 3166-1 alpha-2.

countries-50m is used: at the defaults the output is about 8.5 KB (well under the 60 KB aimed
for), and 110m's coarser outlines would save little. The frame (``BBOX``) holds both countries
with a margin; ``LABELS`` says where the names go.

The map's frame is drawn slightly larger than the viewBox (``MARGIN``), so the edges the clip
makes lie outside what is shown. Features without an ISO code (Natural Earth's Siachen Glacier)
go to ``other``: drawn, not named.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = "world-atlas@2.0.2"
OUTPUT = Path(__file__).resolve().parents[1] / "portal" / "catalogue" / "world_outlines.json"

#: west, south, east, north in degrees: Pakistan and Kyrgyzstan with room around both
BBOX = (59.0, 23.0, 86.0, 45.5)
#: how far beyond the frame (degrees) outlines are kept, so clipped edges stay out of sight
MARGIN = 0.5

#: world-atlas ids are ISO 3166-1 numeric; the countries of this part of the world
ALPHA2 = {
    "004": "AF",
    "050": "BD",
    "064": "BT",
    "156": "CN",
    "356": "IN",
    "364": "IR",
    "398": "KZ",
    "417": "KG",
    "496": "MN",
    "512": "OM",
    "524": "NP",
    "586": "PK",
    "643": "RU",
    "762": "TJ",
    "784": "AE",
    "795": "TM",
    "860": "UZ",
}

#: where each country's name is written (longitude, latitude): chosen by hand, inside the
#: country's visible part and clear of the zones; countries not listed are drawn unnamed
LABELS = {
    "PK": (69.2, 27.8),
    "KG": (72.6, 41.3),
    "AF": (65.2, 33.4),
    "IR": (60.7, 27.6),
    "IN": (78.5, 24.5),
    "CN": (82.0, 37.0),
    "TJ": (71.0, 38.7),
    "UZ": (63.6, 42.0),
    "KZ": (70.5, 44.6),
    "TM": (62.2, 39.1),
}


@dataclass(frozen=True)
class Frame:
    """An equirectangular projection of the box ``bbox`` onto ``width`` units.

    x = (lon - west) · cos(φ₀) · k and y = (north - lat) · k, with φ₀ the box's middle latitude
    and k = width / ((east - west) · cos φ₀): degrees of longitude are shortened by cos φ₀ so
    that shapes near the middle of the map keep their proportions (a degree of longitude at
    34° N is 0.83 of a degree of latitude). The renderer reads the same constants from the JSON.
    """

    bbox: tuple[float, float, float, float]
    width: int

    @property
    def kx(self) -> float:
        west, _south, east, _north = self.bbox
        return self.width / (east - west)

    @property
    def ky(self) -> float:
        _west, south, _east, north = self.bbox
        return self.kx / math.cos(math.radians((south + north) / 2))

    @property
    def height(self) -> int:
        _west, south, _east, north = self.bbox
        return round((north - south) * self.ky)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        west, _south, _east, north = self.bbox
        return (lon - west) * self.kx, (north - lat) * self.ky

    def constants(self) -> dict[str, float]:
        west, _south, _east, north = self.bbox
        return {"west": west, "north": north, "kx": round(self.kx, 6), "ky": round(self.ky, 6)}


Point = tuple[float, float]


def fetch(resolution: str) -> dict[str, Any]:
    """``countries-<resolution>.json`` of world-atlas, from ``npm pack`` into a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["npm", "pack", PACKAGE, "--silent", "--pack-destination", folder], check=True, stdout=subprocess.DEVNULL
        )
        (tarball,) = Path(folder).glob("world-atlas-*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(f"package/countries-{resolution}.json")
            if member is None:
                raise SystemExit(f"countries-{resolution}.json is not in {tarball.name}")
            return json.load(io.TextIOWrapper(member, encoding="utf-8"))


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc as (longitude, latitude) pairs: undo the delta encoding, then the quantization."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: drop the points nearer than ``tolerance`` to the line that replaces them."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = 0, -1.0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = i, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring(arcs: list[list[Point]], indices: list[int]) -> list[Point]:
    """A closed ring from arc indices; a negative index ~i is arc i reversed. Arcs share end points."""
    points: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[Point], left: float, top: float, right: float, bottom: float) -> list[Point]:
    """Sutherland–Hodgman: the part of a closed ring inside the rectangle, as one closed ring."""
    edges = [
        (lambda p: p[0] >= left, lambda a, b: _at_x(a, b, left)),
        (lambda p: p[0] <= right, lambda a, b: _at_x(a, b, right)),
        (lambda p: p[1] >= top, lambda a, b: _at_y(a, b, top)),
        (lambda p: p[1] <= bottom, lambda a, b: _at_y(a, b, bottom)),
    ]
    for inside, crossing in edges:
        if not points:
            break
        source, points = points, []
        previous = source[-1]
        for current in source:
            if inside(current):
                if not inside(previous):
                    points.append(crossing(previous, current))
                points.append(current)
            elif inside(previous):
                points.append(crossing(previous, current))
            previous = current
    return points


def _at_x(a: Point, b: Point, x: float) -> Point:
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _at_y(a: Point, b: Point, y: float) -> Point:
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def area(points: list[tuple[int, int]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))) / 2


def path_data(rings: list[list[Point]]) -> str:
    """SVG path data: each ring rounded to whole units, as an absolute move then relative lines."""
    parts = []
    for points in rings:
        rounded: list[tuple[int, int]] = []
        for x, y in points:
            point = (round(x), round(y))
            if not rounded or point != rounded[-1]:
                rounded.append(point)
        while len(rounded) > 1 and rounded[0] == rounded[-1]:
            rounded.pop()
        if len(rounded) < 3 or area(rounded) < 1:
            continue
        (x0, y0), steps = rounded[0], []
        for (ax, ay), (bx, by) in itertools.pairwise(rounded):
            steps.append(_pair(bx - ax, by - ay))
        parts.append(f"M{_pair(x0, y0)}l{_join(steps)}z")
    return "".join(parts)


def _pair(x: int, y: int) -> str:
    return f"{x}{'' if y < 0 else ' '}{y}"


def _join(pairs: list[str]) -> str:
    # A minus sign separates numbers by itself: "1 2-3 4" rather than "1 2 -3 4".
    out = ""
    for pair in pairs:
        out += pair if not out or pair.startswith("-") else " " + pair
    return out


def convert(topology: dict[str, Any], frame: Frame, tolerance: float, source: str) -> dict[str, Any]:
    arcs = [simplify([frame.project(lon, lat) for lon, lat in arc], tolerance) for arc in decode_arcs(topology)]
    west, south, east, north = frame.bbox
    left, top = frame.project(west - MARGIN, north + MARGIN)
    right, bottom = frame.project(east + MARGIN, south - MARGIN)
    countries: dict[str, str] = {}
    other: dict[str, str] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [clip(ring(arcs, indices), left, top, right, bottom) for polygon in polygons for indices in polygon]
        data = path_data([r for r in rings if r])
        if not data:
            continue
        code = geometry.get("id")
        if code is None:
            other[geometry["properties"]["name"]] = data
        elif code in ALPHA2:
            countries[ALPHA2[code]] = data
        else:
            raise SystemExit(f"{geometry['properties']['name']} ({code}) reaches into the map: add its code to ALPHA2")
    labels = {}
    for code, (lon, lat) in LABELS.items():
        x, y = frame.project(lon, lat)
        labels[code] = [round(x), round(y)]
    return {
        "source": source,
        "license": "Natural Earth: public domain; world-atlas: ISC",
        "made_by": "tools/world_outlines.py",
        "bbox": list(frame.bbox),
        "width": frame.width,
        "height": frame.height,
        "projection": {"type": "equirectangular", **frame.constants()},
        "countries": dict(sorted(countries.items())),
        "other": other,
        "labels": labels,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="a world-atlas countries-*.json already on disk (no npm)")
    parser.add_argument("--resolution", choices=["50m", "110m"], default="50m")
    parser.add_argument("--width", type=int, default=480, help="width of the map in units (px at 1:1)")
    parser.add_argument("--tolerance", type=float, default=0.4, help="simplification, in units")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if args.source:
        topology = json.loads(args.source.read_text(encoding="utf-8"))
        resolution = args.source.stem.removeprefix("countries-")
    else:
        topology, resolution = fetch(args.resolution), args.resolution
    source = f"Natural Earth via {PACKAGE.replace('@', ' ')} countries-{resolution}"
    result = convert(topology, Frame(BBOX, args.width), args.tolerance, source)
    text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(text.encode()):,} bytes, {len(result['countries'])} countries", file=sys.stderr)


if __name__ == "__main__":
    main()
