"""The ML-coding round: a registry of problems, a sandboxed judge, and the speed measurement.

    from simulator.coding import get, names
    from simulator.coding.judge import judge, run_visible

Problems are modules under `simulator.coding.problems`, referred to by their
registered name (bank questions name them in `coding.problem`); a module is
imported only when its problem is asked for.
"""
from __future__ import annotations

import difflib
import importlib

from simulator.coding.problem import Problem, ProblemError

# registered name -> module under simulator.coding.problems
MODULES: dict[str, str] = {
    name: name for name in (
        "softmax", "log_softmax", "cross_entropy", "layer_norm", "rms_norm", "gelu", "dropout",
        "attention", "multi_head_attention", "kv_cache_step", "rotary_embedding",
        "sample_temperature", "sample_top_k", "sample_top_p", "beam_search",
        "mlp_backprop", "adam_step", "logistic_regression", "kmeans", "pca_power_iteration",
        "conv2d", "im2col", "bpe_merge", "lora_forward", "clip_grad_norm",
        "embedding_bag", "pairwise_distances", "cosine_top_k", "tiled_attention", "kv_cache_decode", "sample_top_p_seeded", "torch_masked_attention", "torch_label_smoothing",
    )
}

_loaded: dict[str, Problem] = {}


def names() -> list[str]:
    return sorted(MODULES)


def get(name: str) -> Problem:
    """The registered problem `name`; LookupError with a suggestion on a miss."""
    if name not in MODULES:
        close = difflib.get_close_matches(name, names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise LookupError(f"unknown coding problem {name!r}{hint} (see `mockloop code list`)")
    if name not in _loaded:
        module = importlib.import_module(f"simulator.coding.problems.{MODULES[name]}")
        problem = Problem(module)
        if problem.NAME != name:
            raise ProblemError(f"module {module.__name__} registers as {problem.NAME!r}, not {name!r}")
        _loaded[name] = problem
    return _loaded[name]


def all_problems() -> list[Problem]:
    return [get(n) for n in names()]


__all__ = ["Problem", "ProblemError", "all_problems", "get", "names"]
