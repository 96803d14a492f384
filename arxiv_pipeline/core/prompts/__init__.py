"""Prompt files, versioned: a prompt's version is its name plus a hash of its text, so editing a
prompt re-summarizes (and only re-summarizes) what that prompt produced."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template

_DIR = Path(__file__).resolve().parent
_DELIMITERS = ("<paper>", "</paper>", "<interests>", "</interests>")


def neutralize(text: str) -> str:
    """Data must not be able to close the block it sits in."""
    for tag in _DELIMITERS:
        text = text.replace(tag, tag.replace("<", "[").replace(">", "]"))
    return text


@dataclass(frozen=True)
class Prompt:
    name: str
    system: Template
    user: Template
    version: str

    def messages(self, **values: str) -> list[dict[str, str]]:
        safe = {k: neutralize(v) for k, v in values.items()}
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
