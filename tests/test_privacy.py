"""Personal-data screening: recall on synthetic personal data, zero findings on the demo data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from privacy_synthetic import (  # noqa: E402
    make_hard_negatives,
    make_tables,
    make_texts,
    measure,
    screen_demo_tree,
)

from catalogue.privacy import screen_file, screen_metadata, screen_table, screen_text  # noqa: E402
from catalogue.privacy.columns import column_kind  # noqa: E402
from catalogue.privacy.detectors import is_cccd, is_mobile_phone, is_personal_email  # noqa: E402

YEAR = 2026


def test_recall_on_synthetic_personal_data_is_at_least_95_percent() -> None:
    result = measure(make_tables(), make_texts(), this_year=YEAR)
    assert result["recall"] >= 0.95, result["per_kind"]


def test_demo_agencies_data_has_no_findings(tmp_path: Path) -> None:
    from examples.demo_sources import generate_demo_sources

    generate_demo_sources(tmp_path)
    assert screen_demo_tree(tmp_path, this_year=YEAR) == {}


def test_look_alike_open_data_has_no_findings() -> None:
    for table in make_hard_negatives():
        assert screen_table(table.header, table.rows, this_year=YEAR).findings == []


def test_findings_carry_positions_never_values() -> None:
    rows = [["Nguyễn Văn An", "001090123456", "0912 345 678"],
            ["Trần Thị Lan", "079185001234", "+84 987 654 321"]]
    result = screen_table(["Họ và tên", "Số CCCD", "Số điện thoại"], rows, this_year=YEAR)
    report = json.dumps(result.to_dict(), ensure_ascii=False)
    assert result.kinds == {"full_name", "cccd", "phone"}
    for row in rows:
        for value in row:
            assert value not in report and value.replace(" ", "") not in report
    cccd = next(f for f in result.findings if f.kind == "cccd")
    assert (cccd.column, cccd.count, cccd.positions) == ("Số CCCD", 2, (1, 2))


def test_cccd_needs_a_valid_province_code_and_birth_year() -> None:
    assert is_cccd("001090123456", this_year=YEAR)
    assert not is_cccd("003090123456", this_year=YEAR)  # 003 is not a province code
    assert not is_cccd("001290123456", this_year=YEAR)  # born 2090
    assert not is_cccd("123456789012", this_year=YEAR)


@pytest.mark.parametrize(("value", "expected"), [
    ("0912345678", True), ("091 234 5678", True), ("0912.345.678", True),
    ("+84 912 345 678", True), ("+84912345678", True), ("84 912 345 678", True),
    ("84912345678", False),  # a bare 11-digit number is as likely an amount
    ("0203 3825 123", False),  # landline: an agency's own number
    ("0112345678", False),
])
def test_mobile_numbers_in_usual_spellings(value: str, expected: bool) -> None:
    assert is_mobile_phone(value) is expected


def test_agency_and_role_mailboxes_are_not_personal() -> None:
    assert not is_personal_email("stnmt@quangninh.gov.vn")
    assert not is_personal_email("lienhe@company.vn")
    assert is_personal_email("lan.nguyen85@gmail.com")


@pytest.mark.parametrize(("name", "kind"), [
    ("Họ và tên", "full_name"), ("ho_va_ten", "full_name"), ("HoTen", "full_name"),
    ("Ngày sinh", "date_of_birth"), ("ngaysinh", "date_of_birth"), ("Số CCCD", "cccd"),
    ("so_cmnd", "cmnd"), ("Số điện thoại", "phone"), ("Địa chỉ thường trú", "address"),
    ("dia chi email", "email"), ("Mã số thuế cá nhân", "tax_code"),
    ("so_tai_khoan", "bank_account"),
    ("so_ho_tham_gia", None), ("nam_xay_dung", None), ("dia_ban", None), ("huyen", None),
    ("chu_tai_khoan", "full_name"), ("Người đại diện", "full_name"), ("chu_ho", "full_name"),
    ("Tên bệnh nhân", "full_name"), ("ten_hoc_sinh", "full_name"),
    ("so_hoc_sinh", None), ("so_benh_nhan", None), ("so_chu_ho", None),
])
def test_column_names_that_say_personal_data(name: str, kind: str | None) -> None:
    assert column_kind(name) == kind


def test_names_alone_are_not_held_but_names_with_birth_dates_are() -> None:
    streets = [["Trần Hưng Đạo", "2021"], ["Lê Lợi", "2022"]]
    assert screen_table(["tuyen_duong", "nam"], streets, this_year=YEAR).findings == []
    people = [["Nguyễn Văn An", "12/03/1985"], ["Phạm Thị Hoa", "1990-07-01"]]
    result = screen_table(["cot_1", "cot_2"], people, this_year=YEAR)
    assert result.kinds == {"date_of_birth"}


def test_free_text_metadata_is_screened_without_contact_fields() -> None:
    package = {"title": "Danh sách hộ kinh doanh",
               "notes": "Liên hệ chị Lan, số điện thoại 0987 654 321, CCCD 001090123456.",
               "maintainer_email": "lan.nguyen85@gmail.com",
               "resources": [{"name": "ds.csv", "description": "Gửi về lan85@yahoo.com"}]}
    result = screen_metadata(package, this_year=YEAR)
    assert {(f.kind, f.field) for f in result.findings} == {
        ("phone", "notes"), ("cccd", "notes"), ("email", "resources[0].description")}


def test_text_birth_dates_need_birth_words() -> None:
    assert [f.kind for f in screen_text("Ông A, sinh ngày 02/09/1975.", "notes",
                                        this_year=YEAR)] == ["date_of_birth"]
    assert screen_text("Ban hành ngày 02/09/2024.", "notes", this_year=YEAR) == []


def test_screen_file_reads_csv_and_xlsx(tmp_path: Path) -> None:
    csv_path = tmp_path / "ds.csv"
    csv_path.write_text("stt,ho_ten,so_dien_thoai\n1,Nguyễn Văn An,0912345678\n",
                        encoding="utf-8")
    assert screen_file(csv_path, "CSV", this_year=YEAR).kinds == {"full_name", "phone"}
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ tên", "Ngày sinh"])
    sheet.append(["Lê Thị Mai", "03/04/1988"])
    xlsx_path = tmp_path / "ds.xlsx"
    book.save(xlsx_path)
    result = screen_file(xlsx_path, "xlsx", this_year=YEAR)
    assert result.kinds == {"full_name", "date_of_birth"} and result.rows_scanned == 1
    assert not screen_file(tmp_path / "x.pdf", "PDF").scanned


def test_spreadsheet_phone_numbers_without_their_leading_zero(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Số điện thoại"])
    sheet.append([1, 912345678])
    sheet.append([2, 987654321])
    path = tmp_path / "lien-he.xlsx"
    book.save(path)
    result = screen_file(path, "xlsx", this_year=YEAR)
    assert [(f.kind, f.count) for f in result.findings] == [("phone", 2)]


def test_files_without_an_extension_and_unreadable_files(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Họ và tên", "Email"])
    sheet.append(["Phạm Văn Long", "long.pham@gmail.com"])
    stored = tmp_path / "ab12cd"  # the file store keeps files by hash, without extension
    book.save(stored)
    assert screen_file(stored, "XLSX", this_year=YEAR).kinds == {"full_name", "email"}
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = screen_file(broken, "xlsx")
    assert not result.scanned and "could not read" in result.note


def test_digests_in_metadata_are_not_read_as_phone_numbers() -> None:
    from catalogue.privacy import screen_metadata

    # sha256("1282"): its digit run "052226066874" looks like a CCCD when read as text.
    digest = "3ac84a052226066874f36ca9dfddd1639db06447d2096a119ed31515dbd67505"
    package = {"title": "Giá đất", "extras": [{"key": "harvest_fingerprint", "value": digest}],
               "resources": [{"name": "gia.csv", "description": f"sha256:{digest}"}]}
    assert screen_metadata(package, this_year=2026).findings == []
