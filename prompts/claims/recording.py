"""Claims about the recording and its quality report: the grade, usable and total seconds, which
channels are bad (or how many, or none), how many channels, how long it lasts."""

from __future__ import annotations

import re
from typing import Any

from .lexicon import GRADE_WORDS, alternation
from .model import Claim, span
from .text import Clause

_GRADE = alternation(GRADE_WORDS)
_QUALITY = re.compile(r"(?:quality|signal)\s+(?:is\s+|was\s+|:\s*|rated\s+|graded\s+|of\s+|looks\s+|appears\s+|remains\s+)?"
                      r"(?:only\s+|overall\s+|rather\s+|quite\s+)?(" + _GRADE + r")\b"
                      r"|\b(" + _GRADE + r")[- ](?:signal[- ])?quality\b|\b(" + _GRADE + r")\s+in\s+quality\b"
                      r"|\bquality\b[^.;]{0,25}?\b(?:is|was|rated|graded|:)\s+(?:only\s+)?(" + _GRADE + r")\b"
                      r"|\b(?:graded|rated|grade(?:d)? as|grade(?:\s+is|:)|overall grade(?:\s+is|:)?)\s+(" + _GRADE +
                      r")\b", re.I)
_SECONDS = r"(?:s|sec|secs|seconds)\b"
_KEPT = r"(?:usable|clean|artifact-free|artefact-free|kept|retained|survived|remain\w*|analy[sz]able|valid)"
_USABLE_OF = re.compile(r"(\d+(?:\.\d+)?)\s*(?:" + _SECONDS + r")?\s*(?:of|/|out of)\s*(?:the\s+|a\s+|its\s+|all\s+)?"
                        r"(\d+(?:\.\d+)?)\s*-?\s*" + _SECONDS, re.I)
_USABLE_SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s*" + _SECONDS + r"\s+(?:of\s+)?(?:clean\s+|artifact-free\s+)?"
                             r"(?:signal\s+|data\s+)?(?:are\s+|is\s+|were\s+|was\s+)?" + _KEPT +
                             r"|" + _KEPT + r"\s+(?:for\s+|during\s+|:\s*|signal\s*:?\s*)?(\d+(?:\.\d+)?)\s*" + _SECONDS,
                             re.I)
_USABLE_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent)[^.;%]{0,30}?\busable|\busable[^.;%\d]{0,15}?"
                             r"(\d+(?:\.\d+)?)\s*(?:%|percent)", re.I)
_FULLY = re.compile(r"\busable[^.;]{0,30}?\b(?:the\s+)?full\s+(\d+(?:\.\d+)?)\s*" + _SECONDS + r"|"
                    r"\b(?:fully|entirely|completely|all of it|100 ?%)\s+usable|\ball\s+(?:of\s+the\s+)?(\d+(?:\.\d+)?)"
                    r"\s*" + _SECONDS + r"[^.;]{0,20}?(?:usable|kept|clean)", re.I)


def quality_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    out: list[Claim] = []
    m = _QUALITY.search(text)
    if m:
        grade = next(g for g in m.groups() if g)
        if not re.match(r"\s*(?:channels?|electrodes?)", text[m.end():], re.I):
            out.append(Claim("quality", span(clause, m.start(), m.end()), "quality", {"grade": GRADE_WORDS[grade.lower()]}))
    if not re.search(_KEPT, text, re.I):
        return out
    for m in _USABLE_OF.finditer(text):
        if re.match(r"\s*(?:were\s+|was\s+|are\s+|had to be\s+)?(?:rejected|discarded|removed|lost|excluded|dropped)\b",
                    text[m.end():], re.I):
            out.append(Claim("usable", span(clause, m.start(), m.end() + 30), "usable",
                             {"rejected_s": float(m.group(1)), "total_s": float(m.group(2))}))
        else:
            out.append(Claim("usable", span(clause, m.start(), m.end()), "usable",
                             {"usable_s": float(m.group(1)), "total_s": float(m.group(2))}))
    if not any(c.kind == "usable" for c in out):
        for m in _USABLE_SECONDS.finditer(text):
            out.append(Claim("usable", span(clause, m.start(), m.end()), "usable", {"usable_s": float(m.group(1) or m.group(2))}))
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
_LIST = _CHANNEL_NAME + r"(?:\s*(?:,|and|&|/|\+)\s*(?:and\s+)?" + _CHANNEL_NAME + r")*"
_BAD = r"(?:bad|noisy|flat|clipped|saturated|broken|faulty|dead|excluded|rejected|unusable|disconnected)"
_MARKED = r"(?:(?:flagged|marked|labelled|labeled|rated|classed|identified)\s+(?:as\s+)?)?"
_BAD_LIST = re.compile(r"\b" + _BAD + r"\s+(?:channels?|electrodes?|leads?)\s*(?:were\s+|are\s+|is\s+|:|=|-|\()?\s*"
                       r"(?:include\w*\s+|such as\s+|e\.g\.,?\s+|namely\s+)?(" + _LIST + r")", re.I)
_LIST_BAD = re.compile(r"(" + _LIST + r")\s+(?:(?:is|are|was|were|looks?|appears?|seems?)\s+(?:\w+\s+)?)?" + _MARKED +
                       r"(?:an?\s+)?" + _BAD + r"\b|(" + _LIST + r")\s*\((?:" + _BAD + r")|(" + _LIST + r")\s+(?:is\s+|was\s+)?"
                       r"(?:one\s+)?among\s+them\b|(" + _LIST + r")\s+(?:was|were)\s+(?:rejected|excluded|dropped|removed)",
                       re.I)
_COUNT_LIST = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|no)\s+(?:\w+\s+)?(?:channels?|electrodes?)"
                         r"\s+(?:were\s+|was\s+|are\s+|is\s+)?" + _MARKED + _BAD + r"\b(?:\s*\((" + _LIST + r")\))?", re.I)
_NO_BAD = re.compile(r"\b(?:no|zero|none of the)\s+(?:\w+\s+)?" + _BAD + r"\s+(?:channels?|electrodes?)|"
                     r"\b(?:no|none of the)\s+(?:channels?|electrodes?)\s+(?:was|were|is|are)?\s*(?:\w+\s+)?"
                     + _MARKED + _BAD + r"|\bno channel\s+(?:was|is)\s+(?:rejected|excluded|bad|dropped)|"
                     r"\b(?:all|every)\s+(?:\w+\s+)?(?:channels?|electrodes?)\s+(?:are\s+|were\s+|look\s+)?"
                     r"(?:good|fine|usable|clean|ok)|" + _BAD + r"\s+channels?\s*(?::|-|=)?\s*none\b|\bnone\s+(?:were\s+|"
                     r"are\s+)?" + _BAD + r"\b", re.I)
_RATIO = re.compile(r"\b(\d+)\s*(?:/|of|out of)\s*(\d+)\s+(?:EEG\s+)?(?:channels?|electrodes?)\s+(?:are\s+|were\s+|is\s+|was\s+)?"
                    + _MARKED + _BAD, re.I)
_BAD_N = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+" + _BAD + r"\s+(?:channels?|electrodes?)",
                    re.I)
_WORD_NUMBERS = {"no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
_OPEN_LIST = re.compile(r"^\s*(?:,?\s*(?:and|among)\s+others|\.\.\.|…|,?\s*etc)", re.I)


def _number(word: str) -> int:
    return _WORD_NUMBERS.get(word.lower(), None) if not word.isdigit() else int(word)


def channel_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    out: list[Claim] = []
    ratio = _RATIO.search(text)
    if ratio:
        out.append(Claim("bad_channels", span(clause, ratio.start(), ratio.end()), "bad channels",
                         {"count": int(ratio.group(1)), "of": int(ratio.group(2))}))
    counted = _COUNT_LIST.search(text)
    if counted and not ratio:
        stated: dict[str, Any] = {"count": _number(counted.group(1))}
        if counted.group(2):
            stated.update(channels=_CHANNEL.findall(counted.group(2)), exhaustive=True)
        out.append(Claim("bad_channels", span(clause, counted.start(), counted.end()), "bad channels", stated))
    elif _NO_BAD.search(text):
        m = _NO_BAD.search(text)
        out.append(Claim("bad_channels", span(clause, m.start(), m.end()), "bad channels", {"count": 0}))
    for pattern in (_BAD_LIST, _LIST_BAD):
        for m in pattern.finditer(text):
            listed = next(g for g in m.groups() if g)
            names = _CHANNEL.findall(listed)
            exhaustive = pattern is _BAD_LIST and not re.search(r"include|such as|e\.g\.|among", m.group(0), re.I) \
                and not _OPEN_LIST.match(text[m.end():])
            out.append(Claim("bad_channels", span(clause, m.start(), m.end()), "bad channels",
                             {"channels": names, "exhaustive": exhaustive}))
    if not ratio and not counted:
        for m in _BAD_N.finditer(text):
            out.append(Claim("bad_channels", span(clause, m.start(), m.end()), "bad channels",
                             {"count": _number(m.group(1))}))
    return out


_CHANNEL_COUNT = re.compile(r"\b(\d+)\s*(?:-\s*)?(?:EEG\s+)?(?:channels?|electrodes?|leads?)\b", re.I)
_DURATION = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:-\s*)?(s|sec|seconds?|min|minutes?)\b(?:-long)?\s+(?:long\s+)?"
                       r"(?:EEG\s+)?(?:recording|session|record|file)|(?:recording|session|record)\s+(?:is|was|lasts|"
                       r"lasted|of|spans|runs)\s+(?:about\s+|for\s+)?(\d+(?:\.\d+)?)\s*(s|sec|seconds?|min|minutes?)\b",
                       re.I)


def count_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    out = []
    for m in _CHANNEL_COUNT.finditer(text):
        prefix, suffix = text[max(0, m.start() - 25):m.start()], text[m.end():m.end() + 25]
        if re.search(_BAD + r"|\bof\s*(?:the\s*)?$|/\s*$|\bgood\b|\bremaining\b|\busable\b", prefix, re.I) or \
                re.match(r"\s*(?:were\s+|are\s+|was\s+|is\s+)?" + _MARKED + _BAD, suffix, re.I):
            continue
        if re.match(r"\s*(?:\w+\s+){0,2}(?:left|remain)", suffix, re.I):
            continue  # "13 channels left": good channels, not the recording's count
        out.append(Claim("channels", span(clause, m.start(), m.end()), "channels", {"count": int(m.group(1))}))
    for m in _DURATION.finditer(text):
        value, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        seconds = float(value) * (60.0 if unit.lower().startswith("min") else 1.0)
        out.append(Claim("duration", span(clause, m.start(), m.end()), "duration",
                         {"seconds": seconds, "minutes": unit.lower().startswith("min")}))
    return out


_FIGURE_WORDS = {"artifact": "artifact", "artefact": "artifact", "muscle": "muscle", "emg": "muscle",
                 "blink": "blink", "eye": "blink"}
_FIGURE = re.compile(r"\b(?:high-amplitude\s+)?(artifact|artefact|muscle|EMG|blink|eye)\w*(?:\s*\(EMG\))?"
                     r"(?![^.;%]{0,60}?(?:artifact|artefact|muscle|EMG|blink))[^.;%\d]{0,60}?\(?\s*(?:about\s+|~\s*)?"
                     r"(\d+(?:\.\d+)?)\s*%|\b(\d+(?:\.\d+)?)\s*%\s+of\s+(?:the\s+)?(?:frontal\s+)?windows\s+(?:had|have|"
                     r"showed|show|with|contain\w*|were hit by|affected by)\s+(?:\w+\s+)?(artifact|artefact|muscle|EMG|"
                     r"blink|eye)", re.I)


_LINE = re.compile(r"line[- ]noise\s+(?:is\s+|at\s+|of\s+)?(?:about\s+)?(\d+(?:\.\d+)?)\s*(?:×|x\b|times)", re.I)


def figure_claims(clause: Clause) -> list[Claim]:
    """Quality-report figures: "high-amplitude artifacts in 53% of windows", "blinks in 40%", "line
    noise 63× the neighbouring bands"."""
    out = [Claim("quality_figure", span(clause, m.start(), m.end()), "line_noise", {"ratio": float(m.group(1))})
           for m in _LINE.finditer(clause.text)]
    for m in _FIGURE.finditer(clause.text):
        word = (m.group(1) or m.group(4)).lower()
        value = float(m.group(2) or m.group(3))
        kind = next(v for k, v in _FIGURE_WORDS.items() if word.startswith(k))
        out.append(Claim("quality_figure", span(clause, m.start(), m.end() + 1), kind, {"percent": value}))
    return out
