"""Tables for datasets (CKAN packages), their tags, extras, groups and resources."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.database import Base, new_id
from catalogue.groups.model import Group
from catalogue.organizations.model import Organization

dataset_tag = Table(
    "dataset_tag",
    Base.metadata,
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)

dataset_group = Table(
    "dataset_group",
    Base.metadata,
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("group.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)


# The rows a harvest source's record may own: the unique index on (source, identifier) is
# partial to them, and a lookup must name this condition to use it (SQLite matches a partial
# index's WHERE term by term): without it, finding a record's dataset scanned every dataset
# of its source, one scan per record (issue 16 item 10).
HARVESTED = "harvest_source <> '' AND source_identifier <> ''"


class Dataset(Base):
    """A CKAN package plus English fields, coverage and provenance."""

    __tablename__ = "dataset"
    __table_args__ = (
        Index("ix_dataset_owner_state", "owner_org_id", "state"),
        # One dataset per record of a source, whatever runs at once (issue 23): harvests
        # take the source's lock, and the database refuses a second copy besides.
        Index("ux_dataset_source_record", "harvest_source", "source_identifier", unique=True,
              postgresql_where=text(HARVESTED), sqlite_where=text(HARVESTED)),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    title_en: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_en: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    version: Mapped[str] = mapped_column(String(100), default="")
    author: Mapped[str] = mapped_column(String(300), default="")
    author_email: Mapped[str] = mapped_column(String(300), default="")
    maintainer: Mapped[str] = mapped_column(String(300), default="")
    maintainer_email: Mapped[str] = mapped_column(String(300), default="")
    license_id: Mapped[str] = mapped_column(String(100), default="not-specified")
    state: Mapped[str] = mapped_column(String(20), default="active")  # active | draft | deleted
    private: Mapped[bool] = mapped_column(default=False)
    type: Mapped[str] = mapped_column(String(50), default="dataset")
    metadata_created: Mapped[datetime]
    metadata_modified: Mapped[datetime] = mapped_column(index=True)
    owner_org_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"), default=None)

    temporal_start: Mapped[date | None] = mapped_column(default=None)
    temporal_end: Mapped[date | None] = mapped_column(default=None)
    spatial: Mapped[str] = mapped_column(String(500), default="")  # province / district names
    update_frequency: Mapped[str] = mapped_column(String(50), default="")
    # Law on Data 60/2024/QH15 Art. 13 classification (issue 9): only "open" is ever public.
    access_class: Mapped[str] = mapped_column(String(20), default="open", server_default="open",
                                              index=True)
    importance: Mapped[str] = mapped_column(String(20), default="other", server_default="other")

    # Provenance: where a harvested dataset came from, when, and what it contained.
    harvest_source: Mapped[str] = mapped_column(String(100), default="", index=True)
    source_identifier: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    retrieved_at: Mapped[datetime | None] = mapped_column(default=None)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=dataset_tag, order_by=Tag.name)
    groups: Mapped[list[Group]] = relationship(secondary=dataset_group, order_by=Group.name)
    extras: Mapped[list[DatasetExtra]] = relationship(
        cascade="all, delete-orphan", order_by="DatasetExtra.key"
    )
    resources: Mapped[list[Resource]] = relationship(
        cascade="all, delete-orphan", order_by="Resource.position"
    )


class DatasetExtra(Base):
    __tablename__ = "dataset_extra"
    __table_args__ = (UniqueConstraint("dataset_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(Text, default="")


class Resource(Base):
    """A file or link of a dataset; stored files are kept by sha256 in the file store."""

    __tablename__ = "resource"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(2000), default="")
    url_type: Mapped[str] = mapped_column(String(20), default="")  # "" (link) | "upload"
    name: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(50), default="")
    mimetype: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None] = mapped_column(default=None)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created: Mapped[datetime]
    last_modified: Mapped[datetime | None] = mapped_column(default=None)
    schema: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    validation_status: Mapped[str] = mapped_column(String(20), default="")  # valid|invalid|error
    validation_report: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    extras: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PackageDocument(Base):
    """A dataset's package dict as ``package_show`` returns it, kept as JSON text.

    Written in the same transaction as every change to the dataset (``UnitOfWork.commit``),
    so the read path (``package_show``, ``package_search`` hits) is one indexed row instead of
    five relationship loads and a serialisation. ``site_url`` is the base the download URLs
    were built with; a portal moved to another address rebuilds rows on read.
    """

    __tablename__ = "package_document"

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    site_url: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    built_at: Mapped[datetime]
