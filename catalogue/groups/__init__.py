"""Sectors / topics (lĩnh vực) that datasets belong to."""
