"""Creating accounts, logging in, the lock rules, and roles per organization.

Every lock, unlock, role change and log-in attempt is written to the audit log with its
reason (Sơn La 20/2023 Điều 13.1; issue 7).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from catalogue import audit
from catalogue.accounts import sessions
from catalogue.accounts.model import ROLES, Membership, User
from catalogue.accounts.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from catalogue.accounts.policy import DEFAULT_POLICY, AccountPolicy
from catalogue.accounts.principal import Principal
from catalogue.accounts.roles import principal_for_user
from catalogue.accounts.totp import matching_step, verify_code
from catalogue.audit.model import AuditEntry
from catalogue.context import UnitOfWork
from catalogue.datasets.schema import EMAIL_RE, NAME_RE
from catalogue.errors import NotAuthorized, NotFound, ValidationError
from catalogue.organizations.model import Organization
from catalogue.organizations.service import get_organization

# The operator at the command line: may do anything, as the server's owner can anyway.
SYSTEM = Principal(user_id="system", name="system", sysadmin=True,
                   scopes=frozenset({"read", "read_private", "write"}))


class LoginRefused(Exception):
    """A log-in failed; ``message`` is safe to show (it never says which part was wrong)."""

    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.throttled = throttled


WRONG_CREDENTIALS = "Wrong user name or password."


def get_user(session: Session, name_or_email: str) -> User:
    """The account by user name, e-mail (any case) or id; NotFound otherwise."""
    key = name_or_email.strip()
    found = session.scalars(select(User).where(or_(
        User.name == key, User.email == key.lower(), User.id == key))).first()
    if found is None:
        raise NotFound(f"User not found: {name_or_email}")
    return found


def list_users(session: Session, organization_id: str | None = None) -> list[User]:
    query = select(User).order_by(User.name)
    if organization_id is not None:
        query = query.where(or_(User.organization_id == organization_id, User.id.in_(
            select(Membership.user_id).where(Membership.organization_id == organization_id))))
    return list(session.scalars(query))


def _check_new_user(session: Session, name: str, email: str, full_name: str,
                    organization: Organization | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not NAME_RE.match(name):
        errors["name"] = ["Must be 2–100 characters: lowercase a-z, 0-9, - and _"]
    elif session.scalars(select(User.id).where(User.name == name)).first():
        errors["name"] = [f"The user name {name} is taken."]
    if not EMAIL_RE.match(email):
        errors["email"] = ["Must be an e-mail address"]
    elif session.scalars(select(User.id).where(User.email == email)).first():
        errors["email"] = [f"An account with the e-mail {email} already exists; "
                           "each person has one account."]
    if not full_name.strip():
        errors["full_name"] = ["Missing value: an account belongs to a named person"]
    elif organization is not None and session.scalars(select(User.id).where(
            func.lower(User.full_name) == full_name.strip().lower(),
            User.organization_id == organization.id)).first():
        errors["full_name"] = [f"{full_name.strip()} of {organization.title} already has an "
                               "account; each person has one account."]
    return errors


def _agency_names(org: Organization | None) -> tuple[str, ...]:
    return (org.name, org.title, org.title_en or "") if org is not None else ()


def create_user(uow: UnitOfWork, *, name: str, email: str, full_name: str, password: str,
                organization: str | None = None, role: str | None = None,
                sysadmin: bool = False, by: Principal = SYSTEM) -> User:
    """Create an account for one identified person; ``role`` is granted in ``organization``.

    The password is an initial one: it must be changed within the policy's days. ``by`` must
    be allowed to manage ``organization`` (or be a sysadmin to create a sysadmin).
    """
    email = email.strip().lower()
    org = get_organization(uow.session, organization) if organization else None
    if sysadmin and not by.sysadmin:
        raise NotAuthorized("Only sysadmins may create sysadmins")
    if not by.sysadmin and (org is None or not by.can("organization.manage", org.id)):
        raise NotAuthorized("Access denied: you may not add members to this organization")
    if role is not None and role not in ROLES:
        raise ValidationError({"role": [f"Must be one of {', '.join(ROLES)}"]})
    if role is not None and org is None:
        raise ValidationError({"organization": ["A role is held in an organization: name it"]})
    errors = _check_new_user(uow.session, name, email, full_name, org)
    if org is None and not sysadmin:
        errors["organization"] = ["Missing value: name the agency the person works for"]
    problems = password_problems(password, name=name, email=email, full_name=full_name,
                                 agency=_agency_names(org))
    if problems:
        errors["password"] = problems
    if errors:
        raise ValidationError(errors)
    now = uow.clock.now()
    user = User(name=name, email=email, full_name=full_name.strip(),
                organization_id=org.id if org else None, password_hash=hash_password(password),
                sysadmin=sysadmin, must_change_password=True, password_changed_at=now,
                created=now, last_active_at=now)
    uow.session.add(user)
    if role is not None and org is not None:
        user.memberships.append(Membership(organization_id=org.id, role=role, created=now))
    uow.session.flush()
    audit.record_unit(uow, "user.create", f"user:{name}",
                      {"email": email, "organization": org.name if org else None,
                       "role": role, "sysadmin": sysadmin})
    return user


# Locks -------------------------------------------------------------------------------------

def due_lock(user: User, now: datetime, policy: AccountPolicy) -> str | None:
    """The reason the date rules lock this account now, or None."""
    if user.state == "locked":
        return None
    if user.must_change_password and user.password_changed_at is not None and (
            now - user.password_changed_at > timedelta(days=policy.password_change_days)):
        return (f"initial password not changed within {policy.password_change_days} days "
                "(Sơn La 20/2023 Điều 13.1)")
    last = user.last_active_at or user.created
    if now - last > timedelta(days=policy.inactive_lock_days):
        return f"unused for more than {policy.inactive_lock_days} days (Sơn La 20/2023 Điều 13.1)"
    return None


def lock_user(uow: UnitOfWork, user: User, reason: str, *, until: datetime | None = None) -> None:
    """Lock the account (until a time, or until an admin unlocks); its sessions end."""
    if not reason.strip():
        raise ValidationError({"reason": ["Missing value: a lock needs a reason"]})
    user.state = "locked"
    user.locked_reason = reason.strip()
    user.locked_until = until
    user.session_epoch += 1
    sessions.end_all(uow, user)
    audit.record_unit(uow, "user.lock", f"user:{user.name}",
                      {"reason": user.locked_reason,
                       "until": until.isoformat() if until else None})


def unlock_user(uow: UnitOfWork, user: User, reason: str) -> None:
    """Unlock; the date rules restart from now so the account does not lock again at once."""
    if not reason.strip():
        raise ValidationError({"reason": ["Missing value: an unlock needs a reason"]})
    now = uow.clock.now()
    user.state = "active"
    user.locked_reason = ""
    user.locked_until = None
    user.failed_logins = 0
    user.last_active_at = now
    if user.must_change_password:
        user.password_changed_at = now
    audit.record_unit(uow, "user.unlock", f"user:{user.name}", {"reason": reason.strip()})


def refresh_lock(uow: UnitOfWork, user: User, policy: AccountPolicy) -> bool:
    """Apply the date rules to one account: end an expired temporary lock, lock what is due.

    Returns whether the account is usable now.
    """
    now = uow.clock.now()
    if user.state == "locked" and user.locked_until is not None and user.locked_until <= now:
        unlock_user(uow, user, "temporary lock after failed log-ins ended")
    reason = due_lock(user, now, policy)
    if reason is not None:
        lock_user(uow, user, reason)
    return user.state == "active"


def enforce_locks(uow: UnitOfWork, policy: AccountPolicy = DEFAULT_POLICY) -> list[User]:
    """Lock every account the date rules make due (a daily sweep); returns those locked."""
    locked = []
    for user in uow.session.scalars(select(User).where(User.state == "active")):
        if not refresh_lock(uow, user, policy):
            locked.append(user)
    return locked


# Log-in -------------------------------------------------------------------------------------

def _client_failures(session: Session, ip: str, target: str, now: datetime,
                     policy: AccountPolicy) -> int:
    """Failed log-ins on ``target`` from ``ip`` in a row: within ``lock_minutes`` and since
    that address last logged in to it. Counted from the audit log, which every machine
    shares (a counter in one worker's memory would be several counters)."""
    since = now - timedelta(minutes=policy.lock_minutes)
    last_success = session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.action == "login.success", AuditEntry.ip == ip, AuditEntry.target == target,
        AuditEntry.at >= since))
    return audit.log.count_since(session, "login.failed", last_success or since, ip=ip,
                                 target=target)


def _claim_totp_step(uow: UnitOfWork, user: User, step: int) -> bool:
    """Record ``step`` as used, if no code of this or a later step was accepted before.

    One conditional UPDATE, so two log-ins racing with the same code cannot both win.
    """
    claimed = uow.session.execute(
        update(User).where(User.id == user.id, User.totp_last_step < step)
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    uow.session.expire(user, ["totp_last_step"])
    return bool(getattr(claimed, "rowcount", 0) == 1)


def _attempt(uow: UnitOfWork, action: str, target: str, ip: str,
             details: dict[str, str] | None = None) -> None:
    """Record a log-in attempt with the address it came from: the throttles count these."""
    audit.record(uow.session, uow.clock, uow.actor, action, target, ip=ip, details=details)


def authenticate(uow: UnitOfWork, login: str, password: str, *, ip: str | None,
                 policy: AccountPolicy = DEFAULT_POLICY, totp_code: str = "") -> User:
    """Check a log-in (and the one-time code, if the account has one); raises LoginRefused.

    Failures throttle the client, never the account (issue 15): after ``max_failed_logins``
    failures on one account from one address, that address may not try that account for
    ``lock_minutes``, and after ``ip_max_failures`` on any accounts, not at all for
    ``ip_window_minutes``. Whoever knows an officer's login name cannot lock them out. The
    regulation's locks (initial password unchanged, account unused) stay as they are.
    A one-time code is accepted once: its time step is remembered.

    The caller commits ``uow`` whether or not this raises: failures must be recorded.
    """
    now = uow.clock.now()
    address = ip or ""
    window = now - timedelta(minutes=policy.ip_window_minutes)
    if address and audit.log.count_since(uow.session, "login.failed", window,
                                         ip=address) >= policy.ip_max_failures:
        _attempt(uow, "login.throttled", f"login:{login[:100]}", address)
        raise LoginRefused("Too many failed log-ins from your address; try again later.",
                           throttled=True)
    try:
        user: User | None = get_user(uow.session, login)
    except NotFound:
        user = None
    target = f"user:{user.name}" if user is not None else f"login:{login[:100]}"
    if _client_failures(uow.session, address, target, now, policy) >= policy.max_failed_logins:
        _attempt(uow, "login.throttled", target, address)
        raise LoginRefused(f"Too many failed log-ins to this account from your address; try "
                           f"again in {policy.lock_minutes} minutes.", throttled=True)
    if user is None:
        verify_password(dummy_hash(), password)  # same cost as a real check
        _attempt(uow, "login.failed", target, address, {"why": "unknown user"})
        raise LoginRefused(WRONG_CREDENTIALS)
    usable = refresh_lock(uow, user, policy)
    password_ok = verify_password(user.password_hash, password)
    step = matching_step(user.totp_secret, totp_code, now) if user.totp_secret else None
    code_ok = not user.totp_secret or (step is not None and step > user.totp_last_step)
    if not (password_ok and code_ok):
        why = "wrong password" if not password_ok else (
            "one-time code already used" if step is not None else "wrong one-time code")
        _attempt(uow, "login.failed", target, address, {"why": why})
        if password_ok and not totp_code:
            raise LoginRefused("Enter the code from your authenticator app.")
        raise LoginRefused(WRONG_CREDENTIALS)
    if not usable:
        # Only someone with the right password learns the account is locked.
        _attempt(uow, "login.failed", target, address, {"why": "locked"})
        raise LoginRefused(f"This account is locked: {user.locked_reason}. "
                           "Ask an administrator to unlock it.")
    if step is not None and not _claim_totp_step(uow, user, step):
        _attempt(uow, "login.failed", target, address, {"why": "one-time code already used"})
        raise LoginRefused(WRONG_CREDENTIALS)
    user.failed_logins = 0
    user.last_active_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _attempt(uow, "login.success", target, address)
    return user


def change_password(uow: UnitOfWork, user: User, current: str, new: str) -> None:
    """The person sets their own password; other sessions end."""
    if not verify_password(user.password_hash, current):
        raise ValidationError({"current_password": ["The current password is wrong."]})
    _set_password(uow, user, new, own=True)


def reset_password(uow: UnitOfWork, user: User, new: str) -> None:
    """An administrator sets a new initial password (to be changed within the policy days)."""
    _set_password(uow, user, new, own=False)


def _set_password(uow: UnitOfWork, user: User, new: str, *, own: bool) -> None:
    org = uow.session.get(Organization, user.organization_id) if user.organization_id else None
    problems = password_problems(new, name=user.name, email=user.email,
                                 full_name=user.full_name, agency=_agency_names(org))
    if verify_password(user.password_hash, new):
        problems.append("The new password must differ from the current one.")
    if problems:
        raise ValidationError({"password": problems})
    user.password_hash = hash_password(new)
    user.password_changed_at = uow.clock.now()
    user.must_change_password = not own
    user.session_epoch += 1
    sessions.end_all(uow, user)
    audit.record_unit(uow, "user.password_change" if own else "user.password_reset",
                      f"user:{user.name}")


def end_sessions(uow: UnitOfWork, user: User) -> None:
    """Log out everywhere: every session cookie issued so far stops working."""
    user.session_epoch += 1
    sessions.end_all(uow, user)
    audit.record_unit(uow, "user.logout_everywhere", f"user:{user.name}")


def enable_totp(uow: UnitOfWork, user: User, secret: str, code: str) -> None:
    """Turn on the second factor once the person proves their app shows the right code."""
    if not verify_code(secret, code, uow.clock.now()):
        raise ValidationError({"code": ["That code does not match; check the app's clock."]})
    user.totp_secret = secret
    # The code that proved the app is spent: it cannot log in as well.
    user.totp_last_step = matching_step(secret, code, uow.clock.now()) or 0
    audit.record_unit(uow, "user.totp_enable", f"user:{user.name}")


def disable_totp(uow: UnitOfWork, user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ValidationError({"password": ["The password is wrong."]})
    user.totp_secret = ""
    audit.record_unit(uow, "user.totp_disable", f"user:{user.name}")


# Roles --------------------------------------------------------------------------------------

def set_role(uow: UnitOfWork, user: User, organization: str, role: str | None, *,
             by: Principal = SYSTEM) -> None:
    """Give ``user`` ``role`` in ``organization``, or remove them from it (``role=None``)."""
    org = get_organization(uow.session, organization)
    if not by.can("organization.manage", org.id):
        raise NotAuthorized(f"Access denied: you may not manage members of {org.name}")
    if role is not None and role not in ROLES:
        raise ValidationError({"role": [f"Must be one of {', '.join(ROLES)}"]})
    current = next((m for m in user.memberships if m.organization_id == org.id), None)
    old = current.role if current else None
    if old == role:
        return
    if role is None and current is not None:
        user.memberships.remove(current)
    elif current is not None:
        current.role = role  # type: ignore[assignment]
    else:
        user.memberships.append(Membership(organization_id=org.id, role=role,
                                           created=uow.clock.now()))
    uow.session.flush()
    audit.record_unit(uow, "user.role", f"user:{user.name}",
                      {"organization": org.name, "old": old, "new": role})


def set_sysadmin(uow: UnitOfWork, user: User, value: bool, *, by: Principal = SYSTEM) -> None:
    if not by.sysadmin:
        raise NotAuthorized("Only sysadmins may grant or remove sysadmin")
    if user.sysadmin != value:
        user.sysadmin = value
        audit.record_unit(uow, "user.role", f"user:{user.name}",
                          {"organization": None, "old": "sysadmin" if not value else None,
                           "new": "sysadmin" if value else None})


def session_principal(session: Session, user: User) -> Principal:
    """The principal of a logged-in person: every scope their roles allow."""
    return principal_for_user(session, user, frozenset({"read", "read_private", "write"}))
