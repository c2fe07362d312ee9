"""The table explorer's view of a datastore table (issue 21 item 4); the page is in
``portal/pages/explorer.py``."""
