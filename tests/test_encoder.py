"""The EEG encoder: contract, montage independence, stage-1 training, encoder-eval schema."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from encoders.analysis import FeatureConfig
from encoders.channels import electrode_positions, montage
from encoders.errors import ShapeError
from encoders.model import EEGEncoder, EncoderConfig


@pytest.fixture(scope="module")
def encoder():
    torch.manual_seed(0)
    return EEGEncoder(EncoderConfig(ch_names=montage("seed62"), n_chans=62, d_model=32, n_heads=2,
                                    spatial_layers=1, temporal_layers=1)).eval()


def test_contract_shapes_and_features(encoder):
    x = torch.randn(3, 5, 62, 5)
    assert encoder(x).shape == (3, 7)
    out = encoder(x, return_features=True)
    assert out.features.shape == (3, 5, 32) and out.pooled.shape == (3, 32) and out.logits.shape == (3, 7)
    assert encoder.n_chans == 62 and encoder.sfreq == 200.0 and len(encoder.chs_info) == 62
    assert encoder.chs_info[0]["ch_name"] == "Fp1" and len(encoder.chs_info[0]["loc"]) == 3
    assert encoder(torch.randn(2, 62, 5)).shape == (2, 7)  # a single window per item


def test_config_round_trip_gives_the_same_function(encoder):
    clone = EEGEncoder.from_config(encoder.get_config())
    clone.load_state_dict(encoder.state_dict())
    clone.eval()
    x = torch.randn(2, 3, 62, 5)
    torch.testing.assert_close(clone(x), encoder(x))
    with pytest.raises(ShapeError, match="unknown fields"):
        EEGEncoder.from_config({**encoder.get_config(), "n_layers": 3})


@pytest.mark.parametrize("name", ["deap32", "1020-19", "emotiv14"])
def test_runs_on_channel_subsets_given_their_positions(encoder, name):
    names = montage(name)
    positions = torch.tensor(electrode_positions(names), dtype=torch.float32)
    out = encoder(torch.randn(2, 4, len(names), 5), positions=positions, return_features=True)
    assert out.logits.shape == (2, 7) and torch.isfinite(out.pooled).all()


def test_padding_masks_change_nothing_for_real_positions(encoder):
    x = torch.randn(1, 4, 62, 5)
    full = encoder(x)
    padded = torch.cat([x, torch.zeros(1, 2, 62, 5)], dim=1)
    mask = torch.tensor([[True] * 4 + [False] * 2])
    torch.testing.assert_close(encoder(padded, window_mask=mask), full, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("x, kwargs, match", [
    (torch.randn(2, 3, 62, 4), {}, "5 band features"),
    (torch.randn(62, 5), {}, "batch, windows, channels"),
    (torch.randn(1, 2, 14, 5), {}, "no electrode positions were given"),
    (torch.randn(1, 2, 14, 5), {"positions": torch.zeros(13, 3)}, r"must be \(14, 3\)"),
    (torch.randn(1, 2, 2, 5), {"positions": torch.full((2, 3), float("nan"))}, "unknown"),
])
def test_wrong_inputs_are_clear_errors(encoder, x, kwargs, match):
    with pytest.raises(ShapeError, match=match):
        encoder(x, **kwargs)


def test_bundled_stage_configs_are_valid():
    from training.stages import bundled_presets, load_config

    presets = bundled_presets()
    assert {"encoder-demo", "encoder-tiny"} <= set(presets)
    for name in presets:
        config = load_config(name)
        assert config.stage in name


def test_unknown_config_keys_are_refused(tmp_path):
    from encoders.errors import ConfigError
    from training.stages import load_config

    path = tmp_path / "bad.yaml"
    path.write_text("stage: encoder\ntrain:\n  epochs: 2\n  learning_rate: 0.1\n")
    with pytest.raises(ConfigError, match="unknown setting.*learning_rate"):
        load_config(path)


@pytest.fixture(scope="module")
def tiny_encoder_run(tmp_path_factory):
    from training.stages import load_config
    from training.encoder_stage import train_encoder

    config = load_config("encoder-tiny")
    config.train.epochs = 8
    out = tmp_path_factory.mktemp("encoder") / "run"
    train_encoder(config, out, progress=False)
    return out


def test_short_training_lowers_the_loss_and_beats_chance(tiny_encoder_run):
    from projector.checkpoint import read_config

    checkpoint = read_config(tiny_encoder_run)
    metrics = checkpoint.metrics["encoder"]
    rows = [line.split(",") for line in (tiny_encoder_run / "loss.csv").read_text().splitlines()]
    header, values = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert float(values[-1]["ce"]) < float(values[0]["ce"])
    assert (tiny_encoder_run / "loss.png").stat().st_size > 1000
    assert metrics["epochs"] == 8 and "loss" in header
    assert checkpoint.stage == "encoder" and checkpoint.projector is None and checkpoint.llm is None
    assert checkpoint.provenance["encoder"]["config"]["train"]["epochs"] == 8

    # Subject-dependent trial split on the training cohort (trials of seen subjects, new windows
    # would leak; whole trials held out do not): the head beats chance on training subjects.
    from projector.checkpoint import load_encoder
    from training.encoder_stage import split_subjects
    from training.feature_table import cohort_table
    from training.stages import load_config
    from training.trial_inference import encode_trials

    config = load_config("encoder-tiny")
    table = cohort_table(config.cohort.cohort(), progress=False)
    train, _ = split_subjects(table, config.validation_subjects)
    logits, _ = encode_trials(load_encoder(tiny_encoder_run), table, train)
    accuracy = np.mean(logits.argmax(1) == np.array([t.info.label for t in train]))
    assert accuracy > 2 / 7


def test_variant_report_computes_its_reference_rows(tiny_encoder_run, tmp_path, monkeypatch):
    """The report reads saved runs and computes the shipped encoder's and the baselines' rows on the
    development cohorts (here the tiny training cohort stands in for them, to stay fast)."""
    import bench.encoder_variants as variants
    from training.stages import load_config
    from projector.checkpoint import load_encoder
    from training.feature_table import cohort_table

    table = cohort_table(load_config("encoder-tiny").cohort.cohort(), progress=False)
    monkeypatch.setattr(variants, "DEV_SEEDS", (3,))
    monkeypatch.setattr(variants, "dev_tables", lambda: {3: table})
    results = tmp_path / "runs.json"
    results.write_text(json.dumps([{"variant": "default", "train_seed": 1, "device": "cpu", "dev": {"3": 0.5},
                                    "train_seconds": 90.0}]))
    text = variants.report(results, tiny_encoder_run)
    shipped = variants.head_accuracy(load_encoder(tiny_encoder_run), {3: table})[3]
    assert f"| {shipped:.3f} | {shipped:.3f} |" in text  # one cohort: its value and the mean
    from evaluation.encoder import evaluate_encoder

    evaluated = evaluate_encoder(load_encoder(tiny_encoder_run), table, "loso", progress=False)
    baselines = {name: b["balanced_accuracy"] for name, b in evaluated["baselines"].items()}
    assert set(baselines) == {"logreg", "svm"} and all(0.0 <= v <= 1.0 for v in baselines.values())
    assert f"| {max(baselines.values()):.3f} |" in text
    assert "| default | 1 (1) | 0.500 |" in text and "| cpu | 1.5 |" in text


@pytest.mark.parametrize("content", [None, "not json", '[{"variant": "default"}]'])
def test_variant_report_refuses_a_file_that_is_not_saved_runs(tmp_path, capsys, content):
    from bench.encoder_variants import main

    path = tmp_path / "runs.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["--report", str(path)])
    assert exit_info.value.code == 2
    assert "not a results file written by --json" in capsys.readouterr().err


def test_resume_continues_from_the_saved_epoch(tiny_encoder_run, tmp_path):
    import shutil

    from training.stages import load_config
    from training.encoder_stage import train_encoder

    config = load_config("encoder-tiny")
    config.train.epochs = 8
    copy = tmp_path / "run"
    shutil.copytree(tiny_encoder_run, copy)
    progress = json.loads((copy / "state" / "progress.json").read_text())
    assert progress["epoch"] == 8
    config.train.epochs = 9
    train_encoder(config, copy, progress=False)
    history = json.loads((copy / "state" / "progress.json").read_text())["history"]
    assert [h["epoch"] for h in history] == list(range(1, 10))


def test_encoder_eval_json_schema(tiny_encoder_run):
    from test_cli import run_cli

    result = run_cli("encoder-eval", "--checkpoint", str(tiny_encoder_run), "--cohort-seed", "77", "--subjects", "3",
                     "--protocol", "loso", "--trials-per-emotion", "1", "--seconds", "16", "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout)
    for block in (payload["encoder"], payload["encoder_probe"], payload["baselines"]["logreg"],
                  payload["baselines"]["svm"], payload["permuted"]["logreg"]):
        for key in ("accuracy", "balanced_accuracy", "macro_f1", "cohen_kappa", "per_subject_accuracy_mean",
                    "per_subject_accuracy_sd", "confusion_matrix"):
            assert key in block
    assert payload["chance"] == pytest.approx(1 / 7) and payload["n_subjects"] == 3
    assert set(payload["valence"]) == {"encoder_probe", "logreg", "svm"}
    assert payload["synthetic"] is True


def test_several_cohorts_merge_into_one_training_table():
    from training.config import CohortSpec
    from training.encoder_stage import split_subjects
    from training.feature_table import cohort_table, merge_cohort_tables, training_table

    spec = CohortSpec(seeds=[3, 5], subjects=2, trials_per_emotion=1, montage="1020-19", trial_seconds=8.0)
    merged = training_table(spec, FeatureConfig(), progress=False)
    parts = [cohort_table(c, FeatureConfig(), progress=False) for c in spec.cohorts()]
    assert len(merged.trials) == sum(len(p.trials) for p in parts) == 2 * 2 * 7
    assert sorted({t.info.subject for t in merged.trials}) == [3001, 3002, 5001, 5002]
    # Every trial still points at its own windows, and clips of different cohorts stay different clips.
    second = merged.trials[len(parts[0].trials)]
    assert np.array_equal(merged.trial_windows(second), parts[1].trial_windows(parts[1].trials[0]))
    assert second.info.stimulus_id == f"5:{parts[1].trials[0].info.stimulus_id}"
    assert len({t.info.stimulus_id for t in merged.trials}) == 2 * 7
    assert merged.source["cohorts"][1]["seed"] == 5
    _, held = split_subjects(merged, 1)
    assert {t.info.subject for t in held} == {5002}

    other = cohort_table(CohortSpec(seed=3, subjects=1, trials_per_emotion=1, montage="emotiv14",
                                    trial_seconds=8.0).cohort(), FeatureConfig(), progress=False)
    with pytest.raises(ValueError, match="share their montage"):
        merge_cohort_tables([parts[0], other])


def test_training_device_names_are_checked():
    from encoders.errors import ConfigError
    from training.encoder_stage import resolve_device

    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ConfigError, match="not a device name"):
        resolve_device("gpu please")
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="sees no GPU"):
            resolve_device("cuda")


def test_stage1_variants_are_valid_configs_and_summarised():
    from bench.encoder_variants import DEV_SEEDS, VARIANTS, summary, variant_config

    for name, overrides in VARIANTS.items():
        config = variant_config(overrides, train_seed=2, device="cpu")
        assert config.train.seed == 2 and config.train.device == "cpu"
        assert set(config.cohort.seeds) & set(DEV_SEEDS) == set()  # development cohorts stay unseen
    assert variant_config(VARIANTS["16cohorts-x2"], 0, "cpu").cohort.subjects == 2
    assert variant_config(VARIANTS["d64-epochs40"], 0, "cpu").model.d_model == 64
    for name, overrides in VARIANTS.items():  # each name says its dropout and epochs, whatever the shipped recipe
        config = variant_config(overrides, 0, "cpu")
        if "dropout" in name:
            assert f"dropout{config.model.dropout:g}" in name
        if "epochs" in name:
            assert f"epochs{config.train.epochs}" in name
    runs = [{"variant": "default", "train_seed": s, "dev": {d: 0.2 + 0.1 * s for d in DEV_SEEDS}} for s in (0, 1)]
    table = summary(runs)
    assert "| default | 2 (0, 1) |" in table and "| 0.250 |" in table and "| 0.050 |" in table
    assert "| 0.300 (seed 1) |" in table  # the best run and its training seed


@pytest.mark.parametrize("seeds, match", [([100, 100], "twice"), ("100,101", "list of whole numbers"),
                                          ([100, 1.5], "list of whole numbers")])
def test_bad_cohort_lists_are_refused(tmp_path, seeds, match):
    from encoders.errors import ConfigError
    from training.stages import load_config

    path = tmp_path / "several.yaml"
    path.write_text(f"stage: encoder\ncohort:\n  seeds: {seeds if isinstance(seeds, list) else repr(seeds)}\n")
    with pytest.raises(ConfigError, match=match):
        load_config(path)


def test_only_stage1_takes_several_cohorts():
    from encoders.errors import ConfigError
    from training.config import CohortSpec

    spec = CohortSpec(seeds=[100, 101], subjects=2)
    assert [c.seed for c in spec.cohorts()] == [100, 101]
    with pytest.raises(ConfigError, match="stage 1 only"):
        spec.cohort()  # what the LLM stages ask for: one cohort, never a silently ignored list
    assert CohortSpec(seed=4).cohorts()[0].seed == 4


def test_encoder_eval_reports_each_fold_when_stderr_is_not_a_terminal(tiny_encoder_run):
    import re

    from test_cli import run_cli

    result = run_cli("encoder-eval", "--checkpoint", str(tiny_encoder_run), "--cohort-seed", "77", "--subjects", "3",
                     "--protocol", "loso", "--trials-per-emotion", "1", "--seconds", "16")
    assert result.returncode == 0, result.stderr[-2000:]
    folds = [(int(a), int(b)) for a, b in re.findall(r"loso folds \(.*?\): (\d+)/(\d+) folds", result.stderr)]
    assert folds == [(1, 3), (2, 3), (3, 3)]
    for stage in ("loading the encoder", "generating the SYNTHETIC cohort (seed 77, 21 trials)", "encoding 21 trials"):
        assert re.search(re.escape(stage) + r".*: done in [\d.]+ s", result.stderr), stage
    assert "SYNTHETIC cohort seed 77" in result.stdout


def test_overrides_change_a_loaded_config_with_the_files_checks():
    from encoders.errors import ConfigError
    from encoders.model import EncoderArchitecture
    from training.stages import STAGES, apply_overrides, load_config

    config = apply_overrides(load_config("encoder-tiny"), ["train.epochs=5", "cohort.seeds=[7, 8]",
                                                           "model={d_model: 48, n_heads: 3}"])
    assert config.train.epochs == 5 and config.cohort.seeds == [7, 8]
    assert isinstance(config.model, EncoderArchitecture) and config.model.d_model == 48 and config.model.n_heads == 3
    for bad, match in (("train.epoch=5", "no setting 'epoch'"), ("trian.epochs=5", "no section 'trian'"),
                       ("epochs", "section.field=value"), ("stage=align", "cannot be overridden"),
                       ("cohort.seeds=[1, 1]", "each seed once"), ("model={width: 3}", "unknown setting")):
        with pytest.raises(ConfigError, match=match):
            apply_overrides(load_config("encoder-tiny"), [bad])
    # One table: every stage's config class names its own stage, and every bundled preset loads.
    assert all(stage.config().stage == name for name, stage in STAGES.items() if name != "export") and \
        STAGES["export"].config().stage == "export"
