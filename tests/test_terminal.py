"""Terminal mode against the real knowledge and engine: the session logic, then the loop."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from bot.engine import Engine
from bot.engine.answer import Outcome
from bot.knowledge.loader import load_knowledge
from bot.render import to_text
from bot.terminal import HELP_TEXT, Reply, TerminalSession, render_plain, render_rich, run_terminal

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(ROOT / "knowledge"))


def _answered(reply: Reply | None) -> Reply:
    assert reply is not None and reply.answer is not None, reply
    return reply


def test_blank_quit_help_and_unknown(engine: Engine) -> None:
    session = TerminalSession(engine)
    assert session.handle("   ") is None
    for word in ("quit", "EXIT", "/quit"):
        reply = session.handle(word)
        assert reply is not None and reply.quit
    help_reply = session.handle("/help")
    assert help_reply is not None and help_reply.message == HELP_TEXT
    unknown = session.handle("/frobnicate now")
    assert unknown is not None and unknown.message is not None
    assert "/frobnicate" in unknown.message and "/help" in unknown.message


def test_question_is_answered_from_the_knowledge(engine: Engine) -> None:
    entry = next(iter(engine.kb.entries.values()))
    reply = _answered(TerminalSession(engine).handle(entry.question))
    assert reply.answer is not None
    assert reply.answer.outcome is Outcome.ANSWER
    assert reply.answer.entry_id == entry.id


def test_numbers_open_the_numbered_suggestions(engine: Engine) -> None:
    session = TerminalSession(engine)
    nothing = session.handle("1")
    assert nothing is not None and nothing.message is not None and "ask" in nothing.message
    for entry in engine.kb.entries.values():
        reply = _answered(session.handle(entry.question))
        if reply.picks:
            break
    else:
        pytest.fail("no answer in the knowledge offers any suggestion")
    picks = reply.picks
    assert len({p.entry_id for p in picks}) == len(picks)  # numbered once each
    out_of_range = session.handle(str(len(picks) + 1))
    assert (
        out_of_range is not None
        and out_of_range.message == f"Pick a number from 1 to {len(picks)}."
    )
    opened = _answered(session.handle(str(len(picks))))
    assert opened.answer is not None and opened.answer.entry_id == picks[-1].entry_id
    plain = render_plain(reply)
    for i, pick in enumerate(picks, 1):
        assert f"  {i}. {pick.question}" in plain


def test_quick_commands_pick_level_and_career(engine: Engine) -> None:
    session = TerminalSession(engine)
    default = _answered(session.handle("/salary")).answer
    assert default is not None and default.career == "customer-service-representative"
    entry = _answered(session.handle("/salary entry")).answer
    assert entry is not None and entry.level == "entry"
    teller = engine.kb.careers["teller"].career
    pay = _answered(session.handle(f"/salary {teller.name}")).answer
    assert pay is not None and pay.career == "teller"
    for command in ("/skills", "/outlook", "/education", "/path", "/certs"):
        answer = _answered(session.handle(f"{command} {teller.name}")).answer
        assert answer is not None and answer.career == "teller", command
    profile = _answered(session.handle("/career teller")).answer
    assert profile is not None and profile.outcome is Outcome.ANSWER
    assert teller.name.lower() in to_text(profile).lower()
    unknown = session.handle("/career zzqx plumbing astronaut")
    assert unknown is not None and unknown.message is not None and "don't know" in unknown.message
    for ck in engine.kb.careers.values():  # issue 10: the member learns which careers exist
        assert ck.career.name in unknown.message, unknown.message


@pytest.mark.parametrize(
    "args",
    ["teller receptionist", "general office clerk vs teller", "general office clerk, teller"],
)
def test_compare_splits_two_careers(engine: Engine, args: str) -> None:
    answer = _answered(TerminalSession(engine).handle(f"/compare {args}")).answer
    assert answer is not None
    text = to_text(answer).lower()
    names = {slug: ck.career.name.lower() for slug, ck in engine.kb.careers.items()}
    assert names["teller"] in text
    other = "receptionist" if "receptionist" in args else "general-office-clerk"
    assert names[other] in text


def test_sources_lists_every_source(engine: Engine) -> None:
    answer = _answered(TerminalSession(engine).handle("/sources")).answer
    assert answer is not None
    text = to_text(answer)
    for source in engine.kb.sources.values():
        assert source.title in text


def test_rich_panel_shows_title_fields_and_sources(engine: Engine) -> None:
    reply = _answered(TerminalSession(engine).handle("/salary"))
    assert reply.answer is not None and reply.answer.fields and reply.answer.sources
    buffer = io.StringIO()
    Console(file=buffer, width=120, force_terminal=True, color_system=None).print(
        render_rich(reply)
    )
    shown = buffer.getvalue()
    assert reply.answer.title in shown
    assert reply.answer.fields[0].name in shown
    assert reply.answer.sources[0].title in shown


def test_piped_loop_prints_plain_answers_and_stops_at_quit(engine: Engine) -> None:
    stdin = io.StringIO("csr pay\n\n/help\nquit\nwhat do tellers earn\n")
    stdout = io.StringIO()
    assert run_terminal(engine, stdin=stdin, stdout=stdout, intro=["hello"]) == 0
    out = stdout.getvalue()
    assert "\x1b[" not in out
    assert "careerbot>" not in out and "hello" not in out  # no prompt or banner on a pipe
    assert "Sources: " in out
    assert HELP_TEXT in out
    assert out.count("Sources: ") == 1  # the question after quit was not read


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_interactive_loop_prompts_and_draws_panels(engine: Engine) -> None:
    stdin = _Terminal("/salary entry\n1\n")  # ends without quit: EOF (Ctrl-D) leaves
    stdout = _Terminal()
    assert run_terminal(engine, stdin=stdin, stdout=stdout, intro=["hello"]) == 0
    out = re.sub(r"\x1b\[[0-9;]*m", "", stdout.getvalue())  # colours are fine on a terminal
    assert "hello" in out
    assert out.count("careerbot>") == 3  # two lines read, then the prompt that got EOF
    assert "╭" in out and "╰" in out  # rich panels on a terminal
    assert out.endswith("careerbot> \nBye.\n")
    reply = TerminalSession(engine).handle("/salary entry")
    assert reply is not None and reply.answer is not None
    assert reply.answer.title in out


@pytest.mark.parametrize("line", ["²", "⑦", "٣", "9" * 5000, "0", "00012"])
def test_digit_like_lines_never_end_the_session(engine: Engine, line: str) -> None:
    """Unicode digits (``str.isdigit`` is true for them, ``int`` is not) and numbers past
    Python's int-string limit used to raise at ``int()``: the rest of the input went unread."""
    stdin = io.StringIO(f"csr pay\n{line}\nwhat do tellers earn\n")
    stdout = io.StringIO()
    assert run_terminal(engine, stdin=stdin, stdout=stdout) == 0
    out = stdout.getvalue()
    assert out.count("Sources: ") >= 2  # the question after the odd line was answered
    reply = TerminalSession(engine).handle(line)
    assert reply is not None and (reply.answer is not None or reply.message is not None)


def test_a_huge_number_is_an_out_of_range_pick(engine: Engine) -> None:
    session = TerminalSession(engine)
    for entry in engine.kb.entries.values():
        if _answered(session.handle(entry.question)).picks:
            break
    reply = session.handle("9" * 5000)
    assert reply is not None and reply.message == f"Pick a number from 1 to {len(session.picks)}."


def test_an_internal_error_on_one_line_is_one_message_and_the_loop_goes_on(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    class Flaky:
        """The real engine, except that one question raises (standing in for any bug)."""

        kb = engine.kb
        answer_entry = staticmethod(engine.answer_entry)
        resolve_career = staticmethod(engine.resolve_career)

        @staticmethod
        def ask(question: str) -> object:
            if question == "boom":
                raise RuntimeError("simulated bug")
            return engine.ask(question)

    stdout = io.StringIO()
    stdin = io.StringIO("boom\nwhat do tellers earn\n")
    assert run_terminal(Flaky(), stdin=stdin, stdout=stdout) == 0  # type: ignore[arg-type]
    out = stdout.getvalue()
    assert out.startswith("Sorry, that line hit an internal error (RuntimeError).\n")
    assert "Sources: " in out
    assert "simulated bug" in caplog.text
