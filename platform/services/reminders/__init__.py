"""Reminders: what is due, sent in the app and by e-mail."""
