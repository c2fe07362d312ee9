"""Decompression bombs built on the spot: small on disk, huge once unpacked (issue 15).

Shared by tests/test_file_limits.py and bench/preview_bomb.py. Each is written by streaming a
repeated chunk through the compressor, so building one costs compression time, not memory.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="Bom" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
COLUMNS = "ABCDEFGHIJ"


def _row(number: int) -> str:
    cells = "".join(f'<c r="{c}{number}"><v>{number}</v></c>' for c in COLUMNS)
    return f'<row r="{number}">{cells}</row>'


def xlsx_bomb(path: Path, rows: int, *, tail: bytes = b"", block_rows: int = 1000,
              distinct: bool = False) -> Path:
    """An XLSX whose one sheet has a header and ``rows`` rows of ten numbers.

    ``tail`` is written after the rows instead of closing the sheet: garbage there proves a
    reader stopped before it (it would fail on it otherwise). The rows repeat every
    ``block_rows``; a block inside deflate's 32 KiB window (``block_rows=1``) compresses
    about 1000:1, which is how a 1 MB workbook unzips to a gigabyte. ``distinct`` numbers
    every row instead (compresses like a real export, about 10:1).
    """
    level = 1 if distinct else 9  # varied rows at level 9 take minutes to build
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
                        f'<sheetData><row r="1">'.encode())
            sheet.write("".join(f'<c r="{c}1" t="inlineStr"><is><t>cot_{c}</t></is></c>'
                                for c in COLUMNS).encode() + b"</row>")
            # The same bytes over and over (row numbers omitted) compress about 1000:1.
            block = ("".join(f"<row>{''.join(f'<c><v>{n}</v></c>' for n in range(10))}</row>"
                             for _ in range(block_rows))).encode()
            chunk = block * max(1, 4096 // block_rows)  # fewer, larger writes
            for start in range(0, rows - rows % 4096 if distinct else 0, 4096):
                sheet.write("".join(
                    f"<row>{''.join(f'<c><v>{n * 7 + i}</v></c>' for i in range(10))}</row>"
                    for n in range(start, start + 4096)).encode())
            for _ in range(0 if distinct else rows // (block_rows * max(1, 4096 // block_rows))):
                sheet.write(chunk)
            sheet.write(tail or b"</sheetData></worksheet>")
    return path


def gzip_bomb(path: Path, megabytes: int, *, tail: bytes = b"") -> Path:
    """A GZIP'd CSV: a header, then ``megabytes`` MiB of the same row, then ``tail``."""
    row = b"1,2,3,4,5,6,7\n"
    block = row * (65536 // len(row))
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"a,b,c,d,e,f,g\n")
        for _ in range((megabytes << 20) // len(block)):
            out.write(block)
    if tail:
        with path.open("ab") as out:
            out.write(tail)
    return path


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods(path: Path, tables: str) -> Path:
    """An OpenDocument spreadsheet whose body is ``tables`` (``<table:table>`` elements)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-8"?>'
                         f'<office:document-content {ODS_NS}><office:body><office:spreadsheet>'
                         f'{tables}</office:spreadsheet></office:body>'
                         f'</office:document-content>')
    return path


def ods_bomb(path: Path) -> Path:
    """Ten bytes of XML per million cells: a filled cell repeated across 16,384 columns, in a
    row repeated a million times. Nothing here is compressed away; it is all in the XML."""
    return ods(path, '<table:table table:name="Bom"><table:table-row>'
                     '<table:table-cell office:value-type="string"><text:p>ma</text:p>'
                     '</table:table-cell></table:table-row>'
                     '<table:table-row table:number-rows-repeated="1000000">'
                     '<table:table-cell table:number-columns-repeated="16384" '
                     'office:value-type="float" office:value="1"/></table:table-row>'
                     '</table:table>')
