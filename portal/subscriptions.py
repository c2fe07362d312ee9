"""Follow pages: subscribe (double opt-in), confirm, one-click unsubscribe (issue 9).

The confirm and unsubscribe links carry the subscription's secret token, which is all the
authority they need (no log-in, no CSRF token: RFC 8058 one-click POSTs come from mail
clients). Opening the unsubscribe link shows one button rather than acting on GET, so link
scanners in mail systems cannot unsubscribe anyone.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, request
from markupsafe import escape

from catalogue.errors import NotFound, ValidationError
from catalogue.subscriptions.mail import SmtpMailer, send_confirmation
from catalogue.subscriptions.service import confirm, find_target, subscribe, unsubscribe
from portal import csrf
from portal.catalogue_ext import catalogue_of

blueprint = Blueprint("subscriptions", __name__, url_prefix="/subscriptions")


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
            f"{body}</main></body></html>")
    return Response(html, status=status, mimetype="text/html")


@blueprint.post("")
def subscribe_view() -> Response:
    """Ask to follow a dataset, an agency or a sector; mails the confirmation link."""
    csrf.check_request()
    catalogue = catalogue_of()
    form = request.form
    try:
        with catalogue.unit("public") as uow:
            sub, must_confirm = subscribe(
                uow, form.get("email", ""), form.get("target_type", "dataset"),
                form.get("target", ""), frequency=form.get("frequency", "daily"),
                locale=form.get("locale", "vi"))
            target = find_target(uow.session, sub.target_type, form.get("target", ""))
            uow.commit()
            mailer = SmtpMailer.from_settings(catalogue.settings)
            if must_confirm and mailer is not None:
                send_confirmation(catalogue, mailer, sub, target)
    except ValidationError as exc:
        problems = "".join(f"<li>{escape(k)}: {escape(' '.join(v))}</li>"
                           for k, v in exc.errors.items())
        return _page("Chưa đăng ký được / Not subscribed", f"<ul>{problems}</ul>", 400)
    except NotFound as exc:
        return _page("Không tìm thấy / Not found", f"<p>{escape(exc.message)}</p>", 404)
    return _page("Kiểm tra hộp thư / Check your inbox",
                 f"<p>Chúng tôi đã gửi liên kết xác nhận tới {escape(sub.email)}. Bạn chỉ "
                 f"nhận thông báo sau khi xác nhận.</p><p>We sent a confirmation link to "
                 f"{escape(sub.email)}; nothing else is sent until you confirm.</p>", 202)


@blueprint.get("/confirm/<token>")
def confirm_view(token: str) -> Response:
    catalogue = catalogue_of()
    try:
        with catalogue.unit("public") as uow:
            sub = confirm(uow, token)
            uow.commit()
    except NotFound:
        abort(404)
    cadence = "hằng ngày" if sub.frequency == "daily" else "hằng tuần"
    return _page("Đã xác nhận / Confirmed",
                 f"<p>Bạn sẽ nhận bản tin {cadence} khi có thay đổi. / You will get a "
                 f"{escape(sub.frequency)} digest of changes.</p>")


@blueprint.get("/unsubscribe/<token>")
def unsubscribe_form(token: str) -> Response:
    """One button; the mail's own List-Unsubscribe-Post needs none."""
    return _page("Hủy theo dõi / Unsubscribe",
                 f'<form method="post" action="/subscriptions/unsubscribe/{escape(token)}">'
                 f'<button type="submit">Hủy theo dõi / Unsubscribe</button></form>')


@blueprint.post("/unsubscribe/<token>")
def unsubscribe_view(token: str) -> Response:
    """RFC 8058 one-click unsubscribe (and the button above)."""
    catalogue = catalogue_of()
    try:
        with catalogue.unit("public") as uow:
            unsubscribe(uow, token)
            uow.commit()
    except NotFound:
        abort(404)
    return _page("Đã hủy theo dõi / Unsubscribed",
                 "<p>Bạn sẽ không nhận thêm thư nào. / You will get no more e-mails.</p>")


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
