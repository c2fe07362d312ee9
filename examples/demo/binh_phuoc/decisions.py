"""Bình Phước land decisions: allocation, lease, auction results and recovery."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from ..file_share import FileShare
from ..places import BINH_PHUOC_DISTRICTS, commune, firm
from ..writers import Row
from .agency import YEARS, dataset_meta


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


def write_decisions(share: FileShare, rng: random.Random) -> None:
    """Allocation, lease, auction and recovery decisions, 2020–2024."""
    share.add(
        "giao-dat/quyet-dinh-giao-dat-2020-2024.csv",
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
