"""The choice of a situation, checked against the reasoning's own steps: a situation-matching
rationale names the emotion the EEG fits, reads each lettered situation as an emotion, and picks
one. The pick holds when the situation it names was read as that emotion:

    "… fits happy best. Situations: surprise for A, happy for B, fear for C. … situation B fits best" → holds
    "… fits happy best. Situation A reads as happy, B as fear, C as horror. So situation C fits best" → fails
    "EEG: best fit = fear.  A) party -> happy  B) dark woods -> fear  Answer: B)"                     → holds

Written many ways: readings as "A: anger", "A = fear", "A -> sad", "for A I'd expect disgust",
"situation A (a funeral) evokes sadness", "A is a job interview (fear)", "surprise for A"; picks as
"situation B fits best", "Vignette B is the best match", "Choose B", "Answer: B)", "I'd go with
option B" (the last pick counts: "B fits best. No, wait: A fits best."); a negated emotion ("A is not
sad; it reads as happy") is not a reading. What a situation evokes is world knowledge, not a
measurement, so the readings themselves are not checked here (an evaluation knows each option's
intended emotion and scores the answer)."""

from __future__ import annotations

import re

# Emotion words (situations are read in everyday words: "frightening", "joyful", "a neutral state").
_EMOTIONS = {
    "happy": "happy", "happiness": "happy", "joy": "happy", "joyful": "happy", "joyous": "happy", "cheerful": "happy",
    "delighted": "happy", "glad": "happy",
    "surprise": "surprise", "surprised": "surprise", "surprising": "surprise", "astonished": "surprise",
    "neutral": "neutral",
    "sad": "sad", "sadness": "sad", "sorrow": "sad", "grief": "sad", "unhappy": "sad",
    "disgust": "disgust", "disgusted": "disgust", "disgusting": "disgust", "revulsion": "disgust",
    "fear": "fear", "fearful": "fear", "afraid": "fear", "frightening": "fear", "frightened": "fear", "scared": "fear",
    "scary": "fear", "terrified": "fear",
    "anger": "anger", "angry": "anger", "rage": "anger", "furious": "anger", "irritated": "anger", "annoyed": "anger",
    "infuriating": "anger", "enraged": "anger", "enraging": "anger", "saddening": "sad", "sorrowful": "sad",
    "joyous": "happy", "happily": "happy",
    "terror": "fear", "terrifying": "fear", "outrage": "anger", "outraged": "anger", "astonishment": "surprise",
    "calm": "neutral",
}
_EMOTION = r"\b(" + "|".join(sorted(_EMOTIONS, key=len, reverse=True)) + r")\b"
_EMOTION_RE = re.compile(_EMOTION, re.I)
_NEGATED = re.compile(r"\b(?:not|no|never|isn't|doesn't|don't|nothing)\b(?:\s+\w+){0,2}\s*$", re.I)


def _negated(text: str, at: int) -> bool:
    """Whether the word at `at` is negated by the few words before it ("not sad", "isn't really fear")."""
    return bool(_NEGATED.search(text[max(0, at - 40):at]))


_NAMED = r"\b(?:situations?|options?|vignettes?|scenarios?|choices?)\s+\(?([A-Ga-g])\)?(?![\w'])"
# Where a situation is named: "situation A", "option b", "A)", "A:", "A =", "A -", "A ->", "A is…",
# "B as…", "for C" — a bare letter only in capitals.
_MENTIONS = [re.compile(p) for p in (
    r"(?i:" + _NAMED + r")",
    r"(?<![\w'])([A-G])(?:\)|\s*:|\s*=|\s+-\s|\s*->|\s*→)",
    r"(?<![\w'])([A-G])\s+(?=(?:is|as|reads|evokes|would|suggests|goes|fits|matches|seems|looks|maps|corresponds|to)\b)",
    r"(?<![\w'])([A-G])(?=\s+\([^)]*\))",  # "A (receiving a promotion) would evoke joy"
    r"\b[Ff]or\s+([A-G])\b",
    r"\b[Ii]n\s+([A-G])\b",  # "… we would expect happiness, in B sadness"
    r"(?<![\w'])([A-G])\s*[–—]\s",  # "A — cockroach in the soup: disgust"
    r"(?:^|[:;]\s*)([A-G]),\s",  # "Situations: A, hearing footsteps behind you [fear]; B, …"
    r"(?<![\w'])([A-G])\s+(?=(?:describes|depicts|shows|involves|concerns)\b)",
    r"(?m)^\s*\|?\s*([A-G])\s*\|",  # a table row "A | joy"
)]
# "surprise for A": the emotion first.
_EMOTION_FIRST = re.compile(_EMOTION + r"\s+for\s+([A-G])\b(?![\w)])", re.I)
# "surprise (A), sad (B) and fear (C)": the emotion first, its letter in brackets.
_EMOTION_LETTER = re.compile(_EMOTION + r"\s*\(\s*([A-G])\s*\)", re.I)
# A list of bare pairs, "Candidates: A fear, B neutral, C sad" / "A evokes anger, B fear, C surprise":
# a capital letter right after a list separator, then the emotion word.
_LETTER_EMOTION = re.compile(r"(?:^|[,:;]\s*|\band\s+)((?-i:[A-G]))\s+" + _EMOTION + r"(?![\w'])", re.I)
_PICKS = [re.compile(p, re.I) for p in (
    r"(?:" + _NAMED + r"|(?<![\w'])((?-i:[A-G]))\)?)\s+(?:\([^)]*\)\s+)?(?:fits|matches)\s+(?:it\s+|the\s+eeg\s+)?best\b",
    r"(?:" + _NAMED + r"|(?<![\w'])((?-i:[A-G]))\)?)\s+(?:is|seems|looks)\s+(?:therefore\s+|thus\s+|so\s+|then\s+|clearly\s+)?"
    r"(?:the\s+)?(?:best|closest|most likely)(?:\s+(?:match|fit|choice|option))?\b",
    # "Situation A is therefore selected", "B is chosen", "Situation B is picked as the best match"
    r"(?:" + _NAMED + r"|(?<![\w'])((?-i:[A-G]))\)?)\s+(?:is|was|gets)\s+(?:therefore\s+|thus\s+|so\s+|then\s+)?"
    r"(?:selected|chosen|picked)\b",
    r"(?<![\w'])((?-i:[A-G]))\s+it\s+is\b",  # "B it is"
    r"(?:^|[.;:!]\s*)so\s+((?-i:[A-G]))(?=\s*(?:[.!]|$))",  # "So C."
    r"\bactually,?\s+(?:(?:situation|option|vignette)\s+)?((?-i:[A-G]))(?![\w'])",  # "Answer: A. Actually, C."
)]
# "Choose B", "Answer: B)", "I'd go with option B", "My pick is C", "I'd lean towards B", "pick the B".
_PICK_VERBS = re.compile(
    r"\b(?:final answer|answer|my pick is|pick(?:ed|ing)?|choice|choos(?:e|ing)|chosen|chose|"
    r"select(?:ed|ing)?(?: (?:situation|option|vignette|scenario))?|most likely (?:situation|option|vignette|scenario)|going with|"
    r"go with|go for|opt for|lean(?:ing)? towards|my answer is|the answer is|correct (?:option|situation|answer) is|"
    r"best(?: (?:option|situation|match))?(?: is)?|I'd say)\s*[:=]?\s*(?:is\s+)?(?:the\s+)?"
    r"(?:(?:situation|option|vignette)\s+([A-Ga-g])|\(?((?-i:[A-G]))\)?|((?-i:[a-g]))(?=\s*(?:[.!)]|$)))(?![\w'])"
    r"(?!\s+(?:is|reads|evokes|would|describes|depicts)\b)", re.I)  # "I'd say A is a calm scene": a reading
# The emotion the EEG fits: strong statements first, "closest to" only when none is made.
_FITTED_STRONG = [re.compile(p, re.I) for p in (
    r"\bfits\s+" + _EMOTION + r"\s+best\b",
    r"\bfits?\s*:?\s*(?:the\s+|an?\s+)?" + _EMOTION + r"(?:\s+emotion)?\b",  # "fits sadness", "fits: neutral"
    r"\b(?:best\s+)?fit\s+by\s+" + _EMOTION,  # "is best fit by surprise"
    r"\b(?:the\s+)?" + _EMOTION + r"\s+(?:emotion\s+)?fit\b",  # "showing the happy emotion fit"
    r"\bis\s+fit\s+" + _EMOTION,
    r"\b(?:best[- ]fitting|fitted)\s+emotion(?:\s+for\s+(?:this|the)\s+(?:eeg|recording))?\s*(?:[:=]|is)\s*" + _EMOTION,
    r"\bbest\s+match(?:es)?\s+(?:an?\s+|the\s+)?" + _EMOTION,
    r"\b(?:appears|seems|looks)\s+(?:to\s+be\s+)?(?:an?\s+)?" + _EMOTION,
    r"\bbest\s+(?:eeg\s+)?fit\s*(?:[:=]|is)?\s*" + _EMOTION,
    r"\b(?:most\s+)?(?:resembles|like|consistent\s+with|similar\s+to)\s+" + _EMOTION,
    r"\bsuggests\s+" + _EMOTION,
    r"\bread(?:s)?\s+(?:the\s+eeg|it|this(?:\s+recording)?)\s+as\s+" + _EMOTION,
    r"\beeg\s*:\s*" + _EMOTION,
    r"\bpoints?\s+to\s+" + _EMOTION,
)]
_FITTED_WEAK = re.compile(r"\bclosest\s+to\s+" + _EMOTION, re.I)


# Where a reading is stated ("a surprise party -> fear", "… would be read as surprise", "reads as"):
# the emotion after it, not a word of the situation's description before it.
_READING_MARKER = re.compile(r"->|→|\bread(?:s|ing)?\s+(?:as|like)\b|\bevokes?\b|\belicits?\b|\bi\.e\.|\bso\b", re.I)


def _emotion_in(segment: str) -> str | None:
    """The emotion a segment reads a situation as: the first after a reading marker if there is one,
    else the first (outside brackets first; negated ones skipped)."""
    marker = _READING_MARKER.search(segment)
    if marker:
        found = _emotion_in(segment[marker.end():].replace("->", " ").replace("→", " "))
        if found:
            return found
    outside = re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), segment)
    for text in (outside, segment):
        for m in _EMOTION_RE.finditer(text):
            if not _negated(text, m.start()):
                return _EMOTIONS[m.group(1).lower()]
    return None


def _picks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, letter) of every pick, in reading order."""
    found = []
    for pattern in _PICKS:
        found += [(m.start(), m.end(), next(g for g in m.groups() if g).upper()) for m in pattern.finditer(text)]
    found += [(m.start(), m.end(), next(g for g in m.groups() if g).upper()) for m in _PICK_VERBS.finditer(text)]
    return sorted(found)


def readings(text: str, picks: list[tuple[int, int, str]] | None = None) -> dict[str, str]:
    """Letter → the emotion the text reads that situation as (the first reading of each letter)."""
    picks = _picks(text) if picks is None else picks
    out: dict[str, str] = {}
    taken: list[tuple[int, int]] = []
    for m in _EMOTION_FIRST.finditer(text):
        out.setdefault(m.group(2).upper(), _EMOTIONS[m.group(1).lower()])
        taken.append(m.span())
    for m in _EMOTION_LETTER.finditer(text):
        out.setdefault(m.group(2).upper(), _EMOTIONS[m.group(1).lower()])
        taken.append(m.span())
    for m in _LETTER_EMOTION.finditer(text):
        out.setdefault(m.group(1).upper(), _EMOTIONS[m.group(2).lower()])
        taken.append(m.span())
    mentions = sorted({(m.start(1), m.end(1), m.group(1).upper()) for pattern in _MENTIONS for m in pattern.finditer(text)
                       if not any(a <= m.start(1) < b for a, b in taken)})
    for i, (start, end, letter) in enumerate(mentions):
        if letter in out or any(a <= start < b for a, b, _ in picks):
            continue
        stop = mentions[i + 1][0] if i + 1 < len(mentions) else len(text)
        sentence_end = re.search(r"[.!?\n]", text[end:stop])
        emotion = _emotion_in(text[end:end + sentence_end.start()] if sentence_end else text[end:stop])
        if emotion:
            out[letter] = emotion
    return out


def _clauses(text: str, separators: str) -> list[tuple[int, str]]:
    """(offset, clause) of the pieces between `separators`."""
    out, start = [], 0
    for m in re.finditer(separators, text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    return out + [(start, text[start:])]


def fitted_emotion(text: str) -> str | None:
    """The emotion the reasoning says the EEG fits, from clauses that name no situation ("Best EEG
    fit: anger" whole, or "the EEG fits fear best" after "Situation C fits best:")."""
    pieces = _clauses(text, r"[.;\n,]|\bwhereas\b|\bbut\b") + _clauses(text, r"[.;:\n,]|\bwhereas\b|\bbut\b")
    clauses = [(at, c) for at, c in pieces if not any(p.search(c) for p in _MENTIONS[:3]) and not _PICK_VERBS.search(c)]
    for patterns in (_FITTED_STRONG, [_FITTED_WEAK]):
        found = [(at + m.start(1), m.group(1)) for at, c in clauses for p in patterns for m in p.finditer(c)]
        if found:
            return _EMOTIONS[max(found)[1].lower()]
    return None


def _choice(text: str, picks: list[tuple[int, int, str]], read: dict[str, str],
            emotion: str | None) -> tuple[str, bool, str, str] | None:
    """(claim text, holds, measured, why) for the situation the text picks last, or None when it
    picks none, names no fitted emotion, or reads no situation (nothing to hold the pick to)."""
    if not picks or emotion is None or not read:
        return None
    start, end, letter = picks[-1]
    measured = ", ".join(f"{x}: {e}" for x, e in sorted(read.items()))
    words = text[start:end].strip()
    if read.get(letter) == emotion:
        return words, True, measured, f"situation {letter} was read as {emotion}, the emotion the EEG fits"
    elsewhere = [x for x, e in sorted(read.items()) if e == emotion]
    why = (f"situation {letter} was read as {read[letter]}, not {emotion}" if letter in read
           else f"situation {letter} was not read as any emotion")
    if elsewhere:
        why += f"; {emotion} was situation {', '.join(elsewhere)}"
    return words, False, measured, why


# A statement restricted to the situations' emotions ("of these", "among the options", "best of the
# three", "of fear, disgust and sadness") that names what fits.
# A list of emotions ends at its "and"/"or"/"/" element: "among neutral, surprise and fear, neutral is…".
_LISTED = _EMOTION + r"(?:\s*,\s*" + _EMOTION + r")*(?:\s*,?\s*(?:and|or)\s+|\s*/\s*)" + _EMOTION + \
    r"(?:\s*/\s*" + _EMOTION + r")*"
_RESTRICTING_LIST = r"\b(?:among|of|between)\s+" + _LISTED
_RESTRICTING_LIST_RE = re.compile(_RESTRICTING_LIST, re.I)
_AMONG = re.compile(
    r"\b(?:among|of|between|from)\s+(?:them|these|those|the\s+(?:three|options|candidates|situations|choices|"
    r"scenarios|vignettes|emotions\s+offered|three\s+emotions(?:\s+offered)?|ones\s+offered|options'\s+emotions|"
    r"situations'\s+emotions))\b"
    r"|\b(?:of|among)\s+(?:the\s+)?(?:three|options|candidates|choices)\b|\bof\s+the\s+three\b"
    r"|" + _RESTRICTING_LIST, re.I)
# Where the winner is the subject ("disgust edges out sadness", "fear has the highest probability",
# "the encoder rates anger highest", "fear wins") or the object ("fits anger best", "the best fit is
# sad", "most consistent with disgust", "I'd pick neutral").
_GAP = r"(?:\s*\([^)]*\)|\s*\[[^\]]*\]|\s+(?:at|with|=|:)?\s*\d+(?:\.\d+)?%?|\s*,)*\s*"
_WINNER_FIRST = re.compile(
    _EMOTION + _GAP + r"(?:is\s+|has\s+|was\s+)?(?:clearly\s+|probably\s+|still\s+)?(?:the\s+)?"
    r"(?:edges\s+out|beats|outscores|outranks|wins|leads|tops|comes\s+out\s+(?:on\s+)?top|"
    r"(?:scores|ranks|is\s+rated|rates)\s+(?:the\s+)?highest|(?:the\s+)?highest|(?:the\s+)?strongest|"
    r"carries\s+the\s+most|(?:the\s+)?best(?:\s+(?:fit|match))?|(?:the\s+)?closest(?:\s+match)?|"
    r"fits\s+(?:the\s+eeg\s+)?best|matches\s+(?:the\s+eeg\s+)?best|most\s+likely)\b", re.I)
_WINNER_AFTER = re.compile(
    r"(?:\bfits?\s+(?:it\s+)?|\bbest\s+(?:fit|match)(?:\s+(?:among|of)\s+[\w']+(?:\s+[\w']+){0,2})?\s*(?:is|:|=)?\s*|"
    r"\bbest(?:\s+(?:among|of)\s+[\w']+(?:\s+[\w']+){0,2})?\s*(?:is|:|=)\s*|\bclosest\s+to\s+|"
    r"\b(?:winner|answer|choice|pick)\s+(?:is|:|=)\s*|"
    r"\bmost\s+(?:strongly\s+)?(?:consistent\s+with|supports?|like|resembles?)\s+|\bmatches\s+|"
    r"\b(?:lines?\s+up\s+best\s+with|pick|choose|go\s+with|prefer)\s+)" + _EMOTION, re.I)


def _sentences(text: str) -> list[str]:
    """Sentences, and the clauses a conclusion starts ("…, so fear is the closest match")."""
    return [c for part in re.split(r"(?:[.;!?](?=\s|$)|\n)+", text)
            for c in re.split(r",?\s+so\s+|,?\s+thus\s+|,?\s+hence\s+", part)]


def _restricted_fit(text: str, offered: set[str]) -> str | None:
    """The emotion the text last says fits the EEG best among the situations' emotions (`offered`, the
    emotions it read them as): from a clause that restricts itself to them ("of these", "among fear,
    disgust and sad") or names two or more of them, the winner it names (the last one; never a
    member of the restricting list itself, nor a negated one)."""
    found = None
    for clause in _sentences(text):
        named = {_EMOTIONS[m.group(1).lower()] for m in _EMOTION_RE.finditer(clause) if not _negated(clause, m.start())}
        if not (_AMONG.search(clause) or len(named & offered) >= 2):
            continue
        lists = [m.span() for m in _RESTRICTING_LIST_RE.finditer(clause)]
        winners = [(m.start(), m.group(1)) for m in _WINNER_FIRST.finditer(clause)]
        winners += [(m.start(1), m.group(1)) for m in _WINNER_AFTER.finditer(clause)]
        winners = [(at, w) for at, w in winners
                   if not _negated(clause, at) and not any(a <= at < b for a, b in lists)]
        if winners:
            found = _EMOTIONS[max(winners)[1].lower()]
    return found


def _fit(text: str, read: dict[str, str], fitted: str | None, probabilities: dict[str, float],
         first: str | None) -> tuple[str, bool, str, str] | None:
    """(claim text, holds, measured, why) when the reasoning says the EEG fits an emotion other than
    the pattern match's `first` among the emotions it read the situations as ("Fear is not among
    them; anger, second in the pattern match, is. Of these the EEG fits anger best."): that emotion
    must be the one of them the encoder rates highest. None when there is nothing of the kind."""
    offered = set(read.values())
    if not offered or not probabilities:
        return None
    emotion = _restricted_fit(text, offered) or fitted
    rated = {e: probabilities[e] for e in offered if e in probabilities}
    if emotion is None or emotion == first or emotion not in rated:
        return None
    measured = ", ".join(f"{e} {p:.0%}" for e, p in sorted(rated.items(), key=lambda x: -x[1]))
    leader = max(rated, key=rated.get)
    if rated[emotion] >= rated[leader] - 1e-9:
        return emotion, True, measured, f"of the situations' emotions the encoder rates {emotion} highest"
    return emotion, False, measured, f"of the situations' emotions the encoder rates {leader} highest, not {emotion}"


def situation_claims(text: str, probabilities: dict[str, float], first: str | None) -> dict[str, tuple]:
    """The situation claims of a reasoning, by kind, each (claim text, holds, measured, why):
    `situation_choice`, the pick held to the text's own readings; `situation_fit`, an emotion chosen
    among the situations' emotions held to the encoder's `probabilities` (`first`: the pattern
    match's first emotion). The text is read once for both."""
    picks = _picks(text)
    read = readings(text, picks)
    fitted = fitted_emotion(text)
    out = {}
    choice = _choice(text, picks, read, fitted)
    if choice:
        out["situation_choice"] = choice
    fit = _fit(text, read, fitted, probabilities, first)
    if fit:
        out["situation_fit"] = fit
    return out


__all__ = ["fitted_emotion", "readings", "situation_claims"]
