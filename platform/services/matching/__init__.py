"""Match runs: problem inputs from the database, runs and their results."""
