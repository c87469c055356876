"""``python -m bot …`` from a Python without careerbot's dependencies (outside .venv) says which
Python to use, in one line, instead of "internal error …: No module named 'rapidfuzz'"."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.__main__ import EXIT_NOT_INSTALLED, REQUIRED_MODULES, missing_dependencies_message
from tests.paths import ROOT

# -I: no PYTHONPATH, no user site, no script folder on sys.path; -S: no site-packages at all.
# Only the standard library and the repository: a bare system Python with this checkout.
BARE = [sys.executable, "-I", "-S", "-c"]
RUN_BOT = (
    "import runpy, sys; sys.path.insert(0, {root!r}); sys.argv = ['bot', *{argv!r}]; "
    "runpy.run_module('bot', run_name='__main__', alter_sys=True)"
)


@pytest.mark.parametrize("argv", [["check"], ["ask", "csr pay"], ["run"], []])
def test_bare_python_says_which_environment_to_use(argv: list[str]) -> None:
    result = subprocess.run(
        [*BARE, RUN_BOT.format(root=str(ROOT), argv=argv)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == EXIT_NOT_INSTALLED, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("careerbot: the packages 'discord', 'rapidfuzz'")
    assert f"not installed in this Python ({sys.executable})" in line
    assert "make run" in line
    assert f".venv/bin/{' '.join(['python -m bot', *argv])} " in line
    assert "Traceback" not in line and "internal error" not in line


def test_one_missing_package_is_named_alone() -> None:
    line = missing_dependencies_message(["rapidfuzz"], ["check"])
    assert line.startswith(
        f"careerbot: the package 'rapidfuzz' is not installed in this Python ({sys.executable}); "
        "run `make run` (it sets up .venv) or use .venv/bin/python -m bot check"
    )


def test_a_dependency_missing_at_run_time_gets_the_same_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A package imported late (inside a command) and missing: same line, same exit code."""
    import bot.__main__ as main_module
    from bot.cli import check

    def run(args: object) -> int:
        raise ModuleNotFoundError("No module named 'rapidfuzz'", name="rapidfuzz")

    monkeypatch.setattr(check, "run", run)
    assert main_module.main(["check"]) == EXIT_NOT_INSTALLED
    assert capsys.readouterr().err.startswith("careerbot: the package 'rapidfuzz' is not")


def test_required_modules_match_pyproject() -> None:
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    import_names = {"discord.py": "discord", "pyyaml": "yaml", "scikit-learn": "sklearn"}
    names = set()
    for dep in deps:
        dist = dep.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
        names.add(import_names.get(dist, dist))
    assert names == set(REQUIRED_MODULES)
