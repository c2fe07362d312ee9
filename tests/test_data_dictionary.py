"""The data dictionary (issue 21 item 5): officers describe columns in the workspace; the edit
passes the publishing gate; the resource page, datapackage.json and DCAT show it."""

from __future__ import annotations

import io
import re

import pytest
from dcat_shapes import check
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import CSVW, DCTERMS

from catalogue.accounts.service import create_user
from catalogue.context import Catalogue
from catalogue.datasets.service import create_dataset, get_dataset, update_resource
from catalogue.dictionary import apply_entries, carry_over, clean_patch, entries_of
from catalogue.errors import ValidationError
from catalogue.history.service import count_published
from catalogue.review.model import ReviewItem
from catalogue.validation import check_datapackage

ADMIN_PW = "Sông Hồng chảy 47 mùa"
EDITOR_PW = "Vịnh Hạ Long xanh 9 đảo"
SCHEMA = {"fields": [{"name": "xa", "type": "string"}, {"name": "dien_tich", "type": "number"},
                     {"name": "nam", "type": "integer"}]}


def csrf_of(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def log_in(client: FlaskClient, login: str, password: str, new: str) -> None:
    token = csrf_of(client, "/user/login")
    client.post("/user/login", data={"login": login, "password": password, "csrf_token": token})
    token = csrf_of(client, "/user/password")
    response = client.post("/user/password", data={"password": password, "new_password": new,
                                                   "confirm_password": new, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def published(catalogue: Catalogue, org: str) -> str:
    """A published dataset with one table whose schema has three undescribed columns;
    returns the resource's id."""
    with catalogue.unit("test") as uow:
        ds = create_dataset(uow, {"name": "dat-nong-nghiep", "title": "Đất nông nghiệp",
                                  "owner_org": org, "license_id": "CC-BY-4.0",
                                  "resources": [{"url": "https://agency.test/dat.csv",
                                                 "name": "Diện tích", "format": "CSV",
                                                 "schema": SCHEMA}]})
        uow.commit()
        return ds.resources[0].id


def _user(catalogue: Catalogue, org: str, name: str, role: str, password: str) -> None:
    with catalogue.unit("setup") as uow:
        create_user(uow, name=name, email=f"{name}@tnmt.gov.vn", full_name=name,
                    password=password, organization=org, role=role)
        uow.commit()


def _officer(app: Flask, catalogue: Catalogue, org: str, role: str) -> FlaskClient:
    client = app.test_client()
    password = ADMIN_PW if role == "admin" else EDITOR_PW
    _user(catalogue, org, f"can-bo-{role}", role, password)
    log_in(client, f"can-bo-{role}", password, "Núi Bài Thơ xanh 2026")
    return client


def _form(client: FlaskClient, page: str, **entries: str) -> dict[str, str]:
    """The dictionary form as the page fills it in, with ``entries`` changed."""
    html = client.get(page).get_data(as_text=True)
    data = dict(re.findall(
        r'<input type="(?:text|hidden)" name="([a-z_]+-\d+)"[^>]*value="([^"]*)"', html))
    data.update(re.findall(r'<textarea name="([a-z_]+-\d+)"[^>]*>([^<]*)</textarea>', html))
    data.update(entries)
    data["csrf_token"] = csrf_of(client, page)
    return data


def test_entries_are_read_set_and_cleared_on_the_schema_fields() -> None:
    schema = apply_entries(SCHEMA, {"dien_tich": {"title": "Diện tích", "unit": "ha",
                                                  "title_en": "Area"}})
    area = entries_of(schema)[1]
    assert (area.title, area.title_en, area.unit) == ("Diện tích", "Area", "ha")
    assert area.label(english=True) == "Area" and entries_of(schema)[0].label() == "xa"
    cleared = entries_of(apply_entries(schema, {"dien_tich": {"unit": ""}}))[1]
    assert cleared.unit == "" and cleared.title == "Diện tích"
    assert SCHEMA["fields"][1] == {"name": "dien_tich", "type": "number"}  # not mutated


def test_a_patch_naming_a_missing_column_or_too_long_text_is_refused() -> None:
    with pytest.raises(ValidationError) as missing:
        clean_patch({"r1": {"khong-co": {"title": "x"}}}, schemas={"r1": SCHEMA})
    assert "Column not found: 'khong-co'" in missing.value.errors["data_dictionary"]
    with pytest.raises(ValidationError):
        clean_patch({"r1": {"xa": {"unit": "u" * 51}}}, schemas={"r1": SCHEMA})
    with pytest.raises(ValidationError):
        clean_patch({"r1": {"xa": {"colour": "đỏ"}}}, schemas={"r1": SCHEMA})


def test_a_new_file_keeps_the_labels_of_columns_that_keep_their_name(
        catalogue: Catalogue, published: str) -> None:
    """A harvest infers the schema again from each file; the officers' words stay."""
    with catalogue.unit("test") as uow:
        res = get_dataset(uow.session, "dat-nong-nghiep").resources[0]
        res.schema = apply_entries(res.schema, {"dien_tich": {"title": "Diện tích",
                                                              "unit": "ha"}})
        uow.commit()
    inferred = {"fields": [{"name": "dien_tich", "type": "integer"},
                           {"name": "ghi_chu", "type": "string"}]}
    with catalogue.unit("test") as uow:
        update_resource(uow, published, {"schema": inferred}, partial=True)
        uow.commit()
    with catalogue.sessions() as session:
        fields = get_dataset(session, "dat-nong-nghiep").resources[0].schema["fields"]
    assert fields == [{"name": "dien_tich", "type": "integer", "title": "Diện tích", "unit": "ha"},
                      {"name": "ghi_chu", "type": "string"}]
    assert carry_over(None, inferred) == inferred


def test_an_admins_dictionary_is_published_at_once_and_shown_everywhere(
        app: Flask, catalogue: Catalogue, org: str, published: str) -> None:
    admin = _officer(app, catalogue, org, "admin")
    page = f"/workspace/dataset/dat-nong-nghiep/resource/{published}/dictionary"
    with catalogue.sessions() as session:
        before = count_published(session, get_dataset(session, "dat-nong-nghiep").id)
    response = admin.post(page, data=_form(
        admin, page, **{"title-1": "Diện tích", "title_en-1": "Area", "unit-1": "ha",
                        "description-1": "Diện tích đất nông nghiệp của xã",
                        "description_en-1": "Farmland area of the commune"}))
    assert response.status_code == 302, response.get_data(as_text=True)
    with catalogue.sessions() as session:
        assert count_published(session, get_dataset(session, "dat-nong-nghiep").id) == before + 1

    public = app.test_client()
    descriptor = public.get("/dataset/dat-nong-nghiep/datapackage.json").get_json()
    field = descriptor["resources"][0]["schema"]["fields"][1]
    assert field == {"name": "dien_tich", "type": "number", "title": "Diện tích",
                     "title_en": "Area", "unit": "ha",
                     "description": "Diện tích đất nông nghiệp của xã",
                     "description_en": "Farmland area of the commune"}
    assert check_datapackage(descriptor) == []

    html = public.get(f"/dataset/dat-nong-nghiep/resource/{published}").get_data(as_text=True)
    assert "Diện tích đất nông nghiệp của xã" in html and "<td>ha</td>" in html
    english = public.get(f"/dataset/dat-nong-nghiep/resource/{published}?lang=en",
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Farmland area of the commune" in english

    turtle = public.get("/dataset/dat-nong-nghiep.ttl").get_data(as_text=True)
    graph = Graph().parse(data=turtle, format="turtle")
    distribution = URIRef(f"http://portal.test/dataset/dat-nong-nghiep/resource/{published}")
    schema = graph.value(distribution, DCTERMS.conformsTo)
    assert schema is not None
    descriptions = {d.language: str(d) for d in graph.objects(schema, DCTERMS.description)
                    if isinstance(d, Literal)}
    assert "dien_tich (Diện tích) [đơn vị: ha]" in descriptions["vi"]
    assert "dien_tich (Area) [unit: ha]: Farmland area" in descriptions["en"]
    titles = set(graph.objects(None, CSVW.title))
    assert {Literal("Diện tích", lang="vi"), Literal("Area", lang="en")} <= titles
    for profile in ("dcat-ap-3", "dcat-ap-2"):
        assert check(graph, profile).violations == []


def test_an_editors_change_to_a_published_dataset_waits_for_review(
        app: Flask, catalogue: Catalogue, org: str, published: str) -> None:
    editor = _officer(app, catalogue, org, "editor")
    page = f"/workspace/dataset/dat-nong-nghiep/resource/{published}/dictionary"
    response = editor.post(page, data=_form(editor, page, **{"unit-1": "ha"}))
    assert response.status_code == 302
    public = app.test_client()
    descriptor = public.get("/dataset/dat-nong-nghiep/datapackage.json").get_json()
    assert "unit" not in descriptor["resources"][0]["schema"]["fields"][1]

    admin = _officer(app, catalogue, org, "admin")
    with catalogue.sessions() as session:
        item = session.query(ReviewItem).filter_by(status="submitted").one()
        item_id = item.id
    queue = admin.get("/workspace/review/").get_data(as_text=True)
    assert "cột dien_tich: Đơn vị" in queue  # the reviewer sees what changes, column by column
    response = admin.post(f"/workspace/review/{item_id}/approve",
                          data={"csrf_token": csrf_of(admin, "/workspace/review/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    descriptor = public.get("/dataset/dat-nong-nghiep/datapackage.json").get_json()
    assert descriptor["resources"][0]["schema"]["fields"][1]["unit"] == "ha"


def test_a_form_opened_before_the_columns_moved_describes_the_columns_it_showed(
        app: Flask, catalogue: Catalogue, org: str, published: str) -> None:
    admin = _officer(app, catalogue, org, "admin")
    page = f"/workspace/dataset/dat-nong-nghiep/resource/{published}/dictionary"
    form = _form(admin, page, **{"unit-1": "ha"})  # column 1 is dien_tich when opened
    with catalogue.unit("test") as uow:  # then a new file puts dien_tich first
        update_resource(uow, published, {"schema": {"fields": [
            SCHEMA["fields"][1], SCHEMA["fields"][0], SCHEMA["fields"][2]]}}, partial=True)
        uow.commit()
    del form["title-0"]  # a key the form did not send is left as it is
    assert admin.post(page, data=form).status_code == 302
    with catalogue.sessions() as session:
        fields = get_dataset(session, "dat-nong-nghiep").resources[0].schema["fields"]
    assert [(f["name"], f.get("unit")) for f in fields] == [
        ("dien_tich", "ha"), ("xa", None), ("nam", None)]


def test_a_column_the_table_lacks_or_too_long_a_label_is_a_400(
        app: Flask, catalogue: Catalogue, org: str, published: str) -> None:
    admin = _officer(app, catalogue, org, "admin")
    page = f"/workspace/dataset/dat-nong-nghiep/resource/{published}/dictionary"
    response = admin.post(page, data=_form(admin, page, **{"title-0": "x" * 201}))
    assert response.status_code == 400
    assert "longer than 200" in response.get_data(as_text=True)


def test_another_agencys_officer_cannot_open_the_form(
        app: Flask, catalogue: Catalogue, org: str, published: str) -> None:
    from catalogue.organizations.service import create_organization

    with catalogue.unit("test") as uow:
        create_organization(uow, {"name": "so-khac", "title": "Sở khác"})
        uow.commit()
    other = _officer(app, catalogue, "so-khac", "admin")
    page = f"/workspace/dataset/dat-nong-nghiep/resource/{published}/dictionary"
    assert other.get(page).status_code == 404
    assert other.post(page, data={"title-0": "x", "csrf_token": csrf_of(other, "/workspace/")}
                      ).status_code == 404


def test_a_workspace_upload_keeps_its_table_schema_for_the_dictionary(
        app: Flask, catalogue: Catalogue, org: str) -> None:
    admin = _officer(app, catalogue, org, "admin")
    response = admin.post("/workspace/dataset/new", data={
        "csrf_token": csrf_of(admin, "/workspace/dataset/new"), "name": "dan-so",
        "title": "Dân số", "owner_org": org, "license_id": "CC-BY-4.0"})
    assert response.status_code == 302
    page = "/workspace/dataset/dan-so"
    admin.post(f"{page}/resource", content_type="multipart/form-data", data={
        "csrf_token": csrf_of(admin, page), "name": "Dân số 2025",
        "file": (io.BytesIO("xa,dan_so\nHạ Long,1200\nCẩm Phả,900\n".encode()), "ds.csv")})
    with catalogue.sessions() as session:
        res = get_dataset(session, "dan-so").resources[0]
        assert [e.name for e in entries_of(res.schema)] == ["xa", "dan_so"]
        res_id = res.id
    assert f"/resource/{res_id}/dictionary" in admin.get(page).get_data(as_text=True)
    form = admin.get(f"{page}/resource/{res_id}/dictionary").get_data(as_text=True)
    assert 'name="unit-1"' in form


def test_the_dictionary_form_is_valid_html(app: Flask, catalogue: Catalogue, org: str,
                                           published: str) -> None:
    import html5lib

    admin = _officer(app, catalogue, org, "admin")
    page = f"/workspace/dataset/dat-nong-nghiep/resource/{published}/dictionary"
    for lang in ("vi", "en"):
        html5lib.HTMLParser(strict=True).parse(admin.get(f"{page}?lang={lang}").data)


def test_datastore_info_and_the_explorer_show_an_edit_without_a_reload(
        app: Flask, catalogue: Catalogue, org: str) -> None:
    from explorer_data import load_communes

    loaded = load_communes(catalogue, org)
    admin = _officer(app, catalogue, org, "admin")
    page = f"/workspace/dataset/{loaded.name}/resource/{loaded.resource_id}/dictionary"
    response = admin.post(page, data=_form(admin, page, **{
        "unit-2": "nghìn người", "description_en-2": "People living in the commune"}))
    assert response.status_code == 302
    info = app.test_client().get(f"/api/3/action/datastore_info?id={loaded.resource_id}")
    fields = {f["id"]: f for f in info.get_json()["result"]["fields"]}
    assert fields["dan_so"]["info"] == {"label": "Dân số", "label_en": "Population",
                                        "unit": "nghìn người",
                                        "notes_en": "People living in the commune"}
    html = app.test_client().get(f"/dataset/{loaded.name}/resource/{loaded.resource_id}")
    assert "Dân số (nghìn người)" in html.get_data(as_text=True)


def test_the_form_names_each_column_s_type_in_words(app: Flask, catalogue: Catalogue, org: str,
                                                    published: str) -> None:
    # An officer read "xa (string)", "nam (integer)": Table Schema's words, in English.
    admin = _officer(app, catalogue, org, "admin")
    page = f"/workspace/dataset/dat-nong-nghiep/resource/{published}/dictionary"
    html = admin.get(f"{page}?lang=vi").get_data(as_text=True)
    assert "<small>(văn bản)</small>" in html and "<small>(số nguyên)</small>" in html
    assert "(string)" not in html and "(integer)" not in html
