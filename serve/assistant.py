"""The assistant: a checkpoint, an engine, and the path from a recording and a question to an answer.

    file → analysis (quality, features) → evidence → EEG tokens (encoder + projector)
         → chat prompt with <eeg> slots → prompt embeddings (one splice) → engine → text
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from encoders.analysis import FeatureConfig, RecordingAnalysis, analyse_recording
from encoders.errors import ConfigError, ShapeError
from encoders.evidence import BandReference, Evidence, build_evidence, label_probabilities, measures_of
from encoders.io import read_recording
from encoders.log import get_logger
from projector.checkpoint import default_checkpoint, llm_folder, load_checkpoint, read_config
from encoders.inputs import EEGInputs, Encoded, encode, reading_over_time
from projector.fused import PromptEmbedder
from projector.registry import token_count
from projector.llm import load_input_embeddings, load_tokenizer
from prompts import abstention
from prompts.answers import with_context
from prompts.evidence_text import render_evidence
from prompts.ordering import order_lines
from prompts.render import render_conversation
from prompts.routing import Route, router_for
from prompts.scope import scope_check, scope_reply
from prompts.templates import default_question, load_tasks, load_template
from reports.draft import REPORT_QUESTION, ModelFacts, draft_from_recording
from reports.note import MedicalRecordNote
from training.instruction_data import routed_kinds

from . import answer_line_guard, loop_guard
from .engines import Engine, EngineConfig, Generation, GenerationParams, create_engine
from .timeline import Timeline, emotion_timeline

log = get_logger(__name__)


@dataclass
class RecordingContext:
    """Everything the assistant derived from one recording (no patient identifiers)."""

    name: str  # file name as uploaded (shown to the user, never logged)
    analysis: RecordingAnalysis
    evidence: Evidence
    evidence_text: str
    eeg_inputs: EEGInputs
    encoded: Encoded  # the encoder's one pass over it: pattern match and window features
    eeg_tokens: torch.Tensor  # (n, H) projected EEG tokens
    timeline: Timeline | None = None  # computed only where it is shown (`Assistant.timeline`)

    @property
    def synthetic(self) -> bool:
        return self.evidence.synthetic


@dataclass
class Turn:
    question: str
    answer: str
    guarded: bool = False  # the answer is a guard's (the evidence's abstention, the scope reply), not the model's text
    route: Route | None = None  # the kind the question router read, whose opening the answer starts with
    refitted: bool = False  # its Answer line was written again under the routed kind (answer-line guard)
    declined: str | None = None  # the clinical judgement the question asked for, declined (`prompts.scope`)


MAX_RECORDINGS = 3  # asked about at once: what the comparison and ranking tasks are trained on


@dataclass
class Conversation:
    recordings: list[RecordingContext]
    turns: list[Turn] = field(default_factory=list)


class Assistant:
    def __init__(self, checkpoint: Path | None = None, engine_config: EngineConfig | None = None,
                 engine: Engine | None = None, start_engine: bool = True,
                 generation: GenerationParams | None = None, routing: bool = True):
        """`start_engine=False` builds prompts only (e.g. for a client of `eegreason serve`).
        `generation`: how answers are decoded when a call gives no settings of its own (the chat and
        report tabs of the app take the command line's). `routing`: start a reply about one recording
        with the opening of the question's kind where the question router is sure of it
        (`prompts.routing`; checkpoints trained on free questions only)."""
        self.generation = generation or GenerationParams()
        self.checkpoint = Path(checkpoint or default_checkpoint())
        self.config = read_config(self.checkpoint)
        self.llm_path = llm_folder(self.checkpoint, self.config)
        encoder, projector = load_checkpoint(self.checkpoint, self.config)
        self.embedder = PromptEmbedder(encoder, projector, load_input_embeddings(self.llm_path))
        self.tokenizer = load_tokenizer(self.llm_path)
        self.template = load_template(self.config.prompt_template)
        self.features = FeatureConfig.from_dict(self.config.features)
        self.reference = BandReference.from_dict(self.config.evidence_reference)
        # Checkpoints before instruction tuning never saw the openings a route starts a reply with.
        self.routing = routing and self.config.stage in ("instruct", "export")
        self.engine_config = engine.config if engine is not None else engine_config or EngineConfig()
        self.engine = engine
        self._owns_engine = engine is None  # an engine handed in is its owner's to close
        if start_engine:
            self.start_engine()

    def start_engine(self) -> None:
        """Start the inference engine (once); prompts can be built without one."""
        if self.engine is None:
            self.engine = create_engine(self.llm_path, self.embedder.hidden_size, self.engine_config)

    @property
    def parallelism(self) -> int:
        """How many requests the engine works on at once: vLLM batches up to `max_num_seqs`; the
        transformers engine (the reference) answers one at a time. More in flight only wait inside
        the engine, where a cancel cannot reach them."""
        config = self.engine_config
        return max(1, int(config.max_num_seqs)) if config.backend == "vllm" else 1

    def close(self) -> None:
        if self.engine is not None and self._owns_engine:
            self.engine.close()
            self.engine = None

    # ---- recordings ----
    def analyse(self, path: str | Path, display_name: str | None = None, engine: str = "fast") -> RecordingContext:
        name = display_name or Path(path).name
        return self.analyse_recording(read_recording(path, source_name=name), name, engine)

    def analyse_recording(self, recording, display_name: str, engine: str = "fast") -> RecordingContext:
        """`engine`: the analysis engine (`encoders.analysis.analyse_recording`); both give the same
        evidence, the reference one is kept for comparison (bench/first_token.py)."""
        analysis = analyse_recording(recording, self.features, engine)
        inputs = EEGInputs.from_analysis(analysis)
        encoded = encode(self.embedder.encoder, inputs, self.config.encoder_temperature)
        labels = list(self.config.labels)
        over_time = reading_over_time(self.embedder.encoder, analysis.features, analysis.window_ok,
                                      analysis.window_times(), self.features.window_s, analysis.ch_names,
                                      analysis.positions, analysis.quality.bad_channels, labels,
                                      self.config.encoder_temperature)
        evidence = build_evidence(analysis, self.reference, label_probabilities(encoded.probabilities, labels),
                                  over_time)
        tokens = self.embedder.eeg_tokens(encoded, measures_of(evidence))
        expected = token_count(self.config.projector, inputs.n_windows)
        if tokens.shape[0] != expected:
            raise ShapeError(f"The projector made {tokens.shape[0]} EEG tokens where its config promises "
                             f"{expected}; the checkpoint's projector config is inconsistent.")
        text = render_evidence(evidence, readout=self.template.evidence_readout(self.config.space))
        return RecordingContext(display_name, analysis, evidence, text, inputs, encoded, tokens)

    def timeline(self, ctx: RecordingContext) -> Timeline:
        """Encoder probabilities along the whole recording (every window, usable or not), computed
        once per recording and only where it is shown."""
        if ctx.timeline is None:
            inputs = EEGInputs.from_analysis(ctx.analysis, every_window=True)
            ctx.timeline = emotion_timeline(self.embedder.encoder, inputs, ctx.analysis.window_ok,
                                            self.features.window_s, list(self.config.labels),
                                            self.config.encoder_temperature)
        return ctx.timeline

    # ---- prompts ----
    @property
    def default_question(self) -> str:
        """The question asked when none is given, in the checkpoint's label set."""
        return default_question(self.template, self.config.space)

    def default_question_for(self, n_recordings: int) -> str:
        """The question asked when none is given: of one recording, the emotion question; of two,
        which is higher on valence; of three, their order by it (arousal for a label set placed on
        arousal only)."""
        if n_recordings <= 1:
            return self.default_question
        space = self.config.space
        if not space.dimensions:
            raise ConfigError("This checkpoint's classes carry no valence or arousal, so there is no default "
                              "comparison; ask a question of your own.")
        return load_tasks().questions[f"{'compare' if n_recordings == 2 else 'rank'}_{space.dimensions[0]}"][0]

    def question_as_asked(self, conversation: Conversation, question: str) -> str:
        """The question as the model sees it. About one recording, the measurements it names (a
        region's band, a class's pattern match) are looked up and given beside it, as in training
        (`prompts.answers.with_context`), so the answer rests on the measured value."""
        if len(conversation.recordings) != 1:
            return question
        return with_context(question, conversation.recordings[0].evidence, list(self.config.labels))

    def messages(self, conversation: Conversation, question: str) -> list[dict[str, str]]:
        several = len(conversation.recordings) > 1
        # Of several recordings the evidence carries no read-out (as in training): the order lines
        # between them give what a comparison needs.
        blocks = [self.template.recording_block(render_evidence(ctx.evidence) if several else ctx.evidence_text,
                                                label=f"{i + 1}" if several else "")
                  for i, ctx in enumerate(conversation.recordings)]
        # Earlier turns get their context again: it is deterministic, so the prompt is the one they had.
        questions = [self.question_as_asked(conversation, q) for q in [t.question for t in conversation.turns] + [question]]
        between = (order_lines([ctx.evidence for ctx in conversation.recordings], self.config.space,
                               self.template.shared_class_clause) if self.template.shows_order else None)
        messages = [{"role": "system", "content": self.template.system}]
        for i, q in enumerate(questions):
            content = self.template.user_turn(blocks, q, between) if i == 0 else self.template.follow_up_turn(q)
            messages.append({"role": "user", "content": content})
            if i < len(conversation.turns):
                messages.append({"role": "assistant", "content": conversation.turns[i].answer})
        return messages

    def route(self, conversation: Conversation, question: str) -> Route | None:
        """The kind a question about one recording asks and the opening its reply starts with (None:
        the model decides alone; always so about several recordings)."""
        if not self.routing or len(conversation.recordings) != 1:
            return None
        return self.route_question(question, conversation.recordings[0].evidence)

    def route_question(self, question: str, evidence: Evidence) -> Route | None:
        """`route` for a question about the recording `evidence` describes (evaluation uses this)."""
        if not self.routing:
            return None
        return router_for().route(question, evidence, self.config.space, routed_kinds(self.config.space))

    def prompt_embeds(self, conversation: Conversation, question: str) -> torch.Tensor:
        blocks = [ctx.eeg_tokens for ctx in conversation.recordings]
        return self.embed_messages(self.messages(conversation, question), blocks)

    def embed_messages(self, messages: list[dict[str, str]], eeg_blocks: list[torch.Tensor]) -> torch.Tensor:
        """Prompt embeddings for any conversation ending in a user turn (evaluation uses this)."""
        rendered = render_conversation(self.tokenizer, messages, [b.shape[0] for b in eeg_blocks],
                                       add_generation_prompt=True)
        return self.embedder.embed(rendered.input_ids, rendered.eeg_mask, eeg_blocks)

    # ---- answers ----
    def generate(self, prompts: list[torch.Tensor], params: GenerationParams | None = None,
                 evidence: list[list[Evidence]] | None = None,
                 routes: list[Route | None] | None = None) -> list[Generation]:
        """The engine's answers, each one that lost its Answer line to a loop completed by the
        model itself (see serve/loop_guard.py), and each routed one whose Answer line answers another
        kind of question written again under the kind asked (serve/answer_line_guard.py); each
        guard's completions go to the engine as one batch.

        `routes`: for each prompt, its question's route or None; a routed answer starts with the
        route's opening (given to the engine as the first words of the reply, and part of the text
        returned) and carries the route in `extra["route"]`.

        `evidence`: for each prompt, the evidence of its recordings. An answer to a prompt whose
        evidence cannot support an emotion reading is replaced by an abstention written from that
        evidence unless it already is one, or answers a measurement question with claims that all
        hold (`prompts.abstention.guard`); `extra["evidence_guard"]` then holds the model's own text. Without `evidence` (e.g. evaluation, which scores the
        model itself) answers are not guarded."""
        params = params or self.generation
        if evidence is not None and len(evidence) != len(prompts):
            raise ValueError(f"{len(evidence)} evidence lists for {len(prompts)} prompts")
        routes = routes or [None] * len(prompts)
        if len(routes) != len(prompts):
            raise ValueError(f"{len(routes)} routes for {len(prompts)} prompts")
        results = self.engine.generate([self.opened_prompt(p, r) for p, r in zip(prompts, routes)], params)
        for result, route in zip(results, routes):
            self._with_opening(result, route)
        # Guarded answers are completed too: an answer to a measurement question may stand on any
        # recording, and one without its Answer line never would.
        self.complete_broken(prompts, results, params, routes)
        self.fit_answer_lines(prompts, results, params, routes)
        for i, evs in enumerate(evidence or []):
            if abstention.unsupported(evs):
                self._guard(results[i], evs)
        return results

    def _guard(self, result: Generation, evidences: list[Evidence]) -> Generation:
        replacement = abstention.guard(result.text, evidences, list(self.config.labels))
        limits = [limit for ev in abstention.unsupported(evidences) for limit in ev.limits]
        result.extra["evidence_guard"] = {"replaced": replacement is not None, "raw_text": result.text,
                                          "limits": limits}
        if replacement is not None:
            result.text = replacement
        return result

    def complete_broken(self, prompts: list[torch.Tensor], results: list[Generation], params: GenerationParams,
                        routes: list[Route | None] | None = None) -> list[Generation]:
        """Answers to `prompts` whose reasoning never reached an Answer line get one (in place); a
        routed one is held to its kind's answer pattern, as the answer-line guard holds it."""
        routes = routes or [None] * len(results)
        broken = [i for i, r in enumerate(results) if loop_guard.needs_answer(r.text)]
        patterns = [answer_line_guard.pattern_for(routes[i], self.config.labels) for i in broken]
        tokens = max([loop_guard.CONTINUATION_TOKENS] + [answer_line_guard.CONTINUATION_TOKENS
                                                          for p in patterns if p is not None])
        return self._answer_again(prompts, results, broken, patterns, replace(params, max_tokens=tokens), "loop_guard")

    def fit_answer_lines(self, prompts: list[torch.Tensor], results: list[Generation], params: GenerationParams,
                         routes: list[Route | None]) -> list[Generation]:
        """Routed answers whose Answer line answers another kind of question get one of the kind
        the router read, from the model under that kind's pattern (in place; serve/answer_line_guard.py)."""
        labels = self.config.labels
        misfits = [i for i, (r, route) in enumerate(zip(results, routes))
                   if answer_line_guard.needs_fitting(r.text, route, labels)]
        patterns = [answer_line_guard.pattern_for(routes[i], labels) for i in misfits]
        short = replace(params, max_tokens=answer_line_guard.CONTINUATION_TOKENS)
        return self._answer_again(prompts, results, misfits, patterns, short, "answer_line_guard")

    def _answer_again(self, prompts: list[torch.Tensor], results: list[Generation], which: list[int],
                      patterns: list[str | None], params: GenerationParams, guard: str) -> list[Generation]:
        """The answers `which` keep their reasoning and have their Answer and Confidence lines written
        again by the model (each under its pattern, if any), all in one batch; `extra[guard]` keeps the
        text they replace."""
        if not which:
            return results
        prefixes = [loop_guard.reasoning_prefix(results[i].text) for i in which]
        written = [self._cue_ids(prefix) for prefix in prefixes]
        endings = self.engine.generate([self._followed_by(prompts[i], ids) for i, ids in zip(which, written)],
                                       params, patterns)
        for i, prefix, ids, ending in zip(which, prefixes, written, endings):
            raw = results[i]
            raw.extra[guard] = {"raw_text": raw.text}
            raw.text = loop_guard.merge(prefix, ending.text)
            raw.token_ids = ids + ending.token_ids
            raw.finish_reason = ending.finish_reason
            raw.total_s += ending.total_s
        return results

    def opened_prompt(self, prompt: torch.Tensor, route: Route | None) -> torch.Tensor:
        """`prompt` followed by the route's opening, the reply's first words."""
        return prompt if route is None else self._followed_by(prompt, self._opening_ids(route))

    def _opening_ids(self, route: Route) -> list[int]:
        return self.tokenizer.encode(route.opening, add_special_tokens=False)

    def _with_opening(self, result: Generation, route: Route | None) -> Generation:
        """The reply with the opening the engine was given in front (in place)."""
        if route is not None:
            result.text = route.opening + result.text
            result.token_ids = self._opening_ids(route) + list(result.token_ids)
            result.extra["route"] = route.to_dict()
        return result

    def continuation_prompt(self, prompt: torch.Tensor, prefix: str) -> torch.Tensor:
        """`prompt` followed by the kept reasoning and "Answer:", embedded as ordinary tokens."""
        return self._followed_by(prompt, self._cue_ids(prefix))

    def _cue_ids(self, prefix: str) -> list[int]:
        return self.tokenizer.encode(loop_guard.merge(prefix, ""), add_special_tokens=False)

    def _followed_by(self, prompt: torch.Tensor, ids: list[int]) -> torch.Tensor:
        return torch.cat([prompt, self.embedder.embed(ids, [False] * len(ids), []).to(prompt.dtype)])

    def out_of_scope(self, question: str) -> Generation | None:
        """The scope reply when `question` asks for a clinical judgement the tool does not make (a
        diagnosis, a drug or treatment, seizures, deception: `prompts.scope`), with the topic and what
        recognised it under `extra["scope_guard"]`; None for every other question. Nothing is generated for it."""
        check = scope_check(question)
        if check is None:
            return None
        return Generation(scope_reply(check.topic, self.config.labels), [], "out_of_scope",
                          extra={"scope_guard": check.to_dict()})

    def _declined(self, conversation: Conversation, question: str) -> Generation | None:
        """`out_of_scope`, recorded as the conversation's turn when the question is declined."""
        declined = self.out_of_scope(question)
        if declined is not None:
            conversation.turns.append(Turn(question, declined.text, True,
                                           declined=declined.extra["scope_guard"]["topic"]))
        return declined

    def ask(self, conversation: Conversation, question: str | None = None,
            params: GenerationParams | None = None) -> Generation:
        question = question or self.default_question
        declined = self._declined(conversation, question)
        if declined is not None:
            return declined
        evidence = [ctx.evidence for ctx in conversation.recordings]
        route = self.route(conversation, question)
        result = self.generate([self.prompt_embeds(conversation, question)], params, evidence=[evidence],
                               routes=[route])[0]
        guarded = result.extra.get("evidence_guard", {}).get("replaced", False)
        conversation.turns.append(Turn(question, result.text, guarded, route, "answer_line_guard" in result.extra))
        return result

    # ---- notes ----
    def model_facts(self) -> ModelFacts:
        """What a note says about this model."""
        return ModelFacts(f"{self.checkpoint.name} ({self.config.llm}, stage {self.config.stage})",
                          tuple(self.config.labels), bool(self.config.synthetic_data), self.config.stage)

    def draft_note(self, path: str | Path, display_name: str | None = None, include_identifiers: bool = False,
                   params: GenerationParams | None = None, recording=None) -> MedicalRecordNote:
        """A draft medical-record note for a recording: analyse it, ask this model the report
        question, and let `reports.draft` make the note (the one path from a file to a note, shared by
        the Report tab and `eegreason report`). `recording`: the file already read (de-identified),
        so it is not parsed again."""
        label = display_name or Path(path).name
        context = (self.analyse_recording(recording, label) if recording is not None
                   else self.analyse(path, display_name=label))
        generation = self.ask(Conversation([context]), REPORT_QUESTION, params)
        return draft_from_recording(path, context.evidence, context.analysis, generation.text, self.model_facts(),
                                    label, include_identifiers)

    def stream(self, conversation: Conversation, question: str | None = None,
               params: GenerationParams | None = None) -> Iterator[str]:
        """Yields the answer so far, growing; records the turn when done. A loop stops the stream
        early (the engine request is aborted) and the loop guard completes the answer. A routed
        answer's Answer line is shown once the answer-line guard has judged it (its reasoning
        streams). When a recording cannot support an emotion reading, nothing is shown until the
        whole answer is in and the evidence guard has judged it (a claim shown and then withdrawn
        is still shown)."""
        question = question or self.default_question
        declined = self._declined(conversation, question)
        if declined is not None:
            yield declined.text
            return
        params = params or self.generation
        evidence = [ctx.evidence for ctx in conversation.recordings]
        guarded = bool(abstention.unsupported(evidence))
        embeds = self.prompt_embeds(conversation, question)
        route = self.route(conversation, question)
        held_to_kind = answer_line_guard.pattern_for(route, self.config.labels) is not None
        text = route.opening if route is not None else ""
        shown = ""
        pieces = self.engine.stream(self.opened_prompt(embeds, route), params)
        try:
            for piece in pieces:
                text += piece
                if not guarded and not (held_to_kind and "answer:" in text.lower()):
                    shown = text
                    yield text
                if loop_guard.stream_is_looping(text):
                    break
        finally:
            pieces.close()
        result = Generation(text, [], None)
        self.complete_broken([embeds], [result], params, [route])
        self.fit_answer_lines([embeds], [result], params, [route])
        replaced = False
        if guarded:
            result = self._guard(result, evidence)
            replaced = result.extra["evidence_guard"]["replaced"]
        if result.text != shown:
            yield result.text
        conversation.turns.append(Turn(question, result.text, replaced, route, "answer_line_guard" in result.extra))


def answerer_for(checkpoint: str | Path, engine_settings: dict, engine: Engine | None = None):
    """A callable building the assistant an evaluation run answers with (`evaluation.run_evaluation`
    calls it once its own checks pass, so a bad run is refused before any model loads)."""
    from .engines import engine_config

    def build() -> Assistant:
        return Assistant(Path(checkpoint), engine_config(engine_settings), engine=engine, start_engine=False)

    return build
