"""Stages 2–4 on the tiny model: data, loss masks with several recordings, one step lowers the
loss, resumable runs, export that vLLM serves with the unmerged model's greedy output."""

from __future__ import annotations

import json

import pytest
import torch

from projector.registry import ProjectorArchitecture
from training.config import (AlignStageConfig, CohortSpec, ExportStageConfig, InstructStageConfig, LLMTrainSpec,
                             TaskMix)
from training.stages import load_config

TINY_COHORT = CohortSpec(seed=4, subjects=3, trials_per_emotion=1, montage="1020-19", trial_seconds=16.0)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, tiny_llm):
    from training.stages import run_stage

    root = tmp_path_factory.mktemp("pipeline")
    encoder = load_config("encoder-tiny")
    run_stage(encoder, root / "encoder", progress=False)
    align = AlignStageConfig(name="align-tiny", encoder=str(root / "encoder"), llm="tiny-qwen2", cohort=TINY_COHORT,
                             validation_subjects=1, projector=ProjectorArchitecture(type="anchored_mlp2x_gelu", n_tokens=4),
                             data=TaskMix(align=8), degraded_share=0.5, train=LLMTrainSpec(batch_size=4, max_length=4096))
    run_stage(align, root / "align", progress=False)
    instruct = InstructStageConfig(name="instruct-tiny", align=str(root / "align"), degraded_share=0.5,
                                   data=TaskMix(emotion=2, valence_arousal=1, compare=2, rank=1, scenario=1,
                                                record=1, abstain=1, eeg_only=1, no_pattern=1, free=2, conversation=1),
                                   train=LLMTrainSpec(batch_size=3, max_length=4096))
    run_stage(instruct, root / "instruct", progress=False)
    return root


def test_artifacts_are_self_describing(pipeline):
    from projector.checkpoint import read_config

    align = read_config(pipeline / "align")
    instruct = read_config(pipeline / "instruct")
    assert align.stage == "align" and instruct.stage == "instruct" and instruct.adapter == "adapter"
    assert instruct.projector["type"] == "anchored_mlp2x_gelu" and instruct.projector["n_tokens"] == 4
    assert instruct.provenance["align"]["config"]["cohort"]["seed"] == 4 and instruct.git_revision is not None
    assert set(instruct.provenance) == {"encoder", "align", "instruct"}  # every stage says what it used
    assert instruct.provenance["encoder"]["config"]["name"] == "encoder-tiny"
    from prompts.rationale import RATIONALE_VERSION  # the rationale format stage 3 learnt, in the card too

    assert instruct.provenance["instruct"]["rationale"] == RATIONALE_VERSION
    assert f"rationales `{RATIONALE_VERSION}`" in (pipeline / "instruct" / "MODEL_CARD.md").read_text()
    from prompts.questions import TRAINING  # and the question phrasings it was trained on

    assert instruct.provenance["instruct"]["questions"] == TRAINING
    assert f"question phrasings `{TRAINING}`" in (pipeline / "instruct" / "MODEL_CARD.md").read_text()
    assert (pipeline / "instruct" / "adapter" / "adapter_model.safetensors").exists()
    for stage in ("align", "instruct"):
        assert (pipeline / stage / "loss.csv").exists() and (pipeline / stage / "loss.png").exists()
        assert instruct.metrics[stage]["train_seconds"] > 0  # training time travels with the artifact


def test_training_data_never_contains_held_out_subjects(pipeline):
    import datasets

    from projector.checkpoint import read_config

    config = read_config(pipeline / "instruct")
    held_out = set(config.provenance["instruct"]["subjects"]["validation"])
    assert held_out == set(config.provenance["align"]["subjects"]["validation"])
    assert held_out
    for stage in ("align", "instruct"):
        rows = datasets.load_from_disk(str(pipeline / stage / "dataset"))
        subjects = {s for row in rows for s in row["subjects"]}
        assert subjects and not subjects & held_out
        assert set(rows["task"]) <= {"align_emotion", "align_dimensions", "align_band", "align_quality", "emotion",
                                     "valence_arousal", "compare", "rank", "scenario", "record", "abstain", "free",
                                     "conversation"}
    align_tasks = set(datasets.load_from_disk(str(pipeline / "align" / "dataset"))["task"])
    assert align_tasks == {"align_emotion", "align_dimensions", "align_band", "align_quality"}


@pytest.fixture(scope="module")
def cohort_sources(tiny_llm):
    from encoders.analysis import FeatureConfig
    from training.feature_table import cohort_table
    from training.instruction_data import Sources

    table = cohort_table(TINY_COHORT.cohort(), FeatureConfig(), progress=False)
    degraded = cohort_table(TINY_COHORT.cohort(), FeatureConfig(), progress=False, degraded_share=0.5)
    return Sources(table, degraded, table.fit_reference(table.trials, "test"), {})


def test_data_builder_is_deterministic_by_seed(cohort_sources):
    from prompts.templates import load_template
    from training.instruction_data import TaskMix, build_items

    trials = cohort_sources.table.trials
    mix = TaskMix(emotion=4, valence_arousal=2, compare=2, rank=1, scenario=2, record=1, abstain=2, eeg_only=2,
                  free=4, conversation=2, align=4)
    degraded = cohort_sources.degraded.trials
    one = build_items(cohort_sources, trials, mix, load_template(), seed=5, degraded_trials=degraded)
    two = build_items(cohort_sources, trials, mix, load_template(), seed=5, degraded_trials=degraded)
    other = build_items(cohort_sources, trials, mix, load_template(), seed=6, degraded_trials=degraded)
    assert json.dumps(one) == json.dumps(two)
    assert json.dumps(one) != json.dumps(other)
    subject_one = [t for t in trials if t.info.subject == 1]
    only = build_items(cohort_sources, subject_one, TaskMix(emotion=5, compare=3), load_template(), seed=1)
    assert {s for item in only for s in item["subjects"]} == {1}


def test_questions_come_in_minimal_pairs(cohort_sources):
    """The recordings asked for valence/arousal or a free question are also asked for the class, so
    the question and not the evidence decides the answer's format."""
    from prompts.templates import load_template
    from training.instruction_data import TaskMix, build_items

    items = build_items(cohort_sources, cohort_sources.table.trials, TaskMix(emotion=6, valence_arousal=4, free=5),
                        load_template(), seed=2)
    keys = {task: [tuple(i["recordings"][0]["key"]) for i in items if i["task"] == task]
            for task in ("emotion", "valence_arousal", "free")}
    assert len(keys["emotion"]) == 6 and len(keys["valence_arousal"]) == 4 and len(keys["free"]) == 5
    assert set(keys["valence_arousal"]) <= set(keys["emotion"])
    assert set(keys["free"]) <= set(keys["emotion"])


def test_targets_follow_the_format_and_cite_only_measured_numbers(cohort_sources):
    from encoders.evidence import Evidence
    from prompts.answer_format import parse_answer
    from prompts.rationale import conclusion_of
    from prompts.templates import load_template
    from prompts.claims.between import check_reasoning
    from training.instruction_data import TaskMix, build_items

    items = build_items(cohort_sources, cohort_sources.table.trials,
                        TaskMix(emotion=6, valence_arousal=3, compare=3, rank=2, scenario=3, record=2, abstain=2,
                                no_pattern=3),
                        load_template(), seed=2, degraded_trials=cohort_sources.degraded.trials)
    for item in items:
        parsed = parse_answer(item["messages"][-1]["content"])
        assert parsed.well_formed and 0 <= parsed.confidence <= 1
        assert conclusion_of(parsed.reasoning) == item["answer"], item["id"]
        claims = check_reasoning(parsed.reasoning, [Evidence.from_dict(e) for e in item["evidence"]])
        assert all(c.holds for c in claims), [c for c in claims if not c.holds]


def test_several_recordings_in_one_prompt_get_their_own_slots(pipeline, cohort_sources):
    from projector.checkpoint import read_config
    from projector.llm import load_tokenizer, resolve_llm
    from projector.splice import mask_runs
    from prompts.templates import load_template
    from training.collate import Collator
    from training.instruction_data import TaskMix, build_items

    from projector.registry import token_count

    config = read_config(pipeline / "instruct")
    items = build_items(cohort_sources, cohort_sources.table.trials, TaskMix(rank=1, compare=1), load_template(), 3)
    collator = Collator(load_tokenizer(resolve_llm("tiny-qwen2")), {"clean": cohort_sources.table},
                        config.projector, max_length=4096)
    batch = collator(items)
    for row, item in zip(batch.eeg_mask, items):
        # the anchored projector's reading and measures tokens, then at most n_tokens window tokens
        assert mask_runs(row) == [token_count(config.projector, 4)] * len(item["recordings"])
        assert token_count(config.projector, 4) == 6
    assert len(batch.eeg_inputs) == sum(len(i["recordings"]) for i in items)
    # loss only on the assistant's tokens, never on EEG slots or padding
    assert not (batch.labels[batch.eeg_mask] != -100).any()
    assert not (batch.labels[batch.attention_mask == 0] != -100).any()


@pytest.mark.parametrize("stage", ["align", "instruct"])
def test_one_step_of_each_stage_lowers_the_loss(pipeline, cohort_sources, stage):
    from peft import LoraConfig, get_peft_model

    from projector.checkpoint import load_checkpoint, read_config
    from projector.fused import EEGLanguageModel
    from projector.llm import load_causal_lm, load_tokenizer, resolve_llm
    from prompts.templates import load_template
    from training.collate import Collator
    from training.instruction_data import TaskMix, build_items

    config = read_config(pipeline / "align")
    encoder, projector = load_checkpoint(pipeline / "align", config)
    llm = load_causal_lm(resolve_llm("tiny-qwen2"))
    mix = TaskMix(align=4) if stage == "align" else TaskMix(emotion=2, compare=1, abstain=1)
    if stage == "instruct":
        llm = get_peft_model(llm, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    model = EEGLanguageModel(encoder, projector, llm)
    model.set_trainable(encoder=False, projector=True, llm=stage == "instruct")
    items = build_items(cohort_sources, cohort_sources.table.trials, mix, load_template(), 4,
                        degraded_trials=cohort_sources.degraded.trials)
    batch = Collator(load_tokenizer(resolve_llm("tiny-qwen2")),
                     {"clean": cohort_sources.table, "degraded": cohort_sources.degraded},
                     config.projector, 4096)(items)
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert trainable and all(not p.requires_grad for p in model.encoder.parameters())
    optimizer = torch.optim.SGD(trainable, lr=1e-3)  # small: a first-order step must lower the loss

    def loss():
        return model(batch.input_ids, batch.attention_mask, batch.eeg_mask, batch.eeg_inputs, labels=batch.labels,
                     measures=batch.measures).loss

    model.eval()  # no dropout: the comparison is of the weights, not of noise
    before = loss()
    before.backward()
    optimizer.step()
    with torch.no_grad():
        after = loss()
    assert after.item() < before.item()


def test_resume_completes_an_interrupted_stage(pipeline, tmp_path):
    import shutil

    from training.stages import run_stage

    copy = tmp_path / "instruct"
    shutil.copytree(pipeline / "instruct", copy)
    progress = json.loads((copy / "state" / "progress.json").read_text())
    final_steps = progress["step"]
    # Pretend the run stopped after its first step: the snapshot says 1, the loop must redo the rest.
    progress["step"], progress["history"] = 1, progress["history"][:1]
    (copy / "state" / "progress.json").write_text(json.dumps(progress))
    config = InstructStageConfig(name="instruct-tiny", align=str(pipeline / "align"), degraded_share=0.5,
                                 data=TaskMix(emotion=2, valence_arousal=1, compare=2, rank=1, scenario=1,
                                              record=1, abstain=1, eeg_only=1, no_pattern=1, free=2, conversation=1),
                                 train=LLMTrainSpec(batch_size=3, max_length=4096))
    run_stage(config, copy, progress=False)
    history = json.loads((copy / "state" / "progress.json").read_text())["history"]
    assert [h["step"] for h in history] == list(range(1, final_steps + 1))
    elapsed = [h["elapsed_s"] for h in history]
    assert elapsed == sorted(elapsed) and elapsed[1] >= elapsed[0]  # time before the resume is kept


@pytest.mark.slow
def test_export_serves_in_vllm_with_the_unmerged_models_greedy_output(pipeline, tmp_path):
    from peft import PeftModel

    from projector.checkpoint import read_config
    from projector.llm import load_causal_lm, resolve_llm
    from serve.engines import EngineConfig, GenerationParams
    from serve.engines.vllm import VLLMEngine
    from training.stages import run_stage

    served = run_stage(ExportStageConfig(checkpoint=str(pipeline / "instruct")), tmp_path / "served")
    config = read_config(served)
    assert config.merged_llm == "llm" and config.adapter is None and config.stage == "export"
    unmerged = PeftModel.from_pretrained(load_causal_lm(resolve_llm("tiny-qwen2")), str(pipeline / "instruct" / "adapter"))
    unmerged.eval()
    torch.manual_seed(0)
    embeds = unmerged.get_input_embeddings()(torch.randint(3, 300, (1, 40)))[0].detach()
    with torch.no_grad():
        reference = unmerged.generate(inputs_embeds=embeds[None], attention_mask=torch.ones(1, 40, dtype=torch.long),
                                      max_new_tokens=16, do_sample=False)[0].tolist()
    engine = VLLMEngine(served / "llm", 128, EngineConfig(kv_cache_gib=1, max_model_len=1024))
    try:
        tokens = engine.generate([embeds], GenerationParams(max_tokens=16))[0].token_ids
    finally:
        engine.close()
    assert tokens == reference[: len(tokens)] and len(tokens) == 16


def test_batches_of_similar_length_keep_every_example_once_per_epoch():
    from training.llm_stages import _batches

    items = [{"id": i, "messages": [{"content": "x" * ((i * 37) % 500)}]} for i in range(103)]

    def spread(spec):
        batches = list(_batches(items, spec))
        for epoch in range(spec.epochs):
            assert sorted(x["id"] for e, b in batches if e == epoch for x in b) == list(range(103))
        return sum(max(map(len, [x["messages"][0]["content"] for x in b])) -
                   min(map(len, [x["messages"][0]["content"] for x in b])) for _, b in batches) / len(batches)

    grouped, plain = LLMTrainSpec(batch_size=4, epochs=2), LLMTrainSpec(batch_size=4, epochs=2, group_by_length=False)
    assert spread(grouped) < spread(plain) / 4  # padding within a batch shrinks
    assert list(_batches(items, grouped)) == list(_batches(items, grouped))  # deterministic by seed


def test_training_leans_on_the_kinds_that_resemble_the_emotion_question_and_evaluation_asks_every_kind_equally(cohort_sources):
    from collections import Counter

    from prompts.templates import load_template
    from prompts.questions import HELDOUT
    from prompts.questions import free_kinds
    from training.instruction_data import TaskMix, build_items

    from training.free_items import EMPHASISED_KINDS

    kinds = free_kinds(cohort_sources.space)
    for heldout, extra in ((None, len(EMPHASISED_KINDS)), (HELDOUT, 0)):
        items = build_items(cohort_sources, cohort_sources.table.trials, TaskMix(free=len(kinds) + extra),
                            load_template(), seed=3, heldout_questions=heldout)
        counts = Counter(i["kind"] for i in items if i["task"] == "free")
        expected = {k: 2 if heldout is None and k in EMPHASISED_KINDS else 1 for k in kinds}
        assert counts == expected, counts


def test_a_third_of_reference_questions_go_to_recordings_with_typical_band_power(cohort_sources):
    import dataclasses

    from encoders.evidence import BandReference
    from prompts.evidence_text import notable_band_findings
    from prompts.templates import load_template
    from training.free_items import balance_reference_trials, free_rotation
    from training.instruction_data import ItemBuilder

    trials = list(cohort_sources.table.trials)
    kinds = free_rotation(cohort_sources.space)
    free_trials = (trials * 10)[:3 * len(kinds)]
    positions = [i for i in range(len(free_trials)) if kinds[i % len(kinds)] == "reference"]
    fitted = cohort_sources.reference
    # A reference three times as wide: most recordings of the cohort are typical against it.
    wide = BandReference(fitted.mean, {r: {b: 3 * s for b, s in bands.items()} for r, bands in fitted.std.items()},
                         "test, widened")
    for reference in (fitted, wide):
        sources = dataclasses.replace(cohort_sources, reference=reference)
        builder = ItemBuilder(sources, load_template(), 0)

        def typical(trial):
            ev = sources.evidence("clean", trial)
            return bool(ev.band_z) and not notable_band_findings(ev)

        pool = [t for t in trials if typical(t)]
        out = balance_reference_trials(builder, free_trials, kinds, trials)
        moved = [i for i in range(len(out)) if out[i] is not free_trials[i]]
        assert len(out) == len(free_trials)
        assert set(moved) <= set(positions[::3])  # only reference questions, a third of them
        assert all(typical(out[i]) for i in positions[::3]) == bool(pool)
        if reference is wide:
            assert 0 < len(pool) < len(trials) or pool == trials
            assert all(typical(out[i]) for i in positions[::3])


def test_a_situation_is_chosen_after_the_situations_are_read(cohort_sources):
    """When no situation evokes the pattern match's first emotion, the rationale reads the situations,
    walks down the pattern match to the first emotion one of them evokes, and picks that one: every
    claim holds, and the pick is the situation of the emotion the rationale says fits best."""
    from encoders.evidence import Evidence
    from prompts.answer_format import parse_answer
    from prompts.claims.between import check_reasoning
    from prompts.templates import load_template
    from training.instruction_data import TaskMix, build_items

    from dataclasses import replace

    import numpy as np

    rng = np.random.default_rng(0)  # an encoder that is often wrong: its first emotion is often no situation's
    sources = replace(cohort_sources, probabilities={tuple(t.key): rng.dirichlet(np.ones(7) * 0.7)
                                                     for t in cohort_sources.table.trials})
    items = build_items(sources, sources.table.trials, TaskMix(scenario=40), load_template(), seed=5)
    walked = 0
    for item in items:
        parsed = parse_answer(item["messages"][-1]["content"])
        evidence = Evidence.from_dict(item["evidence"][0])
        claims = check_reasoning(parsed.reasoning, [evidence])
        assert all(c.holds for c in claims), [c for c in claims if not c.holds]
        assert any(c.kind == "situation_choice" for c in claims)
        chosen = item["option_emotions"]["ABC".index(item["answer"])]
        if evidence.pattern and evidence.pattern[0][0] not in item["option_emotions"]:
            walked += 1
            print(parsed.reasoning)
            assert f"Of these the EEG fits {chosen} best." in parsed.reasoning
            assert "not among them" in parsed.reasoning or \
                "None of the pattern match's emotions" in parsed.reasoning
    assert walked >= 5
