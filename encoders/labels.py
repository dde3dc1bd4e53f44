"""The emotion label set (SEED-VII's seven classes, in this index order), used everywhere."""

EMOTIONS: tuple[str, ...] = ("happy", "surprise", "neutral", "sad", "disgust", "fear", "anger")
