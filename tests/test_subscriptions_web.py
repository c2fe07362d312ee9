"""Follow pages: subscribe form (CSRF), confirmation by mail, one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.subscriptions.model import Subscription
from tests.test_subscriptions import Inbox, inbox  # noqa: F401  (the SMTP server fixture)


def with_csrf(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        session["_csrf_token"] = "t0ken"
    return "t0ken"


def state(catalogue: Catalogue, email: str) -> str:
    with catalogue.sessions() as session:
        sub = session.query(Subscription).filter_by(email=email).one()
        return sub.state


def test_subscribe_confirm_and_one_click_unsubscribe(
        app: Flask, client: FlaskClient, catalogue: Catalogue, org: str,
        inbox: tuple[Inbox, int]) -> None:  # noqa: F811
    box, port = inbox
    catalogue.settings = {**catalogue.settings, "smtp_host": "127.0.0.1", "smtp_port": port}
    with catalogue.unit("agency") as uow:
        create_dataset(uow, {"name": "diem-du-lich", "title": "Điểm du lịch", "owner_org": org})
        uow.commit()
    form = {"email": "Lan@Example.vn", "target_type": "dataset", "target": "diem-du-lich",
            "frequency": "weekly"}
    assert client.post("/subscriptions", data=form).status_code == 400  # no CSRF token
    response = client.post("/subscriptions", data={**form, "csrf_token": with_csrf(client)})
    assert response.status_code == 202 and state(catalogue, "lan@example.vn") == "pending"
    body = box.body()
    confirm_url = re.search(r"http://portal.test(/subscriptions/confirm/\S+)", body)
    assert confirm_url is not None
    assert client.get(confirm_url.group(1)).status_code == 200
    assert state(catalogue, "lan@example.vn") == "active"
    token = confirm_url.group(1).rsplit("/", 1)[-1]
    page = client.get(f"/subscriptions/unsubscribe/{token}")
    assert page.status_code == 200 and "<button" in page.get_data(as_text=True)
    assert state(catalogue, "lan@example.vn") == "active"  # opening the link changes nothing
    one_click = client.post(f"/subscriptions/unsubscribe/{token}",
                            data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and state(catalogue, "lan@example.vn") == "unsubscribed"
    assert client.post("/subscriptions/unsubscribe/wrong-token").status_code == 404


def test_following_a_missing_dataset_is_a_404(client: FlaskClient, catalogue: Catalogue) -> None:
    response = client.post("/subscriptions", data={
        "email": "a@example.vn", "target_type": "dataset", "target": "khong-co",
        "csrf_token": with_csrf(client)})
    assert response.status_code == 404
