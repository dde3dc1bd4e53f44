"""The RELIABILITY section of BENCHMARKS.md, rendered from the latest result of each part.

Parts are run separately (`--only`), so the latest summary of each is kept in
bench/results/reliability.json and the section is rebuilt from all of them every time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .fuzz import describe_case

STATE = Path(__file__).resolve().parents[1] / "results" / "reliability.json"
# The sizes the reported figures must reach; a smaller run is labelled as such in the section.
REPORTED_SIZE = {"fuzz": 10_000, "kill": 100, "chats": 16}


def load_state(path: Path = STATE) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def save_state(state: dict[str, Any], path: Path = STATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")


def _size_note(part: str, size: int) -> str:
    target = REPORTED_SIZE.get(part)
    return f" (a development-size run: the reported size is {target:,})" if target and size < target else ""


def _head(entry: dict) -> str:
    return f"`{entry['command']}` · {entry['date']} · {entry['machine']}"


def _fuzz(entry: dict) -> list[str]:
    r = entry["result"]
    c = r["counts"]
    out = [f"### Fuzzed EEG files{_size_note('fuzz', r['files'])}", "", _head(entry), "",
           "| outcome | files |", "|---|---:|",
           f"| mutated files run through read → analysis → evidence → prompt text → inspect JSON → note → Markdown "
           f"| {r['files']:,} |",
           f"| accepted, every output finite | {c['accepted']:,} |",
           f"| refused with a typed one-sentence error | {c['refused']:,} |",
           f"| **tracebacks** (any other exception) | **{c['traceback']}** |",
           f"| **hangs** (no answer within {r['timeout_s']:g} s) | **{c['hang']}** |",
           f"| **crashes** (worker died) | **{c['crash']}** |",
           f"| **non-finite outputs** (NaN/inf in evidence, text, JSON or note) | **{c['nonfinite']}** |", "",
           f"Also run: the {r['seed_files']} unmutated seeds ({_counts(r['seed_counts'])}). Refusals that are not one "
           f"sentence: {r['refusals_not_one_sentence']}. Non-finite outputs from 1–2-channel recordings: "
           f"{r['nonfinite_with_1_or_2_channels']}; from recordings with samples beyond 1e15 µV: "
           f"{r.get('nonfinite_with_huge_values', '—')}; others: {r.get('nonfinite_other', '—')}. "
           f"{r['files_per_s']} files/s with {r['workers']} worker processes "
           f"({r['wall_s'] / 60:.1f} min wall); per file median {r['per_file_s']['median']} s, "
           f"max {r['per_file_s']['max']} s."]
    kinds = ", ".join(f"{k} {sum(v.values())}" for k, v in r["by_kind"].items())
    formats = ", ".join(f"{k} {sum(v.values())}" for k, v in r["by_format"].items())
    out += ["", f"Corpus (seeded, master seed {r['master_seed']}): {kinds}; by format: {formats}."]
    if r["failure_groups"]:
        out += ["", "| failure | files | example (rebuild with `python -m bench.reliability.fuzz --case N --seed S`) |",
                "|---|---:|---|"]
        for group in r["failure_groups"][:12]:
            example = group["examples"][0]
            where = f"case {example['index']}: " if "index" in example else ""
            out.append(f"| {_cell(group['signature'])} | {group['count']} | "
                       f"{_cell(where + describe_case(example.get('case', {})))} |")
    return out


def _property(entry: dict) -> list[str]:
    r = entry["result"]
    events = r.get("events", {})
    rows = [f"| {_cell(name)} | {count} |" for name, count in sorted(events.items())]
    return ["### Evidence property test", "", _head(entry), "",
            "Generated recordings (1–64 channels, 64–2048 Hz, one window to a minute, spikes, clipping, DC offsets, "
            "flat channels, absurd values) through analysis, evidence, its text, an abstention, the inspect JSON and "
            "a draft note; each must hold only finite numbers, never be graded good with non-finite features, and "
            "never support an emotion reading on one or two channels.", "",
            "| | recordings |", "|---|---:|",
            f"| generated and checked | {r['passing'] + r['failing']} |",
            f"| **failing** | **{r['failing']}** |",
            *rows, "",
            f"Test {'passed' if r['passed'] else 'FAILED'} (exit code {r['exit_code']}); {r['wall_s'] / 60:.1f} min wall. "
            f"Counts from Hypothesis's event shares."]


def _kill(entry: dict) -> list[str]:
    r = entry["result"]
    return [f"### kill -9 during report writes{_size_note('kill', r['kills'])}", "", _head(entry), "",
            "| | |", "|---|---:|",
            f"| SIGKILLs of a process writing notes (create, edit, sign, amend, sign, export) | {r['kills']} |",
            f"| … landing inside a store write call | {r['kills_inside_a_store_write']} |",
            f"| … with a write transaction open (BEGIN IMMEDIATE … COMMIT) | "
            f"{r['kills_with_a_write_transaction_open']} |",
            f"| **corrupt databases** (integrity_check, reopening) | **{r['corrupt_databases']}** |",
            f"| **kills after which any check failed** | **{r['kills_with_problems']}** |",
            f"| signed versions reported by the writer (fsynced journal) | {r['signed_versions_journaled']:,} |",
            f"| **… not byte-identical afterwards** | **{r['signed_versions_changed']}** |", "",
            f"After every kill: integrity_check; every version's sha256 recomputed and {_sweep(r)}; versions "
            f"contiguous; each version's and signature's audit row present; earlier audit rows unchanged; every new "
            f"export equal to its stored version (all of them after the last kill). Store at the end: "
            f"{r['reports']:,} reports, {r['versions']:,} versions ({r['signed_versions']:,} signed), "
            f"{r['audit_rows']:,} audit rows, {r['exports']:,} exports; temporary export files left by kills inside "
            f"an export: {r.get('export_temp_files_left', '—')}. "
            f"{r['wall_s'] / 60:.1f} min wall."]


def _sweep(r: dict) -> str:
    every = r.get("get_every_version_every_n_kills", 1)
    if every == 1:
        return "every version read back through `get`"
    return f"new versions read back through `get` (every version after every {every}th kill and the last)"


def _chats(entry: dict) -> list[str]:
    r = entry["result"]
    lat = r["latency_s"]
    left = len(r["processes_left_behind"])
    return [f"### Concurrent chats through the real app{_size_note('chats', r['chats'])}", "", _head(entry), "",
            "| | |", "|---|---:|",
            f"| chats at once (gradio_client, each its own SYNTHETIC recording, upload + 2 questions) | {r['chats']} |",
            f"| **errors** | **{r['errors']}** |",
            f"| **mixed** (a reply naming or citing another chat's recording) | **{r['mixed']}** |",
            f"| latency per chat, median / max | {lat['median']} s / {lat['max']} s |",
            f"| processes left behind after closing app and engine | {left} |", "",
            f"Demo checkpoint on the vLLM engine (max_num_seqs {r['max_num_seqs']}; the app's queue runs "
            f"{r['app_concurrency_limit']} requests per endpoint at once). Engine start "
            f"{r['timings_s'].get('engine_start_s')} s; all chats {r['timings_s'].get('chats_wall_s')} s. "
            f"Status identical to a fresh analysis in {r['status_exact']} of {r['chats']} chats; numbers cited by "
            f"the model that no single recording has (misquotes, not mixing): {r['unsupported_citations']}. "
            f"Stored uploads: {_modes(r.get('upload_modes', {}))}; Gradio's own copies of the uploads: "
            f"{_gradio(r.get('gradio_upload_copies', {}))}."]


def _modes(modes: dict) -> str:
    if "files" in modes:  # the kept recordings' files and their folders
        return f"files {', '.join(modes['files']) or '—'} in folders {', '.join(modes['folders']) or '—'}"
    files = sorted({m for name, m in modes.items() if name != "(folder)"})
    return f"files {', '.join(files) or '—'} in a folder {modes.get('(folder)', '—')}"


def _gradio(copies: dict) -> str:
    if not copies:
        return "not checked"
    if not copies.get("count"):
        return "none left after the app closed"
    return (f"{copies.get('count', 0)} under {copies.get('folder')} (files {', '.join(copies.get('file_modes', []))}, "
            f"folders {', '.join(copies.get('folder_modes', []))}), deleted by the check")


def _security(entry: dict) -> list[str]:
    r = entry["result"]
    out = [f"### Security checks ({r['passed']} of {r['total']} pass)", "", _head(entry), ""]
    for check in r["checks"]:
        mark = "pass" if check["passed"] else "**FAIL**"
        pending = " (fix in progress)" if check.get("pending_fix") and not check["passed"] else ""
        problems = check.get("problems") if not check["passed"] else None
        found = f" Found: {'; '.join(problems)[:400]}." if problems else ""
        out.append(f"- {mark}{pending} — {check['name']}: {check.get('tried', '')}.{found}")
    return out


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")[:160]


def _counts(counts: dict) -> str:
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "none"


RENDERERS = {"fuzz": _fuzz, "property": _property, "kill": _kill, "chats": _chats, "security": _security}


def render(state: dict[str, Any]) -> str:
    lines = ["## Reliability", "",
             "Every figure below is measured by a script in this repository (`bench/reliability/`); each part names "
             "the command that reproduces it and the machine it ran on. `python -m bench reliability` runs all five."]
    for part, render_part in RENDERERS.items():
        if part in state:
            lines += ["", *render_part(state[part])]
    return "\n".join(lines)
