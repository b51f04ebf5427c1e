"""PyTorch: a ZeRO-style sharded AdamW step (reduce-scatter, per-shard update, all-gather) simulated in one process."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_sharded_adamw"
TITLE = "PyTorch ZeRO-style sharded AdamW step"
DIFFICULTY = "hard"
FRAMEWORK = "torch"
ENTRY = "sharded_adamw_step"
STATEMENT = """\
Implement sharded_adamw_step(params, grads, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay)
with PyTorch: one AdamW step of a data-parallel run over R ranks whose optimizer state is sharded (ZeRO
stages 1-2), simulated in a single process. params is a float64 tensor (P,) holding the flattened
parameters that every rank has; grads is float64 (R, P), row k being rank k's local gradient. With
S = ceil(P / R), the flat vector is padded with zeros at its end to length R * S and rank k owns the padded
positions k*S .. (k+1)*S - 1. exp_avg and exp_avg_sq are float64 (R, S): row k is rank k's shard of the
first and second moments (zero at padded positions). Reduce-scatter: rank k's gradient shard g is the mean
over the R ranks of their zero-padded gradients at the positions rank k owns. Each rank then updates only
its own shard, where step >= 1 is the 1-based number of this update:
m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g**2; m_hat = m / (1 - beta1**step);
v_hat = v / (1 - beta2**step); p = p * (1 - lr * weight_decay) - lr * m_hat / (sqrt(v_hat) + eps)
(decoupled weight decay, padded p taken as 0). All-gather the parameter shards, strip the padding, and
return (new_params (P,), new_exp_avg (R, S), new_exp_avg_sq (R, S)), all float64; new_params must equal one
unsharded AdamW step on the mean gradient. P < R is possible (some ranks own only padding).
Do not modify the inputs in place."""
STARTER = '''import torch


def sharded_adamw_step(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                       weight_decay=0.01):
    """params: (P,); grads: (R, P); exp_avg, exp_avg_sq: (R, S) with S = ceil(P / R); all float64.
    Return (new_params (P,), new_exp_avg (R, S), new_exp_avg_sq (R, S))."""
    raise NotImplementedError
'''
OUTPUTS = ("params", "exp_avg", "exp_avg_sq")
DTYPES = ("same:params",)
RTOL, ATOL = 1e-10, 1e-13
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"params": np.array([1.0, -1.0, 0.5]), "grads": np.array([[0.2, 0.0, -0.4], [0.0, 0.2, 0.0]]),
             "exp_avg": np.zeros((2, 2)), "exp_avg_sq": np.zeros((2, 2)), "step": 1, "lr": 0.1, "beta1": 0.9,
             "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1}]
HIDDEN = [
    ("standard", {"r": 4, "p": 37, "step": 5, "wd": 0.01}),
    ("standard", {"r": 3, "p": 30, "step": 1, "wd": 0.1}),
    ("standard", {"r": 8, "p": 1001, "step": 120, "wd": 0.05}),
    ("edge", {"r": 1, "p": 7, "step": 3, "wd": 0.01}),
    ("edge", {"r": 6, "p": 4, "step": 2, "wd": 0.1}),
    ("edge", {"r": 5, "p": 11, "step": 1, "wd": 0.0}),
    ("edge", {"r": 2, "p": 1, "step": 4, "wd": 0.2}),
    ("numerical", {"r": 4, "p": 50, "step": 3, "wd": 0.01, "scale": 1e-9}),
    ("large", {"r": 8, "p": 200003, "step": 10, "wd": 0.01}),
]


def inputs(rng, r, p, step, wd, scale=1.0):
    s = -(-p // r)
    shared = rng.standard_normal(p)
    grads = (shared + rng.standard_normal((r, p))) * scale  # ranks see different data
    if step == 1:
        m, v = np.zeros(r * s), np.zeros(r * s)
    else:
        m = rng.standard_normal(r * s) * 0.1 * scale
        v = rng.random(r * s) * 0.5 * scale * scale
        m[p:] = 0.0
        v[p:] = 0.0
    return {"params": rng.standard_normal(p), "grads": grads, "exp_avg": m.reshape(r, s),
            "exp_avg_sq": v.reshape(r, s), "step": step, "lr": float(rng.choice([1e-3, 1e-2, 0.1])),
            "beta1": 0.9, "beta2": float(rng.choice([0.95, 0.999])), "eps": 1e-8, "weight_decay": wd}


def reference(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """NumPy: runs in the trusted parent, which needs no torch."""
    r, p = grads.shape
    s = exp_avg.shape[1]
    g = np.zeros((r, r * s))
    g[:, :p] = grads
    g = g.mean(axis=0).reshape(r, s)  # row k: rank k's reduce-scattered shard
    w = np.zeros(r * s)
    w[:p] = params
    w = w.reshape(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w.reshape(-1)[:p], m, v


def solution(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """The torch solution the sandbox runs as the reference: an explicit loop over the ranks."""
    r, p = grads.shape
    s = -(-p // r)
    pad = r * s - p
    flat_g = torch.nn.functional.pad(grads, (0, pad))
    flat_p = torch.nn.functional.pad(params, (0, pad))
    new_p, new_m, new_v = [], [], []
    for k in range(r):
        lo, hi = k * s, (k + 1) * s
        g = flat_g[:, lo:hi].sum(dim=0) / r  # reduce-scatter (mean)
        m = beta1 * exp_avg[k] + (1 - beta1) * g
        v = beta2 * exp_avg_sq[k] + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** step)
        v_hat = v / (1 - beta2 ** step)
        w = flat_p[lo:hi] * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
        new_p.append(w)
        new_m.append(m)
        new_v.append(v)
    return torch.cat(new_p)[:p], torch.stack(new_m), torch.stack(new_v)


def unsharded(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """A correct alternative: run AdamW on the whole mean gradient, then lay the moments out as shards."""
    r, p = grads.shape
    s = exp_avg.shape[1]
    g = grads.mean(dim=0)
    m0 = exp_avg.reshape(-1)[:p]
    v0 = exp_avg_sq.reshape(-1)[:p]
    m = beta1 * m0 + (1 - beta1) * g
    v = beta2 * v0 + (1 - beta2) * g.square()
    denom = (v / (1 - beta2 ** step)).sqrt() + eps
    new = params * (1 - lr * weight_decay) - lr * (m / (1 - beta1 ** step)) / denom
    m_out = torch.zeros(r * s, dtype=params.dtype)
    v_out = torch.zeros(r * s, dtype=params.dtype)
    m_out[:p] = m
    v_out[:p] = v
    return new, m_out.view(r, s), v_out.view(r, s)


def wrong(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    """The reduce-scatter sums the ranks' gradients instead of averaging them."""
    r, p = grads.shape
    s = -(-p // r)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).sum(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1)[:p], m, v


def mutant_padding_not_stripped(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                                weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1), m, v


def mutant_padding_at_front(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                            weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    pad = r * s - p
    g = torch.nn.functional.pad(grads, (pad, 0)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (pad, 0)).view(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1)[:p], m, v


def mutant_l2_in_gradient(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                          weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s) + weight_decay * w
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1)[:p], m, v


def mutant_bias_correction_previous_step(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999,
                                         eps=1e-8, weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    t = max(step - 1, 1)  # treats `step` as the count before this update, guarding the first
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1)[:p], m, v


def mutant_bias_correction_next_step(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999,
                                     eps=1e-8, weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** (step + 1))
    v_hat = v / (1 - beta2 ** (step + 1))
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1)[:p], m, v


def mutant_eps_inside_sqrt(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                           weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat + eps).sqrt()
    return w.reshape(-1)[:p], m, v


def mutant_shard_size_floor_plus_one(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999,
                                     eps=1e-8, weight_decay=0.01):
    r, p = grads.shape
    s = p // r + 1  # ceil written as floor + 1: one slot too many when R divides P
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m0 = torch.nn.functional.pad(exp_avg.reshape(-1), (0, r * s - exp_avg.numel())).view(r, s)
    v0 = torch.nn.functional.pad(exp_avg_sq.reshape(-1), (0, r * s - exp_avg_sq.numel())).view(r, s)
    m = beta1 * m0 + (1 - beta1) * g
    v = beta2 * v0 + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1)[:p], m, v


def mutant_strided_shards(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                          weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    # rank k takes positions k, k + R, k + 2R, ... instead of one contiguous block
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(s, r).t()
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(s, r).t()
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.t().reshape(-1)[:p], m, v


def mutant_decay_after_update(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                              weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m = beta1 * exp_avg + (1 - beta1) * g
    v = beta2 * exp_avg_sq + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = (w - lr * m_hat / (v_hat.sqrt() + eps)) * (1 - lr * weight_decay)
    return w.reshape(-1)[:p], m, v


def mutant_moments_in_place(params, grads, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                            weight_decay=0.01):
    r, p = grads.shape
    s = -(-p // r)
    g = torch.nn.functional.pad(grads, (0, r * s - p)).mean(dim=0).view(r, s)
    w = torch.nn.functional.pad(params, (0, r * s - p)).view(r, s)
    m = exp_avg.mul_(beta1).add_(g, alpha=1 - beta1)
    v = exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
    m_hat = m / (1 - beta1 ** step)
    v_hat = v / (1 - beta2 ** step)
    w = w * (1 - lr * weight_decay) - lr * m_hat / (v_hat.sqrt() + eps)
    return w.reshape(-1)[:p], m.clone(), v.clone()


MUTANTS = {"sum_not_mean": wrong, "padding_not_stripped": mutant_padding_not_stripped,
           "padding_at_front": mutant_padding_at_front, "l2_in_gradient": mutant_l2_in_gradient,
           "bias_correction_previous_step": mutant_bias_correction_previous_step,
           "bias_correction_next_step": mutant_bias_correction_next_step, "eps_inside_sqrt": mutant_eps_inside_sqrt,
           "shard_size_floor_plus_one": mutant_shard_size_floor_plus_one, "strided_shards": mutant_strided_shards,
           "decay_after_update": mutant_decay_after_update, "moments_in_place": mutant_moments_in_place}
