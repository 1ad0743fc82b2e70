"""Marks messages of the Flask-free layers (services, policy) for translation (gettext_noop)."""


def N_(message: str) -> str:  # the conventional gettext_noop name, known to pybabel
    """Return `message` unchanged; pybabel extracts it and templates translate it with _()."""
    return message
