"""Use cases of the platform: Flask-free functions taking (session, actor, ...)."""
