"""PyTorch: batched nucleus (top-p) sampling with temperature, made deterministic by passing the uniform draws in."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_top_p_sample"
TITLE = "PyTorch top-p sampling from given uniform draws"
DIFFICULTY = "hard"
FRAMEWORK = "torch"
ENTRY = "top_p_sample"
STATEMENT = """\
Implement top_p_sample(logits, u, p, temperature) with PyTorch: batched nucleus sampling in which the
randomness is supplied, so the result is deterministic. logits is a float64 tensor (N, V) (it may hold
-inf for banned tokens, never a whole row), u is a float64 tensor (N,) of uniform draws in [0, 1), and
0 < p <= 1 and temperature > 0 are Python floats. For each row n:
1. probs = softmax(logits[n] / temperature).
2. Rank the V tokens by probs, largest first; equal probabilities are ranked by token id, smaller id first.
   Let c_j be the total probability of the first j ranked tokens.
3. Keep the first k ranked tokens, where k is the smallest j with c_j >= p; the token that brings the total
   to p or past it is kept. If rounding leaves c_V < p, k = V.
4. Divide the kept probabilities by their sum. Going through the kept tokens in rank order, accumulate
   these renormalised probabilities; the sample is the first token at which the running total is strictly
   greater than u[n] (the last kept token if rounding leaves none).
Return (tokens, kept): two int64 tensors of shape (N,), the sampled token ids and the sizes k. Rows may
contain exactly tied logits, p may equal a running total exactly, and the temperature may be as small as
1e-3 (scaled logits in the thousands). Do not modify the inputs in place."""
STARTER = '''import torch


def top_p_sample(logits, u, p, temperature):
    """logits: (N, V) float64; u: (N,) float64 in [0, 1). Return (tokens (N,) int64, kept (N,) int64)."""
    raise NotImplementedError
'''
OUTPUTS = ("tokens", "kept")
DTYPES = ("int", "int")
RTOL, ATOL = 0.0, 0.0
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"logits": np.array([[0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 1.0, 0.0]]), "u": np.array([0.5, 0.9]),
             "p": 0.5, "temperature": 1.0}]
HIDDEN = [
    ("standard", {"n": 20, "v": 10, "p": 0.9, "t": 1.0}),
    ("standard", {"n": 32, "v": 50, "p": 0.6, "t": 0.7}),
    ("standard", {"n": 16, "v": 30, "p": 0.8, "t": 1.5}),
    ("edge", {"n": 16, "v": 8, "p": 0.5, "t": 1.0, "mode": "ties"}),
    ("edge", {"n": 16, "v": 8, "p": 0.25, "t": 0.5, "mode": "ties"}),
    ("edge", {"n": 16, "v": 4, "p": 0.75, "t": 1.0, "mode": "ties"}),
    ("edge", {"n": 16, "v": 8, "p": 1.0, "t": 1.0, "mode": "masked"}),
    ("edge", {"n": 10, "v": 6, "p": 1.0, "t": 2.0}),
    ("edge", {"n": 8, "v": 1, "p": 0.9, "t": 1.0}),
    ("edge", {"n": 16, "v": 12, "p": 0.05, "t": 1.0}),
    ("numerical", {"n": 20, "v": 30, "p": 0.9, "t": 1e-3}),
    ("large", {"n": 512, "v": 2048, "p": 0.9, "t": 0.8}),
]


def inputs(rng, n, v, p, t, mode="random"):
    u = rng.random(n)
    if mode == "ties":  # small integer logits tie within a row; every other row is uniform, so that with V a
        logits = rng.integers(0, 3, size=(n, v)).astype(np.float64)  # power of two c_j hits p exactly
        logits[::2] = rng.integers(-3, 4, size=(n + 1) // 2)[:, None]
        u[::2] = rng.integers(0, 8, size=(n + 1) // 2) / 8.0  # draws on the exact renormalised totals
    elif mode == "masked":  # uniform over 1, 2 or 4 allowed tokens, the rest banned: c_k is exactly 1.0
        logits = np.full((n, v), -np.inf)
        for row in range(n):
            allowed = rng.choice(v, size=int(rng.choice([1, 2, 4])), replace=False)
            logits[row, allowed] = rng.standard_normal()
        u = rng.integers(0, 8, size=n) / 8.0
    else:
        logits = rng.standard_normal((n, v)) * 2.0
        hot = rng.random(n) < 0.3  # one token alone takes the total past p
        logits[hot, rng.integers(0, v, size=n)[hot]] += 12.0
    return {"logits": logits, "u": u, "p": p, "temperature": t}


def reference(logits, u, p, temperature):
    """NumPy: runs in the trusted parent, which needs no torch."""
    n, v = logits.shape
    z = logits / temperature
    e = np.exp(z - z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=1)
    cum = np.cumsum(sp, axis=1)
    k = np.minimum((cum < p).sum(axis=1) + 1, v)
    keep = np.arange(v)[None, :] < k[:, None]
    kept = np.where(keep, sp, 0.0)
    cq = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    pos = np.minimum(((cq <= u[:, None]) & keep).sum(axis=1), k - 1)
    return order[np.arange(n), pos].astype(np.int64), k.astype(np.int64)


def solution(logits, u, p, temperature):
    """The torch solution the sandbox runs as the reference."""
    v = logits.shape[1]
    probs = torch.softmax(logits / temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def row_loop(logits, u, p, temperature):
    """A correct alternative written row by row from the statement (an independent check of the reference)."""
    n, v = logits.shape
    tokens = torch.zeros(n, dtype=torch.int64)
    sizes = torch.zeros(n, dtype=torch.int64)
    for row in range(n):
        probs = torch.softmax(logits[row] / temperature, dim=0)
        ranked = sorted(range(v), key=lambda i: (-probs[i].item(), i))
        total, k = 0.0, v
        for j, tok in enumerate(ranked):
            total += probs[tok].item()
            if total >= p:
                k = j + 1
                break
        nucleus = ranked[:k]
        mass = sum(probs[tok].item() for tok in nucleus)
        acc, pick = 0.0, nucleus[-1]
        for tok in nucleus:
            acc += probs[tok].item() / mass
            if acc > u[row].item():
                pick = tok
                break
        tokens[row], sizes[row] = pick, k
    return tokens, sizes


def wrong(logits, u, p, temperature):
    """The nucleus grows until the total is strictly above p (> instead of >=)."""
    v = logits.shape[1]
    probs = torch.softmax(logits / temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum <= p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_crossing_token_dropped(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits / temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = (cum < p).sum(dim=-1).clamp(min=1, max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_ties_to_higher_id(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits / temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, stable=True)
    sp, order = sp.flip(-1), order.flip(-1)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_temperature_after_softmax(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits, dim=-1) / temperature
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_temperature_multiplies(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits * temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_not_renormalised(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits / temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    pos = torch.minimum(((cum <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_u_compared_with_ge(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits / temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq < u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_exp_without_max_shift(logits, u, p, temperature):
    v = logits.shape[1]
    e = torch.exp(logits / temperature)
    probs = e / e.sum(dim=-1, keepdim=True)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_scales_logits_in_place(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits.div_(temperature), dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep = torch.arange(v)[None, :] < k[:, None]
    kept = torch.where(keep, sp, torch.zeros_like(sp))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    pos = torch.minimum(((cq <= u[:, None]) & keep).sum(dim=-1), k - 1)
    return order.gather(1, pos[:, None])[:, 0], k


def mutant_samples_in_vocab_order(logits, u, p, temperature):
    v = logits.shape[1]
    probs = torch.softmax(logits / temperature, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    cum = sp.cumsum(dim=-1)
    k = ((cum < p).sum(dim=-1) + 1).clamp(max=v)
    keep_sorted = torch.arange(v)[None, :] < k[:, None]
    keep = torch.zeros_like(keep_sorted).scatter(1, order, keep_sorted)  # back to token-id order
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    cq = (kept / kept.sum(dim=-1, keepdim=True)).cumsum(dim=-1)
    first = ((cq <= u[:, None]) | ~keep).long().cumprod(dim=-1).sum(dim=-1).clamp(max=v - 1)
    return first, k


MUTANTS = {"nucleus_needs_total_above_p": wrong, "crossing_token_dropped": mutant_crossing_token_dropped,
           "ties_to_higher_id": mutant_ties_to_higher_id, "temperature_after_softmax": mutant_temperature_after_softmax,
           "temperature_multiplies": mutant_temperature_multiplies, "not_renormalised": mutant_not_renormalised,
           "u_compared_with_ge": mutant_u_compared_with_ge, "exp_without_max_shift": mutant_exp_without_max_shift,
           "scales_logits_in_place": mutant_scales_logits_in_place,
           "samples_in_vocab_order": mutant_samples_in_vocab_order}
