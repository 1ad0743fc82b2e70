"""Placements: offers, tripartite agreements, lifecycle and months under the cap."""
