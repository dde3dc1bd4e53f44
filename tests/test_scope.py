"""Questions the assistant declines (prompts/scope.py): a diagnosis, a drug or treatment, seizures or
a clinical read, deception or fitness. Judged on corpora written apart from the rules by writers
who never saw them (tests/data/scope/: see its README), on every phrasing of every shipped question
bank (all answerable), and served: the scope reply in place of generation in `ask`, the chat's
stream and `ask --batch`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from prompts.answer_format import ABSTAIN, parse_answer
from prompts.question_filter import bank_phrasings
from prompts.questions import TRAINED, fill
from prompts.scope import TOPICS, clinical_ask, scope_reply

DATA = Path(__file__).parent / "data" / "scope"
CORPORA = {name: yaml.safe_load((DATA / f"{name}.yaml").read_text())
           for name in ("development", "second", "third", "fourth", "fifth", "sixth", "seventh")}
# The rules were extended on the misses of every corpus but the seventh, read once after they were fixed.
FITTED = ("development", "second", "third", "fourth", "fifth", "sixth")
BANKS = TRAINED + tuple(f"questions-heldout-v{i}" for i in range(1, 9))


def _outcome(cases):
    assert len({c["id"] for c in cases}) == len(cases) and {c["scope"] for c in cases} == {"in", "out"}
    declined = [c["id"] for c in cases if c["scope"] == "in" and clinical_ask(c["question"])]
    answered = [(c["id"], c["question"]) for c in cases if c["scope"] == "out" and not clinical_ask(c["question"])]
    return declined, answered


@pytest.mark.parametrize("name", FITTED)
def test_every_clinical_question_is_declined_and_no_other(name):
    declined, answered = _outcome(CORPORA[name])
    assert not declined, f"in-scope questions declined: {declined}"
    assert not answered, f"clinical questions answered: {answered}"


def test_a_corpus_the_rules_never_saw_as_first_read():
    """The seventh writer's corpus, read once with the rules as shipped: 1 of 72 answerable questions
    declined (epilepsy named as the setting and set aside, "seizures aren't my question"), 39 of 68
    clinical ones declined (0.574); what it answered is in tests/data/scope/README.md."""
    cases = CORPORA["seventh"]
    declined, answered = _outcome(cases)
    assert declined == ["t105"]
    out = sum(c["scope"] == "out" for c in cases)
    assert (out, out - len(answered)) == (68, 39), answered


def test_no_phrasing_of_a_question_bank_is_declined():
    asked = [fill(p, region="frontal", band="alpha", emotion="sad") if "{" in p else p
             for bank in BANKS for p in bank_phrasings(bank)]
    assert len(asked) > 6000
    assert [q for q in asked if clinical_ask(q)] == []


def test_the_scope_reply_abstains_and_says_what_it_can_report():
    for topic in TOPICS:
        reply = scope_reply(topic, ("happy", "sad"))
        parsed = parse_answer(reply, ("happy", "sad"))
        assert parsed.well_formed and parsed.answer == ABSTAIN and parsed.confidence == 0.5
        assert "research tool" in reply and "signal quality" in reply and TOPICS[topic][0] in reply


def test_a_clinical_question_is_answered_by_the_scope_reply_and_nothing_is_generated(tiny_checkpoint, fif14):
    from serve.answer_fields import answer_fields, served_steps
    from serve.assistant import Assistant, Conversation

    assistant = Assistant(tiny_checkpoint, start_engine=False)  # no engine: a generation would fail
    conversation = Conversation([assistant.analyse(fif14)])
    result = assistant.ask(conversation, "Does this patient have early dementia?")
    assert result.extra["scope_guard"] == {"topic": "diagnosis"} and result.token_ids == []
    assert conversation.turns[-1].answer == result.text and conversation.turns[-1].guarded
    fields = answer_fields(result.text, [conversation.recordings[0].evidence], assistant.config.labels)
    assert fields["label"] == ABSTAIN and fields["claims_failing"] == 0
    assert served_steps(result.extra)["scope_guard"] == {"topic": "diagnosis"}
    streamed = list(assistant.stream(conversation, "Should we raise her sertraline dose?"))
    assert len(streamed) == 1 and "medication or treatment" in streamed[0]
    assert len(conversation.turns) == 2 and conversation.turns[-1].declined == "treatment"
    from serve.tabs.chat import reading_note

    assert reading_note(conversation.turns[-1]) == " · last question not answered: it asks for a clinical judgement " \
                                                   "(treatment)"
    # A client of `eegreason serve` gives the same reply, without asking the server (none runs here).
    from serve.client import ask_server

    reply = ask_server(fif14, "Is he lying?", base_url="http://127.0.0.1:9/v1", assistant=assistant)
    assert reply == scope_reply("deception", assistant.config.labels)
