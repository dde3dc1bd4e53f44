"""The emotion label set (SEED-VII's seven classes, in this index order) and where each sits on
the valence/arousal plane (−1..1), used everywhere: the synthetic cohort, rationales, evaluation.

Valence/arousal placed after the circumplex literature (Russell 1980) and the mean self-reports
SEED-VII/DEAP participants give for such clips: fear and anger are the most arousing negative
states, sadness is negative and low-arousal, disgust is negative with moderate arousal, surprise
is arousing and mildly positive, neutral is slightly under-aroused.
"""

EMOTIONS: tuple[str, ...] = ("happy", "surprise", "neutral", "sad", "disgust", "fear", "anger")

VALENCE_AROUSAL: dict[str, tuple[float, float]] = {
    "happy": (0.8, 0.5),
    "surprise": (0.3, 0.8),
    "neutral": (0.0, -0.3),
    "sad": (-0.7, -0.4),
    "disgust": (-0.6, 0.3),
    "fear": (-0.7, 0.8),
    "anger": (-0.6, 0.7),
}
