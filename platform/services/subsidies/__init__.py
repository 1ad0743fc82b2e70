"""Training subsidies: claims, budgets, facts, exports and the nightly sweep."""
