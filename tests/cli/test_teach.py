"""``python -m bot teach``: a gap becomes a phrasing in the right file, validated first, and
two teaches at once both land; a read-only folder gets a diff instead."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.engine.answer import Outcome
from bot.knowledge.loader import load_knowledge
from bot.teach import TeachRefused, teach
from tests.paths import KNOWLEDGE, ROOT
from tests.teaching import BURNOUT, Gap, find_gap, gap_engine


@pytest.fixture(scope="module")
def gap(shipped_engine: Engine) -> Gap:  # shipped_engine: trained (and cached) first
    return find_gap(gap_engine())


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    return copy


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def cli(*args: str, user: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(user or []), sys.executable, "-m", "bot", "teach", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_taught_question_is_answered_and_only_its_line_changes(gap: Gap, knowledge: Path) -> None:
    assert Engine(load_knowledge(knowledge)).ask(gap.question).entry_id != gap.entry_id
    before = snapshot(knowledge)
    done = cli(gap.question, gap.entry_id, "--knowledge", str(knowledge))
    assert done.returncode == 0, done.stderr
    assert f"knowledge/{gap.file.as_posix()}:" in done.stdout
    after = snapshot(knowledge)
    changed = [name for name in after if after[name] != before.get(name)]
    assert changed == [str(gap.file)]
    old = before[str(gap.file)].decode().splitlines()
    new = after[str(gap.file)].decode().splitlines()
    added = [line for line in new if line not in old]
    assert [line.strip() for line in added] == [f"- {gap.question}"]
    assert [line for line in new if line != added[0]] == old
    answer = Engine(load_knowledge(knowledge)).ask(gap.question)
    assert (answer.outcome, answer.entry_id) == (Outcome.ANSWER, gap.entry_id)
    check = subprocess.run(
        [sys.executable, "-m", "bot", "check", str(knowledge)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize(
    ("question", "entry", "reason"),
    [
        ("what is the median pay for csrs", BURNOUT, "almost .* a phrasing of csr-salary-median"),
        ("how to avoid burning out as a csr", BURNOUT, "already a phrasing of csr-stress-burnout"),
        ("x" * 301, BURNOUT, "at most 300"),
        ("   ", BURNOUT, "nothing to teach"),
        ("pay please", "fact.salary.customer-service-representative", "quick fact"),
        ("pay please", "no-such-entry", "no entry 'no-such-entry'"),
    ],
)
def test_refused_teaches_write_nothing(
    knowledge: Path, question: str, entry: str, reason: str
) -> None:
    before = snapshot(knowledge)
    with pytest.raises(TeachRefused, match=reason):
        teach(knowledge, question, entry)
    assert snapshot(knowledge) == before


def test_two_teaches_at_once_both_land(knowledge: Path) -> None:
    texts = ["burnout on the phone lines help", "i am so burnt out from calls"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "teach", text, BURNOUT, "--knowledge", str(knowledge)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for text in texts
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    phrasings = next(
        e.phrasings for e in load_knowledge(knowledge).entries.values() if e.id == BURNOUT
    )
    assert set(texts) <= set(phrasings)


def _open_to_other_users(path: Path) -> bool:
    """Whether a user other than the owner can reach ``path`` (every folder above it lets
    others through): a checkout in a private folder (``mktemp -d`` makes them 0700) cannot
    be run as another user, whose interpreter and ``bot`` package live inside it."""
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to run the teach as a user who may not write",
)
@pytest.mark.skipif(
    not _open_to_other_users(ROOT),
    reason="the checkout is in a folder other users cannot enter (e.g. mktemp -d, 0700)",
)
def test_a_read_only_folder_gets_the_change_as_a_diff(
    gap: Gap,
) -> None:
    # pytest's tmp_path is private to root: this user-readable folder is made by hand.
    with tempfile.TemporaryDirectory() as scratch:
        Path(scratch).chmod(0o755)
        knowledge = Path(scratch) / "knowledge"
        shutil.copytree(KNOWLEDGE, knowledge)
        for path in [knowledge, *knowledge.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        before = snapshot(knowledge)
        nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        done = cli(gap.question, gap.entry_id, "--knowledge", str(knowledge), user=nobody)
        assert done.returncode == 0, done.stderr
        assert "read-only" in done.stderr
        assert done.stdout.startswith(f"--- a/knowledge/{gap.file.as_posix()}\n")
        assert f"\n+      - {gap.question}\n" in done.stdout
        assert snapshot(knowledge) == before
        for path in [knowledge, *knowledge.rglob("*")]:
            path.chmod(0o755)


def run_bot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_history_lists_the_teaching_and_undo_removes_exactly_it(
    gap: Gap, knowledge: Path, tmp_path: Path
) -> None:
    db = tmp_path / "log.sqlite3"
    before = snapshot(knowledge)
    done = cli(gap.question, gap.entry_id, "--knowledge", str(knowledge), "--database", str(db))
    assert done.returncode == 0 and "as teaching 1" in done.stdout, done
    listed = run_bot("history", "--database", str(db))
    assert listed.returncode == 0, listed.stderr
    assert f"{gap.question!r} → {gap.entry_id}" in listed.stdout
    assert f"knowledge/{gap.file.as_posix()}:" in listed.stdout
    undone = cli("--undo", "1", "--knowledge", str(knowledge), "--database", str(db))
    assert undone.returncode == 0, undone.stderr
    assert snapshot(knowledge) == before
    assert "(undone)" in run_bot("history", "--database", str(db)).stdout
    again = cli("--undo", "1", "--knowledge", str(knowledge), "--database", str(db))
    assert again.returncode == 1 and "already undone" in again.stderr


def test_gaps_suggest_shows_member_picks_and_likely_entries(tmp_path: Path) -> None:
    import asyncio

    from bot.store import QuestionRecord
    from bot.store.sqlite import SqliteStore

    db = tmp_path / "log.sqlite3"
    question = "how to avoid burnout in a call center job"

    async def fill() -> None:
        store = await SqliteStore.open(db)
        try:
            user = store.hash_user(7)
            await store.log_question(
                QuestionRecord(question, question, "unsure", None, 0.5, 1.0, 1, 2, user)
            )
            await store.record_pick(user, question, question, BURNOUT)
        finally:
            await store.close()

    asyncio.run(fill())
    shown = run_bot("gaps", "--suggest", "--database", str(db), "--knowledge", str(KNOWLEDGE))
    assert shown.returncode == 0, shown.stderr
    assert f"members picked: {BURNOUT} ×1" in shown.stdout
    likely = next(line for line in shown.stdout.splitlines() if "likely entries:" in line)
    assert likely.split(":", 1)[1].strip() != "none"


def test_a_broken_question_log_does_not_lose_the_teaching(
    gap: Gap, knowledge: Path, tmp_path: Path
) -> None:
    db = tmp_path / "log.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    done = cli(gap.question, gap.entry_id, "--knowledge", str(knowledge), "--database", str(db))
    assert done.returncode == 0, done.stderr
    assert "not kept in the history" in done.stderr and "Traceback" not in done.stderr
    assert gap.question in (knowledge / gap.file).read_text()
