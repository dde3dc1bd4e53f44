"""Hostile files fed to the product's loaders, run in a child process with a memory cap:

    python -m bench.reliability.security_probe pickles|checkpoints FOLDER

Every payload, if executed, creates a file in FOLDER/sentinels; the parent checks that folder is
still empty afterwards. Each line of output is one JSON result: what was tried, what the loader
raised (type and message), and whether it was refused with a typed error.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import shutil
import struct
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

MEMORY_CAP_BYTES = 4 * 2**30  # "giant" means beyond what this process may have, on any machine


def _payloads(sentinels: Path) -> dict[str, Any]:
    """Objects whose unpickling would run code that touches a sentinel file."""
    import builtins
    import subprocess

    def marker(name: str) -> str:
        return str(sentinels / name)

    class System:
        def __reduce__(self):
            return os.system, (f"touch {marker('os-system')}",)

    class Eval:
        def __reduce__(self):
            return builtins.eval, (f"open({marker('builtins-eval')!r}, 'w').close()",)

    class Exec:
        def __reduce__(self):
            return builtins.exec, (f"open({marker('builtins-exec')!r}, 'w').close()",)

    class Popen:
        def __reduce__(self):
            return subprocess.Popen, (["touch", marker("subprocess-popen")],)

    class Call:
        def __reduce__(self):
            return subprocess.call, (["touch", marker("subprocess-call")],)

    class ImportOs:
        def __reduce__(self):
            return builtins.__import__, ("os",)

    class Getattr:  # a chain through builtins that look harmless one by one
        def __reduce__(self):
            return builtins.getattr, (ImportOs(), "system")

    return {"os.system": System(), "builtins.eval": Eval(), "builtins.exec": Exec(),
            "subprocess.Popen": Popen(), "subprocess.call": Call(), "builtins.getattr(__import__('os'))": Getattr()}


def _giant_array() -> object:
    class Giant:  # ndarray state declaring 10^12 float64 (8 TB) with 8 bytes of data
        def __reduce__(self):
            from numpy._core.multiarray import _reconstruct

            return _reconstruct, (np.ndarray, (0,), b"b"), (1, (10**12,), np.dtype("float64"), False, b"\0" * 8)

    return Giant()


def _raw_pickles(sentinels: Path) -> dict[str, bytes]:
    """Hand-written byte streams: Python-2 opcodes (as DEAP's files are) and oversized declarations."""
    target = str(sentinels / "py2-builtin-eval")
    return {
        "protocol 0 __builtin__.eval": b"c__builtin__\neval\n(V" + f"open({target!r},'w').close()".encode()
                                       + b"\ntR.",
        "protocol 0 posix.system": b"cposix\nsystem\n(V" + f"touch {sentinels / 'posix-system'}".encode() + b"\ntR.",
        "BINBYTES8 declaring 1 TiB": b"\x80\x04\x8e" + struct.pack("<Q", 2**40) + b"abc.",
        "FRAME declaring 1 TiB": b"\x80\x04\x95" + struct.pack("<Q", 2**40) + b"N.",
        "BINUNICODE8 declaring 1 TiB": b"\x80\x04\x8d" + struct.pack("<Q", 2**40) + b"abc.",
    }


def _try(name: str, action: Callable[[], Any]) -> dict:
    from encoders.errors import EEGReasonError

    try:
        value = action()
    except EEGReasonError as err:
        return {"case": name, "refused": True, "typed": True, "error": type(err).__name__, "message": str(err)[:240]}
    except BaseException as err:  # noqa: BLE001 - MemoryError, UnpicklingError...: all reported
        return {"case": name, "refused": True, "typed": False, "error": type(err).__name__, "message": str(err)[:240]}
    return {"case": name, "refused": False, "typed": False, "error": None, "loaded": type(value).__name__}


def probe_pickles(folder: Path, sentinels: Path) -> list[dict]:
    from encoders.datasets.deap import DEAP
    from encoders.datasets.safe_pickle import load_npz_pickled, safe_load

    results = []
    cases: dict[str, bytes] = {}
    for name, payload in _payloads(sentinels).items():
        for protocol in (0, 2, 5):
            cases[f"{name} (protocol {protocol})"] = pickle.dumps(payload, protocol=protocol)
        # DEAP's shape: a dict of arrays with the payload where the labels should be.
        cases[f"{name} inside a DEAP-like dict"] = pickle.dumps({"data": np.zeros((1, 40, 10)), "labels": payload},
                                                                protocol=2)
    cases["ndarray declaring 10^12 elements"] = pickle.dumps({"data": _giant_array()}, protocol=2)
    cases.update(_raw_pickles(sentinels))
    for index, (name, data) in enumerate(cases.items()):
        path = folder / f"case{index}.pkl"
        path.write_bytes(data)
        results.append(_try(f"safe_load: {name}", lambda path=path: safe_load(path)))
    # The dataset loaders themselves: a DEAP folder whose s01.dat is hostile, a SEED-V .npz.
    for name in ("os.system inside a DEAP-like dict", "BINBYTES8 declaring 1 TiB", "ndarray declaring 10^12 elements"):
        root = folder / f"deap-{len(results)}"
        (root / "data_preprocessed_python").mkdir(parents=True)
        (root / "data_preprocessed_python" / "s01.dat").write_bytes(cases[name])
        results.append(_try(f"DEAP loader: {name}", lambda root=root: next(DEAP(root).iter_trials())))
    npz = folder / "1_123.npz"
    np.savez(npz, de=np.frombuffer(cases["os.system (protocol 2)"], dtype=np.uint8))
    results.append(_try("SEED-V npz member: os.system", lambda: load_npz_pickled(npz, "de")))
    return results


def probe_checkpoints(folder: Path, sentinels: Path) -> list[dict]:
    """Checkpoint and model folders whose weights are pickles (or whose config asks for remote code)."""
    import torch

    from encoders.paths import repo_root
    from projector.checkpoint import load_checkpoint, merged_from_adapter, read_config
    from projector.llm import load_causal_lm, load_input_embeddings, load_tokenizer, resolve_llm

    demo = repo_root() / "checkpoints" / "demo"
    evil = _payloads(sentinels)["os.system"]
    results = []

    ckpt = folder / "checkpoint-with-pickled-encoder"
    ckpt.mkdir()
    shutil.copy(demo / "config.json", ckpt / "config.json")
    shutil.copy(demo / "projector.safetensors", ckpt / "projector.safetensors")
    for name in ("encoder.bin", "encoder.pt", "encoder.pth"):
        torch.save({"weight": evil}, ckpt / name)
    results.append(_try("checkpoint: encoder.bin/.pt/.pth instead of encoder.safetensors",
                        lambda: load_checkpoint(ckpt, read_config(ckpt))))

    base = resolve_llm(read_config(demo).llm)
    llm = folder / "llm-with-pickled-weights"
    llm.mkdir()
    for item in base.iterdir():
        if item.is_file() and not item.name.endswith(".safetensors") and item.name != "model.safetensors.index.json":
            shutil.copy(item, llm / item.name)
    torch.save({"model.embed_tokens.weight": evil}, llm / "pytorch_model.bin")
    results.append(_try("LLM folder with pytorch_model.bin only: input embeddings", lambda: load_input_embeddings(llm)))
    results.append(_try("LLM folder with pytorch_model.bin only: causal LM (transformers)",
                        lambda: load_causal_lm(llm)))

    adapter = folder / "adapter-with-pickled-weights"
    adapter.mkdir()
    shutil.copy(demo / "adapter" / "adapter_config.json", adapter / "adapter_config.json")
    torch.save({"base_model.model.lm_head.weight": evil}, adapter / "adapter_model.bin")
    results.append(_try("LoRA adapter with adapter_model.bin only: merge", lambda: merged_from_adapter(base, adapter)))

    remote = folder / "llm-asking-for-remote-code"
    shutil.copytree(base, remote)
    config = json.loads((remote / "config.json").read_text())
    config["auto_map"] = {"AutoConfig": "evil_code.EvilConfig", "AutoModelForCausalLM": "evil_code.EvilModel"}
    (remote / "config.json").write_text(json.dumps(config))
    tok = json.loads((remote / "tokenizer_config.json").read_text())
    tok["auto_map"] = {"AutoTokenizer": ["evil_code.EvilTokenizer", None]}
    (remote / "tokenizer_config.json").write_text(json.dumps(tok))
    (remote / "evil_code.py").write_text(f"open({str(sentinels / 'remote-code')!r}, 'w').close()\n"
                                         "from transformers import LlamaConfig as EvilConfig\n"
                                         "from transformers import LlamaForCausalLM as EvilModel\n"
                                         "from transformers import PreTrainedTokenizerFast as EvilTokenizer\n")
    results.append(_try("LLM folder whose config maps to its own code: tokenizer", lambda: load_tokenizer(remote)))
    results.append(_try("LLM folder whose config maps to its own code: causal LM", lambda: load_causal_lm(remote)))
    return results


def main(argv: list[str]) -> None:
    what, folder = argv[0], Path(argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    sentinels = folder / "sentinels"
    sentinels.mkdir(parents=True, exist_ok=True)
    work = folder / what
    work.mkdir(exist_ok=True)
    results = {"pickles": probe_pickles, "checkpoints": probe_checkpoints}[what](work, sentinels)
    for result in results:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
