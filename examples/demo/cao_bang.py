"""Sở VHTTDL Cao Bằng: culture and tourism data described by a DCAT catalogue in Turtle.

Layout: cao-bang/catalog.ttl, data files in cao-bang/du-lieu/ referenced by absolute file:// IRIs.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from . import geojson
from .dcat import Catalogue, Distribution, Entry
from .meta import DatasetMeta, GeneratedSource, MetaFactory
from .places import CAO_BANG_DISTRICTS, point
from .writers import Row, write_csv

ORG = "so-vhttdl-cao-bang"
SPATIAL = "Tỉnh Cao Bằng"
GROUP = ("van-hoa-the-thao-du-lich",)
VILLAGES = (
    "Nà Rạo",
    "Bản Giốc",
    "Nặm Nhũng",
    "Khuổi Nặm",
    "Lũng Luông",
    "Pò Peo",
    "Phja Đén",
    "Tà Sa",
    "Nà Vài",
    "Bó Rạ",
    "Lũng Rì",
    "Bản Mới",
    "Nà Giàng",
    "Cốc Xả",
    "Pác Nặm",
    "Kéo Yên",
    "Thông Huề",
    "Đàm Thủy",
    "Quang Hán",
    "Vân Trình",
    "Lũng Nặm",
    "Phia Thắp",
    "Khau Vai",
    "Nà Sác",
    "Cốc Chia",
    "Bản Thín",
    "Pác Rằng",
    "Nà Mạ",
    "Tổng Ngoảng",
    "Phúc Sen",
    "Bó Lếch",
    "Khuổi Ky",
    "Nà Bao",
    "Hoàng Tung",
    "Đề Thám",
    "Xuân Trường",
)
EVENT_KINDS = ("các dân tộc", "thanh thiếu niên", "mở rộng", "cúp Non nước Cao Bằng")
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


class Adder(Protocol):
    def __call__(
        self, meta: DatasetMeta, files: Sequence[tuple[str, Path, int]], public: bool = True
    ) -> None: ...


_meta = MetaFactory(SPATIAL, GROUP)


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write catalog.ttl and its data files under target/cao-bang; return the harvest entry."""
    root = target.resolve() / "cao-bang"
    data = root / "du-lieu"
    catalogue = Catalogue(
        base="https://dulieu.caobang.gov.vn",
        title="Danh mục dữ liệu mở ngành Văn hóa, Thể thao và Du lịch tỉnh Cao Bằng",
        title_en="Open data catalogue of the Cao Bang Department of Culture, Sports and Tourism",
        publisher=ORG,
        publisher_name="Sở Văn hóa, Thể thao và Du lịch tỉnh Cao Bằng",
        email="svhttdl@caobang.gov.vn",
        homepage="https://svhttdl.caobang.gov.vn",
        spatial_label=SPATIAL,
        spatial_bbox="POLYGON((105.27 22.35,106.83 22.35,106.83 23.12,105.27 23.12,105.27 22.35))",
    )
    source = GeneratedSource(
        config={
            "name": "cao-bang-van-hoa-du-lich",
            "title": "Danh mục DCAT ngành Văn hóa, Thể thao và Du lịch tỉnh Cao Bằng",
            "type": "dcat",
            "url": (root / "catalog.ttl").as_uri(),
            "organization": ORG,
            "schedule": "daily",
            "default_license": "CC-BY-4.0",
            "default_groups": list(GROUP),
            "publish": "auto",
        }
    )

    def add(meta: DatasetMeta, files: Sequence[tuple[str, Path, int]], public: bool = True) -> None:
        catalogue.entries.append(
            Entry(meta, [Distribution(title, path) for title, path, _ in files], public)
        )
        if public:
            source.rows[meta.name] = files[0][2]
        else:
            source.restricted.append(meta.name)

    _heritage(add, data, rng)
    _tourism(add, data, rng)
    _culture(add, data, rng)
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalog.ttl").write_text(catalogue.render(), encoding="utf-8")
    return source


def _heritage(add: Adder, data: Path, rng: random.Random) -> None:
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
        _meta(
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
        _meta(
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
        _meta(
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


def _tourism(add: Adder, data: Path, rng: random.Random) -> None:
    arrivals: list[Row] = []
    covid = {2020: 0.55, 2021: 0.35, 2022: 0.9, 2023: 1.15, 2024: 1.3, 2019: 1.0}
    for year in range(2019, 2025):
        for month in range(1, 13):
            peak = 1.6 if month in (1, 2, 9, 10) else 1.0
            for district in CAO_BANG_DISTRICTS:
                weight = 3.0 if district in ("Huyện Trùng Khánh", "Thành phố Cao Bằng") else 1.0
                domestic = round(rng.uniform(2500, 4500) * weight * peak * covid[year])
                foreign = round(
                    rng.uniform(40, 400) * weight * (0.1 if year in (2020, 2021) else covid[year])
                )
                arrivals.append(
                    (
                        f"{year}-{month:02d}",
                        district,
                        domestic,
                        foreign,
                        domestic + foreign,
                        round((domestic * 0.9 + foreign * 2.2) / 1000, 2),
                    )
                )
    csv_path = data / "luot-khach-du-lich-theo-thang.csv"
    count = write_csv(
        csv_path,
        [
            "thang",
            "huyen",
            "khach_noi_dia",
            "khach_quoc_te",
            "tong_luot_khach",
            "doanh_thu_ty_dong",
        ],
        arrivals,
    )
    add(
        _meta(
            "luot-khach-du-lich-theo-thang",
            "Lượt khách du lịch và doanh thu theo tháng 2019–2024",
            "Monthly tourist arrivals and revenue 2019–2024",
            "Lượt khách nội địa, quốc tế và doanh thu du lịch ước tính (tỷ đồng) theo tháng và "
            "đơn vị hành chính cấp huyện.",
            ["du lịch", "lượt khách", "thống kê"],
            temporal="2019-01-01/2024-12-31",
            frequency="monthly",
            groups=("van-hoa-the-thao-du-lich", "kinh-te"),
        ),
        [("Bảng CSV", csv_path, count)],
    )

    lodging: list[Row] = []
    for i in range(260):
        kind = rng.choice(
            (
                "Khách sạn",
                "Khách sạn",
                "Nhà nghỉ du lịch",
                "Homestay",
                "Homestay",
                "Biệt thự du lịch",
            )
        )
        stars = rng.choice((0, 1, 2, 3, 3, 4)) if kind == "Khách sạn" else 0
        lodging.append(
            (
                f"CB-LT-{i + 1:03d}",
                f"{kind} {rng.choice(VILLAGES)}",
                kind,
                stars or "",
                rng.randrange(4, 120) if kind == "Khách sạn" else rng.randrange(2, 20),
                rng.choice(CAO_BANG_DISTRICTS),
            )
        )
    csv_path = data / "co-so-luu-tru-du-lich.csv"
    count = write_csv(
        csv_path, ["ma_co_so", "ten_co_so", "loai_hinh", "hang_sao", "so_phong", "huyen"], lodging
    )
    add(
        _meta(
            "co-so-luu-tru-du-lich",
            "Cơ sở lưu trú du lịch",
            "Tourist accommodation establishments",
            "Khách sạn, nhà nghỉ, homestay đã được công nhận hoặc thẩm định: loại hình, hạng sao, "
            "số buồng.",
            ["lưu trú", "khách sạn", "homestay"],
            temporal="2024-01-01/2024-12-31",
            frequency="quarterly",
            license="ODC-BY-1.0",
        ),
        [("Bảng CSV", csv_path, count)],
    )

    attractions: list[Row] = []
    for i in range(46):
        lat, lon = point(rng, "cao-bang", 0.3)
        attractions.append(
            (
                f"CB-DL-{i + 1:02d}",
                f"Điểm du lịch {rng.choice(VILLAGES)}",
                rng.choice(
                    ("Du lịch sinh thái", "Du lịch cộng đồng", "Du lịch lịch sử", "Du lịch văn hóa")
                ),
                rng.choice(CAO_BANG_DISTRICTS),
                rng.choice(("Đã công nhận", "Đang đề nghị công nhận")),
                lat,
                lon,
            )
        )
    csv_path = data / "diem-du-lich.csv"
    count = write_csv(
        csv_path,
        ["ma_diem", "ten_diem", "loai_hinh", "huyen", "tinh_trang", "vi_do", "kinh_do"],
        attractions,
    )
    add(
        _meta(
            "diem-du-lich",
            "Điểm du lịch trên địa bàn tỉnh",
            "Tourist attractions",
            "Danh sách điểm du lịch cộng đồng, sinh thái, lịch sử và tình trạng công nhận.",
            ["du lịch", "điểm du lịch", "du lịch cộng đồng"],
            temporal="2024-01-01/2024-12-31",
            frequency="irregular",
            license=None,
        ),
        [("Bảng CSV", csv_path, count)],
    )


def _culture(add: Adder, data: Path, rng: random.Random) -> None:
    festivals: list[Row] = []
    bases = (
        ("Lễ hội Lồng tồng (xuống đồng)", "Tày, Nùng", "tháng Giêng"),
        ("Lễ hội Nàng Hai", "Tày", "tháng Giêng"),
        ("Hội pháo hoa", "Nùng", "tháng Giêng"),
        ("Lễ hội đền", "Kinh, Tày", "tháng Ba"),
        ("Lễ cấp sắc", "Dao", "tháng Chạp"),
        ("Lễ hội cầu mùa", "Mông", "tháng Hai"),
        ("Lễ hội Thanh Minh", "Tày, Nùng", "tháng Ba"),
        ("Hội chợ xuân", "Nhiều dân tộc", "tháng Giêng"),
    )
    for i in range(72):
        base, people, when = rng.choice(bases)
        festivals.append(
            (
                f"CB-LH-{i + 1:02d}",
                f"{base} {rng.choice(VILLAGES)}",
                people,
                when,
                rng.choice(CAO_BANG_DISTRICTS),
                rng.choice(("Cấp xã", "Cấp huyện", "Cấp tỉnh")),
                rng.choice(("Hằng năm", "2 năm một lần", "3 năm một lần")),
            )
        )
    csv_path = data / "le-hoi-truyen-thong.csv"
    count = write_csv(
        csv_path,
        ["ma_le_hoi", "ten_le_hoi", "dan_toc", "thoi_gian_am_lich", "huyen", "quy_mo", "chu_ky"],
        festivals,
    )
    add(
        _meta(
            "le-hoi-truyen-thong",
            "Lễ hội truyền thống",
            "Traditional festivals",
            "Lễ hội truyền thống của các dân tộc Tày, Nùng, Dao, Mông: thời gian tổ chức theo âm "
            "lịch, quy mô và chu kỳ.",
            ["lễ hội", "văn hóa dân tộc", "di sản phi vật thể"],
            temporal="2024-01-01/2024-12-31",
            frequency="annual",
        ),
        [("Bảng CSV", csv_path, count)],
    )

    heritage = [
        (
            "Thực hành Then của người Tày, Nùng, Thái ở Việt Nam",
            "Tập quán xã hội và tín ngưỡng",
            "UNESCO (2019)",
        ),
        (
            "Nghề rèn truyền thống của người Nùng An ở Phúc Sen",
            "Nghề thủ công truyền thống",
            "Quốc gia",
        ),
        ("Lễ hội pháo hoa Quảng Uyên", "Lễ hội truyền thống", "Quốc gia"),
        ("Hát Lượn của người Tày", "Nghệ thuật trình diễn dân gian", "Quốc gia"),
        ("Nghề làm hương của người Nùng ở Phia Thắp", "Nghề thủ công truyền thống", "Cấp tỉnh"),
        ("Lễ cấp sắc của người Dao", "Tập quán xã hội và tín ngưỡng", "Quốc gia"),
        ("Lễ hội Nàng Hai của người Tày", "Lễ hội truyền thống", "Quốc gia"),
        ("Nghề dệt thổ cẩm của người Tày", "Nghề thủ công truyền thống", "Cấp tỉnh"),
        ("Nghề làm giấy bản của người Dao Tiền", "Nghề thủ công truyền thống", "Quốc gia"),
        ("Hát Sli của người Nùng", "Nghệ thuật trình diễn dân gian", "Cấp tỉnh"),
        ("Múa Sư tử của người Tày, Nùng", "Nghệ thuật trình diễn dân gian", "Cấp tỉnh"),
        ("Nghề làm ngói máng của người Tày", "Nghề thủ công truyền thống", "Cấp tỉnh"),
    ]
    rows = [
        (
            f"CB-PVT-{i + 1:02d}",
            name,
            kind,
            level,
            rng.choice(CAO_BANG_DISTRICTS),
            rng.randrange(2014, 2024),
        )
        for i, (name, kind, level) in enumerate(heritage)
    ]
    csv_path = data / "di-san-van-hoa-phi-vat-the.csv"
    count = write_csv(
        csv_path,
        [
            "ma_di_san",
            "ten_di_san",
            "loai_hinh",
            "cap_ghi_danh",
            "dia_ban_tieu_bieu",
            "nam_ghi_danh",
        ],
        rows,
    )
    add(
        _meta(
            "di-san-van-hoa-phi-vat-the",
            "Di sản văn hóa phi vật thể được ghi danh",
            "Recognised intangible cultural heritage",
            "Di sản văn hóa phi vật thể được UNESCO ghi danh hoặc đưa vào Danh mục di sản văn hóa "
            "phi vật thể quốc gia.",
            ["di sản phi vật thể", "Then", "nghề truyền thống"],
            temporal="2014-01-01/2024-12-31",
            frequency="irregular",
            license="other-open",
        ),
        [("Bảng CSV", csv_path, count)],
    )

    facilities: list[Row] = []
    for i in range(185):
        kind = rng.choice(
            (
                "Nhà văn hóa xã",
                "Nhà văn hóa xóm",
                "Nhà văn hóa xóm",
                "Sân thể thao xã",
                "Thư viện huyện",
                "Điểm bưu điện văn hóa xã",
            )
        )
        facilities.append(
            (
                f"CB-TC-{i + 1:03d}",
                kind,
                f"{rng.choice(('Xã', 'Xóm', 'Phường'))} {rng.choice(VILLAGES)}",
                rng.choice(CAO_BANG_DISTRICTS),
                rng.randrange(1998, 2025),
                rng.randrange(60, 900),
                rng.choice(("Hoạt động tốt", "Xuống cấp", "Đang cải tạo")),
            )
        )
    csv_path = data / "thiet-che-van-hoa-the-thao-co-so.csv"
    count = write_csv(
        csv_path,
        ["ma_thiet_che", "loai", "dia_ban", "huyen", "nam_xay_dung", "dien_tich_m2", "tinh_trang"],
        facilities,
    )
    add(
        _meta(
            "thiet-che-van-hoa-the-thao-co-so",
            "Thiết chế văn hóa, thể thao cơ sở",
            "Grassroots cultural and sports facilities",
            "Nhà văn hóa, sân thể thao, thư viện và điểm bưu điện văn hóa xã: năm xây dựng, diện "
            "tích, tình trạng.",
            ["nhà văn hóa", "thể thao", "thiết chế văn hóa"],
            temporal="1998-01-01/2024-12-31",
            frequency="annual",
            groups=("van-hoa-the-thao-du-lich", "thong-tin-truyen-thong"),
        ),
        [("Bảng CSV", csv_path, count)],
    )

    events: list[Row] = []
    sports = (
        "Bóng đá",
        "Bóng chuyền",
        "Cầu lông",
        "Việt dã",
        "Đẩy gậy",
        "Kéo co",
        "Bắn nỏ",
        "Võ cổ truyền",
        "Đua thuyền",
    )
    for year in range(2019, 2025):
        for _ in range(18 if year not in (2020, 2021) else 7):
            sport = rng.choice(sports)
            events.append(
                (
                    year,
                    rng.randrange(1, 13),
                    f"Giải {sport.lower()} {rng.choice(EVENT_KINDS)}",
                    sport,
                    rng.choice(CAO_BANG_DISTRICTS),
                    rng.choice(("Cấp tỉnh", "Cấp huyện", "Khu vực")),
                    rng.randrange(40, 900),
                )
            )
    events.sort(key=lambda row: (str(row[0]), f"{row[1]:>2}", str(row[2])))
    csv_path = data / "giai-thi-dau-the-thao.csv"
    count = write_csv(
        csv_path,
        ["nam", "thang", "ten_giai", "mon_the_thao", "dia_diem", "cap_giai", "so_van_dong_vien"],
        events,
    )
    add(
        _meta(
            "giai-thi-dau-the-thao",
            "Giải thi đấu thể thao tổ chức tại tỉnh 2019–2024",
            "Sports competitions 2019–2024",
            "Các giải thể thao cấp tỉnh, huyện và khu vực: môn thi đấu, địa điểm, số vận động "
            "viên tham gia.",
            ["thể thao", "giải đấu", "thể thao dân tộc"],
            temporal="2019-01-01/2024-12-31",
            frequency="annual",
        ),
        [("Bảng CSV", csv_path, count)],
    )

    crafts: list[Row] = []
    for i, (craft, village) in enumerate(
        [
            (c, v)
            for c in (
                "Rèn",
                "Làm hương",
                "Dệt thổ cẩm",
                "Làm giấy bản",
                "Đan lát mây tre",
                "Làm miến dong",
                "Làm bánh cuốn",
                "Làm ngói máng",
            )
            for v in rng.sample(VILLAGES, 3)
        ]
    ):
        crafts.append(
            (
                f"CB-LN-{i + 1:02d}",
                f"Làng nghề {craft.lower()} {village}",
                craft,
                rng.choice(CAO_BANG_DISTRICTS),
                rng.randrange(8, 140),
                rng.choice(("Đã công nhận", "Chưa công nhận")),
            )
        )
    csv_path = data / "lang-nghe-truyen-thong.csv"
    count = write_csv(
        csv_path,
        ["ma_lang_nghe", "ten_lang_nghe", "nghe", "huyen", "so_ho_tham_gia", "cong_nhan"],
        crafts,
    )
    add(
        _meta(
            "lang-nghe-truyen-thong",
            "Làng nghề truyền thống",
            "Traditional craft villages",
            "Làng nghề rèn, làm hương, dệt thổ cẩm, giấy bản... gắn với du lịch cộng đồng; số hộ "
            "tham gia và tình trạng công nhận.",
            ["làng nghề", "du lịch cộng đồng", "nghề truyền thống"],
            temporal="2024-01-01/2024-12-31",
            frequency="annual",
            groups=("van-hoa-the-thao-du-lich", "nong-nghiep"),
        ),
        [("Bảng CSV", csv_path, count)],
    )

    hidden: list[Row] = [
        (f"HV-{i + 1:04d}", rng.choice(("Gốm", "Đồng", "Đá", "Giấy")), "Chưa kiểm kê")
        for i in range(60)
    ]
    csv_path = data / "hien-vat-chua-kiem-ke.csv"
    count = write_csv(csv_path, ["ma_hien_vat", "chat_lieu", "tinh_trang"], hidden)
    add(
        _meta(
            "hien-vat-bao-tang-chua-kiem-ke",
            "Hiện vật bảo tàng chưa kiểm kê (không công khai)",
            "Museum objects not yet inventoried (non-public)",
            "Dữ liệu nội bộ của Bảo tàng tỉnh, chưa công bố.",
            ["bảo tàng", "hiện vật"],
            temporal="2024-01-01/2024-12-31",
            frequency="irregular",
        ),
        [("Bảng CSV", csv_path, count)],
        public=False,
    )
