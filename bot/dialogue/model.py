"""The dialogue format as frozen, typed models: what a YAML file in ``dialogues/`` may say."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

IDENTIFIER = r"^[a-z][a-z0-9_]{0,39}$"
Identifier = Annotated[str, Field(pattern=IDENTIFIER)]

# Names every template can use; answers may not be saved under them.
RESERVED_NAMES = frozenset(
    {
        "name",
        "lang",
        "answers",
        "profile",
        "loop",
        "range",
        "dict",
        "lipsum",
        "cycler",
        "vague",
        "vague_plan",
        "plan_gap",
        "pick",
        "pushy",
        "today",
    }
)
# An end node's full text is saved under this name when it has details behind a button.
SUMMARY = "summary"
# A retaken track is given its last run's answers under this name.
PREVIOUS = "previous"
UNSAVABLE = RESERVED_NAMES | {SUMMARY, PREVIOUS}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class LocalText(_Frozen):
    """A text in every supported language; each is a Jinja2 template string."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang``."""
        return self.nl if lang == "nl" else self.en


class TemplateRef(_Frozen):
    """A text kept in ``prompts/<lang>/<template>`` (one file per language)."""

    template: str = Field(pattern=r"^[A-Za-z0-9_./-]+\.j2$")


def _text_kind(value: Any) -> str:
    return "file" if isinstance(value, dict) and "template" in value else "inline"


# Tagged, so a text with a missing language is reported as that, not also as a bad template.
Text = Annotated[
    Annotated[LocalText, Tag("inline")] | Annotated[TemplateRef, Tag("file")],
    Discriminator(_text_kind),
]
UNION_TAGS = frozenset({"inline", "file"})


class LocalList(_Frozen):
    """A list of short plain texts in every supported language, in the same order."""

    nl: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(min_length=2, max_length=6)
    en: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def _same_length(self) -> LocalList:
        if len(self.nl) != len(self.en):
            raise ValueError("'nl' and 'en' need the same number of items")
        return self

    def get(self, lang: str) -> list[str]:
        """The items in ``lang``."""
        return self.nl if lang == "nl" else self.en


class Ladder(_Frozen):
    """One row of a ladder chart: its name and an expression giving the level (1 = lowest)."""

    label: LocalText
    value: str = Field(min_length=1)


class LadderChart(_Frozen):
    """A picture of ladders with the user's level marked on each, sent as an image."""

    title: LocalText
    levels: LocalList
    ladders: list[Ladder] = Field(min_length=1, max_length=6)


class Commitment(_Frozen):
    """What the user commits to at the end, and after how many days to check in on it."""

    text: str = Field(min_length=1)
    follow_up_days: str = Field(min_length=1)


class CheckIn(_Frozen):
    """Closes the commitment a check-in dialogue is about, recording how it went."""

    outcome: str = Field(min_length=1)


class Branch(_Frozen):
    """One rule of a branching ``next``: go to ``goto`` if ``if`` holds (no ``if``: default)."""

    condition: str | None = Field(default=None, alias="if", min_length=1)
    goto: Identifier


Next = Identifier | list[Branch]


class _Node(_Frozen):
    text: Text
    compute: dict[Identifier, str] = Field(default_factory=dict)
    chart: LadderChart | None = None

    @model_validator(mode="after")
    def _computes_not_reserved(self) -> _Node:
        reserved = sorted(set(self.compute) & UNSAVABLE)
        if reserved:
            raise ValueError(f"'compute' may not use the reserved name {reserved[0]!r}")
        return self

    def targets(self) -> list[str]:
        """Every node id this node can lead to."""
        return []


class _Flowing(_Node):
    next: Next

    @model_validator(mode="after")
    def _default_last(self) -> _Flowing:
        if isinstance(self.next, list):
            _check_branches(self.next)
        return self

    def targets(self) -> list[str]:
        """Every node id this node can lead to."""
        return [self.next] if isinstance(self.next, str) else [b.goto for b in self.next]

    def branches(self) -> list[Branch]:
        """``next`` as an ordered list of rules ending with a default."""
        return [Branch(goto=self.next)] if isinstance(self.next, str) else list(self.next)


def _check_branches(branches: list[Branch]) -> None:
    if not branches:
        raise ValueError("'next' needs at least one rule")
    *rules, last = branches
    if last.condition is not None:
        raise ValueError("the last rule of 'next' must be a default without 'if' (just 'goto')")
    if any(rule.condition is None for rule in rules):
        raise ValueError("only the last rule of 'next' may leave out 'if'")


class SayNode(_Flowing):
    """Shows a message and moves on by itself."""

    type: Literal["say"]


class _Question(_Flowing):
    save: Identifier

    @model_validator(mode="after")
    def _not_reserved(self) -> _Question:
        if self.save in UNSAVABLE:
            raise ValueError(f"'save' may not use the reserved name {self.save!r}")
        return self


OptionValue = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,24}$")] | int


class Option(_Frozen):
    """One button of a choice: what is stored, what is shown, optionally where it leads."""

    value: OptionValue
    label: LocalText
    next: Identifier | None = None


class ChoiceNode(_Question):
    """A single choice, shown as buttons."""

    type: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=12)
    next: Next | None = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _options_consistent(self) -> ChoiceNode:
        values = [str(o.value) for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError("two options have the same 'value'; each needs its own")
        if self.next is None and any(o.next is None for o in self.options):
            raise ValueError("give the choice a 'next', or give every option its own 'next'")
        return self

    def targets(self) -> list[str]:
        """Every node id this node can lead to."""
        own = super().targets() if self.next is not None else []
        return [o.next for o in self.options if o.next is not None] + own

    def branches(self) -> list[Branch]:
        """The node's own ``next`` rules (options with their own ``next`` are handled first)."""
        return super().branches() if self.next is not None else []


class MultiNode(_Question):
    """Several options toggled on and off, then "Done"; saved as the chosen values in option
    order. An ``exclusive`` option (such as "none") deselects every other one."""

    type: Literal["multi"]
    options: list[Option] = Field(min_length=2, max_length=12)
    min: int = Field(default=1, ge=0, le=12)
    max: int | None = Field(default=None, ge=1, le=12)
    exclusive: list[OptionValue] = Field(default_factory=list)

    @model_validator(mode="after")
    def _options_consistent(self) -> MultiNode:
        values = [str(o.value) for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError("two options have the same 'value'; each needs its own")
        if any(o.next is not None for o in self.options):
            raise ValueError(
                "an option of a 'multi' question cannot have its own 'next'; "
                "use rules in the question's 'next' (e.g. if: \"'email' in channels\")"
            )
        _check_multi_limits(self, values)
        return self

    def is_exclusive(self, value: str | int) -> bool:
        """True if choosing ``value`` deselects every other option."""
        return str(value) in {str(v) for v in self.exclusive}


def _check_multi_limits(node: MultiNode, values: list[str]) -> None:
    for option in node.options:
        for lang in ("nl", "en"):
            if "," in option.label.get(lang):
                raise ValueError(
                    f"the label of option {option.value!r} contains a comma; typed answers are "
                    "split on commas, so leave it out"
                )
    unknown = [v for v in node.exclusive if str(v) not in values]
    if unknown:
        raise ValueError(f"'exclusive' names {unknown[0]!r}, which is not an option's value")
    if node.max is not None and node.min > node.max:
        raise ValueError("'min' is larger than 'max'")
    if node.max is not None and node.max > len(values):
        raise ValueError(f"'max' is {node.max}, but there are only {len(values)} options")
    plain = len(values) - len(set(map(str, node.exclusive)))
    if node.min > max(plain, 1):
        raise ValueError(f"'min' is {node.min}, but only {plain} options can be chosen together")
    if node.exclusive and node.min > 1:
        raise ValueError("an 'exclusive' option is chosen on its own, so 'min' can be at most 1")


class TextNode(_Question):
    """A free-text question."""

    type: Literal["text"]
    min_length: int = Field(default=1, ge=1)
    max_length: int = Field(default=1000, ge=1, le=3000)

    @model_validator(mode="after")
    def _bounds(self) -> TextNode:
        if self.min_length > self.max_length:
            raise ValueError("'min_length' is larger than 'max_length'")
        return self


class NumberNode(_Question):
    """A number question with optional bounds."""

    type: Literal["number"]
    min: float | None = None
    max: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _bounds(self) -> NumberNode:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is larger than 'max'")
        return self


class ScaleNode(_Question):
    """A 1-5 scale, shown as five buttons with optional words for both ends."""

    type: Literal["scale"]
    low: LocalText | None = None
    high: LocalText | None = None


class ProfileFields(_Frozen):
    """Stores the user's profile (in the profile dialogue): an expression for each field."""

    market: str = Field(min_length=1)
    product: str = Field(min_length=1)
    role: str = Field(min_length=1)
    experience: str = Field(min_length=1)
    channels: str = Field(min_length=1)

    def fields(self) -> list[tuple[str, str]]:
        """(field, expression) for every field."""
        return [(key, getattr(self, key)) for key in PROFILE_FIELDS]


PROFILE_FIELDS = ("market", "product", "role", "experience", "channels")


class DateNode(_Question):
    """A day from today on: a button (tomorrow, next Monday, ...) or typed ("vrijdag",
    "5-12", "Dec 5"); saved as ISO text such as ``2026-12-04``."""

    type: Literal["date"]
    max_days: int = Field(default=90, ge=1, le=365)


class EndNode(_Node):
    """Ends the dialogue; its text is the summary. It may record a commitment, close one
    (in a check-in), store the profile (in the profile dialogue), or start another dialogue
    (``start_dialogue``: an expression giving a dialogue id, or an empty string for none)."""

    type: Literal["end"]
    commitment: Commitment | None = None
    check_in: CheckIn | None = None
    profile: ProfileFields | None = None
    start_dialogue: str | None = None


Node = Annotated[
    SayNode | ChoiceNode | MultiNode | TextNode | NumberNode | ScaleNode | DateNode | EndNode,
    Field(discriminator="type"),
]
Question = ChoiceNode | MultiNode | TextNode | NumberNode | ScaleNode | DateNode
NODE_TYPES = ("say", "choice", "multi", "text", "number", "scale", "date", "end")


DialogueKind = Literal["track", "entry", "checkin", "profile"]
# What a check-in dialogue is given when it starts, about the commitment it follows up.
CHECKIN_INPUTS = ("commitment", "commitment_id", "days_ago", "track_title")


class Dialogue(_Frozen):
    """One dialogue file: metadata in both languages, a start node and the nodes."""

    id: Identifier
    kind: DialogueKind = "track"
    title: LocalText
    description: LocalText
    start: Identifier
    nodes: dict[Identifier, Node] = Field(min_length=1)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Names the dialogue is given when it starts (a check-in gets its commitment)."""
        return CHECKIN_INPUTS if self.kind == "checkin" else ()

    @model_validator(mode="after")
    def _check_ins_only_in_checkins(self) -> Dialogue:
        closing = [k for k, n in self.nodes.items() if isinstance(n, EndNode) and n.check_in]
        if closing and self.kind != "checkin":
            raise ValueError(f"'check_in' on {closing[0]!r} needs 'kind: checkin' at the top")
        storing = [k for k, n in self.nodes.items() if isinstance(n, EndNode) and n.profile]
        if storing and self.kind != "profile":
            raise ValueError(f"'profile' on {storing[0]!r} needs 'kind: profile' at the top")
        return self

    def questions(self) -> dict[str, Question]:
        """The nodes that wait for the user's answer."""
        return {k: n for k, n in self.nodes.items() if not isinstance(n, SayNode | EndNode)}
