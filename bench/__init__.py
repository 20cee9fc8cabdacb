"""Benchmarks: the request path against the peer and the floor, the tick, summaries and memory (`python -m bench`)."""
