"""Format-aware edits: one header field of a valid file set to a value its writer would never write.

EDF/BDF: the fixed ASCII fields (number of records, record duration, number of signals, header
size, dates) and the per-signal ones (labels, physical/digital min/max, samples per record, units).
FIF: a tag's header (kind, type, size) or the value of the tags readers trust (sampling rate,
channel count, channel info calibration and range, first sample, data buffers).
BrainVision: the .vhdr lines (sampling interval, channel count, binary format, data file name,
orientation, channel resolution/unit/name) and the .vmrk marker positions.
EEGLAB: the .set fields (srate, nbchan, pnts, trials, data, channel labels).
"""

from __future__ import annotations

import io
import struct

import numpy as np

NUMBERS = ["0", "-1", "1", "99999999", "-9999999", "1e308", "1e-300", "nan", "inf", "-inf", "abc", "",
           "0.000001", "  +5  ", "1,5", "0x10"]
LABELS = ["", "Fp1", "Cz", "EEG Fp1-REF", "Status", "ECG", "EDF Annotations", "\xff\xfe\x00garbage",
          "Fp1-0", "A1", "x" * 16]
UNITS = ["V", "mV", "nV", "", "degC", "\xb5V", "uV", "kV"]
FLOAT_VALUES = [0.0, -1.0, float("nan"), float("inf"), float("-inf"), 1e30, 1e-30, 63.9, 1e6, 3.4e38]
INT_VALUES = [0, -1, 1, 2**31 - 1, -(2**31), 1000]


def _choice(rng: np.random.Generator, items: list):
    return items[int(rng.integers(0, len(items)))]


# ---- EDF / BDF ----

def _edf_layout(data: bytes) -> tuple[int, dict[str, tuple[int, int]]]:
    """Number of signals and the (offset, width) of every field, from the header's own ns field."""
    try:
        ns = int(data[252:256].decode("latin-1").strip())
    except ValueError:
        ns = 0
    ns = max(0, min(ns, 512))
    fields = {"version": (0, 8), "patient": (8, 80), "recording": (88, 80), "startdate": (168, 8),
              "starttime": (176, 8), "header_bytes": (184, 8), "reserved": (192, 44), "n_records": (236, 8),
              "record_duration": (244, 8), "n_signals": (252, 4)}
    offset = 256
    for name, width in (("label", 16), ("transducer", 80), ("dimension", 8), ("physical_min", 8),
                        ("physical_max", 8), ("digital_min", 8), ("digital_max", 8), ("prefilter", 80),
                        ("samples_per_record", 8), ("signal_reserved", 32)):
        for i in range(ns):
            fields[f"{name}[{i}]"] = (offset + i * width, width)
        offset += ns * width
    return ns, fields


def _put(buf: bytearray, offset: int, width: int, text: str) -> None:
    raw = text.encode("latin-1", errors="replace")[:width].ljust(width, b" ")
    if offset + width <= len(buf):
        buf[offset:offset + width] = raw


def edf_edit(data: bytes, rng: np.random.Generator) -> tuple[bytes, dict]:
    buf = bytearray(data)
    ns, fields = _edf_layout(data)
    per_signal = ["label", "dimension", "physical_min", "physical_max", "digital_min", "digital_max",
                  "samples_per_record"]
    fixed = ["n_records", "record_duration", "n_signals", "header_bytes", "startdate", "starttime", "version",
             "reserved"]
    field = str(_choice(rng, (per_signal * 2 if ns else []) + fixed))
    if field in per_signal:
        everyone = rng.random() < 0.3
        targets = list(range(ns)) if everyone else [int(rng.integers(0, ns))]
    else:
        targets = [None]
    if field == "label":
        value = str(_choice(rng, LABELS))
    elif field == "dimension":
        value = str(_choice(rng, UNITS))
    elif field == "startdate":
        value = str(_choice(rng, ["99.99.99", "31.02.20", "aa.bb.cc", "", "01.01.85"]))
    elif field == "starttime":
        value = str(_choice(rng, ["99.99.99", "25.61.61", "", "12:00:00"]))
    elif field == "version":
        value = str(_choice(rng, ["1", "", "0       x", "\xffBIOSEMI"]))
    elif field == "reserved":
        value = str(_choice(rng, ["EDF+D", "EDF+C", "BDF+D", "24BIT", "garbage"]))
    else:
        key = field if targets == [None] else f"{field}[{targets[0]}]"
        try:
            current = float(data[fields[key][0]:fields[key][0] + fields[key][1]].decode("latin-1"))
        except ValueError:
            current = 1.0
        relative = [f"{current + 1:g}", f"{current - 1:g}", f"{current * 2:g}", f"{current / 2:g}",
                    f"{current * 1000:g}", f"{-current:g}"]
        value = str(_choice(rng, NUMBERS + relative))
    for target in targets:
        key = field if target is None else f"{field}[{target}]"
        if key in fields:
            _put(buf, *fields[key], value)
    return bytes(buf), {"field": field, "signals": "all" if len(targets) > 1 else targets[0], "value": value}


# ---- FIF ----

FIFF_SFREQ, FIFF_NCHAN, FIFF_CH_INFO, FIFF_FIRST_SAMPLE, FIFF_DATA_BUFFER = 201, 200, 203, 208, 300
FIFF_LOWPASS, FIFF_HIGHPASS, FIFF_DATA_SKIP = 219, 223, 301


def fif_tags(data: bytes, limit: int = 100_000) -> list[tuple[int, int, int, int]]:
    """(position, kind, type, size) of the tags in file order, following `next` pointers."""
    tags, pos, seen = [], 0, set()
    while 0 <= pos and pos + 16 <= len(data) and len(tags) < limit and pos not in seen:
        seen.add(pos)
        kind, typ, size, nxt = struct.unpack(">iiii", data[pos:pos + 16])
        tags.append((pos, kind, typ, size))
        if nxt == -1 or size < 0:
            break
        pos = pos + 16 + size if nxt == 0 else nxt
    return tags


def fif_edit(data: bytes, rng: np.random.Generator) -> tuple[bytes, dict]:
    buf = bytearray(data)
    tags = fif_tags(data)
    if not tags:
        return data, {"edit": "no tags found"}
    by_kind: dict[int, list[tuple[int, int, int, int]]] = {}
    for tag in tags:
        by_kind.setdefault(tag[1], []).append(tag)
    edits = ["tag_size", "tag_kind", "tag_type", "sfreq", "nchan", "ch_info", "first_sample", "data_buffer",
             "filter", "data_buffer"]
    edit = str(_choice(rng, edits))
    if edit in ("tag_size", "tag_kind", "tag_type"):
        pos, kind, typ, size = tags[int(rng.integers(0, len(tags)))]
        if edit == "tag_size":
            value = int(_choice(rng, [0, -1, 2**31 - 1, size + 1, max(0, size - 1), size * 2 + 16]))
            struct.pack_into(">i", buf, pos + 8, value)
        elif edit == "tag_kind":
            value = int(_choice(rng, [FIFF_SFREQ, FIFF_NCHAN, FIFF_CH_INFO, FIFF_DATA_BUFFER, 104, 105, 0, 99999,
                                      -5]))
            struct.pack_into(">i", buf, pos, value)
        else:
            value = int(_choice(rng, [3, 4, 5, 10, 16, 30, 0x40000004, 0x40000003, 0x20000004, -1, 12345]))
            struct.pack_into(">i", buf, pos + 4, value)
        return bytes(buf), {"edit": edit, "tag_at": pos, "tag_kind": kind, "value": value}
    if edit in ("sfreq", "filter"):
        kinds = [FIFF_SFREQ] if edit == "sfreq" else [FIFF_LOWPASS, FIFF_HIGHPASS]
        candidates = [t for k in kinds for t in by_kind.get(k, [])]
        if not candidates:
            return data, {"edit": edit, "note": "tag absent"}
        pos = candidates[int(rng.integers(0, len(candidates)))][0]
        value = float(_choice(rng, FLOAT_VALUES + [64.0, 100000.0, 100001.0]))
        struct.pack_into(">f", buf, pos + 16, value)
        return bytes(buf), {"edit": edit, "tag_at": pos, "value": repr(value)}
    if edit in ("nchan", "first_sample"):
        kind = FIFF_NCHAN if edit == "nchan" else FIFF_FIRST_SAMPLE
        if kind not in by_kind:
            return data, {"edit": edit, "note": "tag absent"}
        pos = by_kind[kind][0][0]
        value = int(_choice(rng, INT_VALUES + [int(struct.unpack(">i", data[pos + 16:pos + 20])[0]) + 1]))
        struct.pack_into(">i", buf, pos + 16, value)
        return bytes(buf), {"edit": edit, "tag_at": pos, "value": value}
    if edit == "ch_info":
        infos = by_kind.get(FIFF_CH_INFO, [])
        if not infos:
            return data, {"edit": edit, "note": "tag absent"}
        everyone = rng.random() < 0.3
        chosen = infos if everyone else [infos[int(rng.integers(0, len(infos)))]]
        part = str(_choice(rng, ["range", "cal", "kind", "unit_mul", "name", "unit"]))
        value: object
        if part in ("range", "cal"):
            value = float(_choice(rng, FLOAT_VALUES))
        elif part == "name":
            value = str(_choice(rng, LABELS))
        else:
            value = int(_choice(rng, [0, 1, 2, 202, 302, -1, 30, -30, 99999]))
        for pos, *_ in chosen:
            at = pos + 16 + {"kind": 8, "range": 12, "cal": 16, "unit": 72, "unit_mul": 76, "name": 80}[part]
            if part in ("range", "cal"):
                struct.pack_into(">f", buf, at, value)
            elif part == "name":
                buf[at:at + 16] = str(value).encode("latin-1", "replace")[:15].ljust(16, b"\0")
            else:
                struct.pack_into(">i", buf, at, value)
        return bytes(buf), {"edit": "ch_info", "part": part, "channels": "all" if everyone else chosen[0][0],
                            "value": repr(value)}
    # data_buffer: fill one buffer (or all) with values a float writer could store
    buffers = by_kind.get(FIFF_DATA_BUFFER, [])
    if not buffers:
        return data, {"edit": edit, "note": "tag absent"}
    everyone = rng.random() < 0.3
    chosen = buffers if everyone else [buffers[int(rng.integers(0, len(buffers)))]]
    value = float(_choice(rng, [float("nan"), float("inf"), float("-inf"), 3.4e38, 1e-45, 0.0, 1e3]))
    sparse = rng.random() < 0.5
    for pos, _, typ, size in chosen:
        width = 8 if typ == 5 else 4
        fmt = ">d" if typ == 5 else ">f" if typ == 4 else ">i"
        count = size // width
        cells = range(count) if not sparse else rng.integers(0, max(1, count), max(1, count // 100))
        for cell in cells:
            struct.pack_into(fmt, buf, pos + 16 + int(cell) * width, value if fmt != ">i" else 2**31 - 1)
    return bytes(buf), {"edit": "data_buffer", "buffers": "all" if everyone else chosen[0][0],
                        "value": repr(value), "sparse": sparse}


# ---- BrainVision ----

def vhdr_edit(text: str, rng: np.random.Generator) -> tuple[str, dict]:
    lines = text.splitlines()
    channel_lines = [i for i, line in enumerate(lines) if line.startswith("Ch") and "=" in line]
    keys = {"SamplingInterval": ["0", "-4000", "1e12", "nan", "abc", "1", "4000000", "", "inf", "15625.0"],
            "NumberOfChannels": ["0", "-1", "1000", "x", "", "2", "64"],
            "BinaryFormat": ["INT_16", "INT_32", "UINT_16", "IEEE_FLOAT_64", "BOGUS", ""],
            "DataFile": ["missing.eeg", "../../../../../../etc/passwd", "", "/dev/zero", "sub/dir/data.eeg"],
            "MarkerFile": ["missing.vmrk", "", "/dev/null"],
            "DataOrientation": ["VECTORIZED", "SIDEWAYS", ""],
            "DataFormat": ["ASCII", "XML", ""],
            "Codepage": ["UTF-16", "ANSI", "klingon"]}
    choices = list(keys) + (["channel"] * 3 if channel_lines else []) + ["drop_section", "duplicate_channel"]
    edit = str(_choice(rng, choices))
    if edit in keys:
        value = str(_choice(rng, keys[edit]))
        hits = [i for i, line in enumerate(lines) if line.split("=", 1)[0] == edit]
        if hits:
            lines[hits[0]] = f"{edit}={value}"
        else:
            lines.insert(len(lines) // 2, f"{edit}={value}")
        return "\n".join(lines) + "\n", {"line": edit, "value": value}
    if edit == "channel":
        index = channel_lines[int(rng.integers(0, len(channel_lines)))]
        key, _, rest = lines[index].partition("=")
        parts = (rest.split(",") + ["", "", "", ""])[:4]
        part = int(rng.integers(0, 4))
        value = str(_choice(rng, [["", "Fp1", "Cz", "Ch,1", "Status"], [""], ["0", "-1", "nan", "1e30", "abc", ""],
                                  ["V", "mV", "nV", "K", "", "C"]][part]))
        parts[part] = value
        lines[index] = f"{key}={','.join(parts)}"
        return "\n".join(lines) + "\n", {"line": key, "field": ["name", "reference", "resolution", "unit"][part],
                                         "value": value}
    if edit == "drop_section":
        sections = [i for i, line in enumerate(lines) if line.startswith("[")]
        index = sections[int(rng.integers(0, len(sections)))] if sections else 0
        removed = lines.pop(index) if lines else ""
        return "\n".join(lines) + "\n", {"dropped": removed}
    if not channel_lines:
        return text, {"edit": edit, "note": "no channel lines"}
    index = channel_lines[0]
    lines.insert(index + 1, lines[index])
    return "\n".join(lines) + "\n", {"duplicated": lines[index]}


def vmrk_edit(text: str, rng: np.random.Generator) -> tuple[str, dict]:
    marker = str(_choice(rng, ["Mk2=Stimulus,S  1,999999999,1,0", "Mk2=Stimulus,S  1,-5,1,0",
                               "Mk2=Stimulus,S  1,abc,1,0", "Mk2=New Segment,,1,1,0,99999999999999999999",
                               "Mk2=Stimulus,S  1,10,-1,0", "Mk2=" + "x" * 4000, "Mk99999999999=Comment,a,1,1,0"]))
    return text.rstrip("\n") + "\n" + marker + "\n", {"marker": marker[:80]}


# ---- EEGLAB ----

def set_edit(data: bytes, rng: np.random.Generator) -> tuple[bytes, dict]:
    import scipy.io

    content = scipy.io.loadmat(io.BytesIO(data))
    content = {k: v for k, v in content.items() if not k.startswith("__")}
    fields = ["srate", "nbchan", "pnts", "trials", "xmin", "data", "data", "labels"]
    edit = str(_choice(rng, fields))
    shown: object
    if edit in ("srate", "xmin"):
        shown = float(_choice(rng, FLOAT_VALUES + [64.0, 200000.0]))
        content[edit] = np.array([[shown]])
    elif edit in ("nbchan", "pnts", "trials"):
        current = float(np.asarray(content.get(edit, [[1]])).ravel()[0])
        shown = float(_choice(rng, [0.0, -1.0, current + 1, current * 2, 1e9, float("nan")]))
        content[edit] = np.array([[shown]])
    elif edit == "data":
        array = np.asarray(content["data"])
        variant = str(_choice(rng, ["transpose", "nan", "inf", "huge", "empty", "1d", "int16", "filename", "complex"]))
        if variant == "transpose":
            array = array.T.copy()
        elif variant in ("nan", "inf", "huge"):
            array = array.astype(np.float32).copy()
            mask = rng.random(array.shape) < float(_choice(rng, [0.001, 0.1, 1.0]))
            array[mask] = {"nan": np.nan, "inf": np.inf, "huge": 3e38}[variant]
        elif variant == "empty":
            array = np.zeros((array.shape[0], 0), np.float32)
        elif variant == "1d":
            array = array.ravel()
        elif variant == "int16":
            array = np.clip(array, -32768, 32767).astype(np.int16)
        elif variant == "complex":
            array = array.astype(np.complex64)
        else:
            array = np.array(["missing.fdt"])
        content["data"] = array
        shown = variant
    else:
        locs = content["chanlocs"].copy()
        shown = str(_choice(rng, ["", "Fp1", "Cz", "123", "EEG Fp1-REF"]))
        index = int(rng.integers(0, locs.shape[1]))
        everyone = rng.random() < 0.3
        for i in range(locs.shape[1]) if everyone else [index]:
            locs[0, i]["labels"] = np.array([shown])
        content["chanlocs"] = locs
    out = io.BytesIO()
    scipy.io.savemat(out, content, format="5", long_field_names=True)
    return out.getvalue(), {"field": edit, "value": repr(shown)}
