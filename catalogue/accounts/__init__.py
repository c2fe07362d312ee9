"""Accounts, roles, tokens and the permission checks every write goes through (issue 7)."""
