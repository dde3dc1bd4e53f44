#!/usr/bin/env python
"""Generate a set of "foreign" EEG recordings, written the way other tools and labs
write them, plus manifest.yaml describing what a reader should do with each.

Run with:  python tests/foreign_eeg/make_files.py [OUT]   (default: this folder)
(needs numpy, scipy, h5py, pyedflib, edfio, pybv, eeglabio, mne, yaml)

Written apart from eegreason's reader, by someone who never saw it, as a test of what the reader
makes of files it was not written against (tests/test_foreign_files.py).

Every recording is synthetic:
  * the test channel (Fz, or the first channel if there is no Fz) carries
    20 uV (peak) * sin(2*pi*10*t), t = n / sfreq, and nothing else;
  * every other channel carries independent pink-ish (1/f power) noise,
    high-passed at ~0.5 Hz, scaled to an RMS drawn uniformly from 10..30 uV.
After writing, every file is read back with MNE and the 10 Hz amplitude of the
test channel is fitted by least squares (sin, cos, offset); the result is stored
in the manifest under `mne_check`.
"""
import datetime as dt
import os
import shutil
import struct
import sys
import warnings

import numpy as np
import yaml

warnings.filterwarnings('ignore', category=FutureWarning)

OUT = os.path.dirname(os.path.abspath(__file__))
AMP_V = 20e-6
F_TEST = 10.0

STD19 = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8',
         'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2']
OLD19 = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T3', 'C3', 'Cz', 'C4', 'T4',
         'T5', 'P3', 'Pz', 'P4', 'T6', 'O1', 'O2']
BIOSEMI32_1020 = ['Fp1', 'AF3', 'F7', 'F3', 'FC1', 'FC5', 'T7', 'C3', 'CP1', 'CP5',
                  'P7', 'P3', 'Pz', 'PO3', 'O1', 'Oz', 'O2', 'PO4', 'P4', 'P8', 'CP6',
                  'CP2', 'C4', 'T8', 'FC6', 'FC2', 'F4', 'F8', 'AF4', 'Fp2', 'Fz', 'Cz']

MANIFEST = []


# ----------------------------------------------------------------------------
# signal synthesis
# ----------------------------------------------------------------------------
def pink(n, sfreq, rng):
    """Unit-RMS pink-ish noise: 1/f power spectrum, high-passed at 0.5 Hz,
    low-passed at min(70 Hz, 0.4*sfreq)."""
    x = rng.standard_normal(n)
    X = np.fft.rfft(x)
    f = np.fft.rfftfreq(n, 1.0 / sfreq)
    g = np.zeros_like(f)
    ok = f >= 0.5
    g[ok] = 1.0 / np.sqrt(f[ok])
    g[f > min(70.0, 0.4 * sfreq)] = 0.0
    y = np.fft.irfft(X * g, n)
    return y / y.std()


def synth(n_ch, sfreq, dur, seed, test_idx):
    """(n_ch, n) array in VOLTS. Row test_idx is the pure 20 uV 10 Hz sine."""
    rng = np.random.default_rng(seed)
    n = int(round(sfreq * dur))
    t = np.arange(n) / sfreq
    data = np.empty((n_ch, n))
    rms = rng.uniform(10e-6, 30e-6, n_ch)
    for i in range(n_ch):
        data[i] = pink(n, sfreq, rng) * rms[i]
    data[test_idx] = AMP_V * np.sin(2 * np.pi * F_TEST * t)
    assert np.abs(data).max() < 400e-6, np.abs(data).max()
    return data


def pulses(n, sfreq, every_s=5.0, width=10, codes=(1, 2, 3, 4, 5, 6, 7, 8)):
    s = np.zeros(n)
    k = 0
    for on in np.arange(1.0, n / sfreq - 1, every_s):
        i = int(on * sfreq)
        s[i:i + width] = codes[k % len(codes)]
        k += 1
    return s


def trunc_safe(x, step):
    """Put x on the grid k*step (k = round(x/step)) and nudge it 1/4 step away from zero, so that a
    writer which TRUNCATES x/step to an integer (pybv, MNE fmt='short', pyedflib's physical path)
    stores the correctly ROUNDED value k. Without this the stored sine is ~0.064*step too small."""
    k = np.round(x / step)
    return (k + 0.25 * np.sign(k)) * step


def pyedf_digital(w, hdr, phys_list):
    """Write through pyedflib with digital samples that WE rounded (pyedflib truncates physical values)."""
    dig = [phys2dig(np.asarray(x, float), h['physical_min'], h['physical_max'], h['digital_min'],
                    h['digital_max']).astype(np.int32) for x, h in zip(phys_list, hdr)]
    w.writeSamples(dig, digital=True)


def add(entry):
    MANIFEST.append(entry)


# ----------------------------------------------------------------------------
# hand-written EDF / BDF writer (full control over every header byte)
# ----------------------------------------------------------------------------
def _fld(v, n, enc='ascii'):
    b = v if isinstance(v, bytes) else str(v).encode(enc)
    assert len(b) <= n, (v, n)
    return b + b' ' * (n - len(b))


def _num(x):
    s = '%.8g' % x
    if len(s) > 8:
        s = ('%.7f' % x).rstrip('0')[:8]
    assert len(s) <= 8, x
    return s


def phys2dig(phys, pmin, pmax, dmin, dmax):
    d = np.round((phys - pmin) * (dmax - dmin) / (pmax - pmin) + dmin)
    assert d.min() >= dmin and d.max() <= dmax, (d.min(), d.max())
    return d.astype(np.int64)


def tal(onset, duration, text):
    s = ('%+g' % onset).encode()
    if duration is not None:
        s += b'\x15' + ('%g' % duration).encode()
    return s + b'\x14' + text.encode('utf-8') + b'\x14\x00'


def write_edf_hand(path, signals, rec_dur, n_rec, patient, recording,
                   startdate='01.01.24', starttime='10.00.00', reserved='',
                   bdf=False, annotations=(), record_onsets=None):
    """signals: list of dicts with keys
         label, dim (str or bytes), pmin, pmax, dmin, dmax, spr, dig (int array)
       or {'annot': True, 'spr': k} for an 'EDF Annotations' signal.
    annotations: list of (onset, duration, text); record_onsets: seconds per record
    (for EDF+D)."""
    ns = len(signals)
    bps = 3 if bdf else 2
    h = bytearray()
    h += (b'\xffBIOSEMI' if bdf else _fld('0', 8))
    h += _fld(patient, 80)
    h += _fld(recording, 80)
    h += _fld(startdate, 8) + _fld(starttime, 8)
    h += _fld(str(256 * (ns + 1)), 8)
    h += _fld(reserved, 44)
    h += _fld(str(n_rec), 8)
    h += _fld(_num(rec_dur), 8)
    h += _fld(str(ns), 4)
    for s in signals:
        if s.get('annot'):
            s.update(label=('BDF Annotations' if bdf else 'EDF Annotations'), dim='',
                     pmin=-1, pmax=1, dmin=-8388608 if bdf else -32768,
                     dmax=8388607 if bdf else 32767, transducer='', prefilter='')
    cols = [('label', 16), ('transducer', 80), ('dim', 8), ('pmin', 8), ('pmax', 8),
            ('dmin', 8), ('dmax', 8), ('prefilter', 80), ('spr', 8), ('res', 32)]
    for key, width in cols:
        for s in signals:
            v = s.get(key, '')
            if key in ('pmin', 'pmax', 'dmin', 'dmax'):
                v = _num(v)
            elif key == 'spr':
                v = str(v)
            h += _fld(v, width)
    assert len(h) == 256 * (ns + 1)
    onsets = record_onsets if record_onsets is not None else [r * rec_dur for r in range(n_rec)]
    body = bytearray()
    for r in range(n_rec):
        for s in signals:
            k = s['spr']
            if s.get('annot'):
                b = tal(onsets[r], None, '')
                if r == 0 or record_onsets is not None:
                    pass
                for (on, du, tx) in annotations:
                    if onsets[r] <= on < onsets[r] + rec_dur:
                        b += tal(on, du, tx)
                assert len(b) <= k * bps, 'annotation record overflow'
                body += b + b'\x00' * (k * bps - len(b))
            else:
                d = s['dig'][r * k:(r + 1) * k]
                if bdf:
                    body += d.astype('<i4').view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
                else:
                    body += d.astype('<i2').tobytes()
    with open(path, 'wb') as f:
        f.write(bytes(h))
        f.write(bytes(body))


def sig(label, phys, dim, pmin, pmax, dmin, dmax, spr, transducer='AgAgCl electrode',
        prefilter='HP:0.1Hz LP:75Hz'):
    return dict(label=label, dim=dim, pmin=pmin, pmax=pmax, dmin=dmin, dmax=dmax, spr=spr,
                dig=phys2dig(phys, pmin, pmax, dmin, dmax), transducer=transducer,
                prefilter=prefilter)


# ----------------------------------------------------------------------------
# EDF via pyedflib / edfio
# ----------------------------------------------------------------------------
def e01_pyedflib_ref_annot():
    import pyedflib
    fn = 'edf/e01_pyedflib_ref_annot.edf'
    sf, dur = 256, 60
    labels = ['EEG %s-REF' % c for c in STD19]
    data = synth(19, sf, dur, 1, STD19.index('Fz')) * 1e6
    w = pyedflib.EdfWriter(os.path.join(OUT, fn), 19, file_type=pyedflib.FILETYPE_EDFPLUS)
    hdr = [dict(label=l, dimension='uV', sample_frequency=sf,
                physical_max=500.0, physical_min=-500.0,
                digital_max=32767, digital_min=-32768,
                transducer='AgAgCl cup', prefilter='HP:0.5Hz LP:70Hz') for l in labels]
    w.setSignalHeaders(hdr)
    w.setPatientName('Mustermann_Max')
    w.setPatientCode('TEST-0001')
    w.setSex(1)
    w.setBirthdate(dt.date(1961, 3, 14))
    w.setStartdatetime(dt.datetime(2023, 5, 17, 9, 30, 0))
    w.setTechnician('Müller')  # non-ASCII in header field (pyedflib transliterates/handles)
    w.setEquipment('Nicolet_v32')
    pyedf_digital(w, hdr, list(data))
    w.writeAnnotation(5.0, 2.0, 'Augen geschlossen – Müdigkeit')
    w.writeAnnotation(20.0, -1, '患者が咳をした')
    w.writeAnnotation(41.5, 0.5, 'Électrode Fp2 décollée')
    w.close()
    add(dict(path=fn, writer='pyedflib 0.1.42, EDF+C, 16-bit full digital range, 1 s records, '
             'labels "EEG <X>-REF", dimension "uV", physical +-500, patient name/code/sex/birthdate '
             'filled, UTF-8 annotations (German, Japanese, French accents); technician "Müller" (pyedflib warns and writes it as "MA_ller")',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='EEG Fz-REF',
             amplitude_uv=20,
             why='Labels carry "EEG " prefix and "-REF" suffix (Natus/Nihon Kohden style); reader must strip them '
                 'to find 10-20 names. Annotation signal must not be counted as a channel; annotations contain '
                 'multi-byte UTF-8.'))


def e02_edfio_500_halfsec():
    import edfio
    fn = 'edf/e02_edfio_500hz_halfsec.edf'
    sf, dur = 500, 45
    data = synth(20, sf, dur, 2, STD19.index('Fz'))
    sigs = [edfio.EdfSignal(data[i] * 1e6, sf, label=c, physical_dimension='uV',
                            physical_range=(-500, 500), transducer_type='AgAgCl electrode',
                            prefiltering='HP:0.16Hz LP:150Hz')
            for i, c in enumerate(STD19)]
    ecg = data[19] * 1e6 * 20  # a larger ECG-ish noise trace
    sigs.append(edfio.EdfSignal(ecg, sf, label='ECG', physical_dimension='uV',
                                physical_range=(-5000, 5000)))
    edf = edfio.Edf(sigs,
                    patient=edfio.Patient(code='MCH-0234567', sex='F',
                                          birthdate=dt.date(1951, 5, 2), name='Doe_Jane'),
                    recording=edfio.Recording(startdate=dt.date(2022, 3, 2),
                                              hospital_administration_code='EMG561',
                                              investigator_technician_code='BK/JOP',
                                              equipment_code='edfio'),
                    starttime=dt.time(23, 59, 50),
                    data_record_duration=0.5,
                    annotations=[edfio.EdfAnnotation(3.25, None, 'Stimulus ✓'),
                                 edfio.EdfAnnotation(10.0, 5.0, 'Hyperventilation Beginn – Ende')])
    edf.write(os.path.join(OUT, fn))
    add(dict(path=fn, writer='edfio 0.4.18, EDF+C, data record duration 0.5 s (250 samples/record), plain 10-20 '
             'labels, "uV", + one ECG channel (+-5000 uV), patient fields (name Doe_Jane, birthdate 02-MAY-1951), '
             'UTF-8 annotation text, recording starts 23:59:50 (crosses midnight)',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='0.5 s data records: sfreq must be samples_per_record / record_duration = 250/0.5 = 500, not 250. '
                 'ECG channel must not be counted as EEG.'))


def e03_LE_narrow():
    import pyedflib
    fn = 'edf/e03_pyedflib_LE_narrow12bit.edf'
    sf, dur = 250, 40
    labels = ['EEG %s-LE' % c.upper() for c in STD19]
    data = synth(19, sf, dur, 3, STD19.index('Fz')) * 1e6
    w = pyedflib.EdfWriter(os.path.join(OUT, fn), 19, file_type=pyedflib.FILETYPE_EDFPLUS)
    hdr = [dict(label=l, dimension='uV', sample_frequency=sf,
                physical_max=512.0, physical_min=-512.0,
                digital_max=2047, digital_min=-2048, transducer='', prefilter='') for l in labels]
    w.setSignalHeaders(hdr)
    w.setPatientName('Rossi_Maria')
    w.setBirthdate(dt.date(1988, 11, 30))
    pyedf_digital(w, hdr, list(data))
    w.close()
    add(dict(path=fn, writer='pyedflib, EDF+C, narrow 12-bit digital range -2048..2047 mapped to +-512 uV '
             '(0.25 uV/LSB), upper-case labels "EEG FP1-LE" (linked-ears reference, TUH-style)',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='EEG FZ-LE', amplitude_uv=20,
             why='Narrow digital range: scaling must use the header digital min/max, not assume 16-bit. '
                 'Upper-case names (FP1, FZ) need case-insensitive matching.'))


def e04_A1_oldnames():
    import pyedflib
    fn = 'edf/e04_pyedflib_plainEDF_A1ref_T3T4T5T6.edf'
    sf, dur = 128, 90
    labels = ['%s-A1' % c for c in OLD19]
    data = synth(19, sf, dur, 4, OLD19.index('Fz')) * 1e6
    w = pyedflib.EdfWriter(os.path.join(OUT, fn), 19, file_type=pyedflib.FILETYPE_EDF)
    hdr = [dict(label=l, dimension='uV', sample_frequency=sf,
                physical_max=800.0, physical_min=-800.0,
                digital_max=32767, digital_min=-32768, transducer='',
                prefilter='HP:0.3Hz LP:35Hz N:50Hz') for l in labels]
    w.setSignalHeaders(hdr)
    w.setPatientName('X')
    pyedf_digital(w, hdr, list(data))
    w.close()
    add(dict(path=fn, writer='pyedflib, plain EDF (not EDF+, no annotation signal), 128 Hz, labels "<X>-A1", '
             'old 10-20 names T3/T4/T5/T6 instead of T7/T8/P7/P8',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz-A1', amplitude_uv=20,
             why='"A1" here is the ear reference in a bipolar-style label, not a channel; T3/T4/T5/T6 are the old '
                 'names of T7/T8/P7/P8.'))


def e05_mV():
    import edfio
    fn = 'edf/e05_edfio_mV.edf'
    sf, dur = 512, 30
    names = STD19[:16]
    data = synth(16, sf, dur, 5, names.index('Fz'))
    sigs = [edfio.EdfSignal(data[i] * 1e3, sf, label='EEG ' + c, physical_dimension='mV',
                            physical_range=(-0.5, 0.5)) for i, c in enumerate(names)]
    edfio.Edf(sigs, starttime=dt.time(8, 0, 0)).write(os.path.join(OUT, fn))
    add(dict(path=fn, writer='edfio, EDF+C, physical dimension "mV", physical range -0.5..0.5 mV, values '
             'stored in mV', expect='read', channels=16, sfreq=sf, duration_s=dur, test_channel='EEG Fz',
             amplitude_uv=20,
             why='Unit is mV: test sine is 0.02 mV in file units; a reader assuming uV would be 1000x too small.'))


def e06_V():
    fn = 'edf/e06_hand_V.edf'
    sf, dur = 160, 60
    names = STD19
    data = synth(19, sf, dur, 6, names.index('Fz'))
    sigs = [sig(c, data[i], 'V', -0.0005, 0.0005, -32768, 32767, sf) for i, c in enumerate(names)]
    write_edf_hand(os.path.join(OUT, fn), sigs, 1, dur,
                   patient='X X X X', recording='Startdate 01-JAN-2024 X X hand_writer',
                   startdate='01.01.24', starttime='12.00.00', reserved='')
    add(dict(path=fn, writer='hand-written EDF (not EDF+), physical dimension "V", physical range '
             '-0.0005..0.0005 V, 160 Hz', expect='read', channels=19, sfreq=sf, duration_s=dur,
             test_channel='Fz', amplitude_uv=20,
             why='Unit is V: sine is 2e-05 in file units. Physical min/max are small decimals in an 8-char field.'))


def e07_uV_latin1():
    fn = 'edf/e07_hand_uV_latin1_mu.edf'
    sf, dur = 1000, 30
    names = STD19
    data = synth(19, sf, dur, 7, names.index('Fz')) * 1e6
    sigs = [sig(c, data[i], b'\xb5V', -1000, 1000, -32768, 32767, sf) for i, c in enumerate(names)]
    write_edf_hand(os.path.join(OUT, fn), sigs, 1, dur,
                   patient='X X X X', recording='Startdate 01-JAN-2024 X X hand_writer',
                   startdate='01.01.24', starttime='12.00.00', reserved='')
    add(dict(path=fn, writer='hand-written EDF, physical dimension "µV" written as Latin-1 byte 0xB5 + "V" '
             '(not ASCII, not UTF-8), 1000 Hz', expect='read', channels=19, sfreq=sf, duration_s=dur,
             test_channel='Fz', amplitude_uv=20,
             why='Header is not pure ASCII: the unit field holds byte 0xB5. A UTF-8 strict decode would fail; '
                 'must decode as Latin-1 and recognise µV.'))


def e08_uV_utf8():
    fn = 'edf/e08_hand_uV_utf8_mu_edfplus.edf'
    sf, dur = 256, 60
    names = STD19
    data = synth(19, sf, dur, 8, names.index('Fz')) * 1e6
    sigs = [sig(c, data[i], 'µV'.encode('utf-8'), -500, 500, -32768, 32767, sf)
            for i, c in enumerate(names)]
    sigs.append({'annot': True, 'spr': 60})
    ann = [(2.0, 1.0, 'Photic 10 Hz – Auge'), (30.5, None, 'Bewegungsartefakt ä ö ü ß'),
           (45.0, 0.5, 'Спайк?')]
    write_edf_hand(os.path.join(OUT, fn), sigs, 1, dur,
                   patient='PAT-77 M 07-JUL-1977 Schröder_Jürgen'.encode('latin-1'),
                   recording='Startdate 03-FEB-2024 R1 TECH hand_writer',
                   startdate='03.02.24', starttime='14.15.16', reserved='EDF+C', annotations=ann)
    add(dict(path=fn, writer='hand-written EDF+C, physical dimension "µV" written as UTF-8 (bytes C2 B5 56), '
             'patient field with Latin-1 umlauts (Schröder_Jürgen), "EDF Annotations" with Cyrillic/German UTF-8',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Unit field is 3 bytes of UTF-8 (Latin-1 decode gives "Âµ V"); patient field is Latin-1. '
                 'A reader should still recognise micro-volts (or refuse clearly), never mis-scale silently.'))


def e09_psg_mixed_rates():
    import pyedflib
    fn = 'edf/e09_pyedflib_psg_mixed_rates.edf'
    sf, dur = 256, 120
    eeg = ['F3-M2', 'F4-M1', 'C3-M2', 'C4-M1', 'O1-M2', 'O2-M1', 'Fz-M1', 'Cz-M1', 'Pz-M1', 'T7-M2']
    data = synth(13, sf, dur, 9, 6) * 1e6
    rng = np.random.default_rng(909)
    n = sf * dur
    t = np.arange(n) / sf
    ecg = 800 * np.sin(2 * np.pi * 1.1 * t) ** 21 + data[10] * 0.3
    resp = 300 * np.sin(2 * np.pi * 0.25 * np.arange(32 * dur) / 32) + rng.normal(0, 5, 32 * dur)
    spo2 = 96 + rng.normal(0, 0.5, dur)
    hdr = [dict(label='EEG ' + c, dimension='uV', sample_frequency=sf, physical_max=500.0,
                physical_min=-500.0, digital_max=32767, digital_min=-32768, transducer='E',
                prefilter='HP:0.3Hz LP:35Hz') for c in eeg]
    sigs = [data[i] for i in range(10)]
    hdr += [dict(label='EOG E1-M2', dimension='uV', sample_frequency=sf, physical_max=1000.0,
                 physical_min=-1000.0, digital_max=32767, digital_min=-32768, transducer='', prefilter=''),
            dict(label='EOG E2-M1', dimension='uV', sample_frequency=sf, physical_max=1000.0,
                 physical_min=-1000.0, digital_max=32767, digital_min=-32768, transducer='', prefilter=''),
            dict(label='EMG Chin', dimension='uV', sample_frequency=sf, physical_max=300.0,
                 physical_min=-300.0, digital_max=32767, digital_min=-32768, transducer='', prefilter=''),
            dict(label='ECG II', dimension='uV', sample_frequency=sf, physical_max=3000.0,
                 physical_min=-3000.0, digital_max=32767, digital_min=-32768, transducer='', prefilter=''),
            dict(label='Resp Thorax', dimension='uV', sample_frequency=32, physical_max=1000.0,
                 physical_min=-1000.0, digital_max=32767, digital_min=-32768, transducer='belt', prefilter=''),
            dict(label='SpO2', dimension='%', sample_frequency=1, physical_max=100.0,
                 physical_min=0.0, digital_max=32767, digital_min=-32768, transducer='oximeter', prefilter='')]
    sigs += [data[10] * 3, data[11] * 3, data[12] * 0.5, ecg, resp, spo2]
    w = pyedflib.EdfWriter(os.path.join(OUT, fn), len(hdr), file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders(hdr)
    w.setPatientName('Nakamura_Kenji')
    w.setBirthdate(dt.date(1970, 1, 1))
    pyedf_digital(w, hdr, sigs)
    w.writeAnnotation(0, -1, 'Lights off')
    w.writeAnnotation(60, 30, 'Sleep stage N1')
    w.writeAnnotation(90, 30, 'Sleep stage N2')
    w.close()
    add(dict(path=fn, writer='pyedflib EDF+C, PSG montage: 10 EEG "EEG <X>-M1/M2" at 256 Hz, EOG E1/E2, EMG Chin, '
             'ECG II (256 Hz), "Resp Thorax" at 32 Hz, "SpO2" (%) at 1 Hz, EDF Annotations (sleep stages)',
             expect='read', channels=10, sfreq=sf, duration_s=dur, test_channel='EEG Fz-M1', amplitude_uv=20,
             why='Mixed sampling rates in one file (256/32/1 Hz). Reader must keep EEG at 256 Hz and exclude '
                 'EOG/EMG/ECG/Resp/SpO2/annotations; refusing because of the low-rate channels is wrong. '
                 'Mastoid references M1/M2 are part of the label.'))


def e10_status_halfsec():
    import pyedflib
    fn = 'edf/e10_pyedflib_status_trigger_halfsec.edf'
    sf, dur = 512, 60
    names = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T7', 'T8',
             'Fz', 'Cz']
    data = synth(16, sf, dur, 10, names.index('Fz')) * 1e6
    st = pulses(sf * dur, sf)
    hdr = [dict(label=c, dimension='uV', sample_frequency=sf, physical_max=500.0, physical_min=-500.0,
                digital_max=32767, digital_min=-32768, transducer='', prefilter='') for c in names]
    hdr.append(dict(label='Status', dimension='', sample_frequency=sf, physical_max=32767.0,
                    physical_min=-32768.0, digital_max=32767, digital_min=-32768,
                    transducer='Triggers and Status', prefilter='No filtering'))
    w = pyedflib.EdfWriter(os.path.join(OUT, fn), len(hdr), file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders(hdr)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        w.setDatarecordDuration(0.5)
    pyedf_digital(w, hdr, list(data) + [st])
    w.close()
    add(dict(path=fn, writer='pyedflib EDF+C, data record duration 0.5 s (256 samples/record at 512 Hz), '
             '16 EEG + "Status" trigger channel (integer codes 1..8, pulses every 5 s)',
             expect='read', channels=16, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='0.5 s records; "Status" is a trigger channel and must not be counted/treated as EEG.'))


def e11_edfplus_D():
    fn = 'edf/e11_hand_edfplusD_discontinuous.edf'
    sf, n_rec = 256, 60
    names = STD19
    data = synth(19, sf, n_rec, 11, names.index('Fz')) * 1e6
    onsets = [float(r) for r in range(20)] + [30.0 + r for r in range(20)] + [70.0 + r for r in range(20)]
    sigs = [sig(c, data[i], 'uV', -500, 500, -32768, 32767, sf) for i, c in enumerate(names)]
    sigs.append({'annot': True, 'spr': 30})
    write_edf_hand(os.path.join(OUT, fn), sigs, 1, n_rec,
                   patient='X X X X', recording='Startdate 01-JAN-2024 X X hand_writer',
                   reserved='EDF+D', record_onsets=onsets,
                   annotations=[(31.0, None, 'segment 2 start'), (71.0, None, 'segment 3 start')])
    add(dict(path=fn, writer='hand-written EDF+D: 60 one-second records whose TAL time-keeping onsets are '
             '0..19, 30..49, 70..89 s (two gaps of 10 and 20 s)',
             expect='refuse', channels=19, sfreq=sf, duration_s=60, test_channel='Fz', amplitude_uv=20,
             why='EDF+D is discontinuous: samples are not on a single uniform time axis (60 s of data spread over '
                 '90 s). Concatenating records silently would misplace events/time; reader should refuse '
                 '(e.g. "EDF+D discontinuous recordings are not supported").'))


def e12_flat():
    import pyedflib
    fn = 'edf/e12_pyedflib_all_flat.edf'
    sf, dur = 256, 60
    w = pyedflib.EdfWriter(os.path.join(OUT, fn), 19, file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders([dict(label=c, dimension='uV', sample_frequency=sf, physical_max=500.0,
                             physical_min=-500.0, digital_max=32767, digital_min=-32768,
                             transducer='', prefilter='') for c in STD19])
    w.writeSamples([np.zeros(sf * dur) for _ in STD19])
    w.close()
    add(dict(path=fn, writer='pyedflib EDF+C, 19 channels, every sample is exactly 0 uV (digital -0.5 -> 0/-1)',
             expect='refuse', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=0,
             why='All channels flat (no signal at all, e.g. amplifier not connected). Nothing to analyse; the test '
                 'sine is deliberately absent. Reader should refuse ("all channels flat").'))


def e13_2s():
    import edfio
    fn = 'edf/e13_edfio_2s.edf'
    sf, dur = 256, 2
    data = synth(19, sf, dur, 13, STD19.index('Fz'))
    sigs = [edfio.EdfSignal(data[i] * 1e6, sf, label=c, physical_dimension='uV',
                            physical_range=(-500, 500)) for i, c in enumerate(STD19)]
    edfio.Edf(sigs).write(os.path.join(OUT, fn))
    add(dict(path=fn, writer='edfio EDF+C, 2 data records of 1 s', expect='refuse', channels=19, sfreq=sf,
             duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Only 2 s of data: too short for any meaningful analysis window; reader should refuse with a '
                 '"recording too short" error (it is a valid EDF otherwise).'))


# ----------------------------------------------------------------------------
# BDF (BioSemi ActiView style)
# ----------------------------------------------------------------------------
def _biosemi(fn, names, sf, dur, seed, test_idx, expect, channels, test_name, why, writer):
    data = synth(len(names), sf, dur, seed, test_idx) * 1e6
    st = pulses(sf * dur, sf, codes=(1, 2, 4, 8, 16, 32, 64, 128)).astype(np.int64)
    st = st | (1 << 20)  # bit 20 = "CMS in range" as ActiView sets it; high byte stays 0
    sigs = [sig(c, data[i], 'uV', -262144, 262143, -8388608, 8388607, sf,
                transducer='Active Electrode', prefilter='HP: DC; LP: %d Hz' % int(sf / 4.9))
            for i, c in enumerate(names)]
    sigs.append(dict(label='Status', dim='Boolean', pmin=-8388608, pmax=8388607, dmin=-8388608,
                     dmax=8388607, spr=sf, dig=st, transducer='Triggers and Status',
                     prefilter='No filtering'))
    write_edf_hand(os.path.join(OUT, fn), sigs, 1, dur, bdf=True, reserved='24BIT',
                   patient='Subject 07, age 31', recording='ActiView 9.02 test recording',
                   startdate='15.03.23', starttime='11.22.33')
    add(dict(path=fn, writer=writer, expect=expect, channels=channels, sfreq=sf, duration_s=dur,
             test_channel=test_name, amplitude_uv=20, why=why))


def b01_biosemi_1020():
    _biosemi('bdf/b01_biosemi_32ch_1020_status.bdf', BIOSEMI32_1020, 512, 60, 21,
             BIOSEMI32_1020.index('Fz'), 'read', 32, 'Fz',
             why='24-bit samples; physical range -262144..262143 uV over digital -8388608..8388607 (31.25 nV/LSB); '
                 '"Status" channel (dimension "Boolean", bit 20 set on every sample) must be excluded.',
             writer='hand-written BDF exactly as BioSemi ActiView: version byte 0xFF + "BIOSEMI", reserved "24BIT", '
                    '32 channels with 10-20 labels (BioSemi 32-ch 10-20 layout) + "Status", 1 s records')


def b02_biosemi_ABC():
    names = ['A%d' % i for i in range(1, 33)]
    _biosemi('bdf/b02_biosemi_A1-A32_status.bdf', names, 2048, 30, 22, 0, 'refuse', 32, 'A1',
             why='Channels are BioSemi ABC cap positions A1..A32, not 10-20 names; a reader that needs 10-20 '
                 'names cannot place them and should refuse ("no 10-20 channel names found"). Reading the data '
                 'with correct values is also acceptable (acceptable: read). DANGER: "A1"/"A2" look like the 10-20 '
                 'ear-lobe references - a reader must NOT treat this as a 2-channel 10-20 file with A1/A2. '
                 'No Fz, so the test sine is on the first channel A1.',
             writer='hand-written BDF as BioSemi ActiView, 2048 Hz, labels A1..A32 (ABC layout) + "Status"')
    MANIFEST[-1]['acceptable'] = ['refuse', 'read']


# ----------------------------------------------------------------------------
# BrainVision
# ----------------------------------------------------------------------------
def v01_pybv_int16():
    import pybv
    sf, dur = 500, 60
    data = trunc_safe(synth(19, sf, dur, 31, STD19.index('Fz')), 0.1e-6)
    events = [dict(onset=int(i * sf), duration=1, description=(k % 4) + 1, type='Stimulus')
              for k, i in enumerate(range(2, 58, 4))]
    events.append(dict(onset=int(30 * sf), duration=1, description='eyes closed', type='Comment'))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        pybv.write_brainvision(data=data, sfreq=sf, ch_names=STD19, fname_base='v01_pybv_int16',
                               folder_out=os.path.join(OUT, 'brainvision'), events=events,
                               resolution=0.1, unit='µV', fmt='binary_int16',
                               meas_date=dt.datetime(2023, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
                               overwrite=True)
    add(dict(path='brainvision/v01_pybv_int16.vhdr', writer='pybv 0.8.1, BINARY INT_16, resolution 0.1 uV, '
             'MULTIPLEXED, Stimulus + Comment markers', expect='read', channels=19, sfreq=sf, duration_s=dur,
             test_channel='Fz', amplitude_uv=20,
             why='int16 counts must be multiplied by the per-channel resolution 0.1 (uV).'))


def v02_pybv_float32():
    import pybv
    sf, dur = 1000, 30
    names = STD19[:12]
    data = synth(12, sf, dur, 32, names.index('Fz'))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        pybv.write_brainvision(data=data, sfreq=sf, ch_names=names, ref_ch_names='FCz',
                               fname_base='v02_pybv_float32', folder_out=os.path.join(OUT, 'brainvision'),
                               events=np.array([[1000, 1], [5000, 2], [9000, 3]]),
                               resolution=1.0, unit='µV', fmt='binary_float32', overwrite=True)
    add(dict(path='brainvision/v02_pybv_float32.vhdr', writer='pybv, BINARY IEEE_FLOAT_32 in uV, reference '
             'channel name "FCz" (not itself a stored channel) in the channel-info field, 1000 Hz', expect='read', channels=12, sfreq=sf,
             duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Float values are already in uV (resolution 1). The per-channel reference field is filled with "FCz".'))


VHDR_V1_COMMENT_CH = """; Each entry: Ch<Channel number>=<Name>,<Reference channel name>,
; <Resolution in "Unit">,<Unit>, Future extensions..
; Fields are delimited by commas, some fields might be omitted (empty).
; Commas in channel names are coded as "\\1"."""


def write_bv_hand(base, names, data_v, sf, *, fmt='INT_16', orientation='MULTIPLEXED',
                  resolution=0.1, unit='µV', version='1.0', codepage=None, encoding='utf-8',
                  newline='\n', datafile=None, markers=(), coords=None, write_unit=True,
                  ascii_decimal='.'):
    """Write .vhdr/.vmrk/.eeg by hand. data_v in volts. Returns nothing."""
    folder = os.path.join(OUT, 'brainvision')
    stem = os.path.basename(base)
    datafile = datafile or stem + '.eeg'
    n_ch, n = data_v.shape
    uv = data_v * 1e6
    if fmt == 'INT_16':
        counts = np.round(uv / resolution)
        assert np.abs(counts).max() < 32767
        arr = counts.astype('<i2')
    elif fmt == 'INT_32':
        arr = np.round(uv / resolution).astype('<i4')
    elif fmt == 'IEEE_FLOAT_32':
        arr = (uv / resolution).astype('<f4')
    elif fmt == 'ASCII':
        arr = uv / resolution
    else:
        raise ValueError(fmt)
    L = []
    L.append('Brain Vision Data Exchange Header File Version %s' % version)
    L.append('; Data created by the Vision Recorder' if version == '1.0' else
             '; Data created from history path: Raw Data/Export')
    L.append('')
    L.append('[Common Infos]')
    if codepage:
        L.append('Codepage=%s' % codepage)
    L.append('DataFile=%s' % datafile)
    L.append('MarkerFile=%s.vmrk' % stem)
    L.append('DataFormat=%s' % ('ASCII' if fmt == 'ASCII' else 'BINARY'))
    L.append('; Data orientation: MULTIPLEXED=ch1,pt1, ch2,pt1 ...')
    L.append('DataOrientation=%s' % orientation)
    if version != '1.0':
        L.append('DataType=TIMEDOMAIN')
    L.append('NumberOfChannels=%d' % n_ch)
    L.append('; Sampling interval in microseconds')
    L.append('SamplingInterval=%s' % ('%.10g' % (1e6 / sf)))
    if version != '1.0':
        L.append('Averaged=NO')
        L.append('SegmentDataPoints=%d' % n)
        L.append('SegmentationType=NOTSEGMENTED')
    L.append('')
    if fmt == 'ASCII':
        L.append('[ASCII Infos]')
        L.append('; Decimal symbol for floating point numbers: the header file always uses a dot (.), '
                 'however the data file might use a different one')
        L.append('DecimalSymbol=%s' % ascii_decimal)
        L.append('; SkipLines=Number of lines to skip, SkipColumns=Number of columns to skip')
        L.append('SkipLines=1')
        L.append('SkipColumns=0')
    else:
        L.append('[Binary Infos]')
        L.append('BinaryFormat=%s' % fmt)
    L.append('')
    L.append('[Channel Infos]')
    L += VHDR_V1_COMMENT_CH.split('\n')
    for i, c in enumerate(names):
        if write_unit:
            L.append('Ch%d=%s,,%s,%s' % (i + 1, c, '%.10g' % resolution, unit))
        else:
            L.append('Ch%d=%s,,%s' % (i + 1, c, '%.10g' % resolution))
    if coords:
        L.append('')
        L.append('[Coordinates]')
        for i, c in enumerate(names):
            r, th, ph = coords[c]
            L.append('Ch%d=%s,%s,%s' % (i + 1, r, th, ph))
    L.append('')
    L.append('[Comment]')
    L.append('')
    L.append('A m p l i f i e r  S e t u p')
    L.append('============================')
    L.append('Number of channels: %d' % n_ch)
    L.append('Sampling Rate [Hz]: %g' % sf)
    L.append('Sampling Interval [%sS]: %g' % ('u' if encoding == 'ascii' else 'µ', 1e6 / sf))
    L.append('')
    with open(os.path.join(folder, stem + '.vhdr'), 'wb') as f:
        f.write(newline.join(L).encode(encoding) + newline.encode())
    # marker file
    M = ['Brain Vision Data Exchange Marker File, Version %s' % version, '', '[Common Infos]']
    if codepage:
        M.append('Codepage=%s' % codepage)
    M += ['DataFile=%s' % datafile, '', '[Marker Infos]',
          '; Each entry: Mk<Marker number>=<Type>,<Description>,<Position in data points>,',
          '; <Size in data points>, <Channel number (0 = marker is related to all channels)>',
          '; Fields are delimited by commas, some fields might be omitted (empty).',
          '; Commas in type or description text are coded as "\\1".',
          'Mk1=New Segment,,1,1,0,20240105101112000000']
    for k, (typ, desc, pos) in enumerate(markers):
        M.append('Mk%d=%s,%s,%d,1,0' % (k + 2, typ, desc, pos))
    with open(os.path.join(folder, stem + '.vmrk'), 'wb') as f:
        f.write(newline.join(M).encode(encoding) + newline.encode())
    # binary / ascii data
    dpath = os.path.join(folder, stem + '.eeg')
    if fmt == 'ASCII':
        with open(dpath, 'w', newline='') as f:
            if orientation == 'MULTIPLEXED':
                f.write(' '.join(names) + newline)
                for j in range(n):
                    f.write(' '.join(('%.4f' % v).replace('.', ascii_decimal) for v in arr[:, j]) + newline)
            else:
                f.write('' + newline)
                for i in range(n_ch):
                    f.write(names[i] + ' ' + ' '.join(('%.4f' % v).replace('.', ascii_decimal)
                                                      for v in arr[i]) + newline)
    else:
        if orientation == 'MULTIPLEXED':
            arr.T.tofile(dpath)
        else:
            arr.tofile(dpath)


def bv_markers(sf, dur, enc_test=False):
    m = []
    for k, s in enumerate(range(2, dur - 1, 5)):
        m.append(('Stimulus', 'S%3d' % (k % 8 + 1), int(s * sf) + 1))
    m.append(('Comment', 'Augen zu' if not enc_test else 'Augen geöffnet - Ruhe', int(10 * sf) + 1))
    m.append(('Comment', 'Photic\\1 10 Hz', int(20 * sf) + 1))
    m.append(('Response', 'R  1', int(25 * sf) + 1))
    return m


def v03_hand_int16_crlf():
    sf, dur = 250, 60
    data = synth(19, sf, dur, 33, STD19.index('Fz'))
    write_bv_hand('v03_hand_int16_mux_crlf_v1', STD19, data, sf, fmt='INT_16', orientation='MULTIPLEXED',
                  resolution=0.1, version='1.0', codepage=None, encoding='ascii', newline='\r\n',
                  markers=bv_markers(sf, dur), write_unit=False)
    add(dict(path='brainvision/v03_hand_int16_mux_crlf_v1.vhdr',
             writer='hand-written BrainVision V1.0 (old Recorder style): Windows CRLF line endings in .vhdr and '
                    '.vmrk, no Codepage line, INT_16 MULTIPLEXED, channel lines "Ch1=Fp1,,0.1" with NO unit field '
                    '(unit defaults to uV), markers New Segment / Stimulus / Response / Comment (comma coded as \\1)',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='CRLF line endings; missing unit means microvolts per the V1.0 spec; resolution 0.1 uV/count.'))


def v04_hand_float32_vectorized():
    import mne
    sf, dur = 512, 40
    names = STD19
    data = synth(19, sf, dur, 34, names.index('Fz'))
    mont = mne.channels.make_standard_montage('standard_1020')
    pos = mont.get_positions()['ch_pos']
    coords = {}
    for c in names:
        x, y, z = pos[c]
        r = np.sqrt(x * x + y * y + z * z)
        theta = np.degrees(np.arccos(z / r))
        phi = np.degrees(np.arctan2(y, x))
        # BrainVision convention: signed theta (negative on left hemisphere)
        if x < 0:
            theta, phi = -theta, phi - 180 if phi > 0 else phi + 180
        coords[c] = (1, int(round(theta)), int(round(phi)))
    write_bv_hand('v04_hand_float32_vectorized_v2', names, data, sf, fmt='IEEE_FLOAT_32',
                  orientation='VECTORIZED', resolution=1, unit='µV', version='2.0', codepage='UTF-8',
                  encoding='utf-8', newline='\n', markers=bv_markers(sf, dur, True), coords=coords)
    add(dict(path='brainvision/v04_hand_float32_vectorized_v2.vhdr',
             writer='hand-written BrainVision V2.0 (Analyzer export style): Codepage=UTF-8, IEEE_FLOAT_32, '
                    'VECTORIZED (all samples of ch1, then ch2...), unit "µV" in UTF-8, [Coordinates] section, '
                    'SamplingInterval=1953.125 us, UTF-8 umlaut in a Comment marker',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='VECTORIZED orientation: reading it as multiplexed scrambles channels. Sampling interval is '
                 'non-integer microseconds (1953.125 -> 512 Hz).'))


def v05_hand_ansi_latin1():
    sf, dur = 1000, 30
    names = STD19
    data = synth(19, sf, dur, 35, names.index('Fz'))
    write_bv_hand('v05_hand_ansi_latin1_res0.0488', names, data, sf, fmt='INT_16',
                  orientation='MULTIPLEXED', resolution=0.048828125, unit='µV', version='1.0',
                  codepage='ANSI', encoding='latin-1', newline='\r\n', markers=bv_markers(sf, dur, True))
    add(dict(path='brainvision/v05_hand_ansi_latin1_res0.0488.vhdr',
             writer='hand-written BrainVision V1.0, Codepage=ANSI, files encoded Latin-1 (unit byte 0xB5 "µV", '
                    'umlauts in marker text), CRLF, INT_16 MULTIPLEXED, resolution 0.048828125 uV (BrainAmp '
                    '+-1.6 mV range)',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Header/marker are Latin-1 not UTF-8 (strict UTF-8 decode fails on 0xB5/0xF6); odd resolution.'))


def v06_missing_eeg():
    sf, dur = 500, 60
    data = synth(19, sf, dur, 36, STD19.index('Fz'))
    stem = 'v06_hand_datafile_missing'
    write_bv_hand(stem, STD19, data, sf, fmt='INT_16', resolution=0.1, codepage='UTF-8',
                  markers=bv_markers(sf, dur))
    folder = os.path.join(OUT, 'brainvision')
    # the lab renamed the recording files but not the DataFile= line
    os.replace(os.path.join(folder, stem + '.eeg'), os.path.join(folder, 'S07_rest_renamed.eeg'))
    add(dict(path='brainvision/%s.vhdr' % stem,
             writer='hand-written BrainVision V1.0, INT_16; the .eeg was renamed to S07_rest_renamed.eeg after '
                    'recording, so DataFile=%s.eeg points to a file that does not exist' % stem,
             expect='refuse', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Inconsistent set: the data file named in the header (%s.eeg) is missing. Reader should refuse '
                 'with an error naming the missing file, not guess S07_rest_renamed.eeg.' % stem))


def v07_ascii():
    sf, dur = 250, 30
    names = STD19[:10]
    data = synth(10, sf, dur, 37, names.index('Fz'))
    write_bv_hand('v07_hand_ascii_multiplexed', names, data, sf, fmt='ASCII', orientation='MULTIPLEXED',
                  resolution=1, unit='µV', version='1.0', codepage='UTF-8', markers=bv_markers(sf, dur))
    add(dict(path='brainvision/v07_hand_ascii_multiplexed.vhdr',
             writer='hand-written BrainVision V1.0, DataFormat=ASCII, MULTIPLEXED, first line of .eeg holds channel '
                    'names (SkipLines=1), values in uV with 4 decimals, DecimalSymbol="."',
             expect='read', acceptable=['read', 'refuse'], channels=10, sfreq=sf, duration_s=dur,
             test_channel='Fz', amplitude_uv=20,
             why='ASCII export (Analyzer "Generic Data Export"). It is fully specified and MNE reads it, so reading '
                 'is expected; a refusal with a clear "BrainVision ASCII data format not supported" message is '
                 'also acceptable. Parsing it as binary would be a bug.'))


# ----------------------------------------------------------------------------
# EEGLAB
# ----------------------------------------------------------------------------
def mne_locs(names):
    import mne
    mont = mne.channels.make_standard_montage('standard_1020')
    pos = mont.get_positions()['ch_pos']
    return np.array([pos[c] for c in names])


def s01_eeglabio_embedded_locs():
    import eeglabio.raw
    sf, dur = 250, 60
    data = synth(19, sf, dur, 41, STD19.index('Fz'))
    ann = [np.array(['eyes_closed', 'eyes_open', 'Ärger']), np.array([5.0, 25.0, 40.0]),
           np.array([0.0, 0.0, 1.0])]
    eeglabio.raw.export_set(os.path.join(OUT, 'eeglab/s01_eeglabio_embedded_locs.set'), data, sf, STD19,
                            ch_locs=mne_locs(STD19), annotations=ann, ref_channels='average',
                            ch_types=['EEG'] * 19)
    add(dict(path='eeglab/s01_eeglabio_embedded_locs.set',
             writer='eeglabio 0.1.4 export_set, MATLAB v5 .set, data embedded (single, uV), top-level fields (no '
                    'EEG struct), chanlocs with X/Y/Z/theta/radius, events incl. non-ASCII type "Ärger"',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='EEGLAB stores data in uV; reader must convert to volts.'))


def s02_eeglabio_fdt():
    import eeglabio.raw
    import scipy.io
    sf, dur = 128, 90
    names = STD19
    data = synth(19, sf, dur, 42, names.index('Fz'))
    p = os.path.join(OUT, 'eeglab/s02_eeglabio_split_fdt.set')
    eeglabio.raw.export_set(p, data, sf, names, ch_locs=None)
    m = scipy.io.loadmat(p, squeeze_me=False, struct_as_record=True)
    arr = m['data']  # (nbchan, pnts) single, uV
    m = {k: v for k, v in m.items() if not k.startswith('__')}
    m['data'] = 's02_eeglabio_split_fdt.fdt'
    m['datfile'] = 's02_eeglabio_split_fdt.fdt'
    # .fdt = float32, column-major (nbchan x pnts): all channels of sample 1, then sample 2, ...
    np.asarray(arr, dtype='<f4').T.tofile(os.path.join(OUT, 'eeglab/s02_eeglabio_split_fdt.fdt'))
    scipy.io.savemat(p, m, format='5', do_compression=False)
    add(dict(path='eeglab/s02_eeglabio_split_fdt.set',
             writer='eeglabio export_set (v5), then split as EEGLAB pop_saveset does: data field replaced by the '
                    'string "s02_eeglabio_split_fdt.fdt", samples in a separate float32 .fdt (channel-fastest); '
                    'chanlocs with labels only (no coordinates)',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Two-file set: data lives in the .fdt next to the .set. No channel locations.'))


def _mat_struct_array(records, fields):
    arr = np.zeros((1, len(records)), dtype=[(f, 'O') for f in fields])
    for i, r in enumerate(records):
        for f in fields:
            arr[0, i][f] = r.get(f, np.zeros((0, 0)))
    return arr


def s03_savemat_EEG_struct_fdt():
    import scipy.io
    sf, dur = 256, 60
    names = STD19
    data = synth(19, sf, dur, 43, names.index('Fz'))
    E = np.zeros((0, 0))
    chanlocs = _mat_struct_array(
        [dict(labels=c, type='EEG', ref='', urchan=float(i + 1)) for i, c in enumerate(names)],
        ['labels', 'type', 'theta', 'radius', 'X', 'Y', 'Z', 'sph_theta', 'sph_phi', 'sph_radius',
         'urchan', 'ref'])
    event = _mat_struct_array(
        [dict(type='boundary' if k == 0 else 'S  %d' % k, latency=float(1 + k * 5 * sf), duration=0.0,
              urevent=float(k + 1)) for k in range(10)],
        ['type', 'latency', 'duration', 'urevent'])
    EEG = dict(setname='rest_hand', filename='s03_savemat_EEGstruct_fdt.set', filepath='', subject='S03',
               group='', condition='rest', session=1.0, comments='hand-built with scipy.io.savemat',
               nbchan=19.0, trials=1.0, pnts=float(sf * dur), srate=float(sf), xmin=0.0,
               xmax=(sf * dur - 1) / sf, times=E, data='s03_savemat_EEGstruct_fdt.fdt', icaact=E, icawinv=E,
               icasphere=E, icaweights=E, icachansind=E, chanlocs=chanlocs, urchanlocs=E,
               chaninfo=dict(plotrad=E, shrink=E, nosedir='+X', icachansind=E), ref='common', event=event,
               urevent=E, eventdescription=np.zeros((1, 0), dtype='O'), epoch=E,
               epochdescription=np.zeros((1, 0), dtype='O'), reject=dict(), stats=dict(), specdata=E,
               specicaact=E, splinefile='', icasplinefile='', dipfit=E, history='pop_saveset(EEG);',
               saved='justloaded', etc=dict(), datfile='s03_savemat_EEGstruct_fdt.fdt', run=E, roi=dict())
    scipy.io.savemat(os.path.join(OUT, 'eeglab/s03_savemat_EEGstruct_fdt.set'), {'EEG': EEG}, format='5',
                     long_field_names=True, do_compression=False)
    (data * 1e6).astype('<f4').T.tofile(os.path.join(OUT, 'eeglab/s03_savemat_EEGstruct_fdt.fdt'))
    add(dict(path='eeglab/s03_savemat_EEGstruct_fdt.set',
             writer='hand-built with scipy.io.savemat (MATLAB 5): single variable "EEG" holding the EEG struct '
                    '(older EEGLAB layout), EEG.data = "s03_savemat_EEGstruct_fdt.fdt" (float32 uV, '
                    'channel-fastest), chanlocs with labels but empty coordinates, a "boundary" event',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Struct is nested under variable "EEG" rather than stored as top-level fields; chanlocs '
                 'coordinates are empty arrays; data in separate .fdt.'))


# --- MATLAB v7.3 (HDF5) writer, following MATLAB's own layout -----------------
class Mat73:
    def __init__(self, path):
        import h5py
        self.h5py = h5py
        self.f = h5py.File(path, 'w', userblock_size=512)
        self.refs = self.f.create_group('#refs#')
        self.nref = 0
        self.path = path

    def _attr_class(self, obj, cls):
        obj.attrs.create('MATLAB_class', np.bytes_(cls))

    def _newref_name(self):
        self.nref += 1
        n = self.nref
        s = ''
        while True:
            s = chr(ord('a') + n % 26) + s
            n //= 26
            if n == 0:
                break
        return s

    def write(self, grp, name, val):
        h5py = self.h5py
        if isinstance(val, str):
            if len(val) == 0:
                d = grp.create_dataset(name, data=np.array([1, 0], dtype=np.uint64))
                self._attr_class(d, 'char')
                d.attrs.create('MATLAB_empty', np.uint8(1))
                return d
            codes = np.array([ord(c) for c in val], dtype=np.uint16).reshape(-1, 1)
            d = grp.create_dataset(name, data=codes)
            self._attr_class(d, 'char')
            d.attrs.create('MATLAB_int_decode', np.int32(2))
            return d
        if isinstance(val, dict):
            g = grp.create_group(name)
            self._attr_class(g, 'struct')
            self._fields_attr(g, list(val))
            for k, v in val.items():
                self.write(g, k, v)
            return g
        if isinstance(val, list) and val and isinstance(val[0], dict):  # 1xN struct array
            g = grp.create_group(name)
            self._attr_class(g, 'struct')
            fields = list(val[0])
            self._fields_attr(g, fields)
            for k in fields:
                refs = []
                for rec in val:
                    rn = self._newref_name()
                    d = self.write(self.refs, rn, rec[k])
                    refs.append(d.ref)
                ds = g.create_dataset(k, data=np.array(refs, dtype=h5py.ref_dtype).reshape(-1, 1))
                ds.attrs.create('H5PATH', np.bytes_('/' + name))
            return g
        a = np.asarray(val)
        if a.size == 0:
            d = grp.create_dataset(name, data=np.array([0, 0], dtype=np.uint64))
            self._attr_class(d, 'double')
            d.attrs.create('MATLAB_empty', np.uint8(1))
            return d
        if a.ndim == 0:
            a = a.reshape(1, 1)
        elif a.ndim == 1:
            a = a.reshape(1, -1)
        cls = {np.dtype('float64'): 'double', np.dtype('float32'): 'single'}[a.dtype]
        d = grp.create_dataset(name, data=a.T)  # MATLAB is column-major: store transposed
        self._attr_class(d, cls)
        return d

    def _fields_attr(self, g, fields):
        h5py = self.h5py
        dt_ = h5py.vlen_dtype(np.dtype('S1'))
        arr = np.empty(len(fields), dtype=object)
        for i, f in enumerate(fields):
            arr[i] = np.array(list(f), dtype='S1')
        g.attrs.create('MATLAB_fields', arr, dtype=dt_)

    def close(self):
        self.f.close()
        hdr = ('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Fri Jan  5 10:11:12 2024 '
               'HDF5 schema 1.00 .').ljust(116).encode('ascii')
        hdr += b'\x00' * 8 + struct.pack('<H', 0x0200) + b'IM'
        with open(self.path, 'r+b') as f:
            f.write(hdr)


def s04_h5py_v73():
    import mne
    sf, dur = 500, 40
    names = STD19
    data = synth(19, sf, dur, 44, names.index('Fz'))
    xyz = mne_locs(names)
    # EEGLAB convention: X toward nose, Y toward left ear (MNE: X right, Y front)
    chanlocs = []
    for i, c in enumerate(names):
        X, Y, Z = xyz[i][1] * 1000, -xyz[i][0] * 1000, xyz[i][2] * 1000
        r = np.sqrt(X * X + Y * Y + Z * Z)
        sph_theta = np.degrees(np.arctan2(Y, X))
        sph_phi = np.degrees(np.arcsin(Z / r))
        chanlocs.append(dict(labels=c, type='EEG', theta=float(-sph_theta),
                             radius=float(0.5 - sph_phi / 180), X=float(X), Y=float(Y), Z=float(Z),
                             sph_theta=float(sph_theta), sph_phi=float(sph_phi), sph_radius=float(r),
                             urchan=float(i + 1), ref=''))
    events = [dict(type='S%3d' % (k + 1), latency=float(1 + k * 4 * sf), duration=0.0, urevent=float(k + 1))
              for k in range(8)]
    top = dict(setname='v73 large-file save', filename='s04_h5py_v73.set', filepath='', subject='',
               group='', condition='', session=np.zeros((0, 0)), comments='',
               nbchan=19.0, trials=1.0, pnts=float(sf * dur), srate=float(sf), xmin=0.0,
               xmax=(sf * dur - 1) / sf, times=np.zeros((0, 0)),
               data=(data * 1e6).astype(np.float32),  # nbchan x pnts, written transposed (pnts, nbchan)
               icaact=np.zeros((0, 0)), icawinv=np.zeros((0, 0)), icasphere=np.zeros((0, 0)),
               icaweights=np.zeros((0, 0)), icachansind=np.zeros((0, 0)), chanlocs=chanlocs,
               urchanlocs=np.zeros((0, 0)), chaninfo=dict(plotrad=np.zeros((0, 0)), shrink=np.zeros((0, 0)),
                                                          nosedir='+X'),
               ref='common', event=events, urevent=np.zeros((0, 0)), epoch=np.zeros((0, 0)),
               saved='justloaded', datfile='')
    w = Mat73(os.path.join(OUT, 'eeglab/s04_h5py_v73.set'))
    for k, v in top.items():
        w.write(w.f, k, v)
    w.close()
    add(dict(path='eeglab/s04_h5py_v73.set',
             writer='hand-written MATLAB v7.3 (HDF5) with h5py in MATLAB\'s layout, as EEGLAB pop_saveset(...,'
                    '"version","7.3") / save -v7.3 -struct: 512-byte userblock with "MATLAB 7.3 MAT-file" header, '
                    'top-level fields, char as uint16 + MATLAB_class, data single (stored HDF5 shape pnts x nbchan '
                    'because MATLAB is column-major), chanlocs/event as struct arrays of object references into '
                    '#refs#, channel coordinates present',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='HDF5-based .set: scipy.io.loadmat cannot open it (needs h5py/pymatreader). Data is transposed '
                 'on disk relative to the v5 layout; strings are uint16 arrays; struct arrays are references.'))


# ----------------------------------------------------------------------------
# FIF (MNE)
# ----------------------------------------------------------------------------
def _fif_raw(names, sf, dur, seed, extra=()):
    import mne
    data = synth(len(names), sf, dur, seed, names.index('Fz'))
    info = mne.create_info(list(names), sf, 'eeg')
    raw = mne.io.RawArray(data, info, verbose='error')
    raw.set_montage('standard_1020', on_missing='ignore')
    raw.set_meas_date(dt.datetime(2021, 6, 7, 8, 9, 10, tzinfo=dt.timezone.utc))
    return raw


def f01_bads():
    sf, dur = 1000, 60
    raw = _fif_raw(STD19, sf, dur, 51)
    raw.info['bads'] = ['T7', 'O2']
    raw.save(os.path.join(OUT, 'fif/f01_mne_bads_raw.fif'), overwrite=True, verbose='error')
    add(dict(path='fif/f01_mne_bads_raw.fif', writer='mne.io.RawArray(...).save(), fmt single, 1000 Hz, '
             'standard_1020 montage, info["bads"] = ["T7", "O2"]', expect='read', channels=19, sfreq=sf,
             duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Two channels are marked bad (they contain ordinary noise). 19 EEG channels are stored; a reader '
                 'may drop/flag the 2 bads (17 usable) but must not drop Fz or crash.'))
    MANIFEST[-1]['bads'] = ['T7', 'O2']


def f02_avgproj():
    sf, dur = 250, 60
    raw = _fif_raw(STD19, sf, dur, 52)
    raw.set_eeg_reference('average', projection=True, verbose='error')
    raw.save(os.path.join(OUT, 'fif/f02_mne_avgref_proj_raw.fif'), overwrite=True, verbose='error')
    add(dict(path='fif/f02_mne_avgref_proj_raw.fif', writer='mne raw.save() after '
             'set_eeg_reference("average", projection=True): an inactive average-reference SSP projector is '
             'stored in info["projs"]; the data on disk are NOT re-referenced', expect='read', channels=19,
             sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='The stored data carry the exact 20 uV sine on Fz. If a reader applies the projector, Fz becomes '
                 'sine*(1-1/19) minus the mean of the noise channels (~19 uV at 10 Hz plus noise); the manifest '
                 'value (20 uV) is for the data as stored (projector not applied, MNE default proj=False).'))


def f03_eeg_misc():
    import mne
    sf, dur = 256, 60
    names = STD19[:16]
    data = synth(16, sf, dur, 53, names.index('Fz'))
    n = sf * dur
    rng = np.random.default_rng(530)
    t = np.arange(n) / sf
    extra = np.vstack([
        pink(n, sf, rng) * 150e-6,                         # EOG (V)
        (np.sin(2 * np.pi * 1.2 * t) ** 31) * 1e-3,         # ECG (V)
        36.5 + 0.1 * np.sin(2 * np.pi * 0.01 * t),          # MISC: temperature, unit none
        np.sin(2 * np.pi * 0.3 * t) * 2.0,                  # MISC: respiration belt, arbitrary volts
        pulses(n, sf),                                       # STIM
    ])
    info = mne.create_info(names + ['EOG061', 'ECG063', 'Temp', 'RespBelt', 'STI 014'], sf,
                           ['eeg'] * 16 + ['eog', 'ecg', 'misc', 'misc', 'stim'])
    raw = mne.io.RawArray(np.vstack([data, extra]), info, verbose='error')
    with raw.info._unlock():
        raw.info['chs'][18]['unit'] = mne.io.constants.FIFF.FIFF_UNIT_CEL
    raw.set_montage('standard_1020', on_missing='ignore')
    raw.save(os.path.join(OUT, 'fif/f03_mne_eeg_eog_ecg_misc_stim_raw.fif'), overwrite=True, fmt='double',
             verbose='error')
    add(dict(path='fif/f03_mne_eeg_eog_ecg_misc_stim_raw.fif', writer='mne raw.save(fmt="double"): 16 EEG + EOG061 '
             '+ ECG063 + MISC "Temp" (unit degC, value ~36.5) + MISC "RespBelt" (+-2 V) + stim "STI 014"',
             expect='read', channels=16, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Mixed channel kinds and units: only the 16 EEG channels count. MISC values are 6 orders of '
                 'magnitude larger than EEG (a reader normalising over all channels, or treating MISC as EEG, '
                 'gets it wrong).'))


def f04_short_cal():
    import mne
    sf, dur = 500, 60
    raw = _fif_raw(STD19, sf, dur, 54)
    raw._data[:] = trunc_safe(raw._data, 1e-7)
    with raw.info._unlock():
        for ch in raw.info['chs']:
            ch['cal'] = 1e-7   # 0.1 uV per stored count
            ch['range'] = 1.0
    raw.save(os.path.join(OUT, 'fif/f04_mne_int16_cal_raw.fif'), overwrite=True, fmt='short', verbose='error')
    add(dict(path='fif/f04_mne_int16_cal_raw.fif', writer='mne raw.save(fmt="short") with every channel cal=1e-7, '
             'range=1: samples stored as int16 counts of 0.1 uV (like acquisition systems that store raw counts)',
             expect='read', channels=19, sfreq=sf, duration_s=dur, test_channel='Fz', amplitude_uv=20,
             why='Stored integers must be multiplied by cal*range (1e-7 V). Reading the int16 buffer directly '
                 'gives values 1e7 too large.'))


# ----------------------------------------------------------------------------
# verification with MNE
# ----------------------------------------------------------------------------
def fit_amp(x, sf):
    t = np.arange(len(x)) / sf
    A = np.vstack([np.sin(2 * np.pi * F_TEST * t), np.cos(2 * np.pi * F_TEST * t), np.ones_like(t)]).T
    c, *_ = np.linalg.lstsq(A, x, rcond=None)
    resid = x - A @ c
    return float(np.hypot(c[0], c[1])), float(resid.std())


def _mne_read(p):
    import mne
    ext = os.path.splitext(p)[1].lower()
    if ext == '.edf':
        return mne.io.read_raw_edf(p, preload=True, verbose='error')
    if ext == '.bdf':
        return mne.io.read_raw_bdf(p, preload=True, verbose='error')
    if ext == '.vhdr':
        return mne.io.read_raw_brainvision(p, preload=True, verbose='error')
    if ext == '.set':
        return mne.io.read_raw_eeglab(p, preload=True, verbose='error')
    if ext == '.fif':
        return mne.io.read_raw_fif(p, preload=True, verbose='error')
    raise ValueError(ext)


def _describe(raw, entry, res):
    import mne
    sf = raw.info['sfreq']
    res['sfreq'] = float(sf)
    res['duration_s'] = round(float(raw.n_times / sf), 4)
    res['n_channels_total'] = len(raw.ch_names)
    res['n_eeg_typed'] = int(len(mne.pick_types(raw.info, eeg=True, exclude=[])))
    tc = entry['test_channel']
    cand = [c for c in raw.ch_names if c == tc] or [c for c in raw.ch_names if c.lower() == tc.lower()]
    if not cand:
        res['test_channel_found'] = False
        return res
    name = cand[0]
    x = raw.get_data(picks=[name])[0]
    amp, resid = fit_amp(x, sf)
    res['test_channel_found'] = name
    res['amplitude_uv'] = round(amp * 1e6, 4)
    res['residual_rms_uv'] = round(resid * 1e6, 4)
    eeg = [raw.ch_names[i] for i in mne.pick_types(raw.info, eeg=True, exclude=[]) if raw.ch_names[i] != name]
    if eeg:
        rms = raw.get_data(picks=eeg).std(axis=1) * 1e6
        res['other_eeg_rms_uv_min_max'] = [round(float(rms.min()), 3), round(float(rms.max()), 3)]
    return res


def verify(entry):
    import mne
    p = os.path.join(OUT, entry['path'])
    ext = os.path.splitext(p)[1].lower()
    res = {'mne_version': mne.__version__}
    try:
        with warnings.catch_warnings(record=True) as wl:
            warnings.simplefilter('always')
            raw = _mne_read(p)
        res['read'] = True
        ws = sorted(set(str(w.message)[:200] for w in wl))[:4]
        if ws:
            res['warnings'] = ws
    except Exception as e:  # noqa
        res['read'] = False
        res['error'] = ('%s: %s' % (type(e).__name__, e))[:300].replace(OUT + '/', '')
        if 'ANSI' in entry['path'] or 'latin1' in entry['path']:
            # MNE opens the .vmrk with the locale encoding (UTF-8 here) and chokes on cp1252 bytes.
            # Workaround to check the data themselves: copy the set and drop the marker file.
            import tempfile
            d = tempfile.mkdtemp()
            stem = os.path.splitext(os.path.basename(p))[0]
            src = os.path.dirname(p)
            shutil.copy(os.path.join(src, stem + '.eeg'), d)
            hdr = open(p, 'rb').read().replace(b'MarkerFile=%s.vmrk' % stem.encode(), b'')
            open(os.path.join(d, stem + '.vhdr'), 'wb').write(hdr)
            raw = _mne_read(os.path.join(d, stem + '.vhdr'))
            res['workaround'] = 'read with MarkerFile= line removed (copy in a temp dir)'
            _describe(raw, entry, res)
            shutil.rmtree(d)
        return res
    _describe(raw, entry, res)
    if ext in ('.edf', '.bdf'):
        raw2 = (mne.io.read_raw_edf if ext == '.edf' else mne.io.read_raw_bdf)(p, infer_types=True,
                                                                                verbose='error')
        res['n_eeg_typed_infer_types'] = int(len(mne.pick_types(raw2.info, eeg=True, exclude=[])))
    return res


MNE_NOTES = {
    'e02': 'MNE 1.13.2 types the "ECG" channel as EEG (even with infer_types=True, because the label has no '
           'space-separated prefix), so MNE reports 20 EEG channels; the correct EEG count is 19.',
    'e08': 'MNE 1.13.2 READS THE AMPLITUDE WRONGLY: it does not recognise the UTF-8 "µV" unit and treats the '
           'values as volts, giving a 20 V (1e6 x too large) sine, silently. The correct amplitude is 20 uV.',
    'e09': 'MNE reads it fine (resamples Resp/SpO2 up to 256 Hz); by default it types all 16 signals as EEG; with '
           'infer_types=True it still types "SpO2" as EEG (11). Correct EEG count is 10.',
    'e11': 'MNE 1.13.2 does NOT refuse: it silently concatenates the records into a 60 s continuous recording and '
           'drops the annotation at 71 s (outside its 60 s time axis).',
    'e12': 'MNE reads it without complaint (all zeros).',
    'e13': 'MNE reads it without complaint (2 s).',
    'b02': 'MNE reads it (32 EEG + Status as stim) with correct amplitude.',
    'v05': 'MNE 1.13.2 CANNOT READ IT: it opens the .vmrk with the locale encoding (UTF-8 here), ignoring '
           'Codepage=ANSI, and raises UnicodeDecodeError on byte 0xF6 ("ö"). With the MarkerFile line removed '
           'MNE reads the data correctly (20.00 uV), so the data/header are fine. Would likely pass on a '
           'Windows/cp1252 locale.',
    'v06': 'MNE refuses with FileNotFoundError naming v06_hand_datafile_missing.eeg.',
    'v07': 'MNE reads it correctly.',
    'f02': 'MNE reads it with the projector inactive (20.00 uV); after raw.apply_proj() Fz is 18.97 uV at 10 Hz.',
}


def apply_mne_notes():
    for e in MANIFEST:
        key = os.path.basename(e['path'])[:3]
        if key in MNE_NOTES:
            e['why'] = e['why'] + ' [MNE check] ' + MNE_NOTES[key]


def main(out=None, check_with_mne=True):
    """Write every recording under `out` and its manifest.yaml; `check_with_mne=False` skips reading
    each back with MNE (the manifest then has no `mne_check`). Returns the manifest entries."""
    global OUT
    OUT = str(out or OUT)
    MANIFEST.clear()
    for d in ('edf', 'bdf', 'brainvision', 'eeglab', 'fif'):
        shutil.rmtree(os.path.join(OUT, d), ignore_errors=True)
        os.makedirs(os.path.join(OUT, d))
    makers = [e01_pyedflib_ref_annot, e02_edfio_500_halfsec, e03_LE_narrow, e04_A1_oldnames, e05_mV, e06_V,
              e07_uV_latin1, e08_uV_utf8, e09_psg_mixed_rates, e10_status_halfsec, e11_edfplus_D, e12_flat,
              e13_2s, b01_biosemi_1020, b02_biosemi_ABC, v01_pybv_int16, v02_pybv_float32,
              v03_hand_int16_crlf, v04_hand_float32_vectorized, v05_hand_ansi_latin1, v06_missing_eeg,
              v07_ascii, s01_eeglabio_embedded_locs, s02_eeglabio_fdt, s03_savemat_EEG_struct_fdt,
              s04_h5py_v73, f01_bads, f02_avgproj, f03_eeg_misc, f04_short_cal]
    for mk in makers:
        mk()
        print('wrote', MANIFEST[-1]['path'], flush=True)
    for e in MANIFEST if check_with_mne else ():
        e['mne_check'] = verify(e)
        print(e['path'], e['mne_check'], flush=True)
    if check_with_mne:
        apply_mne_notes()
    order = ['path', 'writer', 'expect', 'acceptable', 'channels', 'sfreq', 'duration_s', 'test_channel',
             'amplitude_uv', 'bads', 'why', 'mne_check']
    out = [{k: e[k] for k in order if k in e} for e in MANIFEST]
    with open(os.path.join(OUT, 'manifest.yaml'), 'w', encoding='utf-8') as f:
        f.write('# Foreign EEG recordings for reader tests. Generated by make_files.py.\n'
                '# Test signal: test_channel = 20 uV peak 10 Hz sine, nothing else; other channels pink noise '
                '10-30 uV RMS.\n# mne_check = what MNE %s reads back (amplitude by least-squares fit at 10 Hz).\n'
                % __import__('mne').__version__)
        yaml.safe_dump(out, f, sort_keys=False, allow_unicode=True, width=110)
    return out


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else None)
