"""What the Cao Bằng culture and tourism themes share: the agency, its places, its metadata."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..meta import DatasetMeta, MetaFactory

ORG = "so-vhttdl-cao-bang"
SPATIAL = "Tỉnh Cao Bằng"
GROUP = ("van-hoa-the-thao-du-lich",)
VILLAGES = (
    "Nà Rạo",
    "Bản Giốc",
    "Nặm Nhũng",
    "Khuổi Nặm",
    "Lũng Luông",
    "Pò Peo",
    "Phja Đén",
    "Tà Sa",
    "Nà Vài",
    "Bó Rạ",
    "Lũng Rì",
    "Bản Mới",
    "Nà Giàng",
    "Cốc Xả",
    "Pác Nặm",
    "Kéo Yên",
    "Thông Huề",
    "Đàm Thủy",
    "Quang Hán",
    "Vân Trình",
    "Lũng Nặm",
    "Phia Thắp",
    "Khau Vai",
    "Nà Sác",
    "Cốc Chia",
    "Bản Thín",
    "Pác Rằng",
    "Nà Mạ",
    "Tổng Ngoảng",
    "Phúc Sen",
    "Bó Lếch",
    "Khuổi Ky",
    "Nà Bao",
    "Hoàng Tung",
    "Đề Thám",
    "Xuân Trường",
)
EVENT_KINDS = ("các dân tộc", "thanh thiếu niên", "mở rộng", "cúp Non nước Cao Bằng")


class Adder(Protocol):
    """Puts one dataset and its files in the DCAT catalogue (public) or holds it back."""

    def __call__(
        self, meta: DatasetMeta, files: Sequence[tuple[str, Path, int]], public: bool = True
    ) -> None: ...


dataset_meta = MetaFactory(SPATIAL, GROUP)
