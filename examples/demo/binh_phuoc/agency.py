"""What the Bình Phước land themes share: the agency, its years and land types, its metadata."""

from __future__ import annotations

from ..meta import MetaFactory
from ..places import BINH_PHUOC_DISTRICTS

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


dataset_meta = MetaFactory(SPATIAL, ("dat-dai",), "2020-01-01/2024-12-31", "annual")
