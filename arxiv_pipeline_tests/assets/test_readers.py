"""A lab on one pipeline: readers with their own interests and languages share one arXiv fetch a
day and one paid summary per (paper version, model, prompt, language), each getting their own
digest. Real Dagster materializations of the lineage `assets_for` builds, against the local arXiv
and OpenAI-compatible servers."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from arxiv_pipeline.core.config import ConfigError, load_config
from arxiv_pipeline.core.store import Warehouse
from arxiv_pipeline.defs.stages import arxiv_listings, assets_for
from arxiv_pipeline.partitions import reader_day_key
from arxiv_pipeline.resources import pipeline_resources
from arxiv_pipeline_tests.conftest import DAY_1, ConfigFactory, tick_sensor
from arxiv_pipeline_tests.fakes.arxiv_server import FakeArxiv
from arxiv_pipeline_tests.fakes.openai_server import FakeOpenAI

pytestmark = pytest.mark.slow

READERS = [
    # The top level's interests, in English.
    {"name": "ana"},
    # Statistics and graphs, with stat.ML that nobody else follows.
    {
        "name": "bo",
        "categories": ["stat.ML", "cs.LG"],
        "keywords": {"include": ["conformal", "graph neural network*", "uncertainty"]},
    },
    # Ana's interests, in Chinese.
    {"name": "chen", "summary": {"language": "zh"}},
]


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_TEST_LLM_KEY", "sk-lab-readers")


def lab_config(config_files: ConfigFactory, arxiv: FakeArxiv, llm: FakeOpenAI, readers: list) -> Path:
    return config_files.write(
        source={
            "kind": "arxiv",
            "rss_url": f"{arxiv.base_url}/rss/{{}}",
            "api_url": f"{arxiv.base_url}/api/query?{{}}",
            "min_interval_s": 0,
        },
        summary={"summarizer": "llm"},
        llm={"base_url": llm.base_url, "model": "lab-model", "api_key_env": "LAB_TEST_LLM_KEY"},
        fulltext={"top": 0},
        readers=readers,
    )


def build_day(path: Path, instance: dg.DagsterInstance) -> list[dg.ExecuteInProcessResult]:
    """As Dagster runs a lab's day: the shared fetch (a daily partition), then one run per
    (day, reader) partition of the readers' stages."""
    config, resources = load_config(path), pipeline_resources(config_path=str(path))
    assets = assets_for(config)
    shared = dg.materialize(
        assets,
        selection=[arxiv_listings],
        partition_key=DAY_1.isoformat(),
        resources=resources,
        instance=instance,
    )
    per_reader = [
        dg.materialize(
            assets,
            selection=dg.AssetSelection.all() - dg.AssetSelection.assets(arxiv_listings),
            partition_key=reader_day_key(DAY_1, reader),
            resources=resources,
            instance=instance,
        )
        for reader in config.reader_names
    ]
    return [shared, *per_reader]


def built(results: list[dg.ExecuteInProcessResult]) -> bool:
    return all(r.success for r in results)


def summarized(path: Path, reader: str) -> set[tuple[str, int, str]]:
    store = Warehouse(load_config(path).database_path, reader=reader)
    rows = store.query("SELECT arxiv_id, version, language FROM paper_summaries WHERE status = 'ok'")
    return {(r["arxiv_id"], r["version"], r["language"]) for r in rows}


def selected(path: Path, reader: str) -> list[str]:
    store = Warehouse(load_config(path).database_path, reader=reader)
    return [
        r["arxiv_id"] for r in store.query("SELECT arxiv_id FROM paper_scores WHERE selected ORDER BY rank")
    ]


def test_readers_share_the_fetch_and_the_summaries(
    config_files: ConfigFactory, instance: dg.DagsterInstance
) -> None:
    with FakeArxiv(DAY_1.isoformat()) as arxiv, FakeOpenAI() as llm:
        path = lab_config(config_files, arxiv, llm, READERS)
        results = build_day(path, instance)
        assert built(results)
        materialized = {
            (e.asset_key.to_user_string(), e.partition)
            for result in results
            for e in result.get_asset_materialization_events()
        }
        assert ("arxiv_listings", DAY_1.isoformat()) in materialized
        # The readers are a partition dimension of every later stage.
        assert {("digest_markdown", f"{DAY_1}|{r}") for r in ("ana", "bo", "chen")} <= materialized
        assert {("reader_profile", f"{DAY_1}|{r}") for r in ("ana", "bo", "chen")} <= materialized

        # arXiv was asked once for the day (a past day: one API query for its submission window),
        # for every category any reader follows.
        [(_, query)] = arxiv.requests
        assert all(f"cat%3A{c}" in query for c in ("cs.AI", "cs.CL", "cs.LG", "stat.ML"))

        # Each reader got their own selection and digest.
        ana, bo, chen = (selected(path, r) for r in ("ana", "bo", "chen"))
        assert ana and bo and ana == chen and set(ana) != set(bo)
        out = load_config(path).output_dir / "readers"
        for reader in ("ana", "bo", "chen"):
            assert (out / reader / DAY_1.isoformat() / "README.md").exists()
            assert (out / reader / "site" / "index.html").exists()
        # Bo's statistics paper (stat.ML, "uncertainty") is in Bo's digest only.
        assert bo[0] not in ana and bo[0] in (out / "bo" / DAY_1.isoformat() / "README.md").read_text()
        assert bo[0] not in (out / "ana" / DAY_1.isoformat() / "README.md").read_text()

        # One paid summary per (paper version, model, prompt, language) across the readers.
        wanted = summarized(path, "ana") | summarized(path, "bo") | summarized(path, "chen")
        assert {lang for _, _, lang in summarized(path, "chen")} == {"zh"}
        assert llm.calls_for("summary") == len(wanted)
        shared = Warehouse(load_config(path).database_path)
        assert shared.query("SELECT count(*) AS n FROM llm_calls WHERE purpose = 'summary'") == [
            {"n": len(wanted)}
        ]

        # A rerun of the day costs nothing.
        calls = llm.calls
        assert built(build_day(path, instance))
        assert llm.calls == calls


def test_a_new_reader_pays_only_for_what_nobody_had(
    config_files: ConfigFactory, instance: dg.DagsterInstance
) -> None:
    with FakeArxiv(DAY_1.isoformat()) as arxiv, FakeOpenAI() as llm:
        path = lab_config(config_files, arxiv, llm, READERS[:2])
        assert built(build_day(path, instance))
        before = llm.calls_for("summary")
        # Dana reads what Ana reads: her whole digest comes from the cache.
        path = lab_config(config_files, arxiv, llm, [*READERS[:2], {"name": "dana"}])
        assert built(build_day(path, instance))
        assert llm.calls_for("summary") == before
        assert selected(path, "dana") == selected(path, "ana")


def test_reader_settings_are_checked_by_name(config_files: ConfigFactory) -> None:
    path = config_files.write(readers=[{"name": "ana"}, {"name": "Bo Smith"}])
    with pytest.raises(ConfigError, match=r"readers\.1\.name: 'Bo Smith' is not a reader name"):
        load_config(path)
    path = config_files.write(readers=[{"name": "ana", "llm": {"model": "x"}}])
    with pytest.raises(ConfigError, match=r"readers\.0\.llm: unknown key; allowed here: name, categories"):
        load_config(path)
    path = config_files.write(readers=[{"name": "ana"}, {"name": "ana"}])
    with pytest.raises(ConfigError, match="reader names must differ: ana used twice"):
        load_config(path)


def test_readers_from_a_folder_through_the_cli(
    config_files: ConfigFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """One file per reader; `arxiv-pipeline run` builds every reader's digest offline, and the
    per-reader commands say whose they act for."""
    from arxiv_pipeline.cli import main

    folder = tmp_path / "readers"
    folder.mkdir()
    (folder / "ana.yaml").write_text("summary: {language: en}\n", encoding="utf-8")
    site = tmp_path / "bo-site"
    (folder / "bo.yaml").write_text(
        "categories: [stat.ML, cs.LG]\nkeywords: {include: [uncertainty]}\n"
        f"delivery: {{targets: [{{kind: directory, name: bo-site, path: '{site}'}}]}}\n",
        encoding="utf-8",
    )
    path = config_files.write(readers_dir="readers", fulltext={"top": 0})
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    assert main(["--config", str(path), "check-config"]) == 0
    assert "reader bo: stat.ML, cs.LG; include: uncertainty" in capsys.readouterr().out

    assert main(["--config", str(path), "run", "--date", DAY_1.isoformat()]) == 0
    printed = capsys.readouterr().out
    out = load_config(path).output_dir / "readers"
    assert "Digest files of ana:" in printed and "Digest files of bo:" in printed
    # The shared fetch's run, then each reader's, named by reader.
    assert "ok      arxiv_listings" in printed and "ok      bo/digest_markdown" in printed
    assert (out / "ana" / DAY_1.isoformat() / "README.md").exists()
    assert (out / "bo" / DAY_1.isoformat() / "README.md").exists()

    paper = selected(path, "bo")[0]
    assert main(["--config", str(path), "rate", paper, "up"]) == 2
    assert "this configuration has readers (ana, bo): say whose" in capsys.readouterr().err
    assert main(["--config", str(path), "rate", "--reader", "bo", paper, "up"]) == 0
    database = load_config(path).database_path
    assert Warehouse(database, reader="bo").row_count("ratings") == 1
    assert Warehouse(database, reader="ana").row_count("ratings") == 0

    # Bo's delivery of the day, as a run of Bo's partition.
    assert (
        main(["--config", str(path), "deliver", "--reader", "bo", "--date", DAY_1.isoformat(), "--force"])
        == 0
    )
    assert (site / "index.html").exists()
    sent = Warehouse(database, reader="bo").query("SELECT target, status FROM deliveries")
    assert sent == [{"target": "bo-site", "status": "sent"}]
    with dg.DagsterInstance.get() as instance:
        [record] = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("digest_delivery"), asset_partitions=[f"{DAY_1}|bo"]),
            limit=1,
        ).records
        assert record.event_log_entry.run_id


def test_sensors_look_into_every_readers_tables(
    config_files: ConfigFactory, instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    from arxiv_pipeline.defs.automation import retry_sensor
    from arxiv_pipeline.defs.profile.sensors import reader_profile_sensor
    from arxiv_pipeline.defs.summarize.sensors import FAILED_SUMMARIES
    from arxiv_pipeline.jobs import jobs_for

    failed_summary_sensor = retry_sensor(FAILED_SUMMARIES)

    path = config_files.write(readers=[{"name": "ana"}, {"name": "bo", "summary": {"language": "de"}}])
    assert built(build_day(path, instance))
    lab = dg.Definitions(
        assets=assets_for(load_config(path)),
        jobs=jobs_for(load_config(path)),
        resources=pipeline_resources(config_path=str(path)),
    )

    def tick(sensor: dg.SensorDefinition, cursor: str | None = None) -> dg.SensorResult:
        return tick_sensor(sensor, path, instance, cursor, definitions=lab)

    assert not tick(failed_summary_sensor).run_requests
    bo = Warehouse(load_config(path).database_path, reader="bo")
    with bo.connect() as conn:
        conn.execute("UPDATE paper_summaries SET status = 'failed', error = 'HTTP 500' WHERE rank <= 2")
    [request] = tick(failed_summary_sensor).run_requests
    keys = {k.to_user_string() for k in request.asset_selection}
    # Bo's day only: the partition (day, bo), from the summaries down.
    assert request.partition_key == f"{DAY_1}|bo" and request.tags["arxiv_pipeline/failed"] == "2"
    assert {"paper_summaries", "digest_markdown", "digest_delivery"} <= keys
    assert not keys & {"candidate_papers", "paper_scores", "arxiv_listings"}

    settled = tick(reader_profile_sensor)
    assert not settled.run_requests, settled.skip_reason
    from arxiv_pipeline.core.profile.ratings import rate_paper

    rate_paper(bo, selected(path, "bo")[0], "up", "cli", None)
    [refit] = tick(reader_profile_sensor).run_requests
    assert refit.run_key.startswith("reader-profile-bo-") and refit.partition_key == f"{DAY_1}|bo"
    # The refit runs in the lab's profile job, for Bo's partition.
    refitted = lab.resolve_job_def("reader_profile_job").execute_in_process(
        partition_key=refit.partition_key,
        instance=instance,
        resources=pipeline_resources(config_path=str(path)),
    )
    assert refitted.success
    assert not tick(reader_profile_sensor).run_requests


def test_a_labs_definitions_partition_the_readers_stages_by_day_and_reader(
    config_files: ConfigFactory, temp_instance: dg.DagsterInstance
) -> None:
    """What the UI shows for a lab: the shared fetch per day, every reader's stage per (day,
    reader); the schedule starts the day's fetch and skips a day every reader already has."""
    from datetime import UTC, datetime

    from arxiv_pipeline.jobs import day_job_for, jobs_for
    from arxiv_pipeline.schedules import build_daily_schedule

    path = config_files.write(readers=[{"name": "ana"}, {"name": "bo"}])
    config = load_config(path)
    defs = dg.Definitions(
        assets=assets_for(config), jobs=jobs_for(config), resources=pipeline_resources(config_path=str(path))
    )
    graph = defs.resolve_asset_graph()
    assert isinstance(
        graph.get(dg.AssetKey("arxiv_listings")).partitions_def, dg.TimeWindowPartitionsDefinition
    )
    for name in ("reader_profile", "paper_scores", "digest_markdown", "digest_feeds", "digest_delivery"):
        partitions = graph.get(dg.AssetKey(name)).partitions_def
        assert isinstance(partitions, dg.MultiPartitionsDefinition), name
        assert partitions.get_partitions_def_for_dimension("reader").get_partition_keys() == ["ana", "bo"]
    # Each job holds one partitioning; the day's fetch is its own job.
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"arxiv_listings_job", "daily_digest_job"}

    schedule = build_daily_schedule(config.automation, job=day_job_for(config), readers=config.reader_names)
    tick = datetime(2026, 11, 18, 2, 30, tzinfo=UTC)  # the evening DAY_1 is announced

    def evaluate() -> list[dg.RunRequest] | None:
        with dg.build_schedule_context(
            instance=temp_instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
        ) as context:
            return schedule.evaluate_tick(context).run_requests

    assert schedule.job_name == "arxiv_listings_job"
    [request] = evaluate() or []
    assert request.partition_key == DAY_1.isoformat()
    assert built(build_day(path, temp_instance))
    assert not evaluate()


def test_reader_runs_follow_a_days_fetch(
    config_files: ConfigFactory, temp_instance: dg.DagsterInstance
) -> None:
    """When a day's shared fetch succeeds (started by the schedule, a sensor or the UI), the
    reader_runs_sensor asks for each reader's run of that day; a fetch run by the CLI or a
    backfill starts its own reader runs, so it asks for none."""
    from arxiv_pipeline.defs.ingest.sensors import reader_runs_sensor
    from arxiv_pipeline.defs.run_health.health import TRIGGER_TAG
    from arxiv_pipeline.jobs import jobs_for

    path = config_files.write(readers=[{"name": "ana"}, {"name": "bo"}])
    config, resources = load_config(path), pipeline_resources(config_path=str(path))
    lab = dg.Definitions(assets=assets_for(config), jobs=jobs_for(config), resources=resources)
    fetch = lab.resolve_job_def("arxiv_listings_job")

    def tick(trigger: str) -> dg.SensorResult:
        result = fetch.execute_in_process(
            partition_key=DAY_1.isoformat(), instance=temp_instance, tags={TRIGGER_TAG: trigger}
        )
        assert result.success
        run = temp_instance.get_run_by_id(result.run_id)
        [success] = temp_instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)
        with dg.build_run_status_sensor_context(
            sensor_name="reader_runs_sensor",
            dagster_event=success.dagster_event,
            dagster_instance=temp_instance,
            dagster_run=run,
            resources=resources,
        ) as context:
            return reader_runs_sensor(context)

    requests = tick("schedule").run_requests
    assert [(r.partition_key, r.tags[TRIGGER_TAG]) for r in requests] == [
        (f"{DAY_1}|ana", "schedule"),
        (f"{DAY_1}|bo", "schedule"),
    ]
    assert len({r.run_key for r in requests}) == 2
    skipped = tick("cli")
    assert not skipped.run_requests and "starts its readers' runs itself" in skipped.skip_reason.skip_message
