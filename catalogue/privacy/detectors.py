"""Recognisers for single values: ID numbers, phones, e-mails, tax codes, names, birth dates.

Each recogniser answers for one cell (``is_*``) or finds spans in free text (``find_*``).
They are tuned against ordinary open data: identifiers must be written as text with their
leading zero (a 12-digit *number* is a revenue, not a CCCD), and agency contact points
(landlines, ``.gov.vn`` mailboxes, role mailboxes) are not personal data.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Circular 07/2016/TT-BCA, Annex: province codes that open a 12-digit CCCD number.
PROVINCE_CODES = frozenset({
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019",
    "020", "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036",
    "037", "038", "040", "042", "044", "045", "046", "048", "049", "051", "052", "054",
    "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
    "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
    "094", "095", "096",
})

# Mobile prefixes in use since the 2018 renumbering (03x Viettel, 05x Vietnamobile/Gmobile,
# 07x MobiFone, 08x VinaPhone/Viettel/iTel, 09x all networks). 02x are landlines: agencies'
# own numbers, which open data lists on purpose, so they are deliberately not matched.
MOBILE_PREFIXES = frozenset({
    "032", "033", "034", "035", "036", "037", "038", "039",
    "052", "055", "056", "058", "059",
    "070", "076", "077", "078", "079",
    "081", "082", "083", "084", "085", "086", "087", "088", "089",
    "090", "091", "092", "093", "094", "096", "097", "098", "099",
})

_SEPARATORS = re.compile(r"[\s.\-()]")
_DIGITS = re.compile(r"\d+")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# A phone in running text: optional +84/0084/84 then 9–10 digits with spaces, dots or dashes.
PHONE_IN_TEXT_RE = re.compile(
    r"(?<![\w+])(?:\+84|0084|\(\+?84\)|84(?=[\s.\-]))?[\s.\-]?0?\d{2,3}(?:[\s.\-]?\d){6,8}(?!\w)"
)
ID_IN_TEXT_RE = re.compile(r"(?<![\d/])(?<!\d[.,])\d{9}(?:\d{3})?(?![\d/]|[.,]\d)")
DATE_RE = re.compile(
    r"^(?:(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?)$"
)
ROLE_MAILBOXES = frozenset({
    "info", "contact", "lienhe", "hotro", "support", "admin", "office", "vanphong", "webmaster",
    "noreply", "no-reply", "tongdai", "hopthu", "banbientap", "toasoan", "cskh",
})
# Family names carried by most Vietnamese (a person's name starts with one).
SURNAMES = frozenset({
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "dinh", "trinh", "mai", "truong", "lam", "luong", "ha", "cao",
    "chu", "doan", "ta", "tong", "quach", "lu", "la", "thai", "kieu", "van", "vuong", "khuc",
    "nong", "lo", "sung", "giang", "hua", "thach", "danh",
})
# Words that make a capitalised phrase a body, place or thing rather than a person (words
# that are also common given names, like Phương, Tâm or Quân, are left out on purpose).
NOT_PERSON_WORDS = frozenset({
    "cong", "ty", "tnhh", "hop", "tac", "uy", "ban", "benh", "vien", "tram", "cau", "pho",
    "song", "nui", "khu", "tich", "chua", "den", "nhanh", "lang", "nha", "may", "cho", "ben",
    "cum", "xa", "thon", "ap", "homestay", "khach", "san",
})

def _fold_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char)
                       if not unicodedata.combining(c))
        if base != char and base.isascii():
            table[code] = base
    return table


FOLD_TABLE = _fold_table()


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics (``Họ và tên`` -> ``ho va ten``)."""
    folded = text.translate(FOLD_TABLE)
    if not folded.isascii():  # combining marks typed separately (NFD input)
        folded = "".join(c for c in unicodedata.normalize("NFD", folded)
                         if not unicodedata.combining(c))
    return folded.lower()


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value.strip())


def is_cccd(value: str, *, this_year: int | None = None) -> bool:
    """A 12-digit citizen ID: province code, gender/century digit, plausible birth year."""
    digits = _compact(value)
    if len(digits) != 12 or not digits.isdigit() or digits[:3] not in PROVINCE_CODES:
        return False
    century_digit, year = int(digits[3]), int(digits[4:6])
    if century_digit > 3:  # 4–9 are for people born after 2099
        return False
    born = (1900 if century_digit < 2 else 2000) + year
    return born <= (this_year or date.today().year)


def is_cmnd(value: str) -> bool:
    """Nine digits written as text (the old identity card); ambiguous alone, see screen."""
    digits = value.strip()
    return len(digits) == 9 and digits.isdigit()


def normalise_phone(value: str) -> str | None:
    """The national 10-digit form (``09xxxxxxxx``) of a mobile number, or None."""
    text = value.strip()
    digits = _compact(text).lstrip("+")
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11 and (
            text.startswith(("+", "(")) or not text.isdigit()):
        # Bare "84xxxxxxxxx" is as likely an amount; only +84 / "84 9.." forms count.
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.isdigit() and digits[:3] in MOBILE_PREFIXES:
        return digits
    return None


def is_mobile_phone(value: str) -> bool:
    """A Vietnamese mobile number in any usual spelling."""
    return normalise_phone(value) is not None


def is_personal_email(value: str) -> bool:
    """An e-mail address that is not an agency's or a role's mailbox."""
    match = EMAIL_RE.fullmatch(value.strip())
    return match is not None and not _institutional_email(match.group(0))


def _institutional_email(address: str) -> bool:
    local, _, domain = address.lower().partition("@")
    return domain.endswith((".gov.vn", ".edu.vn")) or local in ROLE_MAILBOXES


def is_personal_tax_code(value: str) -> bool:
    """A personal tax code: 10 digits from the 8xxxxxxxxx range (optionally -NNN).

    Businesses' codes start with a province prefix (01…, 57…); individuals registered for
    personal income tax were given codes starting with 8. Since 1/7/2025 the CCCD number also
    serves as the personal tax code, which ``is_cccd`` covers.
    """
    text = value.strip()
    return re.fullmatch(r"8\d{9}(?:-\d{3})?", text) is not None


def is_account_number(value: str) -> bool:
    """Digits that could be a bank account (8–19 digits, spaces allowed)."""
    digits = value.strip().replace(" ", "")
    return 8 <= len(digits) <= 19 and digits.isdigit()


def parse_birth_date(value: str, *, this_year: int | None = None) -> date | None:
    """A calendar date a living person could have been born on, or None."""
    match = DATE_RE.match(value.strip())
    if match is None:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(6), match.group(5), match.group(4))
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not 1900 <= found.year <= (this_year or date.today().year):
        return None
    return found


def looks_like_person_name(value: str) -> bool:
    """Two to five capitalised words starting with a family name, none naming a body or place."""
    words = value.strip().split()
    if not 2 <= len(words) <= 5 or not all(w[:1].isupper() and w.isalpha() for w in words):
        return False
    folded = [fold(w) for w in words]
    return folded[0] in SURNAMES and not any(w in NOT_PERSON_WORDS for w in folded[1:])


def find_emails(text: str) -> list[tuple[int, int]]:
    """Spans of personal e-mail addresses in free text."""
    return [m.span() for m in EMAIL_RE.finditer(text) if not _institutional_email(m.group(0))]


def find_phones(text: str) -> list[tuple[int, int]]:
    """Spans of mobile numbers in free text."""
    return [m.span() for m in PHONE_IN_TEXT_RE.finditer(text) if is_mobile_phone(m.group(0))]


def find_id_numbers(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(kind, span) of CCCD numbers and, after an ID word, old 9-digit CMND numbers."""
    found: list[tuple[str, tuple[int, int]]] = []
    folded = fold(text)
    for match in ID_IN_TEXT_RE.finditer(text):
        number = match.group(0)
        before = folded[max(0, match.start() - 40):match.start()]
        if len(number) == 12 and is_cccd(number):
            found.append(("cccd", match.span()))
        elif len(number) == 9 and re.search(r"cmnd|chung minh|cmt|can cuoc", before):
            found.append(("cmnd", match.span()))
    return found
