"""Follows of datasets, agencies and sectors, and the e-mail notifications they get (issue 9)."""
