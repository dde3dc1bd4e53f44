"""Chat tab: load a recording (upload or bundled sample), see its quality, signal, band-power maps
and emotion timeline, then ask; answers stream, each followed by the check of its claims against
the measured evidence (`claim_check.py`), and follow-up questions keep the recording's context.
"Add to compare" brings a second and third recording into the conversation, numbered as added."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from encoders.errors import EEGReasonError
from encoders.inputs import usable_rows
from encoders.log import get_logger

from ..assistant import MAX_RECORDINGS, Assistant, Conversation, RecordingContext, Turn
from ..plots import band_topomaps, signal_preview, timeline_figure
from ..upload_sets import UPLOAD_EXTENSIONS
from ..uploads import UploadStore
from .claim_check import claim_check_message

log = get_logger(__name__)

UPLOAD_LABEL = "EEG recording: one file, a BrainVision (.vhdr .vmrk .eeg) or EEGLAB (.set .fdt) set, or a .zip"
DISCLAIMER = ("Research tool: emotion estimates from EEG are uncertain and not a clinical diagnosis. "
              "Synthetic recordings are labelled as such.")


def recording_summary(ctx: RecordingContext) -> str:
    ev = ctx.evidence
    lines = []
    if ev.synthetic:
        lines.append("**SYNTHETIC recording** — generated, not recorded from a person.")
    lines.append(f"**{ctx.name}** · {ev.n_channels} EEG channels · {ev.duration_s:.0f} s")
    lines.append(f"**Signal quality: {ev.quality_grade}** — " + "; ".join(ev.quality_reasons))
    bad = ctx.analysis.quality.bad_channel_reasons
    lines.append("**Bad channels:** " + (", ".join(f"{k} ({v})" for k, v in bad.items()) if bad else "none"))
    if ctx.timeline is not None:
        mean = ctx.timeline.probabilities[usable_rows(ctx.timeline.usable)].mean(axis=0)
        top = mean.argsort()[::-1][:3]
        lines.append("**Encoder timeline (mean):** " + ", ".join(f"{ctx.timeline.labels[i]} {mean[i]:.0%}" for i in top))
    lines.append("")
    lines.append("Measured evidence:")
    lines.append(ctx.evidence_text)
    return "\n".join(lines)


def figures(ctx: RecordingContext):
    import matplotlib.pyplot as plt

    synthetic = ctx.synthetic
    out = (signal_preview(ctx.analysis, synthetic=synthetic), band_topomaps(ctx.analysis, synthetic=synthetic),
           timeline_figure(ctx.timeline, synthetic=synthetic) if ctx.timeline is not None else None)
    plt.close("all")  # gradio has rendered copies; free the figures
    return out


def upload_box() -> gr.File:
    """The upload component of the Chat and Report tabs: several files make one recording."""
    return gr.File(label=UPLOAD_LABEL, file_count="multiple", file_types=list(UPLOAD_EXTENSIONS), type="filepath")


def reading_note(turn: Turn | None) -> str:
    """What the last question was read as, so a reader sees why the answer took its shape (empty when
    the model decided alone), whether its Answer line was written again under that kind, or that it
    was declined as a clinical judgement."""
    if turn is not None and turn.declined:
        return f" · last question not answered: it asks for a clinical judgement ({turn.declined})"
    if turn is None or turn.route is None:
        return ""
    route = turn.route
    note = f" · last question read as a **{route.kind.replace('_', ' ')}** question (router {route.probability:.2f})"
    if turn.refitted:
        note += "; its Answer line was written again as one (the model had answered another kind)"
    return note


def build_chat_tab(assistant: Assistant, samples: dict[str, Path], uploads: UploadStore) -> gr.State:
    """Builds the tab; returns its per-session state (the Conversation) for other tabs to read."""
    state = gr.State(None)  # per browser session: the Conversation
    with gr.Row():
        with gr.Column(scale=1):
            upload = upload_box()
            sample = gr.Dropdown(choices=list(samples), value=None, label="…or a bundled sample (synthetic)")
            with gr.Row():
                load = gr.Button("Load recording", variant="secondary")
                # A second (and third) recording joins the conversation: questions then compare them.
                add = gr.Button("Add to compare", variant="secondary")
            status = gr.Markdown("Upload a recording or pick a sample, then load it.")
        with gr.Column(scale=2):
            current = gr.Markdown("No recording loaded.")
            chatbot = gr.Chatbot(label="Conversation", height=420)
            question = gr.Textbox(label="Question", placeholder=assistant.default_question)
            send = gr.Button("Ask", variant="primary")
            gr.Markdown(DISCLAIMER)
    with gr.Accordion("Signal, band power and emotion timeline", open=True):
        with gr.Row():
            signal_plot = gr.Plot(label="Signal preview")
            timeline_plot = gr.Plot(label="Emotion timeline")
        topomap_plot = gr.Plot(label="Band-power topomaps")

    def analysed(files: list[str] | None, sample_name: str | None, request: gr.Request) -> RecordingContext | None:
        """The chosen upload or sample, analysed with its timeline (None when nothing was chosen)."""
        if files:
            kept, recording = uploads.keep(files, request.session_hash)
            ctx = assistant.analyse_recording(recording, kept.label)
        elif sample_name in samples:
            ctx = assistant.analyse(samples[sample_name], display_name=sample_name)
        else:
            return None
        assistant.timeline(ctx)  # the Chat tab shows it; `ask` and reports never compute it
        return ctx

    def load_recording(files: list[str] | None, sample_name: str | None, request: gr.Request):
        empty = (None, None, None)
        try:
            ctx = analysed(files, sample_name, request)
        except EEGReasonError as err:
            return f"⚠️ {err}", [], None, *empty, about(None)
        if ctx is None:
            return "Choose a file or a sample first.", [], None, *empty, about(None)
        signal, topomaps, timeline = figures(ctx)
        conversation = Conversation([ctx])
        return recording_summary(ctx), [], conversation, signal, timeline, topomaps, about(conversation)

    def add_recording(files: list[str] | None, sample_name: str | None, history: list,
                      conversation: Conversation | None, request: gr.Request):
        """One more recording in the conversation; the chat starts again, since every answer so far
        was about fewer recordings. The figures show the recording just added."""
        unchanged = (gr.update(), history, conversation, gr.update(), gr.update(), gr.update(), about(conversation))
        if conversation is None:
            return ("Load a first recording, then add another to compare them.", *unchanged[1:])
        if len(conversation.recordings) >= MAX_RECORDINGS:
            return (f"At most {MAX_RECORDINGS} recordings at once; load one to start a new conversation.", *unchanged[1:])
        try:
            ctx = analysed(files, sample_name, request)
        except EEGReasonError as err:
            return (f"⚠️ {err}", *unchanged[1:])
        if ctx is None:
            return ("Choose a file or a sample to add first.", *unchanged[1:])
        together = Conversation([*conversation.recordings, ctx])
        signal, topomaps, timeline = figures(ctx)
        summaries = [f"### Recording {i}\n\n" + recording_summary(c) for i, c in enumerate(together.recordings, start=1)]
        return "\n\n".join(summaries), [], together, signal, timeline, topomaps, about(together)

    def about(conversation: Conversation | None) -> str:
        if conversation is None:
            return "No recording loaded."
        names = [f"**{c.name}**" + (" (SYNTHETIC)" if c.synthetic else "") for c in conversation.recordings]
        if len(names) == 1:
            last = conversation.turns[-1] if conversation.turns else None
            return f"Conversation about {names[0]}{reading_note(last)}"
        return "Comparing " + ", ".join(f"recording {i}: {n}" for i, n in enumerate(names, start=1)) + \
            f" — ask e.g. \"{assistant.default_question_for(len(names))}\""

    def ask(text: str, history: list, conversation: Conversation | None):
        history = list(history or [])
        try:
            text = (text or "").strip() or assistant.default_question_for(len(conversation.recordings) if conversation else 1)
        except EEGReasonError as err:  # no default comparison in this label set
            yield [*history, {"role": "assistant", "content": f"⚠️ {err}"}], conversation, "", about(conversation)
            return
        history.append({"role": "user", "content": text})
        if conversation is None:
            history.append({"role": "assistant", "content": "Load a recording first."})
            yield history, conversation, "", about(conversation)
            return
        history.append({"role": "assistant", "content": ""})
        try:
            for partial in assistant.stream(conversation, text):
                history[-1] = {"role": "assistant", "content": partial}
                yield history, conversation, "", about(conversation)
        except EEGReasonError as err:
            history[-1] = {"role": "assistant", "content": f"⚠️ {err}"}
            yield history, conversation, "", about(conversation)
            return
        answer = conversation.turns[-1].answer
        history[-1] = {"role": "assistant", "content": answer}
        history.append(claim_check_message(answer, [c.evidence for c in conversation.recordings],
                                           assistant.config.labels))
        yield history, conversation, "", about(conversation)

    load.click(load_recording, [upload, sample],
               [status, chatbot, state, signal_plot, timeline_plot, topomap_plot, current], api_name="load_recording")
    add.click(add_recording, [upload, sample, chatbot, state],
              [status, chatbot, state, signal_plot, timeline_plot, topomap_plot, current], api_name="add_recording")
    send.click(ask, [question, chatbot, state], [chatbot, state, question, current], api_name="ask")
    question.submit(ask, [question, chatbot, state], [chatbot, state, question, current], api_name=False)
    return state
