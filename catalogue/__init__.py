"""The catalogue owns the data: models, the service layer, search and validation.

Nothing here imports Flask: sessions, settings and clocks are passed in.
"""
