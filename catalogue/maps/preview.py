"""Which map a resource gets, computed once per file and kept in the preview cache (issue 15).

A map preview is two cached documents per file: the *summary* (the static SVG picture shown
without JavaScript, and the counts its caption gives) read by every page view, and the bounded
*GeoJSON* that the interactive map fetches. Both depend only on the bytes, the reader version
and the title, so every worker and machine sharing the store computes them once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from catalogue.files.limits import ReadLimits, TooLarge
from catalogue.files.preview_cache import PreviewCache
from catalogue.files.store import FileStore
from catalogue.maps import basemap, bounded, choropleth, geojson_file, kml, points, shapefile_zip
from catalogue.preview import geo

MAP_MAX_BYTES = 20 << 20  # a geographic file parsed whole for a preview (GeoJSON, KML, .shp)
SNIFF_BYTES = 4096
READER_VERSION = 1  # part of every cached map's name: raise it when reading changes
FORMATS = {"GEOJSON": "geojson", "KML": "kml", "KMZ": "kml", "SHP": "shapefile",
           "SHAPEFILE": "shapefile", "ESRI SHAPEFILE": "shapefile", "ZIP": "zip"}
EXTENSIONS = {"geojson": "geojson", "kml": "kml", "kmz": "kml", "zip": "zip"}


def map_kind(fmt: str, filename: str = "") -> str:
    """``geojson``, ``kml``, ``shapefile`` or ``zip`` (maybe a shapefile); "" for no map file.

    Tables with coordinate columns are found from their preview instead (:func:`points_map`).
    """
    kind = FORMATS.get(fmt.strip().upper().lstrip("."), "")
    name = filename.lower()
    if not kind and "." in name:
        kind = EXTENSIONS.get(name.rsplit(".", 1)[-1], "")
    if kind == "zip" and (name.endswith(".shp.zip") or "shp" in fmt.lower()):
        kind = "shapefile"
    return kind


def looks_like_geojson(files: FileStore, key: str) -> bool:
    """Whether a stored file labelled JSON is GeoJSON (agencies label it either way): its
    first bytes name a FeatureCollection or a Feature. False when it is not stored."""
    try:
        with files.open(key) as fh:
            head = fh.read(SNIFF_BYTES)
    except FileNotFoundError:
        return False
    return bool(re.search(rb'"type"\s*:\s*"(FeatureCollection|Feature)"', head))


def empty_summary() -> dict[str, Any]:
    return {"svg": None, "feature_count": 0, "shown": 0, "truncated": False, "thinned": 1,
            "outside": 0, "too_large": False, "unreadable": False, "projected": False,
            "has_map": False}


def draw(features: Iterable[bounded.Feature], title: str) -> tuple[dict[str, Any],
                                                                  dict[str, Any] | None]:
    """(summary, bounded GeoJSON or None) of ``features``; raises TooLarge past the bounds."""
    collection = bounded.collect(features)
    summary = empty_summary()
    summary.update({key: collection[key] for key in ("feature_count", "shown", "truncated",
                                                     "thinned", "outside")})
    if not collection["features"]:
        return summary, None
    backdrop = basemap.country() if basemap.overlaps_region(collection["bbox"]) else None
    summary["svg"] = geo.outline_svg(collection, title=title, backdrop=backdrop)
    summary["has_map"] = True
    geojson = {"type": "FeatureCollection", "bbox": collection["bbox"],
               "features": collection["features"]}
    return summary, geojson


def _read(path: Path, kind: str, limits: ReadLimits) -> Iterable[bounded.Feature]:
    max_bytes = min(MAP_MAX_BYTES, limits.max_json_bytes if kind == "geojson" else
                    limits.max_unpacked_bytes)
    if kind == "geojson":
        return geojson_file.read(path, max_bytes)
    if kind == "kml":
        return kml.read(path, max_bytes, limits)
    return shapefile_zip.read(path, max_bytes, limits)


def _store(cache: PreviewCache, sha256: str, data_variant: str, title: str,
           summary: dict[str, Any], geojson: dict[str, Any] | None) -> dict[str, Any]:
    if geojson is not None:  # first, so a summary that promises a map always has one
        cache.put(sha256, geojson_variant(data_variant), geojson)
    summary["data_variant"] = data_variant
    cache.put(sha256, summary_variant(data_variant, title), summary)
    return summary


def summary_variant(data_variant: str, title: str) -> str:
    """The summary's picture names the resource; the GeoJSON does not depend on it."""
    return PreviewCache.variant("map-summary", data_variant, title)


def geojson_variant(data_variant: str) -> str:
    return PreviewCache.variant("map-geojson", data_variant)


def file_variant(kind: str, limits: ReadLimits) -> str:
    """How a geographic file was read into a map."""
    return PreviewCache.variant("map", READER_VERSION, kind, MAP_MAX_BYTES,
                                limits.max_unpacked_bytes)


def cached_map(cache: PreviewCache, files: FileStore, sha256: str, kind: str, *, title: str,
               limits: ReadLimits) -> dict[str, Any]:
    """The summary of a geographic file's map (see :func:`empty_summary` for its keys, and
    ``data_variant`` to find its GeoJSON with :func:`cached_geojson`)."""
    data_variant = file_variant(kind, limits)
    stored = cache.get(sha256, summary_variant(data_variant, title))
    if stored is not None:
        return stored
    summary, geojson = empty_summary(), None
    try:
        # Read from a local copy when the store is remote (FileNotFoundError: not stored,
        # nothing cached); only on a cache miss.
        with files.local_copy(sha256) as path:
            summary, geojson = draw(_read(path, kind if kind != "zip" else "shapefile",
                                          limits), title)
    except FileNotFoundError:
        raise
    except TooLarge:
        summary["too_large"] = True
    except shapefile_zip.Projected:
        summary["projected"] = True
    except shapefile_zip.NoShapefile:
        pass  # a zip of something else: no map, and nothing wrong
    except (ValueError, OSError):
        summary["unreadable"] = kind != "zip"
    return _store(cache, sha256, data_variant, title, summary, geojson)


def points_variant(table_key: str) -> str:
    """How a table's points were read: ``table_key`` names how the table itself was read."""
    return PreviewCache.variant("points", READER_VERSION, table_key)


def points_map(cache: PreviewCache, sha256: str, table_key: str, headers: Sequence[str],
               rows: Sequence[Sequence[str]], *, title: str) -> dict[str, Any] | None:
    """The summary of the points in a table's coordinate columns; None when it has none.

    ``rows`` are the table preview's (its first rows); ``table_key`` names how they were read.
    """
    if points.coordinate_columns(headers) is None:
        return None
    data_variant = points_variant(table_key)
    stored = cache.get(sha256, summary_variant(data_variant, title))
    if stored is not None:
        return stored
    try:
        summary, geojson = draw(points.features_of(headers, rows), title)
    except TooLarge:  # cannot happen within a preview's rows, but the contract says it may
        summary, geojson = empty_summary() | {"too_large": True}, None
    return _store(cache, sha256, data_variant, title, summary, geojson)


def units_map(cache: PreviewCache, sha256: str, table_key: str, headers: Sequence[str],
              rows: Sequence[Sequence[str]], *, title: str, resolver: choropleth.Resolver,
              resolver_version: str) -> dict[str, Any] | None:
    """The summary of a table keyed by administrative units, drawn by class of its first
    measure (:mod:`choropleth`); None when the table is not keyed by units.

    ``resolver_version`` names the gazetteer's data: new data may recognise more units."""
    data_variant = PreviewCache.variant("units", READER_VERSION, table_key, resolver_version)
    stored = cache.get(sha256, summary_variant(data_variant, title))
    if stored is not None:
        return stored if stored.get("has_map") else None
    built = choropleth.build(headers, rows, resolver)
    if built is None:
        _store(cache, sha256, data_variant, title, empty_summary(), None)
        return None
    described, features = built
    summary, geojson = draw(features, title)
    summary["choropleth"] = described.to_dict()
    return _store(cache, sha256, data_variant, title, summary, geojson)


def cached_geojson(cache: PreviewCache, sha256: str, data_variant: str) -> dict[str, Any] | None:
    """The bounded GeoJSON stored beside a map summary (its ``data_variant``)."""
    return cache.get(sha256, geojson_variant(data_variant))
