"""Permits (wastewater, groundwater, surface water, minerals), solid waste, inspections."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from ..places import QUANG_NINH_DISTRICTS, commune, firm
from ..writers import Row
from .packages import PackageWriter, dataset_meta, field
from .water import RIVERS


def _permit_rows(rng: random.Random, count: int, prefix: str, make: Any) -> list[Row]:
    rows: list[Row] = []
    numbers = rng.sample(range(100, 4000), count)
    for i in range(count):
        issued = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
        years = rng.choice((3, 5, 5, 10, 10, 15))
        expires = issued.replace(year=issued.year + years, day=min(issued.day, 28))
        status = "Còn hiệu lực" if expires >= date(2024, 12, 31) else "Hết hiệu lực"
        rows.append(
            (
                f"{numbers[i]}/{prefix}",
                issued.isoformat(),
                years,
                expires.isoformat(),
                status,
                *make(rng, i),
            )
        )
    rows.sort(key=lambda row: (str(row[1]), str(row[0])))
    return rows


PERMIT_FIELDS = [
    field("so_giay_phep", "string", "Số giấy phép"),
    field("ngay_cap", "date", "Ngày cấp"),
    field("thoi_han_nam", "integer", "Thời hạn", unit="năm"),
    field("ngay_het_han", "date", "Ngày hết hạn"),
    field("trang_thai", "string", "Trạng thái"),
]


def write_permits(packages: PackageWriter, rng: random.Random) -> None:
    def discharge(rng: random.Random, i: int) -> Row:
        trade = rng.choice(
            ("Than", "Xi măng", "Chế biến thủy sản", "Du lịch", "Nhiệt điện", "Cấp nước", "Dệt may")
        )
        return (
            firm(rng, trade),
            commune(rng),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.choice(RIVERS + ("Vịnh Hạ Long", "Vịnh Bái Tử Long")),
            rng.choice((50, 120, 300, 500, 1000, 2500, 6000, 12000)),
            rng.choice(("Tự chảy", "Bơm cưỡng bức")),
            rng.choice(("A", "B", "B", "C")),
        )

    rows = _permit_rows(rng, 320, "GP-UBND", discharge)
    packages.write(
        dataset_meta(
            "giay-phep-xa-thai-vao-nguon-nuoc",
            "Giấy phép xả nước thải vào nguồn nước",
            "Wastewater discharge permits",
            "Danh sách giấy phép xả nước thải vào nguồn nước do UBND tỉnh cấp từ 2015: tổ chức "
            "được cấp "
            "phép, nguồn tiếp nhận, lưu lượng xả lớn nhất và cột chất lượng theo QCVN "
            "40:2011/BTNMT.",
            ["giấy phép", "nước thải", "xả thải"],
            groups=["tai-nguyen-nuoc", "moi-truong"],
            temporal="2015-01-01/2024-12-31",
            frequency="monthly",
        ),
        [
            (
                "giay-phep",
                "Giấy phép xả thải",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("xa_phuong", "string", "Xã/phường"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field("nguon_tiep_nhan", "string", "Nguồn tiếp nhận"),
                    field(
                        "luu_luong_xa_toi_da",
                        "integer",
                        "Lưu lượng xả lớn nhất",
                        unit="m³/ngày đêm",
                    ),
                    field("phuong_thuc_xa", "string", "Phương thức xả"),
                    field("cot_qcvn", "string", "Cột áp dụng QCVN 40:2011/BTNMT"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )

    def ground(rng: random.Random, i: int) -> Row:
        trade = rng.choice(("Cấp nước", "Thực phẩm", "Khách sạn", "Khu công nghiệp", "Nước khoáng"))
        return (
            firm(rng, trade),
            commune(rng),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.randrange(1, 9),
            rng.choice((30, 80, 150, 200, 450, 900, 1500, 3000)),
            rng.choice(("Holocen", "Pleistocen", "Triat", "Cacbon-Pecmi")),
            rng.choice(("Sinh hoạt", "Sản xuất", "Sinh hoạt và sản xuất")),
        )

    rows = _permit_rows(rng, 210, "GP-UBND", ground)
    packages.write(
        dataset_meta(
            "giay-phep-khai-thac-nuoc-duoi-dat",
            "Giấy phép thăm dò, khai thác nước dưới đất",
            "Groundwater exploitation permits",
            "Giấy phép khai thác, sử dụng nước dưới đất: số giếng, lưu lượng khai thác, tầng chứa "
            "nước "
            "và mục đích sử dụng.",
            ["giấy phép", "nước dưới đất", "giếng khoan"],
            groups=["tai-nguyen-nuoc"],
            temporal="2015-01-01/2024-12-31",
            frequency="monthly",
        ),
        [
            (
                "giay-phep",
                "Giấy phép khai thác nước dưới đất",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("xa_phuong", "string", "Xã/phường"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field("so_gieng", "integer", "Số giếng khai thác"),
                    field(
                        "luu_luong_khai_thac", "integer", "Lưu lượng khai thác", unit="m³/ngày đêm"
                    ),
                    field("tang_chua_nuoc", "string", "Tầng chứa nước"),
                    field("muc_dich", "string", "Mục đích sử dụng"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )

    def surface(rng: random.Random, i: int) -> Row:
        return (
            firm(rng, rng.choice(("Cấp nước", "Thủy lợi", "Nhiệt điện", "Nuôi trồng thủy sản"))),
            rng.choice(RIVERS),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.choice((500, 2000, 5000, 15000, 40000, 120000)),
            rng.choice(("Cấp nước sinh hoạt", "Tưới", "Làm mát", "Sản xuất")),
        )

    rows = _permit_rows(rng, 120, "GP-UBND", surface)
    packages.write(
        dataset_meta(
            "giay-phep-khai-thac-nuoc-mat",
            "Giấy phép khai thác, sử dụng nước mặt",
            "Surface water abstraction permits",
            "Giấy phép khai thác nước mặt từ sông, suối, hồ chứa.",
            ["giấy phép", "nước mặt"],
            groups=["tai-nguyen-nuoc"],
            temporal="2015-01-01/2024-12-31",
            frequency="quarterly",
            license=None,
        ),
        [
            (
                "giay-phep",
                "Giấy phép khai thác nước mặt",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("nguon_nuoc", "string", "Nguồn nước"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field(
                        "luu_luong_khai_thac", "integer", "Lưu lượng khai thác", unit="m³/ngày đêm"
                    ),
                    field("muc_dich", "string", "Mục đích sử dụng"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )

    def mineral(rng: random.Random, i: int) -> Row:
        kind = rng.choice(
            (
                "Than",
                "Than",
                "Đá vôi làm vật liệu xây dựng",
                "Cát trắng",
                "Sét gạch ngói",
                "Cao lanh",
            )
        )
        return (
            firm(rng, "Khoáng sản" if kind != "Than" else "Than"),
            kind,
            rng.choice(QUANG_NINH_DISTRICTS),
            round(rng.uniform(2, 350), 2),
            rng.choice((20000, 50000, 150000, 500000, 1200000, 2500000)),
            rng.choice(("Lộ thiên", "Hầm lò")) if kind == "Than" else "Lộ thiên",
        )

    rows = _permit_rows(rng, 140, "GP-BTNMT", mineral)
    packages.write(
        dataset_meta(
            "giay-phep-khai-thac-khoang-san",
            "Giấy phép khai thác khoáng sản",
            "Mining licences",
            "Giấy phép khai thác khoáng sản (than, đá vôi, cát trắng, sét) trên địa bàn tỉnh: "
            "loại khoáng "
            "sản, diện tích, công suất và phương pháp khai thác.",
            ["khoáng sản", "than", "giấy phép"],
            groups=["dia-chat-khoang-san"],
            temporal="2015-01-01/2024-12-31",
            frequency="quarterly",
        ),
        [
            (
                "giay-phep",
                "Giấy phép khai thác khoáng sản",
                PERMIT_FIELDS
                + [
                    field("to_chuc_duoc_cap_phep", "string", "Tổ chức được cấp phép"),
                    field("loai_khoang_san", "string", "Loại khoáng sản"),
                    field("huyen", "string", "Huyện/thị xã/thành phố"),
                    field("dien_tich_ha", "number", "Diện tích", unit="ha"),
                    field(
                        "cong_suat", "integer", "Công suất khai thác", unit="tấn/năm hoặc m³/năm"
                    ),
                    field("phuong_phap", "string", "Phương pháp khai thác"),
                ],
                rows,
                ["so_giay_phep"],
            )
        ],
    )


def write_waste_and_inspections(packages: PackageWriter, rng: random.Random) -> None:
    waste: list[Row] = []
    for district in QUANG_NINH_DISTRICTS:
        base = rng.uniform(15, 420)
        for year in range(2020, 2025):
            produced = base * (1 + 0.04 * (year - 2020))
            waste.append(
                (
                    district,
                    year,
                    round(produced, 1),
                    round(produced * rng.uniform(0.82, 0.99), 1),
                    round(rng.uniform(0, 35), 1),
                )
            )
    packages.write(
        dataset_meta(
            "chat-thai-ran-sinh-hoat",
            "Khối lượng chất thải rắn sinh hoạt phát sinh và thu gom",
            "Municipal solid waste generated and collected",
            "Khối lượng chất thải rắn sinh hoạt phát sinh, thu gom và tỷ lệ tái chế theo đơn vị "
            "hành chính cấp huyện.",
            ["chất thải rắn", "rác thải", "thu gom"],
            groups=["moi-truong"],
            temporal="2020-01-01/2024-12-31",
            frequency="annual",
            license="other-open",
        ),
        [
            (
                "theo-huyen",
                "Theo huyện",
                [
                    field("dia_ban", "string", "Địa bàn"),
                    field("nam", "year", "Năm"),
                    field("phat_sinh", "number", "Khối lượng phát sinh", unit="tấn/ngày"),
                    field("thu_gom", "number", "Khối lượng thu gom", unit="tấn/ngày"),
                    field("ty_le_tai_che", "number", "Tỷ lệ tái chế", unit="%"),
                ],
                waste,
                ["dia_ban", "nam"],
            )
        ],
    )

    findings: list[Row] = [
        (
            f"TT-{2024}-{i + 1:03d}",
            firm(rng, "Than"),
            rng.choice(QUANG_NINH_DISTRICTS),
            rng.choice(("Chưa kết luận", "Đang xác minh")),
            rng.choice(("Nước thải", "Bụi", "Chất thải nguy hại")),
        )
        for i in range(40)
    ]
    packages.write(
        dataset_meta(
            "ket-qua-thanh-tra-moi-truong-chua-ket-luan",
            "Kết quả thanh tra môi trường chưa kết luận (nội bộ)",
            "Environmental inspections pending conclusion (internal)",
            "Dữ liệu làm việc nội bộ, chưa được phép công khai.",
            ["thanh tra", "nội bộ"],
            groups=["moi-truong"],
            temporal="2024-01-01/2024-12-31",
            frequency="irregular",
        ),
        [
            (
                "ho-so",
                "Hồ sơ thanh tra",
                [
                    field("ma_ho_so", "string", "Mã hồ sơ"),
                    field("doi_tuong", "string", "Đối tượng thanh tra"),
                    field("dia_ban", "string", "Địa bàn"),
                    field("tinh_trang", "string", "Tình trạng"),
                    field("noi_dung", "string", "Nội dung"),
                ],
                findings,
                ["ma_ho_so"],
            )
        ],
        private=True,
    )
