"""A seeded synthetic set of personal data for measuring the screen's recall (issue 9).

Every table plants known kinds of personal data (Vietnamese names, CCCDs with valid province
codes, old CMNDs, mobiles in every usual spelling, e-mails, birth dates, personal tax codes,
bank accounts, home addresses) under headers written four ways: with diacritics, without,
English, and opaque (``cot_3``), so that content detection is measured apart from names.
Free-text cases plant the same kinds in descriptions. Used by tests and ``bench/privacy.py``.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogue.privacy.detectors import MOBILE_PREFIXES, PROVINCE_CODES, fold

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
         "Trang", "Tuấn", "Vy", "Yến")
BANKS = ("Vietcombank", "BIDV", "Agribank", "VietinBank", "Techcombank", "MB Bank", "ACB")
DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com")
STREETS = ("Lê Lợi", "Trần Phú", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung")
WARDS = ("Phường Hồng Hải", "Phường Tân Phú", "Xã Đồng Tiến", "Phường 3", "Thị trấn Lộc Ninh")

# kind -> headers (with diacritics, without, English, glued); "" = opaque header
HEADERS: dict[str, tuple[str, ...]] = {
    "full_name": ("Họ và tên", "ho_ten", "Full name", "HoTen"),
    "date_of_birth": ("Ngày sinh", "ngay_sinh", "Date of birth", "NgaySinh"),
    "cccd": ("Số CCCD", "so_cccd", "Citizen ID", "SoCCCD"),
    "cmnd": ("Số CMND", "so_cmnd", "CMND", "SoCMND"),
    "phone": ("Số điện thoại", "so_dien_thoai", "Phone", "SoDienThoai"),
    "email": ("Email", "email", "E-mail", "ThuDienTu"),
    "tax_code": ("Mã số thuế cá nhân", "ma_so_thue_ca_nhan", "Personal tax code", "MSTCaNhan"),
    "bank_account": ("Số tài khoản", "so_tai_khoan", "Bank account", "SoTaiKhoan"),
    "address": ("Địa chỉ thường trú", "dia_chi_thuong_tru", "Home address", "NoiThuongTru"),
}
# Kinds a screen can only recognise by their header (a column of names or addresses alone is
# not held, by design: street and monument names are people's names too).
HEADER_ONLY = frozenset({"full_name", "address"})


@dataclass
class SyntheticTable:
    header: list[str]
    rows: list[list[str]]
    planted: dict[str, str] = field(default_factory=dict)  # kind -> column header
    opaque: bool = False


@dataclass
class SyntheticText:
    text: str
    kinds: set[str]


class PersonFactory:
    """Plausible Vietnamese personal data, from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.provinces = sorted(PROVINCE_CODES)
        self.mobiles = sorted(MOBILE_PREFIXES)

    def name(self) -> str:
        r = self.rng
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def birth_year(self) -> int:
        return self.rng.randint(1940, 2010)

    def cccd(self) -> str:
        year = self.birth_year()
        gender = self.rng.randint(0, 1) + (2 if year >= 2000 else 0)
        return (f"{self.rng.choice(self.provinces)}{gender}{year % 100:02d}"
                f"{self.rng.randint(0, 999_999):06d}")

    def cmnd(self) -> str:
        return f"{self.rng.randint(1, 38):02d}{self.rng.randint(0, 9_999_999):07d}"

    def phone(self) -> str:
        prefix = self.rng.choice(self.mobiles)
        rest = f"{self.rng.randint(0, 9_999_999):07d}"
        national = prefix + rest
        style = self.rng.randrange(6)
        if style == 0:
            return national
        if style == 1:
            return f"{national[:4]} {national[4:7]} {national[7:]}"
        if style == 2:
            return f"{national[:4]}.{national[4:7]}.{national[7:]}"
        if style == 3:
            return f"+84 {national[1:4]} {national[4:7]} {national[7:]}"
        if style == 4:
            return f"+84{national[1:]}"
        return f"(+84) {national[1:4]}-{national[4:7]}-{national[7:]}"

    def email(self, name: str) -> str:
        parts = fold(name).split()
        local = self.rng.choice([f"{parts[-1]}.{parts[0]}", f"{parts[-1]}{parts[0]}",
                                 f"{parts[-1]}{self.rng.randint(70, 99)}"])
        return f"{local}@{self.rng.choice(DOMAINS)}"

    def date_of_birth(self) -> str:
        y, m, d = self.birth_year(), self.rng.randint(1, 12), self.rng.randint(1, 28)
        return f"{d:02d}/{m:02d}/{y}" if self.rng.random() < 0.6 else f"{y}-{m:02d}-{d:02d}"

    def tax_code(self) -> str:
        code = f"8{self.rng.randint(0, 999_999_999):09d}"
        return code + "-001" if self.rng.random() < 0.1 else code

    def bank_account(self) -> str:
        return str(self.rng.randint(10**9, 10**14 - 1))

    def address(self) -> str:
        return (f"Số {self.rng.randint(1, 300)} {self.rng.choice(STREETS)}, "
                f"{self.rng.choice(WARDS)}")

    def value(self, kind: str, person: dict[str, str]) -> str:
        if kind == "full_name":
            return person["name"]
        if kind == "email":
            return self.email(person["name"])
        return str(getattr(self, kind)())


NEUTRAL = {  # ordinary open-data columns mixed in with the personal ones
    "huyen": lambda r: r.choice(["Thành phố Hạ Long", "Huyện Bù Đăng", "Huyện Bảo Lạc"]),
    "nam": lambda r: str(r.randint(2015, 2024)),
    "so_luong": lambda r: str(r.randint(1, 5000)),
    "don_gia": lambda r: f"{r.randint(100, 99_000)}",
    "ngay_cap": lambda r: f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{r.randint(2010, 2024)}",
}


def make_tables(seed: int = 9, count: int = 120, rows: int = 30) -> list[SyntheticTable]:
    """Tables each planting 1–5 kinds of personal data among neutral columns."""
    rng = random.Random(seed)
    people = PersonFactory(rng)
    tables: list[SyntheticTable] = []
    kinds = list(HEADERS)
    for index in range(count):
        style = index % 5  # 0–3: header styles, 4: opaque headers
        chosen = rng.sample(kinds, rng.randint(1, 5))
        if "date_of_birth" in chosen and "full_name" not in chosen:
            chosen.append("full_name")  # a birth date is personal data next to a name
        if "bank_account" in chosen and style == 4:
            chosen.append("bank_name")
        neutral = rng.sample(list(NEUTRAL), 2)
        columns: list[tuple[str, str]] = []  # (header, kind or neutral key)
        for position, kind in enumerate(chosen):
            if kind == "bank_name":
                columns.append(("ngan_hang", kind))
            elif style == 4:
                columns.append((f"cot_{position + 1}", kind))
            else:
                columns.append((HEADERS[kind][style], kind))
        columns += [(key, key) for key in neutral]
        rng.shuffle(columns)
        body: list[list[str]] = []
        for _ in range(rows):
            person = {"name": people.name()}
            line = []
            for _header, kind in columns:
                if kind in NEUTRAL:
                    line.append(NEUTRAL[kind](rng))
                elif kind == "bank_name":
                    line.append(rng.choice(BANKS))
                else:
                    line.append(people.value(kind, person))
            body.append(line)
        planted = {kind: header for header, kind in columns if kind in HEADERS}
        tables.append(SyntheticTable([h for h, _k in columns], body, planted, style == 4))
    return tables


TEMPLATES = {
    "phone": "Liên hệ anh {name}, số điện thoại {value} để được hỗ trợ.",
    "email": "Mọi góp ý xin gửi về {name} qua thư {value}.",
    "cccd": "Người nộp hồ sơ {name}, CCCD {value}, đã hoàn tất thủ tục.",
    "cmnd": "Ông {name} (CMND số {value}) là người đại diện.",
    "date_of_birth": "Hộ kinh doanh do bà {name}, sinh ngày {value}, đứng tên.",
    "tax_code": "Cá nhân {name}, mã số thuế cá nhân {value}.",
    "bank_account": "Chuyển khoản cho {name}, số tài khoản {bank} {value}.",
}


def make_texts(seed: int = 19, count: int = 70) -> list[SyntheticText]:
    """Descriptions each planting one kind of personal data in running text."""
    rng = random.Random(seed)
    people = PersonFactory(rng)
    texts: list[SyntheticText] = []
    kinds = list(TEMPLATES)
    for index in range(count):
        kind = kinds[index % len(kinds)]
        name = people.name()
        value = people.value(kind, {"name": name})
        body = TEMPLATES[kind].format(name=name, value=value, bank=rng.choice(BANKS))
        texts.append(SyntheticText(f"Dữ liệu tổng hợp năm 2024. {body}", {kind}))
    return texts


def measure(tables: list[SyntheticTable], texts: list[SyntheticText],
            this_year: int = 2026) -> dict[str, Any]:
    """Recall over planted (table, kind) pairs and planted texts, plus per-kind figures."""
    from catalogue.privacy import screen_table, screen_text

    per_kind: dict[str, list[int]] = {}
    for table in tables:
        found = screen_table(table.header, table.rows, this_year=this_year).kinds
        for kind in table.planted:
            if table.opaque and kind in HEADER_ONLY:
                continue
            hit = per_kind.setdefault(kind, [0, 0])
            hit[1] += 1
            hit[0] += kind in found
    for sample in texts:
        found = {f.kind for f in screen_text(sample.text, "notes", this_year=this_year)}
        for kind in sample.kinds:
            hit = per_kind.setdefault("text:" + kind, [0, 0])
            hit[1] += 1
            hit[0] += kind in found
    detected = sum(h[0] for h in per_kind.values())
    planted = sum(h[1] for h in per_kind.values())
    return {"recall": detected / planted if planted else 1.0, "detected": detected,
            "planted": planted, "per_kind": per_kind}


def screen_demo_tree(root: Path, this_year: int = 2026) -> dict[str, list[dict[str, Any]]]:
    """Screen every table and metadata text the demo agencies publish: path -> findings.

    Tables: CSV, XLSX, GeoJSON properties and SQLite tables. Metadata: data package and
    catalogue descriptions, sidecar TOML files and the DCAT Turtle, screened as free text.
    """
    from catalogue.privacy import screen_file, screen_metadata, screen_table, screen_text

    report: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = str(path.relative_to(root))
        suffix = path.suffix.lower().lstrip(".")
        findings: list[Any] = []
        if suffix in ("csv", "xlsx", "geojson"):
            findings = screen_file(path, suffix, this_year=this_year).findings
            if path.name == "catalog.csv":
                with path.open(encoding="utf-8") as handle:
                    for row in csv.DictReader(handle):
                        findings += screen_metadata({"title": row.get("title"),
                                                     "notes": row.get("description")},
                                                    this_year=this_year).findings
        elif path.name == "datapackage.json":
            package = json.loads(path.read_text(encoding="utf-8"))
            package["notes"] = package.get("description", "")
            findings = screen_metadata(package, this_year=this_year).findings
        elif suffix in ("toml", "ttl"):
            findings = screen_text(path.read_text(encoding="utf-8"), rel, this_year=this_year)
        elif suffix == "sqlite":
            with closing(sqlite3.connect(path)) as db:
                tables = [r[0] for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")]
                for table in tables:
                    cursor = db.execute(f'SELECT * FROM "{table}"')
                    header = [c[0] for c in cursor.description]
                    findings += screen_table(header, cursor, this_year=this_year).findings
        if findings:
            report[rel] = [f.to_dict() for f in findings]
    return report


def make_hard_negatives(seed: int = 29, rows: int = 40) -> list[SyntheticTable]:
    """Open-data tables that look like personal data and are not: the false-positive traps.

    Business tax codes, 9- and 12-digit amounts, permit and decision numbers, coordinates,
    agency landlines and mailboxes, streets named after people next to decision dates.
    """
    rng = random.Random(seed)
    agencies = ("stnmt@quangninh.gov.vn", "lienhe@camau.gov.vn", "info@vnpt.vn")
    tables = [
        SyntheticTable(
            ["ma_so_thue", "ten_doanh_nghiep", "von_dieu_le_dong", "dien_thoai", "email"],
            [[f"{rng.choice(['01', '03', '57', '38'])}{rng.randint(0, 99_999_999):08d}",
              f"Công ty TNHH {rng.choice(GIVEN)} {rng.choice(GIVEN)}",
              str(rng.randint(100_000_000, 999_999_999_999)),
              f"0203 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
              rng.choice(agencies)] for _ in range(rows)]),
        SyntheticTable(
            ["so_quyet_dinh", "ngay_quyet_dinh", "tuyen_duong", "gia_dat_dong_m2"],
            [[f"{rng.randint(100, 3999)}/QĐ-UBND",
              f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2015, 2024)}",
              rng.choice(STREETS), str(rng.randint(100_000_000, 999_999_999))]
             for _ in range(rows)]),
        SyntheticTable(
            ["ma_tram", "vi_do", "kinh_do", "thoi_gian", "gia_tri"],
            [[f"QN-KK{rng.randint(1, 20):02d}", f"{rng.uniform(8, 23):.6f}",
              f"{rng.uniform(102, 109):.6f}",
              f"2024-01-{rng.randint(1, 28):02d}T0{rng.randint(0, 9)}:00",
              f"{rng.uniform(0, 500):.1f}"] for _ in range(rows)]),
        SyntheticTable(
            ["ma_ho_so", "nam", "doanh_thu_dong", "so_hieu_tai_khoan_ke_toan"],
            [[f"HS-{rng.randint(0, 999_999):06d}", str(rng.randint(2015, 2024)),
              str(rng.randint(10**11, 10**12 - 1)), str(rng.choice([111, 112, 131, 331, 511]))]
             for _ in range(rows)]),
    ]
    return tables
