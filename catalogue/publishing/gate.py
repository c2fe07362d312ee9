"""The one gate that decides what the public sees (issue 15; STYLE "One gate decides").

Every door that changes a dataset — the Action API, the workspace pages, the review queue, a
restore, a harvest — asks :func:`decide` whether the change publishes now, waits for someone
who may publish, or is held (personal data, or what the source itself says: an unknown
licence, access rights that are not public), and only then acts on the answer. Before, three
doors decided this three ways, and approving a later version made unapproved ones public.

Pure: it reads the principal, the package before and after the change, the personal-data
screen and the source's hold reasons; it writes nothing. Acting on the decision (applying,
queueing, marking held) is the review service's job (:mod:`catalogue.review.service`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalogue.accounts.principal import Principal
from catalogue.privacy.gate import PublicationScreen
from catalogue.privacy.screen import Finding

# A review item held for what the source says (not personal data): its message starts so.
SOURCE_HOLD_PREFIX = "Giữ lại chờ duyệt (held for review)"
SOURCE_WRITE = frozenset({"read", "read_private", "write"})


@dataclass(frozen=True)
class Publish:
    """Apply the change now. What it leaves public is a published version at once."""


@dataclass(frozen=True)
class Pending:
    """Keep the change apart until someone who may publish in the agency approves it."""


@dataclass(frozen=True)
class Held:
    """Keep the change in the review queue marked held: personal data it would make public
    (released only with a justification) and the source's own reasons, each named."""

    reasons: tuple[str, ...] = ()
    screen: PublicationScreen = field(default_factory=PublicationScreen)

    @property
    def personal_data(self) -> bool:
        return self.screen.held

    def message(self) -> str:
        """The review item's message: personal data first (its prefix marks the item as
        needing a justified release), then the source's reasons, one a line."""
        parts = [self.screen.message()] if self.screen.held else []
        if self.reasons:
            lines = "\n".join(f"- {reason}" for reason in self.reasons)
            parts.append(f"{SOURCE_HOLD_PREFIX}:\n{lines}")
        return "\n\n".join(parts)


Decision = Publish | Pending | Held


def _live(package: Mapping[str, Any] | None) -> bool:
    """Published in the agency's sense: active (``draft`` and ``deleted`` are not)."""
    return package is not None and package.get("state", "active") == "active"


def may_publish(principal: Principal, org_id: str | None) -> bool:
    """Whether ``principal``'s changes in ``org_id`` go live without review."""
    return principal.can("dataset.publish", org_id)


def decide(principal: Principal, *, org_id: str | None, before: Mapping[str, Any] | None,
           after: Mapping[str, Any], screen: PublicationScreen | None = None,
           hold_reasons: Iterable[str] = ()) -> Decision:
    """Publish now, wait for review, or hold: the one answer every door acts on.

    ``before`` is the package dict as the public may see it now (None for a new dataset),
    ``after`` the package dict the change asks for (a new dataset or a harvested record asks
    for ``state`` active unless it says draft). ``screen`` is what the personal-data screen
    found in what the change would publish; ``hold_reasons`` are the source's (an unknown
    licence, access rights that are not public), held whoever acts.

    - Held: the source gave reasons, or personal data would be published (a change that
      leaves the dataset a draft holds nothing: the screen runs again when it is published).
    - Pending: the change touches a published dataset, or asks to publish one, and
      ``principal`` may not publish in the owning agency (an editor, a harvest source with
      ``publish = "review"``).
    - Publish: otherwise (an agency admin's clean change, any change to a draft).
    """
    reasons = tuple(r for r in hold_reasons if r)
    screened = screen or PublicationScreen()
    if reasons or (screened.held and _live(after)):
        return Held(reasons, screened if screened.held else PublicationScreen())
    if (_live(before) or _live(after)) and not may_publish(principal, org_id):
        return Pending()
    return Publish()


def screen_of(findings: Iterable[Finding], where: Iterable[str]) -> PublicationScreen:
    """A screen result from findings made elsewhere (an upload's check, a harvest's files)."""
    return PublicationScreen(tuple(findings), tuple(where))


def source_principal(source: str, org_id: str | None, *, publishes: bool) -> Principal:
    """A harvest source acting in ``org_id``: as the agency's admin when its config says
    ``publish = "auto"``, as an editor (changes wait for review) when ``"review"``."""
    name = f"harvest:{source}"
    role = "admin" if publishes else "editor"
    return Principal(user_id=name, name=name, roles={org_id: role} if org_id else {},
                     scopes=SOURCE_WRITE)

