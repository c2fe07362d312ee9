"""Imports every table so Alembic and tools see the whole schema on ``Base.metadata``."""

from catalogue.backup.model import RestoreLog  # noqa: E402,I001  (operations, issue 8)
from catalogue.datasets.model import Dataset, DatasetExtra, Resource, Tag
from catalogue.groups.model import Group
from catalogue.history.model import Revision
from catalogue.notices.model import Notice  # noqa: E402,I001
from catalogue.organizations.model import Organization
from catalogue.usage.model import UsageDaily  # noqa: E402,I001

__all__ = ["Dataset", "DatasetExtra", "Group", "Organization", "Resource", "Revision", "Tag",
           "Notice", "RestoreLog", "UsageDaily"]
from catalogue.accounts.model import ApiToken, Membership, User  # noqa: E402,I001  (issue 7)
from catalogue.audit.model import AuditEntry  # noqa: E402,I001
from catalogue.review.model import ReviewItem  # noqa: E402,I001

__all__ += ["ApiToken", "AuditEntry", "Membership", "ReviewItem", "User"]
from catalogue.feedback.model import DataRequest, ProblemReport  # noqa: E402,I001

__all__ += ["DataRequest", "ProblemReport"]
from catalogue.subscriptions.model import Notification, Subscription  # noqa: E402,I001  (issue 9)

__all__ += ["Notification", "Subscription"]
from catalogue.quality.model import LinkCheck  # noqa: E402,I001  (issue 9)

__all__ += ["LinkCheck"]
from catalogue.harvest.model import HarvestJob, HarvestObject, HarvestSource  # noqa: E402,I001  (issues 3, 19)

__all__ += ["HarvestJob", "HarvestObject", "HarvestSource"]
from catalogue.coordination.model import RateCounter, ScheduleClaim, SiteSecret  # noqa: E402,I001  (issue 23)
from catalogue.coordination.model import UpgradeTask  # noqa: E402,I001  (issue 22)

__all__ += ["RateCounter", "ScheduleClaim", "SiteSecret", "UpgradeTask"]
from catalogue.bulk.model import CatalogueDump  # noqa: E402,I001  (issue 21)

__all__ += ["CatalogueDump"]
