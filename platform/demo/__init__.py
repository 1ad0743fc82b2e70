"""Demo data: a seeded region and its first season, played through the services."""
