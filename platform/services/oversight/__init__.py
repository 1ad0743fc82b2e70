"""Oversight: compliance rules and their checks, inspections, audit checkpoints."""
