"""What the Cà Mau database publishes: its tables and named queries, described."""

from __future__ import annotations

from ..meta import DatasetMeta, MetaFactory

SPATIAL = "Tỉnh Cà Mau"

dataset_meta = MetaFactory(SPATIAL)

# (table, metadata): each table is published whole, in this order.
TABLES: list[tuple[str, DatasetMeta]] = [
    (
        "nha_may_dien",
        dataset_meta(
            "nha-may-dien",
            "Nhà máy điện trên địa bàn tỉnh",
            "Power plants in the province",
            "Nhà máy nhiệt điện khí, điện gió và điện mặt trời: công suất lắp đặt, năm vận "
            "hành, vị trí và chủ đầu tư.",
            ["điện gió", "nhiệt điện", "năng lượng"],
            groups=["cong-thuong"],
            temporal="2007-01-01/2024-12-31",
            frequency="irregular",
        ),
    ),
    (
        "san_luong_dien_thang",
        dataset_meta(
            "san-luong-dien-theo-thang",
            "Sản lượng điện phát theo tháng của các nhà máy",
            "Monthly electricity generation by plant",
            "Sản lượng điện phát lên lưới (triệu kWh) theo nhà máy và tháng, 2020–2024.",
            ["sản lượng điện", "điện gió", "nhiệt điện"],
            groups=["cong-thuong"],
            temporal="2020-01-01/2024-12-31",
            frequency="monthly",
        ),
    ),
    (
        "tieu_thu_dien_thang",
        dataset_meta(
            "dien-thuong-pham-theo-thanh-phan",
            "Điện thương phẩm theo thành phần phụ tải",
            "Electricity sales by consumer category",
            "Điện thương phẩm (triệu kWh) theo thành phần phụ tải và tháng.",
            ["tiêu thụ điện", "điện thương phẩm"],
            groups=["cong-thuong", "kinh-te"],
            temporal="2020-01-01/2024-12-31",
            frequency="monthly",
            license="CC0-1.0",
        ),
    ),
    (
        "cho",
        dataset_meta(
            "mang-luoi-cho",
            "Mạng lưới chợ",
            "Market network",
            "Danh sách chợ: hạng chợ, loại hình, số điểm kinh doanh, năm xây dựng.",
            ["chợ", "thương mại", "hạ tầng thương mại"],
            groups=["cong-thuong"],
            temporal="2024-01-01/2024-12-31",
            frequency="annual",
        ),
    ),
    (
        "cua_hang_xang_dau",
        dataset_meta(
            "cua-hang-xang-dau",
            "Cửa hàng bán lẻ xăng dầu",
            "Fuel retail stations",
            "Cửa hàng xăng dầu đã được cấp giấy chứng nhận đủ điều kiện bán lẻ: thương nhân, "
            "vị trí, thời hạn giấy chứng nhận.",
            ["xăng dầu", "cửa hàng", "giấy chứng nhận"],
            groups=["cong-thuong"],
            temporal="2019-01-01/2024-12-31",
            frequency="monthly",
            license="ODC-BY-1.0",
        ),
    ),
    (
        "gia_xang_dau",
        dataset_meta(
            "gia-xang-dau-ky-dieu-hanh",
            "Giá bán lẻ xăng dầu theo kỳ điều hành",
            "Retail fuel prices by adjustment period",
            "Giá bán lẻ tối đa (đồng/lít, đồng/kg với mazut) vùng 1 và vùng 2 theo từng kỳ "
            "điều hành của liên Bộ Công Thương – Tài chính.",
            ["giá xăng dầu", "giá cả"],
            groups=["cong-thuong", "kinh-te"],
            temporal="2022-01-01/2024-12-31",
            frequency="weekly",
            license="CC0-1.0",
        ),
    ),
    (
        "cum_cong_nghiep",
        dataset_meta(
            "cum-cong-nghiep",
            "Cụm công nghiệp",
            "Industrial clusters",
            "Cụm công nghiệp: diện tích quy hoạch, tỷ lệ lấp đầy và ngành nghề thu hút.",
            ["cụm công nghiệp", "công nghiệp"],
            groups=["cong-thuong", "xay-dung"],
            temporal="2024-01-01/2024-12-31",
            frequency="annual",
            license=None,
        ),
    ),
    (
        "chi_so_san_xuat_cong_nghiep",
        dataset_meta(
            "chi-so-san-xuat-cong-nghiep",
            "Chỉ số sản xuất công nghiệp (IIP) theo tháng",
            "Monthly index of industrial production (IIP)",
            "Chỉ số IIP so với cùng kỳ năm trước (%) theo ngành cấp 1.",
            ["IIP", "công nghiệp", "thống kê"],
            groups=["cong-thuong", "kinh-te"],
            temporal="2020-01-01/2024-12-31",
            frequency="monthly",
        ),
    ),
    (
        "kim_ngach_xuat_khau",
        dataset_meta(
            "kim-ngach-xuat-khau",
            "Kim ngạch xuất khẩu theo nhóm hàng",
            "Export turnover by product group",
            "Kim ngạch xuất khẩu (triệu USD) theo tháng và nhóm hàng chủ lực: tôm, cua, cá, "
            "phân bón.",
            ["xuất khẩu", "thủy sản", "tôm"],
            groups=["cong-thuong", "kinh-te"],
            temporal="2020-01-01/2024-12-31",
            frequency="monthly",
            license="other-open",
        ),
    ),
]

WIND_SQL = (
    "SELECT substr(s.thang, 1, 4) AS nam, n.ten_nha_may, ROUND(SUM(s.san_luong_trieu_kwh), 2) "
    "AS san_luong_trieu_kwh "
    "FROM san_luong_dien_thang s JOIN nha_may_dien n ON n.ma_nha_may = s.ma_nha_may "
    "WHERE n.loai_hinh = 'Điện gió' GROUP BY nam, n.ten_nha_may ORDER BY nam, n.ten_nha_may"
)
WIND = dataset_meta(
    "san-luong-dien-gio-theo-nam",
    "Sản lượng điện gió theo năm",
    "Annual wind power generation",
    "Tổng hợp sản lượng điện gió theo năm và nhà máy, tính từ sản lượng tháng.",
    ["điện gió", "năng lượng tái tạo", "sản lượng điện"],
    groups=["cong-thuong"],
    temporal="2020-01-01/2024-12-31",
    frequency="annual",
)
E5_SQL = (
    "SELECT ky_dieu_hanh, gia_vung_1, gia_vung_2 FROM gia_xang_dau "
    "WHERE mat_hang = 'Xăng E5 RON 92-II' ORDER BY ky_dieu_hanh"
)
E5 = dataset_meta(
    "gia-xang-e5-ron92",
    "Diễn biến giá xăng E5 RON 92",
    "E5 RON 92 petrol price history",
    "Giá bán lẻ xăng sinh học E5 RON 92-II qua các kỳ điều hành.",
    ["giá xăng dầu", "xăng E5"],
    groups=["cong-thuong", "kinh-te"],
    temporal="2022-01-01/2024-12-31",
    frequency="weekly",
    license="CC0-1.0",
)
# (metadata, SQL): datasets that are a query over the tables.
QUERIES: list[tuple[DatasetMeta, str]] = [(WIND, WIND_SQL), (E5, E5_SQL)]
