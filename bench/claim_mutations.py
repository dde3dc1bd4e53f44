"""The claim checker on the demo model's own rationales, each changed in one fact.

The held-out evaluation (`python -m bench.demo_model`, stored in runs/eval-demo) holds the model's
replies on unseen subjects. Every reply about one recording whose claims all hold as written is
changed once per fact it states — a class's share moved by 7 points, a band's z-score negated (or
moved by 1.5), the asymmetry's side, value or meaning flipped, the quality grade, the usable seconds,
the order of the two classes it names, an emotion's valence class — and each changed text must be
flagged. Which facts the writer changes is decided by patterns of the model's reply shape, written
here apart from the checker, so the measurement is how many one-fact misstatements in the model's
own words the checker catches.

    python -m bench.claim_mutations [--eval-dir runs/eval-demo] [--no-write]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from bench.report import write_section
from encoders.evidence import Evidence
from evaluation.run import read_jsonl
from prompts.claims import check_text

TASKS = ("emotion", "valence_arousal", "free")
_OTHER_VALENCE = {"positive": "negative", "negative": "positive", "neutral": "positive"}
_OTHER_GRADE = {"good": "poor", "fair": "good", "poor": "good"}


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def mutations(text: str, classes: list[str]) -> list[tuple[str, str]]:
    """(kind, text) for each one-fact change of `text` the model's reply shape allows."""
    out = []
    for m in re.finditer(r"\((\d+)%\)", text):  # "closest to happy (53%)"
        value = int(m.group(1))
        out.append(("probability", _replace(text, m.start(1), m.end(1), str(value + 7 if value < 80 else value - 7))))
    for m in re.finditer(r"\(z ([+-]?\d\.\d+)\)", text):  # "is reduced (z -1.2)"
        value = float(m.group(1))
        out.append(("band_z", _replace(text, m.start(1), m.end(1), f"{-value if abs(value) > 0.3 else value + 1.5:+.1f}")))
    for side, other in (("favours the right", "favours the left"), ("favours the left", "favours the right")):
        if side in text:
            out.append(("faa_side", text.replace(side, other, 1)))
    faa = re.search(r"asymmetry of ([+-]?\d\.\d\d) favours the \w+ hemisphere, a sign of (positive|negative) valence", text)
    if faa:
        value = float(faa.group(1))
        out.append(("faa_value", _replace(text, faa.start(1), faa.end(1), f"{value + (0.3 if value < 0.5 else -0.3):+.2f}")))
        out.append(("faa_meaning", _replace(text, faa.start(2), faa.end(2), _OTHER_VALENCE[faa.group(2)])))
    grade = re.search(r"Signal quality is (good|fair|poor)", text)
    if grade:
        out.append(("quality_grade", _replace(text, grade.start(1), grade.end(1), _OTHER_GRADE[grade.group(1)])))
    usable = re.search(r"\((\d+) of (\d+) s usable\)", text)
    if usable:
        out.append(("usable", _replace(text, usable.start(1), usable.end(1), str(max(1, int(usable.group(1)) - 9)))))
    pair = re.search(r"closest to (\w+) \((\d+)%\), then (\w+) \((\d+)%\)", text)
    if pair and pair.group(2) != pair.group(4):
        swapped = f"closest to {pair.group(3)} ({pair.group(2)}%), then {pair.group(1)} ({pair.group(4)}%)"
        out.append(("rank", _replace(text, pair.start(), pair.end(), swapped)))
    for name in classes:
        placed = re.search(r"\b" + re.escape(name) + r" has (positive|negative|neutral) valence", text, re.I)
        if placed:
            out.append(("class", _replace(text, placed.start(1), placed.end(1), _OTHER_VALENCE[placed.group(1)])))
    return out


def measure(eval_dir: Path) -> dict:
    items = {i["id"]: i for i in read_jsonl(eval_dir / "items.jsonl")}
    replies = [r for r in read_jsonl(eval_dir / "results.jsonl")
               if r["task"] in TASKS and r.get("arm", "both") == "both" and r.get("parsed") and r["id"] in items]
    used, counts, caught, missed = 0, Counter(), Counter(), {}
    for reply in replies:
        item = items[reply["id"]]
        if len(item["evidence"]) != 1:
            continue
        evidence = Evidence.from_dict(item["evidence"][0])
        if not all(c.holds for c in check_text(reply["output"], evidence)):
            continue  # only replies whose claims all hold as the model wrote them
        used += 1
        for kind, text in mutations(reply["output"], item["label_space"]["labels"]):
            counts[kind] += 1
            if any(not c.holds for c in check_text(text, evidence)):
                caught[kind] += 1
            else:
                missed.setdefault(kind, text)
    return {"replies": len(replies), "used": used, "counts": counts, "caught": caught, "missed": missed}


def render(result: dict, eval_dir: Path) -> str:
    counts, caught = result["counts"], result["caught"]
    total, flagged = sum(counts.values()), sum(caught.values())
    rows = "\n".join(f"| {kind} | {counts[kind]} | {caught[kind]} | {caught[kind] / counts[kind]:.3f} |" for kind in sorted(counts))
    missed = "".join(f"\n- {kind}: {' '.join(text.split())[:400]}" for kind, text in sorted(result["missed"].items()))
    return f"""## Claim checker on the demo model's own rationales, one fact changed

`python -m bench.claim_mutations` on the held-out evaluation in `{eval_dir}` (the demo-model section's
run: unseen subjects, SYNTHETIC recordings): of {result['replies']} replies about one recording, the
{result['used']} whose claims all hold as written are each changed once per fact they state (a share
moved by 7 points, a z-score negated, the asymmetry's side, value or meaning flipped, the grade, the
usable seconds, the two classes' order, an emotion's valence class); every changed text should be
flagged. The changes are made by patterns of the reply shape written apart from the checker.

| fact changed | texts | flagged | share |
|---|---|---|---|
{rows}
| **all** | {total} | {flagged} | **{flagged / total:.3f}** |

Not flagged, one example of each kind:{missed or ' none.'}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.claim_mutations", description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("runs/eval-demo"))
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing BENCHMARKS.md")
    args = parser.parse_args(argv)
    if not (args.eval_dir / "items.jsonl").exists() or not (args.eval_dir / "results.jsonl").exists():
        sys.exit(f"{args.eval_dir} holds no evaluation run; run `python -m bench.demo_model` (or give --eval-dir).")
    result = measure(args.eval_dir)
    if not result["counts"]:
        sys.exit(f"{args.eval_dir} holds no reply about one recording whose claims all hold; nothing to change.")
    section = render(result, args.eval_dir)
    print(section)
    if not args.no_write:
        write_section("claim-mutations", section)


if __name__ == "__main__":
    main()
