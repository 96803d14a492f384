"""The reader profile is refitted when the library files change or a paper is rated."""

import dagster as dg

from arxiv_pipeline.core.profile.stage import profile_fingerprint
from arxiv_pipeline.core.store import StoreBusyError, Warehouse
from arxiv_pipeline.defs.automation import RUNNING, reader_stores
from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG
from arxiv_pipeline.jobs import reader_profile_job
from arxiv_pipeline.partitions import partition_of
from arxiv_pipeline.resources import ConfigFile, WarehouseResource


@dg.sensor(
    minimum_interval_seconds=60,
    job=reader_profile_job,
    default_status=RUNNING,
    description="Refits the reader profile when the library files change or a paper is rated "
    "(in the site under `arxiv-pipeline serve`, or with `arxiv-pipeline rate`).",
)
def reader_profile_sensor(
    context: dg.SensorEvaluationContext, config_file: ConfigFile, warehouse: WarehouseResource
) -> dg.SensorResult:
    config = config_file.load()
    # A run holding the file makes this tick skip, not wait: the next tick looks again.
    try:
        stores = reader_stores(config, warehouse, 5)
        changed: list[tuple[Warehouse, str]] = []
        for store in stores:
            mine = config.for_reader(store.reader)
            current = profile_fingerprint(mine.reader, mine.library_paths, store, store.current_ratings())
            if current != store.profile_fingerprint():
                changed.append((store, current))
        # A lab's profile is partitioned like the reader's days: refit it in the reader's latest.
        latest = {store.reader: store.recent_days(1) for store, _ in changed if store.reader}
    except StoreBusyError:
        return dg.SensorResult(skip_reason="the database is busy (a run is writing); next tick")
    requests = [
        dg.RunRequest(
            run_key=f"reader-profile-{store.reader + '-' if store.reader else ''}{current}",
            partition_key=partition_of(latest[store.reader][0], store.reader) if store.reader else None,
            tags={TRIGGER_TAG: "reader_profile"},
        )
        for store, current in changed
        if not store.reader or latest[store.reader]  # a reader with no day yet gets it in the first
    ]
    if not requests:
        return dg.SensorResult(
            skip_reason="reader profile up to date (library, ratings and history unchanged)"
        )
    return dg.SensorResult(run_requests=requests, cursor="+".join(current for _, current in changed))
