"""Reports as CSV (UTF-8 with BOM, so spreadsheet programs read the diacritics) and XLSX,
both with Vietnamese headers."""

from __future__ import annotations

import csv
import io
from typing import Any

from catalogue.reports.compute import MEASURES, Report, ReportRow
from catalogue.reports.quality import QUALITY_MEASURES

KIND_AGENCY = "Cơ quan"
KIND_SECTOR = "Lĩnh vực"
KIND_TOTAL = "Tổng cộng"
HEADERS = (["Kỳ báo cáo", "Phân loại", "Mã", "Tên"] + [m[1] for m in MEASURES]
           + [m[1] for m in QUALITY_MEASURES])


def _cells(report: Report, row: ReportRow | None) -> list[Any]:
    """The measures of a row (the totals for None), then its quality; no average: blank."""
    counts = report.totals if row is None else row.counts
    quality = report.quality_totals if row is None else row.quality
    return ([counts.get(m[0], 0) for m in MEASURES]
            + ["" if quality.get(m[0]) is None else quality[m[0]] for m in QUALITY_MEASURES])


def _line(report: Report, kind: str, row: ReportRow | None) -> list[Any]:
    key, title = ("", KIND_TOTAL) if row is None else (row.key, row.title)
    return [report.period.label, kind, key, title] + _cells(report, row)


def report_lines(report: Report) -> list[list[Any]]:
    """Every line of the report: agencies, then sectors, then the total."""
    lines = [_line(report, KIND_AGENCY, row) for row in report.agencies]
    lines += [_line(report, KIND_SECTOR, row) for row in report.sectors]
    lines.append(_line(report, KIND_TOTAL, None))
    return lines


def report_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(report_lines(report))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(report: Report) -> bytes:
    """A workbook: one sheet per agency, sector and notes, headers bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = ((KIND_AGENCY, report.agencies), (KIND_SECTOR, report.sectors))
    first = True
    for kind, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = "Theo cơ quan" if kind == KIND_AGENCY else "Theo lĩnh vực"
        sheet.append([f"Báo cáo hoạt động — {report.period.title_vi}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(["Mã", "Tên"] + HEADERS[4:])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.key, row.title] + _cells(report, row))
        sheet.append(["", KIND_TOTAL] + _cells(report, None))
        sheet[sheet.max_row][1].font = Font(bold=True)
        sheet.freeze_panes = "C3"
        sheet.column_dimensions["B"].width = 48
    notes = book.create_sheet("Ghi chú")
    notes.append(["Kỳ báo cáo", report.period.label, report.period.title_vi])
    notes.append(["Từ", report.period.start.isoformat(), "Đến (không gồm)",
                  report.period.end.isoformat()])
    for note in report.notes:
        notes.append([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
