"""The e-mails: confirmation (double opt-in) and digests, Vietnamese and English, each with
a one-click unsubscribe (RFC 8058 ``List-Unsubscribe-Post``) — and the SMTP sender."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from catalogue.context import Catalogue
from catalogue.subscriptions.model import Notification, Subscription
from catalogue.subscriptions.service import Target, due_digests, target_of

EVENTS = {
    "new_version": ("có phiên bản mới", "has a new version"),
    "withdrawn": ("đã bị rút khỏi cổng", "was withdrawn"),
    "overdue": ("đã quá hạn cập nhật", "is overdue for its update"),
}
KINDS = {"dataset": ("bộ dữ liệu", "dataset"), "organization": ("cơ quan", "agency"),
         "group": ("lĩnh vực", "sector")}


@dataclass(frozen=True)
class Site:
    url: str
    title: str
    title_en: str
    mail_from: str

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Site:
        return cls(settings["site_url"].rstrip("/"), settings["site_title"],
                   settings["site_title_en"], settings["mail_from"])

    def confirm_url(self, sub: Subscription) -> str:
        return f"{self.url}/subscriptions/confirm/{sub.token}"

    def unsubscribe_url(self, sub: Subscription) -> str:
        return f"{self.url}/subscriptions/unsubscribe/{sub.token}"


class SmtpMailer:
    """Sends through the configured SMTP server (settings ``smtp_host``, ``smtp_port``)."""

    def __init__(self, host: str, port: int, *, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SmtpMailer | None:
        """None when no SMTP server is configured: notifications then wait in the database."""
        host = settings.get("smtp_host") or ""
        return cls(host, int(settings.get("smtp_port") or 25)) if host else None

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


def _message(site: Site, sub: Subscription, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = site.mail_from
    message["To"] = sub.email
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="dulieumo")
    message.set_content(body)
    return message


def confirmation_message(site: Site, sub: Subscription, target: Target) -> EmailMessage:
    """Asks the address to confirm; nothing else is ever sent until it does."""
    kind_vi, kind_en = KINDS[target.type]
    body = (
        f"Xin chào,\n\nCó người (có thể là bạn) đã đăng ký theo dõi {kind_vi} "
        f"\"{target.title}\" trên {site.title}.\nĐể xác nhận, mở liên kết sau:\n"
        f"{site.confirm_url(sub)}\n\nNếu không phải bạn, hãy bỏ qua thư này: "
        "bạn sẽ không nhận thêm thư nào.\n\n---\n\n"
        f"Someone (probably you) asked to follow the {kind_en} \"{target.title}\" on "
        f"{site.title_en}.\nTo confirm, open:\n{site.confirm_url(sub)}\n\n"
        "If it was not you, ignore this e-mail: nothing more will be sent.\n"
    )
    subject = (f"Xác nhận theo dõi: {target.title}" if sub.locale == "vi"
               else f"Confirm following: {target.title}")
    return _message(site, sub, subject, body)


def digest_message(site: Site, sub: Subscription, target: Target,
                   notifications: Sequence[Notification]) -> EmailMessage:
    """One digest: every change since the last one, with links and a one-click unsubscribe."""
    lines_vi, lines_en = [], []
    for note in notifications:
        vi, en = EVENTS.get(note.event, (note.event, note.event))
        link = f"{site.url}/dataset/{note.dataset_name}"
        extra_vi = f" (hạn {note.detail})" if note.event == "overdue" and note.detail else ""
        extra_en = f" (due {note.detail})" if note.event == "overdue" and note.detail else ""
        lines_vi.append(f"- \"{note.dataset_title}\" {vi}{extra_vi}: {link}")
        lines_en.append(f"- \"{note.dataset_title}\" {en}{extra_en}: {link}")
    kind_vi, kind_en = KINDS[target.type]
    body = (
        f"Cập nhật về {kind_vi} \"{target.title}\" bạn theo dõi trên {site.title}:\n\n"
        + "\n".join(lines_vi)
        + f"\n\nHủy theo dõi (một lần bấm): {site.unsubscribe_url(sub)}\n\n---\n\n"
        f"Updates on the {kind_en} \"{target.title}\" you follow on {site.title_en}:\n\n"
        + "\n".join(lines_en)
        + f"\n\nUnsubscribe (one click): {site.unsubscribe_url(sub)}\n"
    )
    subject = (f"[{site.title}] {len(notifications)} cập nhật: {target.title}"
               if sub.locale == "vi" else
               f"[{site.title_en}] {len(notifications)} updates: {target.title}")
    message = _message(site, sub, subject, body)
    message["List-Unsubscribe"] = f"<{site.unsubscribe_url(sub)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def send_confirmation(catalogue: Catalogue, mailer: SmtpMailer, sub: Subscription,
                      target: Target) -> None:
    """Mail the double opt-in link for a subscription ``subscribe`` just made pending."""
    mailer.send(confirmation_message(Site.from_settings(catalogue.settings), sub, target))


def send_digests(catalogue: Catalogue, mailer: SmtpMailer) -> int:
    """Send every digest that is due; returns how many e-mails went out.

    Each digest is marked sent in its own transaction right after the server accepts it, so
    a failure part-way leaves the rest queued for the next run instead of sending twice.
    """
    site = Site.from_settings(catalogue.settings)
    sent = 0
    with catalogue.sessions() as session:
        due = due_digests(session, catalogue.clock.now())
        for sub, notifications in due:
            message = digest_message(site, sub, target_of(session, sub), notifications)
            now = catalogue.clock.now()
            message["Date"] = format_datetime(now)
            mailer.send(message)
            for note in notifications:
                note.sent_at = now
            sub.last_digest_at = now
            session.commit()
            sent += 1
    return sent
