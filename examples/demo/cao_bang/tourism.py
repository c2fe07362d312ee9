"""Cao Bằng tourism: arrivals, accommodation and tourist sites."""

from __future__ import annotations

import random
from pathlib import Path

from ..places import CAO_BANG_DISTRICTS, point
from ..writers import Row, write_csv
from .agency import VILLAGES, Adder, dataset_meta


def write_tourism(add: Adder, data: Path, rng: random.Random) -> None:
    """Arrivals, accommodation and tourist sites."""
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
