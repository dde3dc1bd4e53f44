"""Uploads: checked before they are kept, kept privately and once, removed when done; file sets and
zips of BrainVision and EEGLAB recordings; archives that try to escape; names that are too long."""

from __future__ import annotations

import os
import stat
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from eeg_files import eeg_like, write_edf, write_fif
from encoders.channels import montage
from encoders.errors import EEGReasonError, RecordingError, UnsupportedFormatError
from serve.uploads import MAX_UPLOAD_MIB, UploadStore

NAMES = montage("1020-19")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def one_sentence(text: str) -> bool:
    return text.endswith(".") and ". " not in text and "\n" not in text


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> dict[str, Path]:
    """A FIF, a BrainVision set and an EEGLAB .set + .fdt pair (all written by their own writers)."""
    import mne
    import scipy.io

    folder = tmp_path_factory.mktemp("recordings")
    data = eeg_like(19, 250.0, 10.0, seed=8)
    raw = mne.io.RawArray(data * 1e-6, mne.create_info(NAMES, 250.0, "eeg"), verbose="error")
    mne.export.export_raw(str(folder / "patient 7 rest.vhdr"), raw, fmt="brainvision", verbose="error")
    mne.export.export_raw(str(folder / "inside.set"), raw, fmt="eeglab", verbose="error")
    # EEGLAB's two-file layout: EEG.data names the .fdt, which holds float32 samples, time-major.
    content = {k: v for k, v in scipy.io.loadmat(folder / "inside.set", appendmat=False).items()
               if not k.startswith("__")}
    samples = content["data"]
    content["data"] = "rest.fdt"
    scipy.io.savemat(folder / "rest.set", content, appendmat=False)
    (folder / "rest.fdt").write_bytes(np.asarray(samples, "<f4").T.tobytes())
    return {"fif": write_fif(folder / "plain_raw.fif", data, NAMES, 250.0), "vhdr": folder / "patient 7 rest.vhdr",
            "eeg": folder / "patient 7 rest.eeg", "vmrk": folder / "patient 7 rest.vmrk",
            "set": folder / "rest.set", "fdt": folder / "rest.fdt", "inside": folder / "inside.set",
            "data": data}


@pytest.fixture
def store(tmp_path) -> UploadStore:
    return UploadStore(tmp_path / "home" / "uploads", retention_hours=2)


def kept_entries(store: UploadStore) -> list[Path]:
    return sorted(store.kept_dir.iterdir())


def nothing_left(store: UploadStore) -> bool:
    return not any(store.kept_dir.iterdir()) and not any(store.staging_dir.iterdir())


def copy_as(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target


# ---- keeping ------------------------------------------------------------------------------------


def test_kept_files_are_private_and_kept_once(store, recordings):
    kept, recording = store.keep([recordings["fif"]], "session-a")
    assert recording.n_channels == 19 and recording.meta.source_name == "plain_raw.fif"
    assert kept.label == "plain_raw.fif" and not kept.reused
    # 0700 folders, 0600 files, all the way down, whatever the umask
    for folder in (store.root, store.kept_dir, store.staging_dir, store.gradio_dir, kept.path.parent):
        assert mode(folder) == 0o700, folder
    assert mode(kept.path) == 0o600 and kept.path.name == "recording.fif"
    # the same content again (another session, another name) reuses the one copy
    renamed = copy_as(recordings["fif"], store.root.parent / "elsewhere" / "another name.fif")
    again, _ = store.keep([renamed], "session-b")
    assert again.reused and again.digest == kept.digest and again.label == "another name.fif"
    assert kept_entries(store) == [kept.path.parent]
    assert store.sessions() == {"session-a": {kept.digest}, "session-b": {kept.digest}}


def test_a_folder_made_by_someone_else_is_tightened(tmp_path):
    loose = tmp_path / "uploads"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    store = UploadStore(loose)
    assert mode(store.root) == 0o700


@pytest.mark.parametrize("case", ["truncated edf", "text as fif", "marker only", "two recordings", "not eeg"])
def test_a_refused_upload_leaves_nothing_behind(store, recordings, tmp_path, case):
    folder = tmp_path / "user"
    folder.mkdir()
    if case == "truncated edf":
        good = write_edf(folder / "full.edf", eeg_like(19, 256.0, 8.0), NAMES, 256.0)
        files = [copy_as(good, folder / "cut.edf")]
        files[0].write_bytes(good.read_bytes()[:-5000])
    elif case == "text as fif":
        files = [folder / "notes.fif"]
        files[0].write_text("meeting notes, not EEG " * 50)
    elif case == "marker only":
        files = [recordings["vmrk"]]
    elif case == "two recordings":
        files = [recordings["fif"], recordings["inside"]]
    else:
        files = [folder / "notes.txt"]
        files[0].write_text("hello")
    # the upload as Gradio hands it over: a copy in its own folder under ours
    gradio_copies = [copy_as(f, store.gradio_dir / f"hash{i}" / f.name) for i, f in enumerate(files)]
    with pytest.raises(EEGReasonError) as info:
        store.keep(gradio_copies, "s")
    assert one_sentence(str(info.value)), str(info.value)
    assert nothing_left(store)
    assert not any(p.exists() for p in gradio_copies)  # Gradio's copy of a refused file is gone too
    assert all(f.exists() for f in files)  # never a file outside our folder


def test_a_refused_file_given_again_says_to_upload_it_again(store, tmp_path):
    bad = copy_as(Path(__file__), store.gradio_dir / "h" / "x.edf")
    with pytest.raises(EEGReasonError):
        store.keep([bad], "s")
    with pytest.raises(RecordingError, match="x.edf is no longer on the server.*upload it again"):
        store.keep([bad], "s")


def test_the_size_limit_is_one_number_in_mib(tmp_path, recordings):
    from serve.app import launch_settings

    assert launch_settings("127.0.0.1", None)["max_file_size"] == MAX_UPLOAD_MIB * 1024 * 1024
    small = UploadStore(tmp_path / "small", max_mib=0.5)
    big = write_fif(tmp_path / "big_raw.fif", eeg_like(19, 250.0, 40.0), NAMES, 250.0)  # ~ 0.75 MiB of float32
    with pytest.raises(RecordingError) as info:
        small.keep([big], "s")
    assert "MiB" in str(info.value) and "MB " not in str(info.value) and nothing_left(small)


def test_a_200_character_name_is_kept_whole(store, recordings, tmp_path):
    name = "Sleep lab, night 2 (" + "patient consent on file " * 8 + ")"
    name = name[: 200 - len("_raw.fif")] + "_raw.fif"
    assert len(name) == 200
    long = copy_as(recordings["fif"], tmp_path / name)
    kept, recording = store.keep([long], "s")
    assert kept.label == name and recording.meta.source_name == name
    assert name not in str(kept.path) and len(kept.path.name) < 20  # the name never reaches a path


# ---- removing -----------------------------------------------------------------------------------


def test_session_end_removes_what_only_that_session_used(store, recordings):
    shared, _ = store.keep([recordings["fif"]], "a")
    store.keep([recordings["fif"]], "b")
    own, _ = store.keep([recordings["inside"]], "a")
    assert store.release("a") == 1  # the shared one stays for b
    assert kept_entries(store) == [shared.path.parent] and not own.path.exists()
    assert store.release("b") == 1 and kept_entries(store) == []
    assert store.release("never-seen") == 0


def test_gradio_copies_go_with_the_last_session_that_sent_them(store, recordings):
    # Gradio keeps one copy per content: two sessions uploading the same file share it
    shared = copy_as(recordings["fif"], store.gradio_dir / "same-hash" / "plain_raw.fif")
    store.keep([shared], "a")
    store.keep([shared], "b")
    store.release("a")
    assert shared.exists()
    store.release("b")
    assert not shared.exists() and not shared.parent.exists()


def test_retention_sweep(store, recordings):
    old, _ = store.keep([recordings["fif"]], "a")
    recent, _ = store.keep([recordings["inside"]], "a")
    gradio_old = copy_as(recordings["fif"], store.gradio_dir / "h1" / "x.fif")
    gradio_new = copy_as(recordings["fif"], store.gradio_dir / "h2" / "y.fif")
    stale_staging = store.staging_dir / "dead-check"
    stale_staging.mkdir()
    three_hours_ago = time.time() - 3 * 3600
    for path in (old.path.parent, gradio_old, stale_staging):
        os.utime(path, (three_hours_ago, three_hours_ago))
    assert store.sweep() == 1
    assert not old.path.exists() and recent.path.exists()
    assert not gradio_old.exists() and gradio_new.exists() and not stale_staging.exists()
    assert store.sessions() == {"a": {recent.digest}}
    # loading a kept recording again restarts its clock
    os.utime(recent.path.parent, (three_hours_ago, three_hours_ago))
    store.keep([recordings["inside"]], "b")
    assert store.sweep() == 0 and recent.path.exists()
    assert store.sweep(now=time.time() + 2.1 * 3600) == 1 and not recent.path.exists()


def test_retention_must_be_positive(tmp_path):
    from encoders.errors import ConfigError

    with pytest.raises(ConfigError, match="positive number of hours"):
        UploadStore(tmp_path, retention_hours=0)


# ---- BrainVision and EEGLAB sets, zips ------------------------------------------------------------


def test_brainvision_set_and_zip_load_and_share_one_copy(store, recordings, tmp_path):
    files = [recordings[k] for k in ("vhdr", "eeg", "vmrk")]
    kept, recording = store.keep(files, "s")
    assert kept.label == "patient 7 rest.vhdr" and recording.meta.file_format == "BrainVision"
    np.testing.assert_allclose(recording.data, recordings["data"], atol=0.06)
    assert sorted(p.name for p in kept.path.parent.iterdir()) == ["recording.eeg", "recording.vhdr", "recording.vmrk"]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, f"session 1/{f.name}")
        zf.writestr("session 1/README.txt", "exported from the amplifier")
        zf.writestr("__MACOSX/session 1/._patient 7 rest.vhdr", b"\x00\x05\x16\x07")
    from_zip, _ = store.keep([archive], "s")
    assert from_zip.reused and from_zip.digest == kept.digest and from_zip.label == "patient 7 rest.vhdr"
    assert len(kept_entries(store)) == 1


def test_brainvision_markers_are_optional_but_the_data_file_is_not(store, recordings):
    kept, recording = store.keep([recordings["vhdr"], recordings["eeg"]], "s")
    assert recording.n_channels == 19
    with pytest.raises(RecordingError) as info:
        store.keep([recordings["vhdr"], recordings["vmrk"]], "s")
    assert "patient 7 rest.eeg" in str(info.value) and ".zip" in str(info.value)
    assert one_sentence(str(info.value))


def test_a_renamed_brainvision_set_is_explained(store, recordings, tmp_path):
    files = [copy_as(recordings["vhdr"], tmp_path / "visit.vhdr"), copy_as(recordings["eeg"], tmp_path / "visit.eeg"),
             copy_as(recordings["vmrk"], tmp_path / "visit.vmrk")]
    with pytest.raises(RecordingError) as info:
        store.keep(files, "s")
    message = str(info.value)
    assert "patient 7 rest.eeg" in message and "visit.eeg" in message and "renamed" in message
    assert one_sentence(message) and nothing_left(store)


def test_eeglab_sets(store, recordings, tmp_path):
    kept, recording = store.keep([recordings["set"], recordings["fdt"]], "s")
    assert kept.label == "rest.set" and recording.meta.file_format == "EEGLAB"
    np.testing.assert_allclose(recording.data, recordings["data"], atol=1e-3)
    inside, _ = store.keep([recordings["inside"]], "s")  # samples inside the .set: alone is enough
    assert inside.digest != kept.digest
    with pytest.raises(RecordingError, match=r"rest\.fdt, which the upload does not include"):
        store.keep([recordings["set"]], "s")
    with pytest.raises(RecordingError, match=r"names its data file rest\.fdt but the upload has other\.fdt"):
        store.keep([recordings["set"], copy_as(recordings["fdt"], tmp_path / "other.fdt")], "s")
    with pytest.raises(UnsupportedFormatError, match=r"inside\.set holds its samples itself"):
        store.keep([recordings["inside"], recordings["fdt"]], "s")
    # a set renamed consistently (.set and .fdt share a stem) still loads, as EEGLAB and MNE allow
    pair = [copy_as(recordings["set"], tmp_path / "b.set"), copy_as(recordings["fdt"], tmp_path / "b.fdt")]
    assert store.keep(pair, "s")[0].digest == kept.digest


def _zip_with(path: Path, members: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize("member", ["../../evil.vhdr", "/tmp/evil.edf", "a/../../evil.edf", "..\\evil.edf",
                                    "C:/evil.edf"])
def test_zip_slip_is_refused(store, recordings, tmp_path, member):
    archive = _zip_with(tmp_path / "x.zip", {"ok.fif": recordings["fif"].read_bytes(), member: b"0       "})
    with pytest.raises(UnsupportedFormatError, match="unsafe path") as info:
        store.keep([archive], "s")
    assert one_sentence(str(info.value)) and nothing_left(store)
    assert not list(tmp_path.parent.rglob("evil*")) and not Path("/tmp/evil.edf").exists()


def test_zips_with_links_too_many_files_too_much_data_or_two_recordings_are_refused(store, recordings, tmp_path):
    fif = recordings["fif"].read_bytes()
    cases = {
        "link": (_zip_with(tmp_path / "l.zip", {"a.fif": fif}, links=("b.fif",)), "link"),
        "many": (_zip_with(tmp_path / "m.zip", {f"n{i}.txt": b"x" for i in range(101)} | {"a.fif": fif}),
                 "more than the 100"),
        "two": (_zip_with(tmp_path / "t.zip", {"a.fif": fif, "b/c.fif": fif}), "2 recordings"),
        "none": (_zip_with(tmp_path / "n.zip", {"notes.txt": b"x"}), "holds no EEG recording"),
        "not a zip": (copy_as(recordings["fif"], tmp_path / "fake.zip"), "not a readable .zip"),
    }
    for name, (archive, expected) in cases.items():
        with pytest.raises(EEGReasonError, match=expected):
            store.keep([archive], "s")
        assert nothing_left(store), name
    small = UploadStore(tmp_path / "small", max_mib=1)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.fif", fif)
        zf.writestr("zeros.eeg", b"\x00" * (3 * 1024 * 1024))  # 3 MiB that compress to a few KiB
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(RecordingError, match="above the upload limit of 1 MiB"):
        small.keep([bomb], "s")
    assert nothing_left(small)


# ---- through the real app -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def upload_app(tiny_checkpoint, tmp_path_factory):
    """The real Gradio app (no engine needed: loading a recording runs the encoder only)."""
    from serve.app import build_app
    from serve.assistant import Assistant

    folder = tmp_path_factory.mktemp("upload-app")
    # Gradio notices a closed session at its next heartbeat (15 s by default); 1 s keeps this quick.
    saved = os.environ.get("GRADIO_HEARTBEAT_INTERVAL")
    os.environ["GRADIO_HEARTBEAT_INTERVAL"] = "1"
    store = UploadStore(folder / "uploads", retention_hours=1)
    app = build_app(Assistant(tiny_checkpoint, start_engine=False), samples={}, uploads=store,
                    store_path=folder / "reports.sqlite3")
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield app.local_url, store
    app.close()
    store.close()
    if saved is None:
        os.environ.pop("GRADIO_HEARTBEAT_INTERVAL", None)
    else:
        os.environ["GRADIO_HEARTBEAT_INTERVAL"] = saved


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_app_uploads_sets_and_zips_and_removes_them_when_the_session_ends(upload_app, recordings, tmp_path):
    from gradio_client import Client, handle_file

    url, store = upload_app
    first = Client(url, verbose=False)
    status, *_, current = first.predict([handle_file(str(recordings[k])) for k in ("vhdr", "eeg", "vmrk")], None,
                                        api_name="/load_recording")
    assert "19 EEG channels" in status and "patient 7 rest.vhdr" in current
    # Gradio's own copies are inside our private folder, not the system temp folder
    copies = [p for p in store.gradio_dir.rglob("*") if p.is_file() and p.name.startswith("patient 7 rest")]
    assert copies and mode(store.gradio_dir) == 0o700 and mode(store.root) == 0o700
    assert os.environ["GRADIO_TEMP_DIR"] == str(store.gradio_dir)
    archive = tmp_path / "eeglab.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(recordings["set"], "rest.set")
        zf.write(recordings["fdt"], "rest.fdt")
    second = Client(url, verbose=False)
    status = second.predict([handle_file(str(archive))], None, api_name="/load_recording")[0]
    assert "19 EEG channels" in status
    status = second.predict([handle_file(str(recordings["fif"]))], None, api_name="/load_recording")[0]
    assert "19 EEG channels" in status
    assert len(kept_entries(store)) == 3  # the BrainVision set, the EEGLAB set, the FIF
    second.close()  # the browser tab closes: its two recordings go, the first session's stays
    assert wait_for(lambda: len(kept_entries(store)) == 1), kept_entries(store)
    first.close()
    assert wait_for(lambda: not kept_entries(store))
    assert wait_for(lambda: not [p for p in store.gradio_dir.rglob("*") if p.is_file() and p.stat().st_size])


def test_app_keeps_a_200_character_name_and_refuses_cleanly(upload_app, recordings, tmp_path):
    from gradio_client import Client, handle_file

    url, store = upload_app
    name = ("Nachtableitung " * 20)[: 200 - len("_raw.fif")] + "_raw.fif"
    long = copy_as(recordings["fif"], tmp_path / name)
    client = Client(url, verbose=False)
    status, *_, current = client.predict([handle_file(str(long))], None, api_name="/load_recording")
    assert name in status and name in current
    # refused in the Chat tab and in the Report tab alike, and nothing of it kept anywhere
    before = kept_entries(store)
    renamed = [copy_as(recordings["vhdr"], tmp_path / "visit.vhdr"), copy_as(recordings["eeg"], tmp_path / "visit.eeg")]
    status = client.predict([handle_file(str(p)) for p in renamed], None, api_name="/load_recording")[0]
    assert status.startswith("⚠️") and "renamed" in status
    message = client.predict([handle_file(str(recordings["vmrk"]))], None, False, "Dr Alice",
                             api_name="/report_generate")[0]
    assert message.startswith("⚠️") and ".vhdr" in message
    assert kept_entries(store) == before
    assert not [p for p in store.gradio_dir.rglob("visit.*")] and not list(store.gradio_dir.rglob("*.vmrk"))
    client.close()


def _copies_of(content: bytes, roots: list[Path], since: float) -> list[Path]:
    """Files under `roots` holding exactly `content`, changed since `since` (stat first, then bytes)."""
    import hashlib

    want = hashlib.sha256(content).digest()
    found: set[Path] = set()
    for root in roots:
        for folder, _dirs, files in os.walk(root, onerror=lambda err: None):
            for name in files:
                path = Path(folder) / name
                try:
                    info = path.lstat()
                    if not stat.S_ISREG(info.st_mode) or info.st_size != len(content) or info.st_mtime < since - 1:
                        continue
                    if hashlib.sha256(path.read_bytes()).digest() == want:
                        found.add(path.resolve())
                except OSError:
                    continue
    return sorted(found)


def test_an_upload_is_copied_only_into_the_private_folder_and_gone_when_the_app_closes(
        tiny_checkpoint, tmp_path, monkeypatch):
    """A real upload through gradio_client: every copy the server side makes of the file lies under the
    uploads folder (mode 0700), none in the system temp folder (where Gradio's default /tmp/gradio is)
    or anywhere else we can look, and closing the app leaves no copy at all."""
    import tempfile

    from gradio_client import Client, handle_file

    from serve.app import build_app
    from serve.assistant import Assistant

    system_temp = tmp_path / "system-temp"  # the process's temp folder, so any stray copy is found in it
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    monkeypatch.setenv("GRADIO_TEMP_DIR", "")  # build_app sets it; restored afterwards
    original = tmp_path / "client" / "visit 12_raw.fif"
    original.parent.mkdir()
    write_fif(original, eeg_like(19, 250.0, 10.0, seed=int.from_bytes(os.urandom(4), "little")), NAMES, 250.0)
    content = original.read_bytes()
    started = time.time()
    store = UploadStore(tmp_path / "home" / "uploads", retention_hours=1)
    app = build_app(Assistant(tiny_checkpoint, start_engine=False), samples={}, uploads=store,
                    store_path=tmp_path / "home" / "reports.sqlite3")
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    closed = False
    try:
        client = Client(app.local_url, verbose=False, download_files=str(tmp_path / "client" / "downloads"))
        status = client.predict([handle_file(str(original))], None, api_name="/load_recording")[0]
        assert "19 EEG channels" in status
        elsewhere = [Path(tempfile.gettempdir()), Path("/tmp"), Path("/dev/shm"), Path.cwd(),
                     tmp_path / "home"]
        copies = [p for p in _copies_of(content, elsewhere, started) if p != original.resolve()]
        inside = [p for p in copies if p.is_relative_to(store.root.resolve())]
        assert inside and copies == inside, copies  # Gradio's copy and the kept one, nothing else
        assert mode(store.root) == 0o700 and mode(store.gradio_dir) == 0o700
        client.close()
        app.close()
        store.close()
        closed = True
        assert not [p for p in _copies_of(content, elsewhere, started) if p != original.resolve()]
        assert not store.gradio_dir.exists()  # with the empty files Gradio leaves per processed upload
    finally:
        if not closed:
            app.close()
            store.close()
