"""`eegreason experiment` end to end on a miniature SEED-VII folder (the synthetic generator written in
SEED-VII's released layout): per fold, stages 1-3 on training subjects that the fold states, the
evaluation on its held-out subject, the table with pooled intervals; resumable and leak-free."""

from __future__ import annotations

import json

import numpy as np
import pytest

from encoders.labels import EMOTIONS

# The tiny model and the shortest schedules: this checks the path, not the learning (the `quick`
# preset, measured separately, is the one whose answers must mean something).
TINY_PRESET = """
name: tiny
encoder_share: 0.5
encoder:
  validation_subjects: 0
  model: {d_model: 32, n_heads: 2, spatial_layers: 1, temporal_layers: 1, dropout: 0.0}
  train: {epochs: 2, batch_size: 16, lr: 0.003, warmup_steps: 2, seq_windows: 2, crops_per_trial: 2, seed: 0}
align:
  llm: tiny-qwen2
  validation_subjects: 0
  projector: {type: anchored_mlp2x_gelu, n_tokens: 2}
  degraded_share: 0.5
  data: {align: 8}
  train: {epochs: 1, batch_size: 4, max_length: 4096, save_every: 2}
instruct:
  degraded_share: 0.5
  data: {emotion: 6, no_pattern: 4}
  lora: {r: 4, alpha: 8, dropout: 0.0, layers: 1}
  train_projector: false
  train: {epochs: 1, batch_size: 4, max_length: 4096, save_every: 2}
evaluate:
  arms: [both, no-pattern]
  tasks: [emotion]
  trials_per_fold: 7
  max_tokens: 24
  batch_size: 4
  engine: transformers
  bootstrap: 200
"""


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, tiny_llm):
    from encoders.synthetic import CohortConfig
    from encoders.synthetic.released import write_seed_vii
    from serve.cli import main

    base = tmp_path_factory.mktemp("experiment")
    root = write_seed_vii(base / "SEED-VII", CohortConfig(seed=7, subjects=3, trials_per_emotion=1, trial_seconds=8.0),
                          {1: list(EMOTIONS), 2: list(EMOTIONS[::-1])}, progress=False)
    preset = base / "tiny.yaml"
    preset.write_text(TINY_PRESET)
    argv = ["experiment", "--dataset", "seed-vii", "--root", str(root), "--protocol", "loso", "--preset", str(preset),
            "--out", str(base / "run"), "--folds", "2", "--json"]
    assert main(argv) == 0
    return base / "run", argv


def test_the_run_folder_holds_every_folds_config_split_artifacts_and_results(experiment):
    run, _ = experiment
    for name in ("experiment.json", "dataset.json", "split.json", "results.json", "results.csv", "results.md"):
        assert (run / name).exists(), name
    split = json.loads((run / "split.json").read_text())
    assert [f["name"] for f in split["folds"]] == ["subject-1", "subject-2", "subject-3"]
    for fold in ("subject-1", "subject-2"):
        folder = run / "folds" / fold
        for part in ("plan.json", "config/encoder.yaml", "config/align.yaml", "config/instruct.yaml", "encoder",
                     "align", "instruct/adapter", "baselines.json", "eval-both/items.jsonl",
                     "eval-no-pattern/results.jsonl", "results.json"):
            assert (folder / part).exists(), f"{fold}/{part}"
    assert not (run / "folds" / "subject-3").exists()  # --folds 2: the first two folds only


def test_no_stage_sees_a_test_subject_and_the_stages_subjects_are_stated(experiment):
    import datasets

    from projector.checkpoint import read_config

    run, _ = experiment
    for fold in ("subject-1", "subject-2"):
        folder = run / "folds" / fold
        plan = json.loads((folder / "plan.json").read_text())
        test, encoder, llm = set(plan["test_subjects"]), set(plan["encoder_subjects"]), set(plan["llm_subjects"])
        assert test == {int(fold.split("-")[1])} and encoder and llm
        assert not encoder & llm and not (encoder | llm) & test and encoder | llm == set(plan["train_subjects"])
        config = read_config(folder / "instruct")
        assert set(config.provenance["encoder"]["subjects"]["train"]) <= encoder
        for stage in ("align", "instruct"):
            assert set(config.provenance[stage]["subjects"]["train"]) <= llm
            rows = datasets.load_from_disk(str(folder / stage / "dataset"))
            assert {s for row in rows for s in row["subjects"]} <= llm
        tested = {json.loads(line)["subjects"][0] for line in (folder / "eval-both" / "items.jsonl").open()}
        assert tested == test
        experiment_record = config.provenance["experiment"]
        assert experiment_record["protocol"] == "loso" and experiment_record["test_subjects"] == sorted(test)
        card = (folder / "instruct" / "MODEL_CARD.md").read_text()
        assert "seed-vii" in card and "loso" in card and "emotions-7" in card
        assert f"held-out test subjects {min(test)}" in card and "Stage 1 subjects" in card


@pytest.mark.parametrize("protocol, fold, stated, unsaid", [
    ("loso", "subject-3", "held-out test subjects 3 (no stage saw them)", "other sessions"),
    ("cross-session", "session-2", "held out: session-2 of subjects 1–3", "no stage saw them"),
    ("cross-trial", "trials-fold-1", "held out: the trials of trials-fold-1 of subjects 1–3", "no stage saw them"),
])
def test_the_model_card_states_what_each_protocol_held_out(experiment, protocol, fold, stated, unsaid):
    import dataclasses

    from projector.checkpoint import read_config
    from training.model_card import model_card_text

    run, _ = experiment
    config = read_config(run / "folds" / "subject-1" / "instruct")
    subjects = [3] if protocol == "loso" else [1, 2, 3]
    record = {**config.provenance["experiment"], "protocol": protocol, "fold": fold, "test_subjects": subjects}
    card = model_card_text(dataclasses.replace(config, provenance={**config.provenance, "experiment": record}))
    assert stated in card and unsaid not in card


def test_the_table_is_computed_from_the_saved_predictions_and_answers(experiment):
    from sklearn.metrics import balanced_accuracy_score

    run, _ = experiment
    results = json.loads((run / "results.json").read_text())
    assert results["label_space"] == "emotions-7" and results["classes"] == list(EMOTIONS)
    assert len(results["rows"]) == 2 * 2 + 2  # two folds x two arms, then pooled per arm
    for fold in results["folds"]:
        folder = run / "folds" / fold["fold"]
        baselines = json.loads((folder / "baselines.json").read_text())
        for name in ("encoder_head", "logreg", "svm"):
            expected = balanced_accuracy_score(baselines["truth"], baselines["predictions"][name])
            assert fold["classifiers"][name]["balanced_accuracy"] == pytest.approx(expected)
        for arm in ("both", "no-pattern"):
            answers = [json.loads(line) for line in (folder / f"eval-{arm}" / "results.jsonl").open()]
            assert fold["arms"][arm]["n"] == len(answers) == 7
            assert fold["arms"][arm]["accuracy"] == pytest.approx(np.mean([a["correct"] for a in answers]))
            assert fold["arms"][arm]["parse_rate"] == pytest.approx(
                np.mean([a["parsed"]["well_formed"] for a in answers]))
    pooled = results["pooled"]["classifiers"]["logreg"]["balanced_accuracy"]
    estimate, lower, upper = pooled
    assert lower <= estimate <= upper or not np.isfinite(lower)
    table = (run / "results.md").read_text()
    assert "| pooled | all tested | both |" in table and "SYNTHETIC" in table


def test_a_finished_run_resumes_without_training_and_refuses_other_settings(experiment, capsys):
    from serve.cli import main

    run, argv = experiment
    stamps = {p: p.stat().st_mtime_ns for p in run.glob("folds/*/*/config.json")}
    before = json.loads((run / "results.json").read_text())
    assert main(argv) == 0
    assert {p: p.stat().st_mtime_ns for p in run.glob("folds/*/*/config.json")} == stamps
    assert json.loads((run / "results.json").read_text())["rows"] == before["rows"]
    capsys.readouterr()
    other = [a if a != "loso" else "cross-trial" for a in argv]
    assert main(other) == 2
    err = capsys.readouterr().err.strip()
    assert "other settings" in err and err.count("\n") == 0


def test_experiment_folds_out_of_range_are_refused(experiment, capsys):
    from serve.cli import main

    run, argv = experiment
    assert main([*argv[:-3], "--fold", "9", "--json"]) == 2
    assert "Fold 9 does not exist" in capsys.readouterr().err


def test_bundled_experiment_presets_are_valid():
    from training.experiment_config import bundled_experiments, load_preset

    assert {"quick", "demo", "qwen2.5-1.5b", "qwen3-1.7b"} <= set(bundled_experiments())
    for name in bundled_experiments():
        preset = load_preset(name)
        assert preset.name == name and preset.encoder.window_s == preset.align.window_s
    assert load_preset("qwen2.5-1.5b").align.train.mixed_precision == "bf16"
    assert load_preset("quick").align.llm == "embedded:smollm2-135m-instruct"


def test_the_demo_preset_trains_as_the_demo_checkpoint_does():
    """The `demo` experiment preset repeats the demo checkpoint's stage configs: data, LoRA, schedule."""
    from training.experiment_config import load_preset
    from training.stages import load_config

    preset = load_preset("demo")
    for stage in ("encoder", "align", "instruct"):
        assert getattr(preset, stage).train == load_config(f"{stage}-demo").train, stage
    assert preset.align.data.align == load_config("align-demo").data.align
    instruct = load_config("instruct-demo")
    assert preset.instruct.data.counts() == instruct.data.counts()
    assert preset.instruct.lora == instruct.lora


def test_a_folds_saved_stage_config_runs_as_it_is(experiment, tmp_path):
    """What `accelerate launch` starts in every process for multi-GPU stages: a fold's saved YAML."""
    from projector.checkpoint import read_config
    from training.stages import launch_command, main

    run, _ = experiment
    saved = run / "folds" / "subject-1" / "config" / "encoder.yaml"
    command = launch_command(saved, tmp_path / "encoder", 4)
    assert command[1:3] == ["-m", "accelerate.commands.launch"] and command[command.index("--num_processes") + 1] == "4"
    assert command[-5:] == ["-m", "training.stages", str(saved), "--out", str(tmp_path / "encoder")]
    assert main([str(saved), "--out", str(tmp_path / "encoder")]) == 0
    config = read_config(tmp_path / "encoder")
    original = read_config(run / "folds" / "subject-1" / "encoder")
    assert config.provenance["encoder"]["subjects"] == original.provenance["encoder"]["subjects"]


@pytest.mark.parametrize("text, match", [("stage: [unclosed", "is not valid YAML"), ("- a\n- b\n", "must be a mapping")])
def test_a_stage_config_or_preset_that_is_not_a_yaml_mapping_is_refused_in_one_sentence(tmp_path, text, match):
    from encoders.errors import ConfigError
    from training.experiment_config import load_preset
    from training.stages import load_config

    path = tmp_path / "broken.yaml"
    path.write_text(text)
    for load in (load_config, load_preset):
        with pytest.raises(ConfigError, match=match) as info:
            load(path)
        assert str(info.value).count(". ") == 0 and "broken.yaml" in str(info.value)
