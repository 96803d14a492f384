"""Publishing the built site: copied into a folder (a web server's root), or committed and pushed
to a git branch (GitHub Pages style). Both change nothing when the site did not change."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from arxiv_pipeline.core.config import GitTarget, check_git_branch, check_git_remote
from arxiv_pipeline.core.deliver import DeliveryError


@dataclass(frozen=True)
class SitePublication:
    changed: list[str]  # files added or replaced, relative to the site folder
    unchanged: int
    revision: str | None = None  # the commit pushed (git)

    def summary(self) -> str:
        if not self.changed:
            return f"no change ({self.unchanged} files already there)"
        what = f"{len(self.changed)} files updated, {self.unchanged} unchanged"
        return f"{what}; pushed {self.revision[:12]}" if self.revision else what


def site_files(site: Path) -> list[str]:
    """The site's files, pages and feeds last: a reader never finds a page linking to a missing file."""
    if not (site / "index.html").is_file():
        raise DeliveryError(f"no site to publish at {site}: build the digest first", retriable=False)
    files = [
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")
    ]
    return sorted(files, key=lambda f: (f.endswith((".html", ".xml")), f == "index.html", f))


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def plan_copy(site: Path, destination: Path) -> tuple[list[str], int]:
    """(files to copy, files already the same)."""
    files = site_files(site)
    changed = [f for f in files if _digest(site / f) != _digest(destination / f)]
    return changed, len(files) - len(changed)


def copy_site(site: Path, destination: Path) -> SitePublication:
    """Copy what differs, each file through a temp file and a rename: a web server never serves
    half a file. Files only the destination has are left alone."""
    changed, same = plan_copy(site, destination)
    try:
        for rel in changed:
            target = destination / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            os.close(fd)
            try:
                shutil.copyfile(site / rel, tmp)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except OSError as exc:
        raise DeliveryError(f"could not copy the site to {destination}: {exc}", retriable=False) from None
    return SitePublication(changed, same)


# Transports git may use for a target; ext:: and other helpers run commands.
_PROTOCOLS = "file:git:http:https:ssh"


def public_url(url: str) -> str:
    """The URL as it may be logged or stored: a user:token in it blanked."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def _secrets(url: str) -> tuple[str, ...]:
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return ()
    userinfo = parts.netloc.rsplit("@", 1)[0]
    return tuple(p for p in (url, userinfo, parts.password, parts.username) if p)


def _git(
    args: list[str], cwd: Path, timeout_s: float = 120.0, check: bool = True, remote: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "true",
        "LC_ALL": "C",
        "GIT_ALLOW_PROTOCOL": _PROTOCOLS,
    }
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except FileNotFoundError:
        raise DeliveryError(
            "git is not installed: it is needed to publish the site to a branch", False
        ) from None
    except subprocess.TimeoutExpired:
        raise DeliveryError(f"git {args[0]} took longer than {timeout_s:.0f}s") from None
    for secret in _secrets(remote):
        replacement = public_url(remote) if secret == remote else "***"
        done.stdout, done.stderr = (
            done.stdout.replace(secret, replacement),
            done.stderr.replace(secret, replacement),
        )
    if check and done.returncode != 0:
        raise DeliveryError(f"git {args[0]} failed: {(done.stderr or done.stdout).strip()[-500:]}")
    return done


def push_site(site: Path, target: GitTarget, workdir: Path, message: str) -> SitePublication:
    """Mirror the site into ``target.branch`` of ``target.repository`` and push; no commit when
    nothing changed. A push that loses a race with another publisher fails and is retried from
    the fetched branch."""
    # Checked again here, not only when the config is read: a value that reads as an option would
    # make git run a command of its choosing (--upload-pack=...).
    try:
        remote, branch = check_git_remote(target.repository), check_git_branch(target.branch)
    except ValueError as exc:
        raise DeliveryError(f"git target {target.name}: {exc}", retriable=False) from None
    shown = public_url(remote)
    files = site_files(site)
    workdir.mkdir(parents=True, exist_ok=True)
    if not (workdir / ".git").is_dir():
        _git(["init", "--quiet"], workdir)
    fetched = _git(
        ["fetch", "--quiet", "--depth", "1", "--end-of-options", remote, branch],
        workdir,
        check=False,
        remote=remote,
    )
    if fetched.returncode == 0:
        _git(["checkout", "--quiet", "--force", "-B", branch, "FETCH_HEAD"], workdir)
    elif "find remote ref" in fetched.stderr.lower():
        # The first publication: the branch starts with no history.
        _git(["symbolic-ref", "HEAD", f"refs/heads/{branch}"], workdir)
        _git(["update-ref", "-d", f"refs/heads/{branch}"], workdir, check=False)
        _git(["read-tree", "--empty"], workdir)
    else:
        raise DeliveryError(f"git fetch from {shown} failed: {fetched.stderr.strip()[-500:]}")
    # The branch holds exactly the site: files the site no longer has go (git keeps their history).
    for path in workdir.iterdir():
        if path.name != ".git":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for rel in files:
        (workdir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site / rel, workdir / rel)
    (workdir / ".nojekyll").touch()  # GitHub Pages serves the files as they are
    _git(["add", "--all"], workdir)
    status = _git(["status", "--porcelain"], workdir).stdout.splitlines()
    if not status:
        return SitePublication([], len(files))
    changed = sorted(line[3:] for line in status if line[3:] != ".nojekyll")
    name, email = parseaddr(target.author)
    identity = ["-c", f"user.name={name}", "-c", f"user.email={email}"]
    _git([*identity, "commit", "--quiet", "-m", message], workdir)
    revision = _git(["rev-parse", "HEAD"], workdir).stdout.strip()
    _git(["push", "--quiet", "--end-of-options", remote, f"HEAD:refs/heads/{branch}"], workdir, remote=remote)
    return SitePublication(changed, len(files) - len(changed), revision)
