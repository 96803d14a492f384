"""What a delivery says: the day's top papers as an email (HTML and plain text) or a chat message.

Everything taken from arXiv or an LLM is untrusted: the HTML is escaped by the template engine,
and chat text is made inert for the service it goes to (markdown escaped where the service reads
markdown, and broadcast mentions such as @everyone, @channel, <!here> broken everywhere).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from jinja2 import Environment, PackageLoader, StrictUndefined

from arxiv_pipeline.core.config import EmailTarget
from arxiv_pipeline.core.publish.digest import DigestDay, DigestPaper
from arxiv_pipeline.core.text import latex_to_text, strip_control, truncate

_HTML = Environment(
    loader=PackageLoader("arxiv_pipeline.core.deliver", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)
_TEXT = Environment(
    loader=PackageLoader("arxiv_pipeline.core.deliver", "templates"),
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=StrictUndefined,
)


@dataclass(frozen=True)
class PaperLine:
    """One paper as a delivery shows it: plain, readable text (not yet escaped for any format)."""

    rank: int
    title: str
    authors: str
    category: str
    score: float
    tldr: str
    why: str
    summary_kind: str
    abs_url: str
    pdf_url: str
    site_url: str | None


@dataclass(frozen=True)
class DeliveryDigest:
    """The part of a day's digest that is delivered."""

    day: date
    title: str
    papers: list[PaperLine]
    total: int  # papers in the whole digest
    listed: int
    day_url: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.total == 0

    def top(self, n: int) -> list[PaperLine]:
        return self.papers[:n]


def _plain(text: str | None, limit: int | None = None) -> str:
    flat = re.sub(r"\s+", " ", latex_to_text(strip_control(text or ""))).strip()
    return truncate(flat, limit) if limit else flat


def _authors(paper: DigestPaper, limit: int = 6) -> str:
    names = [_plain(a) for a in paper.paper.authors]
    extra = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {extra} more" if extra > 0 else "")


def _summary_kind(paper: DigestPaper) -> str:
    if paper.summary is None:
        return ""
    return "extracted from the abstract" if paper.extractive else f"summary {paper.summary_label}".strip()


def delivery_digest(site_url: str | None, digest: DigestDay, top: int = 200) -> DeliveryDigest:
    """The digest's best ``top`` papers as plain text fields, with links to arXiv and to the site
    at ``site_url`` (publish.site_url) when it has one."""
    site = site_url.rstrip("/") if site_url else None
    day_url = f"{site}/{digest.announce_date.isoformat()}.html" if site else None
    lines = [
        PaperLine(
            rank=p.rank,
            title=_plain(p.paper.title),
            authors=_authors(p),
            category=p.paper.primary_category,
            score=p.score,
            tldr=_plain(p.summary.tldr, 400) if p.summary else "",
            why=_plain("; ".join(p.explanation[:3]), 240),
            summary_kind=_summary_kind(p),
            abs_url=p.paper.abs_url,
            pdf_url=p.paper.pdf_url,
            site_url=f"{day_url}#paper-{p.paper.arxiv_id}" if day_url else None,
        )
        for p in digest.papers[:top]
    ]
    return DeliveryDigest(
        day=digest.announce_date,
        title=_plain(digest.title) or "arXiv Digest",
        papers=lines,
        total=len(digest.papers),
        listed=digest.listed,
        day_url=day_url,
        notes=[] if digest.announced else ["arXiv made no announcement this day (a holiday)."],
    )


def subject(digest: DeliveryDigest) -> str:
    when = f"{digest.day:%a %d %b %Y}"
    if digest.empty:
        return f"{digest.title} — {when}: no new papers"
    return f"{digest.title} — {when}: {digest.total} paper{'s' if digest.total != 1 else ''}"


# -- email ---------------------------------------------------------------------------------------


def message_id_for(target: EmailTarget, day: date) -> str:
    """A new Message-ID in the sender's domain (reused for every retry of the same send)."""
    domain = parseaddr(target.sender)[1].rsplit("@", 1)[-1] or "localhost"
    # Short enough that the header is never folded onto a second line.
    return f"<digest.{day:%Y%m%d}.{secrets.token_hex(8)}@{domain}>"


def build_email(
    digest: DeliveryDigest, target: EmailTarget, message_id: str, now: datetime | None = None
) -> EmailMessage:
    """A multipart/alternative email: plain text first, then the HTML a mail client prefers."""
    papers = digest.top(target.top)
    context = {
        "digest": digest,
        "papers": papers,
        "more": digest.total - len(papers),
        "subject": subject(digest),
        "unsubscribe": target.list_unsubscribe,
    }
    message = EmailMessage()
    message["Subject"] = subject(digest)
    message["From"] = target.sender
    message["To"] = ", ".join(a.strip() for a in target.to)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id
    message["X-Auto-Response-Suppress"] = "All"  # no out-of-office replies to a robot
    message["Auto-Submitted"] = "auto-generated"
    if target.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{target.list_unsubscribe}>"
        if target.list_unsubscribe.startswith("https://"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_TEXT.get_template("email/digest.txt.j2").render(**context))
    message.add_alternative(_HTML.get_template("email/digest.html.j2").render(**context), subtype="html")
    return message


# -- chat ----------------------------------------------------------------------------------------

# Services that render a message's text as markdown whatever it is declared as.
MARKDOWN_SERVICES = frozenset(
    {"discord", "msteams", "workflow", "workflows", "mmost", "mmosts", "rocket", "rockets", "zulip"}
)
_MD_CHARS = re.compile(r"([\\`*_~|>#\[\]()<-])")
# @everyone, @here, @channel, @room, @all: a word joiner after the @ keeps them from notifying
# anybody; <!channel>, <@U123>, <#C1> (Slack/Discord tokens) lose their bracket the same way.
_MENTION = re.compile(r"@(?=(everyone|here|channel|room|all|group)\b)|<(?=[!@#&])", re.I)
_JOINER = "\u2060"


def inert(text: str, service: str) -> str:
    """Untrusted text made inert for ``service`` (an Apprise URL scheme)."""
    text = _MENTION.sub(lambda m: m.group(0) + _JOINER, text)
    if service in MARKDOWN_SERVICES:
        text = _MD_CHARS.sub(r"\\\1", text)
    return text


@dataclass(frozen=True)
class ChatMessage:
    title: str
    body: str
    papers: int  # how many papers the body lists


def _chat_paper(p: PaperLine, service: str, with_tldr: bool) -> str:
    line = f"{p.rank}. {inert(p.title, service)} ({p.category})"
    if with_tldr and p.tldr:
        line += f"\n   {inert(p.tldr, service)}"
    return f"{line}\n   {p.site_url or p.abs_url}"


def build_chat(
    digest: DeliveryDigest, top: int, service: str, body_limit: int, title_limit: int
) -> ChatMessage:
    """The message for one chat service, fitted to its limits: papers are dropped from the end
    (never cut in half) and the rest are pointed to, rather than the service truncating it."""
    title = truncate(inert(subject(digest), service), max(title_limit, 0)) if title_limit else ""
    head = "" if title_limit else inert(subject(digest), service) + "\n"
    if digest.empty:
        body = head + "arXiv announced no papers for this digest today."
        return ChatMessage(title, body[:body_limit], 0)
    where = digest.day_url or "the digest"
    for with_tldr in (True, False):
        lines: list[str] = []
        for p in digest.top(top):
            candidate = "\n".join([*lines, _chat_paper(p, service, with_tldr)])
            rest = digest.total - len(lines) - 1
            tail = f"\n… and {rest} more: {where}" if rest > 0 else ""
            if len(head) + len(candidate) + len(tail) > body_limit:
                break
            lines.append(_chat_paper(p, service, with_tldr))
        if lines or not with_tldr:
            break
    rest = digest.total - len(lines)
    tail = f"\n… and {rest} more: {where}" if rest > 0 else (f"\n{digest.day_url}" if digest.day_url else "")
    body = head + "\n".join(lines) + tail
    return ChatMessage(title, body[:body_limit], len(lines))
