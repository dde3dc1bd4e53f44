"""The one checkpoint format: written and read through projector.checkpoint only, version checked,
earlier formats migrated (the shipped demo checkpoint was converted once), partial copies, updates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from encoders.errors import CheckpointError
from projector.checkpoint import (FORMAT, CheckpointConfig, copy_checkpoint, load_checkpoint, load_encoder, read_config,
                                  save_checkpoint, update_checkpoint, upgrade_checkpoint)

DATA = Path(__file__).parent / "data"
DEMO = Path(__file__).parent.parent / "checkpoints" / "demo"


def _v1_checkpoint(tmp_path: Path) -> Path:
    """A checkpoint folder as format 1 wrote it: the demo's encoder and adapter with the config of
    the demo that format 1 shipped, and a projector of that config's shape (format 1 had no anchored
    projectors; its weights are not what is tested)."""
    from safetensors.torch import save_file

    from projector.registry import build_projector

    folder = tmp_path / "v1"
    folder.mkdir()
    shutil.copy2(DEMO / "encoder.safetensors", folder / "encoder.safetensors")
    shutil.copytree(DEMO / "adapter", folder / "adapter")
    shutil.copy2(DATA / "checkpoint-config-v1.json", folder / "config.json")
    projector = build_projector(json.loads((folder / "config.json").read_text())["projector"])
    save_file({k: v.contiguous() for k, v in projector.state_dict().items()}, str(folder / "projector.safetensors"))
    return folder


def test_the_shipped_demo_checkpoint_is_in_the_current_format_and_loads():
    assert json.loads((DEMO / "config.json").read_text())["format"] == FORMAT
    config = read_config(DEMO)
    encoder, projector = load_checkpoint(DEMO, config)
    assert config.stage == "instruct" and config.adapter == "adapter"
    assert projector.config.d_out == config.llm_hidden_size == 576
    assert set(config.provenance) == {"encoder", "align", "instruct"}
    assert config.provenance["align"]["subjects"] == {"train": list(range(1, 11)), "validation": [11, 12]}


def test_a_format_1_checkpoint_is_migrated_in_memory_and_upgraded_once_on_disk(tmp_path):
    folder = _v1_checkpoint(tmp_path)
    old = json.loads((folder / "config.json").read_text())
    assert old["format"] == "eegreason-checkpoint/1"
    migrated = read_config(folder)
    assert migrated.format == FORMAT and json.loads((folder / "config.json").read_text()) == old  # reading writes nothing
    assert migrated.provenance["align"]["config"]["cohort"]["seed"] == old["provenance"]["align"]["cohort"]["seed"]
    assert migrated.provenance["instruct"]["subjects"]["train"] == old["provenance"]["train_subjects"]
    assert migrated.provenance["encoder"]["train_seconds"] == old["provenance"]["encoder"]["metrics"]["train_seconds"]

    upgraded = upgrade_checkpoint(folder)
    assert json.loads((folder / "config.json").read_text())["format"] == FORMAT
    assert read_config(folder) == upgraded == migrated
    reference, _ = load_checkpoint(DEMO)
    encoder, _ = load_checkpoint(folder)
    for a, b in zip(reference.state_dict().values(), encoder.state_dict().values()):
        assert torch.equal(a, b)


def test_a_stage_1_artifact_of_format_1_is_read_with_its_metrics(tmp_path):
    folder = tmp_path / "stage1"
    folder.mkdir()
    shutil.copy2(DEMO / "encoder.safetensors", folder / "encoder.safetensors")
    demo = json.loads((DATA / "checkpoint-config-v1.json").read_text())
    (folder / "config.json").write_text(json.dumps({
        "artifact": "eegreason-encoder/1", "encoder": demo["encoder"], "stage_config": {"name": "encoder-demo"},
        "data": {"kind": "synthetic"}, "labels": demo["labels"], "synthetic_data": True, "git_revision": "abc"}))
    (folder / "metrics.json").write_text(json.dumps({"train_seconds": 12.5, "epochs": 30}))
    config = read_config(folder)
    assert config.stage == "encoder" and config.projector is None and config.llm is None
    assert config.metrics["encoder"]["epochs"] == 30 and config.provenance["encoder"]["train_seconds"] == 12.5
    assert load_encoder(folder).config.d_model == demo["encoder"]["d_model"]
    with pytest.raises(CheckpointError, match="stage-1 .*align, instruct or export"):
        load_checkpoint(folder)
    upgrade_checkpoint(folder)
    assert not (folder / "metrics.json").exists() and read_config(folder).metrics["encoder"]["train_seconds"] == 12.5


@pytest.mark.parametrize("content, match", [
    ({"format": "eegreason-checkpoint/9", "stage": "instruct"}, r"format 'eegreason-checkpoint/9'.*cannot read"),
    ({"format": "something-else"}, "cannot read"),
    ("not json {", "not valid JSON"),
    ([1, 2, 3], "does not describe a checkpoint"),
    ({"format": FORMAT, "stage": "instruct", "encoder": {}, "surprise": 1}, r"unknown fields \['surprise'\]"),
    ({"format": FORMAT, "stage": "bogus", "encoder": {}}, "stage 'bogus' is not one of"),
])
def test_unreadable_configs_are_refused_in_one_sentence(tmp_path, content, match):
    (tmp_path / "config.json").write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(CheckpointError, match=match) as info:
        read_config(tmp_path)
    assert "\n" not in str(info.value)


def test_missing_weights_are_named(tmp_path):
    copy_checkpoint(DEMO, tmp_path / "copy", parts=("encoder",))
    with pytest.raises(CheckpointError, match="lacks projector.safetensors"):
        load_checkpoint(tmp_path / "copy")


def test_partial_copy_and_update(tmp_path):
    copied = copy_checkpoint(DEMO, tmp_path / "served", parts=("encoder", "projector"), stage="align")
    assert copied.adapter is None and copied.stage == "align"
    assert sorted(p.name for p in (tmp_path / "served").iterdir()) == ["config.json", "encoder.safetensors",
                                                                       "projector.safetensors"]
    updated = update_checkpoint(tmp_path / "served", metrics={"held_out": {"accuracy": 0.5}})
    assert read_config(tmp_path / "served").metrics == {"held_out": {"accuracy": 0.5}} == updated.metrics
    with pytest.raises(CheckpointError, match="no field"):
        update_checkpoint(tmp_path / "served", colour="blue")
    with pytest.raises(CheckpointError, match="not over itself"):
        copy_checkpoint(DEMO, DEMO)


def test_save_takes_module_configs_and_refuses_a_projector_that_does_not_fit(tmp_path):
    from projector.registry import ProjectorConfig, build_projector

    encoder = load_encoder(DEMO)
    projector = build_projector(ProjectorConfig(type="mlp2x_gelu", d_in=encoder.config.d_model, d_out=64, n_tokens=2))
    config = CheckpointConfig(stage="align", encoder={}, llm="tiny-qwen2", llm_hidden_size=128)
    with pytest.raises(CheckpointError, match="differs from the LLM hidden size"):
        save_checkpoint(tmp_path / "bad", config, encoder, projector)
    assert not (tmp_path / "bad" / "config.json").exists()
    good = CheckpointConfig(stage="encoder", encoder={})
    save_checkpoint(tmp_path / "good", good, encoder)
    assert read_config(tmp_path / "good").encoder == encoder.get_config()


def test_a_served_llm_without_an_adapter_is_the_base_copied_whole(tmp_path):
    from projector.checkpoint import write_served_llm

    base = tmp_path / "base"
    (base / "sub").mkdir(parents=True)
    (base / "config.json").write_text("{}")
    (base / "sub" / "weights.bin").write_bytes(b"\x00" * 16)
    target = tmp_path / "out" / "llm"
    write_served_llm(base, None, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == ["config.json", "sub", "sub/weights.bin"]
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left
