"""Band-power claims: which region and band, which direction, which z, and what it is said to mean.

People write these many ways: "frontal theta is elevated (z +1.3)", "elevated temporal beta (1.28)
and gamma (1.49)", "delta is raised in the frontal (z 1.03), temporal (1.17) and occipital (1.56)
regions", "temporal beta and gamma are typical (−0.50 and −0.16)", "2.1 SD below the reference",
"above average but within the typical range (z 0.91)", "not reduced — it is elevated". A clause is
read as a sequence of items (a region and a band), numbers and direction words:

* an item is a band with its region (next to it, or the clause's only region), or a region with
  the clause's band; "every region" makes an item for each measured region;
* a z-like number belongs to the item just before it (lists in parentheses are matched in order),
  or to the item it introduces ("a z-score of −0.9 for frontal beta", "(1.17) in the temporal
  region" after a band without a region); "frontal-beta" is the region and band it joins;
* the direction of an item is the last direction word after it and before the next item (later
  words correct earlier ones), else the word right before it, else that of the item it is listed
  with; a word said "elsewhere" is not the item's; hedges ("within the typical range", "does not
  reach the threshold") say typical, and a negated word ("not elevated") claims only that it is
  not that; an item a contrast introduces
  ("…, unlike frontal theta") has the contrary of the item it is set against, one a likeness
  introduces ("along with", "like", "nor is") the same; past the edge of the reference range
  ("above the reference range", "outside the typical range") is a direction;
* comparatives ("higher", "lower than average", "slightly below the reference") describe a sign,
  not a direction, and are not claims; a threshold ("exceeds z = +1", "the −1 cutoff") is not a z.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .asymmetry import hemisphere_spans
from .lexicon import BAND_RE, BAND_WORDS, MEANINGS, REGION_WORDS, REGIONS, alternation, unhyphenated
from .model import Claim, meaning_after, span
from .text import Clause, Number, ends_before

_ASYMMETRY = re.compile(r"asymmetr\w*|\bFAA\b|laterali[sz]\w*|laterality", re.I)
_REGION_WORDS = {**REGION_WORDS, "posterior": "posterior", "at the back": "posterior", "back of the head": "posterior",
                 "front of the head": "frontal", "every region": "*",
                 "all regions": "*", "everywhere": "*", "occipitally": "occipital", "parietally": "parietal", "all five regions": "*",
                 "all five": "*", "all 5 regions": "*", "every area": "*", "all areas": "*", "each region": "*"}
_REGION_RE = re.compile(r"(?<![\w-])" + alternation(_REGION_WORDS) + r"(?![\w-])", re.I)
GROUPS = {"posterior": ("parietal", "occipital"), "*": REGIONS}

# Directions people state. Comparatives (higher, lower, above, below, greater…) are not here on
# purpose: "lower than average (−0.94)" describes a sign, not the "reduced" class.
_STRONG = {
    "elevated": "elevated", "raised": "elevated", "increased": "elevated", "heightened": "elevated",
    "enhanced": "elevated", "boosted": "elevated", "excess": "elevated", "exceed": "elevated", "exceeds": "elevated",
    "high": "elevated", "↑": "elevated", "above threshold": "elevated", "above the threshold": "elevated",
    "reduced": "reduced", "decreased": "reduced", "suppressed": "reduced", "diminished": "reduced",
    "attenuated": "reduced", "depressed": "reduced", "lowered": "reduced", "deficit": "reduced", "low": "reduced",
    "↓": "reduced",
    "typical": "typical", "normal": "typical", "unremarkable": "typical", "unchanged": "typical",
    "within range": "typical", "within the typical range": "typical", "within the normal range": "typical",
    "within the reference range": "typical", "within normal limits": "typical", "in range": "typical",
    "in the normal range": "typical", "in the typical range": "typical", "in the reference range": "typical",
}
_DIRECTION = re.compile(r"(?<![\w-])" + alternation(_STRONG) + r"(?![\w-])", re.I)
# Phrases that mean "typical" however they are built.
_HEDGE = re.compile(r"(?:below|under|short of|beneath) the (?:elevated |reduced |[+-]?1(?:\.0)? )?(?:threshold|cut-?off)"
                    r"|(?:does not|doesn't|did not|do not|neither|never) (?:reach|cross|meet)\w*(?: the)?"
                    r"(?: (?:elevated|reduced|raised|[+-]?1(?:\.0)?))?(?: (?:threshold|cut-?off|mark|level))?|narrowly miss\w*|falls? short|counts? as typical|i\.e\. typical",
                    re.I)
_NEGATED = re.compile(r"(?:\bnot\b|\bno longer\b|fails? to qualify as|\bisn't\b|\baren't\b|\bnor\b|\bnever\b)\s*"
                      r"(?:quite\s+|clearly\s+|really\s+|significantly\s+)?$", re.I)
_WEAK_AFTER = re.compile(r"^\s*(?:-|\s)(?:side|than|amplitude|arousal|frequency|pass|end)|^\s+than\b", re.I)
_THRESHOLD_BEFORE = re.compile(r"(?:threshold|cut-?off|exceed\w*|beyond|than)\s*(?:of\s*)?(?:z\s*[=:]?\s*)?"
                               r"\(?\s*$", re.I)
_THRESHOLD_AFTER = re.compile(r"^\s*(?:SD\s+)?(?:threshold|cut-?off|mark)\b", re.I)
_EACH = re.compile(r"\b(?:each|all|both)\b", re.I)
_SIGN_AFTER = re.compile(r"^\s*(?:SDs?|standard deviations?|σ)?\s*(above|below|under|over)\b", re.I)


@dataclass
class Item:
    start: int
    end: int
    region: str | None
    band: str | None
    z: list[Number] = field(default_factory=list)
    direction: tuple[str, bool] | None = None  # (direction, negated)
    said_until: int = 0  # where the words stating its direction end, when they follow it


# A region names a measurement of its own when a number or a direction follows it: "frontal 1.03",
# "central (−1.19)", "occipital: reduced", "centrally (z −1.19)".
_MEASURE_AFTER = re.compile(r"\s*(?:\(\s*)?(?::\s*)?(?:(?:highest|lowest|largest|smallest|strongest|weakest|most|least|"
                            r"at|is|was|of|with|reaching|around|about|being|deviat\w*|extreme)\s+){0,3}(?:z\s*[=:]?\s*)?"
                            r"(?:[+-]?\d|\.\d|elevated|reduced|typical|raised|suppressed|normal)", re.I)


def _region_lists(text: str, regions) -> set[int]:
    """Starts of regions listed together after "in/over/across the" ("raised in the frontal, temporal
    and parietal regions"), which all take the clause's band."""
    out: set[int] = set()
    for index, (start, end, _) in enumerate(regions):
        if not re.search(r"\b(?:in|over|across|at)\s+(?:the\s+)?$", text[:start]):
            continue
        members = [start]
        for nxt in regions[index + 1:]:
            if not re.fullmatch(r"[\s,]*(?:\([^)]*\)[\s,]*)?(?:and\s+)?(?:the\s+)?", text[end:nxt[0]]):
                break
            members.append(nxt[0])
            end = nxt[1]
        if len(members) > 1 or re.match(r"\s*(?:regions?|areas?|sites?|channels?|electrodes?)\b", text[end:], re.I):
            out.update(members)
    return out


def _of_asymmetry(text: str, start: int) -> bool:
    """Whether the band word at `start` is the asymmetry's ("the asymmetry in alpha"), not the next
    statement's ("(FAA +0.77), and temporal alpha is reduced")."""
    found = list(_ASYMMETRY.finditer(text[max(0, start - 25):start]))
    return bool(found) and not re.search(r",\s*(?:and|but|while|whereas)\b|;|" + alternation(_REGION_WORDS),
                                         text[max(0, start - 25) + found[-1].end():start], re.I)


# "frontal alpha favours the left (+0.20)": the asymmetry named by its band, not frontal alpha's power
SIDED = re.compile(r"(?:index\s+|balance\s+)?(?:favou?r|lean|tilt|point|skew)\w*\s+(?:to(?:wards?)?\s+|toward\s+)?(?:the\s+)?"
                   r"(?:left|right)\b", re.I)


def _names_asymmetry(rest: str) -> bool:
    return bool(_ASYMMETRY.match(rest) or SIDED.match(rest))


def items_of(text: str) -> list[Item]:
    bands = [(m.start(), m.end(), BAND_WORDS[m.group(0).lower()]) for m in BAND_RE.finditer(text)
             if not _names_asymmetry(text[m.end():].lstrip(" -")) and not _of_asymmetry(text, m.start())]
    regions = []
    for m in _REGION_RE.finditer(text):
        if _names_asymmetry(text[m.end():].lstrip(" -").removeprefix("alpha").lstrip(" -")):
            continue  # "frontal (alpha) asymmetry" is the asymmetry, not a region's band power
        region = _REGION_WORDS[m.group(0).lower()]
        specific = re.match(r"\s*\((" + "|".join(REGIONS) + r")(?:\s+(?:region|area|lobe|sites?))?\)", text[m.end():], re.I)
        if region in GROUPS and specific:  # "Posterior (occipital) alpha"
            region = specific.group(1).lower()
        regions.append((m.start(), m.end(), region))
    if not bands:
        return []
    used_regions: set[int] = set()
    items: list[Item] = []
    for start, end, band in bands:
        region = None
        # A region names a band when only a few words stand between them (both windows are wider than
        # what the patterns allow, so they only spare a long clause from reading every pair).
        before = [r for r in regions if 0 <= start - r[1] <= 12 and re.fullmatch(r"[\s,]*(?:and\s+)?", text[r[1]:start])]
        after = [r for r in regions if 0 <= r[0] - end <= 160 and re.fullmatch(
            r"\s*(?:power|rhythm|activity|waves?|band)?\s*,?\s*(?:which\s+)?(?:(?:is|was|are)\s+(?:\w+\s+)?\w+\s+)?"
            r"(?:(?:in|over|at|across|from)\s+(?:the\s+)?(?:very\s+)?|\(\s*)", text[end:r[0]])]
        if before:
            region = before[-1]
        elif after:
            region = after[0]
        if region is not None:
            used_regions.add(region[0])
        first = region[0] if region is not None and region[0] < start else start
        last = region[1] if region is not None and region[1] > end else end
        items.append(Item(first, last, region[2] if region else None, band))
        # "Frontal and temporal alpha": every region of a run right before the band is an item of it.
        if region is not None and region[0] < start:
            run = [r for r in regions if r[1] <= region[0]]
            cursor = region[0]
            for other in reversed(run):
                if not re.fullmatch(r"[\s,]*(?:and\s+|&\s*)?", text[other[1]:cursor]):
                    break
                used_regions.add(other[0])
                items.append(Item(other[0], other[1], other[2], band))
                cursor = other[0]
    listed = _region_lists(text, regions)
    for r_start, r_end, region in regions:  # regions listed with the clause's band: "frontal (1.03), temporal (1.17)"
        if r_start in used_regions:
            continue
        if not (_MEASURE_AFTER.match(text[r_end:]) or r_start in listed):
            continue  # "no central region appears in the table", "the temporal increase": not a measurement
        band_before = [b for b in bands if b[1] <= r_start]
        band = band_before[-1][2] if band_before else bands[0][2]
        items.append(Item(r_start, r_end, region, band))
    items.sort(key=lambda i: i.start)
    # "Delta, theta, alpha and beta are reduced in all five regions": a listed band takes the region
    # its list ends with.
    for index in range(len(items) - 2, -1, -1):
        item, nxt = items[index], items[index + 1]
        if item.region is None and nxt.region is not None and re.fullmatch(r"[\s,]*(?:and\s+)?", text[item.end:
                                                                                                        nxt.start]):
            item.region = nxt.region
    # A band inside a bracket takes the region written right before the bracket ("not frontally (beta 0.66").
    for item in items:
        opened = _in_parentheses(text, item.start) if item.region is None else None
        if opened is not None:
            before = [r for r in regions if r[1] <= opened and re.fullmatch(r"\s*", text[r[1]:opened])]
            if before:
                item.region = before[-1][2]
    # A band without its own region takes the region mentioned right before it ("frontal beta and gamma").
    last_region = None
    for item in items:
        if item.region is None:
            item.region = last_region
        last_region = item.region or last_region
    return items


_OTHER_SUBJECT = re.compile(r"asymmetr\w*|\bFAA\b|\b(?:happy|surprise|neutral|sad|disgust|fear|anger)\b|pattern match|"
                            r"encoder|classifier", re.I)


_FOR_ITEM = re.compile(r"\s*(?:SDs?\b|standard deviations?\b|σ)?\s*\)?\s*(?:for|in|at|over|across|on)\s+(?:the\s+)?", re.I)
_Z_NOUN = re.compile(r"\b(?:z(?:[- ]?scores?|[- ]?values?)?|deviation|score)\s*(?:of|=|:|at)?\s*\(?\s*$", re.I)


def _assign_numbers(text: str, items: list[Item], numbers: list[Number]) -> None:
    zs = [n for n in numbers if n.kind in ("z", "plain") and not ends_before(_THRESHOLD_BEFORE, text, n.start)
          and not _THRESHOLD_AFTER.match(text[n.end:]) and (n.kind == "z" or n.decimals >= 1 or n.signed)]
    # Parenthesised or trailing lists matched in order: "beta and gamma are typical (−0.50 and −0.16)".
    pending = list(zs)
    groups: list[list[Number]] = []
    for n in pending:
        if groups and re.fullmatch(r"\s*(?:,|and|&|/|;)\s*(?:and\s+)?(?:z\s*[=:]?\s*)?", text[groups[-1][-1].end:n.start]):
            groups[-1].append(n)
        else:
            groups.append([n])
    for group in groups:
        owners = [i for i in items if i.end <= group[0].start]
        # "a z-score of −0.9 for frontal beta", "(1.41) in the frontal region": the number of the item it
        # introduces, when it is written as a z or no region precedes it.
        later = next((i for i in items if i.start >= group[-1].end), None)
        gap, z_noun = text[group[0].end:later.start] if later else "", _Z_NOUN.search(text[:group[0].start])
        # "with a z-score of −1.1, parietal theta is reduced": a z opening the clause is the next item's
        introduced = _FOR_ITEM.fullmatch(gap) or (not owners and z_noun and re.fullmatch(r"\s*\)?\s*,\s*(?:the\s+)?", gap))
        if len(group) == 1 and later is not None and introduced and (not owners or not owners[-1].region or z_noun):
            later.z.append(group[0])
            continue
        if not owners:
            continue
        last = owners[-1]
        if _OTHER_SUBJECT.search(text, last.end, group[0].start) or group[0].start - last.end > 100:
            continue  # "…elevated, alongside a right-favouring asymmetry (−0.52)": another subject's number
        # k numbers after k items with nothing else between them: one each, in order.
        listed = [i for i in owners if not i.z][-len(group):] if len(group) > 1 else [last]
        if len(group) > 1 and len(listed) == len(group) and all(i.start >= listed[0].start for i in listed):
            for item, number in zip(listed, group):
                item.z.append(number)
        elif _EACH.search(text[last.end:group[0].start]) and len(group) == 1:
            coordinated = [i for i in owners if re.fullmatch(r"[\s,]*(?:and\s+)?", text[i.end:last.start]) or i is last]
            for item in coordinated:
                item.z.append(group[0])
        elif not last.z:
            last.z.append(group[0])


# Past the edge of the reference range is a direction, unlike "above the reference" (a sign):
# "sits above the reference range", "below the normal limits", "outside the typical range" (not typical).
_RANGE_EDGE = re.compile(r"\b(above|over|beyond|past|exceed\w*|below|under|beneath|outside(?: of)?)\s+(?:the\s+)?"
                         r"(?:(?:upper|lower)\s+(?:end|limit|bound|edge)\s+of\s+the\s+)?(?:reference|typical|normal|"
                         r"expected|usual)\s+(?:range|limits?|band|interval)|\bout of (?:the (?:typical |normal )?)?range\b",
                         re.I)


_COMPARED = re.compile(r"\s+(?:that (?:of|in|on|over)\s+|the\s+)?(?:" + alternation(_REGION_WORDS) + "|" + alternation(BAND_WORDS) +
                       r"|left|right)\b", re.I)
# "right frontal alpha is elevated relative to the left": one hemisphere against the other (asymmetry.py).
_AGAINST_SIDE = re.compile(r"\s+(?:(?:compared|relative)\s+(?:with|to)|than|over|versus|vs\.?)\s+(?:that\s+(?:of|on|over)\s+)?"
                           r"(?:the\s+)?(?:left|right)\b", re.I)


_ELSEWHERE = re.compile(r"\s*(?:elsewhere|everywhere else|in (?:all )?(?:the )?other (?:regions|bands)|in the rest)\b", re.I)


# "par α −1.02 ↓ → arousal ↑": the arrow after arousal or valence is the meaning's, not the band's;
# "low valence (55%) leads high valence": class names of a label set, not directions.
_NOT_A_DIRECTION = re.compile(r"\b(?:arousal|valence)\s*[↑↓]|[↑↓]\s*(?:arousal|valence)\b|"
                              r"\b(?:high|low)[- ]?(?:valence|arousal)\b", re.I)


def _directions(text: str) -> list[tuple[int, int, str, bool]]:
    hedges = [(m.start(), m.end(), "typical", False) for m in _HEDGE.finditer(text)]
    masked = text
    for pattern, _ in MEANINGS:  # "heightened arousal" is a meaning, not a band's direction
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    masked = _NOT_A_DIRECTION.sub(lambda m: " " * len(m.group(0)), masked)
    for start, end, _, _ in hedges:
        masked = masked[:start] + " " * (end - start) + masked[end:]
    out = list(hedges)
    for m in _RANGE_EDGE.finditer(masked):
        word = (m.group(1) or "outside").lower()
        direction = "elevated" if word in ("above", "over", "beyond", "past") or word.startswith("exceed") else \
            "reduced" if word in ("below", "under", "beneath") else "typical"
        negated = bool(_NEGATED.search(masked[:m.start()][-30:]))
        out.append((m.start(), m.end(), direction, negated != (direction == "typical")))
        masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    for m in _DIRECTION.finditer(masked):
        word = m.group(0).lower()
        if word in ("typical", "normal") and re.match(r"\s+(?:of|for)\b", masked[m.end():]):
            continue  # "typical of positive emotion" says what it is characteristic of, not a direction
        if word.startswith("exceed") and _COMPARED.match(masked[m.end():]):
            continue  # "central alpha exceeds occipital alpha" compares the two (comparisons.py)
        if _ELSEWHERE.match(masked[m.end():]) or _AGAINST_SIDE.match(masked[m.end():]):
            continue  # "…, typical elsewhere" is said of the other items; "… relative to the left" of a hemisphere
        if word in ("high", "low") and (_WEAK_AFTER.match(masked[m.end():]) or
                                        re.search(r"on the\s*$|\bthe\s*$", masked[:m.start()])):
            continue
        negated = bool(_NEGATED.search(masked[:m.start()][-30:]))
        out.append((m.start(), m.end(), _STRONG[word], negated))
    return sorted(out)


# Where a new statement starts inside a clause ("… but every other band is in range"): direction
# words past it do not belong to the items before it.
_NEW_SUBJECT = re.compile(r"(?:,|\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b|\band\b|\byet\b)\s+(?:every|all|each|the other|"
                          r"other|the rest|others|nothing|none|no)\b", re.I)
_BREAK = re.compile(r"(?<!\d)[.;](?!\d)|\bwhile\b|\bwhereas\b|\bbut\b")


def _in_parentheses(text: str, position: int) -> int | None:
    """Where the bracket that `position` sits in opens, or None."""
    depth, opened = 0, None
    for index in range(position - 1, max(-1, position - 400), -1):  # a bracket opens within a sentence
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            if depth == 0:
                return index
            depth -= 1
    return opened


# "… not elevated, unlike frontal theta" / "Unlike frontal theta, central theta is not elevated": the
# item a contrast introduces has the contrary of what is said of the item it is set against.
_CONTRAST = re.compile(r"\b(?:unlike|in contrast (?:to|with)|as opposed to|contrary to)\s+(?:(?:in|at|over)\s+)?(?:the\s+|"
                       r"that of\s+)?$", re.I)
# … and the item a likeness introduces has the same: "elevated along with central gamma", "like frontal gamma".
_LIKENESS = re.compile(r"\b(?:alongside|along with|together with|as well as|(?:just )?like|(?:as|so|nor|neither) (?:is|are|was|"
                       r"were|does|do)|as)"
                       r"\s+(?:(?:in|at|over)\s+)?(?:the\s+|that of\s+)?$", re.I)
# A direction word followed by one of these and an item is said of the item before it: "central gamma
# is elevated alongside central beta" (not "elevated central beta").
_PREPOSITION = re.compile(r"\s*(?:alongside|with|like|unlike|besides|beside|plus|than|versus|vs\.?)\s+", re.I)


def _assign_directions(text: str, items: list[Item]) -> None:
    directions = _directions(text)
    contrasted = [1 if _CONTRAST.search(text[items[i - 1].end if i else 0:item.start]) else
                  -1 if i and _LIKENESS.search(text[items[i - 1].end:item.start]) else 0 for i, item in enumerate(items)]
    own: set[int] = set()  # items whose direction is written with them
    for index, item in enumerate(items):
        opened = _in_parentheses(text, item.start)
        if opened is not None:  # "Delta is typical at the back (occipital −2.86)": the bracket elaborates
            prior = [d for d in directions if d[1] <= opened and (not index or d[0] >= items[index - 1].start)]
            if prior:
                negated = prior[-1][3] or bool(re.search(r"\bnot\b", text[prior[-1][1]:opened]))
                item.direction = (prior[-1][2], negated)
                own.add(index)
                continue
        nxt = items[index + 1].start if index + 1 < len(items) else len(text)
        stop = _NEW_SUBJECT.search(text, item.end, nxt)
        limit = stop.start() if stop else nxt
        after = [d for d in directions if item.end <= d[0] < limit and not (
            index + 1 < len(items) and re.fullmatch(r"\s*(?:\w+\s+)?", text[d[1]:items[index + 1].start])
            and not _PREPOSITION.fullmatch(text[d[1]:items[index + 1].start]))]
        if after:  # later words correct earlier ones: "not reduced — it is elevated"
            item.direction, item.said_until = (after[-1][2], after[-1][3]), after[-1][1]
            own.add(index)
            continue
        before = [d for d in directions if d[1] <= item.start and re.fullmatch(r"\s*(?:\w+\s+)?", text[d[1]:item.start])]
        if before:
            item.direction = (before[-1][2], before[-1][3])
    for index, item in enumerate(items):
        if contrasted[index] and index not in own:
            # The item it is set against: the next one in "Unlike B, A is …", else the last one said before.
            prefix = index + 1 in own and re.fullmatch(r"\s*,\s*", text[item.end:items[index + 1].start])
            stated = [items[i] for i in sorted(own) if i < index]
            reference = items[index + 1] if prefix else stated[-1] if stated else \
                items[index + 1] if index + 1 < len(items) else None
            if reference is not None and reference.direction is not None:
                item.direction = (reference.direction[0], reference.direction[1] != (contrasted[index] > 0))
    # Shared predicates: "frontal, temporal and occipital delta are raised" / "Delta is raised in the
    # frontal (1.03), temporal (1.17) … regions" / "… and parietal delta too": an item listed with
    # another takes its direction.
    for index, item in enumerate(items):
        if item.direction is not None:
            continue
        for other in items[index + 1:]:
            between = text[item.end:other.start]
            coordinated = re.fullmatch(r"(?:\s*\([^)]*\))?[\s,]*(?:and\s+|&\s*)?", between)
            if other.direction is not None and not _BREAK.search(between) and (other.band == item.band or coordinated) \
                    and not _DIRECTION.search(between) and not _HEDGE.search(between):
                item.direction = other.direction
                break
        else:
            for other in reversed(items[:index]):
                between = text[other.end:item.start]
                if other.band == item.band and other.direction is not None and not _BREAK.search(between) and \
                        (not re.search(r"\band\b\s+\w+\s+(?:is|are)\b", between) or
                         re.match(r"\s*(?:too|also|as well|likewise|similarly)\b", text[item.end:])):
                    item.direction = other.direction
                    break
    # "Delta is raised in the central region": the verb between a band and its region, where nothing
    # else gave the item a direction; not where the region opens a list ("are elevated over central,
    # temporal and occipital regions"), whose items share what is said of them as a whole.
    for item in items:
        inside = [d for d in directions if item.start <= d[0] and d[1] <= item.end]
        if item.direction is None and inside and not re.match(r"\s*(?:,|and\b|&)\s*(?:the\s+)?" + alternation(_REGION_WORDS),
                                                              text[item.end:], re.I):
            item.direction = (inside[-1][2], inside[-1][3])


def _signed(text: str, number: Number) -> float:
    """A z as written; "2.1 SD below the reference" is −2.1."""
    sign = _SIGN_AFTER.match(text[number.end:])
    if sign and not number.signed:
        return -number.value if sign.group(1).lower() in ("below", "under") else number.value
    return number.value


_SPARED = re.compile(r"\s*,?\s*(?:except(?:\s+for)?|apart\s+from|other\s+than|but\s+not|save\s+for|excluding|bar)\s+"
                     r"(?:the\s+)?((?:" + _REGION_RE.pattern + r")(?:\s*(?:,|and|or|&)\s*(?:the\s+)?(?:" + _REGION_RE.pattern +
                     r"))*)", re.I)


def band_claims(clause: Clause, found: list[Number]) -> list[Claim]:
    # Table rows that name region and band ("frontal | alpha | 0.90 | elevated") read as a list.
    text = unhyphenated(clause.text).replace("|", ",")
    # "Right frontal alpha exceeds left" compares the hemispheres (an asymmetry claim, asymmetry.py).
    sided = hemisphere_spans(text)
    items = [i for i in items_of(text) if not any(a <= i.start < b for a, b in sided)]
    if not any(i.region for i in items):
        return []
    _assign_numbers(text, items, found)
    _assign_directions(text, items)
    for index, item in enumerate(items):  # "delta elevated: frontal 1.03, central 0.89, …"
        if item.region is None and item.direction is not None:
            for other in items[index + 1:]:
                if other.band == item.band and not _in_parentheses(text, other.start) and \
                        (other.direction is None or re.match(r"\s*(?:\w+\s+)?:", text[item.end:])):
                    other.direction = item.direction
    items = [i for i in items if i.region]
    out: list[Claim] = []
    for index, item in enumerate(items):
        if item.direction is None and not item.z:
            continue
        regions = GROUPS.get(item.region, (item.region,))
        if item.region == "*":  # "delta is reduced in all regions except frontal (−0.93)": not frontal
            spared = _SPARED.match(text, item.end)
            if spared:
                named = {_REGION_WORDS[r.lower()] for r in _REGION_RE.findall(spared.group(1))}
                regions = tuple(r for r in regions if r not in named)
        stated: dict = {}
        if item.direction is not None:
            direction, negated = item.direction
            stated["not_direction" if negated else "direction"] = direction
        z = item.z[0] if item.z else None
        if z is not None:
            stated["z"] = _signed(text, z)
            stated["z_signed"] = z.signed or bool(_SIGN_AFTER.match(text[z.end:]))
        end = max([item.end, *(n.end for n in item.z)])
        start = min([item.start, *(n.start for n in item.z)])
        if start < item.start:  # the number comes first: quote it from its noun ("a z-score of −0.9 for …")
            noun = _Z_NOUN.search(text[:start])
            bracket = re.search(r"\(\s*$", text[:start])
            start = noun.start() if noun else bracket.start() if bracket else start
        words = span(clause, start, max(end + 1, item.said_until))
        for region in regions:
            claim = Claim("band", words, f"{region} {item.band}", dict(stated), {"z": z} if z is not None else {})
            if item.region in GROUPS:
                claim.stated["group"] = item.region  # "every region": regions without a measurement are skipped
            out.append(claim)
        limit = items[index + 1].start if index + 1 < len(items) and items[index + 1].direction is not None else len(text)
        other_subject = _OTHER_SUBJECT.search(text, end, limit)
        meaning = meaning_after(text, end, other_subject.start() if other_subject else limit)
        direction = stated.get("direction")
        if direction is None and "z" in stated and abs(stated["z"]) >= 1.0:
            # "lower alpha (parietal, z −1.02) is read as a sign of calm": the meaning is given to the
            # value quoted, which the convention calls reduced, though the words only describe its sign.
            direction = "elevated" if stated["z"] > 0 else "reduced"
        if meaning and direction is not None:
            for region in regions:
                out.append(Claim("association", meaning[1], f"{region} {item.band}",
                                 {"direction": direction, "meaning": meaning[0]}))
    return out
