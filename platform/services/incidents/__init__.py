"""Incidents during a placement: report, notification, insurance claim and resolution."""
