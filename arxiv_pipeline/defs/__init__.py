"""The Dagster side, one folder per stage (``defs/<stage>/``: its assets and sensors); run health in
``defs/run_health``. ``defs.stages`` lists them in lineage order and ``arxiv_pipeline.definitions``
merges them into the one Definitions. Nothing is imported here, so a module of one stage (or the
jobs) can be imported without loading every other."""
