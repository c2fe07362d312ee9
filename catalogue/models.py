"""Imports every table so Alembic and tools see the whole schema on ``Base.metadata``."""

from catalogue.datasets.model import Dataset, DatasetExtra, Resource, Tag
from catalogue.groups.model import Group
from catalogue.history.model import Revision
from catalogue.organizations.model import Organization

__all__ = ["Dataset", "DatasetExtra", "Group", "Organization", "Resource", "Revision", "Tag"]
