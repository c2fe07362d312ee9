"""Harvesters: bring datasets in from agency systems (gather → fetch → import).

Source types are plugins found through the ``dulieumo.harvesters`` entry-point group; ours
(ckan, dcat, datapackage, files, sql) are registered there the same way.
"""
