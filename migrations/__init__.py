"""Alembic migrations of the SkillBridge schema, packaged for `skillbridge db upgrade`."""
