"""Dataset metadata shared by the demo generators, and the facts every source repeats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LICENSE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    # Vietnam has no official open licence: "other-open" means the statutory terms of
    # Art. 43 Law on E-Transactions 20/2023/QH15 (free reuse, cite the source).
    "other-open": "https://dulieumo.vn/giay-phep/du-lieu-mo",
}
LICENSE_TITLES = {
    "CC-BY-4.0": "Creative Commons Attribution 4.0",
    "CC0-1.0": "Creative Commons CC0 1.0",
    "ODC-BY-1.0": "Open Data Commons Attribution License 1.0",
    "other-open": "Dữ liệu mở theo Điều 43 Luật Giao dịch điện tử 2023",
}
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "annual", "irregular")


@dataclass(frozen=True)
class DatasetMeta:
    """What every demo source says about a dataset, whatever its native format."""

    name: str
    title: str
    title_en: str
    description: str
    tags: tuple[str, ...]
    groups: tuple[str, ...]
    license: str | None
    temporal: str  # ISO 8601 interval "YYYY-MM-DD/YYYY-MM-DD"
    spatial: str
    update_frequency: str
    extras: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.license is not None and self.license not in LICENSE_URLS:
            raise ValueError(f"{self.name}: unknown licence {self.license}")
        if self.update_frequency not in FREQUENCIES:
            raise ValueError(f"{self.name}: unknown frequency {self.update_frequency}")

    @property
    def temporal_start(self) -> str:
        return self.temporal.split("/")[0]

    @property
    def temporal_end(self) -> str:
        return self.temporal.split("/")[1]

    def as_entry(self) -> dict[str, object]:
        """The fields as a sidecar or an SQL source's table entry spells them, in that order."""
        return {
            "name": self.name,
            "title": self.title,
            "title_en": self.title_en,
            "description": self.description,
            "tags": list(self.tags),
            "groups": list(self.groups),
            "license": self.license,
            "temporal": self.temporal,
            "spatial": self.spatial,
            "update_frequency": self.update_frequency,
        }



@dataclass(frozen=True)
class MetaFactory:
    """Builds one agency's DatasetMeta: the place and usual groups, period and frequency are
    said once per agency, each dataset overriding what differs."""

    spatial: str
    groups: tuple[str, ...] = ()
    temporal: str | None = None
    frequency: str | None = None

    def __call__(
        self,
        name: str,
        title: str,
        title_en: str,
        description: str,
        tags: Sequence[str],
        *,
        groups: Sequence[str] | None = None,
        temporal: str | None = None,
        frequency: str | None = None,
        license: str | None = "CC-BY-4.0",
    ) -> DatasetMeta:
        """The metadata of one dataset; arguments left out take the agency's defaults."""
        temporal = temporal or self.temporal
        frequency = frequency or self.frequency
        if temporal is None or frequency is None:
            raise ValueError(f"{name}: no temporal coverage or update frequency")
        return DatasetMeta(
            name,
            title,
            title_en,
            description,
            tuple(tags),
            tuple(self.groups if groups is None else groups),
            license,
            temporal,
            self.spatial,
            frequency,
        )


@dataclass
class GeneratedSource:
    """One agency system as written: its harvest.toml entry and what a harvest should find."""

    config: dict[str, object]
    rows: dict[str, int] = field(default_factory=dict)  # public dataset name -> data rows
    restricted: list[str] = field(default_factory=list)  # dataset names the harvester must skip
    imperfect: list[str] = field(default_factory=list)  # files with deliberate validation errors
    subtables: list[tuple[str, dict[str, object]]] = field(default_factory=list)  # [[source.X]]


GROUPS = {
    "dat-dai": "Đất đai",
    "tai-nguyen-nuoc": "Tài nguyên nước",
    "moi-truong": "Môi trường",
    "dia-chat-khoang-san": "Địa chất và khoáng sản",
    "do-dac-ban-do": "Đo đạc và bản đồ",
    "vien-tham": "Viễn thám",
    "khi-tuong-thuy-van": "Khí tượng thủy văn",
    "cong-thuong": "Công thương",
    "van-hoa-the-thao-du-lich": "Văn hóa, thể thao và du lịch",
    "thong-tin-truyen-thong": "Thông tin và truyền thông",
    "xay-dung": "Xây dựng",
    "giao-thong-van-tai": "Giao thông vận tải",
    "nong-nghiep": "Nông nghiệp",
    "y-te": "Y tế",
    "giao-duc": "Giáo dục",
    "kinh-te": "Kinh tế",
}
