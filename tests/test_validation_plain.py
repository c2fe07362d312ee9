"""Plain tables are validated without Frictionless, to the outcome Frictionless gives
(issue 16 item 10): every real file and tables built to break each condition of
``catalogue/validation/plain.py`` are validated both ways and the whole outcome (status,
schema, report) compared."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pytest
from conftest import SHARED
from test_validation_detector import TABLES

from catalogue.validation import ValidationLimits, tabular, validate_resource_file
from catalogue.validation.plain import plain_validation

REAL = sorted((SHARED / "fixtures" / "real" / "vn").iterdir())
PLAIN = "ma,ten,huyen,nam,gia_tri\n" + "".join(
    f"M{i:04d},Điểm {i},Hạ Long,{2015 + i % 9},{i * 1.5:.2f}\n" for i in range(50))
# Each breaks one condition of a plain table (or sits on its edge).
EDGES = {
    "plain": PLAIN,
    "quoted-comma": PLAIN + 'M9999,"Điểm 1, 2",Hạ Long,2020,1.00\n',
    "apostrophe": PLAIN.replace("Điểm 3,", "Điểm 'ba',"),
    "semicolons": "a;b;c\n1;2;3\n4;5;6\n",
    "semicolon-in-text": PLAIN.replace("Điểm 3,", "Điểm 3; 4,"),
    "pipes": "a|b\n1|2\n",
    "tabs": "a\tb\n1\t2\n",
    "space-after-comma": "a, b, c\n1, 2, 3\n4, 5, 6\n",
    "one-column": "gia_tri\n1\n2\n3\n",
    "blank-label": "a,,c\n1,2,3\n",
    "padded-label": " a ,b\n1,2\n",
    "same-labels": "a,a\n1,2\n",
    "labels-differing-by-case": "a,A\n1,2\n",
    "blank-row": "a,b\n1,2\n,\n3,4\n",
    "short-row": "a,b,c\n1,2,3\n4,5\n",
    "long-row": "a,b\n1,2\n3,4,5\n",
    "type-error": "n\n" + "".join(f"{i}\n" for i in range(1, 30)) + "x\n",
    "type-error-later": "n,m\n" + "".join(f"{i},{i}\n" for i in range(1, 1200)) + "x,1\n",
    "codes": "ma,so\n01,1\n02,2\n10,3\n",
    "dates": "ngay,so\n01/07/2025,1\n15/12/2024,2\n",
    "empty-cells": "a,b,c\n1,,x\n,2,\n",
    "spaces-only": "a,b\n1,  \n2,3\n",
    "header-only": "a,b\n",
    "numbers-with-spaces": "a,b\n 1,2\n3 ,4\n",
    "booleans": "a,b\ntrue,1\nfalse,2\n",
    "long-table": "a,b\n" + "".join(f"{i},x{i}\n" for i in range(2500)),
}


def _outcome(path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch, *, plain: bool,
             limits: ValidationLimits | None = None) -> str:
    if not plain:
        monkeypatch.setattr(tabular, "plain_validation", lambda *_args: None)
    outcome = validate_resource_file(path, fmt, None, limits or ValidationLimits(),
                                     filename=path.name)
    monkeypatch.undo()
    return json.dumps([outcome.status, outcome.schema, outcome.report], sort_keys=True,
                      default=str, ensure_ascii=False)


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_files_validate_as_frictionless_validates_them(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fmt = path.suffix.lstrip(".") or "csv"
    assert _outcome(path, fmt, monkeypatch, plain=True) == _outcome(
        path, fmt, monkeypatch, plain=False)


@pytest.mark.parametrize("name", sorted({**EDGES, **TABLES}))
def test_tables_validate_as_frictionless_validates_them(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text({**TABLES, **EDGES}[name], encoding="utf-8")
    for limits in (ValidationLimits(), ValidationLimits(max_rows=50)):
        assert _outcome(path, "csv", monkeypatch, plain=True, limits=limits) == _outcome(
            path, "csv", monkeypatch, plain=False, limits=limits)


def test_a_plain_table_is_validated_without_frictionless(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_args: object, **_options: object) -> None:
        raise AssertionError("Frictionless validated a plain table")

    monkeypatch.setattr(frictionless.Resource, "validate", refused)
    path = tmp_path / "plain.csv"
    path.write_text(PLAIN, encoding="utf-8")
    outcome = validate_resource_file(path, "csv", None, ValidationLimits())
    assert outcome.status == "valid"
    assert outcome.report["stats"]["rows_checked"] == 50
    assert [f["type"] for f in outcome.schema["fields"]] == [
        "string", "string", "string", "integer", "number"]


@pytest.mark.parametrize("name", sorted({**EDGES, **TABLES}))
def test_what_plain_says_of_a_file_frictionless_says_of_it(name: str, tmp_path: Path) -> None:
    """Straight on the file (not normalised first), so the conditions themselves are tested:
    when plain_validation answers, Frictionless finds no error, as many rows, same schema."""
    path = tmp_path / f"{name}.csv"
    path.write_text({**TABLES, **EDGES}[name], encoding="utf-8")
    plain = plain_validation(path, tabular.SAMPLE_ROWS, 100_000)
    if plain is None:
        return
    resource = tabular._open_resource(path, None)
    report = resource.validate(limit_rows=100_000, limit_errors=1000)
    task = report.tasks[0]
    assert [e.type for e in task.errors] == []
    assert task.stats["rows"] == plain.rows
    assert resource.schema.to_descriptor() == plain.schema


def test_the_inferred_schema_is_written_out_not_exported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(PLAIN, encoding="utf-8")
    expected = plain_validation(path, tabular.SAMPLE_ROWS, 100_000)

    def refused(*_args: object, **_options: object) -> None:
        raise AssertionError("exported through Frictionless")

    monkeypatch.setattr(frictionless.Schema, "to_descriptor", refused)
    assert plain_validation(path, tabular.SAMPLE_ROWS, 100_000) == expected
