"""The search page and the Law on Data's classes (issue 9): agency staff with a role anywhere
find data shared between agencies, marked "Chia sẻ", and the facet counts include it; the
public (and accounts without a role) never do. The quality facet shows its three bands."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue.accounts.service import create_user
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset
from catalogue.organizations.service import create_organization

PASSWORD = "Sông Hồng chảy 47 mùa"
NEW_PASSWORD = "Núi Bài Thơ xanh 2026"
GOOD = {"license_id": "CC-BY-4.0", "notes": "Kết quả quan trắc chất lượng nước mặt " * 4,
        "temporal_start": "2024-01-01", "spatial": "Quảng Ninh", "update_frequency": "irregular",
        "maintainer": "Phòng Quan trắc",
        "resources": [{"url": "https://so.test/nuoc.csv", "format": "CSV"}]}


@pytest.fixture
def catalogue_with_classes(searchable: Catalogue, org: str) -> Catalogue:
    """Agency A: one open dataset, one shared, one private; agency B: nothing."""
    with searchable.unit("setup") as uow:
        create_organization(uow, {"name": "so-gtvt", "title": "Sở Giao thông vận tải"})
        create_dataset(uow, {"name": "nuoc-mat", "title": "Quan trắc nước mặt",
                             "owner_org": org, **GOOD})
        create_dataset(uow, {"name": "ho-so-dat", "title": "Quan trắc hồ sơ đất",
                             "owner_org": org, "access_class": "shared"})
        create_dataset(uow, {"name": "noi-bo", "title": "Quan trắc nội bộ", "owner_org": org,
                             "access_class": "private"})
        uow.commit()
    return searchable


def signed_in(app: Flask, catalogue: Catalogue, *, org: str, role: str) -> FlaskClient:
    with catalogue.unit("setup") as uow:
        create_user(uow, name="can-bo", email="cb@gtvt.gov.vn", full_name="Lê Văn Cán",
                    password=PASSWORD, organization=org, role=role)
        uow.commit()
    client = app.test_client()

    def token(path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get(path).get_data(as_text=True))
        assert found
        return found.group(1)

    client.post("/user/login", data={"login": "can-bo", "password": PASSWORD,
                                     "csrf_token": token("/user/login")})
    client.post("/user/password", data={"password": PASSWORD, "new_password": NEW_PASSWORD,
                                        "confirm_password": NEW_PASSWORD,
                                        "csrf_token": token("/user/password")})
    return client


def agency_count(html: str, org: str) -> int:
    found = re.search(rf'organization={org}"[^>]*>[^<]*<span class="count">(\d+)</span>', html)
    assert found, html
    return int(found.group(1))


def test_the_public_never_finds_shared_data(
        catalogue_with_classes: Catalogue, client: FlaskClient, org: str) -> None:
    html = client.get("/dataset?q=quan trắc").get_data(as_text=True)
    assert "/dataset/nuoc-mat" in html
    assert "/dataset/ho-so-dat" not in html and "/dataset/noi-bo" not in html
    assert "Chia sẻ" not in html
    assert agency_count(html, org) == 1
    assert agency_count(client.get("/dataset").get_data(as_text=True), org) == 1


def test_staff_of_another_agency_find_shared_data_with_a_badge(
        app: Flask, catalogue_with_classes: Catalogue, org: str) -> None:
    viewer = signed_in(app, catalogue_with_classes, org="so-gtvt", role="viewer")
    html = viewer.get("/dataset?q=quan trắc").get_data(as_text=True)
    assert "/dataset/nuoc-mat" in html and "/dataset/ho-so-dat" in html
    assert "/dataset/noi-bo" not in html  # another agency's private data stays hidden
    shared = html[html.index("/dataset/ho-so-dat"):]
    assert 'class="badge badge-shared"' in shared[:600] and "Chia sẻ" in shared[:600]
    assert agency_count(html, org) == 2
    browse = viewer.get(f"/dataset?organization={org}").get_data(as_text=True)
    assert "2 bộ dữ liệu" in browse
    assert viewer.get("/dataset/ho-so-dat").status_code == 200


def test_only_accounts_with_an_agency_role_count_as_staff() -> None:
    from catalogue.accounts.principal import Principal
    from portal.pages.search import agency_staff

    assert not agency_staff(Principal(user_id="u", name="u", roles={}))
    assert agency_staff(Principal(user_id="u", name="u", roles={"org-1": "viewer"}))
    assert agency_staff(Principal(user_id="r", name="r", sysadmin=True))


def test_the_owning_agency_also_finds_its_private_data(
        app: Flask, catalogue_with_classes: Catalogue, org: str) -> None:
    own = signed_in(app, catalogue_with_classes, org=org, role="editor")
    html = own.get("/dataset").get_data(as_text=True)
    assert "/dataset/noi-bo" in html and "badge-private" in html
    assert agency_count(html, org) == 3


def test_the_quality_facet_shows_its_bands(
        app: Flask, catalogue_with_classes: Catalogue, org: str, client: FlaskClient) -> None:
    html = client.get("/dataset").get_data(as_text=True)
    assert "<h2>Chất lượng</h2>" in html
    assert "Tốt (≥ 80)" in html  # nuoc-mat fills every criterion that applies
    good = client.get("/dataset?quality_band=high").get_data(as_text=True)
    assert "/dataset/nuoc-mat" in good and "Đang lọc:" in good
    assert "/dataset/nuoc-mat" not in client.get("/dataset?quality_band=low").get_data(
        as_text=True)
    staff = signed_in(app, catalogue_with_classes, org="so-gtvt", role="viewer")
    low = staff.get("/dataset?quality_band=low").get_data(as_text=True)
    assert "/dataset/ho-so-dat" in low and "/dataset/nuoc-mat" not in low
    english = client.get("/dataset?lang=en").get_data(as_text=True)
    assert "<h2>Quality</h2>" in english and "Good (≥ 80)" in english
