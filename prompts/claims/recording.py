"""Claims about the recording and its quality report: the grade, usable and total seconds, which
channels are bad (or how many, or none), how many channels, how long it lasts.

Seconds may be stated as kept or as lost ("31 s were lost to artefact"), shares of the recording or
of the windows in words ("about half of the recording", "roughly a fifth of windows"), counts in
words ("Thirty-two channels"); a grade with its name in brackets ("acceptable (good)") claims the
bracketed grade; an exclusive statement ("only CB2 was flagged", "the single bad channel was O1")
names every bad channel, a list after a count ("…, among them Fp1") only some."""

from __future__ import annotations

import re
from typing import Any

from .lexicon import GRADE_WORDS, alternation, class_re
from .model import Claim, span
from .text import NUMBER_WORD, Clause, amount, number_word, shares, unit_seconds

_GRADE = alternation(GRADE_WORDS)
_QUALITY = re.compile(r"\b(?:quality|grade)\s*[,=]\s*(" + _GRADE + r")\b|"  # a spreadsheet's "quality,good", "grade=fair"
                      r"(?:quality|signal)\s+(?:is\s+|was\s+|:\s*|rated\s+|graded\s+|of\s+|looks\s+|appears\s+|remains\s+)?"
                      r"(?:only\s+|overall\s+|rather\s+|quite\s+)?(" + _GRADE + r")\b"
                      r"|\b(" + _GRADE + r")[- ](?:(?:signal|technical|recording|data)[- ])?quality\b|\b(" + _GRADE + r")\s+in\s+quality\b"
                      r"|\bquality\b[^.;]{0,25}?\b(?:is|was|rated|graded|:)\s+(?:only\s+)?(" + _GRADE + r")\b"
                      r"|\b(?:graded|rated|grade(?:d)? as|grade(?:\s+is|\s*:|\s*->|\s*=|\s+(?:came|comes|turned|turns)\s+out"
                      r"(?:\s+as|\s+to\s+be)?)?|overall grade(?:\s+is|:)?)\s+(?:only\s+|just\s+|merely\s+)?(" + _GRADE +
                      r")\b|(?<![\w-])[\w-]+\s*\(\s*(" + _GRADE + r")\s*\)\s*(?:signal[- ])?quality\b"
                      r"|\b(?:recording|data|EEG|trace|tracing)\s+(?:is|was|looks|appears)\s+(clean|excellent|poor)\b"
                      r"|\b(?:earned|earns|got|gets|received|receives|was\s+given|given|scored|scores|achieved|kept|keeps)\s+"
                      r"(?:an?\s+|the\s+)?(" + _GRADE + r")\s+(?:grade|rating|quality\s+grade|quality)\b", re.I)
_SECONDS = r"(?:s|sec|secs|seconds)\b"
_KEPT = (r"(?:usable|clean|artifact-free|artefact-free|kept|retained|survived|remain\w*|analy[sz]able|valid|"
         r"(?:clear|clean|good)\s+enough\s+to\s+(?:use|analy[sz]e))")
_USABLE_OF = re.compile(r"(\d+(?:\.\d+)?)\s*(?:" + _SECONDS + r")?\s*(?:of|/|out of)\s*(?:the\s+|a\s+|its\s+|all\s+)?"
                        r"(\d+(?:\.\d+)?)\s*-?\s*(?:" + _SECONDS + r"|(?=\s+(?:could|were|was|are|is|had)\b))", re.I)  # "32 of the 48 s", "about 32 seconds of the 48 could be used"
_USABLE_SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s*" + _SECONDS + r"\s+(?:of\s+)?(?:clean\s+|artifact-free\s+)?"
                             r"(?:signal\s+|data\s+|(?:the|this|its)\s+(?:recording|record|session|data|signal|trial|EEG)\s+)?"
                             r"(?:are\s+|is\s+|were\s+|was\s+)?" + _KEPT +
                             r"|" + _KEPT + r"\s+(?:for\s+|during\s+|:\s*|(?:signal|data|time|duration)\s*[:=]?\s*)?(\d+(?:\.\d+)?)\s*" + _SECONDS +
                             # a field and its value: "usable_seconds: 72", "usable_s 45"
                             r"|\busable\s+(?:seconds?|secs?|s)\s*[:=]?\s*(\d+(?:\.\d+)?)\b(?!\s*(?:%|percent|/|of\b|out\b))",
                             re.I)
# A share kept, not one lost or of windows with artefacts between the figure and the word for kept.
_USABLE_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent)(?:(?!\b(?:lost|rejected|discarded|removed|excluded|dropped|"
                             r"artefacts?|artifacts?|blinks?|muscle|EMG|windows|but|whereas|while|although|though)\b)[^.;%]){0,30}?"
                             r"\b(?:usable|retained|kept|"
                             r"analy[sz]able)\b|\busable[^.;%\d]{0,15}?"
                             r"(\d+(?:\.\d+)?)\s*(?:%|percent)", re.I)
_FULLY = re.compile(r"\busable[^.;]{0,30}?\b(?:the\s+)?full\s+(\d+(?:\.\d+)?)\s*" + _SECONDS + r"|"
                    r"\b(?:fully|entirely|completely|all of it|100 ?%)\s+usable|\b(?:all|the whole|the entire|every one of)\s+"
                    r"(?:of\s+)?(?:the\s+)?(\d+(?:\.\d+)?)\s*" + _SECONDS + r"[^.;]{0,40}?(?:usable|kept|clean)", re.I)
# Seconds lost rather than kept: "31 s were lost to artefact", "artefact rejection removed 31 s".
_GONE = r"(?:lost|rejected|discarded|removed|excluded|dropped|cut|thrown out)"
_LOST = re.compile(r"\b(\d+(?:\.\d+)?|" + NUMBER_WORD + r")\s*" + _SECONDS + r"\s+(?:of\s+(?:the\s+)?(?:\w+\s+)?)?(?:were\s+|was\s+|had to be\s+|"
                   r"have been\s+|has been\s+)?" + _GONE + r"(?!\s+(?:channels?|electrodes?|sensors?))"
                   r"|\b(?:" + _GONE + r"|losing|a loss of|the loss of)\s+(?:only\s+|just\s+|some\s+)?(\d+(?:\.\d+)?)\s*"
                   + _SECONDS, re.I)
# A share of the recording kept: "about half of the recording … was usable", "(under a third)".
_OF_RECORDING = re.compile(r"\s*(?:of\s+)?(?:the\s+|this\s+|its\s+)?(?:\d+\s*-?\s*" + _SECONDS + r"\s+)?(?:recording|record|"
                           r"duration|length|"
                           r"session|data|signal|time|trial|file|EEG|seconds|minute)\b|\s*of\s+it\s+(?:\w+\s+)?(?:be\s+|was\s+|were\s+)?"
                           r"(?:used|usable|kept|analy[sz]ed|clean)\b", re.I)


def quality_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    out: list[Claim] = []
    # Each grade stated ("Unlike the earlier recording, which was graded poor, this one is graded good":
    # the first is another recording's, extract.py sets it aside)
    for m in _QUALITY.finditer(text):
        grade = next(g for g in m.groups() if g)
        named = re.match(r"\s*\(\s*(" + _GRADE + r")\s*\)", text[m.end():], re.I)  # "acceptable (good)": the grade's name
        grade, end = (named.group(1), m.end() + named.end()) if named else (grade, m.end())
        confidence = re.search(r"\b(?:confid[ae]nce|certainty|match|reading)\s+(?:is\s+|was\s+)?$", text[:m.start()], re.I)
        if not confidence and not re.match(r"\s*(?:channels?|electrodes?|sensors?)", text[m.end():], re.I):
            # not "the confidence is rated moderate" (a level of the reading, certainty.py)
            out.append(Claim("quality", span(clause, m.start(), end), "quality", {"grade": GRADE_WORDS[grade.lower()]}))
    for m in _LOST.finditer(text):
        if not re.search(r"\b(?:of|out of|/)\s*(?:the\s+|all\s+)?$", text[:m.start()]):  # "13 of 60 s were rejected": below
            out.append(Claim("usable", span(clause, m.start(), m.end()), "usable",
                             {"rejected_s": amount(m.group(1) or m.group(2))}))
    if not re.search(_KEPT + r"|\b(?:used|analy[sz]ed)\b", text, re.I):  # "36 of the 48 s were used"
        return out
    kept = list(_USABLE_OF.finditer(text))
    for share in shares(text):
        inside = re.search(r"\(\s*$", text[:share.start]) and any(0 <= share.start - m.end() <= 45 for m in kept)
        if _OF_RECORDING.match(text[share.end:]) or inside:
            out.append(Claim("usable", span(clause, share.start, share.end), "usable", {"share": share}))
    for m in kept:
        if re.match(r"\s*(?:were\s+|was\s+|are\s+|had to be\s+)?(?:rejected|discarded|removed|lost|excluded|dropped)\b",
                    text[m.end():], re.I):
            out.append(Claim("usable", span(clause, m.start(), m.end() + 30), "usable",
                             {"rejected_s": float(m.group(1)), "total_s": float(m.group(2))}))
        else:
            out.append(Claim("usable", span(clause, m.start(), m.end()), "usable",
                             {"usable_s": float(m.group(1)), "total_s": float(m.group(2))}))
    if not kept:
        for m in _USABLE_SECONDS.finditer(text):
            if re.match(r"remain", m.group(0), re.I) and (
                    re.search(r"\b(?:for|in|during|over|through|across)\s+the\s+$", text[:m.start()], re.I) or
                    re.search(r"(?:" + class_re().pattern + r")\s+(?:led\s+|leads\s+)?(?:for\s+|in\s+)?the\s+$", text[:m.start()], re.I)):
                continue  # "for the remaining 32 seconds it looked like disgust", "fear the first 16 s and disgust the
                # remaining 32 s": a part of the recording
            out.append(Claim("usable", span(clause, m.start(), m.end()), "usable",
                             {"usable_s": float(m.group(1) or m.group(2) or m.group(3))}))
        for m in _FULLY.finditer(text):
            stated: dict[str, Any] = {"usable_percent": 100.0}
            seconds = m.group(1) or m.group(2)
            if seconds:
                stated = {"usable_s": float(seconds), "total_s": float(seconds)}
            out.append(Claim("usable", span(clause, m.start(), m.end()), "usable", stated))
    for m in _USABLE_PERCENT.finditer(text):
        out.append(Claim("usable", span(clause, m.start(), m.end()), "usable",
                         {"usable_percent": float(m.group(1) or m.group(2))}))
    return out


_CHANNEL_NAME = (r"(?:Fpz|Fp[12]|AF[zZ]|AF\d+|Fz|F\d+|FCz|FC\d+|FT\d+|Cz|C\d+|CPz|CP\d+|TP\d+|T\d+|Pz|P\d+|POz|PO\d+|"
                 r"Oz|O\d+|Iz|I\d+|CB\d+)")
_CHANNEL = re.compile(r"\b" + _CHANNEL_NAME + r"\b")
# A list of channels, taken whole (possessive: a shorter list is never retried), and where a pattern
# starts with one, only from its first name: otherwise each name of a long list is a new start that
# reads the rest of it, and 4,000 names took a minute.
_LIST = _CHANNEL_NAME + r"(?:\s*(?:,|and|&|/|\+)\s*(?:and\s+)?" + _CHANNEL_NAME + r")*+"
# A list whose names carry a note each: "TP8 (flat) and P8 (noisy)".
_NOTED_LIST = (_CHANNEL_NAME + r"(?:\s*\([a-z -]{1,20}\))?(?:\s*(?:,|and|&)\s*(?:and\s+)?" + _CHANNEL_NAME +
               r"(?:\s*\([a-z -]{1,20}\))?)*+")
_LIST_HEAD = (r"(?<![\w.])(?<![0-9zZ],\s)(?<![0-9zZ][,/+&])(?<![0-9zZ]\s[/+&]\s)(?<![0-9zZ]\sand\s)"
              r"(?<![0-9zZ],\sand\s)" + _LIST)  # ends in a digit or z: a channel name ("Fp1, ", "Cz and ")
_BAD = (r"(?:bad|noisy|flat|clipped|saturated|broken|faulty|dead|excluded|rejected|unusable|disconnected|removed|dropped|"
        r"discarded|interpolated|flagged|left\s+out|not\s+working(?:\s+(?:well|properly))?|malfunctioning)")
_MARKED = r"(?:(?:flagged|marked|labelled|labeled|rated|classed|identified)\s+(?:as\s+)?)?"
# "bad channels: T7", and in a translator's order "the channels bad are T8 and T7"
_BAD_LIST = re.compile(r"\b(?:" + _BAD + r"\s+(?:channels?|electrodes?|leads?|sensors?)|(?:channels?|electrodes?|sensors?)\s+" +
                       _BAD + r"(?=\s+(?:are|were|is|was)\b))\s*(?:were\s+|are\s+|is\s+|was\s+|:|=|-|\(|,)?\s*"
                       r"(?:include\w*\s+|such as\s+|e\.g\.,?\s+|namely\s+|just\s+|only\s+)?(" + _NOTED_LIST + r")", re.I)
_LIST_BAD = re.compile(r"(" + _LIST_HEAD + r")\s*(?:,\s*which\s+)?(?:alone\s+)?(?:(?:is|are|was|were|looks?|appears?|seems?)\s+(?:\w+\s+)?)?" + _MARKED +
                       r"(?:an?\s+)?" + _BAD + r"\b|(" + _LIST_HEAD + r")\s*\((?:" + _BAD + r")|(" + _LIST_HEAD + r")\s+"
                       r"(?:is\s+|was\s+)?(?:one\s+)?among\s+them\b|(" + _LIST_HEAD + r")\s+(?:was|were)\s+"
                       r"(?:rejected|excluded|dropped|removed)",
                       re.I)
# A note's terse list: "Bad: FT8, TP8, PO8."
_TERSE_BAD = re.compile(r"^\s*(?:[-•*]\s*)?" + _BAD + r"\s*[:=]\s*(" + _LIST + r")", re.I)
_N = r"(\d+|" + NUMBER_WORD + r"|no|a single|single|sole|lone)"
# "Seven channels were rejected (…)", "One channel (Oz) was removed", "Just one electrode, O1, was dropped",
# "Three electrodes were dropped: FT8, TP7 and PO8": a count, and the list when one is given.
_COUNT_LIST = re.compile(r"\b" + _N + r"\s+(?:\w+\s+)?(?:channels?|electrodes?|sensors?)(?:\s*\((" + _LIST + r")\)|\s*,\s*(" + _LIST +
                         r")\s*,)?\s+(?:were\s+|was\s+|are\s+|is\s+|had to be\s+)?" + _MARKED + _BAD +
                         r"\b(?:(?:\s+(?:on|in|from)\s+[\w-]+)?\s*\((" + _LIST + r")\)|\s*:\s*(" + _NOTED_LIST + r"))?"
                         # "one (Fp1) excluded": the count, its list, the word for bad
                         r"|\b" + _N + r"\s*\((" + _LIST + r")\)\s*(?:was\s+|were\s+|is\s+|are\s+)?" + _MARKED + _BAD + r"\b", re.I)
# Exclusive statements name every bad channel: "Fp1 was the only channel excluded", "the only channel
# rejected was T8", "only CB2 was flagged", "CB2 alone was marked bad".
_ONLY = r"(?:only|sole|single|one|lone)"
_ONLY_LIST = re.compile(r"(" + _LIST_HEAD + r")\s+(?:is|was|were|are)\s+the\s+" + _ONLY + r"\s+(?:(?:" + _BAD + r")\s+)?(?:channels?|"
                        r"electrodes?)(?:\s+(?:that\s+(?:was|were)\s+)?" + _MARKED + _BAD + r")?|\bthe\s+" + _ONLY +
                        r"\s+(?:(?:" + _BAD + r")\s+)?(?:channels?|electrodes?|sensors?)\s+(?:(?:" + _BAD + r")\s+)?(?:was|is|were|are|:)"
                        r"\s+(" + _LIST + r")", re.I)
# A list after a statement about bad channels: "Seven channels were rejected, among them Fp1, Fp2 and F7".
# "bad channels, among them T7 and P8", and "two of 32 channels are bad, P7 and Pz"
_THEN_LIST = re.compile(r"\b" + _BAD + r"\b(?:[^.;]{0,40}?(among them|among which|among these|including|such as|e\.g\.,?|"
                        r"notably|namely|specifically|i\.e\.,?)|(?<=\bbad)\s*([,:—]))\s+(" + _LIST + r")", re.I)
_NO_BAD = re.compile(r"\b(?:no|zero|none of the)\s+(?:\w+\s+)?" + _BAD + r"\s+(?:channels?|electrodes?|sensors?)|"
                     r"\b(?:no|none of the(?:\s+(?:\d+|" + NUMBER_WORD + r"))?)\s+(?:channels?|electrodes?|sensors?)\s+(?:was|were|is|are)?\s*(?:\w+\s+)?"
                     + _MARKED + _BAD + r"|\bno channel\s+(?:was|is)\s+(?:rejected|excluded|bad|dropped)|"
                     r"\b(?:all|every)\s+(?:\w+\s+)?(?:channels?|electrodes?|sensors?)\s+(?:are\s+|were\s+|look\s+)?"
                     r"(?:good|fine|usable|clean|ok)|" + _BAD + r"\s+channels?\s*(?::|-|=)?\s*none\b|\bnone\s+(?:were\s+|"
                     r"are\s+)?" + _BAD + r"\b", re.I)
_RATIO = re.compile(r"\b" + _N + r"\s*(?:/|of|out of|from)\s*(?:the\s+)?" + _N + r"\s+(?:EEG\s+)?(?:channels?|electrodes?|sensors?)"
                    r"(?:\s*\((" + _LIST + r")\)|\s*,\s*(" + _LIST + r")\s*,)?\s+(?:are\s+|were\s+|is\s+|was\s+)?" + _MARKED + _BAD +
                    r"|\bof\s+(?:the\s+|all\s+)?" + _N + r"\s+(?:EEG\s+)?(?:channels?|electrodes?|sensors?)\s*,\s*" + _N +
                    r"(?:\s*\((" + _LIST + r")\))?\s+(?:are\s+|were\s+|is\s+|was\s+)?" + _MARKED + _BAD +
                    # "one sensor out of 14 had to be left out"
                    r"|\b" + _N + r"\s+(?:channels?|electrodes?|sensors?)\s+(?:/|of|out of|from)\s*(?:the\s+)?" + _N +
                    r"\s+(?:are\s+|were\s+|is\s+|was\s+|had\s+to\s+be\s+)?" + _MARKED + _BAD, re.I)
_BAD_N = re.compile(r"\b" + _N + r"\s+" + _BAD + r"\s+(?:channels?|electrodes?|sensors?)",
                    re.I)
_OPEN_LIST = re.compile(r"^\s*(?:,?\s*(?:and|among)\s+others|\.\.\.|…|,?\s*etc)", re.I)


def _number(word: str) -> int | None:
    word = word.lower()
    return 0 if word == "no" else 1 if word in ("a single", "single", "sole", "lone") else number_word(word)


_ABOUT_CHANNELS = re.compile(r"channel|electrode|sensor|\blead|" + _BAD + "|" + _CHANNEL_NAME, re.I)


def channel_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    found: list[tuple[int, int, dict[str, Any]]] = []
    if not _ABOUT_CHANNELS.search(text):  # the patterns below are slow to fail
        return []
    ratio = _RATIO.search(text)
    if ratio:
        count, of, *lists = ratio.groups()[:4] if ratio.group(1) else \
            (ratio.group(6), ratio.group(5), ratio.group(7)) if ratio.group(5) else (ratio.group(8), ratio.group(9), None)
        stated: dict[str, Any] = {"count": _number(count), "of": _number(of)}
        if any(lists):
            stated.update(channels=_CHANNEL.findall(next(x for x in lists if x)), exhaustive=True)
        found.append((ratio.start(), ratio.end(), stated))
    counted = _COUNT_LIST.search(text)
    if counted and re.search(r"\bnone\s+of\s+(?:the|its|all)\s+$", text[:counted.start()], re.I):
        counted = None  # "none of the 19 channels was bad": no bad channel, read below
    if counted and not ratio:
        stated = {"count": _number(counted.group(1) or counted.group(6))}
        listed = next((g for i, g in enumerate(counted.groups(), start=1) if i not in (1, 6) and g), None)
        if listed:
            stated.update(channels=_CHANNEL.findall(listed), exhaustive=True)
        found.append((counted.start(), counted.end(), stated))
    none_said = None if counted else _NO_BAD.search(text)
    if none_said:
        found.append((none_said.start(), none_said.end(), {"count": 0}))
    for pattern in (_BAD_LIST, _LIST_BAD, _ONLY_LIST, _THEN_LIST, _TERSE_BAD):
        for m in pattern.finditer(text):
            listed = m.group(3) if pattern is _THEN_LIST else next(g for g in m.groups() if g)
            names = _CHANNEL.findall(listed)
            exhaustive = pattern is _BAD_LIST and not re.search(r"include|such as|e\.g\.|among", m.group(0), re.I) \
                and not _OPEN_LIST.match(text[m.end():])
            exhaustive |= pattern in (_ONLY_LIST, _TERSE_BAD) or (pattern is _LIST_BAD and bool(
                re.search(r"\b(?:only|just|solely)\s+$", text[:m.start()], re.I) or re.search(r"\balone\b", m.group(0))))
            # ("… are bad, P7 and P8" names some of them: a count before it may say how many)
            exhaustive |= pattern is _THEN_LIST and (m.group(1) or "").lower().rstrip(".,") in ("namely", "specifically", "i.e")
            found.append((m.start(), m.end(), {"channels": names, "exhaustive": exhaustive}))
    if not ratio and not counted:
        for m in _BAD_N.finditer(text):
            if none_said and m.start() < none_said.end() and none_said.start() < m.end():
                continue  # "no bad channels" is one claim, already read
            found.append((m.start(), m.end(), {"count": _number(m.group(1))}))
    return [Claim("bad_channels", span(clause, start, end), "bad channels", stated)
            for start, end, stated in _one_per_statement(found)]


def _one_per_statement(found: list[tuple[int, int, dict[str, Any]]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Readings of bad channels whose words overlap are one statement ("Three bad channels were
    identified, among them Fp1": a count and a name; "The single bad channel was O1"), checked once
    with everything it says."""
    merged: list[tuple[int, int, dict[str, Any]]] = []
    for start, end, stated in sorted(found, key=lambda x: (x[0], -x[1])):
        if merged and start < merged[-1][1]:
            first_start, first_end, first = merged[-1]
            union = {**stated, **first}
            if "channels" in first or "channels" in stated:
                union["channels"] = list(dict.fromkeys(first.get("channels", []) + stated.get("channels", [])))
                union["exhaustive"] = bool(first.get("exhaustive") or stated.get("exhaustive"))
            merged[-1] = (first_start, max(first_end, end), union)
        else:
            merged.append((start, end, stated))
    return merged


_CHANNEL_COUNT = re.compile(r"\b(\d+|" + NUMBER_WORD + r")\s*(?:-\s*)?(?:EEG\s+)?(?:channels?|electrodes?|leads?|sensors?|ch)\b"
                            r"|\b(?:EEG\s+)?channels\s*[:=]\s*(\d+)\b", re.I)
_DURATION = re.compile(r"\b(\d+(?:\.\d+)?|" + NUMBER_WORD + r")\s*(?:-\s*)?(s|sec|seconds?|min|minutes?)\b(?:-long)?\s+"
                       r"(?:long\s+)?(?:[a-z]+-[a-z]+\s+|(?:resting|rest|eyes[- ]closed|eyes[- ]open|baseline|task)\s+)?"
                       r"(?:EEG\s+)?(?:recording|session|record|file)|(?:recording|session|record)\s+(?:is|was|lasts|"
                       r"lasted|of|spans|runs)\s+(?:about\s+|for\s+)?(\d+(?:\.\d+)?)\s*(s|sec|seconds?|min|minutes?)\b"
                       r"|\b(\d+(?:\.\d+)?|" + NUMBER_WORD + r")\s+(seconds?|minutes?)\s+of\s+(?:[\w-]+\s+)?(?:EEG|data|signal)\s+"
                       r"(?:were|was|have been|has been)\s+(?:recorded|acquired|collected)\b"
                       r"|\b(?:total\s+|recording\s+)?duration\s*[:=]\s*(\d+(?:\.\d+)?)\s*(s|sec|seconds?|min|minutes?)\b", re.I)


def count_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    out = []
    for m in _CHANNEL_COUNT.finditer(text):
        prefix, suffix = text[max(0, m.start() - 25):m.start()], text[m.end():m.end() + 25]
        count = number_word(m.group(1) or m.group(2))
        # "13 good channels", "just 13 channels survived": the channels kept, once the bad ones are out.
        if re.search(r"\b(?:good|remaining|usable|clean|surviving|retained)\s*$", prefix, re.I) or \
                not re.search(r"\bof\s+(?:the\s+|all\s+)?$", prefix, re.I) and re.match(r"\s*(?:\w+\s+){0,2}(?:left|remain\w*|survived|were\s+(?:kept|retained|usable|good|clean)|"
                         r"passed|made\s+it)\b", suffix, re.I):
            out.append(Claim("channels", span(clause, m.start(), m.end()), "good channels", {"good": count}))
            continue
        # "no channel is bad out of the 19 channels": the montage, whatever was said of the bad ones before
        whole = re.search(r"\b(?:out\s+of|among)\s+(?:the\s+|all\s+|its\s+)?$", prefix, re.I)
        if not whole and re.search(_BAD + r"|/\s*$|\bgood\b|\bremaining\b|\busable\b|\baverage\s+(?:of|over|across)\s+(?:the\s+)?$|"
                                   r"\breference\s+(?:of|over)\s+$", prefix, re.I) or \
                re.match(r"\s*(?:out\s+of|of|/)\s*(?:the\s+)?\d", suffix, re.I) or \
                re.match(r"\s*(?:\([^)]*\)\s*|,\s*" + _LIST + r"\s*,\s*)?(?:were\s+|are\s+|was\s+|is\s+|had to be\s+)?" + _MARKED + _BAD, suffix, re.I):
            continue
        out.append(Claim("channels", span(clause, m.start(), m.end()), "channels", {"count": count}))
    for m in _DURATION.finditer(text):
        value, unit = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5, 7) if m.group(i))
        seconds = amount(value) * unit_seconds(unit)
        out.append(Claim("duration", span(clause, m.start(), m.end()), "duration",
                         {"seconds": seconds, "minutes": unit.lower().startswith("min")}))
    return out


_FIGURE_WORDS = {"artifact": "artifact", "artefact": "artifact", "muscle": "muscle", "emg": "muscle",
                 "blink": "blink", "eye": "blink"}
_FIGURE = re.compile(r"\b(?:high-amplitude\s+)?((?:muscle|EMG|blink|eye)\w*(?:\s*\(EMG\))?(?:[- ](?:movement\s+)?(?:artifact|artefact)s?)?|"
                     r"(?:artifact|artefact))\w*(?:\s*\(EMG\))?"
                     r"(?![^.;%]{0,60}?(?:artifact|artefact|muscle|EMG|blink))[^.;%\d]{0,60}?\(?\s*(?:about\s+|~\s*)?"
                     r"(\d+(?:\.\d+)?|" + NUMBER_WORD + r")\s*(?:%|percent\b|per cent\b)|\b(\d+(?:\.\d+)?)\s*%\s+of\s+(?:the\s+)?(?:frontal\s+)?windows\s+(?:had|have|"
                     r"showed|show|with|contain\w*|were hit by|affected by)\s+(?:\w+\s+)?(artifact|artefact|muscle|EMG|"
                     r"blink|eye)", re.I)


_FIGURE_WORD = re.compile(r"\b(artifact|artefact|muscle|EMG|blink|eye)", re.I)
_LINE = re.compile(r"line[- ]noise(?:\s+(?:ratio|power|level))?\s*(?::\s*|(?:is|was|at|of|stood at|came to|reached|was at)\s+)?"
                   r"(?:about\s+|approximately\s+|roughly\s+|~\s*)?(\d+(?:\.\d+)?)\s*(?:×|x\b|times)", re.I)


def figure_claims(clause: Clause) -> list[Claim]:
    """Quality-report figures: "high-amplitude artifacts in 53% of windows", "blinks in 40%", "line
    noise 63× the neighbouring bands"."""
    out = [Claim("quality_figure", span(clause, m.start(), m.end()), "line_noise", {"ratio": float(m.group(1))})
           for m in _LINE.finditer(clause.text)]
    for m in _FIGURE.finditer(clause.text):
        word = (m.group(1) or m.group(4)).lower()
        value = amount(m.group(2) or m.group(3))
        kind = next(v for k, v in _FIGURE_WORDS.items() if word.startswith(k))
        out.append(Claim("quality_figure", span(clause, m.start(), m.end() + 1), kind, {"percent": value}))
    # The same figures as shares of the windows: "blinks in about a quarter of windows", "a little over half".
    for share in shares(clause.text):
        windows = re.match(r"\s*(?:of\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?)?windows\b", clause.text[share.end:], re.I)
        if not windows:
            continue
        after = share.end + windows.end()
        words = list(_FIGURE_WORD.finditer(clause.text, max(0, share.start - 80), share.start)) or \
            list(_FIGURE_WORD.finditer(clause.text, after, after + 60))[:1]
        if words:
            kind = next(v for k, v in _FIGURE_WORDS.items() if words[-1].group(1).lower().startswith(k))
            out.append(Claim("quality_figure", span(clause, share.start, share.end + windows.end()), kind, {"share": share}))
    return out
