"""Reliability checks, each a module, run by one command:

    python -m bench reliability                       # all five at their reported sizes
    python -m bench reliability --only fuzz --n 10000 # one part, with its size
    python -m bench reliability --only property --n 500
    python -m bench reliability --only kill --n 100
    python -m bench reliability --only chats --n 16
    python -m bench reliability --only security

fuzz      mutated EEG files in every writable format through the product's path (fuzz.py, cases.py,
          seeds.py, byte_mutations.py, header_edits.py, extreme.py, pipeline.py, pool.py)
property  the evidence property test (tests/test_evidence_property.py) at a reported size (property.py)
kill      SIGKILL during report writes; the store audited after every kill (kill.py, kill_child.py)
chats     concurrent chats through the real app on the demo checkpoint and vLLM (chats.py)
security  credentials, pickles, identifiers, checkpoints, API key, upload permissions (security*.py)

Results: the RELIABILITY section of BENCHMARKS.md (through `bench.report.write_section`), the latest
summary of each part in bench/results/reliability.json (the section is rebuilt from it), and the raw
results of this run in the JSON file given with --json.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timezone
from pathlib import Path

PARTS = ("fuzz", "property", "kill", "chats", "security")
DEFAULT_SIZES = {"fuzz": 10_000, "property": 500, "kill": 100, "chats": 16}
RAW_DEFAULT = Path(__file__).resolve().parents[1] / "results" / "reliability-raw.json"


def _command(part: str, args: argparse.Namespace, size: int | None) -> str:
    words = ["python -m bench reliability --only", part]
    if size is not None:
        words += ["--n", str(size)]
    if part in ("fuzz", "kill"):
        words += ["--seed", str(args.seed)]
    if part == "fuzz":
        words += ["--workers", str(args.workers or os.cpu_count())]
    if part == "security" and args.skip_server:
        words.append("--skip-server")
    return " ".join(words)


def run_part(part: str, size: int | None, args: argparse.Namespace) -> dict:
    if part == "fuzz":
        from encoders.paths import home

        from .fuzz import run_fuzz

        keep = args.keep_failures or home() / "reliability-fuzz-failures" / f"seed{args.seed}-n{size}"
        return run_fuzz(size, args.seed, args.workers, args.timeout, keep_failures=keep)
    if part == "property":
        from .property import run_property

        return run_property(size)
    if part == "kill":
        from .kill import run_kill

        return run_kill(size, args.seed)
    if part == "chats":
        from .chats import run_chats

        return run_chats(size, args.checkpoint)
    from .security import run_security

    return run_security(args.checkpoint, skip_server=args.skip_server)


def _compact(part: str, result: dict) -> dict:
    """What the section needs (the raw file keeps everything)."""
    drop = {"fuzz": ("all_failures", "seeds", "build_error_examples"), "chats": ("results",), "kill": ("folder",)}
    out = {k: v for k, v in result.items() if k not in drop.get(part, ())}
    if part == "fuzz":
        out["failure_groups"] = [{**g, "examples": g["examples"][:1]} for g in result["failure_groups"]]
    return out


def main(argv: list[str] | None = None) -> dict:
    from bench.report import machine, write_section

    from .section import load_state, render, save_state

    parser = argparse.ArgumentParser(prog="python -m bench reliability", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=PARTS, help="run one part (default: all five)")
    parser.add_argument("--n", type=int, default=None,
                        help="size of the part given with --only: files (fuzz), generated recordings (property), kills (kill), chats (chats)")
    parser.add_argument("--seed", type=int, default=0, help="master seed of the fuzz corpus and the kill times")
    parser.add_argument("--workers", type=int, default=None, help="fuzz worker processes (default: every core)")
    parser.add_argument("--timeout", type=float, default=60.0, help="fuzz: seconds before a file counts as a hang")
    parser.add_argument("--json", type=Path, default=RAW_DEFAULT,
                        help=f"raw results of this run (default {RAW_DEFAULT})")
    parser.add_argument("--keep-failures", type=Path, default=None,
                        help="fuzz: folder for the seeds and every failing case's files "
                             "(default: $EEGREASON_HOME/reliability-fuzz-failures/seedS-nN)")
    parser.add_argument("--checkpoint", type=Path, default=None, help="chats/security: checkpoint (default: demo)")
    parser.add_argument("--skip-server", action="store_true", help="security: skip the API-key check (starts vLLM)")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md or bench/results")
    args = parser.parse_args(argv)
    if args.n is not None and not args.only:
        parser.error("--n sizes one part: give --only fuzz|kill|chats|security with it")
    if args.n is not None and args.n < 1:
        parser.error("--n must be at least 1")
    parts = [args.only] if args.only else list(PARTS)
    state = load_state()
    raw: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine()}
    for part in parts:
        size = (args.n if args.n is not None else DEFAULT_SIZES[part]) if part in DEFAULT_SIZES else None
        result = run_part(part, size, args)
        entry = {"command": _command(part, args, size), "machine": machine(),
                 "date": datetime.now(timezone.utc).strftime("%Y-%m-%d")}
        raw[part] = {**entry, "result": result}
        state[part] = {**entry, "result": _compact(part, result)}
        print(render({part: state[part]}), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(raw, indent=1, default=str) + "\n")
    print(f"raw results: {args.json}")
    if not args.no_write:
        save_state(state)
        write_section("reliability", render(state), parts_dated=True)
    return raw
