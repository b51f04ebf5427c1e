"""Nucleus (top-p) sampling with a seeded generator, exact ties, and sampling in nucleus order."""
import numpy as np

NAME = "sample_top_p_seeded"
TITLE = "Top-p sampling with a seeded generator and ties"
DIFFICULTY = "hard"
ENTRY = "sample_top_p_seeded"
STATEMENT = """\
Implement sample_top_p_seeded(logits, p, temperature, seed): logits is float64 (N, V), 0 < p <= 1,
temperature > 0, seed an int. Per row: probs = softmax(logits / temperature); order the tokens by
probability, highest first, the lower index first on ties; the nucleus is the smallest prefix of that
order whose cumulative probability is >= p (at least one token); renormalise the nucleus. Draw
u = np.random.default_rng(seed).random(N) (one generator, one draw per row, in row order) and pick, in
nucleus order (highest probability first), the first token whose cumulative renormalised probability
exceeds u[row]. Return (tokens (N,) int, nucleus_size (N,) int). Rows may have exactly tied logits and
p may fall exactly on a cumulative sum; it must work for tiny temperatures. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def sample_top_p_seeded(logits, p, temperature, seed):
    """logits: (N, V). Return (tokens (N,) int, nucleus_size (N,) int)."""
    raise NotImplementedError
'''
OUTPUTS = ("tokens", "nucleus_size")
DTYPES = ("int", "int")
RTOL, ATOL = 0.0, 0.0
CRITERIA = ("correctness", "numerical_care", "code_quality")
EXAMPLES = [{"logits": np.log(np.array([[0.1, 0.5, 0.3, 0.1], [0.25, 0.25, 0.25, 0.25]])), "p": 0.5,
             "temperature": 1.0, "seed": 0}]
HIDDEN = [
    ("standard", {"n": 20, "v": 10, "p": 0.9, "t": 1.0}),
    ("standard", {"n": 20, "v": 50, "p": 0.5, "t": 0.7}),
    ("edge", {"n": 16, "v": 8, "p": 0.5, "t": 1.0, "ties": True}),
    ("edge", {"n": 16, "v": 8, "p": 0.25, "t": 1.0, "ties": True}),
    ("edge", {"n": 16, "v": 4, "p": 0.75, "t": 1.0, "ties": True}),
    ("edge", {"n": 10, "v": 6, "p": 1.0, "t": 1.0}),
    ("edge", {"n": 10, "v": 6, "p": 0.01, "t": 1.0}),
    ("numerical", {"n": 20, "v": 30, "p": 0.9, "t": 1e-3}),
    ("large", {"n": 500, "v": 1000, "p": 0.9, "t": 1.0}),
]


def inputs(rng, n, v, p, t, ties=False):
    if ties:  # tied logits; every other row uniform, so a prefix sums exactly to p
        logits = rng.integers(0, 2, size=(n, v)).astype(np.float64)
        logits[::2] = 0.0
    else:
        logits = rng.standard_normal((n, v)) * 2.0
    return {"logits": logits, "p": p, "temperature": t, "seed": int(rng.integers(0, 2**31))}


def reference(logits, p, temperature, seed):
    n, v = logits.shape
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    probs = np.exp(z)
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=1)
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(sp, axis=1)[:, :-1]], axis=1)
    keep = before < p
    keep[:, 0] = True
    size = keep.sum(axis=1)
    kept = np.where(keep, sp, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    u = np.random.default_rng(seed).random(n)
    pos = np.minimum((cdf <= u[:, None]).sum(axis=1), size - 1)
    return order[np.arange(n), pos], size


def sorted_scan(logits, p, temperature, seed):
    """A correct row-by-row solution written from the statement (an independent check of the reference)."""
    n, v = logits.shape
    u = np.random.default_rng(seed).random(n)
    tokens = np.zeros(n, dtype=np.int64)
    sizes = np.zeros(n, dtype=np.int64)
    for r in range(n):
        z = logits[r] / temperature
        e = np.exp(z - z.max())
        probs = e / e.sum()
        order = sorted(range(v), key=lambda i: (-probs[i], i))
        total, size = 0.0, 0
        for i in order:
            size += 1
            total += probs[i]
            if total >= p:
                break
        nucleus = order[:size]
        mass = sum(probs[i] for i in nucleus)
        acc, pick = 0.0, nucleus[-1]
        for i in nucleus:
            acc += probs[i] / mass
            if acc > u[r]:
                pick = i
                break
        tokens[r], sizes[r] = pick, size
    return tokens, sizes


def wrong(logits, p, temperature, seed):
    """The nucleus stops only once the cumulative probability exceeds p (> instead of >=)."""
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=1)
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(sp, axis=1)[:, :-1]], axis=1)
    keep = before <= p
    keep[:, 0] = True
    size = keep.sum(axis=1)
    kept = np.where(keep, sp, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    u = np.random.default_rng(seed).random(n)
    pos = np.minimum((cdf <= u[:, None]).sum(axis=1), size - 1)
    return order[np.arange(n), pos], size


def mutant_ties_higher_index(logits, p, temperature, seed):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(probs, axis=1, kind="stable")[:, ::-1]
    sp = np.take_along_axis(probs, order, axis=1)
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(sp, axis=1)[:, :-1]], axis=1)
    keep = before < p
    keep[:, 0] = True
    size = keep.sum(axis=1)
    kept = np.where(keep, sp, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    u = np.random.default_rng(seed).random(n)
    pos = np.minimum((cdf <= u[:, None]).sum(axis=1), size - 1)
    return order[np.arange(n), pos], size


def mutant_legacy_global_rng(logits, p, temperature, seed):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=1)
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(sp, axis=1)[:, :-1]], axis=1)
    keep = before < p
    keep[:, 0] = True
    size = keep.sum(axis=1)
    kept = np.where(keep, sp, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    np.random.seed(seed)
    u = np.random.rand(n)
    pos = np.minimum((cdf <= u[:, None]).sum(axis=1), size - 1)
    return order[np.arange(n), pos], size


def mutant_vocab_order_sampling(logits, p, temperature, seed):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=1)
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(sp, axis=1)[:, :-1]], axis=1)
    keep_sorted = before < p
    keep_sorted[:, 0] = True
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=1)
    kept = np.where(keep, probs, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    u = np.random.default_rng(seed).random(n)
    last = v - 1 - np.argmax(keep[:, ::-1], axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), last), keep_sorted.sum(axis=1)


def mutant_generator_per_row(logits, p, temperature, seed):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=1)
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(sp, axis=1)[:, :-1]], axis=1)
    keep = before < p
    keep[:, 0] = True
    size = keep.sum(axis=1)
    kept = np.where(keep, sp, 0.0)
    cdf = np.cumsum(kept / kept.sum(axis=1, keepdims=True), axis=1)
    u = np.array([np.random.default_rng(seed).random() for _ in range(n)])
    pos = np.minimum((cdf <= u[:, None]).sum(axis=1), size - 1)
    return order[np.arange(n), pos], size


def mutant_not_renormalised(logits, p, temperature, seed):
    n, v = logits.shape
    z = logits / temperature
    probs = np.exp(z - z.max(axis=1, keepdims=True))
    probs = probs / probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")
    sp = np.take_along_axis(probs, order, axis=1)
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(sp, axis=1)[:, :-1]], axis=1)
    keep = before < p
    keep[:, 0] = True
    size = keep.sum(axis=1)
    cdf = np.cumsum(np.where(keep, sp, 0.0), axis=1)
    u = np.random.default_rng(seed).random(n)
    pos = np.minimum((cdf <= u[:, None]).sum(axis=1), size - 1)
    return order[np.arange(n), pos], size


MUTANTS = {"nucleus_stops_above_p": wrong, "ties_to_higher_index": mutant_ties_higher_index,
           "legacy_global_rng": mutant_legacy_global_rng, "samples_in_vocab_order": mutant_vocab_order_sampling,
           "fresh_generator_per_row": mutant_generator_per_row, "not_renormalised": mutant_not_renormalised}
