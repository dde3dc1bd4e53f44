"""Chat tab: load a recording (upload or bundled sample), see its quality and evidence, ask."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from encoders.errors import EEGReasonError
from encoders.log import get_logger

from ..assistant import Assistant, Conversation, RecordingContext
from ..uploads import SINGLE_FILE_EXTENSIONS, store_upload

log = get_logger(__name__)

DISCLAIMER = ("Research tool: emotion estimates from EEG are uncertain and not a clinical diagnosis. "
              "Synthetic recordings are labelled as such.")


def recording_summary(ctx: RecordingContext) -> str:
    ev = ctx.evidence
    lines = []
    if ev.synthetic:
        lines.append("**SYNTHETIC recording** — generated, not recorded from a person.")
    lines.append(f"**{ctx.name}** · {ev.n_channels} EEG channels · {ev.duration_s:.0f} s")
    lines.append(f"**Signal quality: {ev.quality_grade}** — " + "; ".join(ev.quality_reasons))
    lines.append("")
    lines.append("Measured evidence:")
    lines.append(ctx.evidence_text)
    return "\n".join(lines)


def build_chat_tab(assistant: Assistant, samples: dict[str, Path], upload_dir: Path) -> None:
    state = gr.State(None)  # per browser session: the Conversation
    with gr.Row():
        with gr.Column(scale=1):
            upload = gr.File(label="EEG recording", file_types=list(SINGLE_FILE_EXTENSIONS), type="filepath")
            sample = gr.Dropdown(choices=list(samples), value=None, label="…or a bundled sample (synthetic)")
            load = gr.Button("Load recording", variant="secondary")
            status = gr.Markdown("Upload a recording or pick a sample, then load it.")
        with gr.Column(scale=2):
            chatbot = gr.Chatbot(label="Conversation", height=480)
            question = gr.Textbox(label="Question", placeholder=assistant.template.default_question)
            send = gr.Button("Ask", variant="primary")
            gr.Markdown(DISCLAIMER)

    def load_recording(file_path: str | None, sample_name: str | None):
        try:
            if file_path:
                path, label = store_upload(file_path, upload_dir, original_name=Path(file_path).name)
            elif sample_name:
                path, label = samples[sample_name], sample_name
            else:
                return "Choose a file or a sample first.", [], None
            ctx = assistant.analyse(path, display_name=label)
        except EEGReasonError as err:
            return f"⚠️ {err}", [], None
        return recording_summary(ctx), [], Conversation([ctx])

    def ask(text: str, history: list, conversation: Conversation | None):
        history = list(history or [])
        text = (text or "").strip() or assistant.template.default_question
        history.append({"role": "user", "content": text})
        if conversation is None:
            history.append({"role": "assistant", "content": "Load a recording first."})
            yield history, conversation, ""
            return
        history.append({"role": "assistant", "content": ""})
        try:
            for partial in assistant.stream(conversation, text):
                history[-1] = {"role": "assistant", "content": partial}
                yield history, conversation, ""
        except EEGReasonError as err:
            history[-1] = {"role": "assistant", "content": f"⚠️ {err}"}
            yield history, conversation, ""

    load.click(load_recording, [upload, sample], [status, chatbot, state], api_name="load_recording")
    send.click(ask, [question, chatbot, state], [chatbot, state, question], api_name="ask")
    question.submit(ask, [question, chatbot, state], [chatbot, state, question], api_name=False)
