#!/usr/bin/env python3
"""Miniature copies of released emotion-EEG datasets, laid out as real copies are.

Usage:  python tests/foreign_datasets/make_layouts.py OUT_DIR   (or main(out) -> manifest list)

Written apart from eegreason's loaders, by someone who never saw them, as a test of what
the loaders make of copies they were not written against (tests/test_foreign_datasets.py),
from public facts about the released files (docs/datasets.md), cross-checked against public loaders
(torcheeg, LibEER, the SEED-VII authors' feature script, user scripts that
print the real files' keys/shapes). Where the note and the release seem to
differ, the choice is recorded in the `notes` of the layout concerned and in
the comments below.

Every EEG trial carries a known test signal on one channel:
    x(t) = A * sin(2*pi*10*t) + DC,  A = 20 (stored unit), t = n / sfreq, n = 0..N-1
on FZ (SEED family), Fz (DEAP) or F3 (DREAMER: Emotiv has no Fz). DC = 0 except
for DREAMER, whose raw Emotiv values float around ~4200 uV; there every channel
gets its own DC (test channel DC = DREAMER_TEST_DC). All other channels carry
white noise of RMS 1 (<= 5) in the stored unit, quantised to 0.5 (so the
MATLAB-v7 style compressed files stay small; DREAMER: Emotiv's 0.51 uV LSB).

Manifest conventions (one dict per layout; a folder holding both raw EEG and
features gets one dict per kind): `files` paths are relative to `root`; `root`
(and `inner_root`, `marker`, `root_file`) relative to OUT; dicts keyed by subject or session use *string*
keys ("1", "2", ...) so the manifest survives JSON; lists hold ints. Paths are
relative to OUT. `manifest.json` and `manifest.yaml` are written into OUT too.

Only numpy, scipy, openpyxl, pickle, yaml, zipfile and the standard library are
used. Deterministic: the same OUT content on every run (apart from the MAT
header timestamps scipy writes and the malicious pickle's absolute marker path).
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import openpyxl
import scipy.io as sio
import yaml

# --------------------------------------------------------------------------
# constants: channels, labels
# --------------------------------------------------------------------------
SEED_CH = ("FP1 FPZ FP2 AF3 AF4 F7 F5 F3 F1 FZ F2 F4 F6 F8 FT7 FC5 FC3 FC1 FCZ FC2 FC4 "
           "FC6 FT8 T7 C5 C3 C1 CZ C2 C4 C6 T8 TP7 CP5 CP3 CP1 CPZ CP2 CP4 CP6 TP8 P7 P5 "
           "P3 P1 PZ P2 P4 P6 P8 PO7 PO5 PO3 POZ PO4 PO6 PO8 CB1 O1 OZ O2 CB2").split()
assert len(SEED_CH) == 62
SEED_FZ = SEED_CH.index("FZ")  # 9

DEAP_EEG = ("Fp1 AF3 F3 F7 FC5 FC1 C3 T7 CP5 CP1 P3 P7 PO3 O1 Oz Pz Fp2 AF4 Fz F4 F8 FC6 "
            "FC2 Cz C4 T8 CP6 CP2 P4 P8 PO4 O2").split()
DEAP_PERIPH = ["hEOG", "vEOG", "zEMG", "tEMG", "GSR", "Respiration belt",
               "Plethysmograph", "Temperature"]
DEAP_CH = DEAP_EEG + DEAP_PERIPH
assert len(DEAP_CH) == 40
DEAP_FZ = DEAP_CH.index("Fz")  # 18

DREAMER_CH = "AF3 F7 F3 FC5 T7 P7 O1 O2 P8 T8 FC6 F4 F8 AF4".split()
DREAMER_F3 = DREAMER_CH.index("F3")  # 2
# Emotiv EPOC values are floats in uV around a DC level of ~4200 uV (Emotiv's
# own documentation of its raw EEG stream); DREAMER distributes these raw
# values unfiltered. One DC per channel, all in 4100..4400.
DREAMER_DC = [4150.0 + 17.5 * i for i in range(14)]
DREAMER_TEST_DC = DREAMER_DC[DREAMER_F3]  # 4185.0
EMOTIV_LSB = 0.51  # uV per ADC count (EPOC)

SEED_LABELS = [1, 0, -1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 0, 1, -1]
SEED_INITIALS = ["djc", "jl", "jj", "lqj", "ly", "mhw", "phl", "sxy", "wk", "ww",
                 "wsf", "wyw", "xyl", "ys", "zjy"]
# real file names (LibEER's list): subject -> dates of sessions 1, 2, 3
SEED_DATES = {1: ["20131027", "20131030", "20131107"],
              2: ["20140404", "20140413", "20140419"],
              3: ["20140603", "20140611", "20140629"]}

SEED_IV_LABELS = {1: [1, 2, 3, 0, 2, 0, 0, 1, 0, 1, 2, 1, 1, 1, 2, 3, 2, 2, 3, 3, 0, 3, 0, 3],
                  2: [2, 1, 3, 0, 0, 2, 0, 2, 3, 3, 2, 3, 2, 0, 1, 1, 2, 1, 0, 3, 0, 1, 3, 1],
                  3: [1, 2, 2, 1, 3, 3, 3, 1, 1, 2, 1, 0, 2, 3, 3, 0, 2, 3, 0, 0, 2, 0, 1, 0]}
SEED_IV_DATES = {1: ["20160518", "20161125", "20161126"],
                 2: ["20150915", "20150920", "20151012"]}
# subject 1 of SEED-IV uses key prefix "cz" (seen in user scripts); the other
# prefixes are not public in the sources read, "tyc" is one that was seen.
SEED_IV_INITIALS = {1: "cz", 2: "tyc"}

SEED_V_LABELS = {1: [4, 1, 3, 2, 0] * 3,
                 2: [2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0],
                 3: [2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0]}

SEED_VII_ORDER = {
    1: ["Happy", "Neutral", "Disgust", "Sad", "Anger", "Anger", "Sad", "Disgust", "Neutral", "Happy"] * 2,
    2: ["Anger", "Sad", "Fear", "Neutral", "Surprise", "Surprise", "Neutral", "Fear", "Sad", "Anger"] * 2,
    3: ["Happy", "Surprise", "Disgust", "Fear", "Anger", "Anger", "Fear", "Disgust", "Surprise", "Happy"] * 2,
    4: ["Disgust", "Sad", "Fear", "Surprise", "Happy", "Happy", "Surprise", "Fear", "Sad", "Disgust"] * 2,
}

A_TEST = 20.0       # test amplitude, stored unit
F_TEST = 10.0       # Hz
NOISE_RMS = 1.0     # stored unit, <= 5
NOISE_Q = 0.5       # quantisation step of the noise

SEED_BANDS = [(1, 4), (4, 8), (8, 14), (14, 31), (31, 50)]
SEED_VII_BANDS = [(1, 4), (4, 8), (8, 14), (14, 31), (31, 49)]  # authors' script: gamma 31-49
ALPHA = 2  # band index of alpha in every feature file

# 27 left/right pairs (DASM/RASM) and 23 frontal/posterior pairs (DCAU).
# The DCAU pair list is NOT verified against Zheng & Lu 2015 (only its size 23).
DASM_PAIRS = [("FP1", "FP2"), ("AF3", "AF4"), ("F7", "F8"), ("F5", "F6"), ("F3", "F4"),
              ("F1", "F2"), ("FT7", "FT8"), ("FC5", "FC6"), ("FC3", "FC4"), ("FC1", "FC2"),
              ("T7", "T8"), ("C5", "C6"), ("C3", "C4"), ("C1", "C2"), ("TP7", "TP8"),
              ("CP5", "CP6"), ("CP3", "CP4"), ("CP1", "CP2"), ("P7", "P8"), ("P5", "P6"),
              ("P3", "P4"), ("P1", "P2"), ("PO7", "PO8"), ("PO5", "PO6"), ("PO3", "PO4"),
              ("CB1", "CB2"), ("O1", "O2")]
DCAU_PAIRS = [("FT7", "TP7"), ("FC5", "CP5"), ("FC3", "CP3"), ("FC1", "CP1"), ("FCZ", "CPZ"),
              ("FC2", "CP2"), ("FC4", "CP4"), ("FC6", "CP6"), ("FT8", "TP8"), ("F7", "P7"),
              ("F5", "P5"), ("F3", "P3"), ("F1", "P1"), ("FZ", "PZ"), ("F2", "P2"), ("F4", "P4"),
              ("F6", "P6"), ("F8", "P8"), ("FP1", "O1"), ("FPZ", "OZ"), ("FP2", "O2"),
              ("AF3", "CB1"), ("AF4", "CB2")]
assert len(DASM_PAIRS) == 27 and len(DCAU_PAIRS) == 23

SEED_UNIT = "uV"


# --------------------------------------------------------------------------
# signals and features
# --------------------------------------------------------------------------
def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def synth(n_ch: int, n: int, sfreq: float, test_idx: int, key, dc=None,
          q: float = NOISE_Q) -> np.ndarray:
    """(n_ch, n) float64: quantised white noise + A*sin(2*pi*10*t) + DC on test_idx."""
    rng = _rng(*key)
    x = np.round(rng.normal(0.0, NOISE_RMS, (n_ch, n)) / q) * q
    if dc is not None:
        x += np.asarray(dc, dtype=float)[:, None]
    t = np.arange(n) / float(sfreq)
    base = 0.0 if dc is None else float(dc[test_idx])
    x[test_idx] = A_TEST * np.sin(2.0 * np.pi * F_TEST * t) + base
    return x


def band_power(x: np.ndarray, sfreq: int, win_s: float, bands) -> np.ndarray:
    """SEED-style band energy: Hann window, |FFT|^2 averaged over each band's
    bins, non-overlapping windows. x (C, N) -> (W, C, B)."""
    wn = int(round(win_s * sfreq))
    w = x.shape[1] // wn
    seg = x[:, : w * wn].reshape(x.shape[0], w, wn).transpose(1, 0, 2)
    nfft = 1 << (wn - 1).bit_length()
    spec = np.abs(np.fft.rfft(seg * np.hanning(wn), n=nfft, axis=-1)) ** 2
    f = np.fft.rfftfreq(nfft, 1.0 / sfreq)
    return np.stack([spec[..., (f >= lo) & (f < hi)].mean(-1) for lo, hi in bands], -1)


def f32(a: np.ndarray, bits: int = 12) -> np.ndarray:
    """float64 whose mantissas are rounded to `bits` bits (relative precision
    2**-bits): compresses ~3.5x and is still float64. Size only."""
    m, e = np.frexp(np.ascontiguousarray(a, dtype=np.float64))
    return np.ldexp(np.round(m * 2.0 ** bits) / 2.0 ** bits, e)


def seed_de(psd: np.ndarray) -> np.ndarray:
    """Released SEED-family convention: DE = log2(100 * band energy)."""
    return np.log2(100.0 * psd)


def lds(y: np.ndarray, q: float = 1e-3, r: float = 1.0, p0: float = 0.1) -> np.ndarray:
    """Scalar Kalman filter + RTS smoother along axis 0, per series."""
    w = y.shape[0]
    xf = np.empty_like(y)
    pf = np.empty(w)
    xp, pp = y.mean(0), p0
    for t in range(w):
        if t:
            xp, pp = xf[t - 1], pf[t - 1] + q
        k = pp / (pp + r)
        xf[t] = xp + k * (y[t] - xp)
        pf[t] = (1 - k) * pp
    xs = xf.copy()
    for t in range(w - 2, -1, -1):
        c = pf[t] / (pf[t] + q)
        xs[t] = xf[t] + c * (xs[t + 1] - xf[t])
    return xs


def moving_ave(y: np.ndarray, k: int = 5) -> np.ndarray:
    w = y.shape[0]
    out = np.empty_like(y)
    for t in range(w):
        out[t] = y[max(0, t - k // 2): min(w, t + k // 2 + 1)].mean(0)
    return out


# --------------------------------------------------------------------------
# Python-2 / Python-3.7-era pickles written opcode by opcode
# --------------------------------------------------------------------------
class Reduce:
    """An object pickled as GLOBAL(module.name) applied to args (REDUCE)."""

    def __init__(self, module: str, name: str, args: tuple):
        self.module, self.name, self.args = module, name, args


class OldPickle:
    """Writes pickles the way old interpreters did, independent of the numpy
    installed here (numpy >= 2 would name `numpy._core.multiarray`; files made
    with numpy 1.x name `numpy.core.multiarray`, which numpy 2 still loads).

    flavor "py2": protocol 2 as Python 2's cPickle wrote it (DEAP's .dat):
        native str -> SHORT_BINSTRING/BINSTRING (a byte string), array buffer
        -> BINSTRING, dtype args ('f8', 0, 1) as ints, memo starting at 1.
        Python 3 can only read it with encoding='latin1' (or 'bytes').
    flavor "py3": protocol 3 as Python 3.0-3.7 wrote it (SEED-V npz payload):
        str -> BINUNICODE, buffers -> BINBYTES, dtype args ('f8', False, True).
    """

    def __init__(self, flavor: str):
        assert flavor in ("py2", "py3")
        self.py2 = flavor == "py2"
        self.b = bytearray(b"\x80\x02" if self.py2 else b"\x80\x03")
        self.n = 1 if self.py2 else 0
        self.gmemo: dict = {}
        self.dmemo: dict = {}

    def _put(self) -> int:
        i = self.n
        self.n += 1
        self.b += (b"q" + bytes([i])) if i < 256 else (b"r" + struct.pack("<I", i))
        return i

    def _get(self, i: int) -> None:
        self.b += (b"h" + bytes([i])) if i < 256 else (b"j" + struct.pack("<I", i))

    def _global(self, module: str, name: str) -> None:
        if (module, name) in self.gmemo:
            self._get(self.gmemo[(module, name)])
            return
        self.b += b"c" + module.encode() + b"\n" + name.encode() + b"\n"
        self.gmemo[(module, name)] = self._put()

    def _bytes(self, data: bytes) -> None:
        if self.py2:   # a py2 str
            self.b += (b"U" + bytes([len(data)])) if len(data) < 256 else (b"T" + struct.pack("<i", len(data)))
        else:          # py3 bytes
            self.b += (b"C" + bytes([len(data)])) if len(data) < 256 else (b"B" + struct.pack("<I", len(data)))
        self.b += data
        self._put()

    def _str(self, s: str) -> None:
        if self.py2:
            self._bytes(s.encode("latin1"))
        else:
            data = s.encode("utf-8")
            self.b += b"X" + struct.pack("<I", len(data)) + data
            self._put()

    def _int(self, v: int) -> None:
        if 0 <= v < 256:
            self.b += b"K" + bytes([v])
        elif 0 <= v < 65536:
            self.b += b"M" + struct.pack("<H", v)
        else:
            self.b += b"J" + struct.pack("<i", v)

    def _tuple(self, items) -> None:
        if not items:
            self.b += b")"
            return
        if len(items) > 3:
            self.b += b"("
        for it in items:
            self.dump(it)
        self.b += {1: b"\x85", 2: b"\x86", 3: b"\x87"}.get(len(items), b"t")
        self._put()

    def _dtype(self, dt: np.dtype) -> None:
        if dt.str in self.dmemo:
            self._get(self.dmemo[dt.str])
            return
        self._global("numpy", "dtype")
        code = f"{dt.kind}{dt.itemsize}"
        self._tuple((code, 0, 1) if self.py2 else (code, False, True))
        self.b += b"R"
        self.dmemo[dt.str] = self._put()
        order = "|" if dt.itemsize == 1 else "<"
        self._tuple((3, order, None, None, None, -1, -1, 0))
        self.b += b"b"

    def _array(self, a: np.ndarray) -> None:
        a = np.ascontiguousarray(a)
        assert a.dtype.byteorder in "=<|"
        self._global("numpy.core.multiarray", "_reconstruct")
        self._global("numpy", "ndarray")
        self._tuple((0,))
        self._bytes(b"b")  # py2: the str 'b'; py3: b'b'
        self.b += b"\x87"
        self._put()
        self.b += b"R"
        self._put()
        self.b += b"("
        self._int(1)
        self._tuple(tuple(int(s) for s in a.shape))
        self._dtype(a.dtype)
        self.b += b"\x89"               # is_fortran = False
        self._bytes(a.tobytes())
        self.b += b"t"
        self._put()
        self.b += b"b"

    def dump(self, obj) -> None:
        if isinstance(obj, dict):
            self.b += b"}"
            self._put()
            items = list(obj.items())
            if len(items) == 1:
                self.dump(items[0][0]); self.dump(items[0][1]); self.b += b"s"
            elif items:
                self.b += b"("
                for k, v in items:
                    self.dump(k); self.dump(v)
                self.b += b"u"
        elif isinstance(obj, Reduce):
            self._global(obj.module, obj.name)
            self._tuple(obj.args)
            self.b += b"R"
            self._put()
        elif isinstance(obj, np.ndarray):
            self._array(obj)
        elif isinstance(obj, bool):
            self.b += b"\x88" if obj else b"\x89"
        elif isinstance(obj, (int, np.integer)):
            self._int(int(obj))
        elif obj is None:
            self.b += b"N"
        elif isinstance(obj, str):
            self._str(obj)
        elif isinstance(obj, bytes):
            self._bytes(obj)
        elif isinstance(obj, tuple):
            self._tuple(obj)
        else:
            raise TypeError(type(obj))

    def getvalue(self) -> bytes:
        return bytes(self.b) + b"."


def old_pickle(obj, flavor: str) -> bytes:
    p = OldPickle(flavor)
    p.dump(obj)
    return p.getvalue()


# --------------------------------------------------------------------------
# small file helpers
# --------------------------------------------------------------------------
def savemat(path: Path, d: dict, compress: bool = True) -> None:
    """scipy writes MAT v5 with its own header ('MATLAB 5.0 MAT-file Platform:
    posix, Created on: ...'); do_compression=True gives the zlib-compressed
    elements MATLAB's default -v7 save writes (SEED, SEED-IV, DEAP, DREAMER:
    torcheeg reads them with verify_compressed_data_integrity=False)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.savemat(str(path), d, do_compression=compress, oned_as="row")


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_ds_store(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = bytearray(6148)  # Finder's usual size
    body[:8] = b"\x00\x00\x00\x01Bud1"
    path.write_bytes(bytes(body))


def write_appledouble(path: Path) -> None:
    """'._name' resource-fork file as macOS's Archive Utility leaves in __MACOSX/."""
    path.parent.mkdir(parents=True, exist_ok=True)
    hdr = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X        ", 2)
    hdr += struct.pack(">III", 9, 50, 3632) + struct.pack(">III", 2, 3682, 286)
    body = bytearray(4096)
    body[: len(hdr)] = hdr
    body[50:54] = b"ATTR"
    path.write_bytes(bytes(body))


def write_channel_order_xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, ch in enumerate(SEED_CH, 1):
        ws.cell(row=i, column=1, value=ch)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))


SEED_README = """Preprocessed EEG of SEED (miniature test copy).
Each .mat file holds the 15 trials of one experiment of one subject, named
<initials>_eeg<trial>, 62 channels x samples, downsampled to 200 Hz and
band-pass filtered 0-75 Hz, in microvolts. File name: <subject>_<yyyymmdd>.mat.
label.mat holds the emotion label of the 15 trials (-1 negative, 0 neutral,
1 positive), the same in every experiment.
"""

SEED_FEAT_README = """Extracted features of SEED (miniature test copy).
For trial i: de_movingAve{i}, de_LDS{i}, psd_movingAve{i}, psd_LDS{i},
dasm_*{i}, rasm_*{i}, asm_*{i}, dcau_*{i}; channels x windows x 5 bands,
1-second windows; bands delta, theta, alpha, beta, gamma.
"""

SEED_IV_README = """SJTU Emotion EEG Dataset for Four Emotions (SEED-IV) (miniature test copy)
Label:
session1_label = [1,2,3,0,2,0,0,1,0,1,2,1,1,1,2,3,2,2,3,3,0,3,0,3];
session2_label = [2,1,3,0,0,2,0,2,3,3,2,3,2,0,1,1,2,1,0,3,0,1,3,1];
session3_label = [1,2,2,1,3,3,3,1,1,2,1,0,2,3,3,0,2,3,0,0,2,0,1,0];
The labels with 0, 1, 2, and 3 denote the ground truth, neutral, sad, fear, and happy emotions, respectively.
The size of the sliding time windows for feature extraction is 4 seconds.
"""


# --------------------------------------------------------------------------
# dataset writers (each returns what the manifest needs)
# --------------------------------------------------------------------------
def _seed_secs(subject: int, session: int, short: bool = False) -> list[int]:
    # 4..6 s, different trial to trial and session to session; refusal copies
    # (content irrelevant) use 1..2 s to save space
    if short:
        return [1 + ((i + session + subject) % 2) for i in range(15)]
    return [4 + ((2 * i + session + subject) % 3) for i in range(15)]


def write_seed_session(pe_dir: Path, subject: int, session: int,
                       feat_dir: Path | None = None, short: bool = False) -> dict:
    """One Preprocessed_EEG/<s>_<date>.mat (15 trials of 200*s+1 samples) and,
    optionally, the matching ExtractedFeatures file."""
    date = SEED_DATES[subject][session - 1]
    ini = SEED_INITIALS[subject - 1]
    secs = _seed_secs(subject, session, short)
    raw, feats = {}, {}
    for i, s in enumerate(secs, 1):
        x = synth(62, 200 * s + 1, 200, SEED_FZ, ("seed", subject, session, i))
        raw[f"{ini}_eeg{i}"] = x
        if feat_dir is not None:
            psd = band_power(x, 200, 1.0, SEED_BANDS)           # (T, 62, 5), T = s
            de = seed_de(psd)
            de_ma, de_l = moving_ave(de), lds(de)
            psd_ma, psd_l = moving_ave(psd), lds(psd)
            li = [SEED_CH.index(a) for a, _ in DASM_PAIRS]
            ri = [SEED_CH.index(b) for _, b in DASM_PAIRS]
            fi = [SEED_CH.index(a) for a, _ in DCAU_PAIRS]
            bi = [SEED_CH.index(b) for _, b in DCAU_PAIRS]

            def cwb(a):  # (T, C, 5) -> (C, T, 5) as released
                return np.ascontiguousarray(a.transpose(1, 0, 2))

            # released key order, 12 keys per trial
            feats[f"de_movingAve{i}"] = cwb(de_ma)
            feats[f"de_LDS{i}"] = cwb(de_l)
            feats[f"psd_movingAve{i}"] = cwb(psd_ma)
            feats[f"psd_LDS{i}"] = cwb(psd_l)
            dasm_ma, dasm_l = de_ma[:, li] - de_ma[:, ri], de_l[:, li] - de_l[:, ri]
            rasm_ma, rasm_l = de_ma[:, li] / de_ma[:, ri], de_l[:, li] / de_l[:, ri]
            feats[f"dasm_movingAve{i}"] = cwb(dasm_ma)
            feats[f"dasm_LDS{i}"] = cwb(dasm_l)
            feats[f"rasm_movingAve{i}"] = cwb(rasm_ma)
            feats[f"rasm_LDS{i}"] = cwb(rasm_l)
            feats[f"asm_movingAve{i}"] = cwb(np.concatenate([dasm_ma, rasm_ma], 1))
            feats[f"asm_LDS{i}"] = cwb(np.concatenate([dasm_l, rasm_l], 1))
            feats[f"dcau_movingAve{i}"] = cwb(de_ma[:, fi] - de_ma[:, bi])
            feats[f"dcau_LDS{i}"] = cwb(de_l[:, fi] - de_l[:, bi])
    fname = f"{subject}_{date}.mat"
    savemat(pe_dir / fname, raw)
    if feat_dir is not None:
        savemat(feat_dir / fname, {k: f32(v) for k, v in feats.items()})
    return {"file": fname, "samples": [200 * s + 1 for s in secs], "secs": secs}


def write_seed_label(folder: Path) -> None:
    # believed int16 in the release (printouts show integers); loaders should
    # not depend on the dtype
    savemat(folder / "label.mat", {"label": np.array([SEED_LABELS], dtype=np.int16)})


def seed_copy(root: Path, subjects, sessions, *, label=True, readme=True,
              strays=False, features=False, short=False) -> dict:
    pe = root / "Preprocessed_EEG"
    pe.mkdir(parents=True, exist_ok=True)
    fe = root / "ExtractedFeatures" if features else None
    info = {}
    for s in subjects:
        for k in sessions:
            info[(s, k)] = write_seed_session(pe, s, k, fe, short)
    if label:
        write_seed_label(pe)
        if fe is not None:
            write_seed_label(fe)
    if readme:
        write_text(pe / "readme.txt", SEED_README)
        if fe is not None:
            write_text(fe / "readme.txt", SEED_FEAT_README)
    if strays:
        write_ds_store(pe / ".DS_Store")
        write_ds_store(root / ".DS_Store")
        write_channel_order_xlsx(root / "Channel Order.xlsx")
        # Preprocessed_EEG.zip unzipped on macOS inside the dataset root
        for f in sorted(pe.iterdir()):
            if f.suffix in (".mat", ".txt"):
                write_appledouble(root / "__MACOSX" / "Preprocessed_EEG" / ("._" + f.name))
    return info


def _per_subject_session(info, fn):
    out: dict = {}
    for (s, k), v in sorted(info.items()):
        out.setdefault(str(s), {})[str(k)] = fn(v, s, k)
    return out


# ---- SEED-IV ---------------------------------------------------------------
def _seed_iv_secs(subject: int, session: int, short: bool = False) -> list[int]:
    if short:
        return [1 + ((5 * i + session + 2 * subject) % 3) for i in range(24)]  # 1..3 s
    return [4 + ((5 * i + session + 2 * subject) % 2) for i in range(24)]      # 4..5 s


def write_seed_iv(root: Path, subjects, sessions, feature_sessions=(), short=False) -> dict:
    info = {}
    for s in subjects:
        for k in sessions:
            date = SEED_IV_DATES[s][k - 1]
            ini = SEED_IV_INITIALS[s]
            secs = _seed_iv_secs(s, k, short)
            d = {}
            for i, sec in enumerate(secs, 1):
                # 200*s+1 samples as in SEED (LibEER drops the first sample of
                # both SEED and SEED-IV trials); not confirmed for SEED-IV
                d[f"{ini}_eeg{i}"] = synth(62, 200 * sec + 1, 200, SEED_FZ, ("seed4", s, k, i))
            savemat(root / "eeg_raw_data" / str(k) / f"{s}_{date}.mat", d)
            info[(s, k)] = {"file": f"{s}_{date}.mat", "samples": [200 * x + 1 for x in secs]}
        for k in feature_sessions:
            date = SEED_IV_DATES[s][k - 1]
            f = {}
            for i in range(1, 25):
                nw = 2 + (i + s) % 4  # notional 4-s windows: 2..5 (see notes)
                x = synth(62, 800 * nw, 200, SEED_FZ, ("seed4f", s, k, i))
                psd = band_power(x, 200, 4.0, SEED_BANDS)      # (W, 62, 5)
                de = seed_de(psd)
                for name, a in (("de_movingAve", moving_ave(de)), ("de_LDS", lds(de)),
                                ("psd_movingAve", moving_ave(psd)), ("psd_LDS", lds(psd))):
                    f[f"{name}{i}"] = f32(a.transpose(1, 0, 2))  # (62, W, 5)
            savemat(root / "eeg_feature_smooth" / str(k) / f"{s}_{date}.mat", f)
    write_text(root / "ReadMe.txt", SEED_IV_README)
    return info


# ---- SEED-V ------------------------------------------------------------------
def write_seed_v(root: Path, subjects) -> dict:
    out = {}
    for s in subjects:
        data, label, nwin = {}, {}, []
        for k in range(45):
            sess, tr = k // 15 + 1, k % 15
            nw = 2 + (k * 7 + s) % 5  # 4-s windows, 2..6 per trial
            x = synth(62, 800 * nw, 200, SEED_FZ, ("seed5", s, k))
            de = seed_de(band_power(x, 200, 4.0, SEED_BANDS))   # (W, 62, 5)
            data[k] = np.ascontiguousarray(de.reshape(nw, 310))  # channel-major
            label[k] = np.full(nw, float(SEED_V_LABELS[sess][tr]))
            nwin.append(nw)
        p = root / "EEG_DE_features" / f"{s}_123.npz"
        p.parent.mkdir(parents=True, exist_ok=True)
        # As torcheeg/others read it: np.load(f) (no allow_pickle needed) then
        # pickle.loads(npz['data']): each entry is the *bytes* of a pickle,
        # stored as a 0-d |S array.
        np.savez(str(p), data=np.array(old_pickle(data, "py3")),
                 label=np.array(old_pickle(label, "py3")))
        out[s] = nwin
    return out


# ---- SEED-VII --------------------------------------------------------------
def _seed_vii_secs(subject: int) -> list[int]:
    return [1 + ((7 * i + subject) % 2) for i in range(80)]  # 1 or 2 s


def write_seed_vii_xlsx(path: Path) -> None:
    """Row 2k-1: video numbers; row 2k: 'Session k' in A, 20 names in B:U.
    (Three independent public readers agree that the names sit in rows
    2, 4, 6, 8, columns B:U; the 'Session' text in A is what the note and one
    reader rely on. What row 1/3/5/7 column A says is not public: unverified.)"""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for k in range(1, 5):
        r = 2 * k - 1
        ws.cell(row=r, column=1, value="Video index")
        for j in range(20):
            ws.cell(row=r, column=2 + j, value=(k - 1) * 20 + j + 1)
        ws.cell(row=r + 1, column=1, value=f"Session {k}")
        for j, name in enumerate(SEED_VII_ORDER[k]):
            ws.cell(row=r + 1, column=2 + j, value=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))


def write_seed_vii(root: Path, subjects, *, features=False, short=False,
                   label_file="xlsx") -> dict:
    info = {}
    for s in subjects:
        secs = [1] * 80 if short else _seed_vii_secs(s)
        d = {}
        for i, sec in enumerate(secs, 1):
            # whole seconds: the authors' script keeps clip[:, :num*200]
            d[str(i)] = synth(62, 200 * sec, 200, SEED_FZ, ("seed7", s, i))
        savemat(root / "EEG_preprocessed" / f"{s}.mat", d)
        info[s] = secs
        if features:
            f = {}
            for i in range(1, 81):
                nw = 1 + (i + s) % 3  # notional 4-s windows
                x = synth(62, 800 * nw, 200, SEED_FZ, ("seed7f", s, i))
                psd = band_power(x, 200, 4.0, SEED_VII_BANDS).transpose(0, 2, 1)  # (W, 5, 62)
                de = seed_de(psd)
                f[f"psd_{i}"] = f32(psd)
                f[f"de_{i}"] = f32(de)
                f[f"de_LDS_{i}"] = f32(lds(de))
            # the authors' script uses sio.savemat defaults (no compression);
            # compressed here only to stay small (scipy/MATLAB read both alike)
            savemat(root / "EEG_features" / f"{s}.mat", f)
    xl = root / "emotion_label_and_stimuli_order.xlsx"
    if label_file == "xlsx":
        write_seed_vii_xlsx(xl)
    elif label_file == "empty_xlsx":
        wb = openpyxl.Workbook()
        wb.save(str(xl))
    elif label_file == "csv":
        lines = []
        for k in range(1, 5):
            lines.append(",".join(["Video index"] + [str((k - 1) * 20 + j + 1) for j in range(20)]))
            lines.append(",".join([f"Session {k}"] + SEED_VII_ORDER[k]))
        write_text(root / "emotion_label_and_stimuli_order.csv", "\n".join(lines) + "\n")
    return info


# ---- DEAP ------------------------------------------------------------------
DEAP_TRIALS = 6
DEAP_SECS = 3 + 4  # 3-s baseline + 4 s of video (real: 3 + 60)


def deap_subject(s: int, n_trials: int = DEAP_TRIALS) -> tuple[np.ndarray, np.ndarray]:
    n = DEAP_SECS * 128
    data = np.empty((n_trials, 40, n))
    for t in range(n_trials):
        x = synth(40, n, 128, DEAP_FZ, ("deap", s, t))
        rng = _rng("deap-periph", s, t)
        # peripheral channels in their own (non-EEG) scales, so a loader that
        # keeps all 40 channels stands out
        x[32:34] *= 20.0                                       # EOG
        x[34:36] *= 10.0                                       # EMG
        x[36] = 3000.0 + np.cumsum(rng.normal(0, 5, n))        # GSR
        x[37] = 800.0 * np.sin(2 * np.pi * 0.3 * np.arange(n) / 128)   # respiration
        x[38] = 5000.0 * np.sin(2 * np.pi * 1.2 * np.arange(n) / 128)  # plethysmograph
        x[39] = 31.5 + 0.001 * np.arange(n)                             # temperature
        data[t] = x
    rng = _rng("deap-labels", s)
    labels = np.round(rng.uniform(1.0, 9.0, (DEAP_TRIALS, 4)), 2)[:n_trials]
    return data, labels


def write_deap_python(folder: Path, subjects, evil_marker: Path | None = None) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for s in subjects:
        # in the malicious copy the benign second subject keeps 2 trials (size)
        data, labels = deap_subject(s, 2 if evil_marker is not None else DEAP_TRIALS)
        out[s] = labels
        obj = {"labels": labels, "data": data}
        if evil_marker is not None and s == subjects[0]:
            cmd = "touch " + shlex.quote(str(evil_marker))
            obj = {"labels": Reduce("posix", "system", (cmd,)), "data": data[:1, :1, :8]}
        (folder / f"s{s:02d}.dat").write_bytes(old_pickle(obj, "py2"))
    return out


def write_deap_matlab(folder: Path, subjects) -> None:
    for s in subjects:
        data, labels = deap_subject(s)
        savemat(folder / f"s{s:02d}.mat", {"data": data, "labels": labels})


# ---- DREAMER -----------------------------------------------------------------
DREAMER_STIM = {1: [5, 7, 9], 2: [6, 4, 8]}   # seconds per clip
DREAMER_BASE = {1: [2, 2, 2], 2: [3, 3, 3]}   # real: 61 s


def _cell(arrays, shape) -> np.ndarray:
    c = np.empty(shape, dtype=object)
    for i, a in enumerate(arrays):
        c.flat[i] = a
    return c


def dreamer_scores(s: int) -> np.ndarray:
    rng = _rng("dreamer-scores", s)
    return rng.integers(1, 6, (3, 3)).astype(float)  # clips x (V, A, D)


def write_dreamer(path: Path, subjects, varname="DREAMER") -> dict:
    q = EMOTIV_LSB
    subs = []
    for s in subjects:
        base, stim, ebase, estim = [], [], [], []
        for c, (bs, ss) in enumerate(zip(DREAMER_BASE[s], DREAMER_STIM[s])):
            base.append(np.ascontiguousarray(
                synth(14, 128 * bs, 128, DREAMER_F3, ("dreamer-b", s, c), dc=DREAMER_DC, q=q).T))
            stim.append(np.ascontiguousarray(
                synth(14, 128 * ss, 128, DREAMER_F3, ("dreamer-s", s, c), dc=DREAMER_DC, q=q).T))
            r = _rng("ecg", s, c)
            ebase.append(np.round(r.normal(0, 50, (256 * bs, 2)) + 2000.0))
            estim.append(np.round(r.normal(0, 50, (256 * ss, 2)) + 2000.0))
        sc = dreamer_scores(s)
        subs.append({
            "Age": str(22 + s), "Gender": "male" if s % 2 else "female",
            "EEG": {"baseline": _cell(base, (len(base), 1)), "stimuli": _cell(stim, (len(stim), 1))},
            "ECG": {"baseline": _cell(ebase, (len(ebase), 1)), "stimuli": _cell(estim, (len(estim), 1))},
            "ScoreValence": sc[:, :1].copy(), "ScoreArousal": sc[:, 1:2].copy(),
            "ScoreDominance": sc[:, 2:3].copy(),
        })
    top = {
        "Data": _cell(subs, (1, len(subs))),
        "EEG_SamplingRate": np.array([[128.0]]),
        "ECG_SamplingRate": np.array([[256.0]]),
        "EEG_Electrodes": _cell(DREAMER_CH, (1, 14)),
        "noOfSubjects": np.array([[float(len(subjects))]]),
        "noOfVideoSequences": np.array([[3.0]]),
        "Disclaimer": "Miniature test copy; not the DREAMER data.",
        "Provider": "test-data generator",
        "Version": "1.0.2",
        "Acknowledgement": "Layout after Katsigiannis & Ramzan, DREAMER (2018).",
    }
    savemat(path, {varname: top})
    return {s: dreamer_scores(s) for s in subjects}


# --------------------------------------------------------------------------
# permissions
# --------------------------------------------------------------------------
def make_read_only(root: Path) -> None:
    for p in sorted(root.rglob("*"), key=lambda q: -len(q.parts)):
        if p.is_file():
            p.chmod(0o444)
        elif p.is_dir():
            p.chmod(0o555)
    root.chmod(0o555)


def make_writable(root: Path) -> None:
    if not root.exists():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        os.chmod(dirpath, os.stat(dirpath).st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)
        for d in dirnames:
            p = os.path.join(dirpath, d)
            os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
LAYOUT_DIRS = [
    "seed", "seed_iv", "seed_v", "seed_vii", "deap", "deap_matlab", "dreamer",
    "seed_vii_nested", "seed_readonly", "seed_iv_no_session3",
    "bad_seed_no_label", "bad_seed_empty", "bad_seed_truncated", "bad_seed_zipped",
    "bad_seed_vii_csv", "bad_seed_vii_empty_xlsx", "bad_deap_malicious",
    "bad_dreamer_renamed",
]


def _seed_family_common(sfreq=200) -> dict:
    return {"sfreq": sfreq, "n_channels": 62, "channel_names": SEED_CH,
            "test_channel": "FZ", "test_channel_index": SEED_FZ,
            "test_amplitude_uv": A_TEST, "test_frequency_hz": F_TEST, "test_dc": 0.0,
            "stored_unit": SEED_UNIT, "noise_rms_max": 5.0}


def main(out: str | Path) -> list[dict]:
    t0 = time.time()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for d in LAYOUT_DIRS:
        make_writable(out / d)
        shutil.rmtree(out / d, ignore_errors=True)
    for f in ("manifest.json", "manifest.yaml"):
        (out / f).unlink(missing_ok=True)
    man: list[dict] = []

    # ---------------- SEED (with strays and ExtractedFeatures) ----------------
    root = out / "seed" / "SEED_EEG"
    info = seed_copy(root, [1, 2], [1, 2], strays=True, features=True)
    seed_read = {
        "dataset": "seed", "root": "seed/SEED_EEG", "expect": "read",
        "subjects": [1, 2], "sessions": {"1": [1, 2], "2": [1, 2]},
        "trials_per_session": 15,
        "files": _per_subject_session(info, lambda v, s, k: f"Preprocessed_EEG/{v['file']}"),
        "labels": _per_subject_session(info, lambda v, s, k: list(SEED_LABELS)),
        **_seed_family_common(),
    }
    man.append({
        "name": "seed", "kind": "raw", **seed_read,
        "trial_samples": _per_subject_session(info, lambda v, s, k: v["samples"]),
        "trial_seconds": _per_subject_session(info, lambda v, s, k: [n / 200 for n in v["samples"]]),
        "strays": [".DS_Store", "Channel Order.xlsx", "Preprocessed_EEG/.DS_Store",
                   "Preprocessed_EEG/readme.txt", "__MACOSX/Preprocessed_EEG/._*.mat",
                   "ExtractedFeatures/ (features, not raw)"],
        "notes": ("Trials are 200*s+1 samples (as released, e.g. 47001); trial number "
                  "comes from the key suffix _eeg<k>. Sessions are numbered by file date "
                  "order. Real trials are ~4 min; these are 4-6 s. __MACOSX/ holds "
                  "AppleDouble '._*.mat' files that are not MAT files: a loader that "
                  "globs **/*.mat must skip them. Stored unit uV, float64, MAT v5 written "
                  "by scipy with compression (MATLAB -v7 style)."),
    })
    man.append({
        "name": "seed_features", "kind": "features", **seed_read,
        "files": _per_subject_session(info, lambda v, s, k: f"ExtractedFeatures/{v['file']}"),
        "feature_keys_per_trial": ["de_movingAve", "de_LDS", "psd_movingAve", "psd_LDS",
                                   "dasm_movingAve", "dasm_LDS", "rasm_movingAve", "rasm_LDS",
                                   "asm_movingAve", "asm_LDS", "dcau_movingAve", "dcau_LDS"],
        "feature_rows": {"de": 62, "psd": 62, "dasm": 27, "rasm": 27, "asm": 54, "dcau": 23},
        "feature_layout": "(rows, windows, 5 bands)", "window_seconds": 1.0,
        "windows_per_trial": _per_subject_session(info, lambda v, s, k: v["secs"]),
        "bands_hz": SEED_BANDS, "de_convention": "log2(100 * mean band |FFT|^2) (SEED-style)",
        "test_feature": ("de_LDS/de_movingAve: channel FZ (row 9), alpha band (index 2) is the "
                         "largest of all 62 channels in every window"),
        "notes": ("Features computed here from the same synthetic trials (1-s Hann windows). "
                  "label.mat and readme.txt also sit in ExtractedFeatures/ (LibEER reads "
                  "ExtractedFeatures/label.mat). DCAU pair list unverified."),
    })

    # ---------------- SEED-IV -------------------------------------------------
    root = out / "seed_iv" / "SEED_IV"
    info = write_seed_iv(root, [1, 2], [1, 2, 3], feature_sessions=[1])
    common_iv = {"dataset": "seed-iv", "root": "seed_iv/SEED_IV", "expect": "read",
                 "subjects": [1, 2], "trials_per_session": 24, **_seed_family_common()}
    man.append({
        "name": "seed_iv", "kind": "raw", **common_iv,
        "sessions": {"1": [1, 2, 3], "2": [1, 2, 3]},
        "files": _per_subject_session(info, lambda v, s, k: f"eeg_raw_data/{k}/{v['file']}"),
        "labels": _per_subject_session(info, lambda v, s, k: list(SEED_IV_LABELS[k])),
        "trial_samples": _per_subject_session(info, lambda v, s, k: v["samples"]),
        "trial_seconds": _per_subject_session(info, lambda v, s, k: [n / 200 for n in v["samples"]]),
        "strays": ["ReadMe.txt", "eeg_feature_smooth/ (features, session 1 only)"],
        "notes": ("Session = folder name 1/2/3, labels fixed per session (ReadMe). Keys "
                  "<initials>_eeg1..24; trials 4-5 s here (real ~2-4 min). 200 Hz; the +1 sample "
                  "per trial is inferred from LibEER dropping the first sample, not confirmed."),
    })
    man.append({
        "name": "seed_iv_features", "kind": "features", **common_iv,
        "sessions": {"1": [1], "2": [1]},
        "files": {str(s): {"1": f"eeg_feature_smooth/1/{s}_{SEED_IV_DATES[s][0]}.mat"} for s in (1, 2)},
        "labels": {str(s): {"1": list(SEED_IV_LABELS[1])} for s in (1, 2)},
        "feature_keys_per_trial": ["de_movingAve", "de_LDS", "psd_movingAve", "psd_LDS"],
        "feature_layout": "(62, windows, 5 bands)", "window_seconds": 4.0,
        "windows_per_trial": {str(s): {"1": [2 + (i + s) % 4 for i in range(1, 25)]} for s in (1, 2)},
        "bands_hz": SEED_BANDS,
        "test_feature": "de_LDS: FZ (row 9), alpha (index 2) largest of all channels in every window",
        "notes": ("Only session folder 1 exists under eeg_feature_smooth/ (kept small): a "
                  "features loader should read session 1 and say sessions 2-3 are absent. "
                  "Window counts are of notional 8-20 s trials, not of the shortened raw trials."),
    })

    # ---------------- SEED-V --------------------------------------------------
    root = out / "seed_v" / "SEED-V"
    nwin = write_seed_v(root, [1, 2])
    man.append({
        "name": "seed_v_features", "dataset": "seed-v", "kind": "features",
        "root": "seed_v/SEED-V", "expect": "read", "subjects": [1, 2],
        "sessions": {"1": [1, 2, 3], "2": [1, 2, 3]}, "trials_per_session": 15,
        "files": {str(s): f"EEG_DE_features/{s}_123.npz" for s in (1, 2)},
        "labels": {str(s): {str(k): list(SEED_V_LABELS[k]) for k in (1, 2, 3)} for s in (1, 2)},
        "windows_per_trial": {str(s): {str(k): nwin[s][(k - 1) * 15: k * 15] for k in (1, 2, 3)}
                              for s in (1, 2)},
        "feature_layout": "data[k]: (windows, 310) = 62 channels x 5 bands, channel-major; "
                          "label[k]: (windows,) float64, constant per trial; k = 0..44 int, "
                          "0-14 session 1, 15-29 session 2, 30-44 session 3",
        "window_seconds": 4.0, "bands_hz": SEED_BANDS,
        "test_feature": "data[k].reshape(-1, 62, 5)[:, 9, 2] (FZ alpha) is the largest over channels",
        **{k: v for k, v in _seed_family_common().items() if k != "sfreq"},
        "sfreq": None,
        "notes": ("docs/datasets.md calls the npz entries 'pickled dicts' saved with "
                  "allow_pickle; the public readers (torcheeg SEEDVFeatureDataset) do "
                  "np.load(file) WITHOUT allow_pickle and pickle.loads(npz['data']): the entries "
                  "are 0-d bytes (|S) arrays holding a pickle, written here that way (protocol 3, "
                  "numpy.core.multiarray globals as numpy 1.x wrote them). Unpickling these bytes "
                  "runs code from disk: use a restricted unpickler. Label dtype unknown (float64 "
                  "here). Raw .cnt not generated (no writer exists)."),
    })

    # ---------------- SEED-VII ------------------------------------------------
    root = out / "seed_vii" / "SEED-VII"
    info7 = write_seed_vii(root, [1, 2], features=True)

    def vii_read(subjects, secs_info, root_rel, name, notes, expect="read"):
        return {
            "name": name, "dataset": "seed-vii", "kind": "raw", "root": root_rel, "expect": expect,
            "subjects": subjects, "sessions": {str(s): [1, 2, 3, 4] for s in subjects},
            "trials_per_session": 20,
            "files": {str(s): f"EEG_preprocessed/{s}.mat" for s in subjects},
            "labels": {str(s): {str(k): list(SEED_VII_ORDER[k]) for k in (1, 2, 3, 4)} for s in subjects},
            "labels_flat": {str(s): sum((SEED_VII_ORDER[k] for k in (1, 2, 3, 4)), []) for s in subjects},
            "trial_samples": {str(s): {str(k): [200 * x for x in secs_info[s][(k - 1) * 20: k * 20]]
                                       for k in (1, 2, 3, 4)} for s in subjects},
            "trial_seconds": {str(s): {str(k): [float(x) for x in secs_info[s][(k - 1) * 20: k * 20]]
                                       for k in (1, 2, 3, 4)} for s in subjects},
            **_seed_family_common(), "notes": notes,
        }

    man.append(vii_read([1, 2], info7, "seed_vii/SEED-VII", "seed_vii",
                        "Keys '1'..'80' (session k = keys 20(k-1)+1..20k), (62, 200*s) whole "
                        "seconds as in the authors' script; trials 1-2 s here (real ~2-5 min). "
                        "Labels only from emotion_label_and_stimuli_order.xlsx: names in B:U of "
                        "rows 2,4,6,8 (A = 'Session k'); rows 1,3,5,7 hold video numbers with "
                        "A = 'Video index' (that text is a guess). Compression of the real "
                        "EEG_preprocessed files is unknown; compressed here to stay small."))
    man.append({
        "name": "seed_vii_features", "dataset": "seed-vii", "kind": "features",
        "root": "seed_vii/SEED-VII", "expect": "read", "subjects": [1, 2],
        "sessions": {"1": [1, 2, 3, 4], "2": [1, 2, 3, 4]}, "trials_per_session": 20,
        "files": {str(s): f"EEG_features/{s}.mat" for s in (1, 2)},
        "labels": {str(s): {str(k): list(SEED_VII_ORDER[k]) for k in (1, 2, 3, 4)} for s in (1, 2)},
        "feature_keys_per_trial": ["psd_{i}", "de_{i}", "de_LDS_{i}"],
        "feature_layout": "(windows, 5 bands, 62 channels) - bands BEFORE channels, unlike SEED",
        "window_seconds": 4.0, "bands_hz": SEED_VII_BANDS,
        "windows_per_trial": {str(s): [1 + (i + s) % 3 for i in range(1, 81)] for s in (1, 2)},
        "test_feature": "de_LDS_{i}[:, 2, 9] (alpha, FZ) largest over channels in every window",
        **{k: v for k, v in _seed_family_common().items() if k != "sfreq"}, "sfreq": None,
        "notes": ("Key order per video psd_i, de_i, de_LDS_i as the authors' script writes; "
                  "uncompressed (sio.savemat defaults). Window counts are notional (not from "
                  "the shortened raw trials)."),
    })

    # ---------------- DEAP ----------------------------------------------------
    labels_deap = write_deap_python(out / "deap" / "DEAP" / "data_preprocessed_python", [1, 2])
    deap_common = {
        "dataset": "deap", "kind": "raw", "expect": "read", "subjects": [1, 2],
        "sessions": {"1": [1], "2": [1]}, "trials_per_session": DEAP_TRIALS,
        "labels": {str(s): {"1": labels_deap[s].tolist()} for s in (1, 2)},
        "label_columns": ["valence", "arousal", "dominance", "liking"],
        "sfreq": 128, "n_channels": 32, "n_channels_stored": 40, "channel_names": DEAP_EEG,
        "stored_channel_names": DEAP_CH,
        "trial_samples": {str(s): {"1": [DEAP_SECS * 128] * DEAP_TRIALS} for s in (1, 2)},
        "trial_seconds": {str(s): {"1": [float(DEAP_SECS)] * DEAP_TRIALS} for s in (1, 2)},
        "baseline_seconds": 3.0, "stimulus_seconds": float(DEAP_SECS - 3),
        "test_channel": "Fz", "test_channel_index": DEAP_FZ, "test_amplitude_uv": A_TEST,
        "test_frequency_hz": F_TEST, "test_dc": 0.0, "stored_unit": "uV (EEG channels 1-32)",
        "noise_rms_max": 5.0,
    }
    man.append({
        "name": "deap", "root": "deap/DEAP", **deap_common,
        "files": {str(s): f"data_preprocessed_python/s{s:02d}.dat" for s in (1, 2)},
        "notes": ("Python-2 cPickle protocol-2 dicts {'labels','data'}: keys and the array "
                  "buffers are py2 byte strings, so Python 3 needs encoding='latin1' (default "
                  "'ASCII' raises UnicodeDecodeError); globals numpy.core.multiarray._reconstruct, "
                  "numpy.ndarray, numpy.dtype only. data float64 (trials, 40, samples): every "
                  "trial has the same length by construction (one 3-D array), so unequal trial "
                  "lengths cannot be tested on DEAP. Real: 40 trials x 8064 samples (3 s "
                  "baseline + 60 s); here 6 trials x 896 (3 s + 4 s). float64 for the real "
                  "files is believed, not confirmed. Channels 33-40 are peripheral, in other "
                  "scales (GSR ~3000, plethysmograph +-5000): keep 1-32."),
    })
    write_deap_matlab(out / "deap_matlab" / "DEAP" / "data_preprocessed_matlab", [1, 2])
    man.append({
        "name": "deap_matlab", "root": "deap_matlab/DEAP", **deap_common,
        "files": {str(s): f"data_preprocessed_matlab/s{s:02d}.mat" for s in (1, 2)},
        "notes": ("The release also ships data_preprocessed_matlab/sXX.mat with variables "
                  "'data' (40x40x8064 double) and 'labels' (40x4); same content as the pickles. "
                  "Only the matlab folder is present in this copy."),
    })

    # ---------------- DREAMER -------------------------------------------------
    scores = write_dreamer(out / "dreamer" / "DREAMER.mat", [1, 2])
    dreamer_read = {
        "dataset": "dreamer", "kind": "raw", "expect": "read", "subjects": [1, 2],
        "sessions": {"1": [1], "2": [1]}, "trials_per_session": 3,
        "labels": {str(s): {"1": scores[s].tolist()} for s in (1, 2)},
        "label_columns": ["valence", "arousal", "dominance"],
        "sfreq": 128, "n_channels": 14, "channel_names": DREAMER_CH,
        "trial_samples": {str(s): {"1": [128 * x for x in DREAMER_STIM[s]]} for s in (1, 2)},
        "trial_seconds": {str(s): {"1": [float(x) for x in DREAMER_STIM[s]]} for s in (1, 2)},
        "baseline_seconds": {str(s): {"1": [float(x) for x in DREAMER_BASE[s]]} for s in (1, 2)},
        "test_channel": "F3", "test_channel_index": DREAMER_F3, "test_amplitude_uv": A_TEST,
        "test_frequency_hz": F_TEST, "test_dc": DREAMER_TEST_DC,
        "channel_dc": DREAMER_DC,
        "stored_unit": "Emotiv EPOC raw values = uV with a DC level of ~4200 uV (0.51 uV LSB)",
        "noise_rms_max": 5.0,
    }
    man.append({
        "name": "dreamer", "root": "dreamer", "root_file": "dreamer/DREAMER.mat", **dreamer_read,
        "notes": ("Struct DREAMER: Data (1xN cell of 1x1 structs Age (char), Gender (char), "
                  "EEG/ECG {baseline, stimuli: Kx1 cells of (samples, channels) double, time "
                  "first}, ScoreValence/Arousal/Dominance Kx1 double 1-5), EEG_SamplingRate "
                  "128, ECG_SamplingRate 256, EEG_Electrodes 1x14 cell, noOfSubjects, "
                  "noOfVideoSequences, Disclaimer, Provider, Version, Acknowledgement. Values "
                  "are raw Emotiv uV around a per-channel DC of 4150-4380 (unfiltered): remove "
                  "the DC/high-pass before amplitude checks; the 10 Hz sine has amplitude 20 "
                  "around DC 4185 on F3. Real: 23 subjects x 18 clips, 61-s baselines; here "
                  "2 x 3 clips, 2-3 s baselines (take counts and lengths from the file)."),
    })

    # ---------------- user layouts: nested root, read-only ---------------------
    nest = out / "seed_vii_nested" / "SEED_VII" / "SEED-VII"
    info_n = write_seed_vii(nest, [1], short=True)
    man.append(vii_read([1], info_n, "seed_vii_nested/SEED_VII", "seed_vii_nested",
                        "The user passed the folder ABOVE the release folder (SEED_VII/ holding "
                        "SEED-VII/, as unzipping SEED-VII.zip into a folder of the same name "
                        "leaves it). Accepting it (descending one level when exactly one child "
                        "is a SEED-VII release) or refusing with 'pass .../SEED_VII/SEED-VII' "
                        "are both reasonable. All trials 1 s.", expect="either")
               | {"inner_root": "seed_vii_nested/SEED_VII/SEED-VII",
                  "files": {"1": "SEED-VII/EEG_preprocessed/1.mat"}})

    ro = out / "seed_readonly" / "SEED_EEG"
    info_ro = seed_copy(ro, [1], [1])
    man.append({
        "name": "seed_readonly", "dataset": "seed", "kind": "raw", "root": "seed_readonly/SEED_EEG",
        "expect": "read", "subjects": [1], "sessions": {"1": [1]}, "trials_per_session": 15,
        "files": _per_subject_session(info_ro, lambda v, s, k: f"Preprocessed_EEG/{v['file']}"),
        "labels": {"1": {"1": list(SEED_LABELS)}},
        "trial_samples": _per_subject_session(info_ro, lambda v, s, k: v["samples"]),
        "trial_seconds": _per_subject_session(info_ro, lambda v, s, k: [n / 200 for n in v["samples"]]),
        **_seed_family_common(), "read_only": True,
        "notes": ("Files are 0444 and folders 0555 (a copy on a read-only share / from a "
                  "root-owned install): the loader must read without opening files for writing "
                  "and without writing caches or indexes into the dataset folder. Permissions "
                  "mean nothing to root. main() makes the folder writable again before it "
                  "deletes it on a re-run; other cleaners may need chmod -R u+w."),
    })

    # ---------------- SEED-IV without session 3 --------------------------------
    root = out / "seed_iv_no_session3" / "SEED_IV"
    info = write_seed_iv(root, [1], [1, 2], short=True)
    man.append({
        "name": "seed_iv_no_session3", "dataset": "seed-iv", "kind": "raw",
        "root": "seed_iv_no_session3/SEED_IV", "expect": "read", "subjects": [1],
        "sessions": {"1": [1, 2]}, "trials_per_session": 24,
        "files": _per_subject_session(info, lambda v, s, k: f"eeg_raw_data/{k}/{v['file']}"),
        "labels": _per_subject_session(info, lambda v, s, k: list(SEED_IV_LABELS[k])),
        "trial_samples": _per_subject_session(info, lambda v, s, k: v["samples"]),
        "trial_seconds": _per_subject_session(info, lambda v, s, k: [n / 200 for n in v["samples"]]),
        **_seed_family_common(), "should_warn": "session folder 3 is missing",
        "notes": ("Decision: read sessions 1 and 2 and tell the user that session 3 is absent. "
                  "Each session folder is self-contained (its files and its fixed label list), "
                  "so nothing is ambiguous and partial downloads are common; refusing would "
                  "block legitimate use. A loader must not shift labels (session 2 keeps the "
                  "session-2 list) and cross-session protocols must see only 2 sessions. Trials "
                  "are 1-3 s in this copy (size)."),
    })

    # ---------------- refusals --------------------------------------------------
    bad = out / "bad_seed_no_label" / "SEED_EEG"
    seed_copy(bad, [1], [1], label=False, short=True)
    man.append({"name": "bad_seed_no_label", "dataset": "seed", "kind": "raw",
                "root": "bad_seed_no_label/SEED_EEG", "expect": "refuse",
                "why": ("Preprocessed_EEG/label.mat is missing, so the emotion of each trial is "
                        "unknown; copy label.mat from the SEED download into Preprocessed_EEG/.")})

    (out / "bad_seed_empty" / "SEED_EEG" / "Preprocessed_EEG").mkdir(parents=True)
    man.append({"name": "bad_seed_empty", "dataset": "seed", "kind": "raw",
                "root": "bad_seed_empty/SEED_EEG", "expect": "refuse",
                "why": ("Preprocessed_EEG/ is empty: no <subject>_<date>.mat recordings (and no "
                        "label.mat) were found; unpack the SEED download into it.")})

    bad = out / "bad_seed_truncated" / "SEED_EEG"
    seed_copy(bad, [1], [1, 2], short=True)
    victim = bad / "Preprocessed_EEG" / f"1_{SEED_DATES[1][1]}.mat"
    full = victim.read_bytes()
    victim.write_bytes(full[: len(full) // 2])
    man.append({"name": "bad_seed_truncated", "dataset": "seed", "kind": "raw",
                "root": "bad_seed_truncated/SEED_EEG", "expect": "refuse",
                "damaged_file": f"Preprocessed_EEG/{victim.name}",
                "bytes_kept": len(full) // 2, "bytes_original": len(full),
                "why": (f"Preprocessed_EEG/{victim.name} is cut short (only half of the file is "
                        "there), so the download or copy did not finish; download that file "
                        "again."),
                "notes": ("The other session file is intact; a loader must not silently drop the "
                          "damaged one nor keep the trials it managed to decode.")})

    bad = out / "bad_seed_zipped" / "SEED_EEG"
    bad.mkdir(parents=True)
    tmp = out / "bad_seed_zipped" / "_tmp"
    seed_copy(tmp, [1], [1], short=True)
    with zipfile.ZipFile(bad / "Preprocessed_EEG.zip", "w", zipfile.ZIP_STORED) as z:
        for f in sorted((tmp / "Preprocessed_EEG").iterdir()):
            z.write(f, f"Preprocessed_EEG/{f.name}")
    shutil.rmtree(tmp)
    man.append({"name": "bad_seed_zipped", "dataset": "seed", "kind": "raw",
                "root": "bad_seed_zipped/SEED_EEG", "expect": "refuse",
                "why": ("Only Preprocessed_EEG.zip is here: the archive has not been unpacked; "
                        "unzip it so that Preprocessed_EEG/ holds the .mat files.")})

    write_seed_vii(out / "bad_seed_vii_csv" / "SEED-VII", [1], short=True, label_file="csv")
    man.append({"name": "bad_seed_vii_csv", "dataset": "seed-vii", "kind": "raw",
                "root": "bad_seed_vii_csv/SEED-VII", "expect": "refuse",
                "why": ("emotion_label_and_stimuli_order.xlsx is missing (there is a .csv "
                        "export instead); the trial labels are read only from the released "
                        ".xlsx, so put the original file back.")})

    write_seed_vii(out / "bad_seed_vii_empty_xlsx" / "SEED-VII", [1], short=True,
                   label_file="empty_xlsx")
    man.append({"name": "bad_seed_vii_empty_xlsx", "dataset": "seed-vii", "kind": "raw",
                "root": "bad_seed_vii_empty_xlsx/SEED-VII", "expect": "refuse",
                "why": ("emotion_label_and_stimuli_order.xlsx holds no session rows (it is an "
                        "empty workbook), so the 80 trial labels cannot be read; restore the "
                        "file from the SEED-VII download.")})

    marker = out / "bad_deap_malicious" / "PWNED_MARKER"
    write_deap_python(out / "bad_deap_malicious" / "DEAP" / "data_preprocessed_python",
                      [1, 2], evil_marker=marker)
    man.append({"name": "bad_deap_malicious", "dataset": "deap", "kind": "raw",
                "root": "bad_deap_malicious/DEAP", "expect": "refuse",
                "marker": "bad_deap_malicious/PWNED_MARKER", "marker_abs": str(marker),
                "why": ("data_preprocessed_python/s01.dat is not plain DEAP data: its pickle asks "
                        "to run a program (posix.system), so it was not loaded; replace it with "
                        "the file from the DEAP download."),
                "notes": ("s01.dat: py2 protocol-2 dict whose 'labels' value is "
                          "REDUCE(posix.system, ('touch <marker_abs>',)). Loading it with plain "
                          "pickle creates the marker file; it must not exist after the loader ran. "
                          "s02.dat is a valid (2-trial) subject.")})

    write_dreamer(out / "bad_dreamer_renamed" / "DREAMER.mat", [1, 2], varname="dreamer_data")
    man.append({"name": "bad_dreamer_renamed", "dataset": "dreamer", "kind": "raw",
                "root": "bad_dreamer_renamed", "root_file": "bad_dreamer_renamed/DREAMER.mat",
                "expect": "refuse", "variable_found": "dreamer_data",
                "why": ("DREAMER.mat holds a variable 'dreamer_data' but no 'DREAMER' struct: "
                        "this is not the released file (perhaps re-saved); use the original "
                        "DREAMER.mat.")})

    # read-only last (after everything is written)
    make_read_only(out / "seed_readonly")

    for m in man:
        m.setdefault("notes", "")
    (out / "manifest.json").write_text(json.dumps(man, indent=1))
    (out / "manifest.yaml").write_text(yaml.safe_dump(json.loads(json.dumps(man)), sort_keys=False))
    if os.environ.get("MAKE_LAYOUTS_VERBOSE"):
        print(f"{len(man)} layouts in {time.time() - t0:.1f} s", file=sys.stderr)
    return man


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_layouts.py OUT_DIR")
    t = time.time()
    m = main(sys.argv[1])
    print(f"wrote {len(m)} layouts to {sys.argv[1]} in {time.time() - t:.1f} s")
