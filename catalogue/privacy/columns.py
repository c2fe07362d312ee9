"""Column names that say a column holds personal data, in Vietnamese (with or without
diacritics, any separator) and English.
"""

from __future__ import annotations

import re
from functools import lru_cache

from catalogue.privacy.detectors import fold

# kind -> phrases (folded, space-separated). A column matches when the phrase's words occur
# consecutively among the column's words, or when the column glued together equals the phrase
# glued together (``hoten``, ``ngaysinh``, ``SoDienThoai``).
COLUMN_PHRASES: dict[str, tuple[str, ...]] = {
    "full_name": ("ho ten", "ho va ten", "ten nguoi", "ten chu ho", "ten cong dan",
                  "full name", "fullname", "person name", "ten ca nhan", "ten nguoi nop",
                  # whose names lists of beneficiaries, patients, pupils, owners carry
                  "chu ho", "chu tai khoan", "nguoi dai dien", "nguoi nhan", "ten benh nhan",
                  "ten hoc sinh", "ten thi sinh", "ten sinh vien", "ten nguoi lao dong",
                  "chu so huu", "chu phuong tien", "patient name", "student name",
                  "account holder", "owner name"),
    "date_of_birth": ("ngay sinh", "nam sinh", "ngay thang nam sinh", "date of birth", "dob",
                      "birth date", "birthdate", "birthday"),
    "cccd": ("cccd", "can cuoc", "can cuoc cong dan", "so dinh danh", "ma dinh danh ca nhan",
             "national id", "citizen id", "id card"),
    "cmnd": ("cmnd", "chung minh nhan dan", "so chung minh", "cmt"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dien thoai di dong", "phone",
              "mobile", "phone number", "telephone"),
    "address": ("dia chi thuong tru", "thuong tru", "noi thuong tru", "tam tru",
                "noi o hien tai", "noi o", "cho o hien nay", "que quan", "nguyen quan",
                "home address", "residential address", "dia chi nha rieng"),
    "email": ("email", "e mail", "thu dien tu", "dia chi email", "hop thu dien tu"),
    "tax_code": ("ma so thue ca nhan", "mst ca nhan", "personal tax code",
                 "ma so thue thu nhap ca nhan", "tax id"),
    "bank_account": ("so tai khoan", "stk", "tai khoan ngan hang", "bank account",
                     "account number", "so tk"),
}
# Contact columns are judged by what they hold: agencies' phone and mailbox columns are open
# data. Identity columns are held on their name alone.
CONTACT_KINDS = frozenset({"phone", "email"})


def column_words(name: str) -> list[str]:
    """A column name as folded words: ``SoDienThoai`` / ``số_điện_thoại`` -> so dien thoai."""
    spaced = re.sub(r"(?<=[a-zà-ỹ])(?=[A-ZÀ-Ỹ])", " ", str(name))
    return [w for w in re.split(r"[^a-z0-9]+", fold(spaced)) if w]


# "số chủ hộ", "tổng số bệnh nhân": counts of people, not their names ("số" before an
# identifier, "số CCCD", is that identifier: only names are excused this way).
COUNT_WORDS = frozenset({"so", "tong", "number", "count"})


def _contains(words: list[str], phrase: list[str], *, counted: bool = False) -> bool:
    """Whether ``phrase`` occurs in ``words``; with ``counted``, not right after a word that
    makes it a count."""
    width = len(phrase)
    return any(words[i:i + width] == phrase
               and not (counted and i > 0 and words[i - 1] in COUNT_WORDS)
               for i in range(len(words) - width + 1))


@lru_cache(maxsize=4096)  # a harvest's tables repeat their headers (issue 16 item 10)
def column_kind(name: str) -> str | None:
    """The personal-data kind a column's name announces, or None."""
    words = column_words(name)
    glued = "".join(words)
    best: tuple[int, str] | None = None
    for kind, phrases in COLUMN_PHRASES.items():
        for phrase in phrases:
            parts = phrase.split()
            if _contains(words, parts, counted=kind == "full_name") or \
                    glued == "".join(parts):
                # The longest phrase wins: "dia chi email" is an e-mail, not an address.
                if best is None or len(parts) > best[0]:
                    best = (len(parts), kind)
    return best[1] if best else None
