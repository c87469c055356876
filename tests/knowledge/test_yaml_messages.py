"""YAML syntax errors name the line to fix, in plain words (issue 11, item 7): an unclosed
``[`` on line 20 used to be reported at the next key's line, as "while parsing a flow
sequence expected ',' or ']'"; indentation mistakes as "mapping values are not allowed here"
or "expected <block end>, but found '?'"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.yamlread import ReadError, read_yaml
from tests.paths import KNOWLEDGE

PAY = KNOWLEDGE / "careers/customer-service-representative/qa/pay.yaml"
PARSER_WORDS = ("while parsing", "while scanning", "<block end>", "mapping values", "expected ','")


def lines() -> list[str]:
    return PAY.read_text(encoding="utf-8").splitlines(keepends=True)


def index_of(needle: str) -> int:
    """0-based index of the first line that starts with ``needle`` (numbers not hard-coded)."""
    return next(i for i, line in enumerate(lines()) if line.startswith(needle))


def read_with(tmp_path: Path, index: int, new: str) -> ReadError:
    body = lines()
    body[index] = new
    path = tmp_path / "pay.yaml"
    path.write_text("".join(body), encoding="utf-8")
    result = read_yaml(path)
    assert isinstance(result, list) and len(result) == 1, result
    error = result[0]
    assert not any(words in error.message for words in PARSER_WORDS), error.message
    return error


def test_an_unclosed_list_is_reported_where_it_opens(tmp_path: Path) -> None:
    i = index_of("    related: [")
    error = read_with(tmp_path, i, lines()[i].replace("]", "", 1))
    assert (error.line, error.column) == (i + 1, lines()[i].index("[") + 1)
    assert "a list opened with [ here is not closed: add the missing ']'" in error.message


def test_an_unclosed_mapping_is_reported_where_it_opens(tmp_path: Path) -> None:
    i = index_of("    related: [")
    error = read_with(tmp_path, i, "    related: {a: 1, b\n")
    assert error.line == i + 1
    assert "a mapping opened with { here is not closed: add the missing '}'" in error.message


def test_an_unclosed_list_on_the_last_line(tmp_path: Path) -> None:
    i = len(lines()) - 1
    error = read_with(tmp_path, i, lines()[i].replace("]", "", 1))
    assert error.line == i + 1 and "not closed" in error.message


@pytest.mark.parametrize("extra", [1, 2, 4])
def test_an_over_indented_key_is_reported_at_its_line(tmp_path: Path, extra: int) -> None:
    i = index_of("    topic: salary")
    error = read_with(tmp_path, i, " " * extra + lines()[i])
    assert error.line == i + 1
    assert "check the indentation of this line" in error.message


@pytest.mark.parametrize("indent", [2, 3])
def test_a_dedented_key_is_reported_at_its_line(tmp_path: Path, indent: int) -> None:
    i = index_of("    question:")
    error = read_with(tmp_path, i, " " * indent + lines()[i].lstrip())
    assert error.line == i + 1
    assert "check the indentation of this line" in error.message


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    i = index_of("    question:")
    error = read_with(tmp_path, i, '    question: "How much do they make?\n')
    assert (error.line, error.column) == (i + 1, 15)
    assert "never closed: add the closing quote" in error.message


def test_an_unclosed_quote_ended_by_a_later_quote_is_reported_where_it_opens(
    tmp_path: Path,
) -> None:
    # The next quote in the file closes it: PyYAML gives up lines later, at that quote.
    path = tmp_path / "qa.yaml"
    path.write_text(
        'entries:\n  - id: a\n    question: "How much\n    topic: salary\n'
        '  - id: b\n    phrasings:\n      - "pay: entry level"\n',
        encoding="utf-8",
    )
    result = read_yaml(path)
    assert isinstance(result, list) and len(result) == 1, result
    assert (result[0].line, result[0].column) == (3, 15)
    assert "never closed: add the closing quote (the quote on line 7" in result[0].message
    # A quoted text written over two lines on purpose is still read.
    path.write_text('question: "How much\n  do they make"\n', encoding="utf-8")
    ok = read_yaml(path)
    assert not isinstance(ok, list) and ok.data == {"question": "How much do they make"}


def test_a_colon_inside_a_value_says_to_quote_it(tmp_path: Path) -> None:
    i = index_of("    topic: salary")
    error = read_with(tmp_path, i, "    topic: salary: pay\n")
    assert error.line == i + 1
    assert "a ':' inside a value: put the whole value in quotes" in error.message


def test_a_missing_colon_is_reported_at_its_line(tmp_path: Path) -> None:
    i = index_of("    topic: salary")
    error = read_with(tmp_path, i, "    topic salary\n")
    assert error.line == i + 1 and "a ':' missing?" in error.message


@pytest.mark.parametrize(
    ("new", "hint"),
    [
        ("    phrasings: - a\n", "list item must start its own line"),
        ("    topic: @salary\n", "put the value in quotes"),
        ("    topic: *salary\n", "no '&' anchor of that name"),
    ],
)
def test_other_mistakes_have_a_plain_hint(tmp_path: Path, new: str, hint: str) -> None:
    i = index_of("    topic: salary")
    error = read_with(tmp_path, i, new)
    assert error.line == i + 1 and hint in error.message
