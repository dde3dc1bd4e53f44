"""A deterministic synthetic emotion-EEG cohort that is honest to benchmark on.

Why synthetic data at all: the emotion datasets (SEED, SEED-VII, DEAP, DREAMER) are licence-gated
and cannot ship with tests or the app. A cohort generated here stands in for them in tests, demos
and the encoder's smoke benchmarks, and it is built so that the usual evaluation mistakes show up
the way they do on real data: a leaky window-level split scores near 1.0, a trial-grouped split
scores far lower, permuted labels sit at chance.

Design, from the head outwards:

* Head model. An MNE three-shell sphere fitted to the electrodes, a 20-mm volume grid of source
  points and a free-orientation EEG forward solution (`_head_model`, cached per montage). Every
  montage is simulated on the same head as the SEED 62-channel cap, so amplitudes and blink sizes
  are calibrated once, whatever montage is asked for. Data are average-referenced.
* Sources. Twelve named cortical patches (left/right frontal, frontal midline, left/right temporal,
  left/right central, left/right/midline parietal, left/right occipital) plus every grid point as a
  weak background source. A named patch's leadfield is a Gaussian-weighted mix of the grid points
  around it, so it can sit anywhere (per-subject position and orientation jitter) and behaves like
  an extended patch of cortex rather than a point.
* Spectra. Each source's power spectrum is a sum of components: 1/f background (subject exponent
  1.2-2.0), theta (~6 Hz), alpha at the individual alpha frequency ~N(10, 1) Hz, beta (~2 x IAF)
  and a broad gamma bump. Every effect, emotional or not, is a log-gain on one component of one
  source. Time courses are stationary Gaussian processes drawn in the frequency domain (complex
  Gaussian x sqrt(PSD)), summed through the leadfield with sensor noise and electrode drift, and
  inverse-FFT'd once per trial (~0.05 s for 32 s of 62 channels).
* Emotion effects (small, physiological). Valence: frontal alpha asymmetry (positive valence =
  LESS alpha over the LEFT frontal source, so ln a(F4) - ln a(F3) rises) and lateral-temporal
  beta/gamma (higher for positive emotions). Arousal: frontal-midline theta and broadband power up,
  posterior alpha down. Each discrete emotion adds a small specific pattern (`_SPECIFIC`); valence,
  arousal and each emotion also carry a faint pattern spread over all sources (fixed, shared by
  every cohort, like human physiology), and each subject expresses each emotion a little
  idiosyncratically and with their own strength.
* Nuisance larger than the effects. Between subjects: IAF, 1/f exponent, per-source spectral
  profile, overall amplitude, per-channel gains, baseline frontal asymmetry, source positions and
  orientations. Within a subject: a per-session state and cap fit, a label-independent per-trial
  fingerprint (log-gains on every source, constant within the trial), a per-stimulus pattern
  shared by everyone who sees that clip (clips repeat across subjects and sessions, like SEED), a
  time-on-task drift (every subject sees a session's clips in the same order, like SEED: a weak
  order confound), blinks, muscle bursts, slow electrode drift, sensor noise, a little line noise.

How hard it is (8 subjects, 3 trials per emotion, seed62, 32-s trials, 4-s windows, logistic
regression on Gaussian DE z-scored per subject, window accuracy, 7 classes, chance 0.14):
within-subject cross-trial ~0.42, leave-one-subject-out ~0.33, leaky window split ~0.94,
permuted labels ~0.15. The `_*_SD` / `_*_GAIN` constants below set these numbers.

Determinism: every random draw comes from a numpy `SeedSequence` keyed by the cohort seed and the
(subject, session, trial) it belongs to, never from a shared stream, so a trial's samples do not
depend on how many subjects are generated or in which order.

Every file written here is marked SYNTHETIC (EDF+ annotation and header fields, FIF description
and annotation) so that `encoders.io.read_recording` flags it with `meta.synthetic = True`.

Modules, in the order the signal is built: config (cohort settings, labels, generator version),
streams (keyed random streams, clip order), head (forward model), sources (patches, spectral
components, emotion effects), subjects (people and sessions), simulate (spectra to samples),
trials (one trial and its Recording), files (a cohort or a sample on disk, via encoders.writers).
"""

from __future__ import annotations

from ..io import SYNTHETIC_DESCRIPTION
from ..labels import EMOTIONS, VALENCE_AROUSAL
from .config import GENERATOR, GENERATOR_VERSION, HIGH_THRESHOLD, CohortConfig, arousal_high, valence_high
from .files import LABEL_COLUMNS, write_cohort, write_sample
from .sources import COMPONENTS, SOURCES, emotion_effects
from .streams import session_order
from .trials import SyntheticTrial, generate_trial, iter_trials, trial_to_recording

__all__ = ["COMPONENTS", "EMOTIONS", "GENERATOR", "GENERATOR_VERSION", "HIGH_THRESHOLD", "LABEL_COLUMNS", "SOURCES",
           "SYNTHETIC_DESCRIPTION", "VALENCE_AROUSAL", "CohortConfig", "SyntheticTrial", "arousal_high",
           "emotion_effects", "generate_trial", "iter_trials", "session_order", "trial_to_recording", "valence_high",
           "write_cohort", "write_sample"]
