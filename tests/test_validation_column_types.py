"""Validation without a schema finds the stray word in a column of numbers and the impossible
date in a column of dates (issue 19): a warning naming the cells, the status unchanged."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from catalogue.validation import ValidationLimits, validate_resource_file
from catalogue.validation.column_types import is_number, is_real_date, suspicious_columns


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def areas(bad_rows: dict[int, str], count: int = 40) -> list[str]:
    """A table of communes with their area and survey date; ``bad_rows`` replace areas."""
    return ["xa,dien_tich,ngay"] + [
        f"Xã {i},{bad_rows.get(i, f'{i * 1.5}')},2024-0{1 + i % 9}-1{i % 9}"
        for i in range(1, count + 1)]


def test_a_column_of_numbers_with_a_few_words_is_flagged_with_its_cells(tmp_path: Path) -> None:
    path = _csv(tmp_path / "dien-tich.csv", areas({4: "không rõ", 17: "n/a"}))
    outcome = validate_resource_file(path, "csv", None, ValidationLimits())
    assert outcome.status == "valid"  # a warning, not an error
    (warning,) = outcome.report["column_warnings"]
    assert warning["field"] == "dien_tich" and warning["expected"] == "number"
    assert warning["share"] == 0.95 and warning["count"] == 2
    assert warning["cells"] == [{"row": 5, "cell": "không rõ"}, {"row": 18, "cell": "n/a"}]


def test_one_impossible_date_among_dates_is_flagged(tmp_path: Path) -> None:
    rows = areas({})
    rows[9] = rows[9].rsplit(",", 1)[0] + ",2024-13-01"
    outcome = validate_resource_file(_csv(tmp_path / "d.csv", rows), "csv", None,
                                     ValidationLimits())
    (warning,) = outcome.report["column_warnings"]
    assert warning["expected"] == "date" and warning["cells"] == [{"row": 10,
                                                                   "cell": "2024-13-01"}]


def test_clean_and_plain_text_columns_draw_no_warning(tmp_path: Path) -> None:
    rows = ["ten,so_dien_thoai,ghi_chu"] + [
        f"Người {i},09{i:08d},{'đã xong' if i % 2 else 'chưa xong'}" for i in range(40)]
    outcome = validate_resource_file(_csv(tmp_path / "t.csv", rows), "csv", None,
                                     ValidationLimits())
    assert "column_warnings" not in outcome.report
    assert "column_warnings" not in validate_resource_file(
        _csv(tmp_path / "ok.csv", areas({})), "csv", None, ValidationLimits()).report


def test_a_spreadsheet_is_checked_too(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in areas({7: "đang đo"}):
        sheet.append(row.split(","))
    book.save(tmp_path / "dien-tich.xlsx")
    outcome = validate_resource_file(tmp_path / "dien-tich.xlsx", "xlsx", None,
                                     ValidationLimits())
    (warning,) = outcome.report["column_warnings"]
    assert warning["cells"] == [{"row": 8, "cell": "đang đo"}]


def test_vietnamese_and_english_number_and_date_forms() -> None:
    for text in ("1234", "1.234,5", "1,234.5", "-3", "12 %", "1 234 567"):
        assert is_number(text), text
    for text in ("không rõ", "12a", "1.2.3,4,5"):
        assert not is_number(text), text
    assert is_real_date("2024-02-29") and is_real_date("31/12/2024")
    assert not is_real_date("2023-02-29") and not is_real_date("2024-13-01")


def test_too_few_cells_say_nothing_and_text_columns_stop_being_read() -> None:
    few = suspicious_columns(["a"], [(i + 2, [str(i)]) for i in range(8)] + [(10, ["x"])],
                             [{"name": "a", "type": "string"}])
    assert few == []
    read: list[int] = []

    def rows() -> object:
        for i in range(5000):
            read.append(i)
            yield i + 2, [f"tên {i}"]

    assert suspicious_columns(["a"], rows(), [{"name": "a", "type": "string"}]) == []  # type: ignore[arg-type]
    assert len(read) == 1000  # a plainly textual column is settled after 1000 rows
