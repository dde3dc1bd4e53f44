"""Stages 2 and 3: teaching the LLM to read the encoder, then to reason from evidence.

* `align` (stage 2): encoder and LLM frozen; only the projector learns, from EEG → description
  pairs whose prompt carries the EEG tokens and nothing else, so the tokens must carry the content.
* `instruct` (stage 3): LoRA on the LLM plus the projector, on the multi-task instruction data with
  chain-of-thought targets (training/instruction_data.py).

Both run on subjects the stage-1 encoder never saw (another synthetic cohort, or other subjects of a
released dataset: `data.dataset`, `data.subjects`), so the EEG tokens are as noisy as they will be
on new people; the last `validation_subjects` subjects are kept out entirely. The label set is the
encoder's (a dataset with other classes is refused).
Each stage writes a checkpoint folder (projector.checkpoint) plus its data, loss curves and a
resumable snapshot.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from encoders.analysis import FeatureConfig
from encoders.errors import ConfigError
from encoders.evidence import N_MEASURES
from encoders.inputs import calibrated
from encoders.log import get_logger, progress_bar
from projector.checkpoint import (
    CheckpointConfig,
    load_checkpoint,
    load_encoder,
    load_tensors,
    read_config,
    save_adapter,
    save_checkpoint,
    save_tensors,
    stage_record,
)
from projector.fused import EEGLanguageModel, label_embeddings
from projector.llm import load_causal_lm, load_tokenizer, resolve_llm
from projector.registry import AnchoredProjector, ProjectorConfig, build_projector
from prompts.questions import TRAINING as TRAINING_QUESTIONS
from prompts.rationale import RATIONALE_VERSION
from prompts.templates import load_template

from .collate import Collator
from .config import AlignStageConfig, CohortSpec, DataSpec, InstructStageConfig, LLMTrainSpec, data_fields
from .encoder_stage import split_subjects
from .feature_table import FeatureTable, TrialRow
from .instruction_data import Sources, build_items, encoder_readings, to_dataset
from .model_card import write_model_card
from .plots import plot_loss_curves

log = get_logger(__name__)


# ---- calibration --------------------------------------------------------------------------------


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Softmax temperature minimising the NLL of the true labels (grid search: robust, no optimiser)."""
    best_t, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.3), np.log(10.0), 120)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -log_p[np.arange(len(labels)), labels].mean()
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def encoder_logits(encoder, table: FeatureTable, trials: list[TrialRow]) -> np.ndarray:
    """Head logits per trial, from what serving would read of each (`FeatureTable.inputs`)."""
    from .trial_inference import encode_trials

    return encode_trials(encoder, table, trials)[0]


def encoder_probabilities(encoder, table: FeatureTable, trials: list[TrialRow], temperature: float) -> dict:
    """Calibrated pattern-match probabilities per trial key (the evidence's `pattern`)."""
    probabilities = calibrated(encoder_logits(encoder, table, trials), temperature)
    return {tuple(t.key): p for t, p in zip(trials, probabilities)}


# ---- the shared training loop ---------------------------------------------------------------------


def _lr_factor(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup))))


POOL_BATCHES = 16


def _length(item: dict) -> int:
    return sum(len(m["content"]) for m in item["messages"])


def _some(items: list[dict], stage: str) -> list[dict]:
    """The stage's training examples, refused when there are none (a run of 0 steps would save an
    untrained checkpoint as if it had learnt)."""
    if not items:
        raise ConfigError(f"Stage {stage} built no training examples: give its data section task counts "
                          f"(e.g. data.emotion: 80) and training subjects that have trials.")
    return items


def _batches(items: list[dict], spec: LLMTrainSpec):
    """Deterministic order: epoch e shuffles with seed + e. With `group_by_length`, each pool of
    POOL_BATCHES batches of the shuffled order is sorted by length before it is cut into batches,
    and the batches are shuffled again, so a batch pads little and the order stays random."""
    for epoch in range(spec.epochs):
        rng = random.Random(spec.seed + epoch)
        order = list(range(len(items)))
        rng.shuffle(order)
        batches = []
        pool = spec.batch_size * (POOL_BATCHES if spec.group_by_length else 1)
        for start in range(0, len(order), pool):
            chunk = order[start:start + pool]
            if spec.group_by_length:
                chunk.sort(key=lambda i: _length(items[i]))
            batches += [chunk[b:b + spec.batch_size] for b in range(0, len(chunk), spec.batch_size)]
        if spec.group_by_length:
            rng.shuffle(batches)
        for batch in batches:
            yield epoch, [items[i] for i in batch]


def train_llm_stage(model: EEGLanguageModel, items: list[dict], collator: Collator, spec: LLMTrainSpec,
                    groups: list[dict], state_dir: Path, label: str, progress: bool = True,
                    resume: bool = True, save_extra=None, load_extra=None) -> list[dict]:
    """Optimise `groups` (torch param groups with their base lr) on `items`; resumable from `state_dir`.

    Runs through `accelerate`: one process on a CPU or a GPU, or data-parallel over several GPUs
    with `accelerate launch` (each process takes its share of every global batch; only the main
    process writes snapshots)."""
    from accelerate import Accelerator

    accelerator = Accelerator(mixed_precision=spec.mixed_precision)
    torch.manual_seed(spec.seed)
    steps_per_epoch = math.ceil(len(items) / spec.batch_size / spec.grad_accum)
    total = min(spec.max_steps or 10**9, steps_per_epoch * spec.epochs)
    optimizer = torch.optim.AdamW(groups, weight_decay=spec.weight_decay)
    base_lrs = [g["lr"] for g in optimizer.param_groups]
    params = [p for g in groups for p in g["params"]]
    history: list[dict] = []
    step = 0
    if resume and (state_dir / "progress.json").exists():
        progress_state = json.loads((state_dir / "progress.json").read_text())
        step, history = int(progress_state["step"]), list(progress_state["history"])
        optimizer.load_state_dict(torch.load(state_dir / "optimizer.pt", weights_only=True))
        if load_extra:
            load_extra(state_dir)
        log.info("Resuming %s at step %d of %d", label, step, total)
    if step >= total:
        return history
    model, optimizer = accelerator.prepare(model, optimizer)
    model.train()
    rank, world = accelerator.process_index, accelerator.num_processes
    bar = progress_bar(total=total, initial=step, desc=label, unit="step",
                       enabled=progress and accelerator.is_main_process)
    micro = 0
    done_micro = step * spec.grad_accum  # micro-batches already consumed
    running, tokens, started = 0.0, 0, time.perf_counter()
    earlier_s = history[-1].get("elapsed_s", 0.0) if history else 0.0  # training time before a resume
    for epoch, chunk in _batches(items, spec):
        if micro < done_micro:
            micro += 1
            continue
        batch = collator(chunk[rank::world] or chunk[:1]).to(accelerator.device)
        out = model(batch.input_ids, batch.attention_mask, batch.eeg_mask, batch.eeg_inputs, labels=batch.labels,
                    measures=batch.measures)
        accelerator.backward(out.loss / spec.grad_accum)
        running += float(out.loss.detach())
        tokens += int(batch.attention_mask.sum())
        micro += 1
        if micro % spec.grad_accum:
            continue
        factor = _lr_factor(step, total, spec.warmup_steps)
        for group, base in zip(optimizer.param_groups, base_lrs):
            group["lr"] = base * factor
        accelerator.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        history.append({"step": step, "epoch": epoch + 1, "loss": running / spec.grad_accum,
                        "tokens_per_s": tokens * world / max(time.perf_counter() - started, 1e-9),
                        "elapsed_s": round(earlier_s + time.perf_counter() - started, 3)})
        running = 0.0
        bar.update(1)
        bar.set_postfix(loss=f"{history[-1]['loss']:.3f}")
        if (step % spec.save_every == 0 or step >= total) and accelerator.is_main_process:
            _snapshot(state_dir, optimizer, step, history, save_extra)
        if step >= total:
            break
    bar.close()
    accelerator.wait_for_everyone()
    return history


def _snapshot(state_dir: Path, optimizer, step: int, history: list[dict], save_extra) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    if save_extra:
        save_extra(state_dir)
    torch.save(optimizer.state_dict(), state_dir / "optimizer.pt")
    tmp = state_dir / "progress.json.tmp"
    tmp.write_text(json.dumps({"step": step, "history": history}))
    tmp.replace(state_dir / "progress.json")  # the step counter moves last: a crash repeats, never skips


def _write_history(out: Path, history: list[dict], title: str) -> None:
    if not history:
        return
    keys = list(history[0])
    (out / "loss.csv").write_text("\n".join([",".join(keys)] + [",".join(str(r.get(k, "")) for k in keys) for r in history]) + "\n")
    plot_loss_curves(history, out / "loss.png", x="step", series=["loss"], title=title)


# ---- data for the LLM stages ----------------------------------------------------------------------


def _llm_data(cohort_spec: CohortSpec, data: DataSpec, window_s: float, validation_subjects: int,
              degraded_share: float, labels: list[str], progress: bool):
    """(clean table, damaged copies, training trials, validation trials, label set, damaged training
    trials) of the synthetic cohort or the released dataset `data` names, checked against the
    encoder's classes before anything is computed."""
    from .dataset_tables import check_dataset, label_space, training_data

    space = label_space(data)
    if list(space.labels) != list(labels):
        raise ConfigError(f"The encoder answers in {len(labels)} classes ({', '.join(labels)}) but "
                          f"{data.dataset or 'the synthetic cohort'} is labelled {space.options()}; train the "
                          f"encoder on data with the same label set.")
    if data.released:
        check_dataset(data)
    features = FeatureConfig(window_s=window_s)
    table, space = training_data(cohort_spec, data, features, progress)
    degraded, _ = training_data(cohort_spec, data, features, progress, degraded_share=degraded_share)
    train, validation = split_subjects(table, validation_subjects)
    train_subjects = {t.info.subject for t in train}
    degraded_train = [t for t in degraded.trials if t.info.subject in train_subjects]
    return table, degraded, train, validation, space, degraded_train


def _source_words(data: DataSpec, cohort_spec: CohortSpec, n_subjects: int) -> str:
    if data.released:
        return f"training subjects of {data.dataset} ({n_subjects} subject{'' if n_subjects == 1 else 's'})"
    return f"training cohort (synthetic seed {cohort_spec.seed}, {n_subjects} subjects)"


# ---- stage 2 ---------------------------------------------------------------------------------------


def run_align(config: AlignStageConfig, out: Path, resume: bool = True, progress: bool = True) -> Path:
    out = Path(out)
    encoder_checkpoint = read_config(config.encoder)
    encoder = load_encoder(config.encoder, encoder_checkpoint)
    if abs(encoder.config.window_s - config.window_s) > 1e-9:
        raise ValueError("the align stage must use the encoder's window length")
    labels = list(encoder_checkpoint.labels)
    data = DataSpec(**data_fields(config.data))
    table, degraded, train, validation, space, degraded_train = _llm_data(
        config.cohort, data, config.window_s, config.validation_subjects, config.degraded_share, labels, progress)
    out.mkdir(parents=True, exist_ok=True)  # only once the data was found good

    temperature = fit_temperature(encoder_logits(encoder, table, train), np.array([t.info.label for t in train]))
    reference = table.fit_reference(train, _source_words(data, config.cohort, len({t.info.subject for t in train})))
    llm_path = resolve_llm(config.llm)
    tokenizer = load_tokenizer(llm_path)
    llm = load_causal_lm(llm_path, "float32")
    hidden = llm.config.hidden_size
    torch.manual_seed(config.train.seed)
    projector = build_projector(ProjectorConfig(**asdict(config.projector), d_in=encoder.config.d_model, d_out=hidden,
                                                n_classes=len(labels), n_measures=N_MEASURES))
    if isinstance(projector, AnchoredProjector):  # the class names in the LLM's own embedding space
        projector.set_label_embeddings(label_embeddings(tokenizer, llm.get_input_embeddings(), labels), temperature)
    model = EEGLanguageModel(encoder, projector, llm)
    model.set_trainable(encoder=False, projector=True, llm=False)

    template = load_template()
    sources = Sources(table, degraded, reference, encoder_probabilities(encoder, table, train, temperature),
                      encoder_probabilities(encoder, degraded, degraded_train, temperature),
                      encoder_readings(encoder, table, train, temperature, labels), space)
    items = _some(build_items(sources, train, config.data, template, config.train.seed, degraded_trials=degraded_train,
                              targets="encoder"), config.name)
    to_dataset(items).save_to_disk(str(out / "dataset"))
    collator = Collator(tokenizer, {"clean": table, "degraded": degraded}, asdict(projector.config),
                        config.train.max_length)
    collator.check_lengths(items)

    state_dir = out / "state"
    history = train_llm_stage(
        model, items, collator, config.train, [{"params": list(projector.parameters()), "lr": config.train.lr}],
        state_dir, "align", progress, resume,
        save_extra=lambda d: save_tensors(projector, d / "projector.safetensors"),
        load_extra=lambda d: load_tensors(projector, d / "projector.safetensors", d))
    _write_history(out, history, "Stage 2: align (projector only)")

    train_seconds = history[-1].get("elapsed_s") if history else None
    provenance = {**encoder_checkpoint.provenance, "align": stage_record(
        config.to_dict(), table.source, {t.info.subject for t in train}, {t.info.subject for t in validation},
        train_seconds)}
    provenance["encoder"] = {**provenance.get("encoder", {}), "path": str(config.encoder)}
    checkpoint = CheckpointConfig(
        stage="align", encoder={}, labels=list(encoder_checkpoint.labels), label_space=encoder_checkpoint.label_space,
        llm=config.llm, llm_hidden_size=hidden,
        features=FeatureConfig(window_s=config.window_s).to_dict(), prompt_template=template.version,
        evidence_reference=reference.to_dict(), encoder_temperature=temperature, synthetic_data=encoder_checkpoint.synthetic_data and table.synthetic, provenance=provenance,
        metrics={**encoder_checkpoint.metrics, "align": {"steps": len(history), "final_loss": history[-1]["loss"]
                                                         if history else None, "train_seconds": train_seconds}})
    save_checkpoint(out, checkpoint, encoder, projector)
    write_model_card(out)
    return out


# ---- stage 3 ---------------------------------------------------------------------------------------


def run_instruct(config: InstructStageConfig, out: Path, resume: bool = True, progress: bool = True) -> Path:
    from peft import LoraConfig, get_peft_model

    out = Path(out)
    align_dir = Path(config.align)
    base = read_config(align_dir)
    encoder, projector = load_checkpoint(align_dir, base)
    align_config = base.provenance["align"]["config"]
    cohort_spec = CohortSpec(**align_config["cohort"])
    validation_subjects = align_config["validation_subjects"]
    window_s = FeatureConfig.from_dict(base.features).window_s
    # Its own dataset when the config names one, else the data (and subjects) stage 2 learnt from.
    data = DataSpec(**data_fields(config.data)) if config.data.released else \
        DataSpec(**{k: v for k, v in (align_config.get("data") or {}).items() if k in data_fields(DataSpec())})
    table, degraded, train, validation, space, degraded_train = _llm_data(
        cohort_spec, data, window_s, validation_subjects, config.degraded_share, list(base.labels), progress)
    out.mkdir(parents=True, exist_ok=True)
    train_subjects = {t.info.subject for t in train}

    from encoders.evidence import BandReference

    reference = BandReference.from_dict(base.evidence_reference)
    llm_path = resolve_llm(base.llm)
    tokenizer = load_tokenizer(llm_path)
    llm = load_causal_lm(llm_path, "float32")
    n_layers = int(llm.config.num_hidden_layers)
    if config.lora.layers is not None and not 1 <= config.lora.layers <= n_layers:
        raise ConfigError(f"lora.layers is {config.lora.layers} but the LLM has {n_layers} layers; give 1 to {n_layers}.")
    lora = LoraConfig(r=config.lora.r, lora_alpha=config.lora.alpha, lora_dropout=config.lora.dropout,
                      target_modules=list(config.lora.target_modules), task_type="CAUSAL_LM",
                      layers_to_transform=None if config.lora.layers is None else
                      list(range(n_layers - config.lora.layers, n_layers)))
    torch.manual_seed(config.train.seed)
    llm = get_peft_model(llm, lora)
    model = EEGLanguageModel(encoder, projector, llm)
    model.set_trainable(encoder=False, projector=config.train_projector, llm=True)

    template = load_template(config.prompt_template)
    sources = Sources(table, degraded, reference, encoder_probabilities(encoder, table, train, base.encoder_temperature),
                      encoder_probabilities(encoder, degraded, degraded_train, base.encoder_temperature),
                      encoder_readings(encoder, table, train, base.encoder_temperature, base.labels), space)
    items = _some(build_items(sources, train, config.data, template, config.train.seed,
                              degraded_trials=degraded_train, targets="encoder"), config.name)
    to_dataset(items).save_to_disk(str(out / "dataset"))
    collator = Collator(tokenizer, {"clean": table, "degraded": degraded}, asdict(projector.config),
                        config.train.max_length)
    collator.check_lengths(items)

    lora_params = [p for n, p in llm.named_parameters() if p.requires_grad]
    groups = [{"params": lora_params, "lr": config.train.lora_lr}]
    if config.train_projector:
        groups.append({"params": list(projector.parameters()), "lr": config.train.lr})

    def save_extra(d: Path) -> None:
        save_tensors(projector, d / "projector.safetensors")
        save_adapter(llm, d, base.llm)

    def load_extra(d: Path) -> None:
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        load_tensors(projector, d / "projector.safetensors", d)
        set_peft_model_state_dict(llm, load_file(str(d / "adapter" / "adapter_model.safetensors")))

    history = train_llm_stage(model, items, collator, config.train, groups, out / "state", "instruct",
                              progress, resume, save_extra, load_extra)
    _write_history(out, history, "Stage 3: instruct (LoRA + projector)")

    train_seconds = history[-1].get("elapsed_s") if history else None
    checkpoint = CheckpointConfig(
        stage="instruct", encoder={}, labels=list(base.labels), label_space=base.label_space, llm=base.llm,
        llm_hidden_size=base.llm_hidden_size,
        features=base.features, prompt_template=template.version, evidence_reference=base.evidence_reference,
        adapter="adapter", encoder_temperature=base.encoder_temperature, synthetic_data=base.synthetic_data,
        provenance={**base.provenance, "instruct": {**stage_record(
            config.to_dict(), {"clean": table.source, "degraded": degraded.source}, train_subjects,
            {t.info.subject for t in validation}, train_seconds), "rationale": RATIONALE_VERSION,
            "questions": TRAINING_QUESTIONS}},
        metrics={**base.metrics, "instruct": {"steps": len(history),
                                              "final_loss": history[-1]["loss"] if history else None,
                                              "train_seconds": train_seconds}})
    save_checkpoint(out, checkpoint, encoder, projector, adapter_model=llm)
    write_model_card(out)
    return out
