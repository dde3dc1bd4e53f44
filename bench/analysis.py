"""Analysing a recording, file to features: our fast engine against the MNE pipeline a user would
write, and against our own reference engine.

Three pipelines on the same SYNTHETIC EDF file, in the same run:

* fast: `read_recording` + `analyse_recording(engine="fast")` (the default) + `build_evidence`:
  quality on the raw signal, 1–50 Hz band-pass, mains notch, resampling to 200 Hz, average
  reference without the bad channels, 4 s windows, band features, evidence;
* reference: the same with `engine="reference"` (MNE's filter functions and scipy's estimates one
  channel at a time in float64, as first written): what the fast engine must equal;
* MNE: the straightforward script — `read_raw_edf(preload=True)`, `raw.filter(1, 50)`,
  `raw.notch_filter(mains)`, `raw.resample(200)`, `raw.set_eeg_reference("average")`,
  `make_fixed_length_epochs(4 s)`, `epochs.compute_psd(...)`, band powers summed from the PSD. It
  does less than the other two (no quality check, no evidence). Its PSD is Welch with one boxcar
  segment per epoch (a periodogram), the same estimate as our band power, so the two can be
  compared number for number; `compute_psd()` with its defaults (multitaper for epochs) would be
  slower still.

Each pipeline runs in its own child process per file (no shared memory or caches): one warm-up on
a one-minute file of the same montage and rate (imports, kernel designs), then timed repeats. The
section reports median wall and CPU seconds, × real time, the speed-ups, the child's peak resident
memory, and the agreement of the numbers (the last repeat's arrays, saved by each child).

`python -m bench analysis` measures the full sizes and rewrites the section of BENCHMARKS.md;
`python -m bench.analysis --quick` runs the 5-minute file only and prints without writing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .memory import peak_rss_mb
from .report import load_note, write_section

CASES = (  # label, montage, rate (Hz), seconds
    ("5 min, 62 ch, 200 Hz", "seed62", 200.0, 300.0),
    ("1 h, 62 ch, 200 Hz", "seed62", 200.0, 3600.0),
)
EXTRA_CASES = (("10 min, 32 ch, 1000 Hz", "deap32", 1000.0, 600.0),)  # --also-1000hz: filtering at 1 kHz
# "mne-advice-off": the same MNE script with NumPy's huge-page advice off, as our commands run
# (encoders/hugepages.py), so the engines are also compared under one memory setting.
PIPELINES = ("fast", "reference", "mne", "mne-advice-off")
REPEATS = {"fast": 5, "reference": 1, "mne": 3, "mne-advice-off": 3}
WARM_UP_S = 60.0
MAINS_HZ = 50.0  # the synthetic files' mains; the MNE script is told it, ours detects it
TARGET_REAL_TIME = 1000.0
TARGET_SPEEDUP = 5.0  # over the MNE pipeline


def write_case(folder: Path, montage: str, sfreq: float, seconds: float) -> Path:
    from encoders.synthetic.config import CohortConfig
    from encoders.synthetic.trials import generate_trial, trial_to_recording
    from encoders.writers import write_recording_edf

    path = folder / f"bench-{montage}-{int(sfreq)}hz-{int(seconds)}s_SYNTHETIC.edf"
    if not path.exists():
        cfg = CohortConfig(seed=31, subjects=1, trials_per_emotion=1, montage=montage, sfreq=sfreq,
                           trial_seconds=seconds)
        write_recording_edf(trial_to_recording(generate_trial(cfg, 1, 1, 1)), path)
    return path


# ---- the pipelines (each returns its arrays for the agreement check) ------------------------------

def ours(path: Path, engine: str) -> dict:
    from encoders.analysis import analyse_recording
    from encoders.evidence import build_evidence
    from encoders.io import read_recording

    analysis = analyse_recording(read_recording(path), engine=engine)
    evidence = build_evidence(analysis)
    return {"band_power": analysis.band_power, "features": analysis.features, "ch_names": analysis.ch_names,
            "quality": json.dumps(analysis.quality.to_dict(), sort_keys=True, default=str),
            "evidence": json.dumps(evidence.to_dict(), sort_keys=True, default=str)}


def mne_script(path: Path) -> dict:
    """What a user who knows MNE would write for band powers in 4 s epochs."""
    import mne
    import numpy as np

    from encoders.features import BANDS

    raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    raw.filter(1.0, 50.0 if raw.info["sfreq"] / 2 > 50.0 else None, verbose="error")
    raw.notch_filter(np.arange(MAINS_HZ, raw.info["sfreq"] / 2 - 1, MAINS_HZ), verbose="error")
    raw.resample(200.0, verbose="error")
    raw.set_eeg_reference("average", verbose="error")
    epochs = mne.make_fixed_length_epochs(raw, duration=4.0, preload=True, verbose="error")
    n = len(epochs.times)
    spectrum = epochs.compute_psd(method="welch", fmin=0.5, fmax=50.0, n_fft=n, n_per_seg=n, window="boxcar",
                                  verbose="error")
    psd, freqs = spectrum.get_data(return_freqs=True)  # (W, C, F), V²/Hz
    df = freqs[1] - freqs[0]
    power = np.stack([psd[..., (freqs >= lo) & (freqs < hi)].sum(axis=-1) * df for lo, hi in BANDS.values()],
                     axis=-1) * 1e12  # µV²
    return {"band_power": power, "ch_names": list(raw.ch_names)}


def run_pipeline(path: Path, pipeline: str) -> dict:
    return mne_script(path) if pipeline.startswith("mne") else ours(path, pipeline)


def child(path: str, warm_up: str, pipeline: str, repeats: int, out: str) -> dict:
    """Runs in its own process: a warm-up, timed repeats, the last repeat's arrays saved to `out`."""
    import numpy as np

    from encoders.hugepages import avoid_compaction_stalls

    if pipeline != "mne":  # as `eegreason` runs; the plain MNE script keeps NumPy's defaults
        avoid_compaction_stalls()
    run_pipeline(Path(warm_up), pipeline)
    wall, cpu = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = run_pipeline(Path(path), pipeline)
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    np.savez(out, **{k: np.asarray(v) for k, v in result.items()})
    peak_mb = peak_rss_mb()
    return {"wall": wall, "cpu": cpu, "peak_mb": peak_mb}


def run_child(path: Path, warm_up: Path, pipeline: str, repeats: int, out: Path) -> dict:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "bench.analysis", "--child", str(path), str(warm_up), pipeline,
                           str(repeats), str(out)], cwd=root, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- agreement ------------------------------------------------------------------------------------

def agreement(saved: dict[str, Path]) -> dict:
    import numpy as np

    fast, ref, mne_ = (np.load(saved[p]) for p in ("fast", "reference", "mne"))
    out = {"de_nats": float(np.abs(fast["features"] - ref["features"]).max()),
           "power_rel": _max_rel(fast["band_power"], ref["band_power"]),
           "quality_equal": str(fast["quality"]) == str(ref["quality"]),
           "evidence_equal": str(fast["evidence"]) == str(ref["evidence"])}
    # MNE's channels in our order, its epochs cut to our windows (the two cut the same 4 s steps).
    ours_names = [str(n) for n in fast["ch_names"]]
    mne_names = [str(n) for n in mne_["ch_names"]]
    from encoders.channels import normalize_channel_name

    index = {normalize_channel_name(n): i for i, n in enumerate(mne_names)}
    order = [index.get(n) for n in ours_names]
    if None in order:
        return {**out, "mne": None}
    ours_power, mne_power = fast["band_power"], mne_["band_power"][:, order]
    n = min(ours_power.shape[0], mne_power.shape[0])
    ours_power, mne_power = ours_power[:n], mne_power[:n]
    rel = np.abs(ours_power - mne_power) / np.maximum(mne_power, 1e-30)
    log_r = float(np.corrcoef(np.log(ours_power).ravel(), np.log(mne_power).ravel())[0, 1])
    out["mne"] = {"log_corr": log_r, "median_rel": float(np.median(rel)), "p99_rel": float(np.quantile(rel, 0.99)),
                  "max_rel": float(rel.max()), "windows": n}
    return out


def _max_rel(a, b) -> float:
    import numpy as np

    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-30)))


# ---- the run --------------------------------------------------------------------------------------

def main(cases=CASES, write: bool = True) -> dict:
    folder = Path(tempfile.gettempdir()) / "eegreason-bench-analysis"
    folder.mkdir(exist_ok=True)
    load_before = os.getloadavg()
    results = []
    for label, montage, sfreq, seconds in cases:
        path = write_case(folder, montage, sfreq, seconds)
        warm_up = write_case(folder, montage, sfreq, WARM_UP_S)
        row = {"label": label, "seconds": seconds}
        saved = {}
        for pipeline in PIPELINES:
            saved[pipeline] = folder / f"result-{pipeline}-{path.stem}.npz"
            row[pipeline] = run_child(path, warm_up, pipeline, REPEATS[pipeline], saved[pipeline])
            print(label, pipeline, json.dumps(row[pipeline]), flush=True)
        row["agreement"] = agreement(saved)
        results.append(row)
    load_after = os.getloadavg()
    body = render(results, load_before, load_after)
    if write:
        write_section("analysis", body)
    print(body)
    return {"results": results, "load": [load_before, load_after]}


def render(results: list[dict], load_before, load_after) -> str:
    def med(row, pipeline, key):
        return statistics.median(row[pipeline][key])

    lines = []
    for row in results:
        fast_w, ref_w, mne_w, off_w = (med(row, p, "wall") for p in PIPELINES)
        fast_c, ref_c, mne_c, off_c = (med(row, p, "cpu") for p in PIPELINES)
        lines.append(f"| {row['label']} | {fast_w:.2f} s ({fast_c:.2f}) | {mne_w:.2f} s ({mne_c:.2f}) "
                     f"| {off_w:.2f} s ({off_c:.2f}) "
                     f"| {ref_w:.2f} s ({ref_c:.2f}) | **{row['seconds'] / fast_w:,.0f}×** "
                     f"({row['seconds'] / fast_c:,.0f}×) | **{mne_w / fast_w:.1f}×** ({mne_c / fast_c:.1f}×) "
                     f"| {off_w / fast_w:.1f}× ({off_c / fast_c:.1f}×) "
                     f"| {ref_w / fast_w:.1f}× ({ref_c / fast_c:.1f}×) "
                     f"| {row['fast']['peak_mb']:.0f} / {row['mne']['peak_mb']:.0f} / {row['reference']['peak_mb']:.0f} MB |")
    agree = []
    for row in results:
        a, m = row["agreement"], row["agreement"]["mne"]
        versus_mne = (f"{m['log_corr']:.6f} | {m['median_rel']:.1e} / {m['p99_rel']:.1e} / {m['max_rel']:.1e}"
                      if m else "channels not matched | –")
        agree.append(f"| {row['label']} | {versus_mne} | {a['de_nats']:.1e} | {a['power_rel']:.1e} | "
                     f"{'identical' if a['quality_equal'] else 'DIFFERENT'} | "
                     f"{'identical' if a['evidence_equal'] else 'DIFFERENT'} |")
    hour = next((r for r in results if r["seconds"] == 3600.0), None)
    if hour is not None:
        fast_w, mne_w = med(hour, "fast", "wall"), med(hour, "mne", "wall")
        fast_c, mne_c = med(hour, "fast", "cpu"), med(hour, "mne", "cpu")
        off_w, off_c = med(hour, "mne-advice-off", "wall"), med(hour, "mne-advice-off", "cpu")
        verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
        targets = (f"Targets for an hour of 62-channel 200 Hz EEG, wall time (CPU time): ≥ {TARGET_REAL_TIME:,.0f}× real "
                   f"time including the read — {hour['seconds'] / fast_w:,.0f}× ({hour['seconds'] / fast_c:,.0f}×): "
                   f"{verdict(hour['seconds'] / fast_w >= TARGET_REAL_TIME)} "
                   f"({verdict(hour['seconds'] / fast_c >= TARGET_REAL_TIME)}); ≥ {TARGET_SPEEDUP:g}× the MNE pipeline — "
                   f"{mne_w / fast_w:.1f}× ({mne_c / fast_c:.1f}×): {verdict(mne_w / fast_w >= TARGET_SPEEDUP)} "
                   f"({verdict(mne_c / fast_c >= TARGET_SPEEDUP)}); against the MNE script with the advice off too, "
                   f"{off_w / fast_w:.1f}× ({off_c / fast_c:.1f}×): {verdict(off_w / fast_w >= TARGET_SPEEDUP)} "
                   f"({verdict(off_c / fast_c >= TARGET_SPEEDUP)}).")
    else:
        targets = "The hour-long file was not measured in this run (the targets are stated for it)."
    return f"""## Analysis of a recording: file → quality → preprocessing → band features → evidence

SYNTHETIC EDF files from the cohort generator. **fast**: `read_recording` + `analyse_recording` (the
default engine, `"fast"`) + `build_evidence` — quality on the raw signal, 1–50 Hz band-pass, mains
notch, 200 Hz, average reference without the bad channels, 4 s windows, band features, evidence.
**MNE**: the script a user would write — `read_raw_edf(preload=True)`, `raw.filter(1, 50)`,
`raw.notch_filter`, `raw.resample(200)`, `raw.set_eeg_reference("average")`,
`make_fixed_length_epochs(4 s)`, `compute_psd` (Welch, one boxcar segment per epoch: the same
estimate as our band power), band sums; it does no quality check and writes no evidence.
**reference**: our own MNE-based engine (`engine="reference"`), which the fast one must equal.
Our engines run as `eegreason` runs them, with NumPy's huge-page advice off (`encoders/hugepages.py`:
on this kernel's `madvise` defrag setting, large fresh arrays otherwise stall in compaction); the MNE
script runs with NumPy's defaults, as a user's script would, and once more with the advice off
(**MNE, advice off**), so the engines are also compared under one setting.
Each pipeline in its own process, after a warm-up on a one-minute file; medians of
{REPEATS['fast']} (fast), {REPEATS['mne']} (MNE, each setting) and {REPEATS['reference']} (reference) runs. Wall
seconds, CPU seconds of the process in brackets (the fast engine uses two threads, so its CPU time can exceed its
wall time).

| recording | fast | MNE | MNE, advice off | reference | fast × real time | fast vs MNE | fast vs MNE, advice off | fast vs reference | peak RSS (fast / MNE / ref) |
|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(lines)}

{targets}

Agreement. Fast vs MNE: band power per window, channel and band (the fast engine keeps bad
channels out of the average reference, MNE averages all; both filter with MNE's kernels):
correlation of log band powers, and relative difference median / 99th percentile / largest.
Fast vs reference: the largest difference anywhere.

| recording | log band power, r (vs MNE) | relative difference (vs MNE) | DE, nats (vs ref) | band power, relative (vs ref) | quality report (vs ref) | evidence (vs ref) |
|---|---|---|---|---|---|---|
{chr(10).join(agree)}

Load while measuring: load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (1-min) on
{os.cpu_count()} cores. {load_note(load_before, load_after)} The ratios in each row come from the same run.

Reproduce: `python -m bench analysis` (full sizes, rewrites this section); `python -m bench.analysis
--quick` (5-minute file only, prints without writing)."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.analysis")
    parser.add_argument("--quick", action="store_true", help="the 5-minute file only; print, do not write")
    parser.add_argument("--also-1000hz", action="store_true", help="add a 10-minute 32-channel 1000 Hz file")
    return parser.parse_args(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])))
    else:
        args = parse_args(sys.argv[1:])
        cases = CASES[:1] if args.quick else CASES + (EXTRA_CASES if args.also_1000hz else ())
        main(cases, write=not args.quick)
