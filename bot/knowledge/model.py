"""The knowledge model: what moderators write in ``knowledge/`` and what the engine reads.

Pure and typed: no Discord, no I/O. Every file kind has a root model (``*File``) whose
JSON Schema is published for editors (``python -m bot schema``). All models forbid unknown
fields, so a typo in a key is an error rather than silently ignored data.

File layout (relative to the knowledge folder)::

    sources.yaml                      SourcesFile   every document a figure may cite
    synonyms.yaml                     SynonymsFile  slang, abbreviations, topic/level words
    careers/<slug>/career.yaml        CareerFile    identity, aliases, SOC code, summary
    careers/<slug>/facts.yaml         FactsFile     figures, each with its sources
    careers/<slug>/levels.yaml        LevelsFile    levels (entry/mid/senior/manager), ladders
    careers/<slug>/lists.yaml         ListsFile     skills, tools, certifications, resources…
    careers/<slug>/qa/<name>.yaml     QAFile        question/answer entries
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Ids end up in Discord custom_ids ("careerbot:ask:<id>", at most 100 characters), so they
# are short, lowercase and free of separators Discord or our parser would trip on.
ID_PATTERN = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3500)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
TOPIC_SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
TopicSlug = Annotated[
    str, StringConstraints(pattern=TOPIC_SLUG_PATTERN, min_length=1, max_length=64)
]


class _Strict(BaseModel):
    """Base for every knowledge model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Level(StrEnum):
    """Career level, as community members ask about it."""

    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"
    MANAGER = "manager"


class Topic(StrEnum):
    """What a question is about. The engine detects one from the question's words."""

    OVERVIEW = "overview"
    DEFINITIONS = "definitions"
    DUTIES = "duties"
    TYPES = "types"
    INDUSTRIES = "industries"
    SALARY = "salary"
    HOURLY_PAY = "hourly_pay"
    PERCENTILES = "percentiles"
    REGIONS = "regions"
    BENEFITS = "benefits"
    OUTLOOK = "outlook"
    AUTOMATION = "automation"
    EDUCATION = "education"
    TRAINING = "training"
    CERTIFICATIONS = "certifications"
    ADVANCEMENT = "advancement"
    GETTING_STARTED = "getting_started"
    SKILLS = "skills"
    TOOLS = "tools"
    ENVIRONMENT = "environment"
    SCHEDULE = "schedule"
    REMOTE = "remote"
    STRESS = "stress"
    WORK_LIFE = "work_life"
    PERSONALITY = "personality"
    DAY_IN_THE_LIFE = "day_in_the_life"
    PROS_CONS = "pros_cons"
    MISTAKES = "mistakes"
    ADVICE = "advice"
    KPIS = "kpis"
    RESOURCES = "resources"
    ASSOCIATIONS = "associations"
    GOVERNMENT_PROGRAMS = "government_programs"
    RELATED_CAREERS = "related_careers"
    CASE_STUDIES = "case_studies"
    PORTFOLIO = "portfolio"
    TRENDS = "trends"


# --------------------------------------------------------------------------- sources


class Source(_Strict):
    """A document a figure or an answer comes from. One per seed document."""

    id: Id
    title: ShortText
    publisher: ShortText | None = Field(
        default=None, description="Who published it; omit when the document does not say."
    )
    author: ShortText | None = None
    date: ShortText | None = Field(default=None, description="Publication date as stated.")
    period: ShortText | None = Field(
        default=None, description="The period its figures describe, e.g. '2024' or 'May 2021'."
    )
    cites: list[ShortText] = Field(
        default_factory=list,
        description="Bodies the document itself names as the origin of its data (e.g. BLS).",
    )
    kind: Literal["profile", "guide", "article", "report"]
    seed: ShortText = Field(description="File name of the source document in shared/seeds/.")
    note: Text | None = None


class SourcesFile(_Strict):
    sources: list[Source] = Field(min_length=1)


# --------------------------------------------------------------------------- synonyms


class SynonymsFile(_Strict):
    """Moderator-editable vocabulary for the engine's normaliser and detectors."""

    replacements: dict[str, str] = Field(
        default_factory=dict,
        description="Phrase -> canonical words, e.g. 'csr' -> 'customer service representative'.",
    )
    topics: dict[Topic, list[str]] = Field(
        default_factory=dict, description="Words that signal a topic."
    )
    levels: dict[Level, list[str]] = Field(
        default_factory=dict, description="Words that signal a career level."
    )
    out_of_scope: list[str] = Field(
        default_factory=list,
        description="Occupations the knowledge does not cover; naming one declines the question.",
    )
    stopwords: list[str] = Field(default_factory=list)
    off_topic: list[str] = Field(
        default_factory=list,
        description="Phrases that mark a question as not about careers (e.g. 'password', "
        "'near me', 'stock price'); a question containing one is declined.",
    )


# --------------------------------------------------------------------------- decline


class DeclineFile(_Strict):
    """Messages the bot must decline: off-topic questions and careers it does not cover.

    The engine learns from them where its knowledge ends (its confidence thresholds are fitted
    so that these, and messages like them, are declined)."""

    examples: list[ShortText] = Field(
        default_factory=list,
        description="Messages members might send that the bot must not answer, e.g. "
        '"what\'s the best pizza in town" or a question about a career it does not cover.',
    )


# --------------------------------------------------------------------------- careers


class Career(_Strict):
    slug: Slug
    name: ShortText = Field(description="Singular display name, e.g. 'Receptionist'.")
    plural: ShortText | None = None
    aliases: list[ShortText] = Field(
        default_factory=list, description="Other names people use for it (typos are handled)."
    )
    soc_code: Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}$")] | None = None
    summary: Text
    related: list[Slug] = Field(default_factory=list, description="Slugs of related careers.")
    sources: list[Id] = Field(min_length=1)


class CareerFile(_Strict):
    career: Career


class Metric(StrEnum):
    MEDIAN_PAY_ANNUAL = "median_pay_annual"
    MEDIAN_PAY_HOURLY = "median_pay_hourly"
    AVERAGE_PAY_ANNUAL = "average_pay_annual"
    PAY_RANGE_ANNUAL = "pay_range_annual"
    PAY_BY_LEVEL = "pay_by_level"
    PAY_PERCENTILE = "pay_percentile"
    PAY_REGIONAL = "pay_regional"
    GROWTH = "growth"
    EMPLOYMENT = "employment"
    ANNUAL_OPENINGS = "annual_openings"
    MARKET_DEMAND = "market_demand"
    AUTOMATION_RISK = "automation_risk"
    WORK_LIFE_RATING = "work_life_rating"
    STRESS_LEVEL = "stress_level"
    RIASEC = "riasec"
    EDUCATION = "education"
    TRAINING_LENGTH = "training_length"
    OTHER = "other"


Unit = Literal["usd_per_year", "usd_per_hour", "percent", "count", "score_10", "weeks", "years"]


class Fact(_Strict):
    """One figure as one or more sources state it.

    A number is ``value``; a range is ``low``/``high`` (``open_ended`` for "$95,000+");
    a worded value ("High school diploma", "Medium") is ``text``. Where sources disagree,
    each version is its own fact with its own sources and period, and exactly one fact per
    metric (and level/percentile/dimension) is marked ``leading``: the most recent official one.
    """

    id: Id
    metric: Metric
    label: ShortText | None = Field(default=None, description="How to show it, if not obvious.")
    value: float | None = None
    low: float | None = None
    high: float | None = None
    open_ended: bool = False
    bound: Literal["below", "above", "from", "about"] | None = Field(
        default=None, description="'less than', 'more than', 'from … up', '~' as the seed says."
    )
    text: ShortText | None = None
    unit: Unit | None = None
    period: ShortText | None = None
    level: Level | None = None
    percentile: Annotated[int, Field(ge=1, le=99)] | None = None
    region: ShortText | None = None
    qualifier: ShortText | None = Field(
        default=None, description="e.g. 'union workers', 'part-time', 'Level 07'."
    )
    dimension: ShortText | None = Field(default=None, description="RIASEC dimension name.")
    leading: bool = False
    sources: list[Id] = Field(min_length=1)
    note: Text | None = None

    @property
    def version_key(self) -> tuple[object, ...]:
        """Facts with the same key are versions of one figure (e.g. median pay by source):
        exactly one of them leads, and answers show the others after it."""
        return (
            self.metric,
            self.level,
            self.percentile,
            self.dimension,
            self.qualifier,
            self.region,
        )

    @model_validator(mode="after")
    def _has_a_value(self) -> Fact:
        if self.value is None and self.low is None and self.high is None and self.text is None:
            raise ValueError("a fact needs 'value', 'low'/'high' or 'text'")
        if (self.low is None) != (self.high is None) and not self.open_ended:
            raise ValueError("a range needs both 'low' and 'high' (or 'open_ended: true')")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("'low' is greater than 'high'")
        return self


class FactsFile(_Strict):
    facts: list[Fact] = Field(min_length=1)


class SalaryRange(_Strict):
    low: float
    high: float
    open_ended: bool = False
    sources: list[Id] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> SalaryRange:
        if self.low > self.high:
            raise ValueError("'low' is greater than 'high'")
        return self


class CareerLevel(_Strict):
    level: Level
    name: ShortText = Field(description="e.g. 'Entry level'.")
    titles: list[ShortText] = Field(default_factory=list)
    experience: ShortText | None = Field(default=None, description="As stated, e.g. '0–2 years'.")
    min_years: float | None = None
    max_years: float | None = None
    education: ShortText | None = None
    certifications: list[ShortText] = Field(default_factory=list)
    certifications_note: ShortText | None = Field(
        default=None, description="e.g. 'Optional', 'Recommended', 'Preferred'."
    )
    duties: list[ShortText] = Field(default_factory=list)
    salary: SalaryRange | None = None
    sources: list[Id] = Field(min_length=1)


class LadderStep(_Strict):
    title: ShortText
    experience: ShortText | None = None
    level: Level | None = None
    summary: Text | None = None


class Ladder(_Strict):
    """An advancement path as one source describes it (sources describe different ones)."""

    id: Id
    name: ShortText
    steps: list[LadderStep] = Field(min_length=1)
    sources: list[Id] = Field(min_length=1)


class LevelsFile(_Strict):
    levels: list[CareerLevel] = Field(default_factory=list)
    ladders: list[Ladder] = Field(default_factory=list)


class Item(_Strict):
    """One entry of a list: a skill, a tool, a certification, a book…"""

    name: ShortText
    detail: Text | None = None
    issuer: ShortText | None = Field(default=None, description="Who issues a certification.")
    group: ShortText | None = Field(default=None, description="Sub-heading, e.g. 'Soft skills'.")
    sources: list[Id] = Field(min_length=1)


class ListsFile(_Strict):
    skills: list[Item] = Field(default_factory=list)
    tools: list[Item] = Field(default_factory=list)
    certifications: list[Item] = Field(default_factory=list)
    resources: list[Item] = Field(default_factory=list)
    industries: list[Item] = Field(default_factory=list)
    types: list[Item] = Field(default_factory=list, description="Kinds/specialisations of role.")


# --------------------------------------------------------------------------- Q&A


class Entry(_Strict):
    """A question members ask, the ways they phrase it, and our answer."""

    id: Id
    topic: TopicSlug = Field(
        description="What the entry is about: any lowercase slug (words joined by '-' or "
        "'_'). The engine's own topics (salary, skills, education, outlook…) also connect "
        "the entry to the words members use for them.",
        json_schema_extra={"examples": [t.value for t in Topic]},
    )
    question: Question = Field(description="Shown as a 'did you mean' choice: ≤100 characters.")
    phrasings: list[Annotated[str, StringConstraints(min_length=2, max_length=300)]] = Field(
        min_length=2, description="Other ways people ask it; each must find this entry first."
    )
    answer: AnswerText
    level: Level | None = None
    facts: list[Id] = Field(
        default_factory=list, description="Ids of facts to show with the answer, with sources."
    )
    sources: list[Id] = Field(min_length=1)
    related: list[Id] = Field(default_factory=list, description="Ids of related entries.")


class QAFile(_Strict):
    entries: list[Entry] = Field(min_length=1)


FILE_MODELS: dict[str, type[_Strict]] = {
    "sources": SourcesFile,
    "synonyms": SynonymsFile,
    "decline": DeclineFile,
    "career": CareerFile,
    "facts": FactsFile,
    "levels": LevelsFile,
    "lists": ListsFile,
    "qa": QAFile,
}
"""Schema name -> root model. ``knowledge/schema/<name>.schema.json`` is generated from it."""
