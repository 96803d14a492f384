"""An HTTP server on 127.0.0.1 that speaks arXiv's RSS and API protocols from the recordings.

``/rss/cs.AI+cs.LG`` merges the recorded per-category feeds of one day the way arXiv's combined
feed does (one item per paper); ``/api/query`` answers ``id_list`` look-ups and
``(cat:A OR cat:B) AND submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`` searches over every
recorded API entry, with ``start``/``max_results`` paging and a truthful
``opensearch:totalResults``. Tests can queue faults (status, headers, body, delay) that are
served before the normal answers.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse
from xml.etree import ElementTree as ET

from arxiv_pipeline_tests.build_sample_data import SYNTHETIC_DAYS_DIR
from arxiv_pipeline_tests.fakes.local_server import LocalServer

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ET.register_namespace("arxiv", "http://arxiv.org/schemas/atom")
ET.register_namespace("opensearch", OPENSEARCH)
ET.register_namespace("dc", "http://purl.org/dc/elements/1.1/")


@dataclass
class Fault:
    status: int = 503
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    path_prefix: str = "/"


_CAT = re.compile(r"cat:([\w.\-*]+)")
_WINDOW = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")


class FakeArxiv(LocalServer):
    def __init__(self, day: str | None, root: Path = SYNTHETIC_DAYS_DIR, overstate_total: int = 0) -> None:
        self.root = root
        self.overstate_total = overstate_total
        self.user_agents: list[str] = []
        self.folder = root / (day or "none")
        self.faults: deque[Fault] = deque()
        self.requests: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._versions: dict[str, ET.Element] = {}
        self._entries = self._load_entries()
        self._start_server(self._handler())

    def _load_entries(self) -> dict[str, ET.Element]:
        """Every recorded API entry of every day; the newest version of a paper wins."""
        entries: dict[str, ET.Element] = {}
        for page in sorted(self.root.glob("*/api/*.xml")):
            for entry in ET.parse(page).getroot().iter(f"{{{ATOM}}}entry"):
                versioned = entry.findtext(f"{{{ATOM}}}id", "").rsplit("/", 1)[-1]
                base = re.sub(r"v\d+$", "", versioned)
                self._versions[versioned] = entry
                current = entries.get(base)
                if current is None or versioned > current.findtext(f"{{{ATOM}}}id", ""):
                    entries[base] = entry
        return entries

    def search(self, query: str) -> list[ET.Element]:
        cats = _CAT.findall(query)
        window = _WINDOW.search(query)
        out = []
        for entry in self._entries.values():
            terms = {c.get("term", "") for c in entry.iter(f"{{{ATOM}}}category")}
            if cats and not any(
                t == c or (c.endswith(".*") and t.startswith(c[:-1])) for t in terms for c in cats
            ):
                continue
            if window:
                published = entry.findtext(f"{{{ATOM}}}published", "")
                stamp = re.sub(r"\D", "", published)[:12]
                if not window.group(1) <= stamp <= window.group(2):
                    continue
            out.append(entry)
        return sorted(out, key=lambda e: e.findtext(f"{{{ATOM}}}published", ""))

    def rss(self, categories: list[str]) -> bytes:
        trees = [
            ET.parse(self.folder / "rss" / f"{c}.xml")
            for c in categories
            if (self.folder / "rss" / f"{c}.xml").exists()
        ]
        if not trees:
            return b"<?xml version='1.0'?><rss version='2.0'><channel><title>none</title></channel></rss>"
        merged = copy.deepcopy(trees[0].getroot())
        channel = merged.find("channel")
        for item in channel.findall("item"):
            channel.remove(item)
        channel.find("title").text = f"{', '.join(categories)} updates on arXiv.org"
        seen: set[str] = set()
        for tree in trees:
            for item in tree.getroot().find("channel").findall("item"):
                guid = item.findtext("guid", "")
                if guid not in seen:
                    seen.add(guid)
                    channel.append(copy.deepcopy(item))
        return ET.tostring(merged, encoding="utf-8", xml_declaration=True)

    def api(self, found: list[ET.Element], start: int, max_results: int) -> bytes:
        feed = ET.Element(f"{{{ATOM}}}feed")
        ET.SubElement(feed, f"{{{ATOM}}}title").text = "arXiv Query"
        total = len(found) + self.overstate_total
        ET.SubElement(feed, f"{{{OPENSEARCH}}}totalResults").text = str(total)
        ET.SubElement(feed, f"{{{OPENSEARCH}}}startIndex").text = str(start)
        ET.SubElement(feed, f"{{{OPENSEARCH}}}itemsPerPage").text = str(max_results)
        for entry in found[start : start + max_results]:
            feed.append(copy.deepcopy(entry))
        return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(
                self,
                status: int,
                body: bytes,
                headers: dict[str, str] | None = None,
                content_type: str = "application/xml",
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                with fake._lock:
                    fake.requests.append((time.monotonic(), self.path))
                    fake.user_agents.append(self.headers.get("User-Agent", ""))
                    fault = None
                    if fake.faults and self.path.startswith(fake.faults[0].path_prefix):
                        fault = fake.faults.popleft()
                if fault is not None:
                    if fault.delay_s:
                        time.sleep(fault.delay_s)
                    self._send(fault.status, fault.body, fault.headers, "text/html")
                    return
                url = urlparse(self.path)
                if url.path.startswith("/rss/"):
                    self._send(200, fake.rss(unquote(url.path[len("/rss/") :]).split("+")))
                elif url.path == "/api/query":
                    q = parse_qs(url.query)
                    ids = [i for i in q.get("id_list", [""])[0].split(",") if i]
                    if ids:  # a versioned id gets that version, a bare id the newest
                        found = [
                            e for i in ids if (e := fake._versions.get(i, fake._entries.get(i))) is not None
                        ]
                    else:
                        found = fake.search(q.get("search_query", [""])[0])
                    self._send(
                        200,
                        fake.api(found, int(q.get("start", ["0"])[0]), int(q.get("max_results", ["100"])[0])),
                    )
                else:
                    self._send(404, b"not found", content_type="text/plain")

        return Handler
