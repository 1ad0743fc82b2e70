"""Reporting: dashboard, drill-down lists, overview, timelines and evidence."""
