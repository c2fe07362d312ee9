"""Where Vietnamese provinces lie: a bounding box and centre for ``dct:spatial`` (DCAT-AP 3).

Datasets name their place in words ("Tỉnh Quảng Ninh"); DCAT-AP recommends ``dcat:bbox`` and
``dcat:centroid``. The extents are those of the 63 provincial units before the 2025 mergers (as
the demo agencies and most harvested records still name them), approximate to about a tenth of
a degree and taken outward: enough to place a dataset on a map or find it by area, not a
boundary. The centroid is the box's centre. Places that are no province (a district, a list of
them, free text) get neither.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Extent:
    """A province's bounding box in WGS 84 degrees."""

    west: float
    south: float
    east: float
    north: float

    @property
    def bbox_wkt(self) -> str:
        w, s, e, n = self.west, self.south, self.east, self.north
        return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"

    @property
    def centroid_wkt(self) -> str:
        return f"POINT({round((self.west + self.east) / 2, 3)} " \
               f"{round((self.south + self.north) / 2, 3)})"


# Mainland Viet Nam with its near-shore islands (the Paracel and Spratly archipelagos lie
# further east, to 117.8° E; a bbox that wide would place the country in the sea).
VIETNAM = Extent(102.14, 8.38, 109.47, 23.39)
# (west, south, east, north), by province name without its "Tỉnh"/"Thành phố" prefix.
PROVINCES: dict[str, Extent] = {
    # North-east and north-west
    "Hà Giang": Extent(104.33, 22.13, 105.57, 23.39),
    "Cao Bằng": Extent(105.27, 22.35, 106.83, 23.12),
    "Bắc Kạn": Extent(105.43, 21.80, 106.27, 22.73),
    "Tuyên Quang": Extent(104.88, 21.50, 105.67, 22.68),
    "Lào Cai": Extent(103.52, 21.85, 104.63, 22.85),
    "Điện Biên": Extent(102.14, 20.90, 103.60, 22.55),
    "Lai Châu": Extent(102.33, 21.68, 103.98, 22.82),
    "Sơn La": Extent(103.18, 20.57, 105.03, 22.03),
    "Yên Bái": Extent(103.93, 21.33, 105.10, 22.28),
    "Hòa Bình": Extent(104.80, 20.28, 105.87, 21.13),
    "Thái Nguyên": Extent(105.48, 21.32, 106.27, 22.05),
    "Lạng Sơn": Extent(106.10, 21.32, 107.37, 22.45),
    "Quảng Ninh": Extent(106.43, 20.70, 108.08, 21.68),
    "Bắc Giang": Extent(105.88, 21.12, 107.03, 21.62),
    "Phú Thọ": Extent(104.80, 20.92, 105.45, 21.72),
    # Red River delta
    "Vĩnh Phúc": Extent(105.32, 21.13, 105.80, 21.57),
    "Bắc Ninh": Extent(105.90, 20.97, 106.32, 21.27),
    "Hà Nội": Extent(105.28, 20.55, 106.02, 21.39),
    "Hải Dương": Extent(106.03, 20.60, 106.62, 21.23),
    "Hải Phòng": Extent(106.38, 20.57, 107.12, 21.02),  # Bạch Long Vĩ lies apart
    "Hưng Yên": Extent(105.90, 20.60, 106.28, 21.02),
    "Thái Bình": Extent(106.03, 20.28, 106.65, 20.73),
    "Hà Nam": Extent(105.75, 20.35, 106.17, 20.70),
    "Nam Định": Extent(105.92, 19.90, 106.55, 20.52),
    "Ninh Bình": Extent(105.53, 19.93, 106.17, 20.45),
    # North and south central coast
    "Thanh Hóa": Extent(104.38, 19.30, 106.08, 20.67),
    "Nghệ An": Extent(103.87, 18.55, 105.82, 20.00),
    "Hà Tĩnh": Extent(105.10, 17.90, 106.50, 18.80),
    "Quảng Bình": Extent(105.60, 16.92, 106.98, 18.08),
    "Quảng Trị": Extent(106.50, 16.30, 107.40, 17.17),
    "Thừa Thiên Huế": Extent(107.00, 15.98, 108.20, 16.75),
    "Đà Nẵng": Extent(107.82, 15.92, 108.35, 16.22),
    "Quảng Nam": Extent(107.20, 14.95, 108.73, 16.07),
    "Quảng Ngãi": Extent(108.10, 14.53, 109.17, 15.42),
    "Bình Định": Extent(108.58, 13.50, 109.37, 14.72),
    "Phú Yên": Extent(108.67, 12.70, 109.47, 13.70),
    "Khánh Hòa": Extent(108.67, 11.80, 109.47, 12.87),  # Trường Sa lies apart
    "Ninh Thuận": Extent(108.55, 11.30, 109.23, 12.15),
    "Bình Thuận": Extent(107.38, 10.45, 108.97, 11.55),
    # Central highlands
    "Kon Tum": Extent(107.33, 13.90, 108.55, 15.42),
    "Gia Lai": Extent(107.45, 12.97, 108.93, 14.62),
    "Đắk Lắk": Extent(107.48, 12.15, 108.98, 13.42),
    "Đắk Nông": Extent(107.20, 11.73, 108.12, 12.80),
    "Lâm Đồng": Extent(107.25, 11.20, 108.75, 12.32),
    # South-east
    "Bình Phước": Extent(106.40, 11.30, 107.42, 12.29),
    "Tây Ninh": Extent(105.82, 10.95, 106.47, 11.77),
    "Bình Dương": Extent(106.33, 10.87, 106.97, 11.50),
    "Đồng Nai": Extent(106.73, 10.50, 107.58, 11.58),
    "Bà Rịa Vũng Tàu": Extent(106.97, 10.32, 107.58, 10.82),  # Côn Đảo lies apart
    "Hồ Chí Minh": Extent(106.35, 10.37, 107.03, 11.17),
    # Mekong delta
    "Long An": Extent(105.50, 10.38, 106.80, 11.03),
    "Tiền Giang": Extent(105.82, 10.20, 106.80, 10.58),
    "Bến Tre": Extent(105.95, 9.80, 106.82, 10.33),
    "Trà Vinh": Extent(105.95, 9.52, 106.60, 10.08),
    "Vĩnh Long": Extent(105.68, 9.88, 106.30, 10.33),
    "Đồng Tháp": Extent(105.18, 10.12, 105.95, 10.97),
    "An Giang": Extent(104.77, 10.18, 105.58, 10.97),
    "Kiên Giang": Extent(103.83, 9.55, 105.55, 10.55),  # with Phú Quốc; Thổ Chu apart
    "Cần Thơ": Extent(105.22, 9.92, 105.85, 10.33),
    "Hậu Giang": Extent(105.28, 9.58, 105.90, 10.05),
    "Sóc Trăng": Extent(105.55, 9.20, 106.30, 9.95),
    "Bạc Liêu": Extent(105.23, 9.00, 105.87, 9.62),
    "Cà Mau": Extent(104.72, 8.55, 105.53, 9.55),
}
# Other spellings in use: the country, Huế as a city (2025), the old hyphenated name.
ALIASES = {"Huế": "Thừa Thiên Huế", "TP.HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh",
           "Sài Gòn": "Hồ Chí Minh"}
_PREFIXES = ("tỉnh ", "thành phố ", "tp. ", "tp ", "tp.")


def _key(name: str) -> str:
    """Lower case, NFC, one space between words, hyphens as spaces, no "Tỉnh"/"Thành phố"."""
    text = unicodedata.normalize("NFC", name).lower().replace("-", " ")
    text = " ".join(text.split())
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):].strip()
    return text


_BY_KEY = {_key(name): extent for name, extent in PROVINCES.items()}
_BY_KEY.update({_key(alias): PROVINCES[name] for alias, name in ALIASES.items()})
_BY_KEY.update({"việt nam": VIETNAM, "viet nam": VIETNAM, "vietnam": VIETNAM})


def place_geometry(name: str) -> Extent | None:
    """The extent of the province (or the country) a dataset's place names, else None."""
    return _BY_KEY.get(_key(name))
