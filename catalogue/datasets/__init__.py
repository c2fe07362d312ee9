"""Datasets and their resources: the model, the input schema, the CKAN dict shape, the service."""
