"""Chain-of-thought rationales built from the measured evidence, and the grammar to read them back.

A rationale (1) states the signal quality, (2) cites the valence and arousal indicators that the
evidence shows, each tied to its documented association (and a notable band finding without one as
having "no documented meaning for emotion", in the evidence's own words), (3) says whether those indicators agree
with each other and with the conclusion ("mixed" when they do not), and (4) ends with one
conclusion sentence. It only writes numbers that are in the `Evidence`, formatted as the prompt
shows them. The same module holds the patterns that find claims and conclusions in generated
text, so writing and checking cannot drift apart.

Associations (literature the synthetic cohort also follows):
* frontal alpha asymmetry, ln α(F4) − ln α(F3) > 0 (relatively more left-frontal activity) →
  approach, positive valence; < 0 → withdrawal, negative valence (Davidson 1992; Smith et al. 2017).
* lateral temporal β/γ power higher in positive than negative emotion (Zheng & Lu 2015).
* frontal(-midline) θ rises with arousal and engagement; posterior α desynchronises (falls)
  with arousal and rises when relaxed (Klimesch 1999; Aftanas & Golocheikine 2001).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from encoders.evidence import Evidence, Finding
from encoders.labels import EMOTIONS, SEVEN_EMOTIONS, LabelSpace, arousal_class, valence_class

from .answer_format import ABSTAIN
from .claims.associations import BAND_MEANINGS
from .evidence_text import NO_MEANING, format_percent, format_z, notable_band_findings, quality_problems, render_readout
from .openings import OPENINGS
from .ordering import CLASS_ORDER, order_line, pattern_class, shared_class_clause

RATIONALE_VERSION = "rationale-v6"


# Which way a valence or arousal class points (+1, 0, −1), as the indicators' signs do.
CLASS_SIGN = {"positive": 1, "neutral": 0, "negative": -1, "high": 1, "low": -1}


def expected_signs(emotion: str, space: LabelSpace = SEVEN_EMOTIONS) -> tuple[int, int]:
    """(valence sign, arousal sign) the class implies: +1, 0 or −1 (0 where the label set does not
    place the class on that dimension)."""
    valence, arousal = space.valence(emotion), space.arousal(emotion)
    return ({"positive": 1, "neutral": 0, "negative": -1, None: 0}[valence], {"high": 1, "low": -1, None: 0}[arousal])


@dataclass
class Cue:
    sentence: str
    dimension: str | None  # valence | arousal; None for a finding with no documented meaning
    sign: int  # +1 / −1: which way the indicator points (0 when it points nowhere)


# ---- cues from evidence ------------------------------------------------------------------------

_FAA_CUES = {
    "left": ["frontal alpha asymmetry is {v}, favouring the left hemisphere (approach, positive valence)",
             "frontal alpha asymmetry of {v} favours the left hemisphere, a sign of positive valence"],
    "right": ["frontal alpha asymmetry is {v}, favouring the right hemisphere (withdrawal, negative valence)",
              "frontal alpha asymmetry of {v} favours the right hemisphere, a sign of negative valence"],
}
# Why each documented band finding matters, in words (the meanings themselves: claims/associations.py).
_WHY = {("valence", 1): "typical of positive emotion", ("valence", -1): "typical of negative emotion",
        ("arousal", 1): "a sign of higher arousal", ("arousal", -1): "a sign of lower arousal"}
_ALPHA_WHY = {1: "alpha desynchronisation, a sign of higher arousal", -1: "a sign of a relaxed, low-arousal state"}
NO_MEANING_CUE = f"which has {NO_MEANING} for emotion"
BAND_CUES = {key: (dimension, sign, _ALPHA_WHY[sign] if key[1] == "alpha" else _WHY[(dimension, sign)])
              for key, (dimension, sign) in BAND_MEANINGS.items()}


def pattern_cue(ev: Evidence) -> str | None:
    """The encoder's pattern match as a sentence (top two), or None when there is none."""
    if not ev.pattern:
        return None
    (first, p1), *rest = ev.pattern
    text = f"the EEG pattern match rates it closest to {first} ({format_percent(p1)})"
    if rest:
        text += f", then {rest[0][0]} ({format_percent(rest[0][1])})"
    return text


def cues(ev: Evidence, rng: random.Random) -> list[Cue]:
    out: list[Cue] = []
    if ev.faa is not None and ev.faa_direction in _FAA_CUES:
        text = rng.choice(_FAA_CUES[ev.faa_direction]).format(v=f"{ev.faa:+.2f}")
        out.append(Cue(text, "valence", 1 if ev.faa_direction == "left" else -1))
    for finding in notable_band_findings(ev):
        _, region, band = finding.key.split(":")
        rule = BAND_CUES.get((region, band, finding.direction))
        measured = f"{region} {band} power is {finding.direction} ({format_z(finding.value)})"
        if rule:
            dimension, sign, why = rule
            out.append(Cue(f"{measured}, {why}", dimension, sign))
        else:
            # Cited with the evidence's own words for it: a rationale that only ever cites documented
            # findings teaches a small model to cite every finding and lend it a meaning.
            out.append(Cue(f"{measured}, {NO_MEANING_CUE}", None, 0))
    return out


def quality_sentence(ev: Evidence) -> str:
    text = f"Signal quality is {ev.quality_grade} ({ev.usable_seconds:.0f} of {ev.total_seconds:.0f} s usable"
    if ev.bad_channels:
        shown = ", ".join(ev.bad_channels[:4]) + (" and others" if len(ev.bad_channels) > 4 else "")
        text += f"; bad channels {shown} left out"
    return text + ")."


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def dimension_summary(found: list[Cue], dimension: str, expected: int) -> str:
    """A clause on whether the indicators of a dimension agree with each other and the conclusion."""
    signs = {c.sign for c in found if c.dimension == dimension}
    if not signs:
        return f"no {dimension} indicator stands out"
    word = {("valence", 1): "positive", ("valence", -1): "negative", ("arousal", 1): "higher", ("arousal", -1): "lower"}
    if len(signs) > 1:
        return f"the {dimension} evidence is mixed"
    sign = signs.pop()
    if expected == 0 or sign == expected:
        return f"the {dimension} evidence points to {word[(dimension, sign)]} {dimension}"
    return f"the {dimension} evidence points to {word[(dimension, sign)]} {dimension}, against the conclusion (mixed)"


def _summary(found: list[Cue], valence_sign: int, arousal_sign: int) -> str:
    return _sentence(f"{dimension_summary(found, 'valence', valence_sign)}; "
                     f"{dimension_summary(found, 'arousal', arousal_sign)}")


def readout_sentence(ev: Evidence, space: LabelSpace, dimensions: tuple[str, ...] | None = None) -> str | None:
    """The encoder's valence/arousal read-out as the evidence text shows it, as a sentence (None where
    the label set has none): the number a valence or arousal conclusion follows from."""
    text = render_readout(ev, space, dimensions)
    return f"Summed over the pattern match, the encoder reads {text}." if text else None


# ---- conclusions (written and parsed here) -----------------------------------------------------

CONCLUSION_EMOTION = "Overall the EEG pattern fits {label} best"
CONCLUSION_ABSTAIN = "The recording is too poor to judge the emotion"
CONCLUSION_UNSUPPORTED = "The evidence cannot support an emotion reading"
CONCLUSION_VA = "Overall this suggests {valence} valence and {arousal} arousal"
# A free question's answer on one dimension: worded apart from the emotion conclusion from its first
# word, so a model that has just cited a valence indicator in an emotion rationale is not one token
# away from closing on valence instead ("Overall this suggests negative valence" was).
CONCLUSION_DIMENSION = "Taken together this suggests {cls} {dimension}"
CONCLUSION_COMPARE = "So recording {n} has the higher {dimension}"
CONCLUSION_RANK = "So the order is {order}"
CONCLUSION_SCENARIO = "situation {letter} fits best"

# Each pattern reads the template sentence above and the close paraphrases a generating model
# writes instead ("suggests fear.", "the valence is negative, with high arousal", "Recording 2
# has the highest valence"): a conclusion is what the sentence says, not its exact wording.
_CONCLUSION_PATTERNS = {
    # "suggests fear.", "suggests fear, a negative emotion", "suggests fear is the closest match"
    "emotion": re.compile(r"(?:fits (\w+) best|suggests (\w+)(?:\.|,|\s+is\b))", re.I),  # other sets: _label_pattern
    "abstain": re.compile(r"too poor to judge|cannot support an emotion reading", re.I),
    "valence_arousal": re.compile(r"(?:suggests (positive|neutral|negative) valence and (high|low) arousal"
                                  r"|valence is (positive|neutral|negative), with (high|low) arousal)", re.I),
    # "Overall this suggests negative valence." / "Overall the recording has negative valence and high
    # arousal.": a closing sentence may name one dimension only. Anchored on "Overall" so the evidence
    # sentences ("the valence evidence points to negative valence") are never read as a conclusion.
    "valence_arousal_overall": re.compile(r"\b(?:Overall|Taken together)\b[^.;]*?\b(positive|neutral|negative) valence"
                                          r"(?:,? (?:and|with) (high|low) arousal)?", re.I),
    "compare": re.compile(r"Recording (\d+) (?:shows|has) (?:the )?(?:more|higher|highest|most)", re.I),
    "rank": re.compile(r"The order is ([\d, ]+\d)", re.I),
    "scenario": re.compile(r"Situation ([A-Z]) fits best", re.I),
}


_LABEL_KINDS = ("emotion", "abstain", "valence_arousal", "valence_arousal_overall")
# The conclusions that answer each task's question. A comparison that ends "Overall the results favour
# positive valence" has not answered "which recording?" with that sentence; its conclusion is the
# sentence that names a recording.
_KINDS_FOR_TASK = {"compare": ("compare", "abstain"), "rank": ("rank", "abstain"),
                   "scenario": ("scenario", "emotion", "abstain")}


def _label_pattern(labels: tuple[str, ...]) -> re.Pattern:
    """The class conclusion of a label set whose classes may be several words ("high valence")."""
    names = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?:fits ({names}) best|suggests ({names})(?:\.|,|\s+is\b))", re.I)


def conclusion_of(reasoning: str, task: str | None = None, labels: tuple[str, ...] = EMOTIONS) -> str | None:
    """The answer a reasoning text concludes, normalised like an Answer field; None if it concludes
    nothing we can read. The last conclusion sentence wins; with `task`, only sentences that answer
    that task's question count (any kind without one). `labels`: the classes a class conclusion may
    name (the checkpoint's label set)."""
    kinds = _KINDS_FOR_TASK.get(task, _LABEL_KINDS) if task else tuple(_CONCLUSION_PATTERNS)
    labels = tuple(labels)
    patterns = dict(_CONCLUSION_PATTERNS)
    if labels != EMOTIONS:
        patterns["emotion"] = _label_pattern(labels)
    known = {label.lower(): label for label in labels}
    best: tuple[int, str] | None = None
    for kind, pattern in patterns.items():
        if kind not in kinds:
            continue
        for match in pattern.finditer(reasoning):
            groups = [g for g in match.groups() if g is not None]
            if kind == "emotion":
                value = known.get(groups[0].lower())
                if value is None:
                    continue
            elif kind == "abstain":
                value = ABSTAIN
            elif kind == "valence_arousal":
                value = f"{groups[0].lower()} valence, {groups[1].lower()} arousal"
            elif kind == "valence_arousal_overall":
                value = f"{groups[0].lower()} valence" + (f", {groups[1].lower()} arousal" if len(groups) > 1 else "")
            elif kind == "compare":
                value = f"recording {match.group(1)}"
            elif kind == "rank":
                value = ", ".join(x.strip() for x in match.group(1).split(","))
            else:
                value = match.group(1).upper()
            if best is None or match.start() > best[0]:
                best = (match.start(), value)
    return best[1] if best else None


def _classes(label: str, space: LabelSpace = SEVEN_EMOTIONS) -> dict[str, str] | None:
    """{"valence": …, "arousal": …} that a class of the label set implies (the dimensions it is placed
    on), or that a valence/arousal label states (one or both dimensions: "negative valence", "negative
    valence, high arousal"); None for anything else."""
    if label in space.labels:
        placed = {d: space.class_on(label, d) for d in ("valence", "arousal")}
        return {d: c for d, c in placed.items() if c is not None} or None
    match = re.fullmatch(r"(positive|neutral|negative) valence(?:, (high|low) arousal)?", label)
    if not match:
        return None
    return {"valence": match.group(1), **({"arousal": match.group(2)} if match.group(2) else {})}


def conclusion_agrees(conclusion: str | None, answer: str | None, option_emotions: list[str] | None = None,
                      space: LabelSpace = SEVEN_EMOTIONS) -> bool:
    """Whether a reasoning's conclusion and the stated answer say the same thing: the same label;
    or, when one of them is a valence/arousal label, the same classes on every dimension both state
    ("fits fear best" and "negative valence, high arousal"; "suggests negative valence" and "sad");
    or, for a situation choice, an emotion conclusion that is the chosen situation's emotion
    (`option_emotions`, in letter order). Two different emotions never agree."""
    if conclusion is None or answer is None:
        return False
    if conclusion == answer:
        return True
    if option_emotions and len(answer) == 1 and answer.isalpha() and conclusion in space.labels:
        index = ord(answer.upper()) - ord("A")
        return 0 <= index < len(option_emotions) and option_emotions[index] == conclusion
    if conclusion in space.labels and answer in space.labels:
        return False
    left, right = _classes(conclusion, space), _classes(answer, space)
    if left is None or right is None:
        return False
    shared = set(left) & set(right)
    return bool(shared) and all(left[k] == right[k] for k in shared)


# ---- builders ----------------------------------------------------------------------------------


# Every rationale opens with the task it answers (`prompts.openings`): a small model that has
# committed to "Judging the emotion." in its first tokens does not drift into the valence/arousal or
# comparison shapes.
OPENING = {task: OPENINGS[task] for task in ("emotion", "record", "valence_arousal", "scenario")}


def _emotion_body(ev: Evidence, emotion: str, rng: random.Random, tokens_read: str | None = None,
                  space: LabelSpace = SEVEN_EMOTIONS) -> list[str]:
    """Quality, pattern match (or what the EEG tokens read, when the evidence text has no pattern
    match), cues and their agreement: the evidence part of a class judgement."""
    found = cues(ev, rng)
    valence_sign, arousal_sign = expected_signs(emotion, space)
    parts = [quality_sentence(ev)]
    pattern = pattern_cue(ev)
    if pattern:
        agree = ev.pattern[0][0] == emotion
        parts.append(_sentence(pattern + ("" if agree else f", so {emotion} is a closer call")))
    elif tokens_read:
        parts.append(_sentence(TOKENS_READ.format(label=tokens_read)))
    rng.shuffle(found)  # the order of cues carries no meaning; varying it stops rote copying
    parts += [_sentence(c.sentence) for c in found]
    parts.append(_summary(found, valence_sign, arousal_sign))
    parts.append(_sentence(CONCLUSION_EMOTION.format(label=emotion)))
    return parts


def emotion_rationale(ev: Evidence, emotion: str, rng: random.Random, clinical: bool = False,
                      tokens_read: str | None = None, space: LabelSpace = SEVEN_EMOTIONS) -> str:
    """Rationale for an answer in the label set (also the medical-record assessment when `clinical`).
    `tokens_read`: what the EEG tokens read, cited when the evidence carries no pattern match."""
    parts = [OPENING["record" if clinical else "emotion"]] + _emotion_body(ev, emotion, rng, tokens_read, space)
    if clinical:
        placed = _placement_words(emotion, space)
        parts[-1] = _sentence(CONCLUSION_EMOTION.format(label=emotion) + (f" ({placed})" if placed else "")
                              + "; research use, not a diagnosis")
    return " ".join(parts)


def _placement_words(label: str, space: LabelSpace) -> str:
    """"negative valence, high arousal": the classes of `label` on the dimensions the set places it."""
    return ", ".join(f"{space.class_on(label, d)} {d}" for d in ("valence", "arousal")
                     if space.class_on(label, d) is not None)


# What the EEG tokens read: the reading token carries the encoder's class probabilities, so a model
# given no evidence text can still cite the class it reads (checked against the pattern match).
TOKENS_READ = "the EEG tokens read closest to {label}"
EEG_ONLY_OPENING = "Judging the emotion from the EEG tokens alone; no measured evidence is given."


def eeg_only_rationale(emotion: str) -> str:
    """The rationale when the prompt carries only the EEG tokens: what they read, nothing invented."""
    return " ".join([EEG_ONLY_OPENING, _sentence(TOKENS_READ.format(label=emotion)),
                     _sentence(CONCLUSION_EMOTION.format(label=emotion))])


def without_reading(ev: Evidence) -> Evidence:
    """The evidence as the no-pattern prompt shows it: measured features only."""
    from dataclasses import replace

    return replace(ev, pattern=[], probabilities={}, timeline=[])


def abstain_rationale(ev: Evidence, task: str = "emotion") -> str:
    reasons = quality_problems(ev)  # as the evidence text's quality notes show them
    text = f"{OPENING[task]} {quality_sentence(ev)}"
    if reasons:
        text += " Problems: " + "; ".join(reasons) + "."
    return text + " The measured features cannot be trusted. " + _sentence(CONCLUSION_ABSTAIN)


def _va_words(emotion: str, space: LabelSpace = SEVEN_EMOTIONS) -> str:
    return f"{space.valence(emotion)} valence and {space.arousal(emotion)} arousal"


def valence_arousal_rationale(ev: Evidence, v_class: str, a_class: str, rng: random.Random,
                              space: LabelSpace = SEVEN_EMOTIONS) -> str:
    # Opens with the task, so a small model commits to this answer shape from the first token.
    found = cues(ev, rng)
    v_sign = CLASS_SIGN[v_class]
    parts = [OPENING["valence_arousal"], quality_sentence(ev)]
    pattern = pattern_cue(ev)
    if pattern:
        parts.append(_sentence(f"{pattern}; {ev.pattern[0][0]} has {_va_words(ev.pattern[0][0], space)}"))
    parts += [_sentence(c.sentence) for c in found]
    parts.append(_summary(found, v_sign, CLASS_SIGN[a_class]))
    parts.append(_sentence(CONCLUSION_VA.format(valence=v_class, arousal=a_class)))
    return " ".join(parts)


def _class_on(emotion: str, dimension: str, space: LabelSpace = SEVEN_EMOTIONS) -> str | None:
    return space.class_on(emotion, dimension)


def _per_recording(evidences: list[Evidence], dimension: str, space: LabelSpace = SEVEN_EMOTIONS) -> list[str]:
    """One sentence per recording: its pattern match and that emotion's class on `dimension`, the
    facts the conclusion is derived from. Band and asymmetry cues stay in the single-recording
    rationales: across several recordings they do not decide the order, and listing them only adds
    numbers for a small model to garble."""
    parts = []
    for i, ev in enumerate(evidences, start=1):
        if ev.pattern:
            top, p = ev.pattern[0]
            text = (f"the pattern match is closest to {top} ({format_percent(p)}), "
                    f"{_kind_of_class(space)} with {_class_on(top, dimension, space)} {dimension}")
        else:
            text = f"no pattern match, so no clear {dimension} indicator"
        if ev.quality_grade == "poor":
            text += "; its signal quality is poor, so this is weak"
        parts.append(f"Recording {i}: {text}.")
    return parts


def _kind_of_class(space: LabelSpace) -> str:
    return "an emotion" if space.emotions else "a class"


def _order_sentence(evidences: list[Evidence], dimension: str, order: list[int] | None,
                    space: LabelSpace = SEVEN_EMOTIONS, shared_clause: bool = False) -> list[str]:
    """The encoder's order as the prompt's line gives it (templates with a `between` field), word
    for word with each recording's class and, where all share one and the template says so
    (`shared_clause`), the clause that says so: the sentence the conclusion is copied from. A small
    model copies a line it is shown far more reliably than it re-words one (bare numbers were
    mis-copied; a shared class left it guessing)."""
    if order is None:
        return []
    line = order_line(evidences, order, dimension, space, shared_clause)
    return [f"The encoder's {dimension} order, highest first: {line}."]


def compare_rationale(evidences: list[Evidence], dimension: str, winner: int, space: LabelSpace = SEVEN_EMOTIONS,
                      shown: list[int] | None = None, shared_clause: bool = False) -> str:
    """Each recording's pattern match and class, then (`shown`: the encoder's order, when the prompt
    shows it) the order as the prompt gives it, then the winner. A shared class is said once: in
    the order line where the prompt's line carries the clause (`shared_clause`), else in a sentence
    of its own."""
    parts = [f"Comparing {dimension}."] + _per_recording(evidences, dimension, space)
    if not (shown and shared_clause) and shared_class_clause(evidences, dimension, space):
        what = "emotions" if space.emotions else "classes"
        shared = pattern_class(evidences[0], dimension, space)
        parts.append(f"Both match {what} with {shared} {dimension}, so the rest of the pattern match decides.")
    parts += _order_sentence(evidences, dimension, shown, space, shared_clause)
    return " ".join(parts + [_sentence(CONCLUSION_COMPARE.format(n=winner, dimension=dimension))])


def rank_rationale(evidences: list[Evidence], dimension: str, order: list[int], space: LabelSpace = SEVEN_EMOTIONS,
                   shown: list[int] | None = None, shared_clause: bool = False) -> str:
    """`shown`: the encoder's order, when the prompt shows it, which the rationale then cites as the
    prompt gives it (with the shared-class clause where the prompt's line carries it)."""
    return " ".join([f"Ranking by {dimension}."] + _per_recording(evidences, dimension, space)
                    + _order_sentence(evidences, dimension, shown, space, shared_clause)
                    + [_sentence(CONCLUSION_RANK.format(order=", ".join(map(str, order))))])


def _walk_down_pattern(ev: Evidence, emotion: str, option_emotions: list[str], space: LabelSpace) -> list[str] | None:
    """When no situation evokes the pattern match's first emotion and `emotion` is the situations'
    emotion the pattern match leads to, the sentences that get there ("Fear is not among them;
    anger, second in the pattern match, is. Of these the EEG fits anger best."). None when the first
    emotion is a situation's, and when `emotion` goes against the pattern match (an evaluation's
    reference written from the truth): that conclusion is then stated as it is, with no walk that
    would not lead to it."""
    top = ev.pattern[0][0] if ev.pattern and ev.supports_emotion else None
    if top is None or top == emotion or top not in space.labels:
        return None
    shown = [e for e, _ in ev.pattern]
    offered = [e for e in shown if e in option_emotions]
    rated = ev.probabilities or {}
    # Where the pattern match leads: the first situation emotion it shows, else the encoder's highest
    # of them (None when the evidence keeps no full vector).
    leads_to = offered[0] if offered else max(option_emotions, key=lambda e: rated.get(e, -1.0)) if rated else None
    if emotion != leads_to:
        return None
    if offered:
        place = shown.index(emotion)
        skipped = " and ".join(shown[:place])
        walk = (f"{skipped.capitalize()} {'is' if place == 1 else 'are'} not among them; {emotion}, "
                f"{('second', 'third', 'fourth', 'fifth')[place - 1]} in the pattern match, is.")
    else:
        walk = "None of the pattern match's emotions is among them."
    return [walk, f"Of these the EEG fits {emotion} best."]


def scenario_rationale(ev: Evidence, emotion: str, letter: str, option_emotions: list[str],
                       rng: random.Random, space: LabelSpace = SEVEN_EMOTIONS) -> str:
    """The emotion judgement, then what each situation evokes, then the situation whose emotion it is:
    the chosen letter is read off the stated emotions, never picked apart from them. Each reading is
    written emotion first ("sad for B") and the choice repeats it ("Sad is for B"), so the letter
    follows the emotion it belongs to wherever the model looks it up.

    The judgement is the pattern match's own first emotion; when no situation evokes it, the
    situations are read first and the pattern match is walked down its list (`_walk_down_pattern`),
    so the choice among the situations is made after both are written, not guessed before the
    situations are read."""
    readings = "Situations: " + ", ".join(f"{e} for {option}" for option, e in zip("ABCDEFG", option_emotions))
    walk = _walk_down_pattern(ev, emotion, option_emotions, space)
    judged = ev.pattern[0][0] if walk else emotion
    return " ".join([OPENING["scenario"]] + _emotion_body(ev, judged, rng, space=space) + [_sentence(readings)]
                    + (walk or []) + [f"{emotion.capitalize()} is for {letter}, so "
                                      f"{CONCLUSION_SCENARIO.format(letter=letter)}."])


__all__ = ["CLASS_ORDER", "Cue", "Finding", "RATIONALE_VERSION", "abstain_rationale", "compare_rationale", "conclusion_agrees",
           "conclusion_of", "cues",
           "eeg_only_rationale", "without_reading", "emotion_rationale", "expected_signs", "pattern_class", "rank_rationale",
           "scenario_rationale",
           "valence_arousal_rationale", "valence_class", "arousal_class"]
