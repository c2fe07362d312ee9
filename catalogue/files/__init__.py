"""Stored files and how they are read.

``store``: uploaded and harvested files kept by their sha256; ``preview_cache``: previews
computed once per file, kept beside the store. ``rows``: the one bounded way to read a
table (CSV/TSV in UTF-8, UTF-16, Windows-1258 or TCVN3; XLSX, ODS, XLS; gzipped), used by
previews, the personal-data screen and validation, with ``limits`` (decompression bombs),
``encoding``/``tcvn3`` (legacy Vietnamese text), ``header`` (title rows, multi-row headers,
footnotes) and the readers ``xlsx``, ``ods`` and ``xls``.
"""
