"""The audit log is append-only and tamper-evident; `audit verify` finds any edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from catalogue import audit
from catalogue.audit.model import AuditEntry
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal.cli import main


def fill(catalogue: Catalogue, count: int = 5) -> None:
    with catalogue.unit("lan") as uow:
        for i in range(count):
            audit.record(uow.session, uow.clock, "lan", "dataset.update", f"dataset:d{i}",
                         ip="10.1.2.3", details={"n": i, "ghi chú": "tiếng Việt"})
        uow.commit()


def test_entries_chain_and_verify(catalogue: Catalogue, clock: FixedClock) -> None:
    fill(catalogue)
    with catalogue.sessions() as session:
        rows = list(audit.entries(session))
        result = audit.verify(session)
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert result.ok and result.entries == 5 and result.head == rows[-1].hash
    assert rows[0].at == clock.now() and rows[0].ip == "10.1.2.3"


def test_database_refuses_updates_and_deletes(catalogue: Catalogue) -> None:
    fill(catalogue, 2)
    with catalogue.sessions() as session:
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text("UPDATE audit_entry SET actor = 'x' WHERE seq = 1"))
        session.rollback()
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text("DELETE FROM audit_entry WHERE seq = 1"))
        session.rollback()


def tamper(catalogue: Catalogue, statement: str) -> None:
    """What someone with database access could do after dropping the triggers."""
    with catalogue.sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("DROP TRIGGER audit_entry_no_change ON audit_entry"))
        else:
            session.execute(text("DROP TRIGGER audit_entry_no_update"))
            session.execute(text("DROP TRIGGER audit_entry_no_delete"))
        session.execute(text(statement))
        session.commit()


def test_verify_finds_an_edited_entry(app: Flask, catalogue: Catalogue, home: Path) -> None:
    fill(catalogue)
    tamper(catalogue, "UPDATE audit_entry SET actor = 'someone-else' WHERE seq = 3")
    with catalogue.sessions() as session:
        result = audit.verify(session)
    assert not result.ok and result.broken_at == 3 and "changed" in result.problem
    cli = CliRunner().invoke(main, ["--home", str(home), "audit", "verify"])
    assert cli.exit_code == 1 and "BROKEN at entry 3" in cli.output


def test_verify_finds_a_removed_entry(catalogue: Catalogue) -> None:
    fill(catalogue)
    tamper(catalogue, "DELETE FROM audit_entry WHERE seq = 2")
    with catalogue.sessions() as session:
        result = audit.verify(session)
    assert not result.ok and result.broken_at == 3 and "missing" in result.problem


def test_verify_finds_a_rewritten_tail_without_the_head(catalogue: Catalogue) -> None:
    """Recomputing hashes after an edit needs every later hash rewritten; comparing the head
    with one noted earlier (printed by `audit verify`) shows that too."""
    fill(catalogue)
    with catalogue.sessions() as session:
        noted_head = audit.verify(session).head
    tamper(catalogue, "DELETE FROM audit_entry WHERE seq = 5")
    with catalogue.sessions() as session:
        result = audit.verify(session)
    assert result.ok and result.head != noted_head


def test_export_csv_has_every_entry_with_hashes(app: Flask, catalogue: Catalogue, home: Path,
                                               tmp_path: Path) -> None:
    import csv

    fill(catalogue, 3)
    out = tmp_path / "audit.csv"
    result = CliRunner().invoke(main, ["--home", str(home), "audit", "export", "-o", str(out)])
    assert result.exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["seq"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["details"] == '{"ghi chú":"tiếng Việt","n":0}'
    with catalogue.sessions() as session:
        assert rows[-1]["hash"] == audit.verify(session).head


def test_failed_transaction_leaves_no_entry(catalogue: Catalogue) -> None:
    with catalogue.unit("lan") as uow:
        audit.record(uow.session, uow.clock, "lan", "dataset.delete", "dataset:x")
        uow.rollback()
    with catalogue.sessions() as session:
        assert audit.verify(session).entries == 0


def test_concurrent_writers_queue_and_keep_the_chain(catalogue: Catalogue) -> None:
    """Several workers appending at once: every entry is kept and the chain stays whole."""
    import threading

    failures: list[BaseException] = []

    def work(worker: int) -> None:
        for i in range(15):
            try:
                with catalogue.unit(f"w{worker}") as uow:
                    uow.session.get(AuditEntry, 1)  # a read first, as real requests do
                    audit.record(uow.session, uow.clock, f"w{worker}", "login.failed",
                                 f"login:{i}", ip=f"10.0.0.{worker}")
                    uow.commit()
            except BaseException as exc:  # collected for the assertion below
                failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with catalogue.sessions() as session:
        result = audit.verify(session)
    assert result.ok and result.entries == 60


def test_api_writes_with_a_token_are_audited_with_address(client: object, catalogue: Catalogue,
                                                          api_token: object, org: str) -> None:
    token = api_token("lan", org=org, role="editor")  # type: ignore[operator]
    bad = client.post("/api/3/action/package_create",  # type: ignore[attr-defined]
                      json={"name": "moi", "owner_org": org},
                      headers={"Authorization": "dlm_nope"})
    good = client.post("/api/3/action/package_create",  # type: ignore[attr-defined]
                       json={"name": "moi", "owner_org": org}, headers={"Authorization": token})
    assert bad.status_code == 403 and good.status_code == 200
    with catalogue.sessions() as session:
        uses = [(e.actor, e.ip, e.details)
                for e in audit.entries(session, target="api:package_create")]
    assert [(actor, ip) for actor, ip, _ in uses] == [("anonymous", "127.0.0.1"),
                                                     ("lan", "127.0.0.1")]
    assert '"status":403' in uses[0][2] and '"status":200' in uses[1][2]


def test_organization_and_group_writes_are_audited(catalogue: Catalogue) -> None:
    from catalogue.audit import entries
    from catalogue.groups.service import create_group
    from catalogue.organizations.service import create_organization, update_organization

    with catalogue.unit("admin@test", ip="10.0.0.7") as uow:
        create_organization(uow, {"name": "so-gtvt", "title": "Sở GTVT"})
        update_organization(uow, "so-gtvt", {"title": "Sở Giao thông vận tải"})
        create_group(uow, {"name": "du-lich", "title": "Du lịch"})
        uow.commit()
    with catalogue.sessions() as session:
        logged = [(e.action, e.target, e.ip) for e in entries(session)]
    assert ("organization.create", "organization:so-gtvt", "10.0.0.7") in logged
    assert ("organization.update", "organization:so-gtvt", "10.0.0.7") in logged
    assert ("group.create", "group:du-lich", "10.0.0.7") in logged
