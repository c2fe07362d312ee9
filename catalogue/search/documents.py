"""What each backend indexes for a CKAN package dict.

:func:`search_fields` is the single place that decides field weights, so the
Whoosh and PostgreSQL backends index identical terms and rank alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from catalogue.classification import access_class_of, is_public
from catalogue.search.analyzer import (
    english_terms,
    folded_words,
    normalize,
    vietnamese_terms,
    vocabulary_pairs,
)
from catalogue.search.places import PlaceFields, place_fields

# Field weights of issue 4: title > tags > organization/groups > description
# > resource names. The English title sits between tags and organization:
# it is a translation of the title, weaker evidence than the Vietnamese one.
WEIGHTS = {
    "title": 10.0,
    "tags": 6.0,
    "title_en": 5.0,
    "organization": 3.0,
    "spatial": 3.0,
    "notes": 2.0,
    "notes_en": 1.0,
    "resources": 1.0,
}
# Quality bands of the search facet (issue 9): the score's 0–100 cut in three.
QUALITY_BANDS = (("high", 80), ("medium", 50), ("low", 0))
# Only this many years are listed for one dataset's temporal coverage, so a
# bogus 0001–9999 range cannot flood the year facet.
MAX_YEARS = 60


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _slug_text(slug: str) -> str:
    """Slugs are words too: "so-tnmt-binh-phuoc" → "so tnmt binh phuoc"."""
    return slug.replace("-", " ").replace("_", " ")


def _years(package: dict[str, Any]) -> list[str]:
    start = _text(package.get("temporal_start"))[:4]
    end = _text(package.get("temporal_end"))[:4] or start
    start = start or end
    if not (start.isdigit() and end.isdigit()) or int(end) < int(start):
        return []
    return [str(y) for y in range(int(start), min(int(end), int(start) + MAX_YEARS - 1) + 1)]


def quality_score(package: dict[str, Any]) -> int:
    """The package's 0–100 quality score as the index stores it (0 when unknown).

    Indexing puts ``quality_score`` on the package dict (:mod:`catalogue.indexing`);
    a ``quality`` dict as ``package_show`` explains it is read too.
    """
    score = package.get("quality_score")
    if score is None:
        score = (package.get("quality") or {}).get("score")
    try:
        return max(0, min(100, int(score or 0)))
    except (TypeError, ValueError):
        return 0


def quality_band(score: int) -> str:
    """``high`` (80 and up), ``medium`` (50–79) or ``low`` (below 50)."""
    return next(band for band, floor in QUALITY_BANDS if score >= floor)


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def filter_values(package: dict[str, Any], places: PlaceFields | None = None
                  ) -> dict[str, list[str]]:
    """Facet and filter values, keyed like :data:`catalogue.search.query.MATCH_FIELDS`.

    ``places``: the package's :func:`~catalogue.search.places.place_fields`, when the caller
    has them already."""
    org = package.get("organization") or {}
    places = places or place_fields(package)
    values = {
        "organization": [org.get("name")] if org.get("name") else [],
        "owner_org": [package["owner_org"]] if package.get("owner_org") else [],
        "groups": [g["name"] for g in package.get("groups") or [] if g.get("name")],
        "tags": [t["name"] for t in package.get("tags") or [] if t.get("name")],
        "res_format": sorted({r["format"] for r in package.get("resources") or []
                              if r.get("format")}),
        "license_id": [package["license_id"]] if package.get("license_id") else [],
        "year": _years(package),
        "spatial": [package["spatial"]] if package.get("spatial") else [],
        # Unit codes of the dataset's places, old and new (issue 22), their boxes and the
        # grid cells these touch (ext_bbox: catalogue.search.places).
        "spatial_code": places.codes,
        "spatial_box": places.boxes,
        "spatial_cell": places.cells,
        "name": [package.get("name") or ""],
        "id": [package["id"]],
        "state": [package.get("state") or "active"],
        # Anything but open data is "private" to search (Law on Data Art. 13; issue 9); the
        # state is filtered apart, so drafts of open data stay "public" for their editors.
        "capacity": ["public" if is_public({**package, "state": "active"}) else "private"],
        "access_class": [access_class_of(package)],
        "dataset_type": [package.get("type") or "dataset"],
        "quality_band": [quality_band(quality_score(package))],
    }
    return {k: [_nfc(v) for v in vs if _nfc(v)] for k, vs in values.items()}


def _field_texts(package: dict[str, Any]) -> dict[str, list[str]]:
    """The texts of each weighted field; each list item is a separate phrase."""
    org = package.get("organization") or {}
    groups = package.get("groups") or []
    resources = package.get("resources") or []
    return {
        "title": [_text(package.get("title"))],
        "tags": [_text(t.get("name")) for t in package.get("tags") or []],
        "organization": [_text(org.get("title"))] + [_text(g.get("title")) for g in groups],
        "spatial": [_text(package.get("spatial"))],
        "notes": [_text(package.get("notes"))],
        "resources": [_text(r.get(k)) for r in resources for k in ("name", "description")],
    }


def _slug_texts(package: dict[str, Any]) -> dict[str, list[str]]:
    """Slugs, per weighted field: ASCII stand-ins for words with diacritics."""
    org = package.get("organization") or {}
    return {
        "title": [] if package.get("title") else [_slug_text(_text(package.get("name")))],
        "organization": [_slug_text(_text(org.get("name")))]
        + [_slug_text(_text(g.get("name"))) for g in package.get("groups") or []],
    }


@lru_cache(maxsize=50_000)
def _analysed(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(all, folded) terms of one text, cached: tags, organization and group titles,
    places and resource names repeat across thousands of datasets in a rebuild."""
    terms = vietnamese_terms(text)
    return frozenset(terms.all()), frozenset(terms.folded)


def weighted_terms(package: dict[str, Any], places: PlaceFields | None = None
                   ) -> dict[str, float]:
    """Every index term of the package with its weight.

    A term's weight is the sum of the weights of the fields it occurs in;
    occurrences inside one field count once, so a long description cannot
    outweigh a title by repetition. Slugs ("so-tnmt-binh-phuoc") only feed
    the folded view: as exact words they would pass "binh" off as a word
    of the data next to "bình".
    """
    weights: dict[str, float] = {}
    texts = _field_texts(package)
    slugs = _slug_texts(package)
    for name in WEIGHTS:
        terms: set[str] = set()
        for text in texts.get(name, []):
            if text:
                terms |= _analysed(text)[0]
        for text in slugs.get(name, []):
            if text:
                terms |= _analysed(text)[1]
        if name.endswith("_en"):
            terms = english_terms(_text(package.get(name)))
        for term in terms:
            weights[term] = weights.get(term, 0.0) + WEIGHTS[name]
    # The dataset's places as units (issue 22): weighted as the place text.
    for term in (places or place_fields(package)).terms:
        weights[term] = weights.get(term, 0.0) + WEIGHTS["spatial"]
    return weights


def search_fields(package: dict[str, Any]) -> dict[str, Any]:
    """Everything a backend stores for one package dict.

    Keys: ``id``, ``name``, ``title``, ``notes`` (for snippets), ``terms``
    (term → weight), ``vocabulary`` (``(folded, exact)`` pairs for "did you
    mean" and diacritic restoration), ``filters`` (``field=value`` terms),
    ``facets`` (field → values), ``metadata_modified``/``metadata_created``
    (ISO strings without zone), ``title_string`` (sort key), ``quality_score``
    and ``autocomplete`` (folded title).
    """
    places = place_fields(package)
    terms = weighted_terms(package, places)
    facets = filter_values(package, places)
    title = _text(package.get("title")) or _text(package.get("name"))
    return {
        "id": str(package["id"]),
        "name": _text(package.get("name")),
        "title": title,
        "notes": _text(package.get("notes")),
        "terms": terms,
        "vocabulary": sorted(vocabulary_pairs(terms)),
        "filters": sorted(f"{k}={v}" for k, vs in facets.items() for v in vs),
        # Boxes and grid cells only filter (ext_bbox); no one counts them.
        "facets": {k: vs for k, vs in facets.items()
                   if k not in ("spatial_box", "spatial_cell")},
        "metadata_modified": _text(package.get("metadata_modified")).rstrip("Z"),
        "metadata_created": _text(package.get("metadata_created")).rstrip("Z"),
        "title_string": normalize(title),
        "quality_score": quality_score(package),
        "autocomplete": " ".join(folded_words(title)),
    }


def ids_of(docs: Iterable[dict[str, Any]]) -> list[str]:
    """The ``id`` of each package, as strings."""
    return [str(d["id"]) for d in docs]
