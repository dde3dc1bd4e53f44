"""Keeping a new writer's question phrasings apart from the banks they must not repeat.

A held-out bank scores wording the model and the router have never seen, so its phrasings are kept
apart from every training bank; a training writer's additions are kept apart from every held-out
bank, or the held-out scores would test remembered wording. "Apart" is up to case, spacing and
punctuation, and beyond exact repeats: a phrasing within `NEAR_RATIO` of one in the other banks
(difflib's similarity ratio) is a near-repeat and is left out, as are repeats within the new
phrasings and of the bank they extend.

    python -m prompts.question_filter RAW.yaml --apart-from questions-heldout-v1 … \
        [--repeats-of questions-v3] --out ADDITIONS.yaml

RAW.yaml has a bank's layout (`kinds:` kind → {first: [...], follow_up: [...]}, or kind → [...]);
the output keeps that layout with what was kept, and the counts are printed. `questions-v4`'s
additions and `questions-heldout-v7` were filtered this way (tests/test_question_filter.py checks
that the shipped banks keep the distance their headers state).
"""

from __future__ import annotations

import argparse
import bisect
import difflib
import functools
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from encoders.errors import ConfigError

from .questions import KINDS, TRAINED, load_questions
from .questions import phrasing_words as words

NEAR_RATIO = 0.75  # difflib's similarity ratio, up to case and punctuation, at which a phrasing is a near-repeat
# difflib's ratio is at most 2·min(a, b)/(a + b), so two phrasings whose lengths differ more than
# this factor can never be near-repeats: only phrasings of similar length are compared.
_LENGTH_FACTOR = (2 - NEAR_RATIO) / NEAR_RATIO


def bank_phrasings(version: str) -> list[str]:
    """Every phrasing of a bank (a shipped bank's name or a YAML file), first questions and follow-ups."""
    return load_questions(version).every_phrasing()


class Pool:
    """Phrasings to keep apart from, indexed by length so that only possible near-repeats are compared."""

    def __init__(self, phrasings):
        self._entries = sorted({words(p) for p in phrasings}, key=len)
        self._lengths = [len(p) for p in self._entries]
        self._letters = [Counter(p) for p in self._entries]
        self._set = set(self._entries)

    def __contains__(self, text: str) -> bool:
        """Whether `text` is an exact repeat (up to case, spacing and punctuation)."""
        return words(text) in self._set

    def near(self, text: str) -> str | None:
        """The first pooled phrasing within NEAR_RATIO of `text` (normalised), or None. `text` comes
        first in the comparison, as the filter always has it (the ratio is not quite symmetric)."""
        found = words(text)
        letters = Counter(found)
        low = bisect.bisect_left(self._lengths, len(found) / _LENGTH_FACTOR)
        high = bisect.bisect_right(self._lengths, len(found) * _LENGTH_FACTOR)
        for i in range(low, high):
            other = self._entries[i]
            # difflib's quick_ratio (the letters both share), computed once per pooled phrasing: an
            # upper bound on the ratio, so most pairs are ruled out without matching them.
            shared = sum((letters & self._letters[i]).values())
            if 2.0 * shared / (len(found) + len(other)) < NEAR_RATIO:
                continue
            if difflib.SequenceMatcher(None, found, other).ratio() >= NEAR_RATIO:
                return other
        return None


@dataclass
class Filtered:
    kinds: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # kind -> part -> kept phrasings
    near: int = 0  # left out: within NEAR_RATIO of a phrasing to keep apart from
    repeats: int = 0  # left out: a repeat of the extended bank or of an earlier new phrasing

    @property
    def kept(self) -> int:
        return sum(len(phrasings) for parts in self.kinds.values() for phrasings in parts.values())


def _parts(entry) -> dict[str, list[str]]:
    """A kind's phrasings by part, as the raw file has them (a bare list: first questions)."""
    parts = {part: entry[part] or [] for part in ("first", "follow_up") if part in entry} \
        if isinstance(entry, dict) else {"first": entry or []}
    for part, phrasings in parts.items():
        if not isinstance(phrasings, list) or not all(isinstance(p, str) and p.strip() for p in phrasings):
            raise ConfigError(f"The new {part.replace('_', '-')} phrasings must be a list of non-empty strings; fix the file.")
    return parts


def filter_phrasings(raw: dict, apart_from: Pool, repeats_of: Pool | None = None) -> Filtered:
    """`raw` (kind -> phrasings, a bank's `kinds` layout) less near-repeats of `apart_from`, exact
    repeats of `repeats_of` and repeats among its own phrasings."""
    unknown = set(raw) - set(KINDS)
    if unknown:
        raise ConfigError(f"The new phrasings name kinds no bank has ({', '.join(sorted(unknown))}); use the kinds of "
                          f"prompts/questions.py.")
    out = Filtered()
    seen: set[str] = set()
    for kind in KINDS:
        if kind not in raw:
            continue
        out.kinds[kind] = {}
        for part, phrasings in _parts(raw[kind]).items():
            kept = []
            for text in phrasings:
                if words(text) in seen or (repeats_of is not None and text in repeats_of):
                    out.repeats += 1
                elif apart_from.near(text) is not None:
                    out.near += 1
                else:
                    seen.add(words(text))
                    kept.append(text)
            out.kinds[kind][part] = kept
    return out


def near_training_phrasings(version: str) -> int:
    """How many of a bank's first phrasings are within NEAR_RATIO of a training phrasing: a held-out
    bank refuses exact repeats (`prompts.questions.check_heldout_bank`); a near one is kept but is a
    milder test of unseen wording, so it is counted."""
    trained = _training_pool()
    return sum(trained.near(p) is not None for phrasings in load_questions(version).first.values() for p in phrasings)


@functools.lru_cache(maxsize=1)
def _training_pool() -> Pool:
    return Pool(p for name in TRAINED for p in bank_phrasings(name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prompts.question_filter", description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path, help="YAML of new phrasings, in a question bank's layout")
    parser.add_argument("--apart-from", nargs="+", required=True, metavar="BANK",
                        help="banks (names or YAML files) whose phrasings the new ones must not be near")
    parser.add_argument("--repeats-of", metavar="BANK", help="the bank the new phrasings extend: its exact repeats are "
                                                             "left out")
    parser.add_argument("--out", type=Path, required=True, help="YAML file for the phrasings kept")
    args = parser.parse_args(argv)
    try:
        raw = yaml.safe_load(args.raw.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        print(f"{args.raw} is not a readable YAML file ({type(error).__name__}); fix it.", file=sys.stderr)
        return 2
    if not isinstance(raw, dict) or not isinstance(raw.get("kinds"), dict):
        print(f"{args.raw} has no 'kinds' mapping of kind to phrasings; use a question bank's layout.", file=sys.stderr)
        return 2
    try:
        apart = Pool(p for bank in args.apart_from for p in bank_phrasings(bank))
        extended = Pool(bank_phrasings(args.repeats_of)) if args.repeats_of else None
        result = filter_phrasings(raw["kinds"], apart, extended)
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return 2
    args.out.write_text(yaml.safe_dump({"kinds": result.kinds}, sort_keys=False, allow_unicode=True, width=1000),
                        encoding="utf-8")
    print(f"kept {result.kept}; left out {result.near} near a phrasing of {', '.join(args.apart_from)} and "
          f"{result.repeats} repeats; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
