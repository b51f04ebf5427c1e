"""One decoding step of multi-head attention with a KV cache."""
import numpy as np

NAME = "kv_cache_step"
TITLE = "KV-cache decoding step"
DIFFICULTY = "medium"
ENTRY = "kv_cache_step"
STATEMENT = """\
Implement kv_cache_step(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads) for one new token per sequence.
x_t is (B, D); k_cache and v_cache are (B, H, T, dh) with H = n_heads, dh = D // H (T may be 0);
wq, wk, wv, wo are (D, D). Project q = x_t @ wq, k = x_t @ wk, v = x_t @ wv, split each into H heads
(head h = columns h*dh:(h+1)*dh), append k and v to the caches, attend from q to every cached position
including the new one (scores / sqrt(dh), stable softmax), concatenate heads and multiply by wo.
Return (out (B, D), new_k_cache (B, H, T+1, dh), new_v_cache (B, H, T+1, dh)). Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def kv_cache_step(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads):
    """Return (out, new_k_cache, new_v_cache) for one decoding step."""
    raise NotImplementedError
'''
OUTPUTS = ("out", "k_cache", "v_cache")
DTYPES = ("float", "float", "float")
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "code_quality")
EXAMPLES = [{"x_t": np.array([[1.0, 0.0]]), "k_cache": np.zeros((1, 1, 0, 2)), "v_cache": np.zeros((1, 1, 0, 2)),
             "wq": np.eye(2), "wk": np.eye(2), "wv": np.eye(2), "wo": np.eye(2), "n_heads": 1}]
HIDDEN = [("standard", {"b": 2, "t": 5, "d": 8, "h": 2}), ("standard", {"b": 1, "t": 9, "d": 12, "h": 3}),
          ("edge", {"b": 2, "t": 0, "d": 4, "h": 2}), ("numerical", {"b": 2, "t": 6, "d": 8, "h": 2, "scale": 40.0}),
          ("large", {"b": 8, "t": 512, "d": 128, "h": 8})]


def inputs(rng, b, t, d, h, scale=1.0):
    w = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(4)]
    return {"x_t": rng.standard_normal((b, d)) * scale, "k_cache": rng.standard_normal((b, h, t, d // h)) * scale,
            "v_cache": rng.standard_normal((b, h, t, d // h)), "wq": w[0] * scale, "wk": w[1], "wv": w[2],
            "wo": w[3], "n_heads": h}


def reference(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads):
    b, d = x_t.shape
    dh = d // n_heads
    q, k, v = (m.reshape(b, n_heads, 1, dh) for m in (x_t @ wq, x_t @ wk, x_t @ wv))
    k_all = np.concatenate([k_cache, k], axis=2)
    v_all = np.concatenate([v_cache, v], axis=2)
    s = q @ np.swapaxes(k_all, 2, 3) / np.sqrt(dh)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v_all
    return o.reshape(b, d) @ wo, k_all, v_all


def wrong(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads):
    b, d = x_t.shape
    dh = d // n_heads
    q, k, v = (m.reshape(b, n_heads, 1, dh) for m in (x_t @ wq, x_t @ wk, x_t @ wv))
    k_all = np.concatenate([k_cache, k], axis=2)
    v_all = np.concatenate([v_cache, v], axis=2)
    s = q @ np.swapaxes(k_all, 2, 3) / np.sqrt(dh)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v_all
    return o.reshape(b, d) @ wo, k_all[:, :, :-1], v_all


def mutant_new_token_not_attended(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads):
    b, d = x_t.shape
    dh = d // n_heads
    q, k, v = (m.reshape(b, n_heads, 1, dh) for m in (x_t @ wq, x_t @ wk, x_t @ wv))
    k_all = np.concatenate([k_cache, k], axis=2)
    v_all = np.concatenate([v_cache, v], axis=2)
    ks, vs = (k_cache, v_cache) if k_cache.shape[2] else (k_all, v_all)
    s = q @ np.swapaxes(ks, 2, 3) / np.sqrt(dh)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ vs
    return o.reshape(b, d) @ wo, k_all, v_all


def mutant_heads_interleaved(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads):
    b, d = x_t.shape
    dh = d // n_heads
    q, k, v = (m.reshape(b, dh, n_heads).transpose(0, 2, 1)[:, :, None, :] for m in (x_t @ wq, x_t @ wk, x_t @ wv))
    k_all = np.concatenate([k_cache, k], axis=2)
    v_all = np.concatenate([v_cache, v], axis=2)
    s = q @ np.swapaxes(k_all, 2, 3) / np.sqrt(dh)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v_all
    return o.reshape(b, d) @ wo, k_all, v_all


def mutant_prepend(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads):
    b, d = x_t.shape
    dh = d // n_heads
    q, k, v = (m.reshape(b, n_heads, 1, dh) for m in (x_t @ wq, x_t @ wk, x_t @ wv))
    k_all = np.concatenate([k, k_cache], axis=2)
    v_all = np.concatenate([v, v_cache], axis=2)
    s = q @ np.swapaxes(k_all, 2, 3) / np.sqrt(dh)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v_all
    return o.reshape(b, d) @ wo, k_all, v_all


def mutant_scale_by_d(x_t, k_cache, v_cache, wq, wk, wv, wo, n_heads):
    b, d = x_t.shape
    dh = d // n_heads
    q, k, v = (m.reshape(b, n_heads, 1, dh) for m in (x_t @ wq, x_t @ wk, x_t @ wv))
    k_all = np.concatenate([k_cache, k], axis=2)
    v_all = np.concatenate([v_cache, v], axis=2)
    s = q @ np.swapaxes(k_all, 2, 3) / np.sqrt(d)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    o = (w / w.sum(axis=-1, keepdims=True)) @ v_all
    return o.reshape(b, d) @ wo, k_all, v_all


MUTANTS = {"unstable_and_cache_dropped": wrong, "new_token_not_attended": mutant_new_token_not_attended,
           "heads_interleaved": mutant_heads_interleaved, "cache_prepended": mutant_prepend,
           "scale_by_model_dim": mutant_scale_by_d}
