"""Generators of the demo agency systems, one module per agency (see examples/README.md)."""
