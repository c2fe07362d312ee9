"""The licence registry, kept as data in ``licenses.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REGISTRY_FILE = Path(__file__).with_name("licenses.json")


@dataclass(frozen=True)
class License:
    id: str
    title: str
    title_en: str
    url: str
    open: bool
    attribution: bool
    share_alike: bool
    summary: str
    summary_en: str

    def as_ckan(self) -> dict[str, object]:
        """The shape of CKAN's ``license_list`` entries, plus our own keys."""
        return {
            "id": self.id,
            "title": self.title,
            "title_en": self.title_en,
            "url": self.url,
            "is_okd_compliant": self.open,
            "is_osi_compliant": False,
            "od_conformance": "approved" if self.open else "not reviewed",
            "status": "active",
            "attribution_required": self.attribution,
            "share_alike": self.share_alike,
            "summary": self.summary,
            "summary_en": self.summary_en,
        }


@cache
def registry() -> dict[str, License]:
    """Every known licence by id, in file order."""
    entries = json.loads(REGISTRY_FILE.read_text(encoding="utf-8"))
    return {entry["id"]: License(**entry) for entry in entries}


def get_license(license_id: str) -> License | None:
    """The licence with this id (case-insensitive), or None."""
    found = registry().get(license_id)
    if found is None:
        lowered = license_id.lower()
        found = next((lic for key, lic in registry().items() if key.lower() == lowered), None)
    return found
