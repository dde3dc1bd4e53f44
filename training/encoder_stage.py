"""Stage 1: emotion-discriminative pretraining of the EEG encoder.

Cross-entropy + supervised contrastive loss on labelled crops of consecutive usable windows,
plus masked-feature reconstruction. Crops are randomly restricted to smaller standard montages or
lose channels, so the encoder learns to work on any montage. The input normalisation (per-band
mean and SD of the feature) is fitted on training subjects only and stored inside the model.

Artifact folder (`<out>/`): an encoder-only checkpoint (`projector.checkpoint`: encoder.safetensors,
config.json with the stage config, data, subjects and metrics), loss.csv, loss.png, state/ (for
resuming).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from encoders.analysis import FeatureConfig
from encoders.channels import MONTAGES
from encoders.labels import SEVEN_EMOTIONS, LabelSpace
from encoders.log import get_logger, progress_bar
from encoders.model import EEGEncoder, EncoderConfig
from projector.checkpoint import CheckpointConfig, save_checkpoint, stage_record

from .config import EncoderStageConfig
from .feature_table import FeatureTable, TrialRow
from .losses import supervised_contrastive
from .plots import plot_loss_curves
from .trial_inference import encode_trials

log = get_logger(__name__)


def split_subjects(table: FeatureTable, n_validation: int) -> tuple[list[TrialRow], list[TrialRow]]:
    subjects = sorted({t.info.subject for t in table.trials})
    if n_validation >= len(subjects):
        raise ValueError(f"{n_validation} validation subjects leave none for training out of {len(subjects)}.")
    held = set(subjects[len(subjects) - n_validation:]) if n_validation else set()
    return ([t for t in table.trials if t.info.subject not in held], [t for t in table.trials if t.info.subject in held])


class CropSampler:
    """Random crops of `seq_windows` consecutive usable windows, with montage augmentation."""

    def __init__(self, table: FeatureTable, trials: list[TrialRow], spec, rng: np.random.Generator):
        self.table, self.trials, self.spec, self.rng = table, trials, spec, rng
        self.usable = [table.usable_rows(t) for t in trials]
        names = table.ch_names
        self.subsets = [np.array([names.index(n) for n in m if n in names]) for k, m in MONTAGES.items()
                        if k != "seed62" and sum(n in names for n in m) >= 8]

    def epoch(self) -> list[tuple[np.ndarray, int]]:
        crops = []
        for trial, rows in zip(self.trials, self.usable):
            for _ in range(self.spec.crops_per_trial):
                length = min(self.spec.seq_windows, len(rows))
                start = self.rng.integers(0, len(rows) - length + 1)
                crops.append((rows[start:start + length], trial.info.label))
        order = self.rng.permutation(len(crops))
        return [crops[i] for i in order]

    def channel_mask(self, n_channels: int) -> np.ndarray:
        mask = np.ones(n_channels, bool)
        if self.subsets and self.rng.random() < self.spec.subset_prob:
            mask[:] = False
            mask[self.subsets[self.rng.integers(len(self.subsets))]] = True
        elif self.spec.channel_dropout > 0:
            drop = self.rng.random(n_channels) < self.rng.uniform(0, self.spec.channel_dropout)
            mask &= ~drop
            if mask.sum() < 4:
                mask[:] = True
        return mask

    def batch(self, crops: list[tuple[np.ndarray, int]]):
        length = max(len(rows) for rows, _ in crops)
        n_channels = self.table.features.shape[1]
        x = np.zeros((len(crops), length, n_channels, self.table.features.shape[2]), np.float32)
        window_mask = np.zeros((len(crops), length), bool)
        channel_mask = np.stack([self.channel_mask(n_channels) for _ in crops])
        for i, (rows, _) in enumerate(crops):
            x[i, : len(rows)] = self.table.features[rows]
            window_mask[i, : len(rows)] = True
        labels = np.array([label for _, label in crops])
        return (torch.from_numpy(x), torch.from_numpy(window_mask), torch.from_numpy(channel_mask),
                torch.from_numpy(labels))


def feature_stats(table: FeatureTable, trials: list[TrialRow]) -> tuple[np.ndarray, np.ndarray]:
    rows = np.concatenate([table.usable_rows(t) for t in trials])
    values = table.features[rows].astype(np.float64)
    return values.mean(axis=(0, 1)), values.std(axis=(0, 1))


def resolve_device(name: str) -> torch.device:
    """The training device a config names; "auto" takes a GPU when torch sees one."""
    from encoders.errors import ConfigError

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ConfigError(f"train.device {name!r} is not a device name; use cpu, cuda, cuda:N or auto.") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"train.device is {name!r} but torch sees no GPU here; use cpu or auto.")
    return device


def _cpu_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}


def _lr_at(step: int, total: int, base: float, warmup: int) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def train_encoder(config: EncoderStageConfig, out_dir: Path, table: FeatureTable | None = None,
                  progress: bool = True, resume: bool = True, space: LabelSpace | None = None) -> Path:
    """Stage 1 on the synthetic cohort or the released dataset `config.data` names (`table` and its
    label set `space`, when given, replace both)."""
    from .dataset_tables import check_dataset, training_data

    out_dir = Path(out_dir)
    spec = config.train
    feature_config = FeatureConfig(window_s=config.window_s)
    if table is None:
        if config.data.released:
            check_dataset(config.data)  # a bad folder is refused before anything is computed
        table, space = training_data(config.cohort, config.data, feature_config, progress)
    space = space or SEVEN_EMOTIONS
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(spec.seed)
    rng = np.random.default_rng(spec.seed)
    train_trials, val_trials = split_subjects(table, config.validation_subjects)

    mean, std = feature_stats(table, train_trials)
    encoder = EEGEncoder(EncoderConfig(
        n_chans=len(table.ch_names), ch_names=list(table.ch_names), n_outputs=len(space.labels),
        window_s=config.window_s, **asdict(config.model)))
    encoder.set_feature_stats(mean, std)
    device = resolve_device(spec.device)
    projection = torch.nn.Linear(config.model.d_model, 64)  # contrastive head, discarded after training
    encoder.to(device)
    projection.to(device)
    params = list(encoder.parameters()) + list(projection.parameters())
    optimizer = torch.optim.AdamW(params, lr=spec.lr, weight_decay=spec.weight_decay)
    positions = torch.tensor(table.positions, dtype=torch.float32, device=device)

    sampler = CropSampler(table, train_trials, spec, rng)
    steps_per_epoch = math.ceil(len(train_trials) * spec.crops_per_trial / spec.batch_size)
    total_steps = steps_per_epoch * spec.epochs
    history: list[dict] = []
    start_epoch = 0
    state_dir = out_dir / "state"
    if resume and (state_dir / "progress.json").exists():
        start_epoch, history = _load_state(state_dir, encoder, projection, optimizer, rng)
        log.info("Resuming encoder training at epoch %d", start_epoch + 1)

    started = time.perf_counter()
    bar = progress_bar(total=total_steps, initial=start_epoch * steps_per_epoch, desc="encoder", unit="step",
                       enabled=progress)
    step = start_epoch * steps_per_epoch
    for epoch in range(start_epoch, spec.epochs):
        encoder.train()
        crops = sampler.epoch()
        sums = {"loss": 0.0, "ce": 0.0, "supcon": 0.0, "recon": 0.0}
        n_batches = 0
        for b in range(0, len(crops), spec.batch_size):
            batch = sampler.batch(crops[b:b + spec.batch_size])
            x, window_mask, channel_mask, labels = (t.to(device) for t in batch)
            feature_mask = None
            if spec.recon_weight > 0:
                feature_mask = (torch.rand(x.shape[:3], device=device) < spec.mask_ratio) & channel_mask[:, None, :]
            out = encoder(x, positions=positions, channel_mask=channel_mask, window_mask=window_mask,
                          return_features=True, feature_mask=feature_mask)
            ce = torch.nn.functional.cross_entropy(out.logits, labels)
            supcon = supervised_contrastive(projection(out.pooled), labels, spec.supcon_temperature)
            loss = ce + spec.supcon_weight * supcon
            recon = torch.zeros((), device=device)
            if feature_mask is not None and feature_mask.any():
                target = encoder.normalise(x)
                predicted = encoder.reconstruct_features(out)
                recon = ((predicted - target) ** 2).mean(-1)[feature_mask].mean()
                loss = loss + spec.recon_weight * recon
            for group in optimizer.param_groups:
                group["lr"] = _lr_at(step, total_steps, spec.lr, spec.warmup_steps)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            step += 1
            n_batches += 1
            for key, value in (("loss", loss), ("ce", ce), ("supcon", supcon), ("recon", recon)):
                sums[key] += float(value.detach())
            bar.update(1)
            bar.set_postfix(loss=f"{float(loss.detach()):.3f}")
        record = {"epoch": epoch + 1, **{k: v / max(n_batches, 1) for k, v in sums.items()}}
        if val_trials:
            record.update(_validate(encoder, table, val_trials, len(space.labels)))
            encoder.train()
        history.append(record)
        _save_state(state_dir, encoder, projection, optimizer, rng, epoch + 1, history)
    bar.close()
    elapsed = time.perf_counter() - started

    encoder.cpu().eval()
    metrics = {"train_seconds": round(elapsed, 3), "device": str(device), "epochs": spec.epochs,
               "final": history[-1] if history else {},
               "n_train_trials": len(train_trials), "n_validation_trials": len(val_trials)}
    save_encoder_artifact(out_dir, encoder, config, table, metrics, train_trials, val_trials, space)
    _write_curves(out_dir, history)
    return out_dir


def _validate(encoder: EEGEncoder, table: FeatureTable, trials: list[TrialRow], n_classes: int) -> dict:
    from .metrics import balanced_accuracy

    logits, _ = encode_trials(encoder, table, trials)
    labels = np.array([t.info.label for t in trials])
    predictions = logits.argmax(1)
    return {"val_accuracy": float(np.mean(predictions == labels)),
            "val_balanced_accuracy": balanced_accuracy(labels, predictions, n_classes)}


def save_encoder_artifact(out_dir: Path, encoder: EEGEncoder, config: EncoderStageConfig, table: FeatureTable,
                          metrics: dict, train_trials: list[TrialRow], validation_trials: list[TrialRow],
                          space: LabelSpace = SEVEN_EMOTIONS) -> None:
    """The stage-1 checkpoint: an encoder-only checkpoint (projector.checkpoint), its stage record
    and metrics in its config, the label set its head answers in."""
    record = stage_record(config.to_dict(), table.source, {t.info.subject for t in train_trials},
                          {t.info.subject for t in validation_trials}, metrics["train_seconds"])
    checkpoint = CheckpointConfig(
        stage="encoder", encoder={}, labels=list(space.labels), features=FeatureConfig(window_s=config.window_s).to_dict(),
        synthetic_data=table.synthetic, provenance={"encoder": record},
        metrics={"encoder": metrics}, label_space=None if space == SEVEN_EMOTIONS else space.to_dict())
    save_checkpoint(out_dir, checkpoint, encoder)
    from .model_card import write_model_card

    write_model_card(out_dir)


def _save_state(state_dir: Path, encoder, projection, optimizer, rng, epoch: int, history: list[dict]) -> None:
    from safetensors.torch import save_file

    state_dir.mkdir(parents=True, exist_ok=True)
    save_file(_cpu_state(encoder), str(state_dir / "encoder.safetensors"))
    save_file(_cpu_state(projection), str(state_dir / "projection.safetensors"))
    torch.save(optimizer.state_dict(), state_dir / "optimizer.pt")
    (state_dir / "progress.json").write_text(json.dumps({"epoch": epoch, "history": history,
                                                        "rng": rng.bit_generator.state}, default=int))


def _load_state(state_dir: Path, encoder, projection, optimizer, rng) -> tuple[int, list[dict]]:
    from safetensors.torch import load_file

    encoder.load_state_dict(load_file(str(state_dir / "encoder.safetensors")))
    projection.load_state_dict(load_file(str(state_dir / "projection.safetensors")))
    # Our own file, written above; weights_only refuses anything but tensors and plain containers.
    optimizer.load_state_dict(torch.load(state_dir / "optimizer.pt", map_location="cpu", weights_only=True))
    progress = json.loads((state_dir / "progress.json").read_text())
    rng.bit_generator.state = progress["rng"]
    return int(progress["epoch"]), list(progress["history"])


def _write_curves(out_dir: Path, history: list[dict]) -> None:
    if not history:
        return
    keys = list(history[0])
    lines = [",".join(keys)] + [",".join(f"{row.get(k, '')}" for k in keys) for row in history]
    (out_dir / "loss.csv").write_text("\n".join(lines) + "\n")
    plot_loss_curves(history, out_dir / "loss.png", x="epoch",
                     series=[k for k in keys if k != "epoch"], title="Stage 1: encoder")
