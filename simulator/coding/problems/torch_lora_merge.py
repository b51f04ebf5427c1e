"""PyTorch: LoRA with alpha / r scaling: the adapter forward, merging into the base weight and unmerging again."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_lora_merge"
TITLE = "PyTorch LoRA merge and unmerge"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "lora_merge"
STATEMENT = """\
Implement lora_merge(x, W, A, B, alpha) with PyTorch for a linear layer carrying a LoRA adapter. x is a
float64 tensor (N, d_in), the frozen base weight W is (d_out, d_in), A is (r, d_in), B is (d_out, r), all
float64, and alpha is a Python float; the adapter rank r is A's first dimension. The scaling is
s = alpha / r, and s = 0 when r == 0 (an empty adapter). Return three float64 tensors:
y = x @ W^T + s * (x @ A^T) @ B^T, shape (N, d_out), the adapter's forward pass kept low-rank;
merged = W + s * (B @ A), shape (d_out, d_in), the weight to deploy (x @ merged^T must equal y);
unmerged = merged - s * (B @ A), the base weight recovered from merged by undoing the merge.
d_in and d_out differ in general. Merging must not touch W: do not modify any input in place."""
STARTER = '''import torch


def lora_merge(x, W, A, B, alpha):
    """x: (N, d_in); W: (d_out, d_in); A: (r, d_in); B: (d_out, r); all float64.
    Return (y (N, d_out), merged (d_out, d_in), unmerged (d_out, d_in))."""
    raise NotImplementedError
'''
OUTPUTS = ("y", "merged", "unmerged")
DTYPES = ("same:W",)
RTOL, ATOL = 1e-9, 1e-10
CRITERIA = ("correctness", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"x": np.array([[1.0, 2.0, 0.0]]), "W": np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
             "A": np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), "B": np.array([[1.0, 0.0], [0.0, 2.0]]),
             "alpha": 4.0}]
HIDDEN = [
    ("standard", {"n": 4, "din": 16, "dout": 8, "r": 2, "alpha": 16.0}),
    ("standard", {"n": 10, "din": 12, "dout": 20, "r": 4, "alpha": 6.0}),
    ("standard", {"n": 7, "din": 33, "dout": 17, "r": 5, "alpha": 3.0}),
    ("edge", {"n": 3, "din": 6, "dout": 6, "r": 2, "alpha": 5.0}),
    ("edge", {"n": 5, "din": 9, "dout": 4, "r": 0, "alpha": 8.0}),
    ("edge", {"n": 1, "din": 3, "dout": 2, "r": 3, "alpha": 7.0}),
    ("edge", {"n": 2, "din": 5, "dout": 3, "r": 1, "alpha": 0.0}),
    ("large", {"n": 256, "din": 512, "dout": 384, "r": 16, "alpha": 32.0}),
]


def inputs(rng, n, din, dout, r, alpha):
    return {"x": rng.standard_normal((n, din)), "W": rng.standard_normal((dout, din)) / np.sqrt(din),
            "A": rng.standard_normal((r, din)) / np.sqrt(din), "B": rng.standard_normal((dout, r)),
            "alpha": float(alpha)}


def reference(x, W, A, B, alpha):
    """NumPy: runs in the trusted parent, which needs no torch."""
    r = A.shape[0]
    s = alpha / r if r > 0 else 0.0
    delta = s * (B @ A)
    merged = W + delta
    return x @ W.T + s * ((x @ A.T) @ B.T), merged, merged - delta


def solution(x, W, A, B, alpha):
    """The torch solution the sandbox runs as the reference."""
    r = A.shape[0]
    s = alpha / r if r > 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W + delta
    return y, merged, merged - delta


def through_merged(x, W, A, B, alpha):
    """A correct alternative: the forward through the merged weight, with torch.addmm for the merge."""
    r = A.shape[0]
    s = 0.0 if r == 0 else alpha / r
    merged = torch.addmm(W, B, A, alpha=s)
    unmerged = torch.addmm(merged, B, A, alpha=-s)
    return x @ merged.t(), merged, unmerged


def wrong(x, W, A, B, alpha):
    """Scales by alpha, forgetting to divide by the rank."""
    r = A.shape[0]
    s = alpha if r > 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W + delta
    return y, merged, merged - delta


def mutant_scale_r_over_alpha(x, W, A, B, alpha):
    r = A.shape[0]
    s = r / alpha if alpha != 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W + delta
    return y, merged, merged - delta


def mutant_update_transposed(x, W, A, B, alpha):
    r = A.shape[0]
    s = alpha / r if r > 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (A.T @ B.T)
    merged = W + delta
    return y, merged, merged - delta


def mutant_merge_in_place(x, W, A, B, alpha):
    r = A.shape[0]
    s = alpha / r if r > 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W.add_(delta)
    return y, merged.clone(), merged - delta


def mutant_unmerge_adds(x, W, A, B, alpha):
    r = A.shape[0]
    s = alpha / r if r > 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W + delta
    return y, merged, merged + delta


def mutant_rank_zero_unguarded(x, W, A, B, alpha):
    s = alpha / A.shape[0]
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W + delta
    return y, merged, merged - delta


def mutant_rank_from_input_dim(x, W, A, B, alpha):
    r = A.shape[1]
    s = alpha / r if A.shape[0] > 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W + delta
    return y, merged, merged - delta


def mutant_forward_unscaled(x, W, A, B, alpha):
    r = A.shape[0]
    s = alpha / r if r > 0 else 0.0
    y = x @ W.T + (x @ A.T) @ B.T
    delta = s * (B @ A)
    merged = W + delta
    return y, merged, merged - delta


def mutant_unmerge_in_place_on_merged(x, W, A, B, alpha):
    r = A.shape[0]
    s = alpha / r if r > 0 else 0.0
    y = x @ W.T + s * ((x @ A.T) @ B.T)
    delta = s * (B @ A)
    merged = W + delta
    unmerged = merged.sub_(delta)  # the same tensor as merged
    return y, merged, unmerged


MUTANTS = {"scale_alpha_not_alpha_over_r": wrong, "scale_r_over_alpha": mutant_scale_r_over_alpha,
           "update_transposed": mutant_update_transposed, "merge_in_place": mutant_merge_in_place,
           "unmerge_adds": mutant_unmerge_adds, "rank_zero_unguarded": mutant_rank_zero_unguarded,
           "rank_from_input_dim": mutant_rank_from_input_dim, "forward_unscaled": mutant_forward_unscaled,
           "unmerge_in_place_on_merged": mutant_unmerge_in_place_on_merged}
