"""Benchmarks and the load test (``make bench``, ``make load``); not part of ``make test``.

Nothing here is imported by the app. See bench/README.md for what each one measures.
"""
