"""Numbers that leave the program are finite or absent.

JSON has no NaN or Infinity (Python's `json` writes them anyway, and other readers then fail), and
a note or a prompt that says "nan" states nothing. `json_safe` turns NumPy scalars and arrays into
plain values and every non-finite number into None, so `json.dumps(json_safe(x), allow_nan=False)`
always succeeds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def finite_or_none(value: Any) -> float | None:
    """`value` as a float when it is a finite number, else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def json_safe(obj: Any) -> Any:
    """A copy of `obj` built from dicts, lists, str, int, bool, None and finite floats only."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return json_safe(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return finite_or_none(obj)
    return obj


def non_finite_paths(obj: Any, path: str = "") -> list[str]:
    """Where in a nested structure a non-finite float sits (for checks and error messages)."""
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in non_finite_paths(v, f"{path}.{k}")]
    if isinstance(obj, (list, tuple)):
        return [p for i, v in enumerate(obj) for p in non_finite_paths(v, f"{path}[{i}]")]
    if isinstance(obj, np.ndarray):
        return [path] if obj.dtype.kind == "f" and not np.isfinite(obj).all() else []
    if isinstance(obj, (float, np.floating)) and not math.isfinite(float(obj)):
        return [path or "value"]
    return []
