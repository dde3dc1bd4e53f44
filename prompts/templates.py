"""Versioned prompt templates (YAML data in prompts/templates/), loaded by version name."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

from encoders.errors import ConfigError

DEFAULT_VERSION = "chat-v4"  # what new training runs use; a checkpoint names its own


@dataclass(frozen=True)
class ChatTemplate:
    version: str
    placeholder: str
    system: str
    recording: str
    user: str
    follow_up: str
    default_question: str
    # Under two or more recordings: lines computed across them (`prompts.ordering.order_lines`);
    # None in templates that show none (chat-v1).
    between: str | None = None
    # Whether the order line says when all recordings share a class (chat-v3 on): a checkpoint trained
    # on lines without the clause is served lines without it.
    shared_class_clause: bool = False
    # Whether the evidence shows the encoder's valence and arousal read-out, the pattern match summed
    # by class (chat-v4 on): a checkpoint trained without the line is served evidence without it.
    class_readout: bool = False

    def evidence_readout(self, space):
        """The label set whose read-out the evidence text shows (`render_evidence(readout=...)`), or None."""
        return space if self.class_readout else None

    def recording_block(self, evidence_text: str, label: str = "") -> str:
        return self.recording.format(label=f" {label}" if label else "", evidence=evidence_text)

    def user_turn(self, recording_blocks: list[str], question: str, between_lines: list[str] | None = None) -> str:
        """The first user turn: the recordings, then (templates with `between`) the lines across them."""
        blocks = list(recording_blocks)
        if self.between and between_lines:
            blocks.append(self.between.format(lines="\n".join(between_lines)))
        return self.user.format(recordings="\n".join(blocks), question=question.strip())

    @property
    def shows_order(self) -> bool:
        """Whether prompts about several recordings show the encoder's order of them."""
        return self.between is not None

    def follow_up_turn(self, question: str) -> str:
        return self.follow_up.format(question=question.strip())


def _check_field_types(version: str, data: dict) -> None:
    """A flag written `"yes"` or a text left empty in YAML would change prompts silently: refuse it."""
    for key, value in data.items():
        if key in ("shared_class_clause", "class_readout"):
            if not isinstance(value, bool):
                raise ConfigError(f"Template {version}: {key} must be true or false, not {value!r}.")
        elif key == "between":
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise ConfigError(f"Template {version}: between must be a non-empty text or absent.")
        elif not (isinstance(value, str) and value.strip()):
            raise ConfigError(f"Template {version}: {key} must be a non-empty text.")


@functools.lru_cache(maxsize=8)
def load_template(version: str = DEFAULT_VERSION) -> ChatTemplate:
    files = resources.files("prompts") / "templates"
    path = files / f"{version}.yaml"
    if not path.is_file():
        known = sorted(p.name.removesuffix(".yaml") for p in files.iterdir() if p.name.endswith(".yaml"))
        raise ConfigError(f"Unknown prompt template version {version!r}; known versions: {', '.join(known)}.")
    return template_from_data(version, yaml.safe_load(path.read_text(encoding="utf-8")))


def template_from_data(version: str, data) -> ChatTemplate:
    """A chat template from its parsed YAML, every field checked (ConfigError saying which is wrong)."""
    if not isinstance(data, dict):
        raise ConfigError(f"Template file {version}.yaml is not a mapping of fields; fix the file.")
    if data.get("version") != version:
        raise ConfigError(f"Template file {version}.yaml declares version {data.get('version')!r}; fix the file.")
    fields = set(ChatTemplate.__dataclass_fields__)
    missing = fields - set(data) - {"between", "shared_class_clause", "class_readout"}
    if missing:
        raise ConfigError(f"Template {version} lacks {sorted(missing)}.")
    unknown = set(data) - fields
    if unknown:
        raise ConfigError(f"Template {version} has unknown fields {sorted(unknown)}; remove them or fix their spelling.")
    _check_field_types(version, data)
    return ChatTemplate(**{k: data[k] for k in fields if k in data})


def default_question(template: ChatTemplate, space=None) -> str:
    """The question asked when the user asks none: the template's, or, for a checkpoint with another
    label set (`encoders.labels.LabelSpace`), the class question naming that set's classes."""
    if space is None or space.name == "emotions-7":
        return template.default_question
    return load_tasks().questions["classify"][0].format(classes=space.options())


@dataclass(frozen=True)
class TaskTemplates:
    version: str
    questions: dict[str, list[str]]
    scenarios: dict[str, dict[str, list[str]]]  # emotion → type → situations
    held_out_scenario_types: tuple[str, ...]

    def scenario_pool(self, emotion: str, held_out: bool) -> list[str]:
        """Situations of the held-out types (held_out=True) or of the training types."""
        return [text for kind, texts in self.scenarios.get(emotion, {}).items()
                if (kind in self.held_out_scenario_types) == held_out for text in texts]


@functools.lru_cache(maxsize=8)
def load_tasks(version: str = "tasks-v2") -> TaskTemplates:
    path = resources.files("prompts") / "templates" / f"{version}.yaml"
    if not path.is_file():
        raise ConfigError(f"Unknown task template version {version!r}.")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return TaskTemplates(data["version"], data["questions"], data["scenarios"],
                         tuple(data.get("held_out_scenario_types", ())))
