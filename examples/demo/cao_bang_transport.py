"""Sở GTVT Cao Bằng: road network, bridges, bus routes and vehicle statistics on a file share.

Mostly described by catalog.csv, two files by sidecars; one catalog row is restricted.
"""

from __future__ import annotations

import random
from pathlib import Path

from . import geojson
from .file_share import FileShare
from .meta import GeneratedSource, MetaFactory
from .places import CAO_BANG_DISTRICTS, point
from .writers import Row

ORG = "so-gtvt-cao-bang"
SPATIAL = "Tỉnh Cao Bằng"
GROUPS = ("giao-thong-van-tai",)
ROADS = (
    ("QL3", "Quốc lộ 3", "III", 92.0),
    ("QL4A", "Quốc lộ 4A", "IV", 106.0),
    ("QL34", "Quốc lộ 34", "IV", 160.0),
    ("QL4", "Quốc lộ 4", "IV", 64.0),
    ("QL3 mới", "Quốc lộ 3 mới (Đồng Đăng – Trà Lĩnh)", "III", 121.0),
    *[
        (f"ĐT{code}", f"Đường tỉnh {code}", "V", float(length))
        for code, length in (
            (201, 38),
            (202, 44),
            (203, 52),
            (204, 61),
            (205, 33),
            (206, 71),
            (207, 48),
            (208, 27),
            (209, 55),
            (210, 36),
            (211, 42),
            (212, 64),
            (213, 29),
            (214, 39),
            (215, 47),
            (216, 58),
            (217, 31),
        )
    ],
)
VILLAGES = (
    "Nà Rạo",
    "Bản Giốc",
    "Nặm Nhũng",
    "Khuổi Nặm",
    "Lũng Luông",
    "Pò Peo",
    "Tà Sa",
    "Nà Vài",
    "Bó Rạ",
    "Bằng Giang",
    "Sông Hiến",
    "Nà Giàng",
    "Cốc Xả",
    "Pác Nặm",
    "Kéo Yên",
    "Thông Huề",
    "Đàm Thủy",
    "Quang Hán",
)


_meta = MetaFactory(SPATIAL, GROUPS)


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write the transport share under target/gtvt-cao-bang; return the harvest entry."""
    root = target / "gtvt-cao-bang"
    share = FileShare.create(
        root,
        name="cao-bang-giao-thong",
        title="Kho tệp dữ liệu giao thông vận tải tỉnh Cao Bằng",
        organization=ORG,
        license="ODC-BY-1.0",
        groups=GROUPS,
    )
    _roads(share, rng)
    _transport(share, rng)
    share.write_catalog()
    return share.source


def _roads(share: FileShare, rng: random.Random) -> None:
    rows: list[Row] = []
    features = []
    for code, name, grade, length in ROADS:
        start, end = point(rng, "cao-bang", 0.4), point(rng, "cao-bang", 0.4)
        surface = rng.choice(("Bê tông nhựa", "Láng nhựa", "Bê tông xi măng"))
        manager = "Cục Đường bộ Việt Nam" if code.startswith("QL") else "Sở Giao thông Vận tải"
        rows.append(
            (code, name, grade, length, round(length * rng.uniform(0.7, 1.0), 1), surface, manager)
        )
        features.append(
            geojson.feature(
                geojson.line(rng, start, end, 12),
                {"so_hieu": code, "ten_duong": name, "cap_ky_thuat": grade, "chieu_dai_km": length},
            )
        )
    header = [
        "so_hieu",
        "ten_duong",
        "cap_ky_thuat",
        "chieu_dai_km",
        "chieu_dai_mat_nhua_km",
        "ket_cau_mat",
        "don_vi_quan_ly",
    ]
    share.add(
        "duong-bo/danh-muc-tuyen-duong.csv",
        _meta(
            "danh-muc-quoc-lo-duong-tinh",
            "Danh mục quốc lộ và đường tỉnh",
            "National and provincial roads",
            "Các tuyến quốc lộ, đường tỉnh qua địa bàn tỉnh: cấp kỹ thuật, chiều dài, kết cấu mặt "
            "đường, đơn vị quản lý.",
            ["đường bộ", "quốc lộ", "đường tỉnh"],
            temporal="2024-01-01/2024-12-31",
            frequency="annual",
        ),
        header,
        rows,
        fields=[
            {"name": "chieu_dai_km", "title": "Chiều dài", "type": "number", "unit": "km"},
            {
                "name": "chieu_dai_mat_nhua_km",
                "title": "Chiều dài mặt nhựa",
                "type": "number",
                "unit": "km",
            },
        ],
    )
    path = share.root / "duong-bo" / "mang-luoi-duong-bo.geojson"
    count = geojson.write_collection(path, "mang-luoi-duong-bo", features)
    share.catalog.append(
        (
            "duong-bo/mang-luoi-duong-bo.geojson",
            _meta(
                "ban-do-mang-luoi-duong-bo",
                "Bản đồ mạng lưới quốc lộ, đường tỉnh",
                "Road network map",
                "Hướng tuyến quốc lộ, đường tỉnh dạng đường (LineString), hệ tọa độ WGS 84; hình "
                "học giản lược để minh họa.",
                ["đường bộ", "bản đồ", "GeoJSON"],
                temporal="2024-01-01/2024-12-31",
                frequency="annual",
                groups=("giao-thong-van-tai", "do-dac-ban-do"),
            ),
            False,
        )
    )
    share.source.rows["ban-do-mang-luoi-duong-bo"] = count

    bridges: list[Row] = []
    for i in range(258):
        code, *_ = rng.choice(ROADS)
        km = rng.randrange(1, 150)
        bridges.append(
            (
                f"CB-CAU-{i + 1:03d}",
                f"Cầu {rng.choice(VILLAGES)}",
                code,
                f"Km{km}+{rng.randrange(0, 1000):03d}",
                round(rng.uniform(6, 180), 1),
                rng.choice((13, 18, 25, 30, 30)),
                rng.randrange(1965, 2024),
                rng.choice(
                    (
                        "Dầm bê tông cốt thép",
                        "Dầm thép liên hợp",
                        "Bản bê tông",
                        "Vòm đá",
                        "Cầu treo",
                    )
                ),
                rng.choice(("Tốt", "Tốt", "Trung bình", "Yếu")),
            )
        )
    share.add(
        "duong-bo/cau-tren-duong-bo.csv",
        _meta(
            "cau-tren-duong-bo",
            "Danh mục cầu trên quốc lộ, đường tỉnh",
            "Bridges on national and provincial roads",
            "Cầu theo tuyến và lý trình: chiều dài, tải trọng thiết kế, năm xây dựng, kết cấu và "
            "tình trạng kỹ thuật.",
            ["cầu", "đường bộ", "kết cấu hạ tầng"],
            temporal="2024-01-01/2024-12-31",
            frequency="annual",
            groups=("giao-thong-van-tai", "xay-dung"),
        ),
        [
            "ma_cau",
            "ten_cau",
            "tuyen",
            "ly_trinh",
            "chieu_dai_m",
            "tai_trong_tan",
            "nam_xay_dung",
            "ket_cau",
            "tinh_trang",
        ],
        bridges,
        sidecar=False,
    )
    stations: list[Row] = []
    for i, district in enumerate(CAO_BANG_DISTRICTS):
        lat, lon = point(rng, "cao-bang", 0.3)
        stations.append(
            (
                f"CB-BX-{i + 1:02d}",
                f"Bến xe khách {district.split(' ', 1)[1]}",
                district,
                rng.choice(("Loại 2", "Loại 3", "Loại 4", "Loại 5")),
                rng.randrange(8, 80),
                lat,
                lon,
            )
        )
    share.add(
        "van-tai/ben-xe-khach.csv",
        _meta(
            "ben-xe-khach",
            "Bến xe khách",
            "Coach stations",
            "Bến xe khách: loại bến, số chỗ đỗ, vị trí.",
            ["bến xe", "vận tải hành khách"],
            temporal="2024-01-01/2024-12-31",
            frequency="irregular",
            license=None,
        ),
        ["ma_ben", "ten_ben", "huyen", "loai_ben", "so_cho_do", "vi_do", "kinh_do"],
        stations,
        sidecar=False,
    )


def _transport(share: FileShare, rng: random.Random) -> None:
    routes: list[Row] = []
    stops = []
    for i in range(9):
        origin = "Thành phố Cao Bằng"
        destination = CAO_BANG_DISTRICTS[i + 1]
        routes.append(
            (
                f"CB-{i + 1:02d}",
                f"{origin} – {destination.split(' ', 1)[1]}",
                round(rng.uniform(25, 110), 1),
                rng.choice((30, 45, 60, 90)),
                "05:30",
                "18:00",
                rng.choice((8000, 12000, 15000, 25000)),
            )
        )
        for j in range(rng.randrange(14, 26)):
            lat, lon = point(rng, "cao-bang", 0.4)
            stops.append(
                geojson.feature(
                    geojson.point(lat, lon),
                    {
                        "ma_tuyen": f"CB-{i + 1:02d}",
                        "thu_tu": j + 1,
                        "ten_diem_dung": f"Điểm dừng {rng.choice(VILLAGES)}",
                    },
                )
            )
    share.add(
        "xe-buyt/tuyen-xe-buyt.csv",
        _meta(
            "tuyen-xe-buyt",
            "Tuyến xe buýt nội tỉnh",
            "Intra-provincial bus routes",
            "Tuyến xe buýt: điểm đầu – điểm cuối, cự ly, tần suất, giờ hoạt động và giá vé lượt "
            "(đồng).",
            ["xe buýt", "vận tải công cộng"],
            temporal="2024-01-01/2024-12-31",
            frequency="irregular",
            license="CC0-1.0",
        ),
        [
            "ma_tuyen",
            "ten_tuyen",
            "cu_ly_km",
            "tan_suat_phut",
            "gio_bat_dau",
            "gio_ket_thuc",
            "gia_ve_dong",
        ],
        routes,
        sidecar=False,
    )
    path = share.root / "xe-buyt" / "diem-dung-xe-buyt.geojson"
    share.source.rows["diem-dung-xe-buyt"] = geojson.write_collection(
        path, "diem-dung-xe-buyt", stops
    )
    share.catalog.append(
        (
            "xe-buyt/diem-dung-xe-buyt.geojson",
            _meta(
                "diem-dung-xe-buyt",
                "Điểm dừng xe buýt",
                "Bus stops",
                "Vị trí điểm dừng theo tuyến và thứ tự dừng.",
                ["xe buýt", "điểm dừng", "GeoJSON"],
                temporal="2024-01-01/2024-12-31",
                frequency="irregular",
                license="CC0-1.0",
            ),
            False,
        )
    )

    fixed: list[Row] = []
    provinces = (
        "Hà Nội",
        "Lạng Sơn",
        "Thái Nguyên",
        "Bắc Ninh",
        "Hải Phòng",
        "Quảng Ninh",
        "Tuyên Quang",
        "Hà Giang",
        "Bắc Kạn",
    )
    for _ in range(88):
        other = rng.choice(provinces)
        fixed.append(
            (
                f"11{rng.randrange(10, 99)}.{rng.randrange(1000, 9999)}.{rng.choice('ABC')}",
                f"Bến xe khách {rng.choice(CAO_BANG_DISTRICTS).split(' ', 1)[1]}",
                f"Bến xe {other}",
                round(rng.uniform(120, 520)),
                rng.choice((15, 30, 45, 60, 90)),
                rng.choice(("Đang khai thác", "Tạm ngừng")),
            )
        )
    share.add(
        "van-tai/tuyen-van-tai-khach-co-dinh.xlsx",
        _meta(
            "tuyen-van-tai-khach-co-dinh",
            "Tuyến vận tải hành khách cố định liên tỉnh",
            "Inter-provincial fixed coach routes",
            "Mã tuyến theo Thông tư 12/2020/TT-BGTVT, bến đi, bến đến, cự ly và số chuyến khai "
            "thác theo tháng.",
            ["vận tải hành khách", "tuyến cố định", "liên tỉnh"],
            temporal="2024-01-01/2024-12-31",
            frequency="monthly",
        ),
        ["Mã tuyến", "Bến đi", "Bến đến", "Cự ly (km)", "Số chuyến/tháng", "Tình trạng"],
        fixed,
        sidecar=False,
        sheet="Tuyến",
    )

    registrations: list[Row] = []
    for year in range(2020, 2025):
        for month in range(1, 13):
            for kind, base in (
                ("Mô tô, xe máy", 1500),
                ("Ô tô con", 160),
                ("Ô tô tải", 45),
                ("Ô tô khách", 8),
                ("Xe máy điện", 60),
                ("Rơ moóc, sơ mi rơ moóc", 6),
            ):
                registrations.append(
                    (
                        f"{year}-{month:02d}",
                        kind,
                        round(base * rng.uniform(0.7, 1.3) * (1 + 0.07 * (year - 2020))),
                    )
                )
    share.add(
        "thong-ke/dang-ky-phuong-tien-theo-thang.csv",
        _meta(
            "dang-ky-phuong-tien-theo-thang",
            "Số phương tiện đăng ký mới theo tháng",
            "New vehicle registrations by month",
            "Số phương tiện giao thông đường bộ đăng ký mới theo loại xe và tháng, 2020–2024 (số "
            "liệu tổng hợp).",
            ["phương tiện", "đăng ký xe", "thống kê"],
            temporal="2020-01-01/2024-12-31",
            frequency="monthly",
            groups=("giao-thong-van-tai", "kinh-te"),
        ),
        ["thang", "loai_phuong_tien", "so_dang_ky_moi"],
        registrations,
        fields=[
            {"name": "so_dang_ky_moi", "title": "Số đăng ký mới", "type": "integer", "unit": "xe"}
        ],
    )
    accidents: list[Row] = []
    for year in range(2020, 2025):
        for month in range(1, 13):
            for district in CAO_BANG_DISTRICTS:
                cases = max(0, round(rng.gauss(1.6, 1.2)))
                accidents.append(
                    (
                        f"{year}-{month:02d}",
                        district,
                        cases,
                        min(cases, rng.randrange(0, 3)),
                        max(0, cases + rng.randrange(-1, 3)),
                    )
                )
    share.add(
        "thong-ke/tai-nan-giao-thong-theo-thang.csv",
        _meta(
            "tai-nan-giao-thong-theo-thang",
            "Tai nạn giao thông đường bộ theo tháng",
            "Road traffic accidents by month",
            "Số vụ, số người chết, số người bị thương do tai nạn giao thông đường bộ theo huyện "
            "và tháng (số liệu tổng hợp, không chứa thông tin cá nhân).",
            ["tai nạn giao thông", "an toàn giao thông", "thống kê"],
            temporal="2020-01-01/2024-12-31",
            frequency="monthly",
            groups=("giao-thong-van-tai", "y-te"),
        ),
        ["thang", "huyen", "so_vu", "so_nguoi_chet", "so_nguoi_bi_thuong"],
        accidents,
        sidecar=False,
    )
    maintenance: list[Row] = [
        (
            code,
            f"Km{rng.randrange(1, 90)}",
            rng.choice(("Sửa chữa định kỳ", "Khắc phục sạt lở")),
            round(rng.uniform(0.5, 35), 2),
        )
        for code, *_ in ROADS
    ]
    share.add(
        "noi-bo/ke-hoach-bao-tri-chua-phe-duyet.csv",
        _meta(
            "ke-hoach-bao-tri-chua-phe-duyet",
            "Kế hoạch bảo trì đường bộ năm 2025 (dự thảo, chưa phê duyệt)",
            "Draft road maintenance plan 2025 (not approved)",
            "Dự thảo nội bộ; không công khai.",
            ["bảo trì", "dự thảo"],
            temporal="2025-01-01/2025-12-31",
            frequency="annual",
        ),
        ["tuyen", "vi_tri", "hang_muc", "kinh_phi_ty_dong"],
        maintenance,
        sidecar=False,
        restricted=True,
    )
