"""DCAT-AP 3 (and 2.1.1) for the national data portal: the catalogue as RDF (pure: no Flask)."""

from catalogue.dcat.feed import catalog_page, dataset_document, public_package
from catalogue.dcat.graph import CatalogInfo, Paging, catalog_graph, dataset_graph
from catalogue.dcat.profiles import PROFILE_IRIS, profile_named, to_dcat_ap_2
from catalogue.dcat.serialize import FORMATS, serialize

__all__ = ["FORMATS", "PROFILE_IRIS", "CatalogInfo", "Paging", "catalog_graph",
           "catalog_page", "dataset_document", "dataset_graph", "profile_named", "public_package",
           "serialize", "to_dcat_ap_2"]
