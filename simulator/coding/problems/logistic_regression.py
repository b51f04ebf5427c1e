"""Full-batch gradient descent for logistic regression, with a stable loss."""
import numpy as np

NAME = "logistic_regression"
TITLE = "Training loop for logistic regression"
DIFFICULTY = "medium"
ENTRY = "logistic_regression"
STATEMENT = """\
Implement logistic_regression(X, y, lr, steps): X is float64 (N, D), y is (N,) with 0/1 values.
Start from w = zeros(D), b = 0. At each of `steps` steps: z = X @ w + b; record the mean binary
cross-entropy loss of the current parameters (computed from z, so it stays finite for |z| in the hundreds);
then take one gradient step: w -= lr * X^T (sigmoid(z) - y) / N, b -= lr * mean(sigmoid(z) - y).
Return (w, b, losses) with losses of shape (steps,). Use NumPy only. Optimise part: the naive baseline
loops over samples.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def logistic_regression(X, y, lr, steps):
    """Return (w (D,), b (scalar), losses (steps,)) after full-batch gradient descent from zeros."""
    raise NotImplementedError
'''
OUTPUTS = ("w", "b", "losses")
DTYPES = ("float",)
RTOL, ATOL = 1e-6, 1e-9
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"X": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), "y": np.array([1.0, 0.0, 1.0]), "lr": 0.5,
             "steps": 3}]
HIDDEN = [("standard", {"n": 50, "d": 4, "steps": 10}), ("standard", {"n": 200, "d": 10, "steps": 30}),
          ("edge", {"n": 1, "d": 1, "steps": 2}), ("numerical", {"n": 40, "d": 3, "steps": 15, "scale": 300.0}),
          ("numerical", {"n": 40, "d": 5, "steps": 10, "scale": 1000.0}), ("large", {"n": 5000, "d": 50, "steps": 50})]
SPEED = {"size": {"n": 400, "d": 10, "steps": 10}, "target": 10.0}


def inputs(rng, n, d, steps, scale=1.0):
    X = rng.standard_normal((n, d)) * scale
    w = rng.standard_normal(d)
    y = (X @ w + rng.standard_normal(n) * scale > 0).astype(np.float64)
    return {"X": X, "y": y, "lr": 0.1, "steps": steps}


def reference(X, y, lr, steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        z = X @ w + b
        losses[s] = np.mean(np.logaddexp(0.0, z) - y * z)
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        g = p - y
        w = w - lr * (X.T @ g) / n
        b = b - lr * np.mean(g)
    return w, b, losses


def naive(X, y, lr, steps):
    import math
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        gw, gb, total = np.zeros(d), 0.0, 0.0
        for i in range(n):
            z = float(np.dot(X[i], w)) + b
            total += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y[i] * z
            p = 0.5 * (1.0 + math.tanh(0.5 * z))
            gw += (p - y[i]) * X[i]
            gb += p - y[i]
        losses[s] = total / n
        w = w - lr * gw / n
        b = b - lr * gb / n
    return w, b, losses


def wrong(X, y, lr, steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        losses[s] = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        w = w - lr * (X.T @ (p - y)) / n
        b = b - lr * np.mean(p - y)
    return w, b, losses


def mutant_loss_after_step(X, y, lr, steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        z = X @ w + b
        g = 0.5 * (1.0 + np.tanh(0.5 * z)) - y
        w = w - lr * (X.T @ g) / n
        b = b - lr * np.mean(g)
        z = X @ w + b
        losses[s] = np.mean(np.logaddexp(0.0, z) - y * z)
    return w, b, losses


def mutant_grad_sum(X, y, lr, steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        z = X @ w + b
        losses[s] = np.mean(np.logaddexp(0.0, z) - y * z)
        g = 0.5 * (1.0 + np.tanh(0.5 * z)) - y
        w = w - lr * (X.T @ g)
        b = b - lr * np.mean(g)
    return w, b, losses


def mutant_clipped_log(X, y, lr, steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        z = X @ w + b
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        q = np.clip(p, 1e-12, 1 - 1e-12)
        losses[s] = -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))
        w = w - lr * (X.T @ (p - y)) / n
        b = b - lr * np.mean(p - y)
    return w, b, losses


def mutant_grad_sign(X, y, lr, steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        z = X @ w + b
        losses[s] = np.mean(np.logaddexp(0.0, z) - y * z)
        g = y - 0.5 * (1.0 + np.tanh(0.5 * z))
        w = w - lr * (X.T @ g) / n
        b = b - lr * np.mean(g)
    return w, b, losses


MUTANTS = {"loss_from_probabilities": wrong, "loss_after_step": mutant_loss_after_step, "gradient_not_averaged": mutant_grad_sum,
           "clipped_log_loss": mutant_clipped_log, "gradient_sign": mutant_grad_sign}


def row_loop(X, y, lr, steps):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    losses = np.empty(steps)
    for s in range(steps):
        gw, gb, total = np.zeros(d), 0.0, 0.0
        for i in range(n):
            z = X[i] @ w + b
            total += np.logaddexp(0.0, z) - y[i] * z
            g = 0.5 * (1.0 + np.tanh(0.5 * z)) - y[i]
            gw += g * X[i]
            gb += g
        losses[s] = total / n
        w = w - lr * gw / n
        b = b - lr * gb / n
    return w, b, losses
