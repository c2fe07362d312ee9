"""WSGI entry point for gunicorn: ``gunicorn portal.wsgi:app`` (home from $DULIEUMO_HOME)."""

from portal import create_app

app = create_app()
