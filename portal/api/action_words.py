"""The API actions in words for the ``/api`` page: one short Vietnamese summary each (issue 19).

The actions' docstrings stay English: the OpenAPI description and ``help_show`` give them to
machines and to CKAN clients, which expect CKAN's English. The page people read says what
each action does in their language, English through Babel like every other page.
Parameter names are written between double backquotes and shown as code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

SUMMARIES = {
    # Reading the catalogue
    "package_search": _l("Tìm kiếm bộ dữ liệu: trả về ``count``, ``results`` (các bộ dữ liệu), "
                         "``facets`` và ``search_facets``."),
    "package_show": _l("Một bộ dữ liệu theo tên hoặc mã, kèm tài nguyên, tổ chức, nhóm, thẻ và "
                       "điểm chất lượng (``quality``) cùng những việc cần làm để nâng điểm."),
    "package_list": _l("Tên tất cả bộ dữ liệu công khai, theo thứ tự chữ cái; phân trang bằng "
                       "``limit`` và ``offset``."),
    "current_package_list_with_resources": _l(
        "Các bộ dữ liệu công khai kèm tài nguyên, bộ mới cập nhật xếp trước."),
    "package_autocomplete": _l("Gợi ý bộ dữ liệu công khai có tiêu đề (gõ có dấu hay không dấu "
                               "đều được) hoặc tên khớp với ``q``."),
    "package_activity_list": _l("Các phiên bản đã công bố của một bộ dữ liệu, mới nhất trước "
                                "(``version``: số phiên bản công khai)."),
    "resource_show": _l("Một tài nguyên theo mã (chỉ khi được xem bộ dữ liệu chứa nó)."),
    "resource_search": _l("Tìm tài nguyên của các bộ dữ liệu công khai khớp mọi điều kiện "
                          "``field:value``: số lượng và kết quả."),
    "organization_list": _l("Tên các tổ chức, hoặc thông tin đầy đủ khi có ``all_fields`` "
                            "(kèm ``package_count``)."),
    "organization_show": _l("Một tổ chức; khi có ``include_datasets``, kèm các bộ dữ liệu của "
                            "tổ chức mà người gọi được xem."),
    "organization_autocomplete": _l("Gợi ý tổ chức có tên hoặc tiêu đề chứa ``q``: mã, tên, "
                                    "tiêu đề."),
    "group_list": _l("Tên các nhóm (lĩnh vực), hoặc thông tin đầy đủ khi có ``all_fields`` "
                     "(kèm ``package_count``)."),
    "group_show": _l("Một nhóm (lĩnh vực); khi có ``include_datasets``, kèm các bộ dữ liệu "
                     "công khai của nhóm."),
    "tag_list": _l("Các thẻ (từ khóa) mà bộ dữ liệu công khai đang dùng, xếp theo tên."),
    "tag_show": _l("Một thẻ theo tên hoặc mã; khi có ``include_datasets``, kèm các bộ dữ liệu "
                   "công khai gắn thẻ đó."),
    "license_list": _l("Tất cả giấy phép trong danh mục giấy phép của cổng."),
    "format_autocomplete": _l("Gợi ý định dạng tài nguyên đang dùng có chứa ``q``, định dạng "
                              "dùng nhiều nhất xếp trước (chữ thường, như CKAN)."),
    "status_show": _l("Thông tin về cổng, theo cách CKAN báo cáo."),
    "site_read": _l("Cổng có cho phép đọc hay không: luôn là có với cổng công khai."),
    "help_show": _l("Tài liệu của một hàm."),
    # The datastore: a resource's table, row by row
    "datastore_search": _l("Các dòng trong bảng dữ liệu của một tài nguyên: lọc, tìm toàn văn, "
                           "sắp xếp, phân trang (như CKAN)."),
    "datastore_search_sql": _l("Một câu lệnh SELECT chỉ đọc trên bảng của các tài nguyên mà "
                               "người gọi được xem (như CKAN)."),
    "datastore_info": _l("Bảng dữ liệu của một tài nguyên: các trường với kiểu và từ điển dữ "
                         "liệu, số dòng."),
    "datastore_create": _l("Tạo bảng từ các trường và bản ghi, thành một tệp CSV mới của tài "
                           "nguyên (qua bước duyệt)."),
    "datastore_upsert": _l("Thêm hoặc cập nhật dòng: thành một tệp CSV mới của tài nguyên (qua "
                           "bước duyệt)."),
    "datastore_delete": _l("Xoá các dòng khớp ``filters``: thành một tệp CSV mới của tài nguyên "
                           "(qua bước duyệt)."),
    # Publishing: a token and POST
    "package_create": _l("Tạo bộ dữ liệu; biên tập viên tạo thì bộ dữ liệu là bản nháp gửi "
                         "duyệt, quản trị viên tạo thì được công bố như yêu cầu."),
    "package_update": _l("Thay toàn bộ một bộ dữ liệu: trường nào không gửi sẽ bị xoá (như "
                         "CKAN); muốn sửa vài trường thì dùng package_patch. Thay đổi của biên "
                         "tập viên với bộ dữ liệu đã công bố phải chờ duyệt (``pending_review``)."),
    "package_patch": _l("Chỉ sửa các trường được gửi (biên tập viên sửa bộ dữ liệu đã công bố "
                        "thì phải qua duyệt)."),
    "package_delete": _l("Rút một bộ dữ liệu (trạng thái ``deleted``; lịch sử vẫn được giữ)."),
    "resource_create": _l("Thêm một đường dẫn, hoặc một tệp tải lên dạng multipart ``upload`` "
                          "(được kiểm tra, lưu theo mã sha256, kiểm tra hợp lệ nếu là bảng); "
                          "biên tập viên thêm vào bộ dữ liệu đã công bố thì phải qua duyệt."),
    "resource_update": _l("Thay các trường của một tài nguyên (và tệp, nếu có tải lên)."),
    "resource_patch": _l("Chỉ sửa các trường được gửi của một tài nguyên."),
    "resource_delete": _l("Gỡ một tài nguyên khỏi bộ dữ liệu (tệp đã lưu vẫn được giữ cho các "
                          "phiên bản cũ)."),
    "organization_create": _l("Tạo tổ chức (chỉ quản trị hệ thống)."),
    "organization_patch": _l("Sửa thông tin mô tả của một tổ chức (quản trị viên của tổ chức và "
                             "quản trị hệ thống)."),
    "group_create": _l("Tạo nhóm (lĩnh vực; chỉ quản trị hệ thống)."),
    "group_patch": _l("Sửa thông tin mô tả của một nhóm (chỉ quản trị hệ thống)."),
    "member_create": _l("Đưa một bộ dữ liệu vào nhóm (lĩnh vực); cần quyền sửa bộ dữ liệu đó."),
}


def action_words(name: str, doc: str) -> Markup:
    """An action's summary in the reader's language, ````name```` shown as code.

    An action nobody has summarised yet falls back to its docstring's first paragraph (a
    test keeps the table complete, so this only happens to an extension's actions).
    """
    summary = SUMMARIES.get(name)
    text = str(summary) if summary is not None else " ".join(
        line.strip() for line in doc.strip().split("\n\n")[0].splitlines())
    parts = text.split("``")
    return Markup("").join(Markup("<code>%s</code>") % part if i % 2 else escape(part)
                           for i, part in enumerate(parts))
