"""PyTorch: dynamic loss scaling for mixed precision (skip and back off on overflow, grow after good steps)."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_loss_scaling"
TITLE = "PyTorch dynamic loss scaling with overflow skips, clipping and momentum"
DIFFICULTY = "hard"
FRAMEWORK = "torch"
ENTRY = "train_with_loss_scaling"
STATEMENT = """\
Implement train_with_loss_scaling(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
backoff_factor, growth_interval) with PyTorch: the dynamic loss scaling of mixed-precision training (what
torch.cuda.amp.GradScaler does; it does nothing on a CPU-only machine), simulated in float64. params is a
list of float64 tensors of any shapes; grads is a list of float64 tensors where grads[i] has shape
(T,) + params[i].shape and grads[i][t] is the true gradient of params[i] at step t (entries may be nan or
inf); T >= 1. Train copies of the params, starting with scale = init_scale, a good-step counter of 0 and
momentum buffers of zeros. At step t the scaled gradients (what backward of scale * loss would give) are
grads[i][t] * scale; the step overflows when any entry of any of them is inf or nan or has an absolute
value above 65504.0 (float16's largest; test exactly that rule, do not cast to float16). On overflow, skip
the step (params and momentum buffers stay as they are), multiply scale by backoff_factor and reset the
counter to 0. Otherwise unscale (divide the scaled gradients by scale), clip by the global L2 norm over
all tensors (when norm > max_norm multiply every gradient by exactly max_norm / norm; no epsilon, so
torch.nn.utils.clip_grad_norm_ does not match), apply SGD with momentum (buf = momentum * buf + g, then
p -= lr * buf), add one to the counter, and when it reaches growth_interval multiply scale by
growth_factor and reset it to 0. Return (scales, skipped, new_params): scales a float64 tensor (T + 1,)
with scales[0] = init_scale and scales[t + 1] the scale after step t, skipped a bool tensor (T,) that is
True for skipped steps, and new_params the list of trained params (float64, the input shapes, in order).
Do not modify the inputs in place."""
STARTER = '''import torch


def train_with_loss_scaling(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                            backoff_factor, growth_interval):
    """params: list of float64 tensors; grads: list with grads[i] of shape (T,) + params[i].shape.
    Return (scales (T + 1,) float64, skipped (T,) bool, [trained params])."""
    raise NotImplementedError
'''
OUTPUTS = ("scales", "skipped", "params...")
DTYPES = ("float64", "bool", "float64")  # every trained param is float64 like its input
RTOL, ATOL = 1e-9, 1e-12
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"params": [np.array([1.0, -1.0])],
             "grads": [np.array([[0.5, 0.5], [np.inf, 0.0], [3.0, 4.0], [0.0, 1.0]])],
             "lr": 0.1, "momentum": 0.5, "max_norm": 2.0, "init_scale": 1024.0, "growth_factor": 2.0,
             "backoff_factor": 0.5, "growth_interval": 2}]
_SCALER = {"growth_factor": 2.0, "backoff_factor": 0.5}
HIDDEN = [
    ("standard", {"shapes": [(3, 4), (4,)], "steps": 12, "lr": 0.1, "momentum": 0.9, "max_norm": 3.0,
                  "init_scale": 4096.0, "growth_interval": 3, **_SCALER}),
    ("standard", {"shapes": [(5,)], "steps": 16, "lr": 0.05, "momentum": 0.5, "max_norm": 1.0,
                  "init_scale": 1024.0, "growth_interval": 2, "bad": 0.3, **_SCALER}),
    ("standard", {"shapes": [(2, 3), (3,), (1,)], "steps": 10, "lr": 0.1, "momentum": 0.0, "max_norm": 1e6,
                  "init_scale": 1000.0, "growth_factor": 1.5, "backoff_factor": 0.25, "growth_interval": 2,
                  "bad": 0.2}),
    ("edge", {"shapes": [(1,)], "steps": 1, "lr": 0.1, "momentum": 0.9, "max_norm": 1.0, "init_scale": 8.0,
              "growth_interval": 1, "bad": 0.0, "first_bad": True, **_SCALER}),
    ("edge", {"shapes": [(2, 2)], "steps": 1, "lr": 0.1, "momentum": 0.9, "max_norm": 10.0, "init_scale": 8.0,
              "growth_interval": 1, "bad": 0.0, **_SCALER}),
    ("edge", {"shapes": [(4,)], "steps": 10, "lr": 0.1, "momentum": 0.5, "max_norm": 10.0,
              "init_scale": 256.0, "growth_interval": 1, "bad": 0.0, **_SCALER}),
    ("edge", {"shapes": [(3,), (2,)], "steps": 6, "lr": 0.1, "momentum": 0.9, "max_norm": 1.0,
              "init_scale": 1024.0, "growth_interval": 2, "all_bad": True, **_SCALER}),
    ("edge", {"shapes": [(6,)], "steps": 8, "lr": 0.2, "momentum": 0.9, "max_norm": 2.0, "init_scale": 512.0,
              "growth_interval": 2, "bad": 0.2, "first_bad": True, **_SCALER}),
    ("numerical", {"shapes": [(4, 4), (4,)], "steps": 24, "lr": 0.1, "momentum": 0.9, "max_norm": 2.0,
                   "init_scale": 65536.0, "growth_interval": 2, "bad": 0.5, **_SCALER}),
    ("numerical", {"shapes": [(8,)], "steps": 20, "lr": 10.0, "momentum": 0.8, "max_norm": 1e-3,
                   "init_scale": 2.0 ** 24, "growth_interval": 3, "bad": 0.3, "gscale": 1e-4, **_SCALER}),
    ("large", {"shapes": [(256, 256), (256,)], "steps": 40, "lr": 0.01, "momentum": 0.9, "max_norm": 50.0,
               "init_scale": 2.0 ** 12, "growth_interval": 4, **_SCALER}),
]


def inputs(rng, shapes, steps, lr, momentum, max_norm, init_scale, growth_factor, backoff_factor,
           growth_interval, bad=0.25, gscale=1.0, first_bad=False, all_bad=False):
    params = [rng.standard_normal(s) for s in shapes]
    grads = [rng.standard_normal((steps,) + tuple(s)) * gscale for s in shapes]
    kinds = rng.random(steps)
    if bad > 0 and steps >= 3:
        kinds[steps // 2] = 0.0  # at least one step whose only fault is a nan
    for t in range(steps):
        if kinds[t] >= bad:
            continue
        flat = grads[int(rng.integers(len(shapes)))][t].reshape(-1)  # a view: writes reach grads
        j = int(rng.integers(flat.size))
        sign = 1.0 if rng.random() < 0.5 else -1.0
        if kinds[t] < bad / 3:
            flat[j] = np.nan
        elif kinds[t] < 2 * bad / 3:
            flat[j] = sign * np.inf
        else:  # a finite spike: overflows at a large scale, is clipped at a small one
            flat[j] = sign * 10.0 ** rng.uniform(2.0, 4.5) * gscale
    if first_bad:
        grads[0][0].reshape(-1)[0] = np.nan
    if all_bad:
        grads[0].reshape(steps, -1)[:, 0] = np.nan
    return {"params": params, "grads": grads, "lr": lr, "momentum": momentum, "max_norm": max_norm,
            "init_scale": init_scale, "growth_factor": growth_factor, "backoff_factor": backoff_factor,
            "growth_interval": growth_interval}


def reference(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
              backoff_factor, growth_interval):
    """NumPy: runs in the trusted parent, which needs no torch."""
    weights = [p.copy() for p in params]
    bufs = [np.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        with np.errstate(invalid="ignore"):
            overflow = any(bool((~np.isfinite(s)).any() or (np.abs(s) > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
            scales.append(scale)
            continue
        unscaled = [s / scale for s in scaled]
        norm = np.sqrt(sum((u * u).sum() for u in unscaled))
        if norm > max_norm:
            unscaled = [u * (max_norm / norm) for u in unscaled]
        bufs = [momentum * b + u for b, u in zip(bufs, unscaled)]
        weights = [w - lr * b for w, b in zip(weights, bufs)]
        good += 1
        if good == growth_interval:
            scale *= growth_factor
            good = 0
        scales.append(scale)
    return np.array(scales), np.array(skipped, dtype=bool), weights


def solution(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
             backoff_factor, growth_interval):
    """The torch solution the sandbox runs as the reference."""
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def wrong(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
          backoff_factor, growth_interval):
    """Notes the overflow and backs the scale off, but applies the step anyway: inf and nan reach the weights."""
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        unscaled = [s / scale for s in scaled]
        norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
        if norm > max_norm:
            unscaled = [u * (max_norm / norm) for u in unscaled]
        for w, b, u in zip(weights, bufs, unscaled):
            b.mul_(momentum).add_(u)
            w.sub_(lr * b)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_counter_not_reset_on_overflow(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                                         backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_not_unscaled(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                        backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_unscaled_twice(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                          backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_nan_not_detected(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                            backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool(torch.isinf(s).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_float16_range_ignored(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                                 backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_grows_one_step_early(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                                backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good >= growth_interval - 1:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_clips_before_unscaling(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                                  backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            norm = torch.sqrt(sum((s * s).sum() for s in scaled))
            if norm > max_norm:
                scaled = [s * (max_norm / norm) for s in scaled]
            unscaled = [s / scale for s in scaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_momentum_decays_on_skipped_steps(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                                            backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
            for w, b in zip(weights, bufs):
                b.mul_(momentum)
                w.sub_(lr * b)
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_per_tensor_clipping(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                               backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale for s in scaled]
            norms = [torch.sqrt((u * u).sum()) for u in unscaled]
            unscaled = [u * (max_norm / n) if n > max_norm else u for u, n in zip(unscaled, norms)]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_updates_params_in_place(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                                   backoff_factor, growth_interval):
    weights = [p.detach() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / norm) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


def mutant_clip_with_epsilon(params, grads, lr, momentum, max_norm, init_scale, growth_factor,
                             backoff_factor, growth_interval):
    weights = [p.detach().clone() for p in params]
    bufs = [torch.zeros_like(w) for w in weights]
    scale, good = float(init_scale), 0
    scales, skipped = [scale], []
    for t in range(grads[0].shape[0]):
        scaled = [g[t] * scale for g in grads]
        overflow = any(bool((~torch.isfinite(s)).any() or (s.abs() > 65504.0).any()) for s in scaled)
        skipped.append(overflow)
        if overflow:
            scale *= backoff_factor
            good = 0
        else:
            unscaled = [s / scale for s in scaled]
            norm = torch.sqrt(sum((u * u).sum() for u in unscaled))
            if norm > max_norm:
                unscaled = [u * (max_norm / (norm + 1e-6)) for u in unscaled]
            for w, b, u in zip(weights, bufs, unscaled):
                b.mul_(momentum).add_(u)
                w.sub_(lr * b)
            good += 1
            if good == growth_interval:
                scale *= growth_factor
                good = 0
        scales.append(scale)
    return torch.tensor(scales, dtype=torch.float64), torch.tensor(skipped, dtype=torch.bool), weights


MUTANTS = {"steps_despite_overflow": wrong, "counter_not_reset_on_overflow": mutant_counter_not_reset_on_overflow,
           "not_unscaled": mutant_not_unscaled, "unscaled_twice": mutant_unscaled_twice,
           "nan_not_detected": mutant_nan_not_detected, "float16_range_ignored": mutant_float16_range_ignored,
           "grows_one_step_early": mutant_grows_one_step_early,
           "clips_before_unscaling": mutant_clips_before_unscaling,
           "momentum_decays_on_skipped_steps": mutant_momentum_decays_on_skipped_steps,
           "per_tensor_clipping": mutant_per_tensor_clipping,
           "updates_params_in_place": mutant_updates_params_in_place, "clip_with_epsilon": mutant_clip_with_epsilon}
