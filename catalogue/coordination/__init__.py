"""Coordination between processes and machines that share one catalogue database (issue 23).

PostgreSQL's own mechanisms do the work: advisory locks for "one at a time", a unique key for
"exactly once", a table for the one signing key. On SQLite (one machine) a lock file beside
the database stands in for the advisory lock.
"""
