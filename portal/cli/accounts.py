"""``dulieumo user ...``, ``dulieumo token ...`` and ``dulieumo audit ...``.

The command line acts as ``system`` (whoever runs it already owns the server); every change
is still written to the audit log with the operating-system user as the actor.
"""

from __future__ import annotations

import getpass
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from catalogue import audit
from catalogue.accounts import service
from catalogue.accounts.model import ROLES, TOKEN_SCOPES
from catalogue.accounts.policy import AccountPolicy
from catalogue.accounts.tokens import create_token, get_token, revoke_token, token_state
from catalogue.context import Catalogue, UnitOfWork
from catalogue.errors import CatalogueError, ValidationError
from portal.catalogue_ext import catalogue_of


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry in some containers
        return "cli"


def _unit() -> UnitOfWork:
    # "cli" is recorded as where the event came from.
    return catalogue_of(current_app).unit(_actor(), ip="cli")


def _policy() -> AccountPolicy:
    return AccountPolicy.from_settings(catalogue_of(current_app).settings)


def _fail(exc: CatalogueError) -> None:
    if isinstance(exc, ValidationError):
        lines = [f"{field}: {msg}" for field, msgs in exc.errors.items() for msg in msgs]
        raise click.ClickException("refused:\n  " + "\n  ".join(lines))
    raise click.ClickException(exc.message)


@click.group("user")
def user_group() -> None:
    """Accounts of agency staff: create, lock, unlock, list, roles."""


@user_group.command("create")
@click.argument("name")
@click.option("--email", required=True, help="The person's own e-mail (one account each).")
@click.option("--password", help="Initial password; asked for when omitted.")
@click.option("--role", type=click.Choice((*ROLES, "sysadmin")), help="Role to grant.")
@click.option("--org", help="Organization (name or id) the person works for / the role is in.")
@click.option("--full-name", default="", help="The person's full name (default: NAME).")
@with_appcontext
def user_create(name: str, email: str, password: str | None, role: str | None, org: str | None,
                full_name: str) -> None:
    """Create an account; its password must be changed at first log-in (within the policy)."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    sysadmin = role == "sysadmin"
    try:
        with _unit() as uow:
            service.create_user(uow, name=name, email=email, full_name=full_name or name,
                                password=password, organization=org,
                                role=None if sysadmin else role, sysadmin=sysadmin)
            uow.commit()
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"Created user {name}" + (f" ({role} in {org})" if role and org else
                                         " (sysadmin)" if sysadmin else ""))


@user_group.command("lock")
@click.argument("name")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@with_appcontext
def user_lock(name: str, reason: str) -> None:
    """Lock an account until an admin unlocks it; its sessions and tokens stop at once."""
    try:
        with _unit() as uow:
            service.lock_user(uow, service.get_user(uow.session, name), reason)
            uow.commit()
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"Locked {name}: {reason}")


@user_group.command("unlock")
@click.argument("name")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@with_appcontext
def user_unlock(name: str, reason: str) -> None:
    """Unlock an account; the date rules restart from now."""
    try:
        with _unit() as uow:
            service.unlock_user(uow, service.get_user(uow.session, name), reason)
            uow.commit()
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"Unlocked {name}")


@user_group.command("list")
@click.option("--org", help="Only members of this organization.")
@with_appcontext
def user_list(org: str | None) -> None:
    """Accounts with state, roles and last activity."""
    catalogue: Catalogue = catalogue_of(current_app)
    from catalogue.organizations.model import Organization
    from catalogue.organizations.service import get_organization

    with catalogue.sessions() as session:
        org_id = get_organization(session, org).id if org else None
        names = {o.id: o.name for o in session.scalars(select(Organization))}
        for user in service.list_users(session, org_id):
            roles = ", ".join(f"{m.role}@{names.get(m.organization_id, '?')}"
                              for m in user.memberships)
            if user.sysadmin:
                roles = ", ".join(filter(None, ("sysadmin", roles)))
            state = user.state + (f" ({user.locked_reason})" if user.locked_reason else "")
            last = user.last_active_at.strftime("%Y-%m-%d") if user.last_active_at else "-"
            click.echo(f"{user.name}\t{user.email}\t{user.full_name}\t{roles or '-'}\t"
                       f"{state}\tlast active {last}")


@user_group.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice((*ROLES, "sysadmin", "none")))
@click.option("--org", help="The organization (not needed for sysadmin).")
@with_appcontext
def user_set_role(name: str, role: str, org: str | None) -> None:
    """Give NAME ROLE in --org; `none` removes them from it (or removes sysadmin)."""
    try:
        with _unit() as uow:
            user = service.get_user(uow.session, name)
            if role == "sysadmin" or (role == "none" and org is None):
                service.set_sysadmin(uow, user, role == "sysadmin")
            elif org is None:
                raise click.UsageError("--org is required for viewer, editor and admin")
            else:
                service.set_role(uow, user, org, None if role == "none" else role)
            uow.commit()
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"{name}: {role}" + (f" in {org}" if org else ""))


@user_group.command("reset-password")
@click.argument("name")
@click.option("--password", help="New initial password; asked for when omitted.")
@with_appcontext
def user_reset_password(name: str, password: str | None) -> None:
    """Set a new initial password (to be changed by the person within the policy days)."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with _unit() as uow:
            service.reset_password(uow, service.get_user(uow.session, name), password)
            uow.commit()
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"Password of {name} reset; it must be changed at the next log-in.")


@user_group.command("enforce-locks")
@with_appcontext
def user_enforce_locks() -> None:
    """Lock every account the date rules make due (run daily, e.g. from cron)."""
    with _unit() as uow:
        locked = service.enforce_locks(uow, _policy())
        uow.commit()
        for user in locked:
            click.echo(f"Locked {user.name}: {user.locked_reason}")
    click.echo(f"{len(locked)} account(s) locked")


@click.group("token")
def token_group() -> None:
    """API tokens: create (shown once), list, revoke."""


@token_group.command("create")
@click.argument("user")
@click.option("--scope", type=click.Choice(TOKEN_SCOPES), default="write", show_default=True)
@click.option("--days", type=int, help="Lifetime (default: account_token_default_days).")
@click.option("--name", default="", help="A label to recognise the token by.")
@with_appcontext
def token_create(user: str, scope: str, days: int | None, name: str) -> None:
    """Create a token for USER; the token is printed alone on the last line, once."""
    try:
        with _unit() as uow:
            token, raw = create_token(uow, service.get_user(uow.session, user), scope=scope,
                                      days=days, name=name, policy=_policy())
            uow.commit()
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"Token {token.prefix}… for {user}, scope {scope}, expires "
               f"{token.expires_at:%Y-%m-%d %H:%M} UTC. Keep it now: it is not shown again.")
    click.echo(raw)


@token_group.command("list")
@click.argument("user")
@with_appcontext
def token_list(user: str) -> None:
    """The tokens of USER (never the tokens themselves)."""
    catalogue = catalogue_of(current_app)
    with catalogue.sessions() as session:
        for token in service.get_user(session, user).tokens:
            used = token.last_used_at.strftime("%Y-%m-%d") if token.last_used_at else "never"
            click.echo(f"{token.id}\t{token.prefix}…\t{token.scope}\t"
                       f"{token_state(token, catalogue.clock.now())}\t"
                       f"expires {token.expires_at:%Y-%m-%d}\tused {used}\t{token.name}")


@token_group.command("revoke")
@click.argument("token_id")
@with_appcontext
def token_revoke(token_id: str) -> None:
    """Revoke a token by id or by its listed prefix."""
    try:
        with _unit() as uow:
            revoke_token(uow, get_token(uow.session, token_id.rstrip("…")))
            uow.commit()
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"Revoked {token_id}")


@click.group("audit")
def audit_group() -> None:
    """The hash-chained audit log: verify, export."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute the chain; exit 0 when intact, 1 naming the first broken entry."""
    with catalogue_of(current_app).sessions() as session:
        result = audit.verify(session)
    if result.ok:
        click.echo(f"Audit log intact: {result.entries} entries, head {result.head}")
        return
    click.echo(f"Audit log BROKEN at entry {result.broken_at}: {result.problem} "
               f"({result.entries} entries verified before it)", err=True)
    sys.exit(1)


def _day(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@audit_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write (default: standard output).")
@click.option("--since", help="From this date/time (ISO, UTC).")
@click.option("--until", help="Before this date/time (ISO, UTC).")
@click.option("--target", help="Only entries about this target, e.g. user:lan.")
@with_appcontext
def audit_export(output: Path | None, since: str | None, until: str | None,
                 target: str | None) -> None:
    """Export the log as CSV (with the hashes, so a copy can be verified later)."""
    with catalogue_of(current_app).sessions() as session:
        if output is None:
            audit.export_csv(session, sys.stdout, since=_day(since), until=_day(until),
                             target=target)
            return
        with output.open("w", encoding="utf-8", newline="") as fh:
            count = audit.export_csv(session, fh, since=_day(since), until=_day(until),
                                     target=target)
    click.echo(f"Wrote {count} entries to {output}", err=True)


def register(group: click.Group) -> None:
    group.add_command(user_group)
    group.add_command(token_group)
    group.add_command(audit_group)
