"""The weak-password check knows what a guesser tries first in Vietnam (issue 15).

"Matkhau@2024", "matkhau123", the agency's short name plus a year: refused on the page where
an officer chooses their password, with the reason; real passphrases still pass.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.passwords import password_problems
from catalogue.accounts.service import create_user
from catalogue.context import Catalogue

GOOD = "Sông Hồng chảy 47 mùa"
AGENCY = ("so-tnmt-quang-ninh", "Sở Tài nguyên và Môi trường Quảng Ninh")


def csrf_of(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


@pytest.fixture
def officer(app: Flask, catalogue: Catalogue, org: str) -> FlaskClient:
    with catalogue.unit("test") as uow:
        create_user(uow, name="lan", email="lan@tnmt.gov.vn", full_name="Nguyễn Thị Lan",
                    password=GOOD, organization=org, role="editor")
        uow.commit()
    client = app.test_client()
    client.post("/user/login", data={"login": "lan", "password": GOOD,
                                     "csrf_token": csrf_of(client, "/user/login")})
    return client


def _choose(client: FlaskClient, new: str) -> tuple[int, str]:
    response = client.post("/user/password", data={
        "password": GOOD, "new_password": new, "confirm_password": new,
        "csrf_token": csrf_of(client, "/user/password")})
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("weak", [
    "Matkhau@2024", "matkhau123", "MatKhau#2025!", "Mật khẩu 2024!!",
    "SoTNMT@2025", "TNMTQuangNinh2024", "quangninh2025!", "STNMTQN@2024",
    "Hanoi@2024!!", "VietNam@2025", "Admin@Tnmt2024", "UBND#Tinh2025",
])
def test_vietnamese_patterns_are_refused_when_choosing_a_password(officer: FlaskClient,
                                                                 weak: str) -> None:
    status, page = _choose(officer, weak)
    assert status == 400, weak
    assert "common" in page or "agency" in page, weak


@pytest.mark.parametrize("strong", ["Núi Bài Thơ xanh 2026", "Cà phê sữa đá lúc 7 giờ",
                                    "g7#Rk2!vQz9x", "Trăng rằm tháng Tám 15/8"])
def test_real_passphrases_still_pass(officer: FlaskClient, strong: str) -> None:
    status, page = _choose(officer, strong)
    assert status == 302, page


def test_an_agency_name_counts_for_its_own_officers() -> None:
    # "hatinh" is a province (always refused); the agency's own initials only with its names.
    assert password_problems("SXDHT@2025", agency=("so-xd-ha-tinh", "Sở Xây dựng Hà Tĩnh")) != []
    assert password_problems("QNGTVT@2025", agency=AGENCY) == []
    assert password_problems("QNGTVT@2025", agency=("so-gtvt-qn", "Sở GTVT QN")) != []


def test_a_huge_password_is_refused_quickly_with_a_reason(officer: FlaskClient) -> None:
    status, page = _choose(officer, "Sông Hồng " * 50_000)
    assert status == 400 and "at most 256" in page
