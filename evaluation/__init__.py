"""Evaluation: batch-evaluate a checkpoint's answers and reasoning (accuracy, consistency,
faithfulness, calibration, abstention) under leak-free protocols, and the encoder against
DE-feature baselines. Imports point down only (training, projector, prompts, encoders); the model
under evaluation answers through an `Answerer` its caller builds."""

from .config import ABLATIONS, EVAL_TASKS, REFERENCES, EvalConfig, check_config
from .run import rescore, run_evaluation

__all__ = ["ABLATIONS", "EVAL_TASKS", "REFERENCES", "EvalConfig", "check_config", "rescore", "run_evaluation"]
