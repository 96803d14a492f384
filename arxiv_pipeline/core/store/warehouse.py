"""The Warehouse every stage uses: the connection and generic reads and writes (``base``) with each
stage's own queries (``core/<stage>/queries.py``) mixed in."""

from __future__ import annotations

from arxiv_pipeline.core.deliver.queries import DeliverQueries
from arxiv_pipeline.core.fulltext.queries import FulltextQueries
from arxiv_pipeline.core.ingest.queries import IngestQueries
from arxiv_pipeline.core.profile.queries import ProfileQueries
from arxiv_pipeline.core.publish.queries import PublishQueries
from arxiv_pipeline.core.score.queries import ScoreQueries
from arxiv_pipeline.core.select.queries import SelectQueries
from arxiv_pipeline.core.store.base import WarehouseBase
from arxiv_pipeline.core.store.runs import RunQueries
from arxiv_pipeline.core.summarize.queries import SummarizeQueries


class Warehouse(
    WarehouseBase,
    IngestQueries,
    SelectQueries,
    ScoreQueries,
    ProfileQueries,
    FulltextQueries,
    SummarizeQueries,
    PublishQueries,
    DeliverQueries,
    RunQueries,
):
    """A DuckDB file with the pipeline's tables. Cheap to create; connects per operation, or once
    for a whole step inside ``held()``.

    The SQL here is written to run on PostgreSQL too (``PostgresWarehouse``); what differs lives in
    the few hooks of ``WarehouseBase``: connecting, the schema, bulk inserts, a row hash and row locks."""
