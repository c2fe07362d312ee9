"""The account rules' numbers (Sơn La 20/2023 Điều 13.1), read from settings once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AccountPolicy:
    """How long an initial password lasts, when idle accounts lock, how log-ins are throttled."""

    password_change_days: int = 7
    inactive_lock_days: int = 30
    max_failed_logins: int = 5
    lock_minutes: int = 15
    ip_max_failures: int = 20
    ip_window_minutes: int = 15
    session_hours: int = 12
    token_default_days: int = 90
    token_max_days: int = 365

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> AccountPolicy:
        """The policy from the ``account_*`` settings; defaults for any not given."""
        defaults = cls()
        return cls(**{name: settings.get(f"account_{name}", getattr(defaults, name))
                      for name in cls.__dataclass_fields__})


DEFAULT_POLICY = AccountPolicy()
