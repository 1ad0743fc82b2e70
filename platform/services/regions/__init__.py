"""Regions and the hierarchy above cities: creating, onboarding and reading them."""
