"""PyTorch: a multi-head self-attention nn.Module run forward and backward; output and gradients checked."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_mha_module"
TITLE = "PyTorch multi-head self-attention module with its backward pass"
DIFFICULTY = "hard"
FRAMEWORK = "torch"
ENTRY = "mha_forward_backward"
STATEMENT = """\
Write a torch.nn.Module for multi-head self-attention whose four weights (wq, wk, wv, wo) are parameters
initialised from the given tensors, then implement mha_forward_backward(x, wq, wk, wv, wo, n_heads, causal,
key_padding_mask, grad_out) with PyTorch: build the module, run it on x, call backward on
loss = (out * grad_out).sum() and return (out, grad_x, grad_wq, grad_wk, grad_wv, grad_wo).
Shapes: x and grad_out are float64 tensors (B, T, D); each weight is (D, D), used as q = x @ wq, k = x @ wk,
v = x @ wv (rows are input features, so this is the transpose of nn.Linear's weight); n_heads divides D and
head h uses columns h*dh:(h+1)*dh with dh = D // n_heads. In every head, scores are q_h @ k_h^T / sqrt(dh);
key_padding_mask is a bool tensor (B, T) where True marks a padded key, which no query may attend to; when
causal is True query i also sees only keys j <= i. Padded positions still produce outputs (only keys are
masked), and position 0 is never padded, so every query sees at least one key. Take the softmax over the
visible keys, multiply by v_h, concatenate the heads in order into (B, T, D) and return that @ wo. Every
returned tensor is float64 with the shape of what it is the gradient of (the output is (B, T, D)); the
results must stay exact when scores are in the thousands. Gradients must come from autograd through your
module. Do not modify the inputs in place."""
STARTER = '''import torch


class MultiHeadSelfAttention(torch.nn.Module):
    def __init__(self, wq, wk, wv, wo, n_heads):
        super().__init__()
        raise NotImplementedError

    def forward(self, x, key_padding_mask, causal):
        raise NotImplementedError


def mha_forward_backward(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    """x, grad_out: (B, T, D) float64; w*: (D, D); key_padding_mask: (B, T) bool, True = padded key.
    Return (out, grad_x, grad_wq, grad_wk, grad_wv, grad_wo)."""
    raise NotImplementedError
'''
OUTPUTS = ("out", "grad_x", "grad_wq", "grad_wk", "grad_wv", "grad_wo")
DTYPES = ("same:x",)
RTOL, ATOL = 1e-7, 1e-9
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"x": np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]), "wq": np.eye(2), "wk": np.eye(2),
             "wv": np.array([[1.0, 2.0], [0.0, 1.0]]), "wo": np.eye(2), "n_heads": 2, "causal": True,
             "key_padding_mask": np.array([[False, True, False]]),
             "grad_out": np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]])}]
HIDDEN = [
    ("standard", {"b": 2, "t": 6, "d": 8, "h": 2, "causal": True}),
    ("standard", {"b": 3, "t": 5, "d": 12, "h": 3, "causal": False}),
    ("standard", {"b": 2, "t": 7, "d": 8, "h": 4, "causal": True, "pad": 0.0}),
    ("edge", {"b": 2, "t": 1, "d": 4, "h": 2, "causal": True}),
    ("edge", {"b": 1, "t": 5, "d": 6, "h": 1, "causal": False}),
    ("edge", {"b": 2, "t": 4, "d": 3, "h": 3, "causal": True}),
    ("edge", {"b": 3, "t": 6, "d": 4, "h": 2, "causal": False, "pad": 0.8}),
    ("numerical", {"b": 2, "t": 6, "d": 8, "h": 2, "causal": True, "scale": 30.0}),
    ("numerical", {"b": 1, "t": 5, "d": 8, "h": 4, "causal": False, "scale": 40.0}),
    ("large", {"b": 4, "t": 64, "d": 64, "h": 8, "causal": True}),
]


def inputs(rng, b, t, d, h, causal, scale=1.0, pad=0.3):
    w = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(4)]
    mask = rng.random((b, t)) < pad
    mask[:, 0] = False  # position 0 is never padded
    return {"x": rng.standard_normal((b, t, d)) * scale, "wq": w[0], "wk": w[1], "wv": w[2], "wo": w[3],
            "n_heads": h, "causal": causal, "key_padding_mask": mask,
            "grad_out": rng.standard_normal((b, t, d))}


def reference(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    """NumPy, forward and a hand-written backward: runs in the trusted parent, which needs no torch."""
    b, t, d = x.shape
    dh = d // n_heads

    def split(a):  # (B, T, D) -> (B, H, T, dh)
        return a.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)

    def merge(a):  # (B, H, T, dh) -> (B, T, D)
        return a.transpose(0, 2, 1, 3).reshape(b, t, d)

    q, k, v = split(x @ wq), split(x @ wk), split(x @ wv)
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | (np.arange(t)[None, :] > np.arange(t)[:, None])[None, None]
    s = np.where(hidden, -np.inf, q @ np.swapaxes(k, -1, -2) / np.sqrt(dh))
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    concat = merge(p @ v)
    out = concat @ wo
    g = grad_out
    grad_wo = np.einsum("btd,bte->de", concat, g)
    do = split(g @ wo.T)
    dp = do @ np.swapaxes(v, -1, -2)
    dv = np.swapaxes(p, -1, -2) @ do
    ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) / np.sqrt(dh)
    dq, dk = ds @ k, np.swapaxes(ds, -1, -2) @ q
    dq, dk, dv = merge(dq), merge(dk), merge(dv)
    grad_x = dq @ wq.T + dk @ wk.T + dv @ wv.T
    return (out, grad_x, np.einsum("btd,bte->de", x, dq), np.einsum("btd,bte->de", x, dk),
            np.einsum("btd,bte->de", x, dv), grad_wo)


def solution(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    """The torch solution the sandbox runs as the reference."""

    class MultiHeadSelfAttention(torch.nn.Module):
        def __init__(self, wq, wk, wv, wo, n_heads):
            super().__init__()
            self.wq = torch.nn.Parameter(wq.detach().clone())
            self.wk = torch.nn.Parameter(wk.detach().clone())
            self.wv = torch.nn.Parameter(wv.detach().clone())
            self.wo = torch.nn.Parameter(wo.detach().clone())
            self.n_heads = n_heads

        def forward(self, x, key_padding_mask, causal):
            b, t, d = x.shape
            dh = d // self.n_heads
            q = (x @ self.wq).view(b, t, self.n_heads, dh).transpose(1, 2)
            k = (x @ self.wk).view(b, t, self.n_heads, dh).transpose(1, 2)
            v = (x @ self.wv).view(b, t, self.n_heads, dh).transpose(1, 2)
            s = q @ k.transpose(-1, -2) / dh ** 0.5
            hidden = key_padding_mask[:, None, None, :]
            if causal:
                hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
            p = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
            return (p @ v).transpose(1, 2).reshape(b, t, d) @ self.wo

    module = MultiHeadSelfAttention(wq, wk, wv, wo, n_heads)
    xg = x.detach().clone().requires_grad_(True)
    out = module(xg, key_padding_mask, causal)
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad, module.wq.grad, module.wk.grad, module.wv.grad, module.wo.grad)


def wrong(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    """Scales the scores by sqrt(D), the model width, instead of sqrt(dh)."""
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).view(b, t, n_heads, dh).transpose(1, 2)
    k = (xg @ params[1]).view(b, t, n_heads, dh).transpose(1, 2)
    v = (xg @ params[2]).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / d ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    p = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
    out = (p @ v).transpose(1, 2).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(w.grad for w in params)


def mutant_heads_split_without_transpose(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).reshape(b, n_heads, t, dh)
    k = (xg @ params[1]).reshape(b, n_heads, t, dh)
    v = (xg @ params[2]).reshape(b, n_heads, t, dh)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    p = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
    out = (p @ v).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(w.grad for w in params)


def mutant_heads_merged_without_transpose(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).view(b, t, n_heads, dh).transpose(1, 2)
    k = (xg @ params[1]).view(b, t, n_heads, dh).transpose(1, 2)
    v = (xg @ params[2]).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    p = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
    out = (p @ v).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(w.grad for w in params)


def mutant_causal_sees_next_key(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).view(b, t, n_heads, dh).transpose(1, 2)
    k = (xg @ params[1]).view(b, t, n_heads, dh).transpose(1, 2)
    v = (xg @ params[2]).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(2)
    p = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
    out = (p @ v).transpose(1, 2).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(w.grad for w in params)


def mutant_softmax_over_queries(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).view(b, t, n_heads, dh).transpose(1, 2)
    k = (xg @ params[1]).view(b, t, n_heads, dh).transpose(1, 2)
    v = (xg @ params[2]).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    p = torch.nan_to_num(torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-2), nan=0.0)
    out = (p @ v).transpose(1, 2).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(w.grad for w in params)


def mutant_padding_masks_queries(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).view(b, t, n_heads, dh).transpose(1, 2)
    k = (xg @ params[1]).view(b, t, n_heads, dh).transpose(1, 2)
    v = (xg @ params[2]).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, :, None]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    p = torch.nan_to_num(torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1), nan=0.0)
    out = (p @ v).transpose(1, 2).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(w.grad for w in params)


def mutant_keys_detached(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).view(b, t, n_heads, dh).transpose(1, 2)
    k = (xg @ params[1]).detach().view(b, t, n_heads, dh).transpose(1, 2)
    v = (xg @ params[2]).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    p = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
    out = (p @ v).transpose(1, 2).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    grad_wk = params[1].grad if params[1].grad is not None else torch.zeros_like(params[1])
    return (out.detach(), xg.grad, params[0].grad, grad_wk, params[2].grad, params[3].grad)


def mutant_nn_linear_orientation(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    lin = []
    for w in (wq, wk, wv, wo):
        layer = torch.nn.Linear(d, d, bias=False).double()
        with torch.no_grad():
            layer.weight.copy_(w)
        lin.append(layer)
    xg = x.detach().clone().requires_grad_(True)
    q = lin[0](xg).view(b, t, n_heads, dh).transpose(1, 2)
    k = lin[1](xg).view(b, t, n_heads, dh).transpose(1, 2)
    v = lin[2](xg).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    p = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
    out = lin[3]((p @ v).transpose(1, 2).reshape(b, t, d))
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(layer.weight.grad for layer in lin)


def mutant_softmax_without_max(x, wq, wk, wv, wo, n_heads, causal, key_padding_mask, grad_out):
    b, t, d = x.shape
    dh = d // n_heads
    params = [w.detach().clone().requires_grad_(True) for w in (wq, wk, wv, wo)]
    xg = x.detach().clone().requires_grad_(True)
    q = (xg @ params[0]).view(b, t, n_heads, dh).transpose(1, 2)
    k = (xg @ params[1]).view(b, t, n_heads, dh).transpose(1, 2)
    v = (xg @ params[2]).view(b, t, n_heads, dh).transpose(1, 2)
    s = q @ k.transpose(-1, -2) / dh ** 0.5
    hidden = key_padding_mask[:, None, None, :]
    if causal:
        hidden = hidden | torch.ones(t, t, dtype=torch.bool).triu(1)
    e = torch.exp(s).masked_fill(hidden, 0.0)
    p = e / e.sum(dim=-1, keepdim=True)
    out = (p @ v).transpose(1, 2).reshape(b, t, d) @ params[3]
    (out * grad_out).sum().backward()
    return (out.detach(), xg.grad) + tuple(w.grad for w in params)


MUTANTS = {"scaled_by_model_width": wrong, "heads_split_without_transpose": mutant_heads_split_without_transpose,
           "heads_merged_without_transpose": mutant_heads_merged_without_transpose,
           "causal_sees_next_key": mutant_causal_sees_next_key, "softmax_over_queries": mutant_softmax_over_queries,
           "padding_masks_queries": mutant_padding_masks_queries, "keys_detached": mutant_keys_detached,
           "nn_linear_orientation": mutant_nn_linear_orientation, "softmax_without_max": mutant_softmax_without_max}
