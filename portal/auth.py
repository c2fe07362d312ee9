"""Log-in, log-out and who is asking: the session cookie for people, tokens for scripts.

The session cookie is Flask's signed cookie holding the account id, its ``session_epoch`` and
the id of a ``login_session`` row: log-out ends that row, so a copy of the cookie is anonymous
afterwards (issue 15); raising the epoch (log-out everywhere, lock, password change) ends
every session at once.
Cookies are HttpOnly, SameSite=Lax, and Secure whenever the portal is served over https.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from catalogue.accounts import service, sessions
from catalogue.accounts.model import TOKEN_SCOPES, User
from catalogue.accounts.policy import AccountPolicy
from catalogue.accounts.principal import ANONYMOUS, Principal, principal_from_token
from catalogue.accounts.tokens import create_token, get_token, revoke_token, token_state
from catalogue.accounts.totp import new_secret, provisioning_uri
from catalogue.context import UnitOfWork
from catalogue.errors import NotFound, ValidationError
from portal import csrf
from portal.catalogue_ext import catalogue_of
from portal.error_words import errors_text

blueprint = csrf.protect(Blueprint("auth", __name__))
F = TypeVar("F", bound=Callable[..., Any])


def policy() -> AccountPolicy:
    return AccountPolicy.from_settings(catalogue_of().settings)


def client_ip() -> str:
    """The caller's address: the connection's, or the one the trusted proxies forwarded
    (``proxy_trusted_hops``, applied by ``portal.create_app`` with ProxyFix)."""
    return request.remote_addr or ""


def unit(actor: str | None = None) -> UnitOfWork:
    """A unit of work acting as the current person, with their address for the audit log."""
    principal = current_principal()
    # The address is read by catalogue.audit.record_unit.
    return catalogue_of().unit(actor or principal.name, ip=client_ip())


def _token_principal() -> Principal | None:
    from portal.api.auth import token_from_headers

    token = token_from_headers(request.headers)
    if not token:
        return None
    catalogue = catalogue_of()
    with catalogue.sessions() as db:
        return principal_from_token(db, token, catalogue.clock, policy=policy()) or ANONYMOUS


def session_user(db: Session) -> User | None:
    """The logged-in account, if the session cookie is current and the account usable."""
    user_id, epoch, since = session.get("uid"), session.get("epoch"), session.get("since")
    if not user_id or not isinstance(since, str):
        return None
    user = db.get(User, user_id)
    now = catalogue_of().clock.now()
    if user is None or user.session_epoch != epoch or user.state != "active":
        return None
    if not sessions.is_open(db, session.get("sid"), user.id):
        return None  # logged out (or a cookie from before sessions were kept)
    if now - datetime.fromisoformat(since) > timedelta(hours=policy().session_hours):
        return None
    if service.due_lock(user, now, policy()) is not None:
        return None  # the next log-in attempt (or the daily sweep) records the lock
    return user


def current_principal() -> Principal:
    """Who is asking: a token in ``Authorization``, else the session cookie, else anonymous.

    Cached per request on ``g.principal`` (which the public pages read too).
    """
    cached = g.get("principal")
    if isinstance(cached, Principal):
        return cached
    principal = _token_principal()
    if principal is None:
        principal = ANONYMOUS
        if session.get("uid"):
            with catalogue_of().sessions() as db:
                user = session_user(db)
                if user is not None:
                    principal = service.session_principal(db, user)
    g.principal = principal
    return principal


def login_required(view: F) -> F:
    """Send anonymous visitors to the log-in page; people with an expired initial password
    to the change-password page first."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        principal = current_principal()
        if principal.is_anonymous:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if session.get("must_change") and request.endpoint != "auth.change_password":
            return redirect(url_for("auth.change_password"))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _safe_next(target: str | None) -> str:
    """Only local paths: an open redirect after log-in would help phishing."""
    # "//host" and "/\\host" are other hosts to a browser.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and \
            not urlsplit(target).netloc:
        return target
    return url_for("workspace.dashboard")


def _start_session(uow: UnitOfWork, user: User) -> None:
    """Open a session row and put it in a fresh cookie (commit ``uow`` afterwards)."""
    session_id = sessions.open_session(uow, user, ip=client_ip(), hours=policy().session_hours)
    # A fresh session (and CSRF token) at log-in: no fixation of a pre-log-in session.
    session.clear()
    session.permanent = True
    session["sid"] = session_id
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    session["since"] = catalogue_of().clock.now().isoformat()
    session["must_change"] = user.must_change_password
    g.pop("principal", None)


@blueprint.route("/user/login", methods=["GET", "POST"])
def login() -> Any:
    error, status = "", 200
    # The header's "Đăng nhập" link is the same for everyone on cacheable pages: the page
    # tells a logged-in person where their workspace is (issue 19).
    current_principal()
    if request.method == "POST":
        name = request.form.get("login", "").strip()
        try:
            with unit(actor=name[:100] or "anonymous") as uow:
                try:
                    user = service.authenticate(uow, name, request.form.get("password", ""),
                                                ip=client_ip(), policy=policy(),
                                                totp_code=request.form.get("code", ""))
                    _start_session(uow, user)
                finally:
                    uow.commit()  # failures and locks are recorded too
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
        except service.LoginRefused as refused:
            error, status = refused.message, 429 if refused.throttled else 401
    return render_template("auth/login.html", error=error), status


@blueprint.route("/user/logout", methods=["POST"])
def logout() -> Response:
    principal = current_principal()
    if not principal.is_anonymous:
        with unit() as uow:
            from catalogue import audit

            audit.record_unit(uow, "logout", f"user:{principal.name}")
            sessions.end_session(uow, session.get("sid"))  # a kept copy of the cookie dies too
            uow.commit()
    session.clear()
    return redirect("/")


@blueprint.route("/user/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Response:
    with unit() as uow:
        service.end_sessions(uow, service.get_user(uow.session, current_principal().user_id or ""))
        uow.commit()
    session.clear()
    return redirect(url_for("auth.login"))


@blueprint.route("/user/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            errors = {"confirm_password": [_("Hai mật khẩu mới không khớp.")]}
        else:
            try:
                with unit() as uow:
                    user = service.get_user(uow.session, current_principal().user_id or "")
                    service.change_password(uow, user, request.form.get("password", ""), new)
                    _start_session(uow, user)  # other sessions ended; this one carries on
                    uow.commit()
                flash(_("Đã đổi mật khẩu."))
                return redirect(url_for("auth.profile"))
            except ValidationError as exc:
                errors = exc.errors
    return render_template("auth/password.html", errors=errors,
                           forced=bool(session.get("must_change"))), 400 if errors else 200


def _me(db: Any) -> User:
    return service.get_user(db, current_principal().user_id or "")


@blueprint.route("/user/me")
@login_required
def profile() -> str:
    catalogue = catalogue_of()
    with catalogue.sessions() as db:
        user = _me(db)
        from catalogue.organizations.model import Organization

        orgs = {o.id: o for o in db.query(Organization).all()}
        return render_template(
            "auth/profile.html", user=user, orgs=orgs, scopes=TOKEN_SCOPES,
            tokens=[(t, token_state(t, catalogue.clock.now())) for t in user.tokens],
            new_token=session.pop("new_token", None), policy=policy())


@blueprint.route("/user/me/tokens", methods=["POST"])
@login_required
def token_new() -> Response:
    try:
        with unit() as uow:
            days = int(request.form.get("days") or policy().token_default_days)
            _token, raw = create_token(uow, _me(uow.session),
                                       scope=request.form.get("scope", ""), days=days,
                                       name=request.form.get("name", ""), policy=policy())
            uow.commit()
        # Kept in the signed cookie for exactly one page view: shown once, never stored.
        session["new_token"] = raw
    except ValidationError as exc:
        for message in errors_text(exc.errors):
            flash(message)
    except ValueError:  # days not a whole number
        flash(_("Số ngày hiệu lực phải là số nguyên."))
    return redirect(url_for("auth.profile"))


@blueprint.route("/user/me/tokens/<token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id: str) -> Response:
    with unit() as uow:
        token = get_token(uow.session, token_id)
        if token.user_id != current_principal().user_id:
            raise NotFound(f"Token not found: {token_id}")
        revoke_token(uow, token)
        uow.commit()
    flash(_("Đã thu hồi khóa API."))
    return redirect(url_for("auth.profile"))


@blueprint.route("/user/me/totp", methods=["GET", "POST"])
@login_required
def totp() -> Any:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            with unit() as uow:
                user = _me(uow.session)
                if request.form.get("action") == "disable":
                    service.disable_totp(uow, user, request.form.get("password", ""))
                else:
                    service.enable_totp(uow, user, session.get("totp_secret", ""),
                                        request.form.get("code", ""))
                uow.commit()
            session.pop("totp_secret", None)
            return redirect(url_for("auth.profile"))
        except ValidationError as exc:
            errors = exc.errors
    with catalogue_of().sessions() as db:
        user = _me(db)
        secret = session.get("totp_secret") or new_secret()
        session["totp_secret"] = secret
        title = catalogue_of().settings.get("site_title", "dulieumo")
        return render_template("auth/totp.html", user=user, secret=secret, errors=errors,
                               uri=provisioning_uri(secret, user.email, title)), \
            400 if errors else 200


# Pages behind log-in: no framing (clickjacking of approve/lock buttons), no inline script,
# never stored by a shared computer's browser or a proxy.
PRIVATE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; object-src 'none'; base-uri 'self'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _private_headers(response: Response) -> Response:
    if (request.blueprint or "").startswith(("auth", "workspace")) and (
            request.endpoint != "workspace.stylesheet"):
        for name, value in PRIVATE_HEADERS.items():
            response.headers[name] = value
    principal = g.get("principal")
    if isinstance(principal, Principal) and not principal.is_anonymous:
        # What a member sees may be private: no shared cache may keep it for others.
        response.cache_control.public = False
        response.cache_control.private = True
    return response


def _audit_token_write(response: Response) -> Response:
    """Every API write made with a token, allowed or refused, with its address (issue 7:
    "token use for writes"). The changes themselves are audited by the services."""
    from portal.api.auth import token_from_headers
    from portal.api.registry import ACTIONS

    if request.method != "POST" or not request.path.startswith("/api/"):
        return response
    found = ACTIONS.get(str((request.view_args or {}).get("name", "")))
    token = token_from_headers(request.headers)
    if found is None or not found.writes or not token:
        return response
    principal = _token_principal() or ANONYMOUS
    with catalogue_of().unit(principal.name, ip=client_ip()) as uow:
        from catalogue import audit

        audit.record_unit(uow, "token.write", f"api:{found.name}",
                          {"status": response.status_code, "token": token[:12]})
        uow.commit()
    return response


def _set_principal() -> None:
    # The API resolves its caller itself (portal.api.auth); static files need nobody, nor do
    # embeds, which show everyone what the public sees and so must not read (and Vary on) the
    # session cookie: one cached copy serves every reader (issue 22).
    if not request.path.startswith(("/api/", "/static/", "/embed/", "/oembed")):
        current_principal()


def init_app(app: Flask) -> None:
    """Cookie flags, the blueprint, and ``g.principal`` on every request."""
    https = str(app.config["DULIEUMO"].get("site_url", "")).startswith("https://")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_NAME="dulieumo_session",
        PERMANENT_SESSION_LIFETIME=timedelta(
            hours=AccountPolicy.from_settings(app.config["DULIEUMO"]).session_hours),
    )
    if "csrf_token" not in app.jinja_env.globals:
        csrf.init_app(app)
    app.register_blueprint(blueprint)
    app.before_request(_set_principal)
    app.after_request(_private_headers)
    app.after_request(_audit_token_write)
