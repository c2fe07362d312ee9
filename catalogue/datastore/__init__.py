"""The datastore: every validated table's rows, queryable (issue 21).

- :mod:`store` — where tables live (SQLite file in the home, or PostgreSQL schema
  ``datastore``), the registry of loaded tables, the read-only connection.
- :mod:`columns` — a Table Schema as typed columns (CKAN type names, cell parsers).
- :mod:`loader` / :mod:`writers` — a stored file streamed into a new table, swapped in.
- :mod:`query` — the query interface: :func:`query.search_rows`,
  :func:`query.column_summary`, :func:`query.iter_rows` (read its docstring).
- :mod:`sql` — ``datastore_search_sql``: one SELECT, parsed and checked.
- :mod:`jobs` — the load queue: what needs loading after a change, and running it.

No Flask here: the portal decides who may read a resource and passes that in.
"""
