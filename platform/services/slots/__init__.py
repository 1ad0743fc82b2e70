"""Slots: postings, eligibility and preferences."""
