"""Cao Bằng heritage: relics, the UNESCO geopark's sites and zones."""

from __future__ import annotations

import math
import random
from pathlib import Path

from .. import geojson
from ..places import CAO_BANG_DISTRICTS, point
from ..writers import Row, write_csv
from .agency import VILLAGES, Adder, dataset_meta

FAMOUS = (
    (
        "Khu di tích lịch sử Pác Bó",
        "Lịch sử",
        "Quốc gia đặc biệt",
        "Huyện Hà Quảng",
        22.9935,
        106.0412,
    ),
    (
        "Khu di tích lịch sử Rừng Trần Hưng Đạo",
        "Lịch sử",
        "Quốc gia đặc biệt",
        "Huyện Nguyên Bình",
        22.5876,
        105.9978,
    ),
    (
        "Thác Bản Giốc",
        "Danh lam thắng cảnh",
        "Quốc gia đặc biệt",
        "Huyện Trùng Khánh",
        22.8552,
        106.7234,
    ),
    ("Động Ngườm Ngao", "Danh lam thắng cảnh", "Quốc gia", "Huyện Trùng Khánh", 22.8462, 106.7051),
    ("Đền Kỳ Sầm", "Lịch sử", "Quốc gia", "Huyện Hòa An", 22.6887, 106.1946),
    (
        "Chùa Phật Tích Trúc Lâm Bản Giốc",
        "Kiến trúc nghệ thuật",
        "Chưa xếp hạng",
        "Huyện Trùng Khánh",
        22.8545,
        106.7262,
    ),
    ("Di tích Chiến thắng Đông Khê", "Lịch sử", "Quốc gia", "Huyện Thạch An", 22.4386, 106.4382),
    ("Hồ Thang Hen", "Danh lam thắng cảnh", "Quốc gia", "Huyện Trùng Khánh", 22.7905, 106.5412),
)


def write_heritage(add: Adder, data: Path, rng: random.Random) -> None:
    """Relics and the geopark: CSV tables with GeoJSON beside them."""
    relics: list[Row] = []
    kinds = (
        ("Đình", "Kiến trúc nghệ thuật"),
        ("Chùa", "Kiến trúc nghệ thuật"),
        ("Đền", "Lịch sử"),
        ("Miếu", "Kiến trúc nghệ thuật"),
        ("Hang", "Lịch sử"),
        ("Địa điểm lưu niệm", "Lịch sử"),
        ("Di chỉ khảo cổ", "Khảo cổ"),
        ("Thành cổ", "Khảo cổ"),
        ("Núi", "Danh lam thắng cảnh"),
    )
    for name, kind, rank, district, lat, lon in FAMOUS:
        year = "" if rank == "Chưa xếp hạng" else 1962 + len(relics) * 5
        relics.append((name, kind, rank, district, year, lat, lon))
    for _ in range(232):
        prefix, kind = rng.choice(kinds)
        lat, lon = point(rng, "cao-bang", 0.3)
        rank = rng.choice(("Quốc gia", "Cấp tỉnh", "Cấp tỉnh", "Cấp tỉnh", "Chưa xếp hạng"))
        relics.append(
            (
                f"{prefix} {rng.choice(VILLAGES)}",
                kind,
                rank,
                rng.choice(CAO_BANG_DISTRICTS),
                "" if rank == "Chưa xếp hạng" else rng.randrange(1990, 2024),
                lat,
                lon,
            )
        )
    relics = [(f"CB-DT-{i + 1:03d}", *row) for i, row in enumerate(relics)]
    header = [
        "ma_di_tich",
        "ten_di_tich",
        "loai_hinh",
        "cap_xep_hang",
        "huyen",
        "nam_xep_hang",
        "vi_do",
        "kinh_do",
    ]
    csv_path = data / "di-tich-lich-su-van-hoa.csv"
    count = write_csv(csv_path, header, relics)
    geo_path = data / "di-tich-lich-su-van-hoa.geojson"
    geojson.write_collection(
        geo_path,
        "di-tich",
        [
            geojson.feature(
                geojson.point(float(str(r[6])), float(str(r[7]))),
                dict(zip(header[:6], r[:6], strict=True)),
            )
            for r in relics
        ],
    )
    add(
        dataset_meta(
            "di-tich-lich-su-van-hoa",
            "Danh mục di tích lịch sử – văn hóa và danh lam thắng cảnh",
            "Historical and cultural relics and scenic sites",
            "Danh mục di tích trên địa bàn tỉnh: loại hình, cấp xếp hạng (quốc gia đặc biệt, quốc "
            "gia, cấp tỉnh), "
            "năm xếp hạng và tọa độ.",
            ["di tích", "danh lam thắng cảnh", "di sản văn hóa"],
            temporal="1962-01-01/2024-12-31",
            frequency="annual",
        ),
        [("Bảng CSV", csv_path, count), ("Bản đồ GeoJSON", geo_path, count)],
    )

    sites: list[Row] = []
    site_kinds = (
        "Địa mạo karst",
        "Hang động",
        "Thác nước",
        "Hồ",
        "Hóa thạch",
        "Mặt cắt địa chất",
        "Di sản văn hóa",
    )
    for i in range(132):
        lat, lon = point(rng, "cao-bang", 0.35)
        kind = rng.choice(site_kinds)
        sites.append(
            (
                f"GS-{i + 1:03d}",
                f"{kind} {rng.choice(VILLAGES)}",
                kind,
                rng.choice(CAO_BANG_DISTRICTS),
                rng.choice(("Quốc tế", "Quốc gia", "Địa phương")),
                lat,
                lon,
            )
        )
    header = ["ma_diem", "ten_diem", "loai", "huyen", "gia_tri", "vi_do", "kinh_do"]
    geo_path = data / "diem-di-san-cong-vien-dia-chat.geojson"
    count = geojson.write_collection(
        geo_path,
        "diem-di-san",
        [
            geojson.feature(
                geojson.point(float(str(r[5])), float(str(r[6]))),
                dict(zip(header[:5], r[:5], strict=True)),
            )
            for r in sites
        ],
    )
    csv_path = data / "diem-di-san-cong-vien-dia-chat.csv"
    write_csv(csv_path, header, sites)
    add(
        dataset_meta(
            "diem-di-san-cong-vien-dia-chat-non-nuoc-cao-bang",
            "Điểm di sản Công viên địa chất toàn cầu UNESCO Non nước Cao Bằng",
            "Geosites of the Non nuoc Cao Bang UNESCO Global Geopark",
            "Vị trí và loại hình các điểm di sản địa chất, văn hóa trong Công viên địa chất toàn "
            "cầu Non nước Cao Bằng.",
            ["công viên địa chất", "Non nước Cao Bằng", "UNESCO", "điểm di sản"],
            temporal="2018-04-12/2024-12-31",
            frequency="irregular",
            license="CC0-1.0",
            groups=("van-hoa-the-thao-du-lich", "dia-chat-khoang-san"),
        ),
        [("Bản đồ GeoJSON", geo_path, count), ("Bảng CSV", csv_path, count)],
    )

    zones = (
        ("Hành trình Miền Đông – Khám phá thiên nhiên hùng vĩ", 22.78, 106.6, 0.22),
        ("Hành trình Miền Tây – Trải nghiệm văn hóa các dân tộc", 22.65, 105.75, 0.3),
        ("Hành trình phía Bắc – Về nguồn", 22.95, 106.05, 0.18),
    )
    features = [
        geojson.feature(
            geojson.blob(rng, lat, lon, r, 14),
            {"ten_vung": name, "dien_tich_km2": round(math.pi * (r * 105) ** 2)},
        )
        for name, lat, lon, r in zones
    ]
    features.insert(
        0,
        geojson.feature(
            geojson.blob(rng, 22.7, 106.1, 0.62, 24),
            {"ten_vung": "Ranh giới Công viên địa chất", "dien_tich_km2": 3390},
        ),
    )
    geo_path = data / "vung-cong-vien-dia-chat.geojson"
    count = geojson.write_collection(geo_path, "vung-cong-vien-dia-chat", features)
    add(
        dataset_meta(
            "vung-cong-vien-dia-chat-non-nuoc-cao-bang",
            "Ranh giới và các vùng hành trình Công viên địa chất Non nước Cao Bằng",
            "Boundary and tour zones of the Non nuoc Cao Bang Geopark",
            "Ranh giới tổng thể (khoảng 3.390 km²) và ba vùng hành trình của công viên địa chất, "
            "dạng đa giác (gần đúng, phục vụ minh họa).",
            ["công viên địa chất", "ranh giới", "bản đồ"],
            temporal="2018-04-12/2024-12-31",
            frequency="irregular",
            groups=("van-hoa-the-thao-du-lich", "do-dac-ban-do"),
        ),
        [("Bản đồ GeoJSON", geo_path, count)],
    )
