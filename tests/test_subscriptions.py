"""Follows by e-mail against a real SMTP server on 127.0.0.1 (aiosmtpd): double opt-in,
digests of new versions, withdrawals and overdue updates, one-click unsubscribe."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from catalogue.clock import FixedClock
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset, delete_dataset, update_dataset
from catalogue.errors import NotFound, ValidationError
from catalogue.subscriptions.mail import SmtpMailer, send_confirmation, send_digests
from catalogue.subscriptions.model import Subscription
from catalogue.subscriptions.service import (
    collect_overdue,
    collect_revision_events,
    confirm,
    subscribe,
    unsubscribe,
)

START = datetime(2026, 3, 2, 8, 30)


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"

    def body(self, index: int = -1) -> str:
        part = self.messages[index].get_body(("plain",))
        assert part is not None
        return str(part.get_content())


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def mailer(inbox: tuple[Inbox, int], catalogue: Catalogue) -> SmtpMailer:
    catalogue.settings = {**catalogue.settings, "smtp_host": "127.0.0.1", "smtp_port": inbox[1],
                          "mail_from": "dulieumo@portal.test"}
    found = SmtpMailer.from_settings(catalogue.settings)
    assert found is not None
    return found


@pytest.fixture
def dataset(catalogue: Catalogue, org: str) -> str:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "chat-luong-nuoc", "title": "Chất lượng nước mặt",
                             "owner_org": org, "groups": ["moi-truong"],
                             "update_frequency": "monthly"})
        uow.commit()
    return "chat-luong-nuoc"


def follow(catalogue: Catalogue, mailer: SmtpMailer, target_type: str, target: str,
           address: str = "lan@example.vn", frequency: str = "daily") -> Subscription:
    from catalogue.subscriptions.service import find_target

    with catalogue.unit("public") as uow:
        sub, must_confirm = subscribe(uow, address, target_type, target, frequency=frequency)
        uow.commit()
        if must_confirm:
            send_confirmation(catalogue, mailer, sub,
                              find_target(uow.session, target_type, target))
    return sub


def confirmed(catalogue: Catalogue, mailer: SmtpMailer, target_type: str, target: str,
              **kwargs: Any) -> Subscription:
    sub = follow(catalogue, mailer, target_type, target, **kwargs)
    with catalogue.unit("public") as uow:
        confirm(uow, sub.token)
        uow.commit()
    return sub


def change(catalogue: Catalogue, clock: FixedClock, title: str, **advance: float) -> None:
    clock.advance(**advance)
    with catalogue.unit("agency") as uow:
        update_dataset(uow, "chat-luong-nuoc", {"title": title}, partial=True)
        uow.commit()


def collect(catalogue: Catalogue) -> int:
    with catalogue.unit("scheduler") as uow:
        queued = collect_revision_events(uow, START) + collect_overdue(uow)
        uow.commit()
    return queued


def test_nothing_is_sent_before_the_address_confirms(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        clock: FixedClock) -> None:
    box, _port = inbox
    sub = follow(catalogue, mailer, "dataset", dataset)
    assert sub.state == "pending" and len(box.messages) == 1
    assert f"http://portal.test/subscriptions/confirm/{sub.token}" in box.body()
    assert box.messages[0]["To"] == "lan@example.vn"
    change(catalogue, clock, "Chất lượng nước mặt 2026", hours=1)
    assert collect(catalogue) == 0
    assert send_digests(catalogue, mailer) == 0 and len(box.messages) == 1


def test_a_confirmed_follower_gets_a_digest_with_one_click_unsubscribe(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        clock: FixedClock) -> None:
    box, _port = inbox
    sub = confirmed(catalogue, mailer, "dataset", dataset)
    change(catalogue, clock, "Chất lượng nước mặt (bản 2)", hours=1)
    change(catalogue, clock, "Chất lượng nước mặt (bản 3)", hours=1)
    assert collect(catalogue) == 1  # two versions, one line in the digest
    assert send_digests(catalogue, mailer) == 1
    digest = box.messages[-1]
    unsubscribe_url = f"http://portal.test/subscriptions/unsubscribe/{sub.token}"
    assert digest["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Chất lượng nước mặt (bản 3)\" có phiên bản mới" in box.body()
    assert "has a new version" in box.body() and unsubscribe_url in box.body()
    assert collect(catalogue) == 0 and send_digests(catalogue, mailer) == 0


def test_unsubscribed_addresses_get_nothing_more(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        clock: FixedClock) -> None:
    box, _port = inbox
    sub = confirmed(catalogue, mailer, "dataset", dataset)
    with catalogue.unit("public") as uow:
        assert unsubscribe(uow, sub.token).state == "unsubscribed"
        uow.commit()
    change(catalogue, clock, "Bản mới", hours=1)
    assert collect(catalogue) == 0 and send_digests(catalogue, mailer) == 0
    assert len(box.messages) == 1  # the confirmation only
    with catalogue.unit("public") as uow, pytest.raises(NotFound):
        confirm(uow, sub.token)


def test_daily_digests_wait_a_day_weekly_ones_a_week(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        clock: FixedClock) -> None:
    box, _port = inbox
    confirmed(catalogue, mailer, "dataset", dataset, address="a@example.vn")
    confirmed(catalogue, mailer, "dataset", dataset, address="b@example.vn",
              frequency="weekly")
    change(catalogue, clock, "Bản 2", hours=1)
    collect(catalogue)
    assert send_digests(catalogue, mailer) == 2
    change(catalogue, clock, "Bản 3", hours=2)
    collect(catalogue)
    assert send_digests(catalogue, mailer) == 0
    clock.advance(days=1)
    assert send_digests(catalogue, mailer) == 1 and box.messages[-1]["To"] == "a@example.vn"
    clock.advance(days=6)
    assert send_digests(catalogue, mailer) == 1 and box.messages[-1]["To"] == "b@example.vn"


def test_followers_of_the_agency_and_the_sector_hear_of_withdrawals(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        org: str, clock: FixedClock) -> None:
    box, _port = inbox
    confirmed(catalogue, mailer, "organization", org, address="agency@example.vn")
    confirmed(catalogue, mailer, "group", "moi-truong", address="sector@example.vn")
    clock.advance(hours=1)
    with catalogue.unit("agency") as uow:
        delete_dataset(uow, dataset, message="Thay bằng bộ dữ liệu mới")
        uow.commit()
    assert collect(catalogue) == 2
    assert send_digests(catalogue, mailer) == 2
    assert {m["To"] for m in box.messages[-2:]} == {"agency@example.vn", "sector@example.vn"}
    assert "đã bị rút khỏi cổng" in box.body() and "was withdrawn" in box.body()


def test_overdue_datasets_are_announced_once_per_missed_date(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        clock: FixedClock) -> None:
    box, _port = inbox
    confirmed(catalogue, mailer, "dataset", dataset)
    clock.advance(days=37)
    assert collect(catalogue) == 0  # monthly: due after 31 days + 7 days of grace
    clock.advance(days=2)
    assert collect(catalogue) == 1 and collect(catalogue) == 0
    assert send_digests(catalogue, mailer) == 1
    assert "đã quá hạn cập nhật (hạn 2026-04-09)" in box.body()
    assert "is overdue for its update" in box.body()


def test_shared_data_can_neither_be_followed_nor_announced(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        org: str, clock: FixedClock) -> None:
    box, _port = inbox
    confirmed(catalogue, mailer, "organization", org)
    clock.advance(hours=1)
    with catalogue.unit("agency") as uow:
        update_dataset(uow, dataset, {"access_class": "shared"}, partial=True)
        uow.commit()
    with catalogue.unit("public") as uow, pytest.raises(NotFound):
        subscribe(uow, "x@example.vn", "dataset", dataset)
    change(catalogue, clock, "Nội bộ", hours=1)
    assert collect(catalogue) == 0 and send_digests(catalogue, mailer) == 0
    assert len(box.messages) == 1


def test_asking_again_while_active_sends_no_second_confirmation(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int],
        dataset: str) -> None:
    box, _port = inbox
    confirmed(catalogue, mailer, "dataset", dataset)
    again = follow(catalogue, mailer, "dataset", dataset)
    assert again.state == "active" and len(box.messages) == 1


@pytest.mark.parametrize(("address", "frequency", "field"), [
    ("not-an-address", "daily", "email"), ("lan@example.vn", "hourly", "frequency")])
def test_bad_requests_are_rejected_by_field(catalogue: Catalogue, dataset: str, address: str,
                                            frequency: str, field: str) -> None:
    with catalogue.unit("public") as uow, pytest.raises(ValidationError) as caught:
        subscribe(uow, address, "dataset", dataset, frequency=frequency)
    assert field in caught.value.errors


def test_no_smtp_host_means_no_mailer() -> None:
    assert SmtpMailer.from_settings({"smtp_host": "", "smtp_port": 25}) is None


def test_notify_command_queues_without_smtp(catalogue: Catalogue, dataset: str,
                                            home: Any) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    result = CliRunner().invoke(main, ["--home", str(home), "trust", "notify"])
    assert result.exit_code == 0, result.output
    assert "smtp_host is not set, nothing sent" in result.output


def test_agencies_are_reminded_of_overdue_datasets_once_per_missed_date(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        org: str, clock: FixedClock) -> None:
    from catalogue.organizations.service import update_organization
    from catalogue.subscriptions.reminders import send_agency_reminders

    box, _port = inbox
    with catalogue.unit("admin") as uow:
        update_organization(uow, org, {"email": "stnmt@quangninh.gov.vn"})
        uow.commit()
    assert send_agency_reminders(catalogue, mailer) == 0
    clock.advance(days=39)
    assert send_agency_reminders(catalogue, mailer) == 1
    assert box.messages[-1]["To"] == "stnmt@quangninh.gov.vn"
    assert "Chất lượng nước mặt (tần suất: monthly, hạn 09/04/2026)" in box.body()
    clock.advance(days=1)
    assert send_agency_reminders(catalogue, mailer) == 0  # same missed date: told already
    change(catalogue, clock, "Chất lượng nước mặt 2026", days=1)
    clock.advance(days=39)
    assert send_agency_reminders(catalogue, mailer) == 1  # the next missed date


def test_confirmations_are_resent_at_most_hourly(
        catalogue: Catalogue, mailer: SmtpMailer, inbox: tuple[Inbox, int], dataset: str,
        clock: FixedClock) -> None:
    box, _port = inbox
    first = follow(catalogue, mailer, "dataset", dataset)
    follow(catalogue, mailer, "dataset", dataset)
    assert len(box.messages) == 1
    clock.advance(hours=1, minutes=1)
    again = follow(catalogue, mailer, "dataset", dataset)
    assert len(box.messages) == 2 and again.token != first.token
