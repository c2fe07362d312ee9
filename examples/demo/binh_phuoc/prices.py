"""Bình Phước land price lists 2020–2024: residential, agricultural, commercial, K factors."""

from __future__ import annotations

import random

from ..file_share import FileShare
from ..places import BINH_PHUOC_DISTRICTS, ROAD_NAMES, commune
from ..writers import Row
from .agency import LAND_TYPES, PRICE_UNIT, URBAN, YEARS, dataset_meta


def write_prices(share: FileShare, rng: random.Random, growth: dict[int, float]) -> None:
    """The price lists; `growth` is each year's factor over the 2020 prices."""
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
