"""PyTorch: a short full-batch training loop with autograd and a hand-written SGD (momentum, dampening, weight decay)."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_sgd_momentum_train"
TITLE = "PyTorch training loop with SGD momentum and weight decay"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "sgd_momentum_train"
STATEMENT = """\
Implement sgd_momentum_train(W, b, X, Y, lr, momentum, dampening, weight_decay, steps) with PyTorch: train a
linear regression model for `steps` full-batch steps and return its final weights and its loss curve.
X is a float64 tensor (N, D), Y is (N, K), the initial weights are W (D, K) and b (K,), all float64;
lr, momentum, dampening and weight_decay are Python floats >= 0 (dampening is 0 whenever momentum is 0)
and steps is an int >= 0. The prediction is X @ W + b and the loss is the mean of (X @ W + b - Y)**2 over
all N * K entries. Each step does, in order:
1. compute the loss at the current W and b and record it;
2. compute the gradients of that loss with respect to W and b with autograd (only this step's gradients);
3. update W and b in the same way, with a momentum buffer per parameter (as torch.optim.SGD, no Nesterov):
   d = grad + weight_decay * param; on the first step buf = d, on later steps
   buf = momentum * buf + (1 - dampening) * d; then param = param - lr * buf.
Write the update yourself (no torch.optim). Return (W, b, losses): the final W (D, K) and b (K,) and a
float64 tensor (steps,) holding the loss recorded at each step, before that step's update (empty when
steps == 0, with W and b unchanged). Do not modify the inputs in place."""
STARTER = '''import torch


def sgd_momentum_train(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    """X: (N, D); Y: (N, K); W: (D, K); b: (K,); all float64.
    Return (W (D, K), b (K,), losses (steps,)), all float64."""
    raise NotImplementedError
'''
OUTPUTS = ("W", "b", "losses")
DTYPES = ("same:X",)
RTOL, ATOL = 1e-8, 1e-10
CRITERIA = ("correctness", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"W": np.array([[0.0], [0.0]]), "b": np.array([0.0]), "X": np.array([[1.0, 0.0], [0.0, 1.0]]),
             "Y": np.array([[1.0], [-1.0]]), "lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0,
             "steps": 2}]
HIDDEN = [
    ("standard", {"n": 32, "d": 5, "k": 3, "steps": 10, "lr": 0.05, "momentum": 0.9, "dampening": 0.0, "wd": 0.01}),
    ("standard", {"n": 50, "d": 8, "k": 2, "steps": 25, "lr": 0.02, "momentum": 0.8, "dampening": 0.1, "wd": 1e-3}),
    ("standard", {"n": 20, "d": 3, "k": 4, "steps": 15, "lr": 0.1, "momentum": 0.5, "dampening": 0.5, "wd": 0.05}),
    ("edge", {"n": 12, "d": 4, "k": 2, "steps": 0, "lr": 0.1, "momentum": 0.9, "dampening": 0.0, "wd": 0.01}),
    ("edge", {"n": 12, "d": 4, "k": 3, "steps": 1, "lr": 0.1, "momentum": 0.9, "dampening": 0.5, "wd": 0.1}),
    ("edge", {"n": 16, "d": 3, "k": 2, "steps": 8, "lr": 0.05, "momentum": 0.0, "dampening": 0.0, "wd": 0.0}),
    ("edge", {"n": 1, "d": 1, "k": 1, "steps": 5, "lr": 0.1, "momentum": 0.9, "dampening": 0.0, "wd": 0.01}),
    ("large", {"n": 4000, "d": 64, "k": 8, "steps": 40, "lr": 0.05, "momentum": 0.9, "dampening": 0.0, "wd": 1e-3}),
]


def inputs(rng, n, d, k, steps, lr, momentum, dampening, wd):
    X = rng.standard_normal((n, d))
    Y = X @ rng.standard_normal((d, k)) + 0.5 + 0.1 * rng.standard_normal((n, k))
    return {"W": rng.standard_normal((d, k)) * 0.5, "b": rng.standard_normal(k) * 0.5, "X": X, "Y": Y,
            "lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": wd, "steps": steps}


def reference(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    """NumPy with the gradients written out: runs in the trusted parent, which needs no torch."""
    n, k = Y.shape
    params = [W.copy(), b.copy()]
    bufs = [None, None]
    losses = []
    for _ in range(steps):
        r = X @ params[0] + params[1] - Y
        losses.append(np.mean(r * r))
        grads = [2.0 / (n * k) * (X.T @ r), 2.0 / (n * k) * r.sum(axis=0)]
        for i in range(2):
            d_p = grads[i] + weight_decay * params[i]
            bufs[i] = d_p.copy() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * d_p
            params[i] = params[i] - lr * bufs[i]
    return params[0], params[1], np.array(losses, dtype=np.float64)


def solution(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    """The torch solution the sandbox runs as the reference."""
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                d_p = g + weight_decay * p
                bufs[i] = d_p.clone() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * d_p
                p -= lr * bufs[i]
    return params[0].detach(), params[1].detach(), losses


def with_backward(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    """A correct alternative: .backward() with the gradients zeroed each step and in-place updates on copies."""
    w = W.clone().requires_grad_()
    c = b.clone().requires_grad_()
    state = {}
    curve = []
    for _ in range(steps):
        for q in (w, c):
            q.grad = None
        loss = torch.nn.functional.mse_loss(X @ w + c, Y)
        curve.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for name, q in (("w", w), ("c", c)):
                d_p = q.grad.add(q, alpha=weight_decay)
                if name not in state:
                    state[name] = d_p.clone()
                else:
                    state[name].mul_(momentum).add_(d_p, alpha=1 - dampening)
                q.add_(state[name], alpha=-lr)
    return w.detach(), c.detach(), torch.tensor(curve, dtype=torch.float64)


def wrong(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    """Starts the momentum buffer at zero, so the first step is damped too."""
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [torch.zeros_like(W), torch.zeros_like(b)]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                bufs[i] = momentum * bufs[i] + (1 - dampening) * (g + weight_decay * p)
                p -= lr * bufs[i]
    return params[0].detach(), params[1].detach(), losses


def mutant_decay_after_momentum(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                bufs[i] = g.clone() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * g
                p -= lr * (bufs[i] + weight_decay * p)
    return params[0].detach(), params[1].detach(), losses


def mutant_gradients_accumulate(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    w = W.clone().requires_grad_()
    c = b.clone().requires_grad_()
    bufs = {}
    losses = []
    for _ in range(steps):
        loss = ((X @ w + c - Y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()  # .grad is never cleared between steps
        with torch.no_grad():
            for i, q in enumerate((w, c)):
                d_p = q.grad + weight_decay * q
                bufs[i] = d_p.clone() if i not in bufs else momentum * bufs[i] + (1 - dampening) * d_p
                q -= lr * bufs[i]
    return w.detach(), c.detach(), torch.tensor(losses, dtype=torch.float64)


def mutant_loss_after_update(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                d_p = g + weight_decay * p
                bufs[i] = d_p.clone() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * d_p
                p -= lr * bufs[i]
            losses[step] = ((X @ params[0] + params[1] - Y) ** 2).mean()
    return params[0].detach(), params[1].detach(), losses


def mutant_trains_inputs_in_place(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    params = [W.requires_grad_(True), b.requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                d_p = g + weight_decay * p
                bufs[i] = d_p.clone() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * d_p
                p -= lr * bufs[i]
    return params[0].detach().clone(), params[1].detach().clone(), losses


def mutant_no_decay_on_bias(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                d_p = g + weight_decay * p if i == 0 else g
                bufs[i] = d_p.clone() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * d_p
                p -= lr * bufs[i]
    return params[0].detach(), params[1].detach(), losses


def mutant_loss_summed_over_outputs(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).sum(dim=1).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                d_p = g + weight_decay * p
                bufs[i] = d_p.clone() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * d_p
                p -= lr * bufs[i]
    return params[0].detach(), params[1].detach(), losses


def mutant_ema_momentum(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                d_p = g + weight_decay * p
                bufs[i] = d_p.clone() if bufs[i] is None else momentum * bufs[i] + (1 - momentum) * d_p
                p -= lr * bufs[i]
    return params[0].detach(), params[1].detach(), losses


def mutant_nesterov_step(W, b, X, Y, lr, momentum, dampening, weight_decay, steps):
    params = [W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)]
    bufs = [None, None]
    losses = torch.zeros(steps, dtype=X.dtype)
    for step in range(steps):
        loss = ((X @ params[0] + params[1] - Y) ** 2).mean()
        losses[step] = loss.detach()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(params, grads)):
                d_p = g + weight_decay * p
                bufs[i] = d_p.clone() if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * d_p
                p -= lr * (d_p + momentum * bufs[i])
    return params[0].detach(), params[1].detach(), losses


MUTANTS = {"buffer_starts_at_zero": wrong, "decay_after_momentum": mutant_decay_after_momentum,
           "gradients_accumulate": mutant_gradients_accumulate, "loss_after_update": mutant_loss_after_update,
           "trains_inputs_in_place": mutant_trains_inputs_in_place, "no_decay_on_bias": mutant_no_decay_on_bias,
           "loss_summed_over_outputs": mutant_loss_summed_over_outputs, "ema_momentum": mutant_ema_momentum,
           "nesterov_step": mutant_nesterov_step}
