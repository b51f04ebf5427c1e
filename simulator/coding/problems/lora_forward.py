"""LoRA forward pass without materialising the merged weight."""
import numpy as np

NAME = "lora_forward"
TITLE = "LoRA forward"
DIFFICULTY = "easy"
ENTRY = "lora_forward"
STATEMENT = """\
Implement lora_forward(x, W, A, B, alpha): x is (N, d_in), W is (d_out, d_in), A is (r, d_in), B is (d_out, r),
all float64. Return y = x @ W^T + (alpha / r) * (x @ A^T) @ B^T, shape (N, d_out). Keep the low-rank
path low-rank: do not form the d_out x d_in update B @ A. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def lora_forward(x, W, A, B, alpha):
    """x: (N, d_in); W: (d_out, d_in); A: (r, d_in); B: (d_out, r). Return (N, d_out)."""
    raise NotImplementedError
'''
OUTPUTS = ("y",)
DTYPES = ("float",)
RTOL, ATOL = 1e-9, 1e-9
CRITERIA = ("correctness", "code_quality")
EXAMPLES = [{"x": np.array([[1.0, 2.0]]), "W": np.eye(2), "A": np.array([[1.0, 1.0]]), "B": np.array([[1.0], [0.0]]),
             "alpha": 2.0}]
HIDDEN = [("standard", {"n": 4, "din": 16, "dout": 8, "r": 2}), ("standard", {"n": 10, "din": 32, "dout": 32, "r": 8}),
          ("edge", {"n": 1, "din": 3, "dout": 2, "r": 1}), ("large", {"n": 64, "din": 1024, "dout": 1024, "r": 16})]


def inputs(rng, n, din, dout, r):
    return {"x": rng.standard_normal((n, din)), "W": rng.standard_normal((dout, din)) / np.sqrt(din),
            "A": rng.standard_normal((r, din)) / np.sqrt(din), "B": rng.standard_normal((dout, r)),
            "alpha": float(2 * r)}


def reference(x, W, A, B, alpha):
    r = A.shape[0]
    return x @ W.T + (alpha / r) * ((x @ A.T) @ B.T)


def wrong(x, W, A, B, alpha):
    return x @ W.T + alpha * ((x @ A.T) @ B.T)


def mutant_forgets_base(x, W, A, B, alpha):
    r = A.shape[0]
    return (alpha / r) * ((x @ A.T) @ B.T)


def mutant_scale_alpha_over_rank_sq(x, W, A, B, alpha):
    r = A.shape[0]
    return x @ W.T + (alpha / (r * r)) * ((x @ A.T) @ B.T)


def mutant_in_place(x, W, A, B, alpha):
    r = A.shape[0]
    W += (alpha / r) * (B @ A)
    return x @ W.T


MUTANTS = {"no_rank_scaling": wrong, "forgets_base_weight": mutant_forgets_base,
           "scale_alpha_over_r_squared": mutant_scale_alpha_over_rank_sq, "merges_into_w_in_place": mutant_in_place}
