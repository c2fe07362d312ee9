"""CSRF protection for HTML forms: a per-session token checked with ``compare_digest``.

Not flask-wtf: one token per session in Flask's signed session cookie is all the portal's
forms need. Protect a blueprint with :func:`protect` and put
``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`` in each form
(the accounts pages reuse both). JSON API calls authenticate by token and are not protected.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Flask, abort, request, session

SESSION_KEY = "_csrf_token"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    """This session's token, made on first use."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def check_request() -> None:
    """Abort with 400 unless an unsafe request carries this session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    if not isinstance(expected, str) or not expected or not secrets.compare_digest(
            expected.encode(), sent.encode()):
        abort(400, description="csrf")


def protect(blueprint: Blueprint) -> Blueprint:
    """Check the token on every unsafe request to ``blueprint``'s views."""
    blueprint.before_request(check_request)
    return blueprint


def init_app(app: Flask) -> None:
    """Make ``csrf_token()`` available in templates."""
    app.jinja_env.globals["csrf_token"] = csrf_token
