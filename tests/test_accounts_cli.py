"""The `user`, `token` and `audit` commands, run as an operator would."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from flask import Flask

from catalogue.accounts.principal import principal_from_token
from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from portal.cli import main

GOOD = "Sông Hồng chảy 47 mùa"


def run(runner: CliRunner, home: Path, *args: str, input: str | None = None) -> object:
    return runner.invoke(main, ["--home", str(home), *args], input=input)


def test_user_create_and_token_create_give_a_working_token(
        app: Flask, catalogue: Catalogue, runner: CliRunner, home: Path, org: str,
        clock: FixedClock) -> None:
    result = runner.invoke(main, ["--home", str(home), "user", "create", "lan", "--email",
                                  "lan@tnmt.gov.vn", "--password", GOOD, "--role", "editor",
                                  "--org", org, "--full-name", "Nguyễn Thị Lan"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--home", str(home), "token", "create", "lan", "--days", "7"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with catalogue.sessions() as session:
        principal = principal_from_token(session, token, clock)
    assert principal is not None and principal.name == "lan"


def test_account_without_agency_is_refused(app: Flask, runner: CliRunner, home: Path) -> None:
    result = runner.invoke(main, ["--home", str(home), "user", "create", "lan", "--email",
                                  "lan@tnmt.gov.vn", "--password", GOOD])
    assert result.exit_code != 0 and "organization: Missing value" in result.output


def test_refused_password_exits_nonzero_with_reason(app: Flask, runner: CliRunner, home: Path,
                                                    org: str) -> None:
    result = runner.invoke(main, ["--home", str(home), "user", "create", "lan", "--email",
                                  "lan@tnmt.gov.vn", "--password", "12345678", "--role",
                                  "viewer", "--org", org])
    assert result.exit_code != 0
    assert "common passwords" in result.output and "at least 10" in result.output


def test_password_is_prompted_when_omitted(app: Flask, runner: CliRunner, home: Path,
                                           org: str) -> None:
    result = runner.invoke(main, ["--home", str(home), "user", "create", "lan", "--email",
                                  "lan@tnmt.gov.vn", "--role", "viewer", "--org", org],
                           input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert GOOD not in result.output


def test_lock_unlock_set_role_list(app: Flask, runner: CliRunner, home: Path, org: str) -> None:
    base = ["--home", str(home)]
    assert runner.invoke(main, [*base, "user", "create", "lan", "--email", "lan@tnmt.gov.vn",
                                "--password", GOOD, "--org", org]).exit_code == 0
    assert runner.invoke(main, [*base, "user", "set-role", "lan", "admin", "--org",
                                org]).exit_code == 0
    assert runner.invoke(main, [*base, "user", "lock", "lan", "--reason",
                                "nghỉ việc"]).exit_code == 0
    listed = runner.invoke(main, [*base, "user", "list"]).output
    assert "admin@so-tnmt-quang-ninh" in listed and "locked (nghỉ việc)" in listed
    assert runner.invoke(main, [*base, "user", "unlock", "lan", "--reason",
                                "trở lại"]).exit_code == 0
    assert "\tactive\t" in runner.invoke(main, [*base, "user", "list"]).output


def test_token_revoke_by_listed_prefix(app: Flask, catalogue: Catalogue, runner: CliRunner,
                                       home: Path, clock: FixedClock, org: str) -> None:
    base = ["--home", str(home)]
    runner.invoke(main, [*base, "user", "create", "lan", "--email", "lan@tnmt.gov.vn",
                         "--password", GOOD, "--org", org])
    token = runner.invoke(main, [*base, "token", "create", "lan"]).output.splitlines()[-1]
    prefix = runner.invoke(main, [*base, "token", "list", "lan"]).output.split("\t")[1]
    assert runner.invoke(main, [*base, "token", "revoke", prefix]).exit_code == 0
    with catalogue.sessions() as session:
        assert principal_from_token(session, token, clock) is None


def test_audit_verify_and_export(app: Flask, runner: CliRunner, home: Path, tmp_path: Path,
                                 org: str) -> None:
    base = ["--home", str(home)]
    runner.invoke(main, [*base, "user", "create", "lan", "--email", "lan@tnmt.gov.vn",
                         "--password", GOOD, "--org", org])
    runner.invoke(main, [*base, "user", "lock", "lan", "--reason", "test"])
    result = runner.invoke(main, [*base, "audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 entries" in result.output, result.output
    out = tmp_path / "audit.csv"
    assert runner.invoke(main, [*base, "audit", "export", "-o", str(out)]).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("seq,at,actor,action,target,ip")
    # lines[1] is the org fixture's organization.create, then the account's two entries
    assert "organization.create" in lines[1]
    assert "user.lock" in lines[3] and "test" in lines[3]
