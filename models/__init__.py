"""The domain of Anye: tables, their rules, repositories, and the builders of engine, session and cache.

This package imports nothing else of ours; ``ingest``, ``matcher`` and ``api`` build on it.
"""
