"""Previews of resources without a browser plug-in or tile server, all pure functions.

``tables``: the first rows of CSV/XLSX files, and whole-file CSV/JSON conversions;
``series``: numeric time series found in a table, drawn as an SVG line chart;
``geo``: GeoJSON outlines projected to SVG paths.
"""
