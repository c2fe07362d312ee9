"""Backups (consistent snapshots with a manifest), verification, retention and restores."""
