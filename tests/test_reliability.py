"""The reliability harness (bench/reliability) on small sizes: the fuzz corpus through the product,
the pool's hard timeout, the kill check's store audit (and that it catches tampering), the chat
mixing detector, and the security checks that need no model."""

from __future__ import annotations

import functools
import json
import operator
import signal
import sqlite3
import time

import pytest

FEW_CHANNEL_SEEDS = ("edf-1ch-cz", "edf-2ch-f3f4", "bdf-2ch-o1o2", "fif-2ch-f3f4", "vhdr-1ch-fz", "set-2ch-c3c4",
                     "pyedflib:test_subsecond.edf")


# ---- fuzz ----

def test_fuzz_small_corpus_has_no_tracebacks_or_hangs():
    """60 seeded mutations (bit flips, truncations, header edits, extreme contents, wrong extensions …)
    of the seeds in every format, plus the seeds themselves, through the product's path."""
    from bench.reliability.fuzz import run_fuzz

    summary = run_fuzz(60, master_seed=0, workers=2, timeout_s=60.0, progress=False)
    counts = summary["counts"]
    failures = [f"{f['case']}: {f.get('error_type')} {f.get('message', '')[:120]}"
                for f in summary["all_failures"] if f["outcome"] in ("traceback", "hang", "crash")]
    assert summary["files"] == 60 and summary["build_errors"] == 0
    assert counts["traceback"] == 0 and counts["hang"] == 0 and counts["crash"] == 0, failures
    assert summary["seed_files"] >= 20 and summary["seed_counts"].get("traceback", 0) == 0
    # The corpus exercises both sides: files the product accepts and files it turns away.
    assert counts["accepted"] >= 5 and counts["refused"] >= 10
    assert summary["refusals_not_one_sentence"] == 0
    # Non-finite numbers come only from the two known causes (1-2 channels, samples beyond 1e15 µV);
    # those have their own test below.
    assert summary["nonfinite_other"] == 0, [f for f in summary["all_failures"] if f["outcome"] == "nonfinite"]
    assert len(summary["by_kind"]) >= 6 and {"edf", "bdf", "fif", "vhdr", "set"} <= set(summary["by_format"])


def test_recordings_with_one_or_two_channels_or_huge_values_give_finite_outputs():
    """Written against the behaviour the evidence fix brings: 1-2-channel recordings and recordings
    with huge amplitudes are either analysed with finite numbers everywhere or refused with a sentence.
    Today a single channel re-referenced to itself gives NaN relative band power (inspect JSON), and
    one sample near 1e29 µV gives NaN band powers, z-scores and asymmetry in the evidence and note."""
    import shutil
    import tempfile
    from pathlib import Path

    from bench.reliability.fuzz import run_corpus
    from bench.reliability.seeds import build_seeds

    work = Path(tempfile.mkdtemp(prefix="eegreason-fewch-"))
    try:
        seeds = build_seeds(work / "seeds")
        tasks = [{"seed": name} for name in FEW_CHANNEL_SEEDS]
        forced = [{"format": fmt, "channels": ch, "content": "normal"} for fmt in ("edf", "fif", "vhdr", "set")
                  for ch in ("1ch", "2ch-frontal")]
        forced += [{"format": fmt, "channels": ch, "content": "one_sample_huge", "scale": 1e29}
                   for fmt in ("fif", "vhdr", "set") for ch in ("19ch", "2ch-frontal")]
        forced += [{"format": "fif", "channels": "3ch", "content": "one_channel_huge", "scale": 1e27}]
        tasks += [{"index": i, "master_seed": 0, "extreme": fixed} for i, fixed in enumerate(forced)]
        results, _ = run_corpus(tasks, seeds, work, workers=2, timeout_s=60.0, progress=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    nonfinite = [f"{r['case'].get('seed')} {r['case'].get('detail', '')}: {r['nonfinite'][:2]}"
                 for r in results if r["outcome"] == "nonfinite"]
    assert all(r["outcome"] not in ("traceback", "hang", "crash") for r in results)
    assert not nonfinite, "\n".join(nonfinite)


def test_pool_kills_a_hung_task_survives_a_crash_and_recycles_workers():
    from bench.reliability.pool import HardTimeoutPool

    tasks = [(i, functools.partial(abs, -i)) for i in range(6)]
    tasks.append(("hang", functools.partial(time.sleep, 120)))
    tasks.append(("crash", functools.partial(signal.raise_signal, signal.SIGKILL)))
    tasks += [(i, functools.partial(abs, -i)) for i in range(6, 10)]
    pool = HardTimeoutPool(operator.call, workers=2, timeout_s=3.0, max_tasks_per_child=3, memory_gib=None)
    start = time.perf_counter()
    results = dict(pool.map(tasks))
    assert time.perf_counter() - start < 60
    assert results["hang"]["outcome"] == "hang" and results["crash"]["outcome"] == "crash"
    assert all(results[i] == i for i in range(10))
    assert pool.stats.hangs == 1 and pool.stats.crashes == 1 and pool.stats.recycled >= 2


# ---- kill -9 ----

def test_kill_check_finds_a_consistent_store_after_kills(tmp_path):
    from bench.reliability.kill import run_kill

    result = run_kill(3, master_seed=1, folder=tmp_path, max_delay_s=(0.3,), progress=False)
    assert result["kills"] == 3 and not result["child_errors"]
    assert result["corrupt_databases"] == 0 and result["kills_with_problems"] == 0, result["problems"]
    assert result["versions"] > 0 and result["audit_rows"] >= result["versions"]


def _signed_store(tmp_path):
    from bench.reliability.kill import StoreAuditor
    from bench.reliability.kill_child import sample_note, signed_row
    from reports.store import ReportStore

    store = ReportStore(tmp_path / "reports.sqlite3")
    rid = store.create(sample_note(), "Dr Author")
    store.sign(rid, 1, "Dr Signer")
    exports = tmp_path / "exports"
    exports.mkdir()
    auditor = StoreAuditor(store.path, exports)
    journal = [signed_row(store.path, rid, 1)]
    assert auditor.check(journal, full=True) == []
    return store, rid, auditor, journal


def test_store_audit_catches_a_rewritten_signed_version(tmp_path):
    store, rid, auditor, journal = _signed_store(tmp_path)
    with sqlite3.connect(store.path) as conn:  # what no eegreason code can do: the triggers are dropped first
        conn.execute("DROP TRIGGER versions_content_is_fixed")
        conn.execute("DROP TRIGGER signed_versions_are_immutable")
        content = json.loads(conn.execute("SELECT content FROM report_versions").fetchone()[0])
        content["clinician_comments"] = "rewritten after signing"
        conn.execute("UPDATE report_versions SET content = ? WHERE report_id = ?", (json.dumps(content), rid))
    problems = auditor.check(journal)
    assert any("does not match its sha256" in p for p in problems)
    assert any("differs from what was signed" in p for p in problems)
    assert any("signed version changed" in p for p in problems)


def test_store_audit_catches_a_deleted_audit_row_and_a_half_applied_edit(tmp_path):
    store, rid, auditor, journal = _signed_store(tmp_path)
    with sqlite3.connect(store.path) as conn:
        conn.execute("DROP TRIGGER audit_is_append_only_delete")
        conn.execute("DELETE FROM audit WHERE action = 'sign'")
        conn.execute("UPDATE reports SET current_version = 3 WHERE id = ?", (rid,))
    problems = auditor.check(journal)
    assert any("disappeared" in p for p in problems)
    assert any("signed but 0 sign rows" in p for p in problems)
    assert any("are not 1..3" in p for p in problems)


# ---- chats ----

def _facts(name, channels, usable, faa, pattern, z):
    from bench.reliability.chats import Facts

    return Facts(name, channels, usable, faa, set(pattern), set(z), f"evidence of {name}", f"summary of {name}")


def test_chat_mixing_detector_tells_mixing_from_misquoting():
    from bench.reliability.chats import ChatResult, check_chat

    a = _facts("a_SYNTHETIC.edf", 14, (20, 20), "+0.31", {("happy", "41%")}, {"+1.2", "-1.1"})
    b = _facts("b_SYNTHETIC.edf", 62, (38, 40), "-0.12", {("fear", "55%")}, {"+1.1", "-1.1"})
    c = _facts("c_SYNTHETIC.edf", 32, (30, 30), "+0.05", {("sad", "20%")}, {"-1.1", "+1.1"})
    everyone = [a, b, c]
    status = "**a_SYNTHETIC.edf** · 14 EEG channels · 20 s\nevidence of a_SYNTHETIC.edf"
    labels = ["Conversation about **a_SYNTHETIC.edf**"] * 3

    clean = ChatResult(0, a.name, answers=["Quality is good: 20 of 20 s usable; the pattern match says happy (41%). "
                                           "Frontal alpha asymmetry of +0.31. Occipital alpha elevated (z +1.2)."])
    check_chat(clean, a, everyone, status, labels)
    assert clean.mixed == [] and clean.unsupported == []

    # Another chat's usable seconds and pattern percentage: that is mixing.
    mixed = ChatResult(0, a.name, answers=["Only 38 of 40 s are usable and the pattern says fear 55%."])
    check_chat(mixed, a, everyone, status, labels)
    assert len(mixed.mixed) == 2 and all("b_SYNTHETIC.edf" in m for m in mixed.mixed)

    # A z-score two other recordings share, and a number no recording has: misquoting, not mixing.
    misquote = ChatResult(0, a.name, answers=["Alpha is reduced (z -1.1 … or z +1.1); 99 channels."])
    check_chat(misquote, a, everyone, status, labels)
    assert misquote.mixed == [] and len(misquote.unsupported) == 2

    # The status or a label naming another recording is mixing, whatever the answers say.
    named = ChatResult(0, a.name, answers=["fine"])
    check_chat(named, a, everyone, status + "\nc_SYNTHETIC.edf",
               labels[:2] + ["Conversation about **b_SYNTHETIC.edf**"])
    assert sum("names c_SYNTHETIC.edf" in m for m in named.mixed) == 1
    assert any("does not name a_SYNTHETIC.edf" in m for m in named.mixed)


# ---- security ----

def test_exposed_host_is_refused_by_settings_and_by_the_cli():
    from bench.reliability.security import check_exposed_host

    result = check_exposed_host()
    assert result["passed"], result["problems"]


def test_code_running_pickles_are_refused_and_nothing_runs():
    from bench.reliability.security import check_pickles

    code, giant = check_pickles()
    assert code["passed"], code["problems"]
    # Pickles declaring 1 TiB objects raise MemoryError today (not a typed refusal); nothing runs either way.
    assert not any("payload ran" in p for p in giant["problems"])


@pytest.mark.slow
def test_no_patient_identifier_reaches_outputs_or_logs():
    from bench.reliability.security_phi import check_identifiers

    result = check_identifiers()
    assert result["header_has_them"] and not result["leaks"], result["leaks"]


@pytest.mark.slow
def test_checkpoints_with_pickled_weights_or_remote_code_are_refused_or_ignored():
    from bench.reliability.security import check_checkpoints

    result = check_checkpoints()
    assert result["passed"], result["problems"]


def test_the_property_parts_statistics_are_read_from_hypothesis_output():
    from bench.reliability.property import parse_statistics

    output = """
  - during reuse phase (0.01 seconds):
    - 2 passing, 0 failing, and 0 invalid test cases
  - during generate phase (40.5 seconds):
    - Typical runtimes: ~ 37-250 ms, of which ~ 2-10 ms in data generation
    - 198 passing, 0 failing, and 3 invalid test cases
    - Events:
      * 25.00%, channels 1
      * 12.50%, grade poor, emotion not supported

  - Stopped because settings.max_examples=200
"""
    stats = parse_statistics(output)
    assert stats["passing"] == 200 and stats["failing"] == 0 and stats["invalid"] == 3
    assert stats["events"] == {"channels 1": 50, "grade poor, emotion not supported": 25}


def test_the_upload_permission_check_runs_against_the_current_store():
    from bench.reliability.security_server import check_upload_permissions

    result = check_upload_permissions()
    assert result["passed"], result
    assert (result["kept_file"], result["its_folder"], result["upload_root"]) == ("0o600", "0o700", "0o700")


def test_a_section_of_parts_dates_its_writing_and_a_plain_one_its_measurement(tmp_path, monkeypatch):
    """The reliability section's parts name their own dates (a run may re-measure one of them), so
    its footer must not say the whole section was measured today."""
    import bench.report as report

    monkeypatch.setattr(report, "BENCHMARKS_MD", tmp_path / "BENCHMARKS.md")
    report.write_section("reliability", "### Fuzz\n`cmd` · 2026-12-02", parts_dated=True)
    report.write_section("analysis", "| a | b |")
    text = (tmp_path / "BENCHMARKS.md").read_text()
    reliability = text.split("<!-- bench:reliability -->")[1].split("<!-- /bench:reliability -->")[0]
    analysis = text.split("<!-- bench:analysis -->")[1].split("<!-- /bench:analysis -->")[0]
    assert "_Section written " in reliability and "_Measured " not in reliability
    assert "each part above was measured on the date and machine it names" in reliability
    assert "_Measured " in analysis and "Section written" not in analysis
    report.write_section("reliability", "### Fuzz\n`cmd` · 2026-12-03", parts_dated=True)  # rewritten in place
    assert (tmp_path / "BENCHMARKS.md").read_text().count("<!-- bench:reliability -->") == 1
