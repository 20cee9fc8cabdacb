"""Benchmarks: the request path against bare Bolt, the tick, summaries and memory (`python -m bench`)."""
