"""Real Vietnamese files preview, validate and harvest (issue 16 item 6).

The files are in ../shared/fixtures/real/vn/ (see SOURCES.md there): the 34 provinces as
Excel "Unicode Text" (UTF-16LE, tabs), Windows-1258 (decomposed tones, ``;``) and UTF-8 under
a title row; GSO's area table (title, two header rows, ``;``, footnotes); the 3,321 communes
(codes ``00004``, dates ``01/07/2025``); a GSO yearbook XLS in TCVN3; a Ministry of Finance
XLS in Unicode whose cells use the ``.VnTime`` font; the same series as XLSX.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from conftest import SHARED
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import Upload, create_dataset, create_resource
from catalogue.files.encoding import detect_encoding
from catalogue.preview import tables
from catalogue.privacy import screen_file
from catalogue.validation import ValidationLimits, validate_resource_file
from tests.harvest_servers import datasets, harvest, make_source

VN = SHARED / "fixtures" / "real" / "vn"
PROVINCES = ["don-vi-hanh-chinh-utf16.csv", "don-vi-hanh-chinh-cp1258.csv",
             "don-vi-hanh-chinh-tieu-de.csv"]
HEADER = ["ma_tinh", "ten_tinh", "so_xa_phuong", "ma_xa_dau_tien", "ten_xa_dau_tien",
          "ngay_hieu_luc"]
HA_NOI = ["01", "Thành phố Hà Nội", "126", "00004", "Phường Ba Đình", "01/07/2025"]
CA_MAU = ["96", "Tỉnh Cà Mau", "64", "31825", "Phường Bạc Liêu", "01/07/2025"]
LIMITS = ValidationLimits()


def _types(schema: dict[str, object]) -> dict[str, tuple[str, str | None]]:
    fields = schema["fields"]
    assert isinstance(fields, list)
    return {f["name"]: (f["type"], f.get("format")) for f in fields}


@pytest.mark.parametrize("name", PROVINCES)
def test_every_encoding_and_layout_previews_the_same_table(name: str) -> None:
    table = tables.read_table(VN / name, "CSV", name)
    assert table.headers == HEADER
    assert table.rows[0] == HA_NOI and table.rows[-1] == CA_MAU and len(table.rows) == 34


@pytest.mark.parametrize("name", PROVINCES)
def test_every_encoding_and_layout_validates_with_codes_as_text_and_dates(name: str) -> None:
    outcome = validate_resource_file(VN / name, "csv", None, LIMITS)
    assert outcome.status == "valid", outcome.report["errors"]
    assert outcome.report["stats"]["rows_checked"] == 34
    types = _types(outcome.schema)
    assert types["ma_tinh"][0] == types["ma_xa_dau_tien"][0] == "string"  # 01, 00004
    assert types["so_xa_phuong"][0] == "integer"
    assert types["ngay_hieu_luc"] == ("date", "%d/%m/%Y")


def test_encodings_are_detected_from_the_bytes() -> None:
    assert detect_encoding(VN / "don-vi-hanh-chinh-utf16.csv").encoding == "utf-16"
    assert detect_encoding(VN / "don-vi-hanh-chinh-cp1258.csv").encoding == "windows-1258"
    assert detect_encoding(VN / "don-vi-hanh-chinh-tieu-de.csv").encoding == "utf-8"


def test_title_row_is_skipped_and_its_rows_counted_in_errors(tmp_path: Path) -> None:
    table = tables.read_table(VN / "don-vi-hanh-chinh-tieu-de.csv", "CSV")
    assert table.header_rows == [3]
    # An error's row is the file's own row number, title and blank line included.
    broken = tmp_path / "tieu-de.csv"
    text = (VN / "don-vi-hanh-chinh-tieu-de.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace("Tỉnh Cao Bằng,56,", "Tỉnh Cao Bằng,năm mươi sáu,"),
                      encoding="utf-8")
    outcome = validate_resource_file(broken, "csv", {"fields": [
        {"name": n, "type": "integer" if n == "so_xa_phuong" else "string"} for n in HEADER]},
        LIMITS)
    assert outcome.status == "invalid"
    assert outcome.report["errors"][0]["row"] == 5  # line 5 of the file: Cao Bằng


def test_commune_list_keeps_leading_zeros_and_dates() -> None:
    path = VN / "don-vi-hanh-chinh-cap-xa-2025.csv"
    table = tables.read_table(path, "CSV")
    assert table.rows[0][:2] == ["00004", "Phường Ba Đình"] and table.truncated  # 3,321 > 1,000
    outcome = validate_resource_file(path, "csv", None, LIMITS)
    assert outcome.status == "valid" and outcome.report["stats"]["rows_checked"] == 3321
    types = _types(outcome.schema)
    assert types["ma_xa"][0] == types["ma_tinh"][0] == "string"
    assert types["ngay_hieu_luc"] == ("date", "%d/%m/%Y")


def test_header_split_skips_blanks_and_keeps_labels_and_footnotes_in_order() -> None:
    """The data rows' fast path (a filled second cell) never jumps over a held label, and
    rows of blank or white-space cells are skipped, with file row numbers kept."""
    from catalogue.files.header import split

    rows = [["ma", "ten", "so"], ["Miền Bắc", "", ""], ["01", "Hà Nội", "5"], ["", " ", ""],
            ["Miền Nam", ""], ["  "], ["79", "Hồ Chí Minh", "9"], ["80", "Long An", "2"],
            [], ["Nguồn: GSO", "", ""], ["(*) ước tính"]]
    header, data = split(iter(rows))
    assert [(n, r[0]) for n, r in data] == [(2, "Miền Bắc"), (3, "01"), (5, "Miền Nam"),
                                             (7, "79"), (8, "80")]
    assert header.names == ["ma", "ten", "so"] and header.footnotes == [10, 11]


def test_gso_title_two_header_rows_and_footnotes() -> None:
    path = VN / "gso-dien-tich-dia-phuong-2011-2015.csv"
    table = tables.read_table(path, "CSV")
    assert table.header_rows == [3, 4] and table.delimiter == ";"
    assert table.headers[1] == "2011 Diện tích(*) (Km2)"
    assert table.rows[0][:2] == ["Đồng bằng sông Hồng", "21068.1"]
    assert not any(r[0].startswith("(*)") for r in table.rows)  # the footnote is not data
    outcome = validate_resource_file(path, "csv", None, LIMITS)
    assert outcome.status == "valid", outcome.report["errors"]
    assert outcome.report["stats"]["footnote_rows"] and outcome.report["stats"]["header_rows"]
    assert _types(outcome.schema)["2015 Diện tích(*) (Km2)"][0] == "number"


def test_tcvn3_yearbook_xls_reads_as_unicode() -> None:
    path = VN / "gso-niengiam-2002-1DSLD2002.xls"
    table = tables.read_table(path, "XLS", "1DSLD2002.xls")  # the cover sheet is passed over
    assert "Thành phố trực thuộc tỉnh" in table.headers and "Huyện" in table.headers
    labels = [r[0] for r in table.rows]
    assert "CẢ NƯỚC" in labels  # drawn with .VnArialH, the upper-case font
    assert "Đồng bằng sông Hồng" in labels
    assert "tcvn3" == table.encoding
    outcome = validate_resource_file(path, "xls", None, LIMITS)
    assert outcome.status == "valid" and outcome.report["stats"]["encoding"] == "tcvn3"


def test_vntime_font_does_not_make_unicode_cells_tcvn3() -> None:
    path = VN / "mof-quyettoan-2004-QT-2004-N-CKQT02-NN001.xls"
    table = tables.read_table(path, "XLS")
    text = {cell for row in table.rows for cell in row} | set(table.headers)
    assert "Tổng thu và viện trợ" in text and "Quyết toán" in text and "GDP" in text
    assert table.encoding == ""
    assert validate_resource_file(path, "xls", None, LIMITS).status == "valid"


def test_xlsx_of_the_same_series() -> None:
    table = tables.read_table(VN / "mof-quyettoan-2014-QT-2014-N-CKQT02-NN001.xlsx", "XLSX")
    assert table.headers == ["Stt", "Chỉ tiêu", "Items", "Quyết toán"]
    assert ["A", "Thu NSNN và viện trợ", "State budget revenues and grants",
            "877696.5"] in table.rows  # 877696.5000000001 as Excel shows it


def test_gzipped_csv_is_read_not_reported_as_bad_data(tmp_path: Path) -> None:
    path = tmp_path / "cap-xa.csv.gz"
    with gzip.open(path, "wb") as out:
        out.write((VN / "don-vi-hanh-chinh-cap-xa-2025.csv").read_bytes())
    table = tables.read_table(path, "GZ", path.name)
    assert table.rows[0][0] == "00004"
    outcome = validate_resource_file(path, "gz", None, LIMITS, filename=path.name)
    assert outcome.status == "valid" and outcome.report["stats"]["rows_checked"] == 3321
    assert screen_file(path, "gz", filename=path.name).scanned


def test_portal_previews_real_files(client: FlaskClient, catalogue: Catalogue,
                                    org: str) -> None:
    files = [("don-vi-hanh-chinh-utf16.csv", "CSV"), ("gso-niengiam-2002-1DSLD2002.xls", "XLS")]
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "don-vi-hanh-chinh", "title": "Đơn vị hành chính",
                             "owner_org": org, "license_id": "CC-BY-4.0"})
        ids = [create_resource(uow, "don-vi-hanh-chinh", {"name": name, "format": fmt},
                               upload=Upload(catalogue.files.put_bytes((VN / name).read_bytes()),
                                             name, "application/octet-stream")).id
               for name, fmt in files]
        uow.commit()
    provinces = client.get(f"/dataset/don-vi-hanh-chinh/resource/{ids[0]}").get_data(
        as_text=True)
    assert "Thành phố Hà Nội" in provinces and "<td>00004</td>" in provinces
    yearbook = client.get(f"/dataset/don-vi-hanh-chinh/resource/{ids[1]}").get_data(
        as_text=True)
    assert "Thành phố trực thuộc tỉnh" in yearbook and "Không đọc được tệp" not in yearbook
    converted = client.get(f"/dataset/don-vi-hanh-chinh/resource/{ids[0]}/convert.csv")
    assert converted.get_data(as_text=True).startswith("\ufeff" + ",".join(HEADER) + "\r\n01,")


SIDECAR = 'name = "{name}"\ntitle = "{title}"\nlicense = "CC-BY-4.0"\n'


def test_harvested_sidecar_header_row_is_used_by_validation_and_preview(
        catalogue: Catalogue, client: FlaskClient, org: str, home: Path, tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    budget = share / "quyet-toan-2014.xlsx"
    shutil.copy(VN / "mof-quyettoan-2014-QT-2014-N-CKQT02-NN001.xlsx", budget)
    # Three header rows (item, year, "Final Account"): the agency says so.
    (share / "quyet-toan-2014.xlsx.meta.toml").write_text(
        SIDECAR.format(name="quyet-toan-2014", title="Quyết toán 2014") +
        "header_row = [5, 6, 7]\n", encoding="utf-8")
    shutil.copy(VN / "gso-niengiam-2002-1DSLD2002.xls", share / "nien-giam-2002.xls")
    (share / "nien-giam-2002.xls.meta.toml").write_text(
        SIDECAR.format(name="nien-giam-2002", title="Niên giám 2002"), encoding="utf-8")
    shutil.copy(VN / "don-vi-hanh-chinh-utf16.csv", share / "tinh.csv")
    (share / "tinh.csv.meta.toml").write_text(
        SIDECAR.format(name="tinh", title="Tỉnh"), encoding="utf-8")
    (share / "sai.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (share / "sai.csv.meta.toml").write_text(
        SIDECAR.format(name="sai", title="Sai") + 'header_row = "dòng 3"\n', encoding="utf-8")
    source = make_source("files", path=str(share))
    summary = harvest(catalogue, source, home)
    assert summary.counts["new"] == 3 and summary.counts["failed"] == 1
    found = datasets(catalogue, source.name)
    res = found["quyet-toan-2014.xlsx"].resources[0]
    assert res.validation_status == "valid" and res.extras["header_row"] == [5, 6, 7]
    fields = {f["name"]: f["type"] for f in res.schema["fields"]}
    assert fields["Quyết toán 2014 (Final Account 2014)"] == "number"
    page = client.get(f"/dataset/quyet-toan-2014/resource/{res.id}").get_data(as_text=True)
    assert "Quyết toán 2014 (Final Account 2014)" in page
    yearbook = found["nien-giam-2002.xls"].resources[0]
    assert yearbook.validation_status == "valid"
    assert yearbook.validation_report["stats"]["encoding"] == "tcvn3"
    provinces = found["tinh.csv"].resources[0]
    assert provinces.validation_status == "valid"
    assert provinces.extras["source_encoding"] == "utf-16"  # stored as UTF-8, ends repaired
    stored = catalogue.files.path(provinces.sha256).read_bytes().decode("utf-8")
    assert stored.startswith("ma_tinh\tten_tinh") and stored.endswith("01/07/2025\r\n")
