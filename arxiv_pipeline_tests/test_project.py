"""The promises the README makes about the project itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    blocks = text.split("```bash\n")[1:]
    return [b.split("```")[0].strip() for b in blocks]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci_lines = (REPO_ROOT / ".ci" / "run").read_text().strip().splitlines()
    test_command = next(c for c in _readme_commands() if "pytest" in c)
    assert ci_lines[-1] == test_command


def test_readme_quickstart_runs_the_pipeline() -> None:
    quickstart = _readme_commands()[0]
    assert "arxiv-pipeline run" in quickstart and "-c constraints.txt" in quickstart


def test_direct_dependencies_agree_with_the_constraints() -> None:
    pins = dict(
        line.split("==") for line in (REPO_ROOT / "constraints.txt").read_text().split() if "==" in line
    )
    setup = (REPO_ROOT / "setup.py").read_text()
    for spec in [s.strip(' ",') for s in setup.split("install_requires=[")[1].split("]")[0].split("\n")]:
        if "==" in spec:
            name, version = spec.split("==")
            key = next(k for k in pins if k.lower().replace("_", "-") == name.lower())
            assert pins[key] == version, name


def test_ruff_is_clean() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run(
        [str(ruff), "check", "arxiv_pipeline", "arxiv_pipeline_tests"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout
