"""`eegreason verify`: a pasted reasoning checked claim by claim against one recording, or against
two or three with the orderings of them; bad input refused in one sentence."""

from __future__ import annotations

import json

from test_cli import run_cli


def test_verify_lists_each_claim_with_the_measured_value(fif14, tiny_checkpoint, tmp_path):
    text = tmp_path / "note.txt"
    text.write_text("Signal quality is poor. Frontal alpha asymmetry is +0.90, favouring the left hemisphere.")
    result = run_cli("verify", str(fif14), "--text", str(text), "--checkpoint", str(tiny_checkpoint), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout)
    assert payload["recording"] == fif14.name and payload["synthetic"] is True and "with" not in payload
    kinds = {c["kind"] for c in payload["claims"]}
    assert {"quality", "faa"} <= kinds and payload["n_failing"] >= 1
    assert all(c["measured"] is not None for c in payload["claims"])


def test_verify_with_a_second_recording_checks_the_comparison(fif14, tiny_checkpoint, tmp_path):
    from eeg_files import eeg_like, write_fif
    from encoders.channels import montage
    from prompts.ordering import encoder_order
    from serve.assistant import Assistant

    other = write_fif(tmp_path / "b_SYNTHETIC_raw.fif", eeg_like(19, 200.0, 40.0, seed=4), montage("1020-19"), 200.0,
                      description="SYNTHETIC")
    assistant = Assistant(tiny_checkpoint, start_engine=False)
    order = encoder_order([assistant.analyse(fif14).evidence, assistant.analyse(other).evidence], "valence")
    text = tmp_path / "note.txt"
    text.write_text(f"Recording {order[0]} is more pleasant than recording {order[1]}. "
                    f"Recording {order[1]} has the higher valence.")
    result = run_cli("verify", str(fif14), "--with", str(other), "--text", str(text), "--checkpoint",
                     str(tiny_checkpoint), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout)
    winners = [c["holds"] for c in payload["claims"] if c["kind"] == "comparison_winner"]
    assert payload["with"] == [other.name] and winners == [True, False]
    plain = run_cli("verify", str(fif14), "--with", str(other), "--text", str(text), "--checkpoint", str(tiny_checkpoint))
    assert "FAILS" in plain.stdout and "1 of 2 claims hold." in plain.stdout


def test_verify_refuses_bad_input_in_one_sentence(fif14, tmp_path):
    cases = [("verify", str(fif14), "--text", str(tmp_path / "missing.txt")),
             ("verify", str(fif14), *[a for i in range(3) for a in ("--with", str(fif14))], "--text", "-")]
    for argv in cases:
        result = run_cli(*argv)
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        assert result.returncode == 2 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
