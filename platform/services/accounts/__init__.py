"""Accounts: registration, verification, activation and passwords."""
