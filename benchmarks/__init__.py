"""Benchmarks for hcc-desktop: speed as ratios against a baseline measured in the same
run (see benchmarks/README.md). A package so that workload modules can be imported by
name and register themselves with `benchmarks.registry`."""
