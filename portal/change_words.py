"""Field changes in human words (issue 19), for the review queue and the history page.

The catalogue's diff lists package-dict keys with raw values (``owner_org`` as a UUID, ``None``,
``False``, lists of tag dicts). Here each becomes a labelled row: "Cơ quan: chưa có → Sở Tài
nguyên và Môi trường", "Mức truy cập: chưa có → mở", tags added and removed, long texts with
the changed words marked. Keys a person never sets (ids, computed licence titles) are left out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import select

from catalogue.dictionary.entries import dictionary_changes
from catalogue.groups.model import Group
from catalogue.organizations.model import Organization
from licenses import get_license
from portal.catalogue_ext import catalogue_of
from portal.harvest_words import source_types
from portal.i18n import is_english

# Computed from other fields, or bookkeeping: never what an officer decides on.
HIDDEN = frozenset({"id", "metadata_created", "metadata_modified", "license_title",
                    "license_url", "isopen", "creator_user_id", "relationships_as_object",
                    "relationships_as_subject", "organization", "type", "num_resources",
                    "num_tags", "validation", "revision_id"})
HIDDEN_RESOURCE_KEYS = frozenset({"id", "package_id", "position", "created", "last_modified",
                                  "metadata_modified", "cache_url", "datastore_active",
                                  "state", "url_type", "hash", "mimetype", "validation_report",
                                  "schema", "package_name", "preview_url"})
# Fingerprints that tell a harvest whether anything changed; nothing a person reads.
BOOKKEEPING = frozenset({"harvest_fingerprint", "content_hash"})
LONG_TEXT = 80  # characters past which a changed text is shown as marked words


def _(message: str, /, **variables: Any) -> str:
    """``gettext``, typed (Flask-Babel's is not); extraction sees ``_`` as usual."""
    return str(gettext(message, **variables))


def labels() -> dict[str, str]:
    return {
        "name": _("Tên đường dẫn"), "title": _("Tiêu đề"), "title_en": _("Tiêu đề tiếng Anh"),
        "notes": _("Mô tả"), "notes_en": _("Mô tả tiếng Anh"), "owner_org": _("Cơ quan"),
        "license_id": _("Giấy phép"), "tags": _("Từ khóa"), "groups": _("Lĩnh vực"),
        "private": _("Riêng tư"), "state": _("Trạng thái"), "access_class": _("Mức truy cập"),
        "importance": _("Mức quan trọng"), "update_frequency": _("Tần suất cập nhật"),
        "spatial": _("Phạm vi địa lý"), "temporal_start": _("Dữ liệu từ ngày"),
        "temporal_end": _("Dữ liệu đến ngày"), "author": _("Tác giả"),
        "author_email": _("E-mail tác giả"), "maintainer": _("Người phụ trách"),
        "maintainer_email": _("E-mail người phụ trách"), "url": _("Trang nguồn"),
        "version": _("Phiên bản"), "extras": _("Thông tin thêm"), "provenance": _("Nguồn gốc"),
        "resources": _("Tệp"), "format": _("Định dạng"), "description": _("Mô tả"),
        "size": _("Dung lượng"), "sha256": _("Mã băm SHA-256"),
        "validation_status": _("Kết quả kiểm tra"), "last_modified": _("Sửa lần cuối"),
        "harvest_source": _("Nguồn thu thập"), "source_identifier": _("Mã bản ghi ở nguồn"),
        "source_url": _("Địa chỉ ở nguồn"), "retrieved_at": _("Lấy về lúc"),
        "content_hash": _("Mã băm nội dung"),
        "spatial_units": _("Đơn vị hành chính"),
    }


def value_words() -> dict[str, dict[str, str]]:
    """Words for coded values, by field."""
    return {
        "state": {"active": _("đã công bố"), "draft": _("nháp"), "deleted": _("đã rút xuống")},
        "access_class": {"open": _("mở"), "shared": _("dùng chung"), "private": _("riêng")},
        "importance": {"core": _("cốt lõi"), "important": _("quan trọng"), "other": _("khác")},
        "update_frequency": {
            "continual": _("liên tục"), "hourly": _("hằng giờ"), "daily": _("hằng ngày"),
            "weekly": _("hằng tuần"), "monthly": _("hằng tháng"), "quarterly": _("hằng quý"),
            "biannual": _("sáu tháng một lần"), "annual": _("hằng năm"),
            "irregular": _("không định kỳ"), "never": _("không cập nhật")},
        "validation_status": {"valid": _("hợp lệ"), "invalid": _("có lỗi"),
                              "error": _("không đọc được")},
    }


def audit_words() -> dict[str, str]:
    """The audit log's actions in words (the code stays beside them: it is the record)."""
    return {
        "dataset.create": _("tạo bộ dữ liệu"), "dataset.update": _("sửa bộ dữ liệu"),
        "dataset.delete": _("rút bộ dữ liệu xuống"), "dataset.restore": _("khôi phục phiên bản"),
        "resource.create": _("thêm tệp"), "resource.update": _("sửa tệp"),
        "resource.delete": _("xóa tệp"), "group.create": _("tạo lĩnh vực"),
        "group.update": _("sửa lĩnh vực"), "organization.create": _("tạo cơ quan"),
        "organization.update": _("sửa thông tin cơ quan"), "harvest.run": _("chạy thu thập"),
        "harvest_source.create": _("thêm nguồn thu thập"),
        "harvest_source.update": _("sửa nguồn thu thập"),
        "harvest_source.delete": _("xóa nguồn thu thập"),
        "privacy.hold": _("giữ lại vì dữ liệu cá nhân"),
        "privacy.release": _("công bố dữ liệu cá nhân kèm lý do"),
        "review.submit": _("gửi duyệt"), "review.approve": _("duyệt và công bố"),
        "review.reject": _("trả lại"), "review.withdraw": _("rút yêu cầu duyệt"),
        "user.create": _("tạo tài khoản"), "user.role": _("đổi vai trò"),
        "user.lock": _("khóa tài khoản"), "user.unlock": _("mở khóa tài khoản"),
        "user.password_change": _("đổi mật khẩu"), "user.password_reset": _("đặt lại mật khẩu"),
        "user.totp_enable": _("bật xác thực hai lớp"),
        "user.totp_disable": _("tắt xác thực hai lớp"),
        "user.logout_everywhere": _("đăng xuất khỏi mọi thiết bị"),
        "login.success": _("đăng nhập"), "login.failed": _("đăng nhập sai"),
        "login.throttled": _("bị chặn đăng nhập"), "logout": _("đăng xuất"),
        "token.create": _("tạo khóa API"), "token.revoke": _("thu hồi khóa API"),
        "token.write": _("ghi bằng khóa API"),
    }


def extra_labels() -> dict[str, str]:
    """The extras harvesters set, named (``harvest_fingerprint`` is hidden: bookkeeping)."""
    return {"source_system": _("Hệ thống nguồn"), "source_type": _("Loại nguồn"),
            "source_created": _("Tạo ở nguồn lúc"), "source_modified": _("Sửa ở nguồn lúc"),
            "source_encoding": _("Bảng mã gốc"), "source_public": _("Công khai ở nguồn"),
            "source_license_id": _("Giấy phép ghi ở nguồn"),
            "source_license_title": _("Tên giấy phép ghi ở nguồn"),
            "source_license_url": _("Địa chỉ giấy phép ghi ở nguồn")}


def action_words() -> dict[str, str]:
    """A revision's action as the history page names it."""
    return {"dataset.create": _("tạo bộ dữ liệu"), "dataset.update": _("sửa thông tin"),
            "dataset.delete": _("rút xuống"), "resource.create": _("thêm tệp"),
            "resource.update": _("sửa tệp"), "resource.delete": _("xóa tệp")}


def _bookkeeping(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("key") in BOOKKEEPING


def submitter(name: str) -> str:
    """Who sent an item for review: a person's account, or a harvest source."""
    if name.startswith("harvest:"):
        return _("nguồn thu thập %(source)s", source=name.removeprefix("harvest:"))
    return name


def _blank(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_blank(v) for v in value.values())
    return value is None or value == "" or value == []


def _date(text: str) -> str | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) <= 10:
        return f"{moment:%d/%m/%Y}"
    return f"{moment:%d/%m/%Y %H:%M}"


def _size(value: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value = value / 1024  # type: ignore[assignment]
    return str(value)


class Words:
    """Turns one diff's values into text; names looked up once per diff (agencies, sectors)."""

    def __init__(self, changes: list[Mapping[str, Any]]) -> None:
        org_ids = {v for c in changes if c["field"] == "owner_org"
                   for v in (c.get("old"), c.get("new")) if isinstance(v, str) and v}
        self.orgs: dict[str, str] = {}
        if org_ids:
            english = is_english()
            with catalogue_of().sessions() as session:
                for org in session.scalars(select(Organization).where(
                        Organization.id.in_(org_ids))):
                    self.orgs[org.id] = (org.title_en if english and org.title_en
                                         else org.title)
        self.group_titles: dict[str, str] = {}
        names = {g.get("name") for c in changes if c["field"] == "groups"
                 for v in (c.get("old"), c.get("new")) if isinstance(v, list)
                 for g in v if isinstance(g, Mapping)}
        if names:
            with catalogue_of().sessions() as session:
                self.group_titles = {g.name: g.title for g in session.scalars(
                    select(Group).where(Group.name.in_(names)))}
        self.codes = value_words()

    def text(self, key: str, value: Any) -> str:
        """One value as a person reads it."""
        if _blank(value):
            return _("chưa có")
        if isinstance(value, bool):
            return _("có") if value else _("không")
        if key in self.codes and isinstance(value, str):
            return self.codes[key].get(value, value)
        if key == "owner_org" and isinstance(value, str):
            return self.orgs.get(value, _("cơ quan không còn trong danh mục"))
        if key == "license_id" and isinstance(value, str):
            lic = get_license(value)
            return (lic.title_en if is_english() and lic.title_en else lic.title) if lic else value
        if key == "size" and isinstance(value, int):
            return _size(value)
        if isinstance(value, list):
            shown = [self.item(key, v) for v in value if not _bookkeeping(v)]
            return ", ".join(shown) if shown else _("chưa có")
        if isinstance(value, Mapping):
            return self.mapping(key, value)
        if isinstance(value, str) and key.startswith(("temporal", "retrieved", "last_")):
            return _date(value) or value
        return str(value)

    def item(self, key: str, value: Any) -> str:
        if isinstance(value, Mapping):
            if key == "groups":
                name = str(value.get("name", ""))
                return self.group_titles.get(name, str(value.get("title") or name))
            if key == "extras":
                name, text = str(value.get("key", "")), str(value.get("value"))
                if name == "source_type":
                    text = source_types().get(text, text)
                return f"{extra_labels().get(name, name)}: {text}"
            return str(value.get("display_name") or value.get("title") or value.get("name")
                       or self.mapping(key, value))
        return str(value)

    def mapping(self, key: str, value: Mapping[str, Any]) -> str:
        if key == "resources" or "format" in value and "url" in value:
            name = value.get("name") or value.get("url") or ""
            return f"{name} ({value['format']})" if value.get("format") else str(name)
        parts = [f"{labels().get(k, k)}: {self.text(k, v)}" for k, v in value.items()
                 if not _blank(v) and k not in BOOKKEEPING]
        return "; ".join(parts) if parts else _("chưa có")


def _list_change(words: Words, key: str, old: Any, new: Any) -> Markup | None:
    """Tags, sectors and extras: what was added and what was removed."""
    if not (isinstance(old, list | type(None)) and isinstance(new, list)):
        return None
    before = [words.item(key, v) for v in old or [] if not _bookkeeping(v)]
    after = [words.item(key, v) for v in new if not _bookkeeping(v)]
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    parts = [Markup('<ins>+ {}</ins>').format(v) for v in added]
    parts += [Markup('<del>− {}</del>').format(v) for v in removed]
    return Markup(" ").join(parts) if parts else None


def _marked_words(old: str, new: str) -> tuple[Markup, Markup]:
    """Both texts with the words that differ marked (for long descriptions)."""
    a, b = old.split(" "), new.split(" ")
    left: list[Markup] = []
    right: list[Markup] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(escape(" ".join(a[i1:i2])))
            right.append(escape(" ".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Markup("<del>{}</del>").format(" ".join(a[i1:i2])))
        if j2 > j1:
            right.append(Markup("<ins>{}</ins>").format(" ".join(b[j1:j2])))
    return Markup(" ").join(left), Markup(" ").join(right)


def _label(field: str, names: Mapping[str, str]) -> str | None:
    """"Tiêu đề", or for a file's field "Tệp «Số liệu 2025»: Định dạng"; None when hidden."""
    if field in HIDDEN:
        return None
    if field == "resources (new)":
        return _("Tệp mới")
    if field.startswith("resources["):
        res_id, _sep, key = field[len("resources["):].partition("]")
        key = key.lstrip(".")
        if key in HIDDEN_RESOURCE_KEYS:
            return None
        file = _("Tệp «%(name)s»", name=names.get(res_id, res_id[:8]))
        return f"{file}: {labels().get(key, key)}" if key else file
    return labels().get(field, field)


def dictionary_labels() -> dict[str, str]:
    """Names of the data dictionary's keys (issue 21 item 5)."""
    return {"title": _("Nhãn cột"), "title_en": _("Nhãn cột tiếng Anh"),
            "description": _("Mô tả cột"), "description_en": _("Mô tả cột tiếng Anh"),
            "unit": _("Đơn vị")}


def _dictionary_rows(field: str, change: Mapping[str, Any],
                     names: Mapping[str, str]) -> list[dict[str, Any]]:
    """A changed Table Schema as the dictionary entries it changes, one row each: the rest of
    a schema (types, formats) is the validator's, not an officer's decision."""
    res_id = field[len("resources["):].partition("]")[0]
    old, new = change.get("old"), change.get("new")
    file = _("Tệp «%(name)s»", name=names.get(res_id, res_id[:8]))
    words = dictionary_labels()
    return [{"field": field, "label": _("%(file)s: cột %(column)s: %(what)s", file=file,
                                         column=column, what=words[key]),
             "old": was, "new": now, "summary": None}
            for column, key, was, now in dictionary_changes(
                old if isinstance(old, Mapping) else None,
                new if isinstance(new, Mapping) else None)]


def describe(changes: Iterable[Mapping[str, Any]],
             snapshot: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows for a diff table: ``label``, ``old`` and ``new`` (text or Markup) and ``summary``
    (for lists: what was added and removed). Changes between two blanks are left out.
    ``snapshot`` (the package dict after the change) names the files changed."""
    changes = [c for c in changes if not (_blank(c.get("old")) and _blank(c.get("new")))]
    words = Words(changes)
    names = {str(r.get("id")): str(r.get("name") or r.get("url") or "")
             for r in (snapshot or {}).get("resources", []) if isinstance(r, Mapping)}
    for c in changes:  # a file added or removed names itself
        for side in (c.get("old"), c.get("new")):
            if str(c["field"]).startswith("resources[") and isinstance(side, Mapping):
                names.setdefault(str(side.get("id", "")), str(side.get("name") or ""))
    rows = []
    for change in changes:
        field = str(change["field"])
        if field.startswith("resources[") and field.endswith("].schema"):
            rows += _dictionary_rows(field, change, names)  # shown column by column
            continue
        label = _label(field, names)
        if label is None:
            continue
        key = field.rsplit(".", 1)[-1] if field.startswith("resources[") and "." in field \
            else ("resources" if field.startswith("resources") else field)
        old, new = change.get("old"), change.get("new")
        row: dict[str, Any] = {"field": field, "label": label,
                               "old": words.text(key, old), "new": words.text(key, new),
                               "summary": _list_change(words, key, old, new)
                               if key in ("tags", "groups", "extras") else None}
        if isinstance(old, str) and isinstance(new, str) and old and new and \
                max(len(old), len(new)) > LONG_TEXT:
            row["old"], row["new"] = _marked_words(old, new)
        rows.append(row)
    # In the order of the dataset form (title first), files last.
    order = {key: index for index, key in enumerate(labels())}
    return sorted(rows, key=lambda r: (r["field"].startswith("resources"),
                                       order.get(r["field"], len(order))))


def init_app(app: Flask) -> None:
    """Templates call ``describe_changes(changes, snapshot)`` and ``revision_action(action)``."""
    app.jinja_env.globals["describe_changes"] = describe
    app.jinja_env.globals["submitter"] = submitter
    app.jinja_env.globals["audit_action"] = lambda action: audit_words().get(action, action)
    app.jinja_env.filters["when"] = lambda text: _date(str(text)) or text  # ISO -> dd/mm/yyyy
    app.jinja_env.globals["revision_action"] = lambda action: action_words().get(action, action)
