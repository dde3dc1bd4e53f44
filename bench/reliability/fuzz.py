"""Fuzz: thousands of mutated EEG files through the product's path, each in a worker with a hard
timeout; every file is classified accepted / refused / nonfinite / traceback / hang / crash.

    python -m bench reliability --only fuzz --n 10000            # the reported run
    python -m bench.reliability.fuzz --case 123 --seed 0         # rebuild and run one case here
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from .pipeline import FAILURES, OUTCOMES

DEFAULT_FILES = 10_000
DEFAULT_TIMEOUT_S = 60.0
MAX_TASKS_PER_CHILD = 50
HUGE_UV = 1e15  # µV; the non-finite outputs seen from recordings of 3+ channels all had samples beyond this


def signature(result: dict) -> str:
    """Failures that are the same bug share a signature: outcome, stage, type, message without numbers."""
    if result["outcome"] == "nonfinite":
        where = sorted({re.sub(r"\[\d+\]|=.*|: .*", "", w).split(".")[0] for w in result.get("nonfinite", [])})
        return f"nonfinite in {', '.join(where)}"
    if result["outcome"] in ("hang", "crash"):
        return f"{result['outcome']} ({result.get('case', {}).get('format', '?')})"
    first = " ".join((result.get("message") or "").split())
    first = re.sub(r"\[[^\]]*\]?", "[…]", first)  # arrays printed into messages
    message = re.sub(r"\d+(\.\d+)?(e[+-]?\d+)?", "N", first)
    message = re.sub(r"'[^']*'|\"[^\"]*\"|\S+\.(edf|bdf|fif|vhdr|set|cnt|gz|txt)\b", "…", message)
    return f"{result.get('error_type')} at {result.get('stage')}: {message[:140]}"


def summarise(results: list[dict], wall_s: float, workers: int, timeout_s: float) -> dict[str, Any]:
    mutated = [r for r in results if r.get("case", {}).get("kind") != "seed" and r["outcome"] != "build_error"]
    seeds = [r for r in results if r.get("case", {}).get("kind") == "seed"]
    counts = Counter(r["outcome"] for r in mutated)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    by_format: dict[str, Counter] = defaultdict(Counter)
    for r in mutated:
        by_kind[r.get("case", {}).get("kind", "?")][r["outcome"]] += 1
        by_format[r.get("case", {}).get("format", "?")][r["outcome"]] += 1
    failures = [r for r in results if r["outcome"] in FAILURES]
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in failures:
        groups[signature(r)].append(r)
    seconds = [r["seconds"] for r in mutated if isinstance(r.get("seconds"), (int, float))]
    refused = [r for r in mutated if r["outcome"] == "refused"]
    nonfinite = [r for r in mutated if r["outcome"] == "nonfinite"]
    few_channels = [r for r in nonfinite if r.get("facts", {}).get("n_channels", 99) <= 2]
    huge = [r for r in nonfinite if r not in few_channels and r.get("facts", {}).get("max_abs_uv", 0) >= HUGE_UV]
    return {
        "files": len(mutated),
        "seed_files": len(seeds),
        "build_errors": sum(r["outcome"] == "build_error" for r in results),
        "counts": {o: counts.get(o, 0) for o in OUTCOMES},
        "seed_counts": dict(Counter(r["outcome"] for r in seeds)),
        "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())},
        "by_format": {k: dict(v) for k, v in sorted(by_format.items())},
        "refusals_by_type": dict(Counter(r.get("error_type") for r in refused).most_common()),
        "refusals_not_one_sentence": sum(not r.get("one_sentence", True) for r in refused),
        "nonfinite_with_1_or_2_channels": len(few_channels),
        "nonfinite_with_huge_values": len(huge),
        "nonfinite_other": len(nonfinite) - len(few_channels) - len(huge),
        "failure_groups": [
            {"signature": sig, "count": len(items), "examples": [_example(r) for r in items[:3]]}
            for sig, items in sorted(groups.items(), key=lambda kv: -len(kv[1]))
        ],
        "wall_s": round(wall_s, 1),
        "files_per_s": round((len(mutated) + len(seeds)) / wall_s, 2) if wall_s else None,
        "per_file_s": {"median": round(statistics.median(seconds), 3) if seconds else None,
                       "p95": round(sorted(seconds)[int(0.95 * (len(seconds) - 1))], 3) if seconds else None,
                       "max": round(max(seconds), 3) if seconds else None},
        "workers": workers,
        "timeout_s": timeout_s,
    }


def describe_case(case: dict) -> str:
    """One line saying what a case was (for tables)."""
    kind, detail = case.get("kind"), case.get("detail") or {}
    if kind == "seed":
        return f"unmutated seed {case.get('seed')}"
    if kind == "extreme":
        return (f"extreme {detail.get('format')} {detail.get('channels')}, {detail.get('content')}, "
                f"{detail.get('sfreq'):g} Hz, {detail.get('seconds')} s")
    if kind == "header_edit":
        what = ", ".join(f"{k}={v}" for k, v in detail.items() if k != "file")
        return f"header edit of {case.get('seed')}: {what}"
    if kind == "wrong_extension":
        return f"{case.get('seed')} renamed to {detail.get('extension')}"
    steps = "; ".join(", ".join(f"{k} {v}" for k, v in step.items() if k in ("mutation", "offset", "length", "bytes",
                                                                           "value", "style"))
                      for step in detail.get("steps", []))
    return f"{kind} of {case.get('seed')} ({detail.get('file')}): {steps}"


def _example(result: dict) -> dict:
    keep = ("index", "outcome", "stage", "error_type", "message", "nonfinite", "facts", "case", "file", "seconds")
    out = {k: result[k] for k in keep if k in result}
    if "traceback" in result:
        out["traceback_tail"] = result["traceback"][-1500:]
    return out


def run_corpus(tasks: list[dict], seeds, work: Path, workers: int, timeout_s: float,
               memory_gib: float | None = 4.0, progress: bool = True) -> tuple[list[dict], dict]:
    """Run task dicts (a mutation `index`, an unmutated `seed`, or a forced `extreme` case) through
    the pool; returns every result (in completion order) and the pool's numbers."""
    from encoders.log import progress_bar

    from .cases import run_case
    from .pool import HardTimeoutPool

    (work / "cases").mkdir(exist_ok=True)
    base = {"seeds": seeds, "work_root": str(work / "cases")}
    pool = HardTimeoutPool(run_case, workers, timeout_s, MAX_TASKS_PER_CHILD, memory_gib)
    results: list[dict] = []
    bar = progress_bar(total=len(tasks), enabled=progress, desc="fuzz", unit="file")
    for number, result in pool.map((i, {**base, **task}) for i, task in enumerate(tasks)):
        task = tasks[number]
        if "index" in task:
            result["index"] = task["index"]
        if "case" not in result:  # hang, crash or build error: the worker could not say what it ran
            result["case"] = ({"kind": "seed", "seed": task["seed"]} if "seed" in task else
                              _describe(task, seeds, work))
        results.append(result)
        bar.update(1)
    bar.close()
    stats = {"workers": workers, "workers_started": pool.stats.workers_started, "recycled": pool.stats.recycled,
             "max_tasks_per_child": MAX_TASKS_PER_CHILD, "memory_cap_gib": memory_gib,
             "wall_s": pool.stats.wall_s}
    return results, stats


def run_fuzz(n: int = DEFAULT_FILES, master_seed: int = 0, workers: int | None = None,
             timeout_s: float = DEFAULT_TIMEOUT_S, keep_failures: Path | None = None,
             memory_gib: float | None = 4.0, progress: bool = True) -> dict[str, Any]:
    """Build the seeds, run them and `n` mutated cases, and summarise."""
    from .seeds import build_seeds

    workers = workers or os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="eegreason-fuzz-"))
    try:
        seeds = build_seeds(work / "seeds")
        tasks = [{"seed": s.name} for s in seeds] + [{"index": i, "master_seed": master_seed} for i in range(n)]
        results, stats = run_corpus(tasks, seeds, work, workers, timeout_s, memory_gib, progress)
        summary = summarise(results, stats["wall_s"], workers, timeout_s)
        summary.update(master_seed=master_seed, requested=n, seeds=[s.describe() for s in seeds], pool=stats)
        if keep_failures and any(r["outcome"] in FAILURES for r in results):
            summary["failures_folder"] = str(_keep_failures(results, master_seed, seeds, work, Path(keep_failures)))
        summary["all_failures"] = [_example(r) for r in results if r["outcome"] in FAILURES]
        summary["build_error_examples"] = [_example(r) for r in results if r["outcome"] == "build_error"][:10]
        return summary
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _describe(task: dict, seeds, work: Path) -> dict:
    """What a case was, rebuilt here (its worker was killed before it could say)."""
    from .cases import build_case

    folder = Path(tempfile.mkdtemp(dir=work))
    try:
        return build_case(task["index"], task["master_seed"], seeds, folder, task.get("extreme"))[1]
    except Exception as err:  # noqa: BLE001
        return {"kind": "?", "rebuild_error": repr(err)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _keep_failures(results: list[dict], master_seed: int, seeds, work: Path, target: Path) -> Path:
    """Copy the seeds and rebuild every failing case's files under `target`, for reproduction."""
    from .cases import build_case

    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(work / "seeds", target / "seeds", dirs_exist_ok=True)
    for r in results:
        if r["outcome"] not in FAILURES:
            continue
        if r["case"].get("kind") == "seed":
            continue  # the seed itself is in seeds/
        folder = target / f"case-{r['index']}"
        folder.mkdir(exist_ok=True)
        build_case(r["index"], master_seed, seeds, folder)
    return target


def reproduce(index: int, master_seed: int, folder: Path | None, seeds_folder: Path | None = None) -> dict:
    """Rebuild one case and run it in this process. With `seeds_folder` (a run's kept seeds/) the
    case is byte-identical to the run's; without it the seeds are written afresh (FIF and EEGLAB
    writers stamp the time into their files, so a flip that lands there may differ)."""
    from .cases import build_case
    from .pipeline import product_path
    from .seeds import build_seeds

    folder = Path(folder or tempfile.mkdtemp(prefix=f"eegreason-case-{index}-"))
    seeds = build_seeds(seeds_folder, write=False) if seeds_folder else build_seeds(folder / "seeds")
    case_dir = folder / f"case-{index}"
    case_dir.mkdir(parents=True, exist_ok=True)
    primary, description = build_case(index, master_seed, seeds, case_dir)
    result = product_path(primary)
    result.update(case=description, file=str(primary))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability.fuzz",
                                     description="Rebuild one fuzz case and run it through the product here.")
    parser.add_argument("--case", type=int, required=True, help="case index, as in the results")
    parser.add_argument("--seed", type=int, default=0, help="master seed of the run (default 0)")
    parser.add_argument("--keep", type=Path, default=None, help="folder to write the case's files into")
    parser.add_argument("--seeds", type=Path, default=None,
                        help="a run's kept seeds folder (FAILURES/seeds), to rebuild the case byte for byte")
    parser.add_argument("--memory-gib", type=float, default=4.0,
                        help="address-space cap, as the run's workers had (default 4; 0 for none)")
    args = parser.parse_args(argv)
    if args.memory_gib:
        import resource

        cap = int(args.memory_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    result = reproduce(args.case, args.seed, args.keep, args.seeds)
    tb = result.pop("traceback", None)
    print(json.dumps(result, indent=2, default=str))
    if tb:
        print(tb)


if __name__ == "__main__":
    main()
