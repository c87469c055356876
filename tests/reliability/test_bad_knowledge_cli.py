"""Broken knowledge files through the real CLI: ``python -m bot check DIR`` on a copy of the
shipped knowledge with ONE file broken in one way.

For every kind of breakage the command must, as a moderator sees it: exit 1 (problems found;
2/3 would mean "no folder"/"internal error", a crash in disguise), naming the broken file
and, where the problem has one, the line — and never print a traceback. Hostile files (alias
bombs, 100k-deep nesting, 50 MB) must be stopped by the reader's bounds, so their message must
name the bound that stopped the work (a bound on work, not on wall-clock time; a subprocess
timeout only guards against a hang). A
``!!python/...`` tag must never run: its payload would create a marker file, which must not
exist afterwards (``test_payloads_would_execute_if_loaded_unsafely`` proves the payloads are
live, so the marker check can fail).

The expected line of each case is computed from the file as edited, never hard-coded.
One test runs the whole table so the summary (kind, exit code, seconds, first message line)
prints once in CI output (the seconds are information, never asserted).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from tests.paths import KNOWLEDGE, ROOT

CSR: Final = "careers/customer-service-representative"
PAY: Final = f"{CSR}/qa/pay.yaml"
SKILLS: Final = f"{CSR}/qa/skills.yaml"
CAREER: Final = f"{CSR}/career.yaml"
TELLER_FACTS: Final = "careers/teller/facts.yaml"
SOURCES: Final = "sources.yaml"
SYNONYMS: Final = "synonyms.yaml"

HANG_GUARD: Final = 60.0
"""Seconds after which a case counts as hung (a guard, not a performance assertion)."""
ANY_LINE: Final = -1
"""Expected line of a case whose problem has a line we do not predict (e.g. alias bomb)."""
NO_LINE: Final = 0
"""Expected line of a case whose problem is about the whole file (e.g. its size)."""


@dataclass(frozen=True)
class Broken:
    """What a case did: the file to be named (relative to knowledge/) and the line expected."""

    file: str
    line: int
    says: str = ""
    """Words the problem must contain (for hostile files: the bound that stopped the work)."""


@dataclass(frozen=True)
class Case:
    kind: str
    breaks: Callable[[Path, Path], Broken]
    """(knowledge copy, marker path) -> what was broken."""


# ------------------------------------------------------------------------------- editing
def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def replace_line(root: Path, rel: str, needle: str, new: str | Callable[[str], str]) -> int:
    """Replace the first line containing ``needle``; return its 1-based number."""
    path = root / rel
    lines = _lines(path)
    for i, line in enumerate(lines):
        if needle in line:
            lines[i] = (new(line) if callable(new) else new).rstrip("\n") + "\n"
            path.write_text("".join(lines), encoding="utf-8")
            return i + 1
    raise AssertionError(f"{needle!r} not in {rel}")


def insert_after(root: Path, rel: str, needle: str, new: str) -> int:
    """Insert ``new`` after the first line containing ``needle``; return the new line's number."""
    path = root / rel
    lines = _lines(path)
    for i, line in enumerate(lines):
        if needle in line:
            lines.insert(i + 1, new.rstrip("\n") + "\n")
            path.write_text("".join(lines), encoding="utf-8")
            return i + 2
    raise AssertionError(f"{needle!r} not in {rel}")


def header(root: Path, rel: str) -> str:
    """The file's first line (the ``$schema`` comment), kept so only the body is broken."""
    return _lines(root / rel)[0]


def write(root: Path, rel: str, body: str) -> None:
    (root / rel).write_text(header(root, rel) + body, encoding="utf-8")


def first_body_line(root: Path, rel: str) -> int:
    return 2  # after the header comment written by write()


# ------------------------------------------------------------------------------- the cases
def yaml_syntax(root: Path, marker: Path) -> Broken:
    line = replace_line(root, PAY, "    topic: salary", "    topic: salary: [oops")
    return Broken(PAY, line)


def unclosed_flow(root: Path, marker: Path) -> Broken:
    # The parser only notices at the next key; the line to fix is where the [ opens.
    line = replace_line(root, PAY, "    facts: [", lambda s: s.replace("]", "", 1))
    return Broken(PAY, line, "is not closed")


def tab_indent(root: Path, marker: Path) -> Broken:
    return Broken(SKILLS, replace_line(root, SKILLS, "    topic: skills", "\ttopic: skills"))


def non_utf8(root: Path, marker: Path) -> Broken:
    path = root / PAY
    lines = path.read_bytes().splitlines(keepends=True)
    index = next(i for i, b in enumerate(lines) if b.startswith(b"    question:"))
    lines[index] = b"    question: How much does a caf\xe9 worker earn?\n"  # Latin-1 byte
    path.write_bytes(b"".join(lines))
    return Broken(PAY, index + 1)


def empty_file(root: Path, marker: Path) -> Broken:
    (root / TELLER_FACTS).write_bytes(b"")
    return Broken(TELLER_FACTS, 1)


def comment_only(root: Path, marker: Path) -> Broken:
    write(root, TELLER_FACTS, "# everything was deleted\n\n")
    return Broken(TELLER_FACTS, 1)


def scalar_for_root(root: Path, marker: Path) -> Broken:
    write(root, SOURCES, "the sources are listed on the wiki\n")
    return Broken(SOURCES, first_body_line(root, SOURCES))


def scalar_for_entry(root: Path, marker: Path) -> Broken:
    return Broken(SKILLS, insert_after(root, SKILLS, "entries:", "  - just a sentence"))


def list_for_root(root: Path, marker: Path) -> Broken:
    write(root, TELLER_FACTS, "- teller-median-pay\n- teller-education\n")
    return Broken(TELLER_FACTS, first_body_line(root, TELLER_FACTS))


def list_for_entry(root: Path, marker: Path) -> Broken:
    return Broken(SKILLS, insert_after(root, SKILLS, "entries:", "  - [a, b]"))


def list_for_career(root: Path, marker: Path) -> Broken:
    write(root, CAREER, "career: [customer-service-representative, CSR]\n")
    return Broken(CAREER, first_body_line(root, CAREER))


def python_tag_value(root: Path, marker: Path) -> Broken:
    tag = f'!!python/object/apply:os.system ["touch {marker}"]'
    return Broken(PAY, replace_line(root, PAY, "    topic: salary", f"    topic: {tag}"))


def python_tag_root(root: Path, marker: Path) -> Broken:
    write(root, SOURCES, f"!!python/object/apply:subprocess.check_call [[touch, {marker}]]\n")
    return Broken(SOURCES, first_body_line(root, SOURCES))


def python_tag_new(root: Path, marker: Path) -> Broken:
    payload = f"!!python/object/new:os.system [touch {marker}]"
    return Broken(SKILLS, insert_after(root, SKILLS, "entries:", f"  - {payload}"))


def alias_bomb(root: Path, marker: Path) -> Broken:
    """Billion laughs: nine levels of ten aliases each (10^9 strings if expanded)."""
    rows = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        rows.append(f"lol{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]")
    rows.append("entries: *l9")
    write(root, SKILLS, "\n".join(rows) + "\n")
    return Broken(SKILLS, ANY_LINE, "expands to more than")


def deep_nesting(root: Path, marker: Path) -> Broken:
    write(root, SKILLS, "entries: " + "[" * 100_000 + "]" * 100_000 + "\n")
    return Broken(SKILLS, ANY_LINE, "nested more than")


def deep_flow_mapping(root: Path, marker: Path) -> Broken:
    write(root, SKILLS, "entries: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n")
    return Broken(SKILLS, ANY_LINE, "nested more than")


def deep_block_nesting(root: Path, marker: Path) -> Broken:
    """Compact nested block sequences: 200k levels on one 400 KB line ("- - - - … x")."""
    write(root, SKILLS, "entries:\n  " + "- " * 200_000 + "x\n")
    return Broken(SKILLS, ANY_LINE, "nested more than")


def huge_file(root: Path, marker: Path) -> Broken:
    """50 MB of well-formed YAML: only a size check stops it from being parsed (slowly)."""
    chunk = "".join(f"  - id: filler-{i}\n    topic: skills\n" for i in range(20_000))
    first = header(root, SKILLS)
    with (root / SKILLS).open("w", encoding="utf-8") as fh:
        fh.write(first + "entries:\n")
        written = 0
        while written < 50 * 1024 * 1024:
            fh.write(chunk)
            written += len(chunk)
    return Broken(SKILLS, NO_LINE, "too large")


def duplicate_key(root: Path, marker: Path) -> Broken:
    return Broken(PAY, insert_after(root, PAY, "    topic: salary", "    topic: skills"))


def duplicate_id_in_file(root: Path, marker: Path) -> Broken:
    line = replace_line(root, PAY, "  - id: csr-salary-why-differ", "  - id: csr-salary-median")
    return Broken(PAY, line)


def duplicate_id_across_files(root: Path, marker: Path) -> Broken:
    # skills.yaml is read after pay.yaml, so its copy is the duplicate.
    line = replace_line(root, SKILLS, "  - id: csr-skills-top", "  - id: csr-salary-median")
    return Broken(SKILLS, line)


def duplicate_fact_across_careers(root: Path, marker: Path) -> Broken:
    line = replace_line(
        root, TELLER_FACTS, "  - id: teller-education", "  - id: csr-median-pay-2024"
    )
    return Broken(TELLER_FACTS, line)


def copied_file(root: Path, marker: Path) -> Broken:
    """A moderator duplicates a file to edit it: every entry id is now claimed twice."""
    copy = f"{CSR}/qa/pay-copy.yaml"
    shutil.copyfile(root / PAY, root / copy)
    return Broken(copy, ANY_LINE)


def copied_career_folder(root: Path, marker: Path) -> Broken:
    shutil.copytree(root / "careers/teller", root / "careers/bank-teller")
    copy = "careers/bank-teller/career.yaml"
    line = next(i for i, s in enumerate(_lines(root / copy), 1) if "slug:" in s)
    return Broken(copy, line)


def unknown_field(root: Path, marker: Path) -> Broken:
    return Broken(PAY, insert_after(root, PAY, "    topic: salary", "    colour: blue"))


def unknown_top_field(root: Path, marker: Path) -> Broken:
    path = root / TELLER_FACTS
    path.write_text(path.read_text(encoding="utf-8") + "notes: remember to update\n", "utf-8")
    return Broken(TELLER_FACTS, len(_lines(path)))


def wrong_type_number(root: Path, marker: Path) -> Broken:
    return Broken(TELLER_FACTS, replace_line(root, TELLER_FACTS, "    value: ", "    value: lots"))


def wrong_type_bool(root: Path, marker: Path) -> Broken:
    line = replace_line(root, TELLER_FACTS, "    leading: true", "    leading: maybe")
    return Broken(TELLER_FACTS, line)


def wrong_type_enum(root: Path, marker: Path) -> Broken:
    # A Q&A topic is any slug; a fact's metric is still a fixed set.
    line = replace_line(root, TELLER_FACTS, "    metric: ", "    metric: lunch")
    return Broken(TELLER_FACTS, line)


def wrong_type_list(root: Path, marker: Path) -> Broken:
    return Broken(PAY, replace_line(root, PAY, "    phrasings:", "    phrasings: 42"))


def unknown_source(root: Path, marker: Path) -> Broken:
    line = replace_line(root, TELLER_FACTS, "    sources: [", "    sources: [no-such-source]")
    return Broken(TELLER_FACTS, line)


def unknown_related_entry(root: Path, marker: Path) -> Broken:
    line = replace_line(
        root, PAY, "    related: [", lambda s: s.replace("[", "[no-such-entry, ", 1)
    )
    return Broken(PAY, line)


def unknown_fact(root: Path, marker: Path) -> Broken:
    line = replace_line(root, PAY, "    facts: [", lambda s: s.replace("[", "[no-such-fact, ", 1))
    return Broken(PAY, line)


def unknown_career(root: Path, marker: Path) -> Broken:
    return Broken(CAREER, replace_line(root, CAREER, "    - teller", "    - astronaut"))


def control_character(root: Path, marker: Path) -> Broken:
    line = replace_line(root, PAY, "    topic: salary", "    topic: sal\x07ary")
    return Broken(PAY, line)


SECRET: Final = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"


def link_outside(root: Path, marker: Path) -> Broken:
    """A qa file that is a link to a .env beside the knowledge: refused, never read."""
    env = root.parent / ".env"
    env.write_text(f"DISCORD_TOKEN={SECRET}\n", encoding="utf-8")
    link = f"{CSR}/qa/leak.yaml"
    (root / link).symlink_to(env)
    return Broken(link, NO_LINE, "outside the knowledge folder")


def env_copied_in(root: Path, marker: Path) -> Broken:
    """The same .env copied in as a qa file: reported, its token redacted."""
    copy = f"{CSR}/qa/env.yaml"
    (root / copy).write_text(f"DISCORD_TOKEN={SECRET}\n", encoding="utf-8")
    return Broken(copy, 1, "[redacted]")


CASES: Final[tuple[Case, ...]] = (
    Case("YAML syntax error", yaml_syntax),
    Case("unclosed [ list", unclosed_flow),
    Case("tab indentation", tab_indent),
    Case("non-UTF-8 bytes", non_utf8),
    Case("control character", control_character),
    Case("empty file", empty_file),
    Case("comment-only file", comment_only),
    Case("scalar for the root mapping", scalar_for_root),
    Case("scalar for an entry", scalar_for_entry),
    Case("list for the root mapping", list_for_root),
    Case("list for an entry", list_for_entry),
    Case("list for career:", list_for_career),
    Case("!!python/object/apply value", python_tag_value),
    Case("!!python/object/apply root", python_tag_root),
    Case("!!python/object/new item", python_tag_new),
    Case("alias bomb (billion laughs)", alias_bomb),
    Case("100k-deep nesting", deep_nesting),
    Case("100k-deep {a: {a: …", deep_flow_mapping),
    Case("200k-deep '- - - …'", deep_block_nesting),
    Case("50 MB file", huge_file),
    Case("duplicate key in a mapping", duplicate_key),
    Case("duplicate id within a file", duplicate_id_in_file),
    Case("duplicate id across files", duplicate_id_across_files),
    Case("duplicate fact id across careers", duplicate_fact_across_careers),
    Case("copy of a file, other name", copied_file),
    Case("copy of a career folder", copied_career_folder),
    Case("unknown field in an entry", unknown_field),
    Case("unknown top-level field", unknown_top_field),
    Case("wrong type: text for number", wrong_type_number),
    Case("wrong type: 'maybe' for bool", wrong_type_bool),
    Case("wrong type: unknown metric", wrong_type_enum),
    Case("wrong type: number for list", wrong_type_list),
    Case("unknown source reference", unknown_source),
    Case("unknown related entry", unknown_related_entry),
    Case("unknown fact reference", unknown_fact),
    Case("unknown related career", unknown_career),
    Case("qa link to a .env outside", link_outside),
    Case(".env copied in as a qa file", env_copied_in),
)


# ------------------------------------------------------------------------------- running
@dataclass
class Result:
    kind: str
    code: int | None
    seconds: float
    first: str
    failures: list[str]


def check_cli(root: Path) -> tuple[int | None, float, str]:
    """Run ``python -m bot check root``: (exit code or None on timeout, seconds, all output)."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "check", str(root)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=HANG_GUARD,
        )
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or ""
        out = raw if isinstance(raw, str) else raw.decode(errors="replace")
        return None, time.perf_counter() - started, out
    return done.returncode, time.perf_counter() - started, done.stdout + done.stderr


def judge(case: Case, base: Path) -> Result:
    work = base / re.sub(r"\W+", "-", case.kind).strip("-")
    root = work / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    marker = work / "payload-ran"
    broken = case.breaks(root, marker)
    code, seconds, out = check_cli(root)
    lines = out.splitlines()
    failures: list[str] = []
    if code != 1:
        failures.append(f"exit code {code}, expected 1 (problems found)")
    if broken.says and broken.says not in out:
        failures.append(f"does not say {broken.says!r} (the bound that must stop it)")
    if "Traceback" in out:
        failures.append("printed a traceback")
    if marker.exists():
        failures.append("the !!python payload RAN")
    if SECRET[:12] in out:
        failures.append("printed the token of a .env file")
    named = f"knowledge/{broken.file}"
    with_line = re.findall(re.escape(named) + r":(\d+)\b", out)
    if named not in out:
        failures.append(f"does not name {named}")
    elif broken.line == ANY_LINE and not with_line:
        failures.append(f"names {named} but no line")
    elif broken.line > 0 and str(broken.line) not in with_line:
        failures.append(f"does not point at {named}:{broken.line} (lines given: {with_line})")
    if failures:
        failures.append("output:\n    " + "\n    ".join(lines[:8]))
    return Result(case.kind, code, seconds, lines[0] if lines else "", failures)


def print_table(results: list[Result]) -> None:
    kind_w = max(len(r.kind) for r in results)
    print(f"\n{'kind':<{kind_w}}  exit  seconds  first message line")
    for r in results:
        first = r.first.removeprefix(str(ROOT))
        if len(first) > 110:
            first = first[:109] + "…"
        flag = "" if not r.failures else "  <-- FAIL"
        print(f"{r.kind:<{kind_w}}  {r.code!s:>4}  {r.seconds:7.2f}  {first}{flag}")
    ok = sum(not r.failures for r in results)
    print(f"{ok}/{len(results)} broken knowledge cases rejected cleanly")


def test_every_kind_of_broken_file_is_rejected_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = [judge(case, tmp_path) for case in CASES]
    with capsys.disabled():
        print_table(results)
    failed = [f"{r.kind}: " + "; ".join(r.failures) for r in results if r.failures]
    assert not failed, "\n".join(failed)


def test_the_shipped_knowledge_passes(tmp_path: Path) -> None:
    """The baseline every case breaks: unbroken, the same copy checks clean (exit 0)."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    code, _, out = check_cli(root)
    assert code == 0, out
    assert "Traceback" not in out


@pytest.mark.parametrize("case", [python_tag_value, python_tag_root, python_tag_new])
def test_payloads_would_execute_if_loaded_unsafely(
    tmp_path: Path, case: Callable[[Path, Path], Broken]
) -> None:
    """Guards the marker check: under PyYAML's unsafe loader each payload DOES run."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    marker = tmp_path / "payload-ran"
    broken = case(root, marker)
    script = "import sys, yaml; yaml.unsafe_load(open(sys.argv[1], encoding='utf-8'))"
    subprocess.run(
        [sys.executable, "-c", script, str(root / broken.file)], capture_output=True, timeout=30
    )
    assert marker.exists()
