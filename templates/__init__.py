"""Jinja templates of the web interface, one folder per blueprint."""
