"""The EEG encoder: contract, montage independence, stage-1 training, encoder-eval schema."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

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
    from training.config import bundled_presets, load_config

    presets = bundled_presets()
    assert {"encoder-demo", "encoder-tiny"} <= set(presets)
    for name in presets:
        config = load_config(name)
        assert config.stage in name


def test_unknown_config_keys_are_refused(tmp_path):
    from encoders.errors import ConfigError
    from training.config import load_config

    path = tmp_path / "bad.yaml"
    path.write_text("stage: encoder\ntrain:\n  epochs: 2\n  learning_rate: 0.1\n")
    with pytest.raises(ConfigError, match="unknown setting.*learning_rate"):
        load_config(path)


@pytest.fixture(scope="module")
def tiny_encoder_run(tmp_path_factory):
    from training.config import load_config
    from training.encoder_stage import train_encoder

    config = load_config("encoder-tiny")
    config.train.epochs = 8
    out = tmp_path_factory.mktemp("encoder") / "run"
    train_encoder(config, out, progress=False)
    return out


def test_short_training_lowers_the_loss_and_beats_chance(tiny_encoder_run):
    metrics = json.loads((tiny_encoder_run / "metrics.json").read_text())
    rows = [line.split(",") for line in (tiny_encoder_run / "loss.csv").read_text().splitlines()]
    header, values = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert float(values[-1]["ce"]) < float(values[0]["ce"])
    assert (tiny_encoder_run / "loss.png").stat().st_size > 1000
    assert metrics["epochs"] == 8 and "loss" in header

    # Subject-dependent trial split on the training cohort (trials of seen subjects, new windows
    # would leak; whole trials held out do not): the head beats chance on training subjects.
    from training.encoder_stage import load_encoder, split_subjects
    from training.feature_table import cohort_table
    from training.config import load_config
    from training.trial_inference import encode_trials

    config = load_config("encoder-tiny")
    table = cohort_table(config.cohort.cohort(), progress=False)
    train, _ = split_subjects(table, config.validation_subjects)
    logits, _ = encode_trials(load_encoder(tiny_encoder_run), table, train)
    accuracy = np.mean(logits.argmax(1) == np.array([t.info.label for t in train]))
    assert accuracy > 2 / 7


def test_resume_continues_from_the_saved_epoch(tiny_encoder_run, tmp_path):
    import shutil

    from training.config import load_config
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
