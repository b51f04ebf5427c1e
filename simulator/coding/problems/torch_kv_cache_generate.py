"""PyTorch: greedy generation with a KV cache for a one-layer RoPE attention model, equal to full recomputation."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_kv_cache_generate"
TITLE = "PyTorch greedy generation with a KV cache and rotary positions"
DIFFICULTY = "hard"
FRAMEWORK = "torch"
ENTRY = "kv_generate"
STATEMENT = """\
Implement kv_generate(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base) with PyTorch: greedy decoding
with a KV cache for a one-layer attention model. prompt is an int64 tensor (B, P) with P >= 1; wte (V, D),
wq, wk, wv, wo (D, D) and w_out (D, V) are float64; H = n_heads divides D and dh = D // H is even; steps >= 1;
base > 1 is a float. The token at sequence index t has position t and is processed as follows:
x = wte[token]; q, k, v = x @ wq, x @ wk, x @ wv, each split into H heads (head h takes columns
h*dh .. (h+1)*dh - 1); q and k are rotated by RoPE at position t with the rotate-half pairing (feature i < dh/2
pairs with feature i + dh/2, angle t * base ** (-2 * i / dh), (a, b) -> (a cos - b sin, b cos + a sin));
each head attends to the keys at positions <= t with scores q . k / sqrt(dh) and a softmax;
y = x + (the heads' outputs concatenated) @ wo; logits = y @ w_out. Run the whole prompt in one prefill call
that fills the cache, then repeat `steps` times: take next = argmax of the newest logits (lowest index on
ties), append it, and run one decode step on that token alone against the cached keys and values (the last
generated token is fed too). Return (tokens (B, steps) int64, logits (B, P + steps, V) with logits[:, t] the
output at index t, k_cache (B, H, P + steps, dh) holding the rotated keys, v_cache of the same shape), all
equal to a full recomputation over the final sequence, also for scores in the thousands.
Do not modify the inputs in place."""
STARTER = '''import torch


def kv_generate(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    """prompt: (B, P) int64. Return (tokens (B, steps), logits (B, P + steps, V), k_cache, v_cache (B, H, P + steps, dh))."""
    raise NotImplementedError
'''
OUTPUTS = ("tokens", "logits", "k_cache", "v_cache")
DTYPES = ("int", "same:wte", "same:wte", "same:wte")
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 6.0
LOOP_FACTOR = 400.0  # decoding one token at a time is the point
EXAMPLES = [{"prompt": np.array([[0, 1]]), "wte": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), "wq": np.eye(2),
             "wk": np.eye(2), "wv": np.eye(2), "wo": np.eye(2), "w_out": np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 2.0]]),
             "n_heads": 1, "steps": 2, "base": 10000.0}]
HIDDEN = [
    ("standard", {"b": 2, "p": 5, "steps": 6, "d": 8, "h": 2, "vocab": 11}),
    ("standard", {"b": 1, "p": 9, "steps": 4, "d": 12, "h": 3, "vocab": 7, "base": 100.0}),
    ("standard", {"b": 3, "p": 3, "steps": 8, "d": 8, "h": 1, "vocab": 16}),
    ("edge", {"b": 2, "p": 1, "steps": 5, "d": 8, "h": 2, "vocab": 9, "base": 50.0}),
    ("edge", {"b": 2, "p": 6, "steps": 1, "d": 4, "h": 2, "vocab": 5}),
    ("edge", {"b": 1, "p": 1, "steps": 1, "d": 2, "h": 1, "vocab": 3}),
    ("numerical", {"b": 2, "p": 4, "steps": 5, "d": 8, "h": 2, "vocab": 9, "scale": 30.0}),
    ("large", {"b": 2, "p": 64, "steps": 64, "d": 64, "h": 4, "vocab": 128}),
]


def inputs(rng, b, p, steps, d, h, vocab, base=10000.0, scale=1.0):
    def mat(rows, cols):
        return rng.standard_normal((rows, cols)) / np.sqrt(rows)
    return {"prompt": rng.integers(0, vocab, size=(b, p)).astype(np.int64), "wte": rng.standard_normal((vocab, d)),
            "wq": mat(d, d) * scale, "wk": mat(d, d) * scale, "wv": mat(d, d), "wo": mat(d, d),
            "w_out": rng.standard_normal((d, vocab)), "n_heads": int(h), "steps": int(steps), "base": float(base)}


def reference(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    """NumPy: runs in the trusted parent, which needs no torch. Recomputes the whole sequence for every token."""
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * np.arange(half) / dh)

    def forward(seq):
        t = seq.shape[1]
        x = wte[seq]
        ang = np.arange(t, dtype=np.float64)[:, None] * inv_freq[None, :]
        cos, sin = np.cos(ang), np.sin(ang)

        def heads(m):
            return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)

        def rope(m):
            a, c = m[..., :half], m[..., half:]
            return np.concatenate([a * cos - c * sin, c * cos + a * sin], axis=-1)
        q, k, v = rope(heads(x @ wq)), rope(heads(x @ wk)), heads(x @ wv)
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
        s = np.where(np.arange(t)[None, :] <= np.arange(t)[:, None], s, -np.inf)
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        att = (w / w.sum(axis=-1, keepdims=True)) @ v
        y = x + att.transpose(0, 2, 1, 3).reshape(b, t, d) @ wo
        return y @ w_out, k, v

    seq = prompt.astype(np.int64)
    for _ in range(steps):
        logits, _, _ = forward(seq)
        seq = np.concatenate([seq, logits[:, -1].argmax(axis=-1)[:, None]], axis=1)
    logits, k, v = forward(seq)
    return seq[:, p:], logits, k, v


def solution(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    """The torch solution the sandbox runs as the reference: one prefill call, then one token per decode call."""
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):  # (B, T, D) -> (B, H, T, dh)
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):  # m (B, H, T, dh) at positions pos (T,)
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, pos, k_cache, v_cache):  # the new tokens sit at positions pos, after the cached ones
        x = wte[tokens]
        q = rope(heads(x @ wq), pos)
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        s = q @ k_cache.transpose(-1, -2) / dh ** 0.5
        s = s.masked_fill(torch.arange(k_cache.shape[2])[None, :] > pos[:, None], float("-inf"))
        att = torch.softmax(s, dim=-1) @ v_cache
        y = x + att.transpose(1, 2).reshape(b, -1, d) @ wo
        return y @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, torch.arange(p), empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], torch.tensor([p + i]), k_cache, v_cache)
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def wrong(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    """A decoded token attends to the cache before its own key and value are appended: it cannot see itself."""
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    x = wte[prompt]
    pos = torch.arange(p)
    q, k_cache, v_cache = rope(heads(x @ wq), pos), rope(heads(x @ wk), pos), heads(x @ wv)
    s = (q @ k_cache.transpose(-1, -2) / dh ** 0.5).masked_fill(pos[None, :] > pos[:, None], float("-inf"))
    att = torch.softmax(s, dim=-1) @ v_cache
    all_logits, tokens = [(x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        x = wte[nxt[:, None]]
        pos = torch.tensor([p + i])
        q = rope(heads(x @ wq), pos)
        att = torch.softmax(q @ k_cache.transpose(-1, -2) / dh ** 0.5, dim=-1) @ v_cache
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        all_logits.append((x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_decode_position_off_by_one(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, pos, k_cache, v_cache):
        x = wte[tokens]
        q = rope(heads(x @ wq), pos)
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        s = q @ k_cache.transpose(-1, -2) / dh ** 0.5
        s = s.masked_fill(torch.arange(k_cache.shape[2])[None, :] > pos[:, None], float("-inf"))
        att = torch.softmax(s, dim=-1) @ v_cache
        return (x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, torch.arange(p), empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], torch.tensor([p + i + 1]), k_cache, v_cache)  # cache length + 1
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_decode_positions_restart_at_zero(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    x = wte[prompt]
    pos = torch.arange(p)
    q, k_cache, v_cache = rope(heads(x @ wq), pos), rope(heads(x @ wk), pos), heads(x @ wv)
    s = (q @ k_cache.transpose(-1, -2) / dh ** 0.5).masked_fill(pos[None, :] > pos[:, None], float("-inf"))
    att = torch.softmax(s, dim=-1) @ v_cache
    all_logits, tokens = [(x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        x = wte[nxt[:, None]]
        step_pos = torch.tensor([i])  # the step counter, not the position in the sequence
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), step_pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        q = rope(heads(x @ wq), step_pos)
        att = torch.softmax(q @ k_cache.transpose(-1, -2) / dh ** 0.5, dim=-1) @ v_cache
        all_logits.append((x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_prefill_without_causal_mask(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, pos, k_cache, v_cache):  # no mask: fine for one query at the end, not for the prompt
        x = wte[tokens]
        q = rope(heads(x @ wq), pos)
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        att = torch.softmax(q @ k_cache.transpose(-1, -2) / dh ** 0.5, dim=-1) @ v_cache
        return (x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, torch.arange(p), empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], torch.tensor([p + i]), k_cache, v_cache)
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_rope_reapplied_to_cache(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, k_cache, v_cache):  # concatenates first, then rotates everything: cached keys turn again
        x = wte[tokens]
        n_old, t = k_cache.shape[2], tokens.shape[1]
        k_cache = torch.cat([k_cache, heads(x @ wk)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        pos = torch.arange(k_cache.shape[2])
        k_cache = rope(k_cache, pos)
        q = rope(heads(x @ wq), pos[n_old:])
        s = q @ k_cache.transpose(-1, -2) / dh ** 0.5
        s = s.masked_fill(pos[None, :] > pos[n_old:, None], float("-inf"))
        att = torch.softmax(s, dim=-1) @ v_cache
        return (x + att.transpose(1, 2).reshape(b, t, d) @ wo) @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], k_cache, v_cache)
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_keys_cached_before_rope(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, k_cache, v_cache):  # the cache keeps raw keys, rotated afresh at every call
        x = wte[tokens]
        n_old, t = k_cache.shape[2], tokens.shape[1]
        k_cache = torch.cat([k_cache, heads(x @ wk)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        pos = torch.arange(k_cache.shape[2])
        q = rope(heads(x @ wq), pos[n_old:])
        s = q @ rope(k_cache, pos).transpose(-1, -2) / dh ** 0.5
        s = s.masked_fill(pos[None, :] > pos[n_old:, None], float("-inf"))
        att = torch.softmax(s, dim=-1) @ v_cache
        return (x + att.transpose(1, 2).reshape(b, t, d) @ wo) @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], k_cache, v_cache)
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_first_token_from_first_position(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, pos, k_cache, v_cache):
        x = wte[tokens]
        q = rope(heads(x @ wq), pos)
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        s = q @ k_cache.transpose(-1, -2) / dh ** 0.5
        s = s.masked_fill(torch.arange(k_cache.shape[2])[None, :] > pos[:, None], float("-inf"))
        att = torch.softmax(s, dim=-1) @ v_cache
        return (x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, torch.arange(p), empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, 0].argmax(dim=-1)  # the first row of the newest logits, not the last
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], torch.tensor([p + i]), k_cache, v_cache)
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_scale_by_model_dim(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, pos, k_cache, v_cache):
        x = wte[tokens]
        q = rope(heads(x @ wq), pos)
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        s = q @ k_cache.transpose(-1, -2) / d ** 0.5
        s = s.masked_fill(torch.arange(k_cache.shape[2])[None, :] > pos[:, None], float("-inf"))
        att = torch.softmax(s, dim=-1) @ v_cache
        return (x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, torch.arange(p), empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], torch.tensor([p + i]), k_cache, v_cache)
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


def mutant_softmax_without_max_shift(prompt, wte, wq, wk, wv, wo, w_out, n_heads, steps, base=10000.0):
    b, p = prompt.shape
    d = wte.shape[1]
    dh = d // n_heads
    half = dh // 2
    inv_freq = base ** (-2.0 * torch.arange(half, dtype=torch.float64) / dh)

    def heads(m):
        return m.reshape(b, m.shape[1], n_heads, dh).transpose(1, 2)

    def rope(m, pos):
        ang = pos.to(torch.float64)[:, None] * inv_freq[None, :]
        cos, sin = torch.cos(ang), torch.sin(ang)
        a, c = m[..., :half], m[..., half:]
        return torch.cat([a * cos - c * sin, c * cos + a * sin], dim=-1)

    def run(tokens, pos, k_cache, v_cache):
        x = wte[tokens]
        q = rope(heads(x @ wq), pos)
        k_cache = torch.cat([k_cache, rope(heads(x @ wk), pos)], dim=2)
        v_cache = torch.cat([v_cache, heads(x @ wv)], dim=2)
        e = torch.exp(q @ k_cache.transpose(-1, -2) / dh ** 0.5)
        e = e * (torch.arange(k_cache.shape[2])[None, :] <= pos[:, None])
        att = (e / e.sum(dim=-1, keepdim=True)) @ v_cache
        return (x + att.transpose(1, 2).reshape(b, -1, d) @ wo) @ w_out, k_cache, v_cache

    empty = torch.zeros(b, n_heads, 0, dh, dtype=wte.dtype)
    logits, k_cache, v_cache = run(prompt, torch.arange(p), empty, empty)
    all_logits, tokens = [logits], []
    for i in range(steps):
        nxt = all_logits[-1][:, -1].argmax(dim=-1)
        tokens.append(nxt)
        logits, k_cache, v_cache = run(nxt[:, None], torch.tensor([p + i]), k_cache, v_cache)
        all_logits.append(logits)
    return torch.stack(tokens, dim=1), torch.cat(all_logits, dim=1), k_cache, v_cache


MUTANTS = {"decoded_token_misses_itself": wrong, "decode_position_off_by_one": mutant_decode_position_off_by_one,
           "decode_positions_restart_at_zero": mutant_decode_positions_restart_at_zero,
           "prefill_without_causal_mask": mutant_prefill_without_causal_mask,
           "rope_reapplied_to_cached_keys": mutant_rope_reapplied_to_cache,
           "keys_cached_before_rope": mutant_keys_cached_before_rope,
           "first_token_from_first_position": mutant_first_token_from_first_position,
           "scale_by_model_dim": mutant_scale_by_model_dim, "softmax_without_max_shift": mutant_softmax_without_max_shift}
