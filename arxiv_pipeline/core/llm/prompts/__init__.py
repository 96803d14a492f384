"""Prompt files, versioned: a prompt's version is its name plus a hash of its text, so editing a
prompt re-summarizes (and only re-summarizes) what that prompt produced."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

_DIR = Path(__file__).resolve().parent
_DELIMITER = re.compile(r"<(/?)(paper|interests)\b([^>]*)>", re.I)


def neutralize(text: str) -> str:
    """Data must not be able to close the block it sits in, or open a new one."""
    return _DELIMITER.sub(lambda m: f"[{m.group(1)}{m.group(2)}{m.group(3)}]", text)


@dataclass(frozen=True)
class Prompt:
    name: str
    system: Template
    user: Template
    version: str

    def messages(self, assembled: dict[str, str] | None = None, **values: str) -> list[dict[str, str]]:
        """Fill the prompt; ``values`` are untrusted and neutralized, ``assembled`` parts were
        built by us from neutralized pieces (like a batch of <paper> blocks)."""
        safe = {k: neutralize(v) for k, v in values.items()} | dict(assembled or {})
        return [
            {"role": "system", "content": self.system.safe_substitute(safe).strip()},
            {"role": "user", "content": self.user.safe_substitute(safe).strip()},
        ]


def load_prompt(name: str, revision: str = "v1", folder: Path | None = None) -> Prompt:
    """The packaged prompt, or the user's copy in ``folder`` when there is one."""
    path = _DIR / f"{name}.{revision}.md"
    if folder is not None and (folder / path.name).is_file():
        path = folder / path.name
    text = path.read_text(encoding="utf-8")
    system, _, user = text.partition("[user]")
    system = system.replace("[system]", "", 1)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return Prompt(name, Template(system), Template(user), f"{name}.{revision}+{digest}")
