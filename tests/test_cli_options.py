"""Command-line options made from the settings dataclasses: every command that starts an engine takes
the same engine flags (EngineConfig's fields), answers are decoded as GenerationParams's flags say,
`evaluate`'s options are EvalConfig's, older flag spellings still work, and `train` takes its
overrides before or after `--out`."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import pytest

from evaluation import EvalConfig
from projector.decoding import GenerationParams
from serve.cli import build_parser
from serve.commands import COMMANDS
from serve.commands._dataclass_options import flag_of, option_fields
from serve.commands._options import engine_config, generation_params
from serve.engines import EngineConfig
from test_cli import run_cli

ENGINE_COMMANDS = ("ask", "app", "report draft", "evaluate")


def _options(command: str) -> set[str]:
    """The option strings of a command ("report draft": of one of its actions)."""
    parser = build_parser()
    name, *action = command.split()
    sub = next(a for a in parser._actions if a.dest == "command").choices[name]
    if action:
        sub = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction)).choices[action[0]]
    return {s for action in sub._actions for s in action.option_strings}


def _parse(*argv: str):
    return build_parser().parse_args(list(argv))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_renders_its_help(command, capsys):
    with pytest.raises(SystemExit) as stop:
        _parse(command, "--help")
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: eegreason {command}") and "Traceback" not in out


def test_every_command_that_starts_an_engine_takes_every_engine_setting():
    flags = {flag_of(f) for f in dataclasses.fields(EngineConfig)}
    assert flags >= {"--engine", "--dtype", "--no-eager", "--max-model-len", "--tensor-parallel-size",
                     "--max-num-seqs", "--kv-cache-gib", "--gpu-memory-utilization", "--engine-seed"}
    for command in ENGINE_COMMANDS:
        assert flags <= _options(command), (command, flags - _options(command))
    # The server is always vLLM: every setting but the engine's name.
    assert flags - {"--engine"} <= _options("serve") and "--engine" not in _options("serve")
    generation = {flag_of(f) for f in dataclasses.fields(GenerationParams)}
    for command in ("ask", "app", "report draft"):
        assert generation <= _options(command)


def test_flags_used_before_still_parse():
    """Spellings in the README and the tests keep working."""
    old = {"ask": {"--checkpoint", "--engine", "--dtype", "--no-eager", "--tensor-parallel-size", "--max-tokens",
                   "--frequency-penalty", "--max-model-len", "--json"},
           "evaluate": {"--checkpoint", "--dataset", "--root", "--cohort-seed", "--subjects", "--sessions",
                        "--trials-per-emotion", "--protocol", "--folds", "--tasks", "--ablation", "--reference",
                        "--out", "--rescore", "--engine", "--dtype", "--max-tokens", "--frequency-penalty",
                        "--batch-size", "--json"},
           "serve": {"--checkpoint", "--host", "--port", "--api-key", "--dtype", "--no-eager",
                     "--tensor-parallel-size", "--max-model-len"},
           "app": {"--host", "--port", "--auth", "--upload-retention-hours", "--engine", "--max-model-len"},
           "report draft": {"--out", "--pdf", "--author", "--store", "--engine", "--checkpoint", "--max-tokens"},
           "train": {"--out", "--no-resume"}}
    for command, flags in old.items():
        assert flags <= _options(command), (command, flags - _options(command))


def test_engine_and_decoding_flags_build_their_dataclasses():
    args = _parse("ask", "rec.edf", "--backend", "transformers", "--dtype", "bfloat16", "--no-eager",
                  "--max-model-len", "1024", "--max-num-seqs", "4", "--kv-cache-gib", "1.5", "--engine-seed", "3",
                  "--max-tokens", "9", "--temperature", "0.5", "--top-p", "0.9", "--sampling-seed", "7",
                  "--frequency-penalty", "0.2")
    assert engine_config(args) == EngineConfig(backend="transformers", dtype="bfloat16", enforce_eager=False,
                                               max_model_len=1024, max_num_seqs=4, kv_cache_gib=1.5, seed=3)
    assert generation_params(args) == GenerationParams(max_tokens=9, temperature=0.5, top_p=0.9, seed=7,
                                                       frequency_penalty=0.2)
    # Nothing given: the dataclasses' own defaults, written once.
    plain = _parse("ask", "rec.edf")
    assert engine_config(plain) == EngineConfig() and generation_params(plain) == GenerationParams()


@pytest.mark.parametrize("argv, match", [
    (("--engine", "transformers", "--max-num-seqs", "0"), "max num seqs must be at least 1"),
    (("--gpu-memory-utilization", "1.5"), "between"),
    (("--temperature", "-1"), "temperature"),
    (("--max-tokens", "0"), "at least 1 token"),
])
def test_impossible_settings_are_refused_in_one_sentence(argv, match):
    from encoders.errors import ConfigError

    args = _parse("ask", "rec.edf", *argv)
    with pytest.raises(ConfigError, match=match):
        engine_config(args)
        generation_params(args)


def test_a_choice_outside_the_dataclass_choices_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        _parse("ask", "rec.edf", "--dtype", "float64")
    assert stop.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_evaluate_options_are_eval_config_fields():
    from serve.commands.evaluate import eval_config

    options = _options("evaluate")
    for f in option_fields(EvalConfig, exclude=("engine",)):
        assert flag_of(f) in options, f.name
    args = _parse("evaluate", "--out", "run", "--dataset", "deap", "--root", "data", "--protocol", "cross-session",
                  "--tasks", "emotion", "free", "--folds", "3", "--free-per-kind", "4", "--montage", "emotiv14",
                  "--engine", "transformers", "--max-num-seqs", "4", "--checkpoint", "ckpt", "--seed", "5",
                  "--engine-seed", "9")
    config = eval_config(args)
    assert config.dataset == "deap" and config.root == "data" and config.tasks == ["emotion", "free"]
    assert config.n_folds == 3 and config.free_per_kind == 4 and config.montage == "emotiv14"
    assert config.checkpoint == "ckpt" and config.seed == 5  # the split's seed, not the engine's
    # Worked out when not given: two sessions for cross-session, the fold's reference for a released dataset.
    assert config.sessions == 2 and config.reference == "train-fold"
    # The run records the engine and dtype, and only the other settings that were changed.
    assert config.engine == {"backend": "transformers", "dtype": "float32", "max_num_seqs": 4, "seed": 9}
    defaults = eval_config(_parse("evaluate", "--out", "run"))
    expected = EvalConfig(checkpoint=defaults.checkpoint)
    assert dataclasses.replace(defaults, engine={}) == dataclasses.replace(expected, engine={})
    assert defaults.engine == {"backend": "vllm", "dtype": "float32"}
    with pytest.raises(SystemExit):
        _parse("evaluate", "--out", "run", "--tasks", "emotion", "horoscope")


def test_experiment_synth_and_encoder_eval_options_are_their_config_fields():
    from encoders.synthetic import CohortConfig
    from serve.commands._dataclass_options import dataclass_values
    from training.experiment_config import ExperimentConfig

    args = _parse("experiment", "--dataset", "deap", "--root", "data", "--out", "run", "--protocol", "cross-trial",
                  "--n-folds", "3", "--target", "arousal", "--threshold", "6", "--strict", "--processes", "2")
    config = ExperimentConfig(dataset=args.dataset, root=str(args.root), **dataclass_values(ExperimentConfig, args))
    assert (config.protocol, config.n_folds, config.target, config.threshold) == ("cross-trial", 3, "arousal", 6.0)
    assert config.inclusive is False and config.processes == 2
    defaults = _parse("experiment", "--dataset", "deap", "--root", "data", "--out", "run")
    assert ExperimentConfig("deap", "data", **dataclass_values(ExperimentConfig, defaults)) == ExperimentConfig("deap", "data")
    with pytest.raises(SystemExit):
        _parse("experiment", "--dataset", "deap", "--root", "data", "--out", "run", "--protocol", "leave-one-out")

    synth = _parse("synth", "--out", "x", "--sessions", "2", "--seconds", "8", "--montage", "emotiv14")
    cohort = CohortConfig(seed=synth.seed, subjects=synth.subjects, **dataclass_values(CohortConfig, synth))
    assert (cohort.sessions, cohort.trial_seconds, cohort.montage, cohort.sfreq) == (2, 8.0, "emotiv14", 200.0)
    # encoder-eval: three clips per emotion by default, the rest of the cohort as the generator has it.
    from serve.commands.encoder_eval import _COHORT_FIXED as fixed
    evaluated = _parse("encoder-eval", "--checkpoint", "c", "--cohort-seed", "4")
    assert dataclass_values(CohortConfig, evaluated, exclude=fixed) == {"trials_per_emotion": 3, "trial_seconds": 32.0}


def test_serve_passes_only_the_settings_given_where_vllm_has_its_own_default():
    from serve.commands.serve import server_command, server_environment

    plain = server_command(Path("llm"), _parse("serve"))
    assert "--enforce-eager" in plain and not {"--max-num-seqs", "--seed", "--gpu-memory-utilization"} & set(plain)
    given = server_command(Path("llm"), _parse("serve", "--no-eager", "--max-num-seqs", "4", "--engine-seed", "5"))
    assert "--enforce-eager" not in given
    assert given[given.index("--max-num-seqs") + 1] == "4" and given[given.index("--seed") + 1] == "5"
    env = server_environment(None, 3.0)
    assert env["VLLM_CPU_KVCACHE_SPACE"] == __import__("os").environ.get("VLLM_CPU_KVCACHE_SPACE", "3")


def test_train_takes_overrides_before_and_after_out():
    args = _parse("train", "align-demo", "--out", "runs/x", "encoder=runs/e")
    assert args.config == "align-demo" and args.out == Path("runs/x") and args.overrides == ["encoder=runs/e"]
    args = _parse("train", "align-demo", "train.epochs=1", "--out", "runs/x", "encoder=runs/e", "--no-resume")
    assert args.overrides == ["train.epochs=1", "encoder=runs/e"] and args.no_resume


def test_train_overrides_after_out_reach_the_config(tmp_path):
    """As a user types it: the override after --out is read (and this one refused by the config's own
    check, so no training starts)."""
    result = run_cli("train", "align-demo", "--out", str(tmp_path / "run"), "encoder=runs/e", "nosuch.field=1",
                     timeout=300)
    assert result.returncode == 2 and "unrecognized arguments" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("eegreason: error:")]
    assert len(errors) == 1 and "nosuch" in errors[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()
