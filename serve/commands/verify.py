"""`eegreason verify RECORDING --text FILE`: check every claim of a reasoning against the recording
(`--with B [--with C]`: against two or three, with the orderings of them).

For a clinician who pastes a rationale (the model's, a colleague's, their own): each claim the
text makes — a class's probability, a region's band power, the asymmetry's value, side and
meaning, a class's valence or arousal, quality figures, bad channels, usable time, and what an
Answer line in a free question's shape states — is listed with whether it holds and what was measured. The evidence is computed exactly as for `ask`, with the
checkpoint's encoder (its pattern match) and band-power reference; no language model is loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ._options import add_checkpoint_argument, add_with_argument, recording_paths

NAME = "verify"
HELP = "Check each claim of a reasoning text (a file, or - for standard input) against a recording's evidence."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", type=Path, help="EEG file: EDF, BDF, FIF, BrainVision .vhdr, EEGLAB .set, .cnt")
    add_with_argument(parser, "another recording the text is about (repeat for a third), numbered 1, 2, 3 in the order "
                              "given: its orderings ('recording 2 is calmer', 'the order is 3, 1, 2') are checked too")
    parser.add_argument("--text", required=True, help="file with the reasoning to check, or - to read standard input")
    add_checkpoint_argument(parser, help="checkpoint whose encoder and reference make the evidence (default: the "
                                         "bundled demo checkpoint, or $EEGREASON_CHECKPOINT)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def read_text(source: str) -> str:
    from encoders.errors import ConfigError

    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"{source} is not a file; give the reasoning as a text file or - for standard input.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{source} is not UTF-8 text; save the reasoning as plain text.") from None


def run(args: argparse.Namespace) -> int:
    from encoders.io import read_recording
    from prompts.claims.between import check_reasoning
    from serve.answer_fields import claim_lines
    from serve.assistant import Assistant

    text = read_text(args.text)
    paths = recording_paths(args)
    recordings = [read_recording(p) for p in paths]  # a bad file fails before the checkpoint loads
    assistant = Assistant(args.checkpoint, start_engine=False)
    evidences = [assistant.analyse_recording(r, p.name).evidence for r, p in zip(recordings, paths)]
    evidence = evidences[0]
    checked = check_reasoning(text, evidences)
    failing = [c for c in checked if not c.holds]
    if args.json:
        print(json.dumps({"recording": args.recording.name, "synthetic": any(e.synthetic for e in evidences),
                          **({"with": [p.name for p in args.others]} if args.others else {}),
                          "n_claims": len(checked), "n_failing": len(failing),
                          "claims": [c.to_dict() for c in checked]}, indent=2, allow_nan=False))
        return 0
    if any(e.synthetic for e in evidences):
        print("[SYNTHETIC recording: generated, not from a person]")
    print("\n".join(claim_lines([c.to_dict() for c in checked])))
    return 0
