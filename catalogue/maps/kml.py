"""KML and KMZ (Google Earth) files: placemarks with their points, lines and polygons.

Parsed with defusedxml, which refuses DTDs and entity expansion (billion laughs, external
entities). A KMZ is a zip: judged by its directory first, like every container (issue 15).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from catalogue.files.limits import ReadLimits, TooLarge, check_zip
from catalogue.maps import bounded
from catalogue.maps.bounded import MAX_DEPTH, Feature


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


class _Positions:
    """Counts positions across a whole file: the text of one <coordinates> can hold millions."""

    def __init__(self) -> None:
        self.count = 0

    def parse(self, element: Element | None) -> list[list[float]]:
        text = (element.text or "") if element is not None else ""
        out: list[list[float]] = []
        for token in text.split():
            self.count += 1
            if self.count > bounded.MAX_READ_POSITIONS:
                raise TooLarge(f"more than {bounded.MAX_READ_POSITIONS:,} positions: too many "
                               f"to preview")
            parts = token.split(",")
            try:
                out.append([float(parts[0]), float(parts[1])])
            except (ValueError, IndexError):
                continue  # one bad tuple does not spoil the line; bounded.py drops the rest
        return out


def _ring(element: Element | None, positions: _Positions) -> list[list[float]]:
    ring = _child(element, "LinearRing") if element is not None else None
    return positions.parse(_child(ring, "coordinates")) if ring is not None else []


def _geometry(element: Element, positions: _Positions, depth: int = 0) -> dict[str, Any] | None:
    name = _local(element.tag)
    if name == "Point":
        coords = positions.parse(_child(element, "coordinates"))
        return {"type": "Point", "coordinates": coords[0]} if coords else None
    if name in ("LineString", "LinearRing"):
        return {"type": "LineString",
                "coordinates": positions.parse(_child(element, "coordinates"))}
    if name == "Polygon":
        rings = [_ring(_child(element, "outerBoundaryIs"), positions)]
        rings += [_ring(inner, positions) for inner in element
                  if _local(inner.tag) == "innerBoundaryIs"]
        return {"type": "Polygon", "coordinates": rings}
    if name == "MultiGeometry":
        if depth >= MAX_DEPTH:
            return None
        parts = [g for g in (_geometry(child, positions, depth + 1) for child in element) if g]
        return {"type": "GeometryCollection", "geometries": parts}
    return None


def _properties(placemark: Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for key in ("name", "description"):
        found = _child(placemark, key)
        if found is not None and (found.text or "").strip():
            props[key] = found.text.strip() if found.text else ""
    extended = _child(placemark, "ExtendedData")
    for item in extended.iter() if extended is not None else ():
        if _local(item.tag) == "Data":
            value = _child(item, "value")
            props[item.get("name") or ""] = (value.text or "") if value is not None else ""
        elif _local(item.tag) == "SimpleData":
            props[item.get("name") or ""] = item.text or ""
    return props


def features_of(root: Element) -> Iterator[Feature]:
    """(geometry, properties) of every Placemark in a parsed KML document."""
    positions = _Positions()
    for placemark in root.iter():
        if _local(placemark.tag) != "Placemark":
            continue
        for child in placemark:
            geometry = _geometry(child, positions)
            if geometry is not None:
                yield geometry, _properties(placemark)
                break


def _kml_bytes(path: Path, max_bytes: int, limits: ReadLimits) -> bytes:
    if zipfile.is_zipfile(path):  # KMZ: doc.kml (or the first .kml) inside a zip
        check_zip(path, limits)
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(".kml")]
            if not members:
                raise ValueError("a KMZ without a .kml document")
            member = next((i for i in members if i.filename.lower() == "doc.kml"), members[0])
            if member.file_size > max_bytes:
                raise TooLarge(f"its KML unzips to {member.file_size:,} bytes, more than the "
                               f"{max_bytes:,} a map preview parses")
            with archive.open(member) as fh:
                return fh.read(max_bytes + 1)
    size = path.stat().st_size
    if size > max_bytes:
        raise TooLarge(f"a KML file of {size:,} bytes is more than the {max_bytes:,} a map "
                       f"preview parses")
    return path.read_bytes()


def read(path: Path, max_bytes: int, limits: ReadLimits) -> Iterator[Feature]:
    """The placemarks of a KML or KMZ file. Raises TooLarge, or ValueError for what is not
    KML (defusedxml's refusals of DTDs and entities are ValueErrors too)."""
    data = _kml_bytes(path, max_bytes, limits)
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from exc
    yield from features_of(root)
