"""Cao Bằng culture and sport: festivals, intangible heritage, facilities, events, crafts."""

from __future__ import annotations

import random
from pathlib import Path

from ..places import CAO_BANG_DISTRICTS
from ..writers import Row, write_csv
from .agency import EVENT_KINDS, VILLAGES, Adder, dataset_meta


def write_culture(add: Adder, data: Path, rng: random.Random) -> None:
    """Festivals, intangible heritage, facilities, sport events, craft villages; one withheld."""
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
        dataset_meta(
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
