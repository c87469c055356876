"""Files that must not be read or quoted: links out of the knowledge folder, secrets, and file
names that would forge output lines (issue 11, items 4 and 8)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeError, Problem
from bot.knowledge.loader import load_knowledge
from bot.knowledge.redact import EXCERPT_CHARS, excerpt

REPO = Path(__file__).resolve().parents[2]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"
ENV = f"DISCORD_TOKEN={TOKEN}\nDATABASE_PASSWORD=hunter2-but-longer\n"


def problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A .env beside (outside) the knowledge folder."""
    path = tmp_path / ".env"
    path.write_text(ENV, encoding="utf-8")
    return path


def test_a_qa_link_to_a_file_outside_is_refused_without_reading_it(
    tree: Path, secret_file: Path
) -> None:
    link = tree / "careers/alpha-rep/qa/leak.yaml"
    link.symlink_to(secret_file)
    lines = problems(tree)
    assert lines == [
        "knowledge/careers/alpha-rep/qa/leak.yaml: 'leak.yaml' links to a file outside the "
        "knowledge folder; refused (copy the file into the knowledge folder instead)"
    ]
    assert not any("DISCORD" in line or "hunter2" in line for line in lines)


def test_a_link_to_etc_passwd_is_refused(tree: Path) -> None:
    passwd = Path("/etc/passwd")
    if not passwd.is_file():
        pytest.skip("no /etc/passwd here")
    first = passwd.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    (tree / "careers/beta-clerk/facts.yaml").unlink()
    (tree / "careers/beta-clerk/facts.yaml").symlink_to(passwd)
    lines = problems(tree)
    assert any("facts.yaml: 'facts.yaml' links to a file outside" in line for line in lines)
    assert not any(first[:10] in line for line in lines)


def test_a_linked_career_folder_outside_is_refused(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "gamma-tech"
    shutil.copytree(tree / "careers/alpha-rep", outside)
    (tree / "careers/gamma-tech").symlink_to(outside, target_is_directory=True)
    lines = problems(tree)
    assert lines == [
        "knowledge/careers/gamma-tech: 'gamma-tech' links to a folder outside the knowledge "
        "folder; refused (copy the file into the knowledge folder instead)"
    ]


def test_a_link_that_stays_inside_the_folder_is_read(tree: Path) -> None:
    qa = tree / "careers/alpha-rep/qa"
    hidden = qa / ".drafts"
    hidden.mkdir()
    (qa / "main.yaml").rename(hidden / "main.yaml")
    (qa / "main.yaml").symlink_to(Path(".drafts/main.yaml"))
    kb = load_knowledge(tree)
    assert "alpha-rep-pay" in kb.entries


def test_a_broken_link_is_one_problem(tree: Path) -> None:
    (tree / "careers/alpha-rep/qa/gone.yaml").symlink_to(tree / "no-such-file.yaml")
    assert problems(tree) == [
        "knowledge/careers/alpha-rep/qa/gone.yaml: 'gone.yaml' is a broken or looping link; refused"
    ]


def test_a_copied_env_file_is_reported_without_its_secrets(tree: Path) -> None:
    """Not a link: the content is in the folder, but a problem still quotes only a short,
    redacted excerpt."""
    (tree / "careers/alpha-rep/qa/env.yaml").write_text(ENV, encoding="utf-8")
    lines = problems(tree)
    assert len(lines) == 1
    assert lines[0].startswith("knowledge/careers/alpha-rep/qa/env.yaml:1:1: expected a mapping")
    assert TOKEN[:12] not in lines[0]
    assert "[redacted]" in lines[0]


def test_long_content_is_quoted_as_a_short_excerpt(tree: Path) -> None:
    facts = tree / "careers/alpha-rep/facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("label: Median pay", "label: [" + "x" * 500 + "]", 1), "utf-8")
    lines = problems(tree)
    assert len(lines) == 1
    assert "x" * (EXCERPT_CHARS + 1) not in lines[0]


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (ENV, TOKEN[:12]),
        ("password: correct horse battery", "correct"),
        ("api_key = sk-AbCdEf1234567890XyZ", "AbCdEf"),
        ("aws: AKIAabcdefGHIJKL12345678", "AKIAab"),
        ("digest d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f"),
    ],
)
def test_excerpt_redacts_secrets(text: str, hidden: str) -> None:
    shown = excerpt(text)
    assert hidden not in shown
    assert "[redacted]" in shown
    assert len(shown) <= EXCERPT_CHARS


def test_excerpt_keeps_ordinary_text_and_ids() -> None:
    assert excerpt("customer-service-representative") == "customer-service-representative"
    assert excerpt("csr-median-pay-2024") == "csr-median-pay-2024"


def test_a_problem_is_one_line_whatever_the_file_name() -> None:
    problem = Problem("knowledge/x\nknowledge OK: 9 careers\u202e.yaml", 1, 1, "bad\rthing")
    text = str(problem)
    assert "\n" not in text and "\r" not in text and "\u202e" not in text
    assert text == r"knowledge/x\nknowledge OK: 9 careers\u202e.yaml:1:1: bad\rthing"


def test_check_cannot_be_made_to_print_a_fake_ok_line(tree: Path) -> None:
    """Through the real CLI: a file named with a newline stays on its problem's line."""
    name = "x\nknowledge OK: 8 careers, 208 entries\n.yaml"
    (tree / "careers/alpha-rep/qa" / name).write_text("entries: 1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check", str(tree)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert not any(line.startswith("knowledge OK") for line in done.stdout.splitlines())
    assert r"x\nknowledge OK: 8 careers, 208 entries\n.yaml" in done.stdout
