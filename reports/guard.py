"""The prescription guard: a note drafts observations, it never names, prescribes or doses medication.

Every text that enters a note passes it: clinician edits and comments are refused with a
`ReportError` that quotes the offending words; model text, which is untrusted, is withheld whole.

What is refused, sentence by sentence (`prescription_words` finds the first):
  1. a medication's name (generic, brand, INN stem, or one letter off a listed name, including
     spaced-out, hyphen-split and look-alike-letter spellings) or a drug class ("an SSRI", "benzos");
  2. a dose, schedule or route ("10mg", "half a tablet", "1 cap od", "750 bd", "nocte", "1-0-1",
     "sublingually");
  3. starting, stopping or changing medication ("consider pharmacotherapy", "taper off", "review
     meds"), unless the sentence says medication is outside the note ("… outside the scope").
Words that only look like medication are kept: a protocol that prescribes a task, a lithium battery,
millilitres of electrode gel, a tablet computer, electrode caps, packet drops, caffeine as a stimulant.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from encoders.errors import ReportError

from prompts import medications as m

# Letters of other scripts that look like Latin ones, used to slip a name past a word list.
_LOOK_ALIKES = str.maketrans("аеорсхуіјѕкмнтвАЕОРСХУІЈЅКМНТВοαειкνρτυχΟΑΒΕΗΙΚΜΝΡΤΧΥΖ",
                             "aeopcxyijskmhtbAEOPCXYIJSKMHTBoaeikvptuxOABEHIKMNPTXYZ")
_DIGIT_LETTERS = str.maketrans("013457@$", "oieastas")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff®™©]")
_SPACED_LETTERS = re.compile(r"\b(?:[A-Za-z][ \-_·]){3,}[A-Za-z]\b|\b(?:[A-Za-z]\.){4,}[A-Za-z]\b")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9@$]*(?:[-'][A-Za-zÀ-ÿ]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\"'])|\n+")


def visible_text(text: str) -> str:
    """`text` in its compatibility form (full-width letters, ligatures) without the invisible
    characters and marks that split a word for a reader but not for the eye."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or ""))


def _normalised(text: str) -> str:
    text = visible_text(text)
    text = re.sub(r"\S+", lambda w: w.group(0).translate(_LOOK_ALIKES)
                  if re.search("[A-Za-z]", w.group(0)) else w.group(0), text)
    # A digit between letters ("Br0mazepam") stands for a letter; channel names ("FC5") end in digits.
    text = re.sub(r"\b[A-Za-z]+(?:[0-9@$][A-Za-z]+)+\b",
                  lambda w: w.group(0).translate(_DIGIT_LETTERS), text)
    return _SPACED_LETTERS.sub(lambda w: re.sub(r"[ \-_·.]", "", w.group(0)), text)


# ---- names ---------------------------------------------------------------------------------------

_NAMES = frozenset(m.GENERICS.split()) | frozenset(m.BRANDS.split())
_UPPER = frozenset(m.UPPER_ABBREVIATIONS)
_CLASSES = re.compile(r"\b(?:" + "|".join(m.CLASS_PATTERNS) + r")\b", re.I)
_CONDITIONS = re.compile(r"\b(?:" + m.CONDITION_SUBSTANCES + r")\b", re.I)
_NOT_MEDICATION_AFTER = {"lithium": re.compile(r"^[\s-]*(?:ion|battery|batteries|cell|cells|polymer|coin)\b", re.I)}


@lru_cache(maxsize=1)
def _near_index() -> dict[str, frozenset[str]]:
    """Listed names of seven letters or more by their first two and last three letters: a misspelt
    name keeps one end."""
    index: dict[str, set[str]] = {}
    for name in _NAMES:
        if len(name) >= 7 and name.isalpha():
            index.setdefault("<" + name[:2], set()).add(name)
            index.setdefault(">" + name[-3:], set()).add(name)
    return {key: frozenset(names) for key, names in index.items()}


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions (optimal string alignment), stopping past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def _is_name(word: str) -> bool:
    low = word.lower().strip("'-")
    low = re.sub(r"(?:'s|’s)$", "", low)
    if low in m.NOT_DRUGS or len(low) < 3:
        return False
    if low in _NAMES or (low.endswith("s") and low[:-1] in _NAMES):
        return True
    if len(low) >= 7 and low.isalpha() and any(low.endswith(stem) for stem in m.STEMS):
        return True
    if len(low) >= 7 and low.isalpha():
        index = _near_index()
        limit = 2 if len(low) >= 10 else 1
        candidates = index.get("<" + low[:2], frozenset()) | index.get(">" + low[-3:], frozenset())
        return any(_distance(low, name, limit) <= limit for name in candidates if len(name) >= 7)
    return False


def _named_medication(sentence: str) -> str | None:
    words = list(_WORD.finditer(sentence))
    for i, match in enumerate(words):
        word = match.group(0)
        if word in _UPPER:
            return word
        parts = [word, word.replace("-", ""), *word.split("-")] if "-" in word else [word]
        for part in parts:
            if _is_name(part):
                after = _NOT_MEDICATION_AFTER.get(part.lower())
                if after and after.match(sentence[match.end():]):
                    continue
                return word
        # A name split by a space or a hyphen ("sertra line", "lora- zepam") is read whole.
        if i + 1 < len(words) and words[i + 1].start() - match.end() <= 2:
            joined = (word + words[i + 1].group(0)).replace("-", "").lower()
            if joined in _NAMES:
                return sentence[match.start():words[i + 1].end()]
    for name in m.CJK_NAMES:
        if name in sentence:
            return name
    found = _CLASSES.search(sentence)
    if found:
        if re.fullmatch(r"(?:non-?)?stimulants?", found.group(0), re.I) and _CONDITIONS.search(sentence):
            return None
        if re.search(r"(?:meds|medications?|medicines?)$", found.group(0), re.I) and _SCOPE.search(sentence):
            return None  # "antiseizure medication was not reviewed in this report"
        return found.group(0)
    return None


# ---- doses, schedules, routes ---------------------------------------------------------------------

_NUMBER = (r"(?:\d+(?:[.,]\d+)?(?:\s*/\s*\d+)?|[½¼¾⅓]|(?:" + "|".join(m.NUMBER_WORDS) + r")(?:[- ](?:"
           + "|".join(m.NUMBER_WORDS) + r"))?|half(?: of)?(?: an?)?|an? (?:half|quarter)(?: of an?)?)")
_NOT_A_DOSE_AFTER = (r"(?!\s+(?:of\s+)?(?:electrode|conductive|abrasive|contact)?\s*(?:gel|paste|saline|water|"
                     r"electrolyte|solution for the electrodes|skin|signal|data|packets?|samples?|frames?|cap|"
                     r"size|sizes|computer|pc|device|screen|app)|\s+per\s+(?:electrode|site|channel|sensor))")
_DOSES = re.compile(
    r"\b" + _NUMBER + r"\s*-?\s*(?:" + m.MASS_UNITS + r")(?:\s*/\s*(?:kg|day|d|h|hr|dose))?\b"
    r"|\b" + _NUMBER + r"\s*-?\s*(?:" + m.VOLUME_UNITS + r")\b" + _NOT_A_DOSE_AFTER
    + r"|(?<!packet )(?<!signal )(?<!frame )(?<!sample )(?<!electrode )(?<!eeg )\b" + _NUMBER
    + r"\s*-?\s*(?:" + m.COUNT_UNITS + r")(?![\w])" + _NOT_A_DOSE_AFTER
    + r"|\b(?:take|takes|taking|took|give|gives|giving|gave|swallow\w*|chew\w*|crush\w*|dissolve\w*|"
      r"administer\w*|prescribe\w*|missed|skip\w*|had|has|have)\s+(?:\w+\s+){0,2}?(?:an?|the|one|her|his|their) "
      r"(?:tablet|capsule|pill|lozenge|sachet|suppository|"
      r"ampoule|vial)s?\b"
      r"(?!\s+(?:computer|pc|device|screen|app|stand|holder))"
    + r"|\b(?:" + m.STRONG_SCHEDULES + r")(?![\w])"
    + r"|\b\d+(?:[.,]\d+)?\s*(?:" + m.WEAK_SCHEDULES + r")\b"
      r"(?!\s+(?:sessions?|recordings?|runs?|blocks?|trials?|visits?|measurements?|epochs?|windows?))"
    + r"|(?<![\d-])\b[0-2](?:[.,]5|½)?-[0-2](?:[.,]5|½)?-[0-2](?:[.,]5|½)?(?:-[0-2](?:[.,]5|½)?)?\b(?![\d-])"
    + r"|\b(?:" + m.STRONG_ROUTES + r")\b",
    re.I,
)


_ELECTRODE_SYSTEMS = re.compile(r"\b10\s*[-–/]\s*(?:20|10|05|5)\b")  # "a 10–20 cap" names a montage


_ELECTRODE_PREPARATION = re.compile(r"\b(?:gel|paste|saline|electrolyte|conductive|signagel|abrasive)\b", re.I)
_VOLUME = re.compile(r"(?:" + m.VOLUME_UNITS + r")$", re.I)
_MASS = re.compile(r"(?:" + m.MASS_UNITS + r")(?:\s*/\s*\w+)?$", re.I)


def _dose(sentence: str) -> str | None:
    sentence = _ELECTRODE_SYSTEMS.sub("electrode-system", sentence)
    for found in _DOSES.finditer(sentence):
        words = found.group(0)
        if _VOLUME.search(words) and _ELECTRODE_PREPARATION.search(sentence):
            continue  # "~1 ml per electrode of SignaGel"
        if _MASS.search(words) and _CONDITIONS.search(sentence[max(0, found.start() - 30):found.end() + 30]):
            continue  # "two cups of coffee (~200 mg caffeine)": a recording condition
        return words
    return None


# ---- starting, stopping, changing ----------------------------------------------------------------

_NOT_MEDICATION_DOSE = re.compile(r"\b(?:light|photic|stimul\w*|radiation|sound|noise|exposure|flash\w*|"
                                  r"intensity|response|training|feedback|sleep|clips?|movies?|films?|videos?|"
                                  r"trials?|practice|music|tones?|level)\b|['‘’\"“”]dose['‘’\"“”]", re.I)
_VERB = r"\b(?:" + m.DIRECTIVE_VERBS + r")\w*"
_OBJECT = r"\b(?:" + m.MEDICATION_OBJECTS + r")\b"
_DIRECTIVE = re.compile(_VERB + r"(?:\W+\w+){0,7}?\W+" + _OBJECT + "|" + _OBJECT + r"(?:\W+\w+){0,5}?\W+" + _VERB,
                        re.I)
_PHRASES = re.compile(r"\b(?:" + "|".join(m.MEDICATION_PHRASES) + r")\b", re.I)
_SCOPE = re.compile(r"\b(?:" + "|".join(m.SCOPE_STATEMENTS) + r")", re.I)
_PRESCRIBER = re.compile(r"\b(?:" + m.NON_MEDICAL_PRESCRIBERS + r")\b(?:\W+\w+){0,4}?\W+prescri\w*"
                         r"|prescri\w*(?:\W+\w+){0,3}?\W+(?:" + m.NON_MEDICAL_PRESCRIBERS + r")\b", re.I)


def _directive(sentence: str) -> str | None:
    if _SCOPE.search(sentence):
        return None
    for found in (*_PHRASES.finditer(sentence), *_DIRECTIVE.finditer(sentence)):
        words = found.group(0)
        if words.lower().startswith("prescri") and _PRESCRIBER.search(sentence):
            continue  # "the protocol prescribes five minutes eyes closed"
        if re.search(r"\bdos(?:e|es|age|ing)\b|titrat", words, re.I) and not re.search(
                r"\b(?:medication|medicine|meds|drugs?|tablets|pills|capsules)\b", words, re.I) \
                and _NOT_MEDICATION_DOSE.search(sentence):
            continue  # "the dose of light", "a dose-response curve", "intensity titrated up"
        return words
    return None


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def prescription_words(text: str) -> str | None:
    """The first words of `text` that name, dose or prescribe medication, or None when there are none."""
    for sentence in _sentences(_normalised(text)):
        for find in (_named_medication, _dose, _directive):
            words = find(sentence)
            if words:
                return words.strip()
    return None


def check_no_prescriptions(text: str) -> None:
    """Refuse medication or dosing language: the tool drafts observations, it never prescribes."""
    words = prescription_words(text)
    if words:
        raise ReportError(f"The note contains prescription-like text ({words!r}); notes from this research "
                          f"tool must not name, prescribe or dose medication, so remove it and save again.")


def without_prescriptions(text: str, what: str) -> str:
    """Model text is untrusted: withhold it whole rather than carry dosing language into a note."""
    if prescription_words(text):
        return f"[{what} withheld: it contained medication or dosing language, which a note must not carry]"
    return text
