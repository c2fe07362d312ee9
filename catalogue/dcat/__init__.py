"""DCAT-AP 3 for the national data portal: the catalogue as RDF (pure: no Flask)."""

from catalogue.dcat.feed import catalog_page, dataset_document
from catalogue.dcat.graph import (
           FORMATS,
           CatalogInfo,
           Paging,
           catalog_graph,
           dataset_graph,
           serialize,
)

__all__ = ["FORMATS", "CatalogInfo", "Paging", "catalog_graph", "catalog_page",
           "dataset_document", "dataset_graph", "serialize"]
