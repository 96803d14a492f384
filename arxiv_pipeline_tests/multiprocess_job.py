"""The daily job on Dagster's multiprocess executor: for the test of concurrent step processes on
one DuckDB file, and the benchmark's cold-process figures (a module, so each step's process can
reconstruct it)."""

import dagster as dg


def digest_job() -> dg.JobDefinition:
    """The daily job on the multiprocess executor, as a deployment that scales out runs it (the
    shipped Definitions run each run in one process)."""
    from arxiv_pipeline.defs.stages import ALL_ASSETS
    from arxiv_pipeline.jobs import daily_digest_job
    from arxiv_pipeline.resources import default_resources

    return dg.Definitions(
        assets=ALL_ASSETS,
        jobs=[daily_digest_job],
        resources=default_resources(),
        executor=dg.multiprocess_executor,
    ).resolve_job_def("daily_digest_job")
