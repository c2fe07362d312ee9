"""Vietnamese place names and name pools for the demo data (no people: places and firms only)."""

from __future__ import annotations

import random

QUANG_NINH_DISTRICTS = (
    "Thành phố Hạ Long",
    "Thành phố Cẩm Phả",
    "Thành phố Uông Bí",
    "Thành phố Móng Cái",
    "Thị xã Đông Triều",
    "Thị xã Quảng Yên",
    "Huyện Vân Đồn",
    "Huyện Tiên Yên",
    "Huyện Đầm Hà",
    "Huyện Hải Hà",
    "Huyện Bình Liêu",
    "Huyện Ba Chẽ",
    "Huyện Cô Tô",
)
BINH_PHUOC_DISTRICTS = (
    "Thành phố Đồng Xoài",
    "Thị xã Bình Long",
    "Thị xã Phước Long",
    "Thị xã Chơn Thành",
    "Huyện Bù Đăng",
    "Huyện Bù Đốp",
    "Huyện Bù Gia Mập",
    "Huyện Đồng Phú",
    "Huyện Hớn Quản",
    "Huyện Lộc Ninh",
    "Huyện Phú Riềng",
)
CAO_BANG_DISTRICTS = (
    "Thành phố Cao Bằng",
    "Huyện Bảo Lạc",
    "Huyện Bảo Lâm",
    "Huyện Hà Quảng",
    "Huyện Hạ Lang",
    "Huyện Hòa An",
    "Huyện Nguyên Bình",
    "Huyện Quảng Hòa",
    "Huyện Thạch An",
    "Huyện Trùng Khánh",
)
CA_MAU_DISTRICTS = (
    "Thành phố Cà Mau",
    "Huyện Cái Nước",
    "Huyện Đầm Dơi",
    "Huyện Năm Căn",
    "Huyện Ngọc Hiển",
    "Huyện Phú Tân",
    "Huyện Thới Bình",
    "Huyện Trần Văn Thời",
    "Huyện U Minh",
)

# Approximate centres (lat, lon) used to scatter demo points inside each province.
CENTRES = {
    "quang-ninh": (21.0, 107.3),
    "binh-phuoc": (11.75, 106.72),
    "cao-bang": (22.67, 106.25),
    "ca-mau": (9.18, 105.15),
}

COMMUNE_STEMS = (
    "Hồng Hải",
    "Bạch Đằng",
    "Cao Xanh",
    "Hà Khẩu",
    "Giếng Đáy",
    "Tuần Châu",
    "Hùng Thắng",
    "Cửa Ông",
    "Mông Dương",
    "Cẩm Thạch",
    "Quang Hanh",
    "Phương Đông",
    "Vàng Danh",
    "Trưng Vương",
    "Hải Yên",
    "Trà Cổ",
    "Mạo Khê",
    "Tràng An",
    "Hà An",
    "Phong Cốc",
    "Đông Xá",
    "Hạ Long",
    "Tân Phú",
    "Tân Bình",
    "Tân Đồng",
    "Tiến Thành",
    "Minh Hưng",
    "Thanh Lương",
    "Lộc Thái",
    "Lộc Hiệp",
    "Đức Liễu",
    "Nghĩa Trung",
    "Phú Nghĩa",
    "Long Hà",
    "Bình Sơn",
    "Thuận Phú",
    "Đa Kia",
    "Phước Bình",
    "An Lộc",
    "Thanh Phú",
    "Minh Thành",
    "Nha Bích",
    "Tân Khai",
    "Sông Giang",
    "Hợp Giang",
    "Đề Thám",
    "Hòa Chung",
    "Trường Hà",
    "Ngọc Côn",
    "Đàm Thủy",
    "Quang Trung",
    "Phúc Sen",
    "Tĩnh Túc",
    "Thông Nông",
    "Xuân Trường",
    "Lý Bôn",
    "Đức Long",
    "Tân Thuận",
    "Khánh Hội",
    "Năm Căn",
    "Đất Mũi",
    "Tân Ân",
    "Khánh Bình",
    "Sông Đốc",
)
FIRM_STEMS = (
    "Đông Bắc",
    "Hạ Long Xanh",
    "Thành Đạt",
    "An Phú",
    "Hoàng Long",
    "Phú Thịnh",
    "Tân Tiến",
    "Vạn Xuân",
    "Minh Phát",
    "Bảo An",
    "Hưng Thịnh",
    "Đại Dương",
    "Sao Mai",
    "Thiên Phúc",
    "Kim Long",
    "Phương Nam",
    "Trường Sơn",
    "Biển Đông",
    "Hòa Bình",
    "Nam Việt",
    "Việt Hưng",
    "Quốc Tế Lộc Phát",
    "Tây Nguyên",
    "Đồng Tiến",
    "Hải Đăng",
    "Cửu Long",
    "Ánh Dương",
)
FIRM_KINDS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hợp tác xã")
ROAD_NAMES = (
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hùng Vương",
    "Quang Trung",
    "Lê Thánh Tông",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phú Riềng Đỏ",
    "Võ Văn Tần",
    "Nguyễn Huệ",
    "Điện Biên Phủ",
    "Cách Mạng Tháng Tám",
    "Ngô Quyền",
    "Tôn Đức Thắng",
    "Trần Phú",
    "Phan Bội Châu",
    "Nguyễn Du",
    "Hoàng Văn Thụ",
    "Kim Đồng",
    "Bế Văn Đàn",
    "Đường 30 Tháng 4",
    "Quốc lộ 14",
    "Quốc lộ 13",
    "ĐT 741",
    "ĐT 753",
    "ĐT 759",
    "Lý Tự Trọng",
    "Nguyễn Văn Linh",
    "Đinh Tiên Hoàng",
)


def commune(rng: random.Random) -> str:
    """A commune-level name such as "Xã Tân Phú" or "Phường Hồng Hải"."""
    return f"{rng.choice(('Xã', 'Xã', 'Phường', 'Thị trấn'))} {rng.choice(COMMUNE_STEMS)}"


def firm(rng: random.Random, trade: str = "") -> str:
    """An organisation name (never a person): e.g. "Công ty Cổ phần Khoáng sản Đông Bắc"."""
    stem = rng.choice(FIRM_STEMS)
    return " ".join(part for part in (rng.choice(FIRM_KINDS), trade, stem) if part)


def point(rng: random.Random, province: str, spread: float = 0.35) -> tuple[float, float]:
    """A (lat, lon) near the province centre, rounded to 6 decimals."""
    lat, lon = CENTRES[province]
    return round(lat + rng.uniform(-spread, spread), 6), round(
        lon + rng.uniform(-spread, spread), 6
    )
