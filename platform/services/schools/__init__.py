"""Schools: cohorts, rosters and students' certificates."""
