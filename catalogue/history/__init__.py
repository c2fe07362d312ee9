"""Revision history: every change to a dataset keeps the version before it."""
