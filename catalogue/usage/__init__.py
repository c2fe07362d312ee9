"""Download and API counters: counted in memory per process, written per day in batches."""
