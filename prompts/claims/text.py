"""Splitting a reasoning into clauses and finding the numbers in it, each with its kind.

A claim is read within one clause (a sentence, or a part of it between semicolons or bullets), so
that a number is never attributed to a word of another statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import BAND_WORDS, REGION_WORDS, alternation

# A sentence ends at . ! ? followed by space/end (not the point of a decimal, nor "i.e."/"e.g."), or
# at a line break or a bullet; a clause also ends at a semicolon, except inside parentheses
# ("(z +1.4; positive valence)" is one statement). Kept as character offsets so claims can quote
# the original text.
_SENTENCE = re.compile(r"(?<![ie]\.[ge])(?<!\b[A-Za-z]\.)(?<=[.!?])\s+(?=\S)|(?<=\d\ss\.)\s+(?=[A-Z])|(?<=\ds\.)\s+(?=[A-Z])|"
                       r"\n+\s*(?:(?:[*•]|-(?![\d.]))\s*)?|^\s*(?:[*•]|-(?![\d.]))\s*")  # "… around 16 s. It didn't": a unit
# ends the sentence; a minus before a number at a line's start ("-0.09   # balanced") is no bullet
_CLAUSE = re.compile(r";\s*(?![^()]*\))")

MINUS = "−–"  # unicode minus and en dash, both written for negative numbers
# A bound before a number, not its value: "top <.30", "under 10%", "below 0.10" (group 1: the bound's word)
BOUND_BEFORE = re.compile(r"(\b(?:under|below|less than|at most|no more than|above|over|more than|at least|"
                          r"exceeding)|<=|>=|<|>|≤|≥)\s*$", re.I)


_TABLE_ROW = re.compile(r"(?m)^[ \t]*\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"^[\s|:-]+$")


# A row of a long-format band table: "| occipital | alpha | −1.21 |" names one region's band.
_REGION_BAND_CELLS = re.compile(r"\s*\|?\s*(?:" + alternation(REGION_WORDS) + r")\s*\|\s*(?:" + alternation(BAND_WORDS) +
                                r")\s*\|", re.I)


def _table_row(row: str) -> str:
    """A Markdown table row as the statement it makes, same length: "| Bad channels | Fp1, Fp2 |" reads
    " Bad channels : Fp1, Fp2  " (the first cell names what the rest gives), "| occipital | alpha | −1.21 |"
    reads " occipital   alpha   −1.21 " (a region's band and its value), a rule row "|---|" is blank."""
    if _TABLE_RULE.match(row):
        return " " * len(row)
    bars = [i for i, ch in enumerate(row) if ch == "|"]
    chars = list(row)
    region_band = bool(_REGION_BAND_CELLS.match(row))
    for n, i in enumerate(bars):
        chars[i] = " " if n in (0, len(bars) - 1) or (region_band and n in (1, 2)) else ":" if n == 1 else ","
    return "".join(chars)


def _spoken_number(m: re.Match) -> str:
    """A number dictated in words as digits, padded with spaces to the words' length: "minus point
    three eight" → "-0.38" and spaces, "thirty two" (before "per cent") → "32" and spaces."""
    sign, whole, decimals = m.group("sign"), m.group("whole"), m.group("decimals")
    if not whole and not decimals:
        return m.group(0)  # a sign word alone ("plus"), or nothing
    if decimals and not whole and not sign and len(decimals.split()) < 3:
        return m.group(0)  # "at this point one could argue": a bare "point" needs two digits ("point four one")
    value = str(number_word(" ".join(whole.split())) if whole else 0)
    if decimals:
        value += "." + "".join("0" if d.lower() == "oh" else str(_UNITS.index(d.lower())) for d in decimals.split()[1:])
    if sign:
        value = ("-" if sign.lower() == "minus" else "+") + value
    return value.ljust(len(m.group(0)))


# A line of code or a notebook's output: an assignment ("faa = -0.09"), a prompt (">>> ev.faa") or a
# comment after two spaces ("-0.09        # balanced").
_CODE_LINE = re.compile(r"^\s*(?:>>>|\.\.\.\s|[A-Za-z_][\w.\[\]'\"]+(?:\s*,\s*[\w.]+)*\s*=\s(?!.*[.;:,]\s*$))|\S\s{2,}#\s")
# (an assignment's name has two characters or more, and its line does not end as a sentence does:
# "p = 0.48), then fear (16–32 s, p = 0.42)." is a wrapped sentence)


def _kept_apart(text: str, m: re.Match) -> bool:
    """Whether the line break `m` ends or starts a row of cells ("frontal | alpha | 0.90") or a lab
    notebook's item ("occ α↓ −1.35 → higher arousal"): such lines stay apart."""
    before = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
    after_end = text.find("\n", m.end())
    after = text[m.end():after_end if after_end >= 0 else len(text)]
    if "|" in before or "|" in after:
        return True
    if any(_CODE_LINE.search(line) for line in (before, after)):
        return True  # "top, second = 0.39, 0.18   # fear, disgust" / "margin = top - second   # 0.21": lines of code
    # An arrow counts in the sentence at the break only: "… Stable over time\n(disgust 44%, 33%, 40%).
    # Parietal alpha reduced → higher arousal." is one sentence wrapped, whatever the next one holds.
    near = (re.split(r"[.!?]\s", before)[-1], re.split(r"[.!?](?:\s|$)", after)[0])
    return any(mark in part for part in near for mark in ("→", "->", "↑", "↓"))


def normalise(text: str, rows_as_statements: bool = True) -> str:
    """The same text with unicode minus signs, non-breaking spaces and underscores replaced, numbers in
    words and decimal commas as digits, and (unless `rows_as_statements` is off, for a reader of the
    cells) Markdown table rows read as statements (same length)."""
    for ch in MINUS:
        text = text.replace(ch, "-")
    # "frontal_delta_z", "runner_up=surprise": a spreadsheet's names read as words
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("_", " ")
    if "\n" in text:
        text = _SOFT_BREAK.sub(lambda m: m.group(0) if _kept_apart(text, m) else " " * len(m.group(0)), text)
    if "," in text:
        text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    if _SPOKEN_HINT.search(text):
        text = _SPOKEN.sub(_spoken_number, text)
    return _TABLE_ROW.sub(lambda m: _table_row(m.group(0)), text) if rows_as_statements and "|" in text else text


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str  # normalised text of the clause
    sentence: str  # the whole sentence it belongs to (for context a claim may need)


def _split(pattern: re.Pattern, text: str, offset: int = 0) -> list[tuple[int, int]]:
    out, position = [], 0
    for match in pattern.finditer(text):
        if match.start() > position:
            out.append((offset + position, offset + match.start()))
        position = max(position, match.end())
    if position < len(text):
        out.append((offset + position, offset + len(text)))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, split as the claim reader splits it, so that a claim
    can be traced to the sentence it was read from (offsets hold in `text` and in `normalise(text)`)."""
    norm = normalise(text)
    return [(start, end) for start, end in _split(_SENTENCE, norm) if norm[start:end].strip()]


def clauses(text: str) -> list[Clause]:
    norm = normalise(text)
    out = []
    for s_start, s_end in _split(_SENTENCE, norm):
        sentence = norm[s_start:s_end]
        for c_start, c_end in _split(_CLAUSE, sentence, s_start):
            if norm[c_start:c_end].strip():
                out.append(Clause(c_start, c_end, norm[c_start:c_end], sentence))
    return out


@dataclass(frozen=True)
class Number:
    start: int  # offset in the clause
    end: int
    value: float
    decimals: int  # digits after the point as written: how precisely the number was stated
    kind: str  # percent | z | seconds | probability | count | plain
    signed: bool  # written with an explicit sign


_NUMBER = re.compile(r"(?<![\w.])([+-]?)(\d+(?:\.\d+)?|\.\d+)(?![\d])")
_AFTER_PERCENT = re.compile(r"\s*(?:%|percent\b|per cent\b|pct\b)", re.I)
_AFTER_SD = re.compile(r"\s*(?:SDs?\b|sd\b|standard deviations?\b|σ|std\b|z\b)", re.I)
_BEFORE_Z = re.compile(r"(?:\bz(?:[- ]?scores?)?|\bz-?value)\s*(?:of|=|:|at|was|is|around|about|~|≈)?\s*\(?\s*$", re.I)
_AFTER_SECONDS = re.compile(r"\s*(?:-\s*)?(?:s\b|sec\b|secs\b|seconds?\b)", re.I)
_BEFORE_PROBABILITY = re.compile(r"(?:\bp\s*(?:\(\s*\w+\s*\))?\s*[=:]|probabilit(?:y|ies)(?:\s+of)?|likelihood(?:\s+of)?|\bprob\.?|"
                                 r"score(?:\s+of)?|confidence(?:\s+of)?)\s*(?:=|:|is|was|at|of)?\s*\(?\s*$", re.I)
_AFTER_COUNT = re.compile(r"\s*(?:-\s*)?(?:EEG\s+)?(?:channels?|electrodes?|leads?)\b", re.I)


BEFORE_WINDOW = 80  # characters: enough for any phrase that ends right before a number ("the z-score of (")


def ends_before(pattern: re.Pattern, text: str, end: int, window: int = BEFORE_WINDOW) -> re.Match | None:
    """`pattern`, anchored at `$`, matched against what comes just before `end` (offsets in `text`).
    Searching the whole prefix for each number made a long clause quadratic: 20,000 characters of
    numbers took 14 s."""
    return pattern.search(text, max(0, end - window), end)


def numbers(clause: str) -> list[Number]:
    out = []
    for match in _NUMBER.finditer(clause):
        sign, digits = match.group(1), match.group(2)
        value = float(sign + digits if digits[0] != "." else sign + "0" + digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        after = clause[match.end():match.end() + BEFORE_WINDOW]
        if _AFTER_PERCENT.match(after):
            kind = "percent"
        elif ends_before(_BEFORE_Z, clause, match.start()) or _AFTER_SD.match(after):
            kind = "z"
        elif _AFTER_SECONDS.match(after):
            kind = "seconds"
        elif _AFTER_COUNT.match(after) and decimals == 0:
            kind = "count"
        elif ends_before(_BEFORE_PROBABILITY, clause, match.start()) and 0 <= value <= 1:
            kind = "probability"
        else:
            kind = "plain"
        out.append(Number(match.start(), match.end(), value, decimals, kind, bool(sign)))
    return out


def stated_precision(number: Number) -> float:
    """Half a unit of the last digit written: "0.4" may stand for 0.35–0.45, "+0.23" for 0.225–0.235."""
    return 0.5 * 10.0 ** (-number.decimals) + 1e-9


# Numbers written as words: "Thirty-two channels", "nineteen-channel", "seven were rejected".
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORD = (r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(_UNITS[1:10]) + r"))?|" +
               "|".join(sorted(_UNITS, key=len, reverse=True)) + r")")


def number_word(word: str) -> int | None:
    """The value of a count written in digits or words ("62", "Thirty-two"), else None."""
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    if word in _UNITS:
        return _UNITS.index(word)
    tens, _, unit = word.replace(" ", "-").partition("-")
    if tens in _TENS and (not unit or unit in _UNITS[1:10]):
        return 20 + 10 * _TENS.index(tens) + (_UNITS.index(unit) if unit else 0)
    return None


def amount(value: str) -> float:
    """A stated amount, in digits or words ("12", "12.5", "twelve", "forty-one")."""
    return float(value) if value[0].isdigit() else float(number_word(value) or 0)


def unit_seconds(unit: str) -> float:
    """Seconds in one of a stated unit: "min", "minutes" → 60; "s", "sec", "seconds" → 1."""
    return 60.0 if unit.lower().startswith("min") else 1.0


# A share written in words: "about a quarter", "a little over half", "under a third", "two in five",
# "roughly a fifth", "most". The qualifier says how the share relates to the value.
_SHARES = {"half": 1 / 2, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3, "two-thirds": 2 / 3,
           "a quarter": 1 / 4, "one quarter": 1 / 4, "three quarters": 3 / 4, "three-quarters": 3 / 4,
           "a fifth": 1 / 5, "one fifth": 1 / 5, "two fifths": 2 / 5, "three fifths": 3 / 5, "four fifths": 4 / 5,
           "a tenth": 1 / 10, "one tenth": 1 / 10, "a sixth": 1 / 6, "one sixth": 1 / 6, "five sixths": 5 / 6,
           "an eighth": 1 / 8, "one eighth": 1 / 8, "three eighths": 3 / 8, "five eighths": 5 / 8, "seven eighths": 7 / 8,
           "three tenths": 3 / 10, "seven tenths": 7 / 10, "nine tenths": 9 / 10}
_SHARES.update({word.replace(" ", "-"): value for word, value in _SHARES.items() if " " in word and not word.startswith("a ")})
QUALIFIERS = {"about": "about", "around": "about", "roughly": "about", "approximately": "about", "some": "about",
               "close to": "about", "nearly": "just_under", "almost": "just_under", "just under": "just_under",
               "a little under": "just_under", "slightly under": "just_under", "just below": "just_under",
               "a little less than": "just_under", "slightly less than": "just_under", "just over": "just_over",
               "a little over": "just_over", "slightly over": "just_over", "a shade over": "just_over",
               "a bit over": "just_over", "just above": "just_over", "a little more than": "just_over",
               "slightly more than": "just_over", "well over": "well_over", "well above": "well_over",
               "well under": "well_under", "well below": "well_under", "under": "under", "below": "under",
               "less than": "under", "fewer than": "under", "over": "over", "above": "over", "more than": "over",
               "at least": "at_least", "at most": "at_most", "up to": "at_most"}
_IN = r"(one|two|three|four|five|six|seven|eight|nine|\d)\s+(?:chances?\s+)?(?:in|out of)\s+(two|three|four|five|six|seven|" \
      r"eight|nine|ten|\d+)\b"
FRACTION = re.compile(r"\b(?:(" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True)) + r")\s+)?(?:(" +
                      "|".join(sorted(map(re.escape, _SHARES), key=len, reverse=True)) + r")|" + _IN + r"|(most|"
                      r"the (?:vast )?majority|nearly all|almost all|a minority))\b(?!\s*-?\s*(?:s\b|sec|seconds?|minutes?))",
                      re.I)


@dataclass(frozen=True)
class Share:
    start: int
    end: int
    value: float
    relation: str  # about | under | over | just_under | just_over | well_under | well_over | at_least | at_most


def shares(clause: str) -> list[Share]:
    out = []
    for m in FRACTION.finditer(clause):
        qualifier, word, numerator, denominator, loose = m.groups()
        relation = QUALIFIERS[qualifier.lower()] if qualifier else "about"
        if word:
            value = _SHARES[word.lower()]
        elif numerator:
            top, bottom = number_word(numerator), number_word(denominator)
            if not bottom or top is None or top > bottom:
                continue
            value = top / bottom
        else:
            loose = loose.lower()
            value, relation = (0.5, "under") if loose == "a minority" else (0.9, "at_least") if "all" in loose else \
                (0.5, "over")
        out.append(Share(m.start(), m.end(), value, relation))
    return out


def share_holds(measured: float, share: Share) -> bool:
    """Whether a measured fraction is what the share says: "about" within 5 points, "just over/under"
    within 8 points on the stated side, "over/under" on that side, "well over/under" by 5 points or more."""
    value, eps = share.value, 0.005
    return {"about": abs(measured - value) <= 0.05 + eps,
            "just_under": value - 0.08 - eps <= measured <= value + eps,
            "just_over": value - eps <= measured <= value + 0.08 + eps,
            "under": measured < value + eps, "over": measured > value - eps,
            "well_under": measured <= value - 0.05 + eps, "well_over": measured >= value + 0.05 - eps,
            "at_least": measured >= value - eps, "at_most": measured <= value + eps}[share.relation]


# Numbers dictated in words ("minus one point zero three", "point four one", "thirty two per cent"): a
# decimal with "point", or a whole number before "percent"; other number words are left as they are.
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_SPOKEN = re.compile(r"(?<![\w-])(?=minus\b|plus\b|point\b|" + NUMBER_WORD + r"\b)(?:(?P<sign>minus|plus)\s+)?(?:(?P<whole>" + NUMBER_WORD + r")(?=\s+point\s|\s+(?:percent|per\s+cent)"
                     r"\b)\s*)?(?P<decimals>(?:(?<=\s)|(?<![\w-]))point(?:\s+" + _DIGIT_WORD + r")+)?(?![\w-])", re.I)
_SPOKEN_HINT = re.compile(r"\bpoint\s+" + _DIGIT_WORD + r"\b|\b" + NUMBER_WORD + r"\s+(?:percent|per\s+cent)\b", re.I)

# A line break inside a sentence, as a mail client or a note's width leaves it ("… sad\n27%, neutral …"):
# the line before does not end a statement and the next one continues it (lower case, a number, a
# bracket, a quoted lower-case word), not an item of its own (a bullet, a tick or cross, a table row, "key: value", "2. …").
_SOFT_BREAK = re.compile(r"(?<=[^\s.!?:;|])[ \t]*\n(?=[ \t]*(?![-*•✓✗✘☐☑|]|\d+[.)]\s|[\w ./()-]{1,30}:\s)[a-z0-9(%−+])"
                         r"|(?<=[a-z])[ \t]*\n(?=[ \t]*[\"“‘'][a-z])")  # "… edges out\n"anger" — 29% to 23%"
# A decimal comma ("−0,83", "0,26"): one digit, a comma, one or two digits, not a list of numbers
# ("1,2,3"; "segments 1,2 and 3": one digit after the comma and a whole number after "and").
_DECIMAL_COMMA = re.compile(r"(?<![\d,.])([-+−]?\d),(\d{1,2})(?!\d|,\d)"
                            r"(?!(?<=,\d)\s*(?:and|or|&)\s*\d+(?![,.]?\d))")
