"""Benchmarks, run as modules from the repository's root: `python -m bench.perf`,
`python -m bench.extraction`. Each prints its figures; BENCHMARKS.md keeps the runs."""
