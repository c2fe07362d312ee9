"""gunicorn settings for dulieumo: the package's own (``portal/gunicorn_config.py``), so
``gunicorn -c deploy/gunicorn.conf.py portal.wsgi:app`` and ``dulieumo serve --production``
run the same configuration. Override a setting below the import if a site needs to."""

from portal.gunicorn_config import *  # noqa: F403
