"""Law on Data 2024 Art. 13 classification: who sees what, harvest rules, storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

from catalogue.accounts.principal import ANONYMOUS, Principal
from catalogue.classification import (
    harvested_access_class,
    is_public,
    may_change_automatically,
    visible_to,
)
from catalogue.context import Catalogue
from catalogue.database import downgrade_database, upgrade_database
from catalogue.datasets.service import create_dataset, get_dataset, update_dataset
from catalogue.errors import ValidationError
from licenses import get_license

AGENCY_VIEWER = Principal(user_id="u1", name="viewer", roles={"other-org": "viewer"})
OWNER_EDITOR = Principal(user_id="u2", name="editor", roles={"org-1": "editor"})
NO_ROLES = Principal(user_id="u3", name="citizen")


@pytest.mark.parametrize(("package", "public"), [
    ({"access_class": "open", "state": "active", "private": False}, True),
    ({"state": "active", "private": False}, True),  # before classification: open
    ({"access_class": "shared", "state": "active", "private": False}, False),
    ({"access_class": "private", "state": "active", "private": False}, False),
    ({"access_class": "open", "state": "draft", "private": False}, False),
    ({"access_class": "open", "state": "deleted", "private": False}, False),
    ({"access_class": "open", "state": "active", "private": True}, False),
])
def test_only_open_active_non_private_datasets_are_public(package: dict[str, object],
                                                          public: bool) -> None:
    assert is_public(package) is public


def test_shared_datasets_are_visible_to_any_agency_account_not_the_public() -> None:
    shared = {"access_class": "shared", "state": "active", "private": False, "owner_org": "org-1"}
    assert not visible_to(shared, ANONYMOUS)
    assert not visible_to(shared, NO_ROLES)
    assert visible_to(shared, AGENCY_VIEWER)


def test_private_datasets_are_visible_to_the_owning_agency_only() -> None:
    private = {"access_class": "private", "state": "active", "private": False,
               "owner_org": "org-1"}
    assert not visible_to(private, AGENCY_VIEWER)
    assert visible_to(private, OWNER_EDITOR)
    assert visible_to(private, Principal(user_id="root", name="root", sysadmin=True))


@pytest.mark.parametrize(("source_public", "default", "requested", "expected"), [
    (None, "open", None, "open"),
    (True, "shared", None, "shared"),
    (False, "open", None, "private"),
    (False, "open", "open", "private"),  # the record asking for open does not open it
    (False, "shared", None, "shared"),
    (False, "shared", "open", "shared"),
    (None, "open", "private", "private"),
])
def test_a_record_its_source_marks_non_public_never_becomes_open(
        source_public: bool | None, default: str, requested: str | None, expected: str) -> None:
    assert harvested_access_class(source_public=source_public, source_default=default,
                                  requested=requested) == expected


def test_unknown_classes_in_harvest_config_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown access class 'public'"):
        harvested_access_class(source_public=None, source_default="public")


def test_automatic_updates_may_close_data_but_never_open_it() -> None:
    assert may_change_automatically("open", "private")
    assert may_change_automatically("shared", "shared")
    assert not may_change_automatically("private", "open")
    assert not may_change_automatically("shared", "open")


def test_classification_is_stored_validated_and_kept_on_replace(catalogue: Catalogue,
                                                                org: str) -> None:
    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "ho-so-noi-bo", "owner_org": org, "access_class": "shared",
                             "importance": "important"})
        uow.commit()
    with catalogue.unit("test") as uow:
        ds = update_dataset(uow, "ho-so-noi-bo", {"name": "ho-so-noi-bo", "title": "Hồ sơ"})
        uow.commit()
        assert (ds.access_class, ds.importance) == ("shared", "important")
    with catalogue.unit("test") as uow:
        with pytest.raises(ValidationError) as caught:
            update_dataset(uow, "ho-so-noi-bo", {"access_class": "public", "importance": "x"},
                           partial=True)
        assert set(caught.value.errors) == {"access_class", "importance"}
    with catalogue.unit("test") as uow:
        ds = create_dataset(uow, {"name": "mac-dinh"})
        uow.commit()
        assert (ds.access_class, ds.importance) == ("open", "other")


def test_package_show_reports_the_classification(catalogue: Catalogue, org: str) -> None:
    from catalogue.datasets.serialize import package_dict

    with catalogue.unit("test") as uow:
        create_dataset(uow, {"name": "du-lieu-mo", "owner_org": org, "importance": "core"})
        uow.commit()
    with catalogue.unit("test") as uow:
        package = package_dict(get_dataset(uow.session, "du-lieu-mo"), catalogue.site_url)
    assert (package["access_class"], package["importance"]) == ("open", "core")
    assert is_public(package)


def test_migration_0006_adds_and_removes_its_columns_and_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    upgrade_database(url)
    engine = create_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("dataset")}
    assert {"access_class", "importance"} <= columns
    assert {"subscription", "subscription_notification"} <= set(inspect(engine).get_table_names())
    downgrade_database(url, "0001_core")
    engine.dispose()
    engine = create_engine(url)
    assert "subscription" not in inspect(engine).get_table_names()
    assert "access_class" not in {c["name"] for c in inspect(engine).get_columns("dataset")}
    engine.dispose()


def test_statutory_open_data_terms_are_in_the_licence_registry() -> None:
    terms = get_license("vn-open-data-terms")
    assert terms is not None and terms.open and terms.attribution and not terms.share_alike
    assert "Điều 43" in terms.title and "Art. 43" in terms.title_en
    assert "ghi rõ nguồn" in terms.summary and "cite the source" in terms.summary_en
    assert "derived works" in terms.summary_en


def test_default_licence_setting_is_the_statutory_terms(tmp_path: Path) -> None:
    from catalogue.settings import load_settings

    assert load_settings(tmp_path / "none.toml", environ={})["default_license"] == \
        "vn-open-data-terms"


def test_the_api_sets_and_shows_the_classification(client: Any, org: str,
                                                   api_token: Any) -> None:
    token = api_token("lan", org=org, role="editor")
    created = client.post("/api/3/action/package_create", headers={"Authorization": token},
                          json={"name": "ho-so-dung-chung", "owner_org": org,
                                "access_class": "shared", "importance": "important"})
    assert created.status_code == 200, created.get_json()
    result = created.get_json()["result"]
    assert (result["access_class"], result["importance"]) == ("shared", "important")
    bad = client.post("/api/3/action/package_patch", headers={"Authorization": token},
                      json={"id": "ho-so-dung-chung", "access_class": "public"})
    assert bad.status_code == 409 or bad.get_json()["error"]["__type"] == "Validation Error"
    assert "access_class" in bad.get_json()["error"]
