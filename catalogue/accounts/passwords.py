"""Password hashing (argon2id) and the rules that refuse weak passwords.

Sơn La 20/2023 Điều 13.1 locks accounts with weak passwords; refusing them up front is
kinder than locking later.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256  # a passphrase, not a file: the checks below stay cheap
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
GUESSABLE_WORDS_FILE = Path(__file__).with_name("guessable_words.txt")
# Runs of 4+ along these count as a sequence ("1234", "abcd", "qwer", "9876").
SEQUENCES = ("0123456789", string.ascii_lowercase, "qwertyuiop", "asdfghjkl", "zxcvbnm")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash with the library's current recommended parameters."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; malformed hashes never match."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so that a log-in for an
    unknown name costs as long as one for a known name (no user enumeration by timing)."""
    global _dummy
    if _dummy is None or not _dummy.startswith(_prefix()):
        _dummy = _hasher.hash("dulieumo-no-such-account")
    return _dummy


def _prefix() -> str:
    return f"$argon2id$v=19$m={_hasher.memory_cost},t={_hasher.time_cost},p={_hasher.parallelism}$"


_dummy: str | None = None


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def guessable_words() -> frozenset[str]:
    """Words a guesser tries first, with digits and symbols around them (issue 15): the
    common passwords' letters and ``guessable_words.txt`` (Vietnamese words, agencies, places)."""
    lines = GUESSABLE_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    words = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    words |= {_letters(p) for p in common_passwords() if len(_letters(p)) >= 4}
    return frozenset(words)


def agency_words(*names: str) -> frozenset[str]:
    """Words of an agency's short name and titles, and their initials ("Sở Tài nguyên và Môi
    trường Quảng Ninh" gives "so", "tai", …, "stnvmtqn", "stnmtqn")."""
    words: set[str] = set()
    for name in names:
        parts = [_letters(part) for part in re.split(r"[\s\-_.,()/]+", _fold(name))]
        parts = [part for part in parts if part]
        words.update(parts)
        if len(parts) > 1:
            words.add("".join(part[0] for part in parts))
            words.add("".join(part[0] for part in parts if part != "va"))
    return frozenset(words)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text)


def _made_of(core: str, words: Iterable[str]) -> bool:
    """Whether ``core`` is nothing but guessable words one after another."""
    vocabulary = set(words)
    longest = max((len(w) for w in vocabulary), default=0)
    reachable = [True] + [False] * len(core)  # reachable[i]: core[:i] splits into words
    for end in range(1, len(core) + 1):
        reachable[end] = any(reachable[start] and core[start:end] in vocabulary
                             for start in range(max(0, end - longest), end))
    return reachable[-1]


def _fold(text: str) -> str:
    """Lower-case without Vietnamese diacritics, so 'Hà Nội' and 'hanoi' compare equal."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _has_sequence(folded: str, run: int = 4) -> bool:
    for i in range(len(folded) - run + 1):
        chunk = folded[i:i + run]
        for seq in SEQUENCES:
            if chunk in seq or chunk in seq[::-1]:
                return True
        if len(set(chunk)) == 1:  # "aaaa", "1111"
            return True
    return False


def password_problems(password: str, *, name: str = "", email: str = "",
                      full_name: str = "", agency: Iterable[str] = ()) -> list[str]:
    """Reasons ``password`` is refused (empty when acceptable).

    ``agency`` holds the names of the person's agency (short name, titles): "agency name +
    year" is the first thing tried against a government account.
    """
    problems: list[str] = []
    if len(password) > MAX_LENGTH:
        return [f"Password must be at most {MAX_LENGTH} characters long."]
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be at least {MIN_LENGTH} characters long.")
    folded = _fold(password)
    core = _letters(folded)  # "Matkhau@2024" -> "matkhau"
    if folded in common_passwords() or folded.rstrip("!.0123456789") in common_passwords() \
            or core in common_passwords():
        problems.append("Password is in the list of common passwords.")
    elif core and _made_of(core, guessable_words() | agency_words(*agency)):
        problems.append("Password is only common words, place or agency names with digits or "
                        "symbols added (such as Matkhau@2024 or SoTNMT2025).")
    personal = [name, email, email.split("@", 1)[0] if email else ""]
    personal += [part for part in full_name.split() if len(part) >= 4]
    for word in (_fold(p) for p in personal if p and len(p) >= 3):
        if word in folded:
            problems.append("Password must not contain the user name, e-mail or name.")
            break
    if _has_sequence(folded):
        problems.append("Password must not contain sequences or repeats such as "
                        "1234, abcd, qwer or aaaa.")
    if len(set(folded)) < 5:
        problems.append("Password must use at least 5 different characters.")
    return problems
