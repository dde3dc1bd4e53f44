"""The stage-1 encoder against DE-feature baselines, leave-one-subject-out, on synthetic cohorts
whose seeds no training stage or development run used (7-class balanced accuracy)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .report import write_section

SEEDS = tuple(range(12, 24))
SUBJECTS = 10


def per_subject(report: dict) -> np.ndarray:
    return np.array([v["balanced_accuracy"] for _, v in sorted(report["per_subject"].items(), key=lambda kv: int(kv[0]))])


def pooled_margins(results: dict) -> dict[str, tuple[float, float, float]]:
    """Encoder minus each baseline (and minus each cohort's best one), per held-out subject, pooled
    over cohorts with a cohort-then-subject bootstrap interval."""
    from training.metrics import hierarchical_bootstrap_mean

    def margins(pick) -> list[np.ndarray]:
        return [per_subject(r["encoder"]) - per_subject(pick(r)) for r in results.values()]

    best = lambda r: max(r["baselines"].values(), key=lambda b: b["balanced_accuracy"])  # noqa: E731
    out = {"best baseline of each cohort": hierarchical_bootstrap_mean(margins(best))}
    for name in ("logreg", "svm"):
        out[name] = hierarchical_bootstrap_mean(margins(lambda r, name=name: r["baselines"][name]))
    return out


def main(checkpoint: Path | None = None) -> dict:
    from encoders.analysis import FeatureConfig
    from encoders.synthetic import CohortConfig
    from projector.checkpoint import default_checkpoint
    from evaluation.encoder import evaluate_encoder
    from projector.checkpoint import load_encoder
    from training.feature_table import cohort_table

    checkpoint = Path(checkpoint or default_checkpoint())
    encoder = load_encoder(checkpoint)
    shown = checkpoint.resolve()
    shown = shown.relative_to(Path.cwd()) if shown.is_relative_to(Path.cwd()) else shown  # no home paths in the report
    rows, results = [], {}
    subsets: dict[str, list[float]] = {}
    for seed in SEEDS:
        start = time.perf_counter()
        table = cohort_table(CohortConfig(seed=seed, subjects=SUBJECTS, trials_per_emotion=3), FeatureConfig(),
                             progress=False)
        r = evaluate_encoder(encoder, table, "loso", progress=False)
        results[seed] = r
        best = max(r["baselines"], key=lambda k: r["baselines"][k]["balanced_accuracy"])
        margin = r["encoder"]["balanced_accuracy"] - r["baselines"][best]["balanced_accuracy"]
        rows.append(f"| {seed} | {r['encoder']['balanced_accuracy']:.3f} ± {r['encoder']['per_subject_balanced_accuracy_sd']:.3f} "
                    f"| {r['encoder_probe']['balanced_accuracy']:.3f} | {r['baselines']['logreg']['balanced_accuracy']:.3f} "
                    f"| {r['baselines']['svm']['balanced_accuracy']:.3f} | {r['permuted']['logreg']['balanced_accuracy']:.3f} "
                    f"| {margin:+.3f} vs {best} | {r['valence']['encoder_probe']['balanced_accuracy']:.3f} / "
                    f"{r['arousal']['encoder_probe']['balanced_accuracy']:.3f} | {time.perf_counter() - start:.0f} s |")
        for name, v in r["channel_subsets"].items():
            subsets.setdefault(name, []).append(v["balanced_accuracy"])
    mean = lambda key: np.mean([results[s]["encoder"][key] for s in SEEDS])  # noqa: E731
    best_margins = [results[s]["encoder"]["balanced_accuracy"] - max(b["balanced_accuracy"] for b in results[s]["baselines"].values())
                    for s in SEEDS]
    ahead = sum(m > 0.0005 for m in best_margins)
    tied = sum(abs(m) <= 0.0005 for m in best_margins)
    pooled = "\n".join(f"| encoder − {name} | {m:+.3f} | [{lo:+.3f}, {hi:+.3f}] |"
                        for name, (m, lo, hi) in pooled_margins(results).items())
    subset_text = ", ".join(f"{name} {np.mean(v):.3f}" for name, v in subsets.items())
    body = f"""## Encoder (stage 1) vs baselines: leave-one-subject-out, 7 emotions, SYNTHETIC cohorts

Checkpoint `{shown}`; {SUBJECTS} subjects × 21 trials (32 s) per cohort; {len(SEEDS)} cohorts (seeds {SEEDS[0]}–{SEEDS[-1]}) never used
in training or development; trial-level scoring (all usable windows of a trial); chance 0.143. Baselines
are fitted on each fold's training subjects, so they can learn the cohort's own film clips and clip order;
the encoder was pretrained on other people watching other clips (cohort seed 1) and its own head needs no
fitting; the probe is a logistic regression on its pooled embedding.

| seed | encoder head (± SD over subjects) | encoder probe | logreg | SVM | permuted labels | encoder − best baseline | valence / arousal high-low (probe) | time |
|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Encoder head ahead of the cohort's best baseline on {ahead} of {len(SEEDS)} cohorts, tied on {tied}, behind on
{len(SEEDS) - ahead - tied}. One cohort is 10 people, and a person's balanced accuracy varies by ±0.15, so a single cohort's
margin is noisy; the claim about unseen cohorts is the pooled margin, per held-out person (encoder minus
baseline on the same person), with a 95 % interval from resampling cohorts and then people within them
(10,000 resamples):

| pooled over {len(SEEDS)} cohorts, {len(SEEDS) * SUBJECTS} people | mean margin | 95 % interval |
|---|---|---|
{pooled}

Mean encoder head balanced accuracy {mean('balanced_accuracy'):.3f} (κ {mean('cohen_kappa'):.3f}). The same head on channel
subsets of the 62-channel recordings (positions only, no retraining), mean over seeds: {subset_text}.

Reproduce: `make bench ARGS=encoder` (each seed: `eegreason encoder-eval --checkpoint checkpoints/demo --cohort-seed SEED --subjects {SUBJECTS} --protocol loso`)."""
    write_section("encoder", body)
    print(body)
    return results


if __name__ == "__main__":
    main()
