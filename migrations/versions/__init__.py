"""One reviewed migration per schema change."""
