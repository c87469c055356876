"""Terminal mode: chat with the engine in a terminal (``make run`` without ``DISCORD_TOKEN``).

:class:`TerminalSession` is the logic — one input line in, one :class:`Reply` out, no I/O —
so tests drive it directly. :func:`render_rich` / :func:`render_plain` turn a reply into what
is printed, and :func:`run_terminal` is the thin read-print loop: rich panels, tables and a
prompt on a terminal; plain text and no prompt when input or output is piped.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol, TextIO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot import wording
from bot.engine import facts
from bot.engine.answer import Answer, Outcome, Suggestion
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level
from bot.render import to_text


class EngineLike(Protocol):
    """The part of ``bot.engine.Engine`` terminal mode uses (see CONTRACTS.md)."""

    @property
    def kb(self) -> KnowledgeBase: ...

    def ask(self, question: str) -> Answer: ...

    def answer_entry(self, entry_id: str) -> Answer | None: ...

    def resolve_career(self, text: str | None) -> str | None: ...


_log = logging.getLogger(__name__)

PROMPT = "[bold cyan]careerbot>[/] "
MAX_PICK_DIGITS = 6
"""Longer numbers are out of range without being parsed (int() refuses 4,301+ digits)."""
QUIT_WORDS = frozenset({"quit", "exit", "/quit", "/exit", ":q"})

# Quick commands that take an optional career: name -> the bot.engine.facts builder.
CareerFact = Callable[[KnowledgeBase, str], Answer]
CAREER_COMMANDS: dict[str, CareerFact] = {
    "path": facts.path,
    "skills": facts.skills,
    "certs": facts.certifications,
    "outlook": facts.outlook,
    "education": facts.education,
}

HELP_TEXT = """\
Ask any career question in your own words, e.g. "how much do entry level csrs make?".
After an answer, type a suggestion's number to open it.

Quick commands:
  /salary [entry|mid|senior|manager] [career]   pay by level, with sources
  /path [career]        how people advance
  /skills [career]      skills that matter
  /certs [career]       certifications
  /outlook [career]     job outlook
  /education [career]   education and training
  /career NAME          a career's profile
  /compare A B          two careers side by side (also "A vs B")
  /sources              every document the figures come from
  /ask QUESTION         same as typing the question
  /help                 this text
quit (or Ctrl-D) leaves."""


@dataclass(frozen=True)
class Reply:
    """What one input line produced: an answer, a message, or the request to stop."""

    answer: Answer | None = None
    message: str | None = None
    picks: tuple[Suggestion, ...] = ()
    """Numbered choices shown with the answer; typing a number opens ``picks[n-1]``."""
    quit: bool = False


def _picks(answer: Answer) -> tuple[Suggestion, ...]:
    seen: set[str] = set()
    out: list[Suggestion] = []
    for s in (*answer.suggestions, *answer.related):
        if s.entry_id not in seen and s.entry_id != answer.entry_id:
            seen.add(s.entry_id)
            out.append(s)
    return tuple(out)


class TerminalSession:
    """One user's conversation: remembers the last numbered suggestions, nothing else."""

    def __init__(self, engine: EngineLike) -> None:
        self.engine = engine
        self.picks: tuple[Suggestion, ...] = ()

    # -- public -------------------------------------------------------------------------
    def handle(self, line: str) -> Reply | None:
        """The reply to one input line; None for a blank line (nothing to print)."""
        text = line.strip()
        if not text:
            return None
        if text.lower() in QUIT_WORDS:
            return Reply(quit=True)
        if text.isdecimal():  # not isdigit(): "²" and "⑦" are digits that int() rejects
            # A number past any list length is just out of range: never int() 5,000 digits.
            return self._pick(int(text) if len(text) <= MAX_PICK_DIGITS else 0)
        if text.startswith("/"):
            name, _, rest = text[1:].partition(" ")
            return self._command(name.lower(), rest.strip())
        return self._answer(self.engine.ask(text))

    # -- helpers ------------------------------------------------------------------------
    def _answer(self, answer: Answer) -> Reply:
        self.picks = _picks(answer)
        return Reply(answer=answer, picks=self.picks)

    def _pick(self, number: int) -> Reply:
        if not self.picks:
            return Reply(message="No numbered suggestions to pick from: ask a question first.")
        if not 1 <= number <= len(self.picks):
            return Reply(message=f"Pick a number from 1 to {len(self.picks)}.")
        answer = self.engine.answer_entry(self.picks[number - 1].entry_id)
        if answer is None:  # the knowledge was reloaded and the entry is gone
            return Reply(message="That suggestion is no longer available.")
        return self._answer(answer)

    def _career(self, text: str) -> str | Reply:
        slug = self.engine.resolve_career(text or None)
        if slug is None:
            names = [ck.career.name for ck in self.engine.kb.careers.values()]
            return Reply(message=wording.unknown_career(text, names))
        return slug

    def _command(self, name: str, rest: str) -> Reply:
        kb = self.engine.kb
        if name in ("help", "h", "?"):
            return Reply(message=HELP_TEXT)
        if name == "ask":
            return self._answer(self.engine.ask(rest)) if rest else Reply(message="/ask QUESTION")
        if name == "sources":
            return self._answer(facts.sources(kb))
        if name == "compare":
            return self._compare(rest)
        if name == "career" and not rest:
            return Reply(message="/career NAME, e.g. /career teller")
        if name not in (*CAREER_COMMANDS, "career", "salary"):
            return Reply(message=f"Unknown command /{name}. Type /help for the list.")
        level: Level | None = None
        if name == "salary":
            first, _, remainder = rest.partition(" ")
            if first.lower() in {lv.value for lv in Level}:
                level, rest = Level(first.lower()), remainder.strip()
        career = self._career(rest)
        if isinstance(career, Reply):
            return career
        if name == "salary":
            return self._answer(facts.salary(kb, career, level))
        if name == "career":
            return self._answer(facts.profile(kb, career))
        return self._answer(CAREER_COMMANDS[name](kb, career))

    def _split_pair(self, text: str) -> tuple[str, str] | None:
        """Two careers from "A vs B", "A, B", "A | B" or "A B" (multi-word names allowed)."""
        lowered = f" {text.lower()} "
        for sep in (" vs. ", " vs ", " versus ", ",", "|", " and "):
            if sep in lowered:
                a, _, b = lowered.partition(sep)
                if self.engine.resolve_career(a.strip() or None) and b.strip():
                    return a.strip(), b.strip()
        words = text.split()
        for i in range(1, len(words)):
            a, b = " ".join(words[:i]), " ".join(words[i:])
            if self.engine.resolve_career(a) and self.engine.resolve_career(b):
                return a, b
        return None

    def _compare(self, rest: str) -> Reply:
        pair = self._split_pair(rest) if rest else None
        if pair is None:
            return Reply(message="/compare A B, e.g. /compare teller receptionist")
        a, b = self._career(pair[0]), self._career(pair[1])
        if isinstance(a, Reply):
            return a
        if isinstance(b, Reply):
            return b
        return self._answer(facts.compare(self.engine.kb, a, b))


# -- rendering --------------------------------------------------------------------------------
_STYLE = {Outcome.ANSWER: "green", Outcome.UNSURE: "yellow", Outcome.DECLINE: "red"}


def _list_section(
    heading: str, rows: list[tuple[str, str]], mark_style: str, text_style: str
) -> list[RenderableType]:
    """A blank line, a bold heading and rows whose wrapped lines stay indented."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=mark_style, justify="right", min_width=3)
    grid.add_column(style=text_style)
    for mark, text in rows:
        grid.add_row(mark, text)
    return [Text(""), Text(heading, style=f"bold {text_style}".strip()), grid]


def render_rich(reply: Reply) -> RenderableType:
    """A panel: body, a table of fields, numbered suggestions, then the sources."""
    if reply.answer is None:
        return Text(reply.message or "")
    answer = reply.answer
    parts: list[RenderableType] = []
    if answer.body:
        parts.append(Text(answer.body))
    if answer.fields:
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
        table.add_column(style="bold", ratio=1)
        table.add_column(ratio=3)
        for f in answer.fields:
            table.add_row(f.name, f.value)
        parts += [Text(""), table]
    if reply.picks:
        heading = "Did you mean:" if answer.suggestions else "Related:"
        picks = [(f"{i}.", s.question) for i, s in enumerate(reply.picks, 1)]
        parts += _list_section(heading, picks, "cyan", "")
    if answer.sources:
        parts += _list_section("Sources", [("•", s.label) for s in answer.sources], "dim", "dim")
    return Panel(
        Group(*parts),
        title=Text(answer.title, style="bold"),
        title_align="left",
        border_style=_STYLE.get(answer.outcome, "white"),
    )


def render_plain(reply: Reply) -> str:
    """The same content as plain text: no colours, no box drawing (for pipes and logs)."""
    if reply.answer is None:
        return reply.message or ""
    text = to_text(replace(reply.answer, suggestions=()))
    if reply.picks:
        heading = "Did you mean:" if reply.answer.suggestions else "Related:"
        numbered = [f"  {i}. {s.question}" for i, s in enumerate(reply.picks, 1)]
        text += "\n\n" + "\n".join([heading, *numbered])
    return text


# -- the loop ---------------------------------------------------------------------------------
def _lines(stdin: TextIO, prompt: Callable[[], str] | None) -> Iterator[str]:
    if prompt is None:
        yield from stdin
        return
    while True:
        try:
            yield prompt()
        except EOFError:
            return


def run_terminal(
    engine: EngineLike,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    intro: Iterable[str] = (),
) -> int:
    """Read questions until EOF or ``quit``; rich output on a terminal, plain text on a pipe."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    session = TerminalSession(engine)
    tty_out = stdout.isatty()
    interactive = tty_out and stdin.isatty()
    console = Console(file=stdout, highlight=False) if tty_out else None
    prompt: Callable[[], str] | None = None
    if interactive and console is not None:
        rich_console = console
        with contextlib.suppress(ImportError):  # line editing and history for input()
            import readline  # noqa: F401
        for line in intro:
            rich_console.print(line, style="dim")
        rich_console.print("Type a question, /help for commands, quit or Ctrl-D to leave.")

        reader = stdin

        def prompt() -> str:
            if reader is sys.stdin:  # input(): line editing and history; EOFError on Ctrl-D
                return rich_console.input(PROMPT)
            rich_console.print(PROMPT, end="")
            line = reader.readline()
            if not line:
                raise EOFError
            return line

    first, quit_typed = True, False
    for line in _lines(stdin, prompt):
        try:
            reply = session.handle(line)
        except Exception as exc:  # a bug on one line must not leave the rest unanswered
            _log.error("internal error on an input line: %s: %s", type(exc).__name__, exc)
            _log.debug("traceback", exc_info=True)
            reply = Reply(message=f"Sorry, that line hit an internal error ({type(exc).__name__}).")
        if reply is None:
            continue
        if reply.quit:
            quit_typed = True
            break
        if console is not None:
            console.print(render_rich(reply))
        else:
            stdout.write(("" if first else "\n") + render_plain(reply) + "\n")
            stdout.flush()
        first = False
    if interactive and console is not None:
        if not quit_typed:  # Ctrl-D left the cursor after the prompt
            console.print()
        console.print("Bye.", style="dim")
    return 0
