"""Benchmark harness: a synthetic package generator, a timing runner and its report.

Run ``python benchmarks/generate.py --help`` and ``python benchmarks/run.py --help``.
"""
