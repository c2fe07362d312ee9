"""Harvest jobs and objects: the record of every harvest run, kept in the catalogue."""
