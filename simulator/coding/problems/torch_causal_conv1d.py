"""PyTorch: a causal, dilated, grouped 1-D convolution whose output keeps the input's length."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_causal_conv1d"
TITLE = "PyTorch causal dilated 1-D convolution"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "causal_conv1d"
STATEMENT = """\
Implement causal_conv1d(x, weight, bias, dilation, groups) with PyTorch: x is a float64 tensor (B, C_in, L)
with L >= 1, weight is (C_out, C_in // groups, K), bias is (C_out,), dilation >= 1, and groups divides both
C_in and C_out. Output channel o belongs to group g = o // (C_out // groups), which reads the input channels
g * (C_in // groups) .. (g + 1) * (C_in // groups) - 1 (PyTorch's grouping). With cg = C_in // groups:
out[b, o, t] = bias[o] + sum over c < cg and k < K of weight[o, c, k] * x[b, g * cg + c, t - (K - 1 - k) * dilation],
where x at a negative time counts as 0: the last tap (k = K - 1) sits on time t and no output reads a later
time than its own (no future leakage). Return a float64 tensor (B, C_out, L), the input's length, also when
(K - 1) * dilation >= L. Any torch operation is allowed (torch.nn.functional.conv1d included).
Do not modify the inputs in place."""
STARTER = '''import torch
import torch.nn.functional as F


def causal_conv1d(x, weight, bias, dilation=1, groups=1):
    """x: (B, C_in, L) float64; weight: (C_out, C_in // groups, K); bias: (C_out,). Return (B, C_out, L)."""
    raise NotImplementedError
'''
OUTPUTS = ("out",)
DTYPES = ("same:x",)
RTOL, ATOL = 1e-9, 1e-11
CRITERIA = ("correctness", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"x": np.array([[[1.0, 2.0, 3.0, 4.0]]]), "weight": np.array([[[1.0, 10.0]]]), "bias": np.array([0.5]),
             "dilation": 2, "groups": 1}]
HIDDEN = [
    ("standard", {"b": 2, "cin": 4, "cout": 6, "length": 20, "k": 3, "dilation": 2, "groups": 1}),
    ("standard", {"b": 3, "cin": 6, "cout": 6, "length": 17, "k": 4, "dilation": 1, "groups": 3}),
    ("standard", {"b": 2, "cin": 6, "cout": 4, "length": 15, "k": 2, "dilation": 3, "groups": 2}),
    ("edge", {"b": 2, "cin": 5, "cout": 5, "length": 11, "k": 4, "dilation": 3, "groups": 5}),
    ("edge", {"b": 1, "cin": 2, "cout": 3, "length": 1, "k": 3, "dilation": 2, "groups": 1}),
    ("edge", {"b": 2, "cin": 3, "cout": 4, "length": 6, "k": 1, "dilation": 4, "groups": 1}),
    ("edge", {"b": 2, "cin": 4, "cout": 2, "length": 5, "k": 3, "dilation": 4, "groups": 2}),
    ("large", {"b": 8, "cin": 64, "cout": 64, "length": 2048, "k": 4, "dilation": 2, "groups": 1}),
]


def inputs(rng, b, cin, cout, length, k, dilation, groups):
    return {"x": rng.standard_normal((b, cin, length)), "weight": rng.standard_normal((cout, cin // groups, k)),
            "bias": rng.standard_normal(cout), "dilation": dilation, "groups": groups}


def reference(x, weight, bias, dilation=1, groups=1):
    """NumPy: runs in the trusted parent, which needs no torch."""
    b, cin, length = x.shape
    cout, cg, kk = weight.shape
    og = cout // groups
    pad = (kk - 1) * dilation
    xp = np.concatenate([np.zeros((b, cin, pad)), x], axis=2)
    out = np.zeros((b, cout, length)) + bias[None, :, None]
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        w = weight[g * og:(g + 1) * og]
        for k in range(kk):
            start = k * dilation  # tap k reads time t - (kk - 1 - k) * dilation = padded index t + k * dilation
            out[:, g * og:(g + 1) * og] += np.einsum("oc,bct->bot", w[:, :, k], xs[:, :, start:start + length])
    return out


def solution(x, weight, bias, dilation=1, groups=1):
    """The torch solution the sandbox runs as the reference: pad the past only, then a valid convolution."""
    pad = (weight.shape[-1] - 1) * dilation
    return torch.nn.functional.conv1d(torch.nn.functional.pad(x, (pad, 0)), weight, bias, dilation=dilation, groups=groups)


def wrong(x, weight, bias, dilation=1, groups=1):
    """Symmetric 'same' padding: half the receptive field looks into the future."""
    return torch.nn.functional.conv1d(x, weight, bias, dilation=dilation, groups=groups, padding="same")


def mutant_pad_not_scaled_by_dilation(x, weight, bias, dilation=1, groups=1):
    k = weight.shape[-1]
    out = torch.nn.functional.conv1d(x, weight, bias, dilation=dilation, groups=groups, padding=k - 1)
    return out[..., :x.shape[-1]]


def mutant_kernel_flipped(x, weight, bias, dilation=1, groups=1):
    pad = (weight.shape[-1] - 1) * dilation
    return torch.nn.functional.conv1d(torch.nn.functional.pad(x, (pad, 0)), weight.flip(-1), bias, dilation=dilation, groups=groups)


def mutant_trims_wrong_end(x, weight, bias, dilation=1, groups=1):
    pad = (weight.shape[-1] - 1) * dilation
    out = torch.nn.functional.conv1d(x, weight, bias, dilation=dilation, groups=groups, padding=pad)
    return out[..., out.shape[-1] - x.shape[-1]:]


def mutant_groups_interleaved(x, weight, bias, dilation=1, groups=1):
    b, cin, length = x.shape
    cout, cg, kk = weight.shape
    pad = (kk - 1) * dilation
    xp = torch.nn.functional.pad(x, (pad, 0))
    out = bias[None, :, None].repeat(b, 1, length)
    for o in range(cout):
        g = o % groups  # output channels dealt round-robin to groups instead of in contiguous runs
        for k in range(kk):
            seg = xp[:, g * cg:(g + 1) * cg, k * dilation:k * dilation + length]
            out[:, o] = out[:, o] + (weight[o, :, k, None] * seg).sum(dim=1)
    return out


MUTANTS = {"symmetric_same_padding": wrong, "pad_not_scaled_by_dilation": mutant_pad_not_scaled_by_dilation,
           "kernel_flipped": mutant_kernel_flipped, "trims_wrong_end": mutant_trims_wrong_end,
           "groups_interleaved": mutant_groups_interleaved}
