"""Surface water WQI and coastal seawater monitoring."""

from __future__ import annotations

import random

from ..places import QUANG_NINH_DISTRICTS, commune, point
from ..writers import Row
from .packages import CENTRE_ORG, PackageWriter, dataset_meta, field

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


def write_water(packages: PackageWriter, rng: random.Random) -> None:
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
        dataset_meta(
            "chat-luong-nuoc-mat-wqi",
            "Chất lượng nước mặt và chỉ số WQI 2023–2024",
            "Surface water quality and WQI 2023–2024",
            "Kết quả quan trắc định kỳ nước mặt sông, hồ (pH, DO, BOD5, COD, NH4+, TSS, Coliform) "
            "và "
            "chỉ số chất lượng nước VN_WQI theo Quyết định 1460/QĐ-TCMT. Gồm danh sách điểm quan "
            "trắc.",
            ["nước mặt", "WQI", "quan trắc định kỳ", "QCVN 08:2023/BTNMT"],
            groups=["moi-truong", "tai-nguyen-nuoc"],
            temporal="2023-01-01/2024-12-31",
            frequency="monthly",
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
        dataset_meta(
            "chat-luong-nuoc-bien-ven-bo",
            "Chất lượng nước biển ven bờ theo quý 2022–2024",
            "Coastal seawater quality by quarter 2022–2024",
            "Quan trắc nước biển ven bờ tại vịnh Hạ Long, Bái Tử Long và các cảng, bãi tắm; đối "
            "chiếu "
            "QCVN 10:2023/BTNMT.",
            ["nước biển", "vịnh Hạ Long", "quan trắc định kỳ"],
            groups=["moi-truong"],
            temporal="2022-01-01/2024-12-31",
            frequency="quarterly",
            license="ODC-BY-1.0",
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
