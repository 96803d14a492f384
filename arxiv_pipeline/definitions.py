"""The project's one Definitions object, loaded by `dagster dev` through workspace.yaml."""


import dagster as dg

from arxiv_pipeline.assets import ALL_ASSETS
from arxiv_pipeline.jobs import daily_digest_job
from arxiv_pipeline.resources import default_settings

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[daily_digest_job],
    resources={"settings": default_settings()},
)
