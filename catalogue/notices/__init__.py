"""Maintenance windows and incident notices shown on every page and in ``status_show``."""
