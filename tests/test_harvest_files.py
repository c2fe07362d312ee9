"""The ``files`` source over a real HTTP directory listing: first harvest, re-harvest,
changes, removals, a source that is down, legacy encodings, bad CSVs, limits, restrictions."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.context import Catalogue
from catalogue.history.model import Revision
from catalogue.validation.encoding import encode_windows_1258
from tests.harvest_servers import datasets, harvest, make_source, static_server

SIDECAR = """name = "{name}"
title = "{title}"
description = "Dữ liệu thử nghiệm"
tags = ["giá đất"]
groups = ["dat-dai"]
temporal = "2020-01-01/2024-12-31"
spatial = "Tỉnh Bình Phước"
update_frequency = "annual"
"""


def _share(root: Path) -> Path:
    """A small agency file share with one file of each kind of trouble."""
    def described(relpath: str, body: bytes, name: str, title: str, extra: str = "") -> None:
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        path.with_name(path.name + ".meta.toml").write_text(
            SIDECAR.format(name=name, title=title) + extra, encoding="utf-8")

    described("gia-dat/bang-gia.csv", "huyen,gia\nĐồng Xoài,1200\nBình Long,900\n".encode(),
              "bang-gia", "Bảng giá đất", '\n[[field]]\nname = "gia"\ntitle = "Giá"\n'
              'type = "integer"\nunit = "nghìn đồng/m²"\n')
    described("cu/windows-1258.csv", encode_windows_1258(
        "huyện,dân_số\nThị xã Phước Long,50000\nHuyện Bù Đăng,150000\nHuyện Lộc Ninh,120000\n"),
        "dan-so-cu", "Dân số (tệp cũ)")
    described("cu/tcvn3.csv", "huyen,ten\nHµ Néi,Qu¶ng Ninh\n§µ N½ng,Hµ Néi\n".encode("latin-1"),
              "tcvn3", "Tệp TCVN3")
    described("loi/ragged.csv", b"a,b\n1,2\n3,4,5\n6\n", "ragged", "Hàng lệch")
    described("loi/semicolon.csv", b"a;b\n1;2\n3;4\n", "semicolon", "Dấu chấm phẩy")
    described("mat/secret.csv", b"a\n1\n", "secret", "Tài liệu mật", "restricted = true\n")
    described("lon/big.csv", b"a\n" + b"123456789\n" * 300, "big", "Tệp lớn")
    (root / "tam").mkdir()
    (root / "tam" / "undescribed.csv").write_bytes(b"a\n1\n")
    (root / "catalog.csv").write_text(
        "path,name,title,title_en,description,tags,groups,license,temporal,spatial,"
        "update_frequency,restricted\n"
        "thong-ke/dien-tich.csv,dien-tich,Diện tích đất,Land area,Theo huyện,đất đai;thống kê,"
        "dat-dai,CC0-1.0,2024-01-01/2024-12-31,Tỉnh Bình Phước,annual,false\n", encoding="utf-8")
    (root / "thong-ke").mkdir()
    (root / "thong-ke" / "dien-tich.csv").write_text("huyen,ha\nA,1.5\nB,2.5\n", encoding="utf-8")
    return root


@pytest.fixture
def share(tmp_path: Path) -> Path:
    return _share(tmp_path / "share")


def test_first_harvest_publishes_described_files_and_reports_each_problem(
        catalogue: Catalogue, org: str, home: Path, share: Path) -> None:
    with static_server(share) as url:
        source = make_source("files", url=url, limits={"max_file_mb": 0.002})
        summary = harvest(catalogue, source, home)
    assert summary.status == "finished"
    assert summary.counts == {"new": 6, "updated": 0, "unchanged": 0, "held": 0, "withdrawn": 0,
                              "skipped": 1, "failed": 1}
    found = datasets(catalogue, source.name)
    assert "mat/secret.csv" not in found and "tam/undescribed.csv" not in found
    price = found["gia-dat/bang-gia.csv"]
    assert price.name == "bang-gia" and price.owner_org_id and price.state == "active"
    assert price.source_url == f"{url}gia-dat/bang-gia.csv" and price.retrieved_at is not None
    resource = price.resources[0]
    assert resource.url_type == "upload" and len(resource.sha256) == 64
    assert resource.validation_status == "valid"
    assert resource.schema["fields"][1] == {"name": "gia", "type": "integer", "title": "Giá",
                                            "unit": "nghìn đồng/m²"}
    legacy = found["cu/windows-1258.csv"].resources[0]
    assert legacy.validation_status == "valid"
    assert legacy.extras["source_encoding"] == "windows-1258"
    assert catalogue.files.path(legacy.sha256).read_text(encoding="utf-8").startswith("huyện,")
    tcvn3 = found["cu/tcvn3.csv"].resources[0]
    # TCVN3 (ABC) is converted to Unicode like Windows-1258 (issue 16), never guessed at.
    assert tcvn3.validation_status == "valid" and tcvn3.extras["source_encoding"] == "tcvn3"
    assert catalogue.files.path(tcvn3.sha256).read_text(encoding="utf-8") == (
        "huyen,ten\nHà Nội,Quảng Ninh\nĐà Nẵng,Hà Nội\n")
    ragged = found["loi/ragged.csv"].resources[0].validation_report
    assert ragged["error_types"] == {"extra-cell": 1, "missing-cell": 1}
    assert {e["row"] for e in ragged["errors"]} == {3, 4}
    semicolon = found["loi/semicolon.csv"].resources[0].validation_report["stats"]
    assert semicolon["delimiter"] == ";" and semicolon["warnings"]
    assert found["thong-ke/dien-tich.csv"].license_id == "CC0-1.0"


def test_size_limit_breach_is_reported_with_record_stage_and_reason(
        catalogue: Catalogue, org: str, home: Path, share: Path) -> None:
    from catalogue.harvest.service import get_job, job_dict

    with static_server(share) as url:
        summary = harvest(catalogue, make_source("files", url=url,
                                                 limits={"max_file_mb": 0.002}), home)
    assert summary.stats["limits_hit"] == {"max_file_mb": 1}
    with catalogue.unit("test") as uow:
        report = job_dict(get_job(uow.session, summary.job_id))
    [failure] = report["failures"]
    assert failure["identifier"] == "lon/big.csv" and failure["stage"] == "import"
    assert "max_file_mb" in failure["reason"]
    assert report["skipped"][0]["reason"] == "marked restricted in the source"


def test_reharvest_unchanged_then_changed_then_removed(
        catalogue: Catalogue, org: str, home: Path, share: Path) -> None:
    with static_server(share) as url:
        source = make_source("files", url=url)
        harvest(catalogue, source, home)
        again = harvest(catalogue, source, home)
        assert again.counts["unchanged"] == 7 and again.counts["new"] == 0

        (share / "gia-dat" / "bang-gia.csv").write_text("huyen,gia\nĐồng Xoài,1300\n",
                                                        encoding="utf-8")
        (share / "loi" / "semicolon.csv").unlink()
        changed = harvest(catalogue, source, home)
    assert changed.counts == {"new": 0, "updated": 1, "unchanged": 5, "held": 0, "withdrawn": 1,
                              "skipped": 1, "failed": 0}
    found = datasets(catalogue, source.name)
    assert found["loi/semicolon.csv"].state == "deleted"
    with catalogue.unit("test") as uow:
        actions = [r.action for r in uow.session.query(Revision).filter_by(
            dataset_id=found["loi/semicolon.csv"].id).order_by(Revision.number)]
    assert actions == ["dataset.create", "dataset.delete"]


def test_source_down_leaves_published_data_as_it_was(
        catalogue: Catalogue, org: str, home: Path, share: Path) -> None:
    with static_server(share) as url:
        source = make_source("files", url=url, limits={"retries": 1, "timeout": 2})
        harvest(catalogue, source, home)
    down = harvest(catalogue, source, home)  # the server is gone: connection refused
    assert down.status == "failed" and "gather" in down.message
    assert "nothing was withdrawn" in down.attention
    assert all(d.state == "active" for d in datasets(catalogue, source.name).values())


def test_reject_invalid_keeps_bad_data_out(catalogue: Catalogue, org: str, home: Path,
                                           share: Path) -> None:
    source = make_source("files", path=str(share), reject_invalid=True)
    summary = harvest(catalogue, source, home)
    found = datasets(catalogue, source.name)
    assert "loi/ragged.csv" not in found and "cu/tcvn3.csv" in found  # TCVN3 is read now
    assert summary.counts["failed"] == 1 and summary.counts["new"] == 6


def test_review_sources_queue_changes_and_the_public_keeps_the_published_version(
        catalogue: Catalogue, org: str, home: Path, tmp_path: Path) -> None:
    from catalogue.accounts.principal import Principal
    from catalogue.review.service import approve, queue

    admin = Principal(user_id="u1", name="admin@test", sysadmin=True,
                      scopes=frozenset({"read", "write"}))
    share = tmp_path / "review-share"
    share.mkdir()
    (share / "gia.csv").write_text("huyen,gia\nĐồng Xoài,1200\n", encoding="utf-8")
    (share / "gia.csv.meta.toml").write_text(SIDECAR.format(name="gia", title="Giá đất"),
                                             encoding="utf-8")

    def approve_all() -> None:
        with catalogue.unit("admin@test") as uow:
            for item in queue(uow.session, admin):
                approve(uow, admin, item.id)
            uow.commit()

    with static_server(share) as url:
        source = make_source("files", url=url, publish="review")
        first = harvest(catalogue, source, home)
        assert first.counts["new"] == 1
        assert datasets(catalogue, source.name)["gia.csv"].state == "draft"
        approve_all()
        assert datasets(catalogue, source.name)["gia.csv"].state == "active"

        (share / "gia.csv").write_text("huyen,gia\nĐồng Xoài,1500\n", encoding="utf-8")
        second = harvest(catalogue, source, home)
        assert second.counts["updated"] == 1
        published = datasets(catalogue, source.name)["gia.csv"]
        old_sha = published.resources[0].sha256
        assert catalogue.files.path(old_sha).read_text(encoding="utf-8").endswith("1200\n")
        approve_all()
    updated = datasets(catalogue, source.name)["gia.csv"].resources[0]
    assert catalogue.files.path(updated.sha256).read_text(encoding="utf-8").endswith("1500\n")
