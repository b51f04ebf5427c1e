"""Incremental decoding with a rolling sliding-window KV cache, equal to full recomputation."""
import numpy as np

NAME = "kv_cache_decode"
TITLE = "Sliding-window KV-cache decoding equal to full recomputation"
DIFFICULTY = "hard"
ENTRY = "kv_cache_decode"
STATEMENT = """\
Implement kv_cache_decode(x, wq, wk, wv, wo, n_heads, window, prefill) as a decoder runs multi-head
sliding-window attention: x is (B, T, D) float64, wq, wk, wv, wo are (D, D), H = n_heads, dh = D // H
(head h uses columns h*dh:(h+1)*dh), window >= 1, 1 <= prefill <= T. Position i attends to positions j
with i - window < j <= i (scores / sqrt(dh), stable softmax); the heads are concatenated and multiplied
by wo. Process the first `prefill` positions at once, then the others one at a time, keeping a rolling
cache of the keys and values of at most `window` positions. Return (out (B, T, D), k_cache, v_cache):
out must equal full recomputation, and the caches hold the keys and values of the last min(T, window)
positions in position order, shape (B, H, min(T, window), dh). It must stay exact for scores in the
thousands. Use NumPy only. Do not modify the inputs in place."""
STARTER = '''import numpy as np


def kv_cache_decode(x, wq, wk, wv, wo, n_heads, window, prefill):
    """x: (B, T, D). Return (out (B, T, D), k_cache (B, H, min(T, window), dh), v_cache (same))."""
    raise NotImplementedError
'''
OUTPUTS = ("out", "k_cache", "v_cache")
DTYPES = ("float", "float", "float")
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "code_quality")
LOOP_FACTOR = 400.0  # decoding one position at a time is the point
EXAMPLES = [{"x": np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]), "wq": np.eye(2), "wk": np.eye(2), "wv": np.eye(2),
             "wo": np.eye(2), "n_heads": 1, "window": 2, "prefill": 1}]
HIDDEN = [
    ("standard", {"b": 2, "t": 9, "d": 8, "h": 2, "window": 4, "prefill": 3}),
    ("standard", {"b": 1, "t": 12, "d": 12, "h": 3, "window": 5, "prefill": 7}),
    ("standard", {"b": 2, "t": 6, "d": 8, "h": 4, "window": 10, "prefill": 2}),
    ("edge", {"b": 1, "t": 5, "d": 4, "h": 2, "window": 1, "prefill": 1}),
    ("edge", {"b": 2, "t": 7, "d": 6, "h": 1, "window": 3, "prefill": 7}),
    ("edge", {"b": 1, "t": 1, "d": 4, "h": 2, "window": 3, "prefill": 1}),
    ("numerical", {"b": 1, "t": 8, "d": 8, "h": 2, "window": 3, "prefill": 2, "scale": 30.0}),
    ("large", {"b": 2, "t": 128, "d": 64, "h": 4, "window": 32, "prefill": 64}),
]


def inputs(rng, b, t, d, h, window, prefill, scale=1.0):
    w = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(4)]
    return {"x": rng.standard_normal((b, t, d)) * scale, "wq": w[0] * scale, "wk": w[1], "wv": w[2], "wo": w[3],
            "n_heads": h, "window": window, "prefill": prefill}


def reference(x, wq, wk, wv, wo, n_heads, window, prefill):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    s = np.where((j <= i) & (j > i - window), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    keep = min(t, window)
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, k[:, :, t - keep:].copy(), v[:, :, t - keep:].copy()


def decoder(x, wq, wk, wv, wo, n_heads, window, prefill):
    """A correct incremental solution (prefill, then one position at a time with a rolling cache)."""
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):  # (B, T', D) -> (B, H, T', dh)
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(0, 2, 1, 3)

    def attend(q, k, v, pos_q, pos_k):
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
        ok = (pos_k[None, :] <= pos_q[:, None]) & (pos_k[None, :] > pos_q[:, None] - window)
        s = np.where(ok, s, -np.inf)
        s = s - s.max(axis=-1, keepdims=True)
        w = np.exp(s)
        return (w / w.sum(axis=-1, keepdims=True)) @ v

    xp = x[:, :prefill]
    q, k, v = heads(xp @ wq), heads(xp @ wk), heads(xp @ wv)
    pos = np.arange(prefill)
    outs = [attend(q, k, v, pos, pos)]
    k_cache, v_cache, cpos = k[:, :, -window:], v[:, :, -window:], pos[-window:]
    for i in range(prefill, t):
        xi = x[:, i:i + 1]
        k_cache = np.concatenate([k_cache, heads(xi @ wk)], axis=2)[:, :, -window:]
        v_cache = np.concatenate([v_cache, heads(xi @ wv)], axis=2)[:, :, -window:]
        cpos = np.append(cpos, i)[-window:]
        outs.append(attend(heads(xi @ wq), k_cache, v_cache, np.array([i]), cpos))
    o = np.concatenate(outs, axis=2)
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, k_cache, v_cache


def wrong(x, wq, wk, wv, wo, n_heads, window, prefill):
    """The window admits window + 1 positions (j >= i - window)."""
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    s = np.where((j <= i) & (j >= i - window), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    keep = min(t, window)
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, k[:, :, t - keep:], v[:, :, t - keep:]


def mutant_ring_buffer_order(x, wq, wk, wv, wo, n_heads, window, prefill):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    s = np.where((j <= i) & (j > i - window), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    keep = min(t, window)
    slots = np.arange(t - keep, t) % window  # where a ring buffer of size window keeps each position
    ring_k = np.zeros((b, n_heads, keep, dh))
    ring_v = np.zeros((b, n_heads, keep, dh))
    ring_k[:, :, slots] = k[:, :, t - keep:]
    ring_v[:, :, slots] = v[:, :, t - keep:]
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, ring_k, ring_v


def mutant_cache_never_evicts(x, wq, wk, wv, wo, n_heads, window, prefill):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    s = np.where((j <= i) & (j > i - window), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, k, v


def mutant_prefill_ignores_window(x, wq, wk, wv, wo, n_heads, window, prefill):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    s = np.where((j <= i) & ((j > i - window) | (i < prefill)), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    keep = min(t, window)
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, k[:, :, t - keep:], v[:, :, t - keep:]


def mutant_new_token_misses_itself(x, wq, wk, wv, wo, n_heads, window, prefill):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    decoded = i >= prefill
    ok = np.where(decoded, (j < i) & (j >= i - window), (j <= i) & (j > i - window))
    ok[:, 0] |= ~ok.any(axis=1)
    s = np.where(ok, s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    keep = min(t, window)
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, k[:, :, t - keep:], v[:, :, t - keep:]


def mutant_unstable(x, wq, wk, wv, wo, n_heads, window, prefill):
    b, t, d = x.shape
    dh = d // n_heads

    def heads(m):
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = heads(x @ wq), heads(x @ wk), heads(x @ wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    w = np.exp(s) * ((j <= i) & (j > i - window))
    o = (w / w.sum(axis=-1, keepdims=True)) @ v
    keep = min(t, window)
    return o.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo, k[:, :, t - keep:], v[:, :, t - keep:]


MUTANTS = {"window_off_by_one": wrong, "cache_in_ring_buffer_order": mutant_ring_buffer_order,
           "cache_never_evicts": mutant_cache_never_evicts, "prefill_ignores_window": mutant_prefill_ignores_window,
           "decoded_token_misses_itself": mutant_new_token_misses_itself, "no_max_shift": mutant_unstable}
