"""Serves recorded arXiv days from disk: the offline default and the tests' ground truth.

A recorded day is a folder ``YYYY-MM-DD/`` holding ``manifest.json``, one RSS file per category
and the API pages that answered the ``id_list`` look-ups, exactly as arXiv sent them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

from arxiv_pipeline.core.ingest.calendar import is_announcement_day
from arxiv_pipeline.core.ingest.feeds import merge_listing, parse_api_page, parse_rss
from arxiv_pipeline.core.ingest.source import StoredRecords
from arxiv_pipeline.core.models import FeedReport, FetchResult, Listing, Paper

SAMPLE_DATA_DIR = Path(__file__).resolve().parents[2] / "sample_data"
# The bundled day: a real one (sample_data/README.md says where it comes from).
SAMPLE_DAY = date(2026, 6, 24)


class ReplayDayMissing(LookupError):
    pass


class ReplaySource:
    name = "replay"

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root else SAMPLE_DATA_DIR

    def available_days(self) -> list[date]:
        if not self.root.is_dir():
            return []
        return sorted(
            date.fromisoformat(p.name) for p in self.root.iterdir() if (p / "manifest.json").is_file()
        )

    def announced_day(self, categories: Sequence[str]) -> date | None:
        days = self.available_days()
        return days[-1] if days else None

    @staticmethod
    def _feed(
        folder: Path, rel: str | None, category: str, records: dict[str, Paper], listings: list[Listing]
    ) -> FeedReport:
        """One category's recorded feed: its listings go to ``listings``, its report is returned."""
        if rel is None:
            return FeedReport(category, "missing", detail="not in this recording")
        feed = parse_rss((folder / rel).read_bytes(), what=rel)
        listings.extend(
            merge_listing(item, records.get(item.paper.arxiv_id), category) for item in feed.items
        )
        return FeedReport(category, "ok" if feed.items else "empty", len(feed.items), "; ".join(feed.skipped))

    def fetch_day(
        self, day: date, categories: Sequence[str], stored: StoredRecords | None = None
    ) -> FetchResult:
        """The recorded day (``stored`` is not needed: nothing is fetched)."""
        folder = self.root / day.isoformat()
        manifest_path = folder / "manifest.json"
        if not manifest_path.is_file() and not is_announcement_day(day):
            return FetchResult(
                day,
                f"{self.name}:calendar",
                datetime.combine(day, time(), UTC),
                [],
                [FeedReport(c, "empty", 0, f"arXiv announces nothing on {day:%A}s") for c in categories],
            )
        if not manifest_path.is_file():
            days = ", ".join(d.isoformat() for d in self.available_days()) or "none"
            raise ReplayDayMissing(
                f"no recorded arXiv day {day.isoformat()} under {self.root} (recorded days: {days}); "
                "set source.kind: arxiv in the config to fetch live data"
            )
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        records: dict[str, Paper] = {}
        for page in manifest.get("api_pages", []):
            parsed = parse_api_page((folder / page["file"]).read_bytes(), what=page["file"])
            records.update({r.arxiv_id: r for r in parsed.records})
        listings: list[Listing] = []
        reports = [self._feed(folder, manifest["feeds"].get(c), c, records, listings) for c in categories]
        return FetchResult(
            announce_date=day,
            source=f"{self.name}:{folder.name}",
            fetched_at=datetime.fromisoformat(manifest["recorded_at"]),
            listings=listings,
            feeds=reports,
            api_requests=len(manifest.get("api_pages", [])),
        )
