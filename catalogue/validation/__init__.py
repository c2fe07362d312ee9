"""Frictionless validation of resource files and data package descriptors.

Used by the harvesters and by uploads (API and portal): ``validate_resource_file`` checks one
file, ``build_datapackage`` describes a dataset as a Frictionless data package.
"""

from catalogue.files.encoding import EncodingGuess, detect_encoding, transcode_to_utf8
from catalogue.validation.datapackage import build_datapackage, check_datapackage
from catalogue.validation.tabular import (
    ValidationLimits,
    ValidationOutcome,
    apply_field_hints,
    infer_schema,
    validate_resource_file,
)

__all__ = [
    "EncodingGuess", "ValidationLimits", "ValidationOutcome", "apply_field_hints",
    "build_datapackage", "check_datapackage", "detect_encoding",
    "infer_schema", "transcode_to_utf8", "validate_resource_file",
]
