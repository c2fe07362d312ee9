"""Air quality stations and series (QCVN 05:2023/BTNMT), and daily rainfall."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from ..writers import Row
from .packages import CENTRE_ORG, PackageWriter, dataset_meta, field

# QCVN 05:2023/BTNMT, 24-hour averages in µg/m³.
QCVN_24H = {"pm2_5": 50, "pm10": 100, "no2": 100, "so2": 125}
# VN_AQI breakpoints for PM2.5 (Quyết định 1459/QĐ-TCMT 2019): (concentration, index).
PM25_BREAKS = (
    (0, 0),
    (25, 50),
    (50, 100),
    (80, 150),
    (150, 200),
    (250, 300),
    (350, 400),
    (500, 500),
)

STATIONS = (
    (
        "QN-KK01",
        "Trạm quan trắc không khí tự động phường Hồng Hải",
        "Thành phố Hạ Long",
        20.9545,
        107.0953,
        24.0,
    ),
    (
        "QN-KK02",
        "Trạm quan trắc không khí tự động phường Cẩm Thạch",
        "Thành phố Cẩm Phả",
        21.0123,
        107.2771,
        38.0,
    ),
    (
        "QN-KK03",
        "Trạm quan trắc không khí tự động phường Mông Dương",
        "Thành phố Cẩm Phả",
        21.0632,
        107.3365,
        42.0,
    ),
    (
        "QN-KK04",
        "Trạm quan trắc không khí tự động phường Quang Trung",
        "Thành phố Uông Bí",
        21.0352,
        106.7739,
        33.0,
    ),
    (
        "QN-KK05",
        "Trạm quan trắc không khí tự động phường Mạo Khê",
        "Thị xã Đông Triều",
        21.0589,
        106.5962,
        35.0,
    ),
    (
        "QN-KK06",
        "Trạm quan trắc không khí tự động phường Trần Phú",
        "Thành phố Móng Cái",
        21.5284,
        107.9662,
        19.0,
    ),
)


def aqi_pm25(value: float) -> int:
    """VN_AQI sub-index of a PM2.5 concentration by linear interpolation of the breakpoints."""
    for (c_lo, i_lo), (c_hi, i_hi) in zip(PM25_BREAKS, PM25_BREAKS[1:], strict=False):
        if value <= c_hi:
            return round(i_lo + (i_hi - i_lo) * (value - c_lo) / (c_hi - c_lo))
    return 500


def write_air(packages: PackageWriter, rng: random.Random) -> None:
    station_fields = [
        field("ma_tram", "string", "Mã trạm"),
        field("ten_tram", "string", "Tên trạm"),
        field("dia_ban", "string", "Địa bàn"),
        field("vi_do", "number", "Vĩ độ", unit="độ"),
        field("kinh_do", "number", "Kinh độ", unit="độ"),
        field("loai_tram", "string", "Loại trạm"),
        field("nam_van_hanh", "integer", "Năm đưa vào vận hành"),
    ]
    station_rows: list[Row] = [
        (code, name, district, lat, lon, "Tự động, liên tục", 2016 + i % 5)
        for i, (code, name, district, lat, lon, _) in enumerate(STATIONS)
    ]
    packages.write(
        dataset_meta(
            "tram-quan-trac-khong-khi-tu-dong",
            "Danh sách trạm quan trắc không khí tự động",
            "Automatic air quality monitoring stations",
            "Vị trí, địa bàn và năm vận hành của các trạm quan trắc chất lượng không khí tự động, "
            "liên tục trên địa bàn tỉnh Quảng Ninh.",
            ["không khí", "trạm quan trắc", "quan trắc tự động"],
            groups=["moi-truong"],
            temporal="2016-01-01/2024-12-31",
            frequency="irregular",
            license="CC0-1.0",
        ),
        [("tram-quan-trac", "Trạm quan trắc", station_fields, station_rows, ["ma_tram"])],
        organization=CENTRE_ORG,
    )

    pollutant_fields = [
        field("pm2_5", "number", "Bụi PM2.5", unit="µg/m³"),
        field("pm10", "number", "Bụi PM10", unit="µg/m³"),
        field("no2", "number", "NO2", unit="µg/m³"),
        field("so2", "number", "SO2", unit="µg/m³"),
        field("co", "number", "CO", unit="µg/m³"),
        field("o3", "number", "O3", unit="µg/m³"),
        field("vn_aqi", "integer", "Chỉ số VN_AQI (PM2.5)"),
    ]
    hourly: list[Row] = []
    start = datetime(2024, 1, 1, 1, 0)
    for code, _, _, _, _, base in STATIONS:
        for hour in range(31 * 24):
            moment = start + timedelta(hours=hour)
            rush = (
                1.0
                + 0.35 * math.exp(-((moment.hour - 8) ** 2) / 6)
                + 0.45 * math.exp(-((moment.hour - 19) ** 2) / 8)
            )
            pm25 = max(3.0, rng.gauss(base * 1.35 * rush, base * 0.35))
            hourly.append(
                (
                    code,
                    moment.isoformat(),
                    round(pm25, 1),
                    round(pm25 * rng.uniform(1.5, 2.1), 1),
                    round(rng.uniform(12, 65) * rush, 1),
                    round(rng.uniform(5, 40), 1),
                    round(rng.uniform(500, 2600) * rush),
                    round(rng.uniform(20, 110), 1),
                    aqi_pm25(pm25),
                )
            )
    packages.write(
        dataset_meta(
            "quan-trac-khong-khi-tu-dong-theo-gio-2024-01",
            "Kết quả quan trắc không khí tự động theo giờ, tháng 01/2024",
            "Hourly automatic air quality monitoring results, January 2024",
            "Giá trị trung bình 1 giờ của bụi PM2.5, PM10, NO2, SO2, CO, O3 và chỉ số VN_AQI tại "
            "6 trạm quan trắc tự động. Số liệu chưa qua hiệu chỉnh cuối cùng.",
            ["không khí", "PM2.5", "AQI", "quan trắc tự động"],
            groups=["moi-truong"],
            temporal="2024-01-01/2024-01-31",
            frequency="daily",
        ),
        [
            (
                "ket-qua-theo-gio",
                "Kết quả theo giờ",
                [
                    field("ma_tram", "string", "Mã trạm"),
                    field("thoi_gian", "datetime", "Thời điểm (giờ Việt Nam)"),
                    *pollutant_fields,
                ],
                hourly,
                ["ma_tram", "thoi_gian"],
            )
        ],
        organization=CENTRE_ORG,
    )

    daily: list[Row] = []
    for code, _, _, _, _, base in STATIONS:
        for offset in range(365):
            day = date(2023, 1, 1) + timedelta(days=offset)
            season = 1.0 + 0.55 * math.cos(2 * math.pi * (offset - 10) / 365)
            pm25 = max(4.0, rng.gauss(base * season, base * 0.25))
            pm10 = pm25 * rng.uniform(1.5, 2.0)
            no2 = rng.uniform(15, 70) * season
            so2 = rng.uniform(6, 45)
            exceeded = pm25 > QCVN_24H["pm2_5"] or pm10 > QCVN_24H["pm10"] or no2 > QCVN_24H["no2"]
            daily.append(
                (
                    code,
                    day.isoformat(),
                    round(pm25, 1),
                    round(pm10, 1),
                    round(no2, 1),
                    round(so2, 1),
                    aqi_pm25(pm25),
                    exceeded,
                )
            )
    limit = "QCVN 05:2023/BTNMT"
    packages.write(
        dataset_meta(
            "quan-trac-khong-khi-trung-binh-ngay-2023",
            "Chất lượng không khí trung bình ngày tại các trạm tự động năm 2023",
            "Daily average air quality at automatic stations, 2023",
            "Giá trị trung bình 24 giờ của bụi PM2.5, PM10, NO2, SO2 và VN_AQI. Cột vuot_qcvn "
            "đánh dấu "
            "ngày có ít nhất một thông số vượt giới hạn trung bình 24 giờ của QCVN 05:2023/BTNMT.",
            ["không khí", "PM2.5", "PM10", "QCVN 05:2023/BTNMT", "AQI"],
            groups=["moi-truong"],
            temporal="2023-01-01/2023-12-31",
            frequency="daily",
        ),
        [
            (
                "trung-binh-ngay",
                "Trung bình ngày",
                [
                    field("ma_tram", "string", "Mã trạm"),
                    field("ngay", "date", "Ngày"),
                    field(
                        "pm2_5",
                        "number",
                        "Bụi PM2.5 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["pm2_5"], "averaging": "24h"},
                    ),
                    field(
                        "pm10",
                        "number",
                        "Bụi PM10 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["pm10"], "averaging": "24h"},
                    ),
                    field(
                        "no2",
                        "number",
                        "NO2 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["no2"], "averaging": "24h"},
                    ),
                    field(
                        "so2",
                        "number",
                        "SO2 trung bình 24 giờ",
                        unit="µg/m³",
                        threshold={"standard": limit, "max": QCVN_24H["so2"], "averaging": "24h"},
                    ),
                    field("vn_aqi", "integer", "Chỉ số VN_AQI ngày (PM2.5)"),
                    field("vuot_qcvn", "boolean", "Vượt QCVN 05:2023/BTNMT"),
                ],
                daily,
                ["ma_tram", "ngay"],
            )
        ],
        organization=CENTRE_ORG,
    )

    monthly: list[Row] = []
    for code, _, _, _, _, base in STATIONS:
        for year in range(2019, 2025):
            for month in range(1, 13):
                season = 1.0 + 0.5 * math.cos(2 * math.pi * (month - 1) / 12)
                mean = max(
                    5.0, rng.gauss(base * season * (1.06 - 0.02 * (year - 2019)), base * 0.08)
                )
                days_over = (
                    max(0, round((mean - 30) / 2.5 + rng.uniform(-2, 2))) if mean > 30 else 0
                )
                monthly.append(
                    (
                        code,
                        f"{year}-{month:02d}",
                        round(mean, 1),
                        aqi_pm25(mean),
                        min(days_over, 28),
                    )
                )
    packages.write(
        dataset_meta(
            "chi-so-chat-luong-khong-khi-theo-thang",
            "Chỉ số chất lượng không khí theo tháng 2019–2024",
            "Monthly air quality index 2019–2024",
            "PM2.5 trung bình tháng, VN_AQI tháng và số ngày vượt QCVN 05:2023/BTNMT (giới hạn "
            "trung "
            "bình 24 giờ 50 µg/m³) tại từng trạm.",
            ["không khí", "AQI", "thống kê"],
            groups=["moi-truong"],
            temporal="2019-01-01/2024-12-31",
            frequency="monthly",
        ),
        [
            (
                "theo-thang",
                "Theo tháng",
                [
                    field("ma_tram", "string", "Mã trạm"),
                    field("thang", "yearmonth", "Tháng"),
                    field("pm2_5_tb", "number", "PM2.5 trung bình tháng", unit="µg/m³"),
                    field("vn_aqi", "integer", "VN_AQI tháng"),
                    field("so_ngay_vuot_qcvn", "integer", "Số ngày vượt QCVN", unit="ngày"),
                ],
                monthly,
                ["ma_tram", "thang"],
            )
        ],
        organization=CENTRE_ORG,
    )


def write_rainfall(packages: PackageWriter, rng: random.Random) -> None:
    stations = ("Bãi Cháy", "Cửa Ông", "Uông Bí", "Móng Cái", "Tiên Yên", "Cô Tô")
    rain: list[Row] = []
    for station in stations:
        for offset in range(366):
            day = date(2024, 1, 1) + timedelta(days=offset)
            wet = (
                0.15 + 0.45 * max(0.0, math.sin(math.pi * (offset - 90) / 200))
                if 90 <= offset <= 290
                else 0.15
            )
            mm = round(rng.expovariate(1 / 22), 1) if rng.random() < wet else 0.0
            rain.append(
                (
                    station,
                    day.isoformat(),
                    mm,
                    round(rng.gauss(24 + 6 * math.sin(math.pi * (offset - 80) / 183), 2), 1),
                )
            )
    packages.write(
        dataset_meta(
            "luong-mua-nhiet-do-ngay-2024",
            "Lượng mưa và nhiệt độ trung bình ngày năm 2024",
            "Daily rainfall and mean temperature, 2024",
            "Lượng mưa ngày và nhiệt độ không khí trung bình ngày tại 6 trạm khí tượng trên địa "
            "bàn tỉnh.",
            ["lượng mưa", "nhiệt độ", "khí tượng"],
            groups=["khi-tuong-thuy-van"],
            temporal="2024-01-01/2024-12-31",
            frequency="daily",
        ),
        [
            (
                "quan-trac-ngay",
                "Số liệu ngày",
                [
                    field("tram", "string", "Trạm khí tượng"),
                    field("ngay", "date", "Ngày"),
                    field("luong_mua", "number", "Lượng mưa", unit="mm"),
                    field("nhiet_do_tb", "number", "Nhiệt độ trung bình", unit="°C"),
                ],
                rain,
                ["tram", "ngay"],
            )
        ],
        source_title="Đài Khí tượng Thủy văn khu vực Đông Bắc",
    )
