"""A two-layer MLP: forward pass, MSE loss and the backward pass by hand."""
import numpy as np

NAME = "mlp_backprop"
TITLE = "MLP forward and backward by hand"
DIFFICULTY = "medium"
ENTRY = "mlp_backprop"
STATEMENT = """\
Implement mlp_backprop(x, y, w1, b1, w2, b2): x is (N, D), y is (N, O), w1 (D, H), b1 (H,), w2 (H, O),
b2 (O,), all float64. Forward: h = relu(x @ w1 + b1), out = h @ w2 + b2,
loss = mean((out - y) ** 2) over all N * O entries. Backward by hand (relu's derivative at 0 is 0).
Return (loss, dw1, db1, dw2, db2), the gradients shaped like their parameters. Use NumPy only.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def mlp_backprop(x, y, w1, b1, w2, b2):
    """Return (loss, dw1, db1, dw2, db2) for a ReLU MLP with mean-squared-error loss."""
    raise NotImplementedError
'''
OUTPUTS = ("loss", "dw1", "db1", "dw2", "db2")
DTYPES = ("float",)
RTOL, ATOL = 1e-7, 1e-10
CRITERIA = ("correctness", "code_quality")
EXAMPLES = [{"x": np.array([[1.0, -1.0]]), "y": np.array([[0.5]]), "w1": np.array([[1.0, -1.0], [0.5, 0.5]]),
             "b1": np.array([0.0, 0.1]), "w2": np.array([[1.0], [2.0]]), "b2": np.array([0.0])}]
HIDDEN = [("standard", {"n": 8, "d": 5, "h": 7, "o": 3}), ("standard", {"n": 32, "d": 10, "h": 16, "o": 1}),
          ("edge", {"n": 1, "d": 1, "h": 1, "o": 1}), ("edge", {"n": 4, "d": 3, "h": 5, "o": 2, "dead": True}),
          ("large", {"n": 1024, "d": 256, "h": 512, "o": 64})]


def inputs(rng, n, d, h, o, dead=False):
    b1 = rng.standard_normal(h) * 0.1 - (10.0 if dead else 0.0)
    return {"x": rng.standard_normal((n, d)), "y": rng.standard_normal((n, o)),
            "w1": rng.standard_normal((d, h)) / np.sqrt(d), "b1": b1,
            "w2": rng.standard_normal((h, o)) / np.sqrt(h), "b2": rng.standard_normal(o) * 0.1}


def reference(x, y, w1, b1, w2, b2):
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    out = h @ w2 + b2
    diff = out - y
    loss = np.mean(diff ** 2)
    dout = 2.0 * diff / diff.size
    dw2 = h.T @ dout
    db2 = dout.sum(axis=0)
    dpre = (dout @ w2.T) * (pre > 0)
    return loss, x.T @ dpre, dpre.sum(axis=0), dw2, db2


def wrong(x, y, w1, b1, w2, b2):
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    out = h @ w2 + b2
    diff = out - y
    dout = 2.0 * diff / diff.size
    dpre = dout @ w2.T
    return np.mean(diff ** 2), x.T @ dpre, dpre.sum(axis=0), h.T @ dout, dout.sum(axis=0)


def mutant_mean_over_rows(x, y, w1, b1, w2, b2):
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    diff = h @ w2 + b2 - y
    dout = 2.0 * diff / len(x)
    dpre = (dout @ w2.T) * (pre > 0)
    return np.mean(diff ** 2), x.T @ dpre, dpre.sum(axis=0), h.T @ dout, dout.sum(axis=0)


def mutant_relu_grad_at_zero(x, y, w1, b1, w2, b2):
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    diff = h @ w2 + b2 - y
    dout = 2.0 * diff / diff.size
    dpre = (dout @ w2.T) * (pre >= 0)
    return np.mean(diff ** 2), x.T @ dpre, dpre.sum(axis=0), h.T @ dout, dout.sum(axis=0)


def mutant_bias_grad_wrong_axis(x, y, w1, b1, w2, b2):
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    diff = h @ w2 + b2 - y
    dout = 2.0 * diff / diff.size
    dpre = (dout @ w2.T) * (pre > 0)
    return np.mean(diff ** 2), x.T @ dpre, dpre.mean(axis=0), h.T @ dout, dout.mean(axis=0)


def mutant_pre_activation_in_dw2(x, y, w1, b1, w2, b2):
    pre = x @ w1 + b1
    h = np.maximum(pre, 0.0)
    diff = h @ w2 + b2 - y
    dout = 2.0 * diff / diff.size
    dpre = (dout @ w2.T) * (pre > 0)
    return np.mean(diff ** 2), x.T @ dpre, dpre.sum(axis=0), pre.T @ dout, dout.sum(axis=0)


MUTANTS = {"no_relu_mask": wrong, "mean_over_rows_only": mutant_mean_over_rows,
           "bias_grad_mean": mutant_bias_grad_wrong_axis, "pre_activation_in_dw2": mutant_pre_activation_in_dw2}
