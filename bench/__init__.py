"""Benchmarks that measure our code against the thing it replaces, side by side in one run."""
