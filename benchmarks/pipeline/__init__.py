"""Benchmarks of the pipeline as users run it: a day, a rerun, a big day and a backfill, against
the simple serial way.

    .venv/bin/python -m benchmarks.pipeline [--papers 400] [--latency-ms 300] [--quick] [--only a,b]

Everything runs on this machine: a local arXiv server (RSS + API, from synthetic papers shaped
like the recordings) and a local OpenAI-compatible server whose every call takes --latency-ms.
Each scenario (one function each: days.py, runs.py, fulltext.py) runs in its own process so its
peak memory is its own. Prints a table and writes JSON (default: test-artifacts/benchmark.json).
Not a test: tests stay fast and deterministic. Imports the stand-in servers and the synthetic
days from arxiv_pipeline_tests (fakes/, synthetic_days.py), never a test module.
"""
