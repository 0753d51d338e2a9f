"""Checks on what a salesperson typed, for conditions and texts: ``vague()``, ``vague_plan()``,
``plan_gap()``, ``pick()``, ``pushy()`` and ``short``.

Pure functions without I/O. ``vague`` tells a non-answer ("weet niet", "idk", "?", "niks",
one filler word, keyboard mash) from real content, in Dutch and English; ``vague_plan`` also
refuses plans that commit to nothing ("gewoon doorgaan", "same as always"), and ``plan_gap``
says why; ``pick`` reads a typed "1" or "2" as one of the examples offered; ``pushy`` spots a
text that still pushes an offer ("20% korting", "bestel nu", "buy now"); ``short`` turns a
long answer into a phrase a text can quote.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

from markupsafe import Markup

# Whole answers that say nothing (compared after normalising: lower case, no accents, no
# punctuation, and without the softeners below).
_VAGUE_PHRASES = """
    weet niet | weet het niet | weet niet goed | weet niet precies | weet ik veel | weet veel
    | geen idee | geen flauw idee | geen flauw benul | geen antwoord | geen mening | nvt
    | niet van toepassing
    | niks | niets | geen | nog niet | maakt niet uit | maakt me niet uit | boeit niet
    | boeit me niet | zegt me niks | zegt me niets | geen zin | van alles | alles | iets | dingen
    | idk | dunno | dont know | do not know | dont really know | no idea | have no idea
    | not sure | unsure | no clue | not a clue | nothing | none | nada | na | n a
    | no comment | whatever | doesnt matter | does not matter | dont care | who knows
    | not applicable | something | stuff | things | everything | anything | pass | skip
    | volgende | next | later | geen commentaar | niet zeker | onbekend | unknown
"""


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


VAGUE_PHRASES = frozenset(p.strip() for p in _VAGUE_PHRASES.split("|"))

# Words that carry no content on their own; an answer made only of them is vague.
FILLERS = _set(
    """
    ja nee neen ok oke okay okido prima goed misschien wellicht mogelijk tja nou eh ehm uh uhm
    um umm hm hmm mm pff pfff boe tsja ach sorry test testen asdf qwerty yes yeah yep yup no
    nope nah maybe perhaps fine sure well so oh ah meh lol haha hihi hoi hallo hello hi hey
    xd ik i me mij wij we dus
    """
)
# Saying no is not content either, but "no" inside "no idea" must stay for the phrase.
_NEGATIONS = frozenset({"nee", "neen", "no", "nope", "nah", "niet", "not", "geen"})
# Words that soften a non-answer without adding to it: "eh, weet ik eigenlijk niet echt".
SOFTENERS = (FILLERS - _NEGATIONS) | _set(
    """
    echt eigenlijk gewoon nog even helaas eerlijk gezegd zo snel hoor really honestly actually
    just yet still at all right now quite to be honest tbh het man joh dude
    """
)
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn")
_NEIGHBOURS = frozenset(
    pair for row in _KEYBOARD_ROWS for a, b in itertools.pairwise(row) for pair in (a + b, b + a)
)
_JOINED = re.compile(r"(?<=\w)[.'’/](?=\w)")  # n.v.t. -> nvt, don't -> dont, n/a -> na
_WORD = re.compile(r"[^\W_]+")
_LAUGH = re.compile(r"^(?:[hj][aeio])+h?$")
_VOWELS = frozenset("aeiouy")
_REPEATED = re.compile(r"(.{2,3}?)\1{2,}|(.{4,}?)\2+")  # jkjkjk, asdfasdf (not "papa")


def vague(value: Any) -> bool:
    """Whether ``value`` says nothing: empty, a non-answer, filler words, punctuation, mash.

    Numbers and other non-texts are answers (``vague(3)`` is false); ``None`` is vague.
    """
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    words = [_unstretched(w) for w in _words(value[:2000])]
    if any(c.isdigit() for w in words for c in w):
        return False  # "3", "2 klanten": a number is an answer
    meaning = [w for w in words if w not in SOFTENERS and not _noise(w)]
    if all(w in _NEGATIONS for w in meaning):
        return True
    while meaning:
        if " ".join(meaning) in VAGUE_PHRASES:
            return True
        if meaning[0] not in _NEGATIONS:
            return False
        meaning.pop(0)  # "nee, geen idee", "no, nothing"
    return False


# Plans that change nothing, as a whole answer ("gewoon doorgaan") or inside a short one
# ("doorgaan zoals ik bezig ben"); compared like vague phrases.
_SAME = """
    doorgaan | gewoon doorgaan | zo doorgaan | doorgaan zo | blijven doorgaan | gewoon verder
    | verder gaan | hetzelfde | keep going | carry on | continue | same | the same
    | more of the same
"""
_SAME_INSIDE = """
    zoals altijd | zoals ik bezig | zoals ik nu | zoals nu | zoals gewoonlijk | als altijd
    | hetzelfde als | niks bijzonders | niets bijzonders | niks nieuws | niets nieuws | zien wel
    | we zien wel | same as always | same as usual | as usual | as always | keep doing what
    | what i always do | nothing special | nothing new | see how it goes | well see
"""
# Good intentions that name no step to take ("meer posten", "do my best"), as a whole answer.
_INTENTIONS = """
    meer posten | meer verkopen | harder werken | mijn best doen | beter mijn best doen
    | beter worden | meer doen | post more | sell more | work harder | do my best | try harder
    | do better | do more
"""
SAME = frozenset(p.strip() for p in _SAME.split("|"))
SAME_INSIDE = tuple(p.strip() for p in _SAME_INSIDE.split("|"))
INTENTIONS = frozenset(p.strip() for p in _INTENTIONS.split("|"))
_SHORT_PLAN = 6  # words: a longer plan that says "zoals altijd" somewhere may still be concrete
_TOO_SHORT = 5  # characters of the words that count: "bel", "post" say nothing to tick off


def plan_gap(value: Any) -> str:
    """Why a commitment is not a step yet: "nothing", "same", "no_step", or "" when it is one.

    "nothing": a non-answer or too short to tick off ("niks", "post"); "same": keep going as
    I do ("gewoon doorgaan", "same as always"); "no_step": an intention without a step, one
    word or a wish ("bellen", "meer posten", "do my best").
    """
    if vague(value):
        return "nothing"
    if not isinstance(value, str):
        return ""
    every = _words(value[:2000])
    words = [w for w in every if w not in SOFTENERS]
    said, written = " ".join(words), " ".join(every)
    if {said, written} & SAME or (
        len(words) <= _SHORT_PLAN and any(f" {p} " in f" {written} " for p in SAME_INSIDE)
    ):
        return "same"
    if len(said) < _TOO_SHORT:
        return "nothing"
    if len(words) <= 1 or said in INTENTIONS:
        return "no_step"
    return ""


def vague_plan(value: Any) -> bool:
    """Whether a commitment commits to nothing: vague, one word, or "keep going as I do"."""
    return plan_gap(value) != ""


def pick(answer: Any, *choices: Any) -> Any:
    """The numbered choice an answer names ("2", "2.", "2)"), or the answer itself."""
    typed = str(answer).strip().rstrip(".)").strip() if isinstance(answer, str) else ""
    if typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1]
    return answer


# -- pushy ------------------------------------------------------------------------------------

# Words and phrases that push an offer, compared like vague phrases (whole words, lower case,
# no accents): a message holding one still sells before it gives.
_PUSH_WORDS = _set(
    """
    actie acties actieprijs actieprijzen actiecode weekactie zomeractie kerstactie uitverkoop
    sale bestel bestellen profiteer scoor discount discounts deals promo promos promotion coupon
    """
)
_PUSH_PHRASES = """
    nu kopen | koop nu | laatste kans | alleen vandaag | op is op | buy now | order now
    | shop now | book now | sign up now | special offer | special offers | our offer
    | this offer | new offer | best offer | limited offer | limited time | offer ends | today only
    | last chance | money off | while stocks last
"""
PUSH_PHRASES = tuple(p.strip() for p in _PUSH_PHRASES.split("|"))
# Inside a compound ("zomerkorting", "kortingscode", "openingsaanbieding"), but not "verkorting".
_PUSH_PARTS = ("korting", "aanbieding")
_NOT_PUSH = ("verkort", "inkort", "afkort")
_PERCENT_OFF = re.compile(r"\d\s*%\s*off\b", re.IGNORECASE)


def pushy(value: Any) -> bool:
    """Whether a text still pushes an offer: korting, actie, bestel nu, discount, buy now."""
    if not isinstance(value, str):
        return False
    words = _words(value[:2000])
    said = f" {' '.join(words)} "
    return (
        any(w in _PUSH_WORDS for w in words)
        or any(p in w and not w.startswith(_NOT_PUSH) for w in words for p in _PUSH_PARTS)
        or any(f" {p} " in said for p in PUSH_PHRASES)
        or _PERCENT_OFF.search(value[:2000]) is not None
    )


def _words(text: str) -> list[str]:
    """The words of ``text``: lower case, without accents or punctuation."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _WORD.findall(_JOINED.sub("", plain))


def _unstretched(word: str) -> str:
    """A filler typed stretched ("hmmmm", "jaaa", "neeee") as the filler itself."""
    return _STRETCHED.get(_squeeze(word), word)


def _squeeze(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _noise(word: str) -> bool:
    """A word without content: laughter, a single letter or a keyboard mash."""
    if len(_squeeze(word)) == 1 or _LAUGH.match(word):
        return True
    if len(word) < 4 or not word.isalpha() or not word.isascii():
        return False
    no_vowels = not (set(word) & _VOWELS)
    along_a_row = len(word) >= 5 and all(
        word[i : i + 2] in _NEIGHBOURS for i in range(len(word) - 1)
    )
    return no_vowels or along_a_row or _REPEATED.fullmatch(word) is not None


_STRETCHED = {_squeeze(w): w for w in sorted(FILLERS)}

# -- short ------------------------------------------------------------------------------------

SHORT_DEFAULT = 60
_SENTENCE_END = re.compile(r"[.!?;:\n](?=\s|$)|\s[–—-]\s|\s\(")
_CLAUSE_END = re.compile(r",\s")
_DANGLING = " \t.,;:!?-–—…/(&+"
# Small words a cut phrase should not end on ("... koppelingen aan…").
_TRAILING_SMALL = _set(
    """
    de het een en of maar aan van voor met in op bij naar om te tot door uit als dan die dat
    wat wie mijn onze jouw je ik we zij the a an and or but to of for with in on at by from as
    than that which who my our your i we they is are was be ook zodat omdat want dus hun
    ons zo dit deze so because their its it this these very heel erg
    """
)
_UNFINISHED = {"\u200d", "\ufe0f", "\ufe0e"}


def short(value: Any, width: int = SHORT_DEFAULT) -> Any:
    """``value`` as a phrase of at most ``width`` characters to quote in a text.

    The first sentence or clause, cut at a word with "…" when still too long; trailing
    punctuation removed. Escaped text (``Markup``) stays escaped exactly once.
    """
    if isinstance(value, Markup):
        return Markup.escape(short(value.unescape(), width))
    text = value if isinstance(value, str) else str(value)
    width = max(int(width), 10)
    head = " ".join(text[: 8 * width].split())
    more = not text[8 * width :].isspace() and len(text) > 8 * width
    if len(head) <= width and not more:
        return head.rstrip(_DANGLING) or head
    clause = _first_part(head, width)
    if clause is not None:
        return clause
    if len(head) < width:
        return head.rstrip(_DANGLING) + "…"
    return _cut(head, width)


def _first_part(text: str, width: int) -> str | None:
    """The first sentence, or else the first clause, if it reads as a phrase and fits."""
    for pattern in (_SENTENCE_END, _CLAUSE_END):
        for match in pattern.finditer(text, 0, width + 2):
            part = text[: match.start()].rstrip(_DANGLING)
            if 15 <= len(part) <= width:
                return part
    return None


def _cut(text: str, width: int) -> str:
    """``text`` cut at the last word that fits in ``width - 1`` characters, plus "…"."""
    end = width - 1
    while end > 1 and (_joins(text[end]) or text[end - 1] == "\u200d"):
        end -= 1  # never split an emoji sequence or a letter from its accent
    room = text[:end]
    words = room.split(" ")
    if len(words) > 1 and text[end] != " ":
        words = words[:-1]  # the last word was cut through
    while len(words) > 2 and words[-1].strip(_DANGLING).casefold() in _TRAILING_SMALL:
        words.pop()
    return (" ".join(words).rstrip(_DANGLING) or room) + "…"


def _joins(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (accent, joiner, variation, skin)."""
    return (
        char in _UNFINISHED
        or unicodedata.combining(char) > 0
        or "\U0001f3fb" <= char <= "\U0001f3ff"
    )
