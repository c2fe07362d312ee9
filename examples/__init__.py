"""Runnable examples: the demo agency systems used by `dulieumo demo`, tests and benchmarks."""
