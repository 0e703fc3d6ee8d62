"""Benchmarks behind `make bench`: what users feel, measured as medians and same-run ratios."""
