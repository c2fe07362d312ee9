"""The Cà Mau industry and trade database: its schema and its rows."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..places import CA_MAU_DISTRICTS, commune, firm, point
from ..writers import Row

MONTHS = [f"{year}-{month:02d}" for year in range(2020, 2025) for month in range(1, 13)]
FUELS = (
    ("Xăng E5 RON 92-II", 21500),
    ("Xăng RON 95-III", 22600),
    ("Dầu điêzen 0,05S-II", 18900),
    ("Dầu hỏa 2-K", 18700),
    ("Dầu mazut 180CST 3,5S", 15200),
)

SOLAR_SITES = ("Cái Nước", "Thới Bình", "Phú Tân", "Đầm Dơi")
WIND_SITES = (
    "Tân Thuận",
    "Khánh Hải",
    "Viên An",
    "Khai Long",
    "Đất Mũi",
    "Tân Ân",
    "Sông Đốc",
    "Năm Căn",
)

SCHEMA = """
CREATE TABLE nha_may_dien (
    ma_nha_may TEXT PRIMARY KEY,
    ten_nha_may TEXT NOT NULL,
    loai_hinh TEXT NOT NULL,
    cong_suat_mw REAL NOT NULL,
    nam_van_hanh INTEGER,
    huyen TEXT,
    vi_do REAL,
    kinh_do REAL,
    chu_dau_tu TEXT
);
CREATE TABLE san_luong_dien_thang (
    ma_nha_may TEXT REFERENCES nha_may_dien,
    thang TEXT,
    san_luong_trieu_kwh REAL,
    PRIMARY KEY (ma_nha_may, thang)
);
CREATE TABLE tieu_thu_dien_thang (
    thang TEXT,
    thanh_phan TEXT,
    dien_thuong_pham_trieu_kwh REAL,
    PRIMARY KEY (thang, thanh_phan)
);
CREATE TABLE cho (
    ma_cho TEXT PRIMARY KEY,
    ten_cho TEXT,
    hang_cho TEXT,
    loai_hinh TEXT,
    xa_phuong TEXT,
    huyen TEXT,
    so_diem_kinh_doanh INTEGER,
    nam_xay_dung INTEGER
);
CREATE TABLE gia_xang_dau (
    ky_dieu_hanh TEXT,
    mat_hang TEXT,
    gia_vung_1 INTEGER,
    gia_vung_2 INTEGER,
    don_vi TEXT,
    PRIMARY KEY (ky_dieu_hanh, mat_hang)
);
CREATE TABLE cua_hang_xang_dau (
    ma_cua_hang TEXT PRIMARY KEY,
    ten_cua_hang TEXT,
    thuong_nhan TEXT,
    xa_phuong TEXT,
    huyen TEXT,
    vi_do REAL,
    kinh_do REAL,
    so_giay_chung_nhan TEXT,
    ngay_het_han TEXT
);
CREATE TABLE cum_cong_nghiep (
    ma_ccn TEXT PRIMARY KEY,
    ten_ccn TEXT,
    huyen TEXT,
    dien_tich_ha REAL,
    ty_le_lap_day REAL,
    nganh_nghe TEXT
);
CREATE TABLE chi_so_san_xuat_cong_nghiep (
    thang TEXT,
    nganh TEXT,
    chi_so REAL,
    PRIMARY KEY (thang, nganh)
);
CREATE TABLE kim_ngach_xuat_khau (
    thang TEXT,
    nhom_hang TEXT,
    trieu_usd REAL,
    PRIMARY KEY (thang, nhom_hang)
);
CREATE TABLE nhat_ky_dong_bo (
    id INTEGER PRIMARY KEY,
    bang TEXT,
    so_dong INTEGER,
    trang_thai TEXT
);
"""


def table_rows(rng: random.Random) -> dict[str, list[Row]]:
    """Every table's rows, keyed by table name, in SCHEMA's column order."""
    plants: list[Row] = [
        (
            "CM-ND1",
            "Nhà máy điện Cà Mau 1",
            "Nhiệt điện khí",
            771.0,
            2008,
            "Huyện U Minh",
            9.1612,
            105.0335,
            "Tổng công ty Điện lực Dầu khí Việt Nam",
        ),
        (
            "CM-ND2",
            "Nhà máy điện Cà Mau 2",
            "Nhiệt điện khí",
            771.0,
            2008,
            "Huyện U Minh",
            9.1629,
            105.0351,
            "Tổng công ty Điện lực Dầu khí Việt Nam",
        ),
    ]
    for i in range(16):
        lat, lon = point(rng, "ca-mau", 0.4)
        plants.append(
            (
                f"CM-DG{i + 1:02d}",
                f"Nhà máy điện gió {WIND_SITES[i % len(WIND_SITES)]} {i // len(WIND_SITES) + 1}",
                "Điện gió",
                rng.choice((50.0, 75.0, 87.5, 100.0)),
                rng.choice((2021, 2021, 2022, 2023)),
                rng.choice(CA_MAU_DISTRICTS[1:]),
                lat,
                lon,
                firm(rng, "Năng lượng"),
            )
        )
    for i in range(4):
        lat, lon = point(rng, "ca-mau", 0.3)
        plants.append(
            (
                f"CM-MT{i + 1:02d}",
                f"Nhà máy điện mặt trời {SOLAR_SITES[i]} {i + 1}",
                "Điện mặt trời",
                rng.choice((10.0, 30.0, 49.0)),
                2020,
                rng.choice(CA_MAU_DISTRICTS[1:]),
                lat,
                lon,
                firm(rng, "Năng lượng"),
            )
        )
    output: list[Row] = []
    for code, _, kind, capacity, year, *_ in plants:
        for month in MONTHS:
            if int(month[:4]) < int(str(year)):
                continue
            factor = {"Nhiệt điện khí": 0.72, "Điện gió": 0.34, "Điện mặt trời": 0.18}[str(kind)]
            windy = 1.35 if int(month[5:]) in (12, 1, 2, 3) and kind == "Điện gió" else 1.0
            output.append(
                (
                    code,
                    month,
                    round(
                        float(str(capacity)) * 730 * factor * windy * rng.uniform(0.8, 1.1) / 1000,
                        3,
                    ),
                )
            )
    sales: list[Row] = []
    for month in MONTHS:
        for part, base in (
            ("Công nghiệp – xây dựng", 95),
            ("Nông – lâm – thủy sản", 28),
            ("Thương mại – dịch vụ", 12),
            ("Quản lý – tiêu dùng dân cư", 88),
            ("Hoạt động khác", 9),
        ):
            sales.append(
                (
                    month,
                    part,
                    round(base * (1 + 0.05 * (int(month[:4]) - 2020)) * rng.uniform(0.9, 1.1), 2),
                )
            )
    markets: list[Row] = []
    for i in range(104):
        place = commune(rng)
        markets.append(
            (
                f"CM-CHO-{i + 1:03d}",
                f"Chợ {place.split(' ', 1)[1]}",
                rng.choice(("I", "II", "III", "III", "III")),
                rng.choice(
                    ("Chợ truyền thống", "Chợ truyền thống", "Chợ đầu mối thủy sản", "Chợ nổi")
                ),
                place,
                rng.choice(CA_MAU_DISTRICTS),
                rng.randrange(20, 600),
                rng.randrange(1985, 2024),
            )
        )
    prices: list[Row] = []
    day = date(2022, 1, 11)
    level = 1.0
    while day <= date(2024, 12, 31):
        level = min(1.45, max(0.85, level * rng.uniform(0.96, 1.045)))
        for product, base in FUELS:
            region1 = round(base * level / 10) * 10
            prices.append(
                (
                    day.isoformat(),
                    product,
                    region1,
                    round(region1 * 1.02 / 10) * 10,
                    "đồng/kg" if "mazut" in product else "đồng/lít",
                )
            )
        day += timedelta(days=10 if day < date(2023, 10, 1) else 7)
    stations: list[Row] = []
    traders = (
        "Công ty Xăng dầu Cà Mau",
        "Công ty Cổ phần Xăng dầu Dầu khí Cà Mau",
        "Công ty TNHH Thương mại Xăng dầu Phương Nam",
        "Công ty Cổ phần Thương mại Dầu khí Cửu Long",
        "Hợp tác xã Dịch vụ Xăng dầu Năm Căn",
    )
    for i in range(236):
        lat, lon = point(rng, "ca-mau", 0.4)
        issued = date(2019, 1, 1) + timedelta(days=rng.randrange(2000))
        stations.append(
            (
                f"CM-CHXD-{i + 1:03d}",
                f"Cửa hàng xăng dầu số {i + 1}",
                rng.choice(traders),
                commune(rng),
                rng.choice(CA_MAU_DISTRICTS),
                lat,
                lon,
                f"{rng.randrange(10, 999)}/GCN-SCT",
                issued.replace(year=issued.year + 5, day=min(issued.day, 28)).isoformat(),
            )
        )
    clusters: list[Row] = [
        (
            f"CM-CCN-{i + 1:02d}",
            f"Cụm công nghiệp {name}",
            district,
            round(rng.uniform(20, 75), 1),
            round(rng.uniform(0, 95), 1),
            trades,
        )
        for i, (name, district, trades) in enumerate(
            (
                ("Khánh An", "Huyện U Minh", "Chế biến thủy sản, cơ khí"),
                ("Hòa Trung", "Huyện Cái Nước", "Chế biến nông sản"),
                ("Năm Căn", "Huyện Năm Căn", "Đóng tàu, chế biến thủy sản"),
                ("Tân Thành", "Thành phố Cà Mau", "Vật liệu xây dựng"),
                ("Sông Đốc", "Huyện Trần Văn Thời", "Chế biến thủy sản"),
                ("Thới Bình", "Huyện Thới Bình", "Chế biến nông sản, may mặc"),
                ("Đầm Dơi", "Huyện Đầm Dơi", "Chế biến tôm"),
                ("Phú Tân", "Huyện Phú Tân", "Cơ khí, sửa chữa tàu cá"),
            )
        )
    ]
    iip: list[Row] = [
        (month, sector, round(rng.gauss(106, 6), 2))
        for month in MONTHS
        for sector in (
            "Khai khoáng",
            "Công nghiệp chế biến, chế tạo",
            "Sản xuất và phân phối điện",
            "Cung cấp nước, xử lý rác thải",
            "Toàn ngành",
        )
    ]
    exports: list[Row] = [
        (
            month,
            group,
            round(base * rng.uniform(0.7, 1.3) * (1.3 if int(month[5:]) >= 9 else 1.0), 2),
        )
        for month in MONTHS
        for group, base in (
            ("Tôm", 85.0),
            ("Cua", 6.0),
            ("Cá và mực", 9.0),
            ("Phân bón", 14.0),
            ("Hàng hóa khác", 4.0),
        )
    ]
    log: list[Row] = [
        (i + 1, "gia_xang_dau", rng.randrange(5, 10), "Thành công") for i in range(20)
    ]
    return {
        "nha_may_dien": plants,
        "san_luong_dien_thang": output,
        "tieu_thu_dien_thang": sales,
        "cho": markets,
        "gia_xang_dau": prices,
        "cua_hang_xang_dau": stations,
        "cum_cong_nghiep": clusters,
        "chi_so_san_xuat_cong_nghiep": iip,
        "kim_ngach_xuat_khau": exports,
        "nhat_ky_dong_bo": log,
    }
