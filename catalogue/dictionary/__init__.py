"""The data dictionary (issue 21 item 5): what each column of a table means.

Column labels (Vietnamese and English), descriptions and units live on the resource's Table
Schema fields, so ``datapackage.json``, DCAT, the resource page, the table explorer and
``datastore_info`` read them from one place (the datastore's ``columns.dictionary_info``
gives them as CKAN's ``info``: ``label``, ``notes``, ``label_en``, ``unit``). Agency
officers edit them in the workspace; an edit is a change to the dataset like any other and
passes the publishing gate.
"""

from catalogue.dictionary.entries import (
    DICTIONARY_KEYS,
    ColumnEntry,
    apply_entries,
    carry_over,
    clean_patch,
    dictionary_changes,
    entries_of,
)

__all__ = ["DICTIONARY_KEYS", "ColumnEntry", "apply_entries", "carry_over", "clean_patch",
           "dictionary_changes", "entries_of"]
