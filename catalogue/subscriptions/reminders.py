"""Reminding agencies of their overdue datasets (issue 9: "overdue datasets flagged, agencies
reminded"). One e-mail per agency listing what is overdue, sent to the agency's address; each
missed date is mentioned once, so a dataset that stays overdue does not mail every day."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select

from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import package_dict
from catalogue.organizations.model import Organization
from catalogue.quality.score import due_date, is_overdue
from catalogue.subscriptions.mail import Site, SmtpMailer
from catalogue.subscriptions.model import OverdueReminder


def reminder_message(site: Site, org: Organization,
                     overdue: list[tuple[Dataset, datetime]], now: datetime) -> EmailMessage:
    lines_vi = [f"- {ds.title or ds.name} (tần suất: {ds.update_frequency}, hạn "
                f"{due.strftime('%d/%m/%Y')}): {site.url}/dataset/{ds.name}"
                for ds, due in overdue]
    lines_en = [f"- {ds.title_en or ds.title or ds.name} ({ds.update_frequency}, due "
                f"{due.strftime('%Y-%m-%d')}): {site.url}/dataset/{ds.name}"
                for ds, due in overdue]
    message = EmailMessage()
    message["From"] = site.mail_from
    message["To"] = org.email
    message["Subject"] = f"[{site.title}] {len(overdue)} bộ dữ liệu quá hạn cập nhật"
    message["Message-ID"] = make_msgid(domain="dulieumo")
    message["Date"] = format_datetime(now)
    message.set_content(
        f"Kính gửi {org.title or org.name},\n\nCác bộ dữ liệu sau đã quá hạn cập nhật theo tần "
        "suất cơ quan đã công bố (Điều 43 Luật Giao dịch điện tử 2023: dữ liệu mở phải là "
        "phiên bản mới nhất):\n\n" + "\n".join(lines_vi)
        + "\n\nXin cập nhật dữ liệu hoặc sửa tần suất cập nhật cho đúng thực tế.\n\n---\n\n"
        f"These datasets of {org.title_en or org.title or org.name} are overdue for the "
        "update their stated frequency promises:\n\n" + "\n".join(lines_en)
        + "\n\nPlease publish the update, or correct the stated frequency.\n")
    return message


def send_agency_reminders(catalogue: Catalogue, mailer: SmtpMailer) -> int:
    """Mail each agency with newly overdue open datasets; returns how many e-mails went out."""
    site = Site.from_settings(catalogue.settings)
    now = catalogue.clock.now()
    sent = 0
    with catalogue.sessions() as session:
        candidates = session.scalars(select(Dataset).where(
            Dataset.state == "active", Dataset.access_class == "open",
            Dataset.owner_org_id.is_not(None),
            Dataset.update_frequency.notin_(["", "irregular", "never"])))
        by_org: dict[str, list[tuple[Dataset, datetime]]] = defaultdict(list)
        for ds in candidates:
            package = package_dict(ds, catalogue.site_url)
            due = due_date(package)
            if due is None or not is_overdue(package, now):
                continue
            told = session.scalars(select(OverdueReminder.id).where(
                OverdueReminder.dataset_id == ds.id, OverdueReminder.due == due)).first()
            if told is None and ds.owner_org_id:
                by_org[ds.owner_org_id].append((ds, due))
        for org_id, overdue in by_org.items():
            org = session.get(Organization, org_id)
            if org is None or not org.email:
                continue
            mailer.send(reminder_message(site, org, overdue, now))
            for ds, due in overdue:
                session.add(OverdueReminder(organization_id=org_id, dataset_id=ds.id, due=due,
                                            sent_at=now))
            session.commit()
            sent += 1
    return sent
