"""Benchmark of the pipeline at national scale (`make bench`); not part of the package."""
