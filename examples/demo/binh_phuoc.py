"""Sở TN&MT Bình Phước: land prices, land-use plans and allocation decisions on a file share."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from .file_share import FileShare
from .meta import GeneratedSource, MetaFactory
from .places import BINH_PHUOC_DISTRICTS, ROAD_NAMES, commune, firm
from .writers import Row, write_csv

ORG = "so-tnmt-binh-phuoc"
SPATIAL = "Tỉnh Bình Phước"
YEARS = range(2020, 2025)
URBAN = BINH_PHUOC_DISTRICTS[:4]
PRICE_UNIT = "nghìn đồng/m²"
# Land-use categories of Thông tư 08/2024/TT-BTNMT (code, name).
LAND_TYPES = (
    ("LUA", "Đất trồng lúa"),
    ("HNK", "Đất trồng cây hằng năm khác"),
    ("CLN", "Đất trồng cây lâu năm"),
    ("RSX", "Đất rừng sản xuất"),
    ("RPH", "Đất rừng phòng hộ"),
    ("RDD", "Đất rừng đặc dụng"),
    ("NTS", "Đất nuôi trồng thủy sản"),
    ("ONT", "Đất ở tại nông thôn"),
    ("ODT", "Đất ở tại đô thị"),
    ("SKK", "Đất khu công nghiệp"),
    ("SKN", "Đất cụm công nghiệp"),
    ("TMD", "Đất thương mại, dịch vụ"),
    ("DGT", "Đất giao thông"),
    ("DTL", "Đất thủy lợi"),
    ("DGD", "Đất xây dựng cơ sở giáo dục"),
    ("DYT", "Đất xây dựng cơ sở y tế"),
    ("NTD", "Đất nghĩa trang, nhà tang lễ"),
    ("SON", "Đất sông, suối"),
    ("CSD", "Đất chưa sử dụng"),
)


_meta = MetaFactory(SPATIAL, ("dat-dai",), "2020-01-01/2024-12-31", "annual")


def generate(target: Path, rng: random.Random) -> GeneratedSource:
    """Write the Bình Phước share under target/binh-phuoc and return the harvest entry."""
    root = target / "binh-phuoc"
    share = FileShare.create(
        root,
        name="binh-phuoc-thong-tin-dat-dai",
        title="Kho tệp dữ liệu đất đai tỉnh Bình Phước",
        organization=ORG,
        license="CC-BY-4.0",
        groups=["dat-dai"],
    )
    growth = {year: 1.0 + 0.06 * (year - 2020) for year in YEARS}
    _prices(share, rng, growth)
    _plans(share, rng)
    _decisions(share, rng)
    _statistics(share, rng)
    share.write_catalog()
    # A file nobody described: harvesters must ignore it.
    write_csv(root / "tam" / "bang-tam-chua-mo-ta.csv", ["cot_1", "cot_2"], [("a", 1), ("b", 2)])
    return share.source


def _prices(share: FileShare, rng: random.Random, growth: dict[int, float]) -> None:
    header = [
        "Huyện/thị xã/thành phố",
        "Tên đường",
        "Đoạn từ",
        "Đến",
        "Năm",
        "VT1",
        "VT2",
        "VT3",
        "VT4",
    ]
    urban: list[Row] = []
    for district in URBAN:
        for road in rng.sample(ROAD_NAMES, 22):
            base = rng.randrange(1800, 14000, 50)
            start, end = rng.sample(
                (
                    "Ngã tư trung tâm",
                    "Cầu",
                    "Chợ",
                    "Ranh giới phường",
                    "Vòng xoay",
                    "Đường Hùng Vương",
                    "Hết ranh thửa đất",
                    "Trường học",
                ),
                2,
            )
            for year in YEARS:
                vt1 = round(base * growth[year] / 10) * 10
                urban.append(
                    (
                        district,
                        road,
                        start,
                        end,
                        year,
                        vt1,
                        round(vt1 * 0.6 / 10) * 10,
                        round(vt1 * 0.4 / 10) * 10,
                        round(vt1 * 0.3 / 10) * 10,
                    )
                )
    price_fields = [
        {"name": f"VT{i}", "title": f"Giá đất vị trí {i}", "type": "integer", "unit": PRICE_UNIT}
        for i in range(1, 5)
    ]
    share.add(
        "gia-dat/bang-gia-dat-o-do-thi-2020-2024.xlsx",
        _meta(
            "bang-gia-dat-o-do-thi-2020-2024",
            "Bảng giá đất ở tại đô thị giai đoạn 2020–2024",
            "Urban residential land price table 2020–2024",
            "Giá đất ở tại đô thị theo tuyến đường, đoạn đường và vị trí (VT1–VT4) của các "
            "phường, thị trấn; "
            "đơn vị nghìn đồng/m². Ban hành kèm Quyết định 40/2019/QĐ-UBND, điều chỉnh hằng năm.",
            ["giá đất", "bảng giá đất", "đất ở", "đô thị"],
        ),
        header,
        urban,
        fields=price_fields,
        sheet="Bảng giá",
    )

    rural: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for _ in range(12):
            base = rng.randrange(250, 3200, 10)
            place = commune(rng)
            road = rng.choice(
                (
                    "Quốc lộ 14",
                    "Quốc lộ 13",
                    "ĐT 741",
                    "ĐT 753",
                    "ĐT 759",
                    "Đường liên xã",
                    "Đường liên ấp",
                )
            )
            for year in YEARS:
                vt1 = round(base * growth[year] / 10) * 10
                rural.append(
                    (
                        district,
                        place,
                        road,
                        year,
                        vt1,
                        round(vt1 * 0.6 / 10) * 10,
                        round(vt1 * 0.4 / 10) * 10,
                    )
                )
    share.add(
        "gia-dat/bang-gia-dat-o-nong-thon-2020-2024.csv",
        _meta(
            "bang-gia-dat-o-nong-thon-2020-2024",
            "Bảng giá đất ở tại nông thôn giai đoạn 2020–2024",
            "Rural residential land price table 2020–2024",
            "Giá đất ở tại nông thôn theo xã, tuyến đường và vị trí; đơn vị nghìn đồng/m².",
            ["giá đất", "bảng giá đất", "đất ở", "nông thôn"],
        ),
        ["huyen", "xa", "tuyen_duong", "nam", "vt1", "vt2", "vt3"],
        rural,
        fields=[
            {"name": f"vt{i}", "title": f"Giá vị trí {i}", "type": "integer", "unit": PRICE_UNIT}
            for i in (1, 2, 3)
        ],
    )

    farm: list[Row] = []
    farm_types = LAND_TYPES[:7]
    for district in BINH_PHUOC_DISTRICTS:
        for code, name in farm_types:
            base = rng.randrange(30, 260, 2)
            for position in (1, 2, 3):
                for year in YEARS:
                    farm.append(
                        (
                            district,
                            code,
                            name,
                            position,
                            year,
                            round(base * growth[year] * (1.25 - 0.2 * position)),
                        )
                    )
    share.add(
        "gia-dat/bang-gia-dat-nong-nghiep-2020-2024.csv",
        _meta(
            "bang-gia-dat-nong-nghiep-2020-2024",
            "Bảng giá đất nông nghiệp giai đoạn 2020–2024",
            "Agricultural land price table 2020–2024",
            "Giá đất trồng lúa, cây hằng năm, cây lâu năm, rừng sản xuất, nuôi trồng thủy sản "
            "theo huyện và vị trí.",
            ["giá đất", "đất nông nghiệp"],
            groups=("dat-dai", "nong-nghiep"),
        ),
        ["huyen", "ma_loai_dat", "loai_dat", "vi_tri", "nam", "don_gia"],
        farm,
        fields=[{"name": "don_gia", "title": "Đơn giá", "type": "integer", "unit": PRICE_UNIT}],
    )

    commerce: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for road in rng.sample(ROAD_NAMES, 6):
            base = rng.randrange(600, 9000, 10)
            for year in YEARS:
                commerce.append(
                    (
                        district,
                        road,
                        year,
                        round(base * growth[year] / 10) * 10,
                        round(base * growth[year] * 0.55 / 10) * 10,
                    )
                )
    share.add(
        "gia-dat/bang-gia-dat-thuong-mai-dich-vu-2020-2024.xlsx",
        _meta(
            "bang-gia-dat-thuong-mai-dich-vu-2020-2024",
            "Bảng giá đất thương mại, dịch vụ 2020–2024",
            "Commercial and service land price table 2020–2024",
            "Giá đất thương mại, dịch vụ và đất sản xuất, kinh doanh phi nông nghiệp theo tuyến "
            "đường.",
            ["giá đất", "thương mại dịch vụ"],
            groups=("dat-dai", "kinh-te"),
        ),
        [
            "Huyện/thị xã/thành phố",
            "Tuyến đường",
            "Năm",
            "Đất thương mại, dịch vụ",
            "Đất SXKD phi nông nghiệp",
        ],
        commerce,
        sheet="TMDV",
    )

    factors: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for group in ("Đất ở", "Đất nông nghiệp", "Đất phi nông nghiệp không phải đất ở"):
            for year in YEARS:
                factors.append((district, group, year, round(rng.uniform(1.0, 1.6), 2)))
    # Deliberate defect for validation reports: text in the numeric column.
    factors[120] = (*factors[120][:3], "đang cập nhật")
    share.add(
        "gia-dat/he-so-dieu-chinh-gia-dat-2020-2024.csv",
        _meta(
            "he-so-dieu-chinh-gia-dat-2020-2024",
            "Hệ số điều chỉnh giá đất (hệ số K) 2020–2024",
            "Land price adjustment coefficients (K) 2020–2024",
            "Hệ số điều chỉnh giá đất hằng năm theo huyện và nhóm đất, dùng để tính tiền sử dụng "
            "đất, tiền thuê đất.",
            ["giá đất", "hệ số K"],
            frequency="annual",
            license="CC0-1.0",
        ),
        ["huyen", "nhom_dat", "nam", "he_so_k"],
        factors,
        fields=[{"name": "he_so_k", "title": "Hệ số K", "type": "number"}],
        imperfect=True,
    )


def _plans(share: FileShare, rng: random.Random) -> None:
    plan: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for code, name in LAND_TYPES:
            now = round(rng.uniform(5, 18000), 2)
            plan.append((district, code, name, now, round(now * rng.uniform(0.7, 1.5), 2)))
    share.add(
        "quy-hoach/quy-hoach-su-dung-dat-2021-2030.xlsx",
        _meta(
            "quy-hoach-su-dung-dat-2021-2030",
            "Quy hoạch sử dụng đất cấp huyện thời kỳ 2021–2030",
            "District land-use plans 2021–2030",
            "Chỉ tiêu sử dụng đất hiện trạng năm 2020 và quy hoạch đến năm 2030 theo loại đất và "
            "đơn vị hành chính cấp huyện.",
            ["quy hoạch", "sử dụng đất"],
            temporal="2021-01-01/2030-12-31",
            frequency="irregular",
        ),
        [
            "Đơn vị hành chính",
            "Mã loại đất",
            "Loại đất",
            "Hiện trạng 2020 (ha)",
            "Quy hoạch 2030 (ha)",
        ],
        plan,
        sheet="Chỉ tiêu",
    )
    yearly: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for code, name in LAND_TYPES:
            area = round(rng.uniform(5, 18000), 2)
            yearly.append(
                (
                    district,
                    code,
                    name,
                    area,
                    round(rng.uniform(0, area * 0.05), 2),
                    rng.randrange(0, 14),
                )
            )
    share.add(
        "quy-hoach/ke-hoach-su-dung-dat-2024.csv",
        _meta(
            "ke-hoach-su-dung-dat-2024",
            "Kế hoạch sử dụng đất năm 2024 cấp huyện",
            "District land-use plans 2024",
            "Diện tích theo kế hoạch, diện tích chuyển mục đích và số công trình, dự án theo loại "
            "đất.",
            ["kế hoạch sử dụng đất", "chuyển mục đích"],
            temporal="2024-01-01/2024-12-31",
            frequency="annual",
        ),
        [
            "huyen",
            "ma_loai_dat",
            "loai_dat",
            "dien_tich_ke_hoach_ha",
            "dien_tich_chuyen_muc_dich_ha",
            "so_cong_trinh",
        ],
        yearly,
    )


def _decision_rows(rng: random.Random, count: int, kinds: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    numbers = rng.sample(range(100, 3500), count)
    purposes = (
        "Xây dựng trường học",
        "Xây dựng trụ sở",
        "Dự án khu dân cư",
        "Nhà máy chế biến hạt điều",
        "Nhà máy chế biến mủ cao su",
        "Cụm công nghiệp",
        "Trang trại chăn nuôi",
        "Công trình giao thông",
        "Trạm y tế",
        "Nhà văn hóa ấp",
        "Cửa hàng xăng dầu",
        "Điện mặt trời áp mái",
    )
    for i in range(count):
        day = date(2020, 1, 2) + timedelta(days=rng.randrange(1825))
        purpose = rng.choice(purposes)
        holder = (
            f"Ủy ban nhân dân {commune(rng).lower()}"
            if purpose in ("Nhà văn hóa ấp", "Trạm y tế", "Xây dựng trường học")
            else firm(rng, rng.choice(("", "Đầu tư", "Nông sản", "Xây dựng")))
        )
        rows.append(
            (
                f"{numbers[i]}/QĐ-UBND",
                day.isoformat(),
                holder,
                purpose,
                commune(rng),
                rng.choice(BINH_PHUOC_DISTRICTS),
                round(rng.uniform(150, 250000), 1),
                rng.choice(kinds),
                rng.choice((0, 20, 30, 50)),
            )
        )
    rows.sort(key=lambda row: str(row[1]))
    return rows


DECISION_HEADER = [
    "so_quyet_dinh",
    "ngay_quyet_dinh",
    "to_chuc_su_dung_dat",
    "muc_dich",
    "xa",
    "huyen",
    "dien_tich_m2",
    "hinh_thuc",
    "thoi_han_nam",
]


def _decisions(share: FileShare, rng: random.Random) -> None:
    share.add(
        "giao-dat/quyet-dinh-giao-dat-2020-2024.csv",
        _meta(
            "quyet-dinh-giao-dat-2020-2024",
            "Quyết định giao đất cho tổ chức 2020–2024",
            "Land allocation decisions for organisations 2020–2024",
            "Các quyết định giao đất của UBND tỉnh cho tổ chức: mục đích, vị trí, diện tích, hình "
            "thức giao "
            "đất và thời hạn (0 = lâu dài). Không gồm hộ gia đình, cá nhân.",
            ["giao đất", "quyết định", "thủ tục hành chính"],
            frequency="monthly",
        ),
        DECISION_HEADER,
        _decision_rows(
            rng, 360, ("Giao đất không thu tiền sử dụng đất", "Giao đất có thu tiền sử dụng đất")
        ),
        fields=[
            {"name": "dien_tich_m2", "title": "Diện tích", "type": "number", "unit": "m²"},
            {
                "name": "thoi_han_nam",
                "title": "Thời hạn (0 = lâu dài)",
                "type": "integer",
                "unit": "năm",
            },
        ],
    )
    share.add(
        "giao-dat/quyet-dinh-cho-thue-dat-2020-2024.csv",
        _meta(
            "quyet-dinh-cho-thue-dat-2020-2024",
            "Quyết định cho thuê đất 2020–2024",
            "Land lease decisions 2020–2024",
            "Các quyết định cho tổ chức thuê đất: hình thức trả tiền thuê hằng năm hoặc một lần.",
            ["cho thuê đất", "quyết định"],
            frequency="monthly",
            license="ODC-BY-1.0",
        ),
        DECISION_HEADER,
        _decision_rows(rng, 260, ("Thuê đất trả tiền hằng năm", "Thuê đất trả tiền một lần")),
    )
    auctions: list[Row] = []
    for i in range(220):
        start = rng.randrange(150, 9000)
        day = date(2021, 3, 1) + timedelta(days=rng.randrange(1370))
        district = rng.choice(BINH_PHUOC_DISTRICTS)
        auctions.append(
            (
                f"BP-DG-{i + 1:04d}",
                day.isoformat(),
                district,
                commune(rng),
                round(rng.uniform(100, 1200), 1),
                start,
                round(start * rng.uniform(1.0, 2.4)) if rng.random() > 0.12 else "",
                "Thành công" if rng.random() > 0.12 else "Không thành",
            )
        )
    auctions.sort(key=lambda row: str(row[1]))
    share.add(
        "dau-gia/ket-qua-dau-gia-quyen-su-dung-dat.csv",
        _meta(
            "ket-qua-dau-gia-quyen-su-dung-dat",
            "Kết quả đấu giá quyền sử dụng đất",
            "Land-use right auction results",
            "Các lô đất đấu giá: diện tích, giá khởi điểm, giá trúng đấu giá (triệu đồng). Không "
            "công bố người trúng.",
            ["đấu giá", "quyền sử dụng đất"],
            groups=("dat-dai", "kinh-te"),
            temporal="2021-03-01/2024-12-31",
            frequency="monthly",
        ),
        [
            "ma_lo",
            "ngay_dau_gia",
            "huyen",
            "xa",
            "dien_tich_m2",
            "gia_khoi_diem_trieu_dong",
            "gia_trung_trieu_dong",
            "ket_qua",
        ],
        auctions,
        sidecar=False,
    )
    recovery: list[Row] = []
    projects = (
        "Đường cao tốc Thành phố Hồ Chí Minh – Thủ Dầu Một – Chơn Thành",
        "Đường Đồng Phú – Bình Dương",
        "Khu công nghiệp Minh Hưng – Sikico",
        "Hồ chứa nước Phước Hòa mở rộng",
        "Đường tạo lực Bắc Đồng Phú",
        "Trạm biến áp 220 kV Bình Long",
        "Khu dân cư phường Tân Phú",
        "Mở rộng Quốc lộ 13",
    )
    for _ in range(170):
        recovery.append(
            (
                f"{rng.randrange(100, 3000)}/QĐ-UBND",
                rng.choice(YEARS),
                rng.choice(projects),
                rng.choice(BINH_PHUOC_DISTRICTS),
                round(rng.uniform(0.1, 45), 2),
                rng.randrange(1, 60),
                round(rng.uniform(0.5, 85), 1),
            )
        )
    share.add(
        "thu-hoi-dat/thu-hoi-dat-thuc-hien-du-an.xlsx",
        _meta(
            "thu-hoi-dat-thuc-hien-du-an",
            "Thu hồi đất thực hiện dự án phát triển kinh tế – xã hội",
            "Land recovery for development projects",
            "Quyết định thu hồi đất theo dự án: diện tích thu hồi, số hộ bị ảnh hưởng và tổng "
            "kinh phí bồi thường (tỷ đồng).",
            ["thu hồi đất", "bồi thường", "giải phóng mặt bằng"],
            frequency="quarterly",
            license=None,
        ),
        [
            "Số quyết định",
            "Năm",
            "Dự án",
            "Huyện/thị xã/thành phố",
            "Diện tích thu hồi (ha)",
            "Số hộ bị ảnh hưởng",
            "Kinh phí bồi thường (tỷ đồng)",
        ],
        recovery,
        sidecar=False,
        sheet="Thu hồi",
    )


def _statistics(share: FileShare, rng: random.Random) -> None:
    stats: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for code, name in LAND_TYPES:
            area = rng.uniform(10, 25000)
            for year in YEARS:
                area *= rng.uniform(0.97, 1.04)
                stats.append((district, year, code, name, round(area, 2)))
    share.add(
        "thong-ke/thong-ke-dien-tich-dat-dai-2020-2024.csv",
        _meta(
            "thong-ke-dien-tich-dat-dai-2020-2024",
            "Thống kê diện tích đất đai 2020–2024",
            "Land area statistics 2020–2024",
            "Diện tích đất theo loại đất và đơn vị hành chính cấp huyện tại ngày 31/12 hằng năm.",
            ["thống kê đất đai", "diện tích"],
            groups=("dat-dai", "kinh-te"),
            license="CC0-1.0",
        ),
        ["huyen", "nam", "ma_loai_dat", "loai_dat", "dien_tich_ha"],
        stats,
        sidecar=False,
    )
    changes: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for period in ("2020–2021", "2021–2022", "2022–2023", "2023–2024"):
            for code, name in LAND_TYPES[:9]:
                changes.append((district, period, code, name, round(rng.uniform(-120, 180), 2)))
    # Deliberate defect for validation reports: one ragged row with an extra cell.
    changes[52] = (*changes[52], "ghi chú thừa")
    share.add(
        "thong-ke/bien-dong-su-dung-dat-2020-2024.csv",
        _meta(
            "bien-dong-su-dung-dat-2020-2024",
            "Biến động sử dụng đất theo năm 2020–2024",
            "Annual land-use change 2020–2024",
            "Diện tích tăng (+) hoặc giảm (−) theo loại đất giữa hai kỳ thống kê.",
            ["biến động đất đai", "thống kê đất đai"],
        ),
        ["huyen", "giai_doan", "ma_loai_dat", "loai_dat", "bien_dong_ha"],
        changes,
        sidecar=False,
        imperfect=True,
    )
    disputes: list[Row] = [
        (
            f"TC-{i + 1:03d}",
            rng.choice(BINH_PHUOC_DISTRICTS),
            rng.choice(YEARS),
            rng.choice(("Đang giải quyết", "Đã hòa giải")),
        )
        for i in range(45)
    ]
    share.add(
        "noi-bo/ho-so-tranh-chap-dat-dai.csv",
        _meta(
            "ho-so-tranh-chap-dat-dai",
            "Hồ sơ tranh chấp đất đai đang giải quyết (hạn chế)",
            "Land disputes in progress (restricted)",
            "Chỉ chia sẻ theo yêu cầu đặc biệt; không công khai.",
            ["tranh chấp"],
            frequency="irregular",
            license=None,
        ),
        ["ma_ho_so", "huyen", "nam_tiep_nhan", "tinh_trang"],
        disputes,
        restricted=True,
    )
