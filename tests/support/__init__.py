"""Test fixtures and sample builders shared by the tests and the benchmarks."""
