"""Runnable examples for dulieumo: demo agency systems used by `dulieumo demo`, tests and benchmarks."""
