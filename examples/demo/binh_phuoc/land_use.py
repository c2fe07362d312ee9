"""Bình Phước land-use plans, land statistics and (restricted) land disputes."""

from __future__ import annotations

import random

from ..file_share import FileShare
from ..places import BINH_PHUOC_DISTRICTS
from ..writers import Row
from .agency import LAND_TYPES, YEARS, dataset_meta


def write_plans(share: FileShare, rng: random.Random) -> None:
    """The 2021–2030 district plans and the 2024 land-use plan."""
    plan: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for code, name in LAND_TYPES:
            now = round(rng.uniform(5, 18000), 2)
            plan.append((district, code, name, now, round(now * rng.uniform(0.7, 1.5), 2)))
    share.add(
        "quy-hoach/quy-hoach-su-dung-dat-2021-2030.xlsx",
        dataset_meta(
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
        dataset_meta(
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




def write_statistics(share: FileShare, rng: random.Random) -> None:
    """Land area statistics and yearly changes, and the restricted dispute files."""
    stats: list[Row] = []
    for district in BINH_PHUOC_DISTRICTS:
        for code, name in LAND_TYPES:
            area = rng.uniform(10, 25000)
            for year in YEARS:
                area *= rng.uniform(0.97, 1.04)
                stats.append((district, year, code, name, round(area, 2)))
    share.add(
        "thong-ke/thong-ke-dien-tich-dat-dai-2020-2024.csv",
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
