"""Sở TN&MT Quảng Ninh: environmental monitoring published as Frictionless data packages.

Layout: quang-ninh/index.json lists package paths; each package is
quang-ninh/<name>/datapackage.json with CSV resources beside it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .meta import LICENSE_TITLES, LICENSE_URLS, DatasetMeta, GeneratedSource
from .places import QUANG_NINH_DISTRICTS, commune, firm, point
from .writers import FIXED_ISO, Row, write_csv, write_json

ORG = "so-tnmt-quang-ninh"
CENTRE_ORG = "trung-tam-quan-trac-tnmt-quang-ninh"
SPATIAL = "Tỉnh Quảng Ninh"
HOMEPAGE = "https://stnmt.quangninh.gov.vn"

# QCVN 05:2023/BTNMT, 24-hour averages in µg/m³.
QCVN_24H = {"pm2_5": 50, "pm10": 100, "no2": 100, "so2": 125}
# VN_AQI breakpoints for PM2.5 (Quyết định 1459/QĐ-TCMT 2019): (concentration, index).
PM25_BREAKS = (
    (0, 0),
    (25, 50),
    (50, 100),
    (80, 150),
    (150, 200),
    (250, 300),
    (350, 400),
    (500, 500),
)

STATIONS = (
    (
        "QN-KK01",
        "Trạm quan trắc không khí tự động phường Hồng Hải",
        "Thành phố Hạ Long",
        20.9545,
        107.0953,
        24.0,
    ),
    (
        "QN-KK02",
        "Trạm quan trắc không khí tự động phường Cẩm Thạch",
        "Thành phố Cẩm Phả",
        21.0123,
        107.2771,
        38.0,
    ),
    (
        "QN-KK03",
        "Trạm quan trắc không khí tự động phường Mông Dương",
        "Thành phố Cẩm Phả",
        21.0632,
        107.3365,
        42.0,
    ),
    (
        "QN-KK04",
        "Trạm quan trắc không khí tự động phường Quang Trung",
        "Thành phố Uông Bí",
        21.0352,
        106.7739,
        33.0,
    ),
    (
        "QN-KK05",
        "Trạm quan trắc không khí tự động phường Mạo Khê",
        "Thị xã Đông Triều",
        21.0589,
        106.5962,
        35.0,
    ),
    (
        "QN-KK06",
        "Trạm quan trắc không khí tự động phường Trần Phú",
        "Thành phố Móng Cái",
        21.5284,
        107.9662,
        19.0,
    ),
)


def field(name: str, type_: str, title: str, **extra: Any) -> dict[str, Any]:
    """A Table Schema field; extra keys (unit, threshold) are dulieumo extensions."""
    return {"name": name, "type": type_, "title": title, **extra}


def aqi_pm25(value: float) -> int:
    """VN_AQI sub-index of a PM2.5 concentration by linear interpolation of the breakpoints."""
    for (c_lo, i_lo), (c_hi, i_hi) in zip(PM25_BREAKS, PM25_BREAKS[1:], strict=False):
        if value <= c_hi:
            return round(i_lo + (i_hi - i_lo) * (value - c_lo) / (c_hi - c_lo))
    return 500


class PackageWriter:
    """Writes packages under the source root and records them for index.json."""

    def __init__(self, root: Path, source: GeneratedSource) -> None:
        self.root = root
        self.source = source
        self.paths: list[str] = []

    def write(
        self,
        meta: DatasetMeta,
        resources: Sequence[tuple[str, str, list[dict[str, Any]], list[Row], list[str] | None]],
        *,
        organization: str | None = None,
        private: bool = False,
        source_title: str = "Hệ thống cơ sở dữ liệu quan trắc môi trường tỉnh Quảng Ninh",
    ) -> None:
        folder = self.root / meta.name
        descriptor: dict[str, Any] = {
            "name": meta.name,
            "title": meta.title,
            "title_en": meta.title_en,
            "description": meta.description,
            "version": "1.0.0",
            "created": FIXED_ISO,
            "homepage": HOMEPAGE,
            "keywords": list(meta.tags),
        }
        if meta.license is not None:
            descriptor["licenses"] = [
                {
                    "name": meta.license,
                    "path": LICENSE_URLS[meta.license],
                    "title": LICENSE_TITLES[meta.license],
                }
            ]
        publisher = organization or ORG
        descriptor["sources"] = [{"title": source_title, "path": HOMEPAGE}]
        descriptor["contributors"] = [
            {"title": ORG_TITLES[publisher], "role": "publisher", "email": ORG_EMAILS[publisher]}
        ]
        descriptor.update(
            {
                "groups": list(meta.groups),
                "temporal": meta.temporal,
                "spatial": meta.spatial,
                "update_frequency": meta.update_frequency,
            }
        )
        if organization:
            descriptor["organization"] = organization
        if private:
            descriptor["private"] = True
        descriptor["resources"] = []
        total = 0
        for name, title, fields, rows, key in resources:
            total += write_csv(folder / f"{name}.csv", [f["name"] for f in fields], rows)
            schema: dict[str, Any] = {"fields": fields}
            if key:
                schema["primaryKey"] = key
            descriptor["resources"].append(
                {
                    "name": name,
                    "path": f"{name}.csv",
                    "title": title,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": schema,
                }
            )
        write_json(folder / "datapackage.json", descriptor)
        self.paths.append(f"{meta.name}/datapackage.json")
        if private:
            self.source.restricted.append(meta.name)
        else:
            self.source.rows[meta.name] = total


ORG_TITLES = {
    ORG: "Sở Tài nguyên và Môi trường tỉnh Quảng Ninh",
    CENTRE_ORG: "Trung tâm Quan trắc Tài nguyên và Môi trường tỉnh Quảng Ninh",
}
ORG_EMAILS = {ORG: "stnmt@quangninh.gov.vn", CENTRE_ORG: "ttqt.stnmt@quangninh.gov.vn"}


def _meta(
    name: str,
    title: str,
    title_en: str,
    description: str,
    tags: Sequence[str],
    groups: Sequence[str],
    temporal: str,
    frequency: str,
    license: str | None = "CC-BY-4.0",
) -> DatasetMeta:
    return DatasetMeta(
        name,
        title,
        title_en,
        description,
        tuple(tags),
        tuple(groups),
        license,
        temporal,
        SPATIAL,
        frequency,
    )


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write the Quảng Ninh packages under target/quang-ninh and return the harvest entry."""
    root = target / "quang-ninh"
    source = GeneratedSource(
        config={
            "name": "quang-ninh-quan-trac-moi-truong",
            "title": "Cơ sở dữ liệu quan trắc môi trường tỉnh Quảng Ninh (gói Frictionless)",
            "type": "datapackage",
            "path": str(root / "index.json"),
            "organization": ORG,
            "schedule": "daily",
            "default_license": "CC-BY-4.0",
            "default_groups": ["moi-truong"],
            "publish": "auto",
        }
    )
    packages = PackageWriter(root, source)
    _air(packages, rng)
    _water(packages, rng)
    _permits(packages, rng)
    _other(packages, rng)
    write_json(
        root / "index.json",
        {
            "title": "Danh mục gói dữ liệu quan trắc môi trường tỉnh Quảng Ninh",
            "publisher": ORG,
            "updated": "2024-12-31",
            "packages": packages.paths,
        },
    )
    return source


def _air(packages: PackageWriter, rng: random.Random) -> None:
    station_fields = [
        field("ma_tram", "string", "Mã trạm"),
        field("ten_tram", "string", "Tên trạm"),
        field("dia_ban", "string", "Địa bàn"),
        field("vi_do", "number", "Vĩ độ", unit="độ"),
        field("kinh_do", "number", "Kinh độ", unit="độ"),
        field("loai_tram", "string", "Loại trạm"),
        field("nam_van_hanh", "integer", "Năm đưa vào vận hành"),
    ]
    station_rows: list[Row] = [
        (code, name, district, lat, lon, "Tự động, liên tục", 2016 + i % 5)
        for i, (code, name, district, lat, lon, _) in enumerate(STATIONS)
    ]
    packages.write(
        _meta(
            "tram-quan-trac-khong-khi-tu-dong",
            "Danh sách trạm quan trắc không khí tự động",
            "Automatic air quality monitoring stations",
            "Vị trí, địa bàn và năm vận hành của các trạm quan trắc chất lượng không khí tự động, "
            "liên tục trên địa bàn tỉnh Quảng Ninh.",
            ["không khí", "trạm quan trắc", "quan trắc tự động"],
            ["moi-truong"],
            "2016-01-01/2024-12-31",
            "irregular",
            "CC0-1.0",
        ),
        [("tram-quan-trac", "Trạm quan trắc", station_fields, station_rows, ["ma_tram"])],
        organization=CENTRE_ORG,
    )

    pollutant_fields = [
        field("pm2_5", "number", "Bụi PM2.5", unit="µg/m³"),
        field("pm10", "number", "Bụi PM10", unit="µg/m³"),
        field("no2", "number", "NO2", unit="µg/m³"),
        field("so2", "number", "SO2", unit="µg/m³"),
        field("co", "number", "CO", unit="µg/m³"),
        field("o3", "number", "O3", unit="µg/m³"),
        field("vn_aqi", "integer", "Chỉ số VN_AQI (PM2.5)"),
    ]
    hourly: list[Row] = []
    start = datetime(2024, 1, 1, 1, 0)
    for code, _, _, _, _, base in STATIONS:
        for hour in range(31 * 24):
            moment = start + timedelta(hours=hour)
            rush = (
                1.0
                + 0.35 * math.exp(-((moment.hour - 8) ** 2) / 6)
                + 0.45 * math.exp(-((moment.hour - 19) ** 2) / 8)
            )
            pm25 = max(3.0, rng.gauss(base * 1.35 * rush, base * 0.35))
            hourly.append(
                (
                    code,
                    moment.isoformat(),
                    round(pm25, 1),
                    round(pm25 * rng.uniform(1.5, 2.1), 1),
                    round(rng.uniform(12, 65) * rush, 1),
                    round(rng.uniform(5, 40), 1),
                    round(rng.uniform(500, 2600) * rush),
                    round(rng.uniform(20, 110), 1),
                    aqi_pm25(pm25),
                )
            )
    packages.write(
        _meta(
            "quan-trac-khong-khi-tu-dong-theo-gio-2024-01",
            "Kết quả quan trắc không khí tự động theo giờ, tháng 01/2024",
            "Hourly automatic air quality monitoring results, January 2024",
            "Giá trị trung bình 1 giờ của bụi PM2.5, PM10, NO2, SO2, CO, O3 và chỉ số VN_AQI tại "
            "6 trạm quan trắc tự động. Số liệu chưa qua hiệu chỉnh cuối cùng.",
            ["không khí", "PM2.5", "AQI", "quan trắc tự động"],
            ["moi-truong"],
            "2024-01-01/2024-01-31",
            "daily",
        ),
        [
            (
                "ket-qua-theo-gio",
                "Kết quả theo giờ",
                [
                    field("ma_tram", "string", "Mã trạm"),
                    field("thoi_gian", "datetime", "Thời điểm (giờ Việt Nam)"),
                    *pollutant_fields,
                ],
                hourly,
                ["ma_tram", "thoi_gian"],
            )
        ],
        organization=CENTRE_ORG,
    )

    daily: list[Row] = []
    for code, _, _, _, _, base in STATIONS:
        for offset in range(365):
            day = date(2023, 1, 1) + timedelta(days=offset)
            season = 1.0 + 0.55 * math.cos(2 * math.pi * (offset - 10) / 365)
            pm25 = max(4.0, rng.gauss(base * season, base * 0.25))
            pm10 = pm25 * rng.uniform(1.5, 2.0)
            no2 = rng.uniform(15, 70) * season
            so2 = rng.uniform(6, 45)
            exceeded = pm25 > QCVN_24H["pm2_5"] or pm10 > QCVN_24H["pm10"] or no2 > QCVN_24H["no2"]
            daily.append(
                (
                    code,
                    day.isoformat(),
                    round(pm25, 1),
                    round(pm10, 1),
                    round(no2, 1),
                    round(so2, 1),
                    aqi_pm25(pm25),
                    exceeded,
                )
            )
    limit = "QCVN 05:2023/BTNMT"
    packages.write(
        _meta(
            "quan-trac-khong-khi-trung-binh-ngay-2023",
            "Chất lượng không khí trung bình ngày tại các trạm tự động năm 2023",
            "Daily average air quality at automatic stations, 2023",
            "Giá trị trung bình 24 giờ của bụi PM2.5, PM10, NO2, SO2 và VN_AQI. Cột vuot_qcvn "
            "đánh dấu "
            "ngày có ít nhất một thông số vượt giới hạn trung bình 24 giờ của QCVN 05:2023/BTNMT.",
            ["không khí", "PM2.5", "PM10", "QCVN 05:2023/BTNMT", "AQI"],
            ["moi-truong"],
            "2023-01-01/2023-12-31",
            "daily",
        ),
        [
            (
                "trung-binh-ngay",
                "Trung bình ngày",
                [
                    field("ma_tram", "string", "Mã trạm"),
                    field("ngay", "date", "Ngày"),
                    field(
                        "pm2_5",
                        "number",
                        "Bụi PM2.5 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["pm2_5"], "averaging": "24h"},
                    ),
                    field(
                        "pm10",
                        "number",
                        "Bụi PM10 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["pm10"], "averaging": "24h"},
                    ),
                    field(
                        "no2",
                        "number",
                        "NO2 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["no2"], "averaging": "24h"},
                    ),
                    field(
                        "so2",
                        "number",
                        "SO2 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["so2"], "averaging": "24h"},
                    ),
                    field("vn_aqi", "integer", "Chỉ số VN_AQI ngày (PM2.5)"),
                    field("vuot_qcvn", "boolean", "Vượt QCVN 05:2023/BTNMT"),
                ],
                daily,
                ["ma_tram", "ngay"],
            )
        ],
        organization=CENTRE_ORG,
    )

    monthly: list[Row] = []
    for code, _, _, _, _, base in STATIONS:
        for year in range(2019, 2025):
            for month in range(1, 13):
                season = 1.0 + 0.5 * math.cos(2 * math.pi * (month - 1) / 12)
                mean = max(
                    5.0, rng.gauss(base * season * (1.06 - 0.02 * (year - 2019)), base * 0.08)
                )
                days_over = (
                    max(0, round((mean - 30) / 2.5 + rng.uniform(-2, 2))) if mean > 30 else 0
                )
                monthly.append(
                    (
                        code,
                        f"{year}-{month:02d}",
                        round(mean, 1),
                        aqi_pm25(mean),
                        min(days_over, 28),
                    )
                )
    packages.write(
        _meta(
            "chi-so-chat-luong-khong-khi-theo-thang",
            "Chỉ số chất lượng không khí theo tháng 2019–2024",
            "Monthly air quality index 2019–2024",
            "PM2.5 trung bình tháng, VN_AQI tháng và số ngày vượt QCVN 05:2023/BTNMT (giới hạn "
            "trung "
            "bình 24 giờ 50 µg/m³) tại từng trạm.",
            ["không khí", "AQI", "thống kê"],
            ["moi-truong"],
            "2019-01-01/2024-12-31",
            "monthly",
        ),
        [
            (
                "theo-thang",
                "Theo tháng",
                [
                    field("ma_tram", "string", "Mã trạm"),
                    field("thang", "yearmonth", "Tháng"),
                    field("pm2_5_tb", "number", "PM2.5 trung bình tháng", unit="µg/m³"),
                    field("vn_aqi", "integer", "VN_AQI tháng"),
                    field("so_ngay_vuot_qcvn", "integer", "Số ngày vượt QCVN", unit="ngày"),
                ],
                monthly,
                ["ma_tram", "thang"],
            )
        ],
        organization=CENTRE_ORG,
    )


WQI_CLASSES = (
    (91, "Rất tốt"),
    (76, "Tốt"),
    (51, "Trung bình"),
    (26, "Kém"),
    (10, "Ô nhiễm nặng"),
    (0, "Ô nhiễm rất nặng"),
)
RIVERS = (
    "Sông Diễn Vọng",
    "Sông Mip",
    "Sông Ba Chẽ",
    "Sông Tiên Yên",
    "Sông Đá Bạc",
    "Sông Uông",
    "Sông Kalong",
    "Hồ Yên Lập",
    "Hồ Cao Vân",
    "Sông Bạch Đằng",
    "Sông Đầm Hà",
    "Hồ Tràng Vinh",
)


def _wqi_class(wqi: int) -> str:
    return next(label for floor, label in WQI_CLASSES if wqi >= floor)


def _water(packages: PackageWriter, rng: random.Random) -> None:
    points: list[Row] = []
    for i in range(24):
        lat, lon = point(rng, "quang-ninh", 0.3)
        river = RIVERS[i % len(RIVERS)]
        points.append(
            (
                f"QN-NM{i + 1:02d}",
                f"{river}, đoạn qua {commune(rng).lower()}",
                river,
                rng.choice(QUANG_NINH_DISTRICTS),
                lat,
                lon,
            )
        )
    results: list[Row] = []
    for code, _, _, _, _, _ in points:
        quality = rng.uniform(0.55, 1.0)
        for year in (2023, 2024):
            for month in range(1, 13):
                q = min(1.0, max(0.1, rng.gauss(quality, 0.08)))
                wqi = round(100 * q) if q < 0.99 else 100
                results.append(
                    (
                        code,
                        f"{year}-{month:02d}-15",
                        round(rng.uniform(6.2, 8.1), 2),
                        round(3 + 4 * q + rng.uniform(-0.5, 0.5), 2),
                        round(2 + 14 * (1 - q), 1),
                        round(6 + 30 * (1 - q), 1),
                        round(0.05 + 0.9 * (1 - q), 3),
                        round(rng.uniform(8, 60) * (1.4 - q), 1),
                        round(500 + 9000 * (1 - q) * rng.uniform(0.5, 1.2)),
                        wqi,
                        _wqi_class(wqi),
                    )
                )
    packages.write(
        _meta(
            "chat-luong-nuoc-mat-wqi",
            "Chất lượng nước mặt và chỉ số WQI 2023–2024",
            "Surface water quality and WQI 2023–2024",
            "Kết quả quan trắc định kỳ nước mặt sông, hồ (pH, DO, BOD5, COD, NH4+, TSS, Coliform) "
            "và "
            "chỉ số chất lượng nước VN_WQI theo Quyết định 1460/QĐ-TCMT. Gồm danh sách điểm quan "
            "trắc.",
            ["nước mặt", "WQI", "quan trắc định kỳ", "QCVN 08:2023/BTNMT"],
            ["moi-truong", "tai-nguyen-nuoc"],
            "2023-01-01/2024-12-31",
            "monthly",
        ),
        [
            (
                "diem-quan-trac",
                "Điểm quan trắc nước mặt",
                [
                    field("ma_diem", "string", "Mã điểm"),
                    field("vi_tri", "string", "Vị trí"),
                    field("nguon_nuoc", "string", "Nguồn nước"),
                    field("dia_ban", "string", "Địa bàn"),
                    field("vi_do", "number", "Vĩ độ"),
                    field("kinh_do", "number", "Kinh độ"),
                ],
                points,
                ["ma_diem"],
            ),
            (
                "ket-qua-quan-trac",
                "Kết quả quan trắc",
                [
                    field("ma_diem", "string", "Mã điểm"),
                    field("ngay_lay_mau", "date", "Ngày lấy mẫu"),
                    field("ph", "number", "pH"),
                    field("do", "number", "Oxy hòa tan (DO)", unit="mg/L"),
                    field("bod5", "number", "BOD5", unit="mg/L"),
                    field("cod", "number", "COD", unit="mg/L"),
                    field("nh4", "number", "Amoni (NH4+ tính theo N)", unit="mg/L"),
                    field("tss", "number", "Tổng chất rắn lơ lửng", unit="mg/L"),
                    field("coliform", "integer", "Coliform", unit="MPN/100mL"),
                    field(
                        "wqi",
                        "integer",
                        "Chỉ số VN_WQI",
                        constraints={"minimum": 0, "maximum": 100},
                    ),
                    field("muc_chat_luong", "string", "Mức đánh giá"),
                ],
                results,
                ["ma_diem", "ngay_lay_mau"],
            ),
        ],
        organization=CENTRE_ORG,
    )

    sea: list[Row] = []
    bays = (
        "Vịnh Hạ Long",
        "Vịnh Bái Tử Long",
        "Cửa Lục",
        "Bãi tắm Trà Cổ",
        "Cảng Cái Lân",
        "Đảo Cô Tô",
        "Cảng Cẩm Phả",
        "Vân Đồn",
        "Cửa Ông",
        "Đầm Hà",
        "Quảng Yên",
        "Tuần Châu",
        "Bãi Cháy",
        "Quan Lạn",
        "Minh Châu",
    )
    for i, place in enumerate(bays):
        for year in (2022, 2023, 2024):
            for quarter in range(1, 5):
                sea.append(
                    (
                        f"QN-NB{i + 1:02d}",
                        place,
                        year,
                        quarter,
                        round(rng.uniform(7.8, 8.4), 2),
                        round(rng.uniform(5.2, 7.4), 2),
                        round(rng.uniform(8, 45), 1),
                        round(rng.uniform(0.01, 0.35), 3),
                        round(rng.uniform(0.02, 0.4), 3),
                    )
                )
    packages.write(
        _meta(
            "chat-luong-nuoc-bien-ven-bo",
            "Chất lượng nước biển ven bờ theo quý 2022–2024",
            "Coastal seawater quality by quarter 2022–2024",
            "Quan trắc nước biển ven bờ tại vịnh Hạ Long, Bái Tử Long và các cảng, bãi tắm; đối "
            "chiếu "
            "QCVN 10:2023/BTNMT.",
            ["nước biển", "vịnh Hạ Long", "quan trắc định kỳ"],
            ["moi-truong"],
            "2022-01-01/2024-12-31",
            "quarterly",
            "ODC-BY-1.0",
        ),
        [
            (
                "ket-qua-theo-quy",
                "Kết quả theo quý",
                [
                    field("ma_diem", "string", "Mã điểm"),
                    field("vi_tri", "string", "Vị trí"),
                    field("nam", "year", "Năm"),
                    field("quy", "integer", "Quý"),
                    field("ph", "number", "pH"),
                    field("do", "number", "Oxy hòa tan", unit="mg/L"),
                    field("tss", "number", "TSS", unit="mg/L"),
                    field("amoni", "number", "Amoni", unit="mg/L"),
                    field("dau_mo", "number", "Tổng dầu mỡ khoáng", unit="mg/L"),
                ],
                sea,
                ["ma_diem", "nam", "quy"],
            )
        ],
        organization=CENTRE_ORG,
    )


def _permit_rows(rng: random.Random, count: int, prefix: str, make: Any) -> list[Row]:
    rows: list[Row] = []
    numbers = rng.sample(range(100, 4000), count)
    for i in range(count):
        issued = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
        years = rng.choice((3, 5, 5, 10, 10, 15))
        expires = issued.replace(year=issued.year + years, day=min(issued.day, 28))
        status = "Còn hiệu lực" if expires >= date(2024, 12, 31) else "Hết hiệu lực"
        rows.append(
            (
                f"{numbers[i]}/{prefix}",
                issued.isoformat(),
                years,
                expires.isoformat(),
                status,
                *make(rng, i),
            )
        )
    rows.sort(key=lambda row: (str(row[1]), str(row[0])))
    return rows


PERMIT_FIELDS = [
    field("so_giay_phep", "string", "Số giấy phép"),
    field("ngay_cap", "date", "Ngày cấp"),
    field("thoi_han_nam", "integer", "Thời hạn", unit="năm"),
    field("ngay_het_han", "date", "Ngày hết hạn"),
    field("trang_thai", "string", "Trạng thái"),
]


def _permits(packages: PackageWriter, rng: random.Random) -> None:
    def discharge(rng: random.Random, i: int) -> Row:
        trade = rng.choice(
            ("Than", "Xi măng", "Chế biến thủy sản", "Du lịch", "Nhiệt điện", "Cấp nước", "Dệt may")
        )
        return (
            firm(rng, trade),
            commune(rng),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.choice(RIVERS + ("Vịnh Hạ Long", "Vịnh Bái Tử Long")),
            rng.choice((50, 120, 300, 500, 1000, 2500, 6000, 12000)),
            rng.choice(("Tự chảy", "Bơm cưỡng bức")),
            rng.choice(("A", "B", "B", "C")),
        )

    rows = _permit_rows(rng, 320, "GP-UBND", discharge)
    packages.write(
        _meta(
            "giay-phep-xa-thai-vao-nguon-nuoc",
            "Giấy phép xả nước thải vào nguồn nước",
            "Wastewater discharge permits",
            "Danh sách giấy phép xả nước thải vào nguồn nước do UBND tỉnh cấp từ 2015: tổ chức "
            "được cấp "
            "phép, nguồn tiếp nhận, lưu lượng xả lớn nhất và cột chất lượng theo QCVN "
            "40:2011/BTNMT.",
            ["giấy phép", "nước thải", "xả thải"],
            ["tai-nguyen-nuoc", "moi-truong"],
            "2015-01-01/2024-12-31",
            "monthly",
        ),
        [
            (
                "giay-phep",
                "Giấy phép xả thải",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("xa_phuong", "string", "Xã/phường"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field("nguon_tiep_nhan", "string", "Nguồn tiếp nhận"),
                    field(
                        "luu_luong_xa_toi_da",
                        "integer",
                        "Lưu lượng xả lớn nhất",
                        unit="m³/ngày đêm",
                    ),
                    field("phuong_thuc_xa", "string", "Phương thức xả"),
                    field("cot_qcvn", "string", "Cột áp dụng QCVN 40:2011/BTNMT"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )

    def ground(rng: random.Random, i: int) -> Row:
        trade = rng.choice(("Cấp nước", "Thực phẩm", "Khách sạn", "Khu công nghiệp", "Nước khoáng"))
        return (
            firm(rng, trade),
            commune(rng),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.randrange(1, 9),
            rng.choice((30, 80, 150, 200, 450, 900, 1500, 3000)),
            rng.choice(("Holocen", "Pleistocen", "Triat", "Cacbon-Pecmi")),
            rng.choice(("Sinh hoạt", "Sản xuất", "Sinh hoạt và sản xuất")),
        )

    rows = _permit_rows(rng, 210, "GP-UBND", ground)
    packages.write(
        _meta(
            "giay-phep-khai-thac-nuoc-duoi-dat",
            "Giấy phép thăm dò, khai thác nước dưới đất",
            "Groundwater exploitation permits",
            "Giấy phép khai thác, sử dụng nước dưới đất: số giếng, lưu lượng khai thác, tầng chứa "
            "nước "
            "và mục đích sử dụng.",
            ["giấy phép", "nước dưới đất", "giếng khoan"],
            ["tai-nguyen-nuoc"],
            "2015-01-01/2024-12-31",
            "monthly",
        ),
        [
            (
                "giay-phep",
                "Giấy phép khai thác nước dưới đất",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("xa_phuong", "string", "Xã/phường"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field("so_gieng", "integer", "Số giếng khai thác"),
                    field(
                        "luu_luong_khai_thac", "integer", "Lưu lượng khai thác", unit="m³/ngày đêm"
                    ),
                    field("tang_chua_nuoc", "string", "Tầng chứa nước"),
                    field("muc_dich", "string", "Mục đích sử dụng"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )

    def surface(rng: random.Random, i: int) -> Row:
        return (
            firm(rng, rng.choice(("Cấp nước", "Thủy lợi", "Nhiệt điện", "Nuôi trồng thủy sản"))),
            rng.choice(RIVERS),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.choice((500, 2000, 5000, 15000, 40000, 120000)),
            rng.choice(("Cấp nước sinh hoạt", "Tưới", "Làm mát", "Sản xuất")),
        )

    rows = _permit_rows(rng, 120, "GP-UBND", surface)
    packages.write(
        _meta(
            "giay-phep-khai-thac-nuoc-mat",
            "Giấy phép khai thác, sử dụng nước mặt",
            "Surface water abstraction permits",
            "Giấy phép khai thác nước mặt từ sông, suối, hồ chứa.",
            ["giấy phép", "nước mặt"],
            ["tai-nguyen-nuoc"],
            "2015-01-01/2024-12-31",
            "quarterly",
            None,
        ),
        [
            (
                "giay-phep",
                "Giấy phép khai thác nước mặt",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("nguon_nuoc", "string", "Nguồn nước"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field(
                        "luu_luong_khai_thac", "integer", "Lưu lượng khai thác", unit="m³/ngày đêm"
                    ),
                    field("muc_dich", "string", "Mục đích sử dụng"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )

    def mineral(rng: random.Random, i: int) -> Row:
        kind = rng.choice(
            (
                "Than",
                "Than",
                "Đá vôi làm vật liệu xây dựng",
                "Cát trắng",
                "Sét gạch ngói",
                "Cao lanh",
            )
        )
        return (
            firm(rng, "Khoáng sản" if kind != "Than" else "Than"),
            kind,
            rng.choice(QUANG_NINH_DISTRICTS),
            round(rng.uniform(2, 350), 2),
            rng.choice((20000, 50000, 150000, 500000, 1200000, 2500000)),
            rng.choice(("Lộ thiên", "Hầm lò")) if kind == "Than" else "Lộ thiên",
        )

    rows = _permit_rows(rng, 140, "GP-BTNMT", mineral)
    packages.write(
        _meta(
            "giay-phep-khai-thac-khoang-san",
            "Giấy phép khai thác khoáng sản",
            "Mining licences",
            "Giấy phép khai thác khoáng sản (than, đá vôi, cát trắng, sét) trên địa bàn tỉnh: "
            "loại khoáng "
            "sản, diện tích, công suất và phương pháp khai thác.",
            ["khoáng sản", "than", "giấy phép"],
            ["dia-chat-khoang-san"],
            "2015-01-01/2024-12-31",
            "quarterly",
        ),
        [
            (
                "giay-phep",
                "Giấy phép khai thác khoáng sản",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("loai_khoang_san", "string", "Loại khoáng sản"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field("dien_tich_ha", "number", "Diện tích", unit="ha"),
                    field(
                        "cong_suat", "integer", "Công suất khai thác", unit="tấn/năm hoặc m³/năm"
                    ),
                    field("phuong_phap", "string", "Phương pháp khai thác"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )


def _other(packages: PackageWriter, rng: random.Random) -> None:
    stations = ("Bãi Cháy", "Cửa Ông", "Uông Bí", "Móng Cái", "Tiên Yên", "Cô Tô")
    rain: list[Row] = []
    for station in stations:
        for offset in range(366):
            day = date(2024, 1, 1) + timedelta(days=offset)
            wet = (
                0.15 + 0.45 * max(0.0, math.sin(math.pi * (offset - 90) / 200))
                if 90 <= offset <= 290
                else 0.15
            )
            mm = round(rng.expovariate(1 / 22), 1) if rng.random() < wet else 0.0
            rain.append(
                (
                    station,
                    day.isoformat(),
                    mm,
                    round(rng.gauss(24 + 6 * math.sin(math.pi * (offset - 80) / 183), 2), 1),
                )
            )
    packages.write(
        _meta(
            "luong-mua-nhiet-do-ngay-2024",
            "Lượng mưa và nhiệt độ trung bình ngày năm 2024",
            "Daily rainfall and mean temperature, 2024",
            "Lượng mưa ngày và nhiệt độ không khí trung bình ngày tại 6 trạm khí tượng trên địa "
            "bàn tỉnh.",
            ["lượng mưa", "nhiệt độ", "khí tượng"],
            ["khi-tuong-thuy-van"],
            "2024-01-01/2024-12-31",
            "daily",
        ),
        [
            (
                "quan-trac-ngay",
                "Số liệu ngày",
                [
                    field("tram", "string", "Trạm khí tượng"),
                    field("ngay", "date", "Ngày"),
                    field("luong_mua", "number", "Lượng mưa", unit="mm"),
                    field("nhiet_do_tb", "number", "Nhiệt độ trung bình", unit="°C"),
                ],
                rain,
                ["tram", "ngay"],
            )
        ],
        source_title="Đài Khí tượng Thủy văn khu vực Đông Bắc",
    )

    waste: list[Row] = []
    for district in QUANG_NINH_DISTRICTS:
        base = rng.uniform(15, 420)
        for year in range(2020, 2025):
            produced = base * (1 + 0.04 * (year - 2020))
            waste.append(
                (
                    district,
                    year,
                    round(produced, 1),
                    round(produced * rng.uniform(0.82, 0.99), 1),
                    round(rng.uniform(0, 35), 1),
                )
            )
    packages.write(
        _meta(
            "chat-thai-ran-sinh-hoat",
            "Khối lượng chất thải rắn sinh hoạt phát sinh và thu gom",
            "Municipal solid waste generated and collected",
            "Khối lượng chất thải rắn sinh hoạt phát sinh, thu gom và tỷ lệ tái chế theo đơn vị "
            "hành chính cấp huyện.",
            ["chất thải rắn", "rác thải", "thu gom"],
            ["moi-truong"],
            "2020-01-01/2024-12-31",
            "annual",
            "other-open",
        ),
        [
            (
                "theo-huyen",
                "Theo huyện",
                [
                    field("dia_ban", "string", "Địa bàn"),
                    field("nam", "year", "Năm"),
                    field("phat_sinh", "number", "Khối lượng phát sinh", unit="tấn/ngày"),
                    field("thu_gom", "number", "Khối lượng thu gom", unit="tấn/ngày"),
                    field("ty_le_tai_che", "number", "Tỷ lệ tái chế", unit="%"),
                ],
                waste,
                ["dia_ban", "nam"],
            )
        ],
    )

    findings: list[Row] = [
        (
            f"TT-{2024}-{i + 1:03d}",
            firm(rng, "Than"),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.choice(("Chưa kết luận", "Đang xác minh")),
            rng.choice(("Nước thải", "Bụi", "Chất thải nguy hại")),
        )
        for i in range(40)
    ]
    packages.write(
        _meta(
            "ket-qua-thanh-tra-moi-truong-chua-ket-luan",
            "Kết quả thanh tra môi trường chưa kết luận (nội bộ)",
            "Environmental inspections pending conclusion (internal)",
            "Dữ liệu làm việc nội bộ, chưa được phép công khai.",
            ["thanh tra", "nội bộ"],
            ["moi-truong"],
            "2024-01-01/2024-12-31",
            "irregular",
        ),
        [
            (
                "ho-so",
                "Hồ sơ thanh tra",
                [
                    field("ma_ho_so", "string", "Mã hồ sơ"),
                    field("doi_tuong", "string", "Đối tượng thanh tra"),
                    field("dia_ban", "string", "Địa bàn"),
                    field("tinh_trang", "string", "Tình trạng"),
                    field("noi_dung", "string", "Nội dung"),
                ],
                findings,
                ["ma_ho_so"],
            )
        ],
        private=True,
    )
