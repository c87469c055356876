"""Every shipped entry and every quick fact × career, as Discord shows it: the default reply
is ≤ 1,200 characters and ≤ 6 fields, the More pages fit Discord, nothing of the answer is
lost between them, and every figure still names its source."""

from __future__ import annotations

import re

import pytest

from bot.engine import Engine
from bot.engine import facts as F
from bot.engine.answer import Answer
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Level, Topic
from bot.render import more_embeds, to_embed
from tests.paths import KNOWLEDGE
from tests.render.test_embed import (
    assert_nothing_lost,
    assert_short,
    assert_within_limits,
    shown_text,
)

_FIGURE = re.compile(r"\$\d[\d,.]*|-?\d+(?:\.\d+)?%")


@pytest.fixture(scope="module")
def engine() -> Engine:
    if not (KNOWLEDGE / "sources.yaml").exists():
        pytest.skip("no shipped knowledge in this checkout")
    return Engine(load_knowledge(KNOWLEDGE))


def every_answer(engine: Engine) -> list[tuple[str, Answer]]:
    kb = engine.kb
    out: list[tuple[str, Answer]] = []
    for entry_id in kb.entries:
        answer = engine.answer_entry(entry_id)
        assert answer is not None, entry_id
        out.append((entry_id, answer))
    commands = (F.path, F.skills, F.certifications, F.outlook, F.education, F.profile)
    for slug in kb.careers:
        for level in (None, *Level):
            out.append((f"salary {level} {slug}", F.salary(kb, slug, level)))
        out += [(f"{fn.__name__} {slug}", fn(kb, slug)) for fn in commands]
        out += [(f"compare {slug} {b}", F.compare(kb, slug, b)) for b in kb.careers]
        for topic in Topic:
            answer = F.answer_for_topic(kb, slug, topic, None)
            if answer is not None:
                out.append((f"{topic} {slug}", answer))
    out.append(("sources", F.sources(kb)))
    return out


def test_every_default_reply_is_short_and_more_holds_the_rest(engine: Engine) -> None:
    answers = every_answer(engine)
    assert len(answers) > 300
    longest = 0
    for name, answer in answers:
        embed = to_embed(answer)
        assert_short(embed)
        for page in more_embeds(answer):
            assert_within_limits(page)
        assert_nothing_lost(answer)
        shown = shown_text(answer)
        for figure in _FIGURE.findall(answer.body + "".join(f.value for f in answer.fields)):
            assert figure in shown, (name, figure)
        longest = max(longest, len(answer.body) + sum(len(f.value) for f in answer.fields))
    assert longest > 1200  # the shipped knowledge does have answers that need "More"


def test_every_figure_names_its_source(engine: Engine) -> None:
    titles = [s.title for s in engine.kb.sources.values()]
    for name, answer in every_answer(engine):
        for f in answer.fields:
            for line in f.value.splitlines():
                if _FIGURE.search(line):
                    assert any(t in line for t in titles), (name, f.name, line)
        if _FIGURE.search(answer.body):
            assert answer.sources, name


def test_csr_walls_of_text_are_now_short(engine: Engine) -> None:
    kb = engine.kb
    csr = "customer-service-representative"
    for answer in (F.skills(kb, csr), F.path(kb, csr), F.salary(kb, csr), F.education(kb, csr)):
        embed = to_embed(answer)
        assert_short(embed)
        assert more_embeds(answer), answer.title  # the details are one click away
    # Skills: overlapping groups merged, each skill once.
    skills = F.skills(kb, csr)
    names = [f.name for f in skills.fields]
    assert not any(n.startswith("Skill map") or n == "Soft abilities" for n in names), names
    assert len(names) <= 6
    items = [i.strip().casefold() for f in skills.fields[:-1] for i in f.value.split(", ")]
    assert items.count("empathy") == 1 and items.count("patience") == 1
    assert skills.body.startswith("Most named: ")
    # Education: no Ph.D. or master's study time for a career that asks for neither.
    education = F.education(kb, csr)
    text = "\n".join(f.value for f in education.fields)
    assert "Ph.D." not in text and "master's" not in text
    assert "bachelor's degree: 4 years" in text and "On-the-job training" in text
    # Sources: each document once (its own field), no footer repeating them.
    sources = F.sources(kb)
    assert [f.name for f in sources.fields] == [s.title for s in kb.sources.values()]
    embed = to_embed(sources)
    assert "footer" not in embed
    for src in kb.sources.values():
        assert shown_text(sources).count(src.title) == 1
