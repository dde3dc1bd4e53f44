"""Training stages read released datasets: the label set comes from the dataset, features are cached
per subject file and setting, and a bad folder is refused in one sentence before anything trains.

The SEED-VII folder is written by the synthetic generator in SEED-VII's released layout
(encoders.synthetic.released): 8-s videos, 3 subjects, two sessions of seven emotions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from encoders.analysis import FeatureConfig
from encoders.labels import EMOTIONS, LABEL_SPACES
from training.config import DataSpec

try:
    from tests import dataset_fixtures as F
except ImportError:  # tests/ is not a package: pytest puts this folder on sys.path
    import dataset_fixtures as F

SESSIONS = {1: list(EMOTIONS), 2: list(EMOTIONS[::-1])}


@pytest.fixture(scope="module")
def seed_vii_root(tmp_path_factory) -> Path:
    from encoders.synthetic import CohortConfig
    from encoders.synthetic.released import write_seed_vii

    root = tmp_path_factory.mktemp("seed-vii") / "SEED-VII"
    return write_seed_vii(root, CohortConfig(seed=7, subjects=3, trials_per_emotion=1, trial_seconds=8.0), SESSIONS,
                          progress=False)


def _shards(spec: DataSpec) -> dict[str, float]:
    from training.dataset_tables import cache_folder

    return {p.name: p.stat().st_mtime_ns for p in cache_folder(spec).glob("*.npz")}


def test_features_are_cached_per_subject_and_a_changed_file_or_setting_misses(seed_vii_root, tmp_path):
    from training.dataset_tables import dataset_table

    root = shutil.copytree(seed_vii_root, tmp_path / "copy")
    spec = DataSpec(dataset="seed-vii", root=str(root))
    first = dataset_table(spec, FeatureConfig(), progress=False)
    assert len(first.trials) == 3 * 14 and first.features.shape[1:] == (62, 5)
    assert {t.emotion for t in first.trials} == set(EMOTIONS) and first.source["synthetic"] is True
    assert all(t.info.label == EMOTIONS.index(t.emotion) for t in first.trials)
    shards = _shards(spec)
    assert len(shards) == 3  # one per subject
    again = dataset_table(spec, FeatureConfig(), progress=False)
    assert _shards(spec) == shards  # read, not rewritten
    np.testing.assert_array_equal(again.features, first.features)

    # Subject 2's file changes: its shard is rebuilt (the stale one removed), the others are kept.
    path = root / "EEG_preprocessed" / "2.mat"
    content = {k: v * 2.0 for k, v in scipy.io.loadmat(path).items() if not k.startswith("__")}
    scipy.io.savemat(path, content)
    from training.dataset_tables import cache_folder

    # Another process of a multi-GPU run writing the same subject's shard: its file is not stale.
    in_flight = cache_folder(spec) / (next(n for n in shards if n.startswith("s0002")) + ".4242-0000beef.tmp.npz")
    in_flight.write_bytes(b"another process is writing this shard")
    changed = dataset_table(spec, FeatureConfig(), progress=False)
    assert in_flight.exists()
    in_flight.unlink()
    now = _shards(spec)
    assert len(now) == 3 and [n for n in now if n.startswith("s0002")] != [n for n in shards if n.startswith("s0002")]
    assert {n: m for n, m in now.items() if not n.startswith("s0002")} == \
        {n: m for n, m in shards.items() if not n.startswith("s0002")}
    rows = [changed.rows(t) for t in changed.trials if t.info.subject == 2]
    old_rows = [first.rows(t) for t in first.trials if t.info.subject == 2]
    assert not np.allclose(changed.band_power[rows[0]], first.band_power[old_rows[0]])
    # Another feature setting is another entry; the first setting's entries stay.
    dataset_table(spec, FeatureConfig(window_s=2.0), progress=False)
    assert len(_shards(spec)) == 6 and set(now) <= set(_shards(spec))


def test_rating_datasets_take_their_classes_by_the_stated_threshold(tmp_path):
    from training.dataset_tables import dataset_table, label_space

    root = F.write_deap(tmp_path / "deap", stimulus_s=8)
    valence = DataSpec(dataset="deap", root=str(root))
    assert label_space(valence).name == "valence-2" and ">= 5" in label_space(valence).threshold
    first_subject = F.deap_ratings(1)  # trial 2 has valence exactly 5.0
    inclusive = [t.emotion for t in dataset_table(valence, FeatureConfig(), progress=False).trials[:4]]
    strict = [t.emotion for t in dataset_table(DataSpec(dataset="deap", root=str(root), inclusive=False),
                                               FeatureConfig(), progress=False).trials[:4]]
    assert inclusive == ["high valence" if v >= 5 else "low valence" for v in first_subject[:, 0]]
    assert strict == ["high valence" if v > 5 else "low valence" for v in first_subject[:, 0]]
    assert inclusive[1] != strict[1]
    quadrants = dataset_table(DataSpec(dataset="deap", root=str(root), target="quadrants", threshold=6.0),
                              FeatureConfig(), progress=False)
    space = LABEL_SPACES["quadrants-4"]
    for trial, (v, a) in zip(quadrants.trials[:4], first_subject[:, :2]):
        assert trial.emotion == f"{'high' if v >= 6 else 'low'} valence, {'high' if a >= 6 else 'low'} arousal"
        assert trial.info.label == space.labels.index(trial.emotion)
        assert trial.valence == pytest.approx((v - 5) / 4) and trial.arousal == pytest.approx((a - 5) / 4)


@pytest.mark.parametrize("stage", ["align", "instruct"])
def test_a_yaml_data_section_naming_only_a_dataset_keeps_the_stages_task_mix(stage, tmp_path):
    from training.config import ConfigError
    from training.llm_stages import _some
    from training.stages import STAGES, load_config

    path = tmp_path / f"{stage}.yaml"
    path.write_text(f"stage: {stage}\ndata: {{dataset: seed-vii, root: {tmp_path}, subjects: [1, 2]}}\n")
    config = load_config(path)
    default = STAGES[stage].config().data.counts()
    assert default and config.data.counts() == default
    assert (config.data.dataset, config.data.subjects) == ("seed-vii", [1, 2])
    # Task counts given in the section are the whole mix, as before.
    path.write_text(f"stage: {stage}\ndata: {{dataset: seed-vii, root: {tmp_path}, emotion: 7}}\n")
    assert load_config(path).data.counts() == {"emotion": 7}
    with pytest.raises(ConfigError, match="built no training examples"):
        _some([], stage)


def test_a_stage_trains_on_a_dataset_from_the_command_line(seed_vii_root, tmp_path):
    from projector.checkpoint import read_config
    from serve.cli import main

    out = tmp_path / "encoder"
    code = main(["train", "encoder-tiny", "train.epochs=1", "--dataset", "seed-vii", "--root", str(seed_vii_root),
                 "--subjects", "1-2", "--out", str(out)])
    assert code == 0
    config = read_config(out)
    assert config.labels == list(EMOTIONS) and config.synthetic_data  # the folder is marked synthetic
    record = config.provenance["encoder"]
    assert record["config"]["data"]["dataset"] == "seed-vii" and record["config"]["data"]["subjects"] == [1, 2]
    assert record["subjects"] == {"train": [1], "validation": [2]}  # encoder-tiny holds one subject out
    card = (out / "MODEL_CARD.md").read_text()
    assert "seed-vii" in card and "emotions-7" in card and "trained on subjects 1" in card and "SYNTHETIC" in card


def _refused(capsys, argv: list[str], out: Path) -> str:
    from serve.cli import main

    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2 and not out.exists(), err
    assert err.count("\n") == 0 and err.startswith("eegreason: error: ") and "Traceback" not in err
    return err


def test_bad_dataset_folders_are_refused_in_one_sentence_before_training(seed_vii_root, tmp_path, capsys):
    out = tmp_path / "never"
    # a subject asked for whose file is missing
    missing = shutil.copytree(seed_vii_root, tmp_path / "missing")
    (missing / "EEG_preprocessed" / "2.mat").unlink()
    err = _refused(capsys, ["train", "encoder-tiny", "--dataset", "seed-vii", "--root", str(missing), "--subjects",
                            "1-2", "--out", str(out)], out)
    assert "2" in err and "available subjects are 1, 3" in err
    # a label workbook that does not parse
    broken = shutil.copytree(seed_vii_root, tmp_path / "broken")
    (broken / "emotion_label_and_stimuli_order.xlsx").write_bytes(b"not a workbook at all")
    err = _refused(capsys, ["train", "encoder-tiny", "--dataset", "seed-vii", "--root", str(broken), "--out", str(out)],
                   out)
    assert "emotion_label_and_stimuli_order.xlsx" in err and "Excel" in err
    # a subject missing one session file the others have
    seed = F.write_seed(tmp_path / "seed")
    next((seed / "Preprocessed_EEG").glob("2_*.mat")).unlink()
    err = _refused(capsys, ["train", "encoder-tiny", "--dataset", "seed", "--root", str(seed), "--out", str(out)], out)
    assert "Subject 2" in err and "2 recording file(s) where the others have 3" in err
    # a protocol the dataset cannot support
    deap = F.write_deap(tmp_path / "deap")
    err = _refused(capsys, ["experiment", "--dataset", "deap", "--root", str(deap), "--protocol", "cross-session",
                            "--out", str(out)], out)
    assert "cross-session" in err and "one session" in err


def test_a_checkpoint_answers_in_its_own_label_set(tmp_path, tiny_llm):
    """`ask` and the app ask the class question of the checkpoint's label set, and the evidence's pattern
    match names its classes."""
    import torch

    from encoders.channels import montage
    from encoders.model import EEGEncoder, EncoderConfig
    from projector.checkpoint import CheckpointConfig, save_checkpoint
    from projector.registry import ProjectorConfig, build_projector
    from encoders.synthetic import CohortConfig, generate_trial, trial_to_recording
    from serve.assistant import Assistant, Conversation
    from serve.engines import EngineConfig

    space = LABEL_SPACES["valence-3"]
    torch.manual_seed(0)
    names = montage("seed62")
    encoder = EEGEncoder(EncoderConfig(ch_names=names, n_chans=len(names), d_model=32, n_outputs=3))
    projector = build_projector(ProjectorConfig(type="mlp2x_gelu", d_in=32, d_out=128, n_tokens=2))
    config = CheckpointConfig(stage="align", encoder={}, labels=list(space.labels), label_space=space.to_dict(),
                              llm="tiny-qwen2", llm_hidden_size=128)
    checkpoint = save_checkpoint(tmp_path / "valence3", config, encoder, projector)
    recording = trial_to_recording(generate_trial(CohortConfig(seed=1, subjects=1, trial_seconds=16.0), 1, 1, 1))
    assistant = Assistant(checkpoint, EngineConfig(backend="transformers"), start_engine=False)
    assert "negative, neutral or positive" in assistant.default_question
    context = assistant.analyse_recording(recording, "trial")
    assert list(context.evidence.probabilities) == list(space.labels)
    assert "pattern match (encoder): " in context.evidence_text and "positive" in context.evidence_text
    messages = assistant.messages(Conversation([context]), assistant.default_question)
    assert "negative, neutral or positive" in messages[-1]["content"]
    assert json.loads((checkpoint / "config.json").read_text())["label_space"]["name"] == "valence-3"


SEED_V_CLIP_S, SEED_V_GAP_S = 8, 2


def _seed_v_layout(root: Path, monkeypatch) -> Path:
    """SEED-V's folders with short clips: no library writes NeuroScan .cnt, so `read_cnt` is replaced by
    a 200-Hz stand-in of the file (62 EEG + M1 M2 VEO HEO, volts) going through the same `raw_to_arrays`,
    and the published clip times by 15 clips of 8 s per session."""
    import mne

    from encoders.datasets import seed_v

    starts = tuple(SEED_V_GAP_S + i * (SEED_V_CLIP_S + SEED_V_GAP_S) for i in range(15))
    clip_times = {session: starts for session in (1, 2, 3)}
    monkeypatch.setattr(seed_v, "CLIP_STARTS", clip_times)
    monkeypatch.setattr(seed_v, "CLIP_ENDS", {s: tuple(t + SEED_V_CLIP_S for t in v) for s, v in clip_times.items()})

    def read_cnt(path):
        subject, session = (int(x) for x in Path(path).name.split("_")[:2])
        rng = np.random.default_rng([subject, session])
        n = int((starts[-1] + SEED_V_CLIP_S + SEED_V_GAP_S) * 200)
        data = rng.standard_normal((len(F.SEED_V_CNT_NAMES), n)) * 10e-6
        raw = mne.io.RawArray(data, mne.create_info(F.SEED_V_CNT_NAMES, 200.0, "eeg"), verbose="error")
        return seed_v.raw_to_arrays(raw, Path(path).name)

    monkeypatch.setattr(seed_v, "read_cnt", read_cnt)
    return F.write_seed_v(root)


LAYOUTS = {  # miniature copies long enough for 4-s windows: (writer(root, monkeypatch), label set)
    "seed": (lambda root, _: F.write_seed(root, n_trials=4, seconds=8), "valence-3"),
    "seed-iv": (lambda root, _: F.write_seed_iv(root, n_trials=4, seconds=8), "emotions-4"),
    "seed-v": (_seed_v_layout, "emotions-5"),
    "dreamer": (lambda root, _: F.write_dreamer(root, clip_s=8), "valence-2"),
    "deap": (lambda root, _: F.write_deap(root, stimulus_s=8), "valence-2"),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_released_layout_becomes_a_table_in_its_own_label_set(name, tmp_path, monkeypatch):
    from encoders.datasets import open_dataset
    from training.dataset_tables import check_dataset, dataset_table, label_space

    writer, space_name = LAYOUTS[name]
    root = writer(tmp_path / name, monkeypatch)
    spec = DataSpec(dataset=name, root=str(root))
    found = check_dataset(spec)
    space = label_space(spec)
    assert space.name == space_name == found["label_space"] and found["subjects"] == [1, 2]
    table = dataset_table(spec, FeatureConfig(), progress=False)
    loaded = {t.key: t for t in open_dataset(name, root).iter_trials("raw")}
    assert {tuple(t.key) for t in table.trials} == set(loaded)
    assert {row.emotion for row in table.trials} == set(space.labels)  # every class of the set is seen
    for row in table.trials:
        assert row.emotion in space.labels and space.labels[row.info.label] == row.emotion
        if space.emotions or name == "seed":  # the loader's own class, by name
            assert row.emotion == loaded[tuple(row.key)].label_name
        if name == "seed":  # SEED rates valence only
            assert np.isnan(row.arousal) and row.valence == space.value(row.emotion, "valence")
    if name == "seed-v":  # three sessions, so every protocol the experiment offers is possible
        assert found["sessions"] == {"1": [1, 2, 3], "2": [1, 2, 3]}
        assert len(table.trials) == 2 * 3 * 15 and len(table.features) == 2 * len(table.trials)
