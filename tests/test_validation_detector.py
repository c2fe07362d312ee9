"""Our schema inference is Frictionless' own, only cheaper (issue 16 item 10).

``FastDetector`` must infer exactly what ``frictionless.Detector`` infers, so every validation
report stays what it was: both are run on every real file of ../shared/fixtures/real/vn and on
tables written to reach each candidate type, and the whole outcome (status, schema, report)
is compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pytest
from conftest import SHARED

from catalogue.validation import ValidationLimits, tabular, validate_resource_file
from catalogue.validation.detector import FastDetector

REAL = sorted((SHARED / "fixtures" / "real" / "vn").iterdir())

# One table per behaviour of the inference: each candidate type, missing values, labels
# that are blank or repeated, short and long rows, a column just under the confidence.
TABLES = {
    "types": "ym,pt,dur,geo,obj,arr,dt,tm,d,i,n,b,y,s\n" + "".join(
        f'2024-0{m},"106.{m},10.{m}",P{m}D,"{{""type"": ""Point"", ""coordinates"": [1, {m}]}}",'
        f'"{{""a"": {m}}}","[{m}]",2024-01-0{m}T10:00:00Z,10:0{m}:00,2024-01-0{m},{m},{m}.5,'
        f"true,{2000 + m},chữ {m}\n" for m in range(1, 10)),
    "missing": "a,b,c\n1,,x\n,,y\n3,,\n,,z\n",
    "labels": "ma,,ma,ten\n01,a,b,c\n02,d,e,f\n",
    "ragged": "a,b,c\n1,2\n3,4,5,6\n7,8,9\n",
    "mostly-numbers": "gia_tri\n" + "".join(f"{i}\n" for i in range(1, 10)) + "khác\n",
    "confident": "gia_tri\n" + "".join(f"{i}\n" for i in range(1, 20)) + "khác\n",
    "dates-dmy": "ngay,ma\n01/07/2025,00004\n15/12/2024,00010\n",
    "empty-column": "a,b\n1,\n2,\n",
    "header-only": "a,b,c\n",
}


def _outcome(path: Path, detector: type[frictionless.Detector],
             monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(tabular, "FastDetector", detector)
    fmt = path.suffix.lstrip(".") or "csv"
    outcome = validate_resource_file(path, fmt, None, ValidationLimits(), filename=path.name)
    return json.dumps([outcome.status, outcome.schema, outcome.report], sort_keys=True,
                      default=str, ensure_ascii=False)


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_real_files_validate_as_frictionless_infers(path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert _outcome(path, FastDetector, monkeypatch) == _outcome(
        path, frictionless.Detector, monkeypatch)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_tables_validate_as_frictionless_infers(name: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(TABLES[name], encoding="utf-8")
    assert _outcome(path, FastDetector, monkeypatch) == _outcome(
        path, frictionless.Detector, monkeypatch)


def test_every_candidate_type_is_inferred() -> None:
    """The "types" table reaches each default candidate (years read as integers first, as
    Frictionless tries integer before year), so the comparison covers them all."""
    resource = frictionless.Resource(TABLES["types"].encode(), format="csv",
                                     detector=FastDetector())
    resource.infer()
    assert [f.type for f in resource.schema.fields] == [
        "yearmonth", "geopoint", "duration", "geojson", "object", "array", "datetime", "time",
        "date", "integer", "number", "boolean", "integer", "string"]


def test_options_it_does_not_reproduce_go_to_frictionless() -> None:
    """Forced types, patches and other missing values are Frictionless' own code path."""
    fragment = [["1", "x"], ["2", "y"]]
    for options in ({"field_type": "string"}, {"field_missing_values": ["-"]},
                    {"schema_patch": {"fields": {"a": {"type": "number"}}}},
                    {"field_float_numbers": True}):
        ours = FastDetector(**options).detect_schema(fragment, labels=["a", "b"])
        theirs = frictionless.Detector(**options).detect_schema(fragment, labels=["a", "b"])
        assert ours.to_descriptor() == theirs.to_descriptor()


def test_inferred_fields_copy_as_frictionless_copies_them(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Frictionless copies each field twice per file through its descriptor (issue 16 item
    10): ours make the same copy (class, attributes) without that round trip."""
    resource = frictionless.Resource(TABLES["types"].encode(), format="csv",
                                     detector=FastDetector())
    resource.infer()
    theirs = [frictionless.Metadata.to_copy(f) for f in resource.schema.fields]

    def no_descriptors(*_args: object, **_options: object) -> None:
        raise AssertionError("copied through a descriptor")

    monkeypatch.setattr(frictionless.Field, "from_descriptor", no_descriptors)
    ours = [f.to_copy() for f in resource.schema.fields]
    again = [f.to_copy() for f in ours]  # the header's copies are copied for each row reader
    for copies in (ours, again):
        assert all(isinstance(c, type(t)) for c, t in zip(copies, theirs, strict=True))
        assert [vars(c) for c in copies] == [vars(c) for c in theirs]
        assert [c.to_descriptor() for c in copies] == [c.to_descriptor() for c in theirs]


def test_a_field_changed_after_inference_is_copied_by_frictionless() -> None:
    resource = frictionless.Resource(b"a,b\n1,x\n", format="csv", detector=FastDetector())
    resource.infer()
    field = resource.schema.fields[0]
    field.constraints = {"minimum": 0}
    assert field.to_copy().to_descriptor() == {"name": "a", "type": "integer",
                                               "constraints": {"minimum": 0}}
