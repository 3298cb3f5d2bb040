"""Benchmarks: named scenarios timed against a yardstick measured in the same run."""
