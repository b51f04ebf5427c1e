"""PyTorch: gradient accumulation over micro-batches of unequal sizes, equal to the full-batch mean gradient."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_grad_accumulation"
TITLE = "PyTorch gradient accumulation over unequal micro-batches"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "train_with_accumulation"
STATEMENT = """\
Implement train_with_accumulation(x, y, w1, b1, w2, b2, sizes, lr, steps) with PyTorch. The model is
pred = tanh(x @ w1 + b1) @ w2 + b2 and example i's loss is 0.5 * sum over outputs of (pred_i - y_i)^2;
the batch loss L is the mean of that over all N examples. x is float64 (N, Din), y (N, Dout), w1 (Din, H),
b1 (H,), w2 (H, Dout), b2 (Dout,), all float64; sizes is an int64 tensor (M,) of micro-batch sizes, each
>= 1 and summing to N, usually unequal: micro-batch j is the next sizes[j] rows of x and y, in order.
Train copies of the four weights for `steps` (>= 1) steps of plain SGD (w -= lr * grad; torch.optim.SGD with
only lr does this). In each step, start from zero gradients, then for each micro-batch in turn run the
forward pass on that micro-batch alone and call backward on a loss scaled so that, once every micro-batch
has been processed, the accumulated .grad of each weight equals the gradient of the full-batch L; then
apply the update. Never run the whole batch through the model at once. Return (losses, w1, b1, w2, b2):
losses a float64 tensor (steps,) where losses[s] is L at the weights step s started from (built from the
micro-batch losses), and the trained weights, float64 with their input shapes. Do not modify the inputs in
place."""
STARTER = '''import torch


def train_with_accumulation(x, y, w1, b1, w2, b2, sizes, lr, steps):
    """x: (N, Din), y: (N, Dout), w1: (Din, H), b1: (H,), w2: (H, Dout), b2: (Dout,) float64;
    sizes: (M,) int64 micro-batch sizes summing to N. Return (losses (steps,), w1, b1, w2, b2)."""
    raise NotImplementedError
'''
OUTPUTS = ("losses", "w1", "b1", "w2", "b2")
DTYPES = ("same:x",)
RTOL, ATOL = 1e-8, 1e-10
CRITERIA = ("correctness", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"x": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), "y": np.array([[1.0], [0.0], [2.0]]),
             "w1": np.array([[0.5, -0.5], [0.25, 0.5]]), "b1": np.array([0.0, 0.1]),
             "w2": np.array([[1.0], [-1.0]]), "b2": np.array([0.5]), "sizes": np.array([1, 2]),
             "lr": 0.1, "steps": 2}]
HIDDEN = [
    ("standard", {"n": 10, "din": 4, "hidden": 6, "dout": 3, "sizes": (3, 1, 6), "lr": 0.2, "steps": 3}),
    ("standard", {"n": 17, "din": 5, "hidden": 8, "dout": 2, "m": 4, "lr": 0.1, "steps": 2}),
    ("standard", {"n": 12, "din": 3, "hidden": 4, "dout": 1, "sizes": (7, 5), "lr": 0.3, "steps": 1}),
    ("edge", {"n": 9, "din": 3, "hidden": 5, "dout": 2, "sizes": (9,), "lr": 0.2, "steps": 3}),
    ("edge", {"n": 5, "din": 2, "hidden": 3, "dout": 2, "sizes": (1, 1, 1, 1, 1), "lr": 0.2, "steps": 2}),
    ("edge", {"n": 1, "din": 4, "hidden": 3, "dout": 1, "sizes": (1,), "lr": 0.5, "steps": 2}),
    ("edge", {"n": 8, "din": 1, "hidden": 1, "dout": 1, "sizes": (1, 7), "lr": 0.5, "steps": 4}),
    ("large", {"n": 4096, "din": 64, "hidden": 128, "dout": 8, "m": 16, "lr": 0.05, "steps": 3}),
]


def inputs(rng, n, din, hidden, dout, lr, steps, sizes=None, m=None):
    if sizes is None:  # m unequal parts, each >= 1
        cuts = np.sort(rng.choice(np.arange(1, n), size=m - 1, replace=False))
        sizes = np.diff(np.concatenate([[0], cuts, [n]]))
    return {"x": rng.standard_normal((n, din)), "y": rng.standard_normal((n, dout)),
            "w1": rng.standard_normal((din, hidden)) / np.sqrt(din), "b1": rng.standard_normal(hidden) * 0.1,
            "w2": rng.standard_normal((hidden, dout)) / np.sqrt(hidden), "b2": rng.standard_normal(dout) * 0.1,
            "sizes": np.asarray(sizes, dtype=np.int64), "lr": lr, "steps": steps}


def reference(x, y, w1, b1, w2, b2, sizes, lr, steps):
    """NumPy, full-batch with a hand-written backward: runs in the trusted parent, which needs no torch."""
    w1, b1, w2, b2 = w1.copy(), b1.copy(), w2.copy(), b2.copy()
    n = x.shape[0]
    losses = []
    for _ in range(steps):
        h = np.tanh(x @ w1 + b1)
        r = h @ w2 + b2 - y
        losses.append(0.5 * (r ** 2).sum() / n)
        dpred = r / n
        dz = (dpred @ w2.T) * (1.0 - h ** 2)
        g = (x.T @ dz, dz.sum(axis=0), h.T @ dpred, dpred.sum(axis=0))
        w1, b1, w2, b2 = w1 - lr * g[0], b1 - lr * g[1], w2 - lr * g[2], b2 - lr * g[3]
    return np.array(losses), w1, b1, w2, b2


def solution(x, y, w1, b1, w2, b2, sizes, lr, steps):
    """The torch solution the sandbox runs as the reference."""
    params = [w.detach().clone().requires_grad_(True) for w in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr)
    n = x.shape[0]
    chunks = list(zip(torch.split(x, sizes.tolist()), torch.split(y, sizes.tolist())))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        total = 0.0
        for xb, yb in chunks:
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            loss = 0.5 * ((pred - yb) ** 2).sum() / n
            loss.backward()
            total += loss.item()
        losses.append(total)
        opt.step()
    return (torch.tensor(losses, dtype=x.dtype),) + tuple(p.detach() for p in params)


def wrong(x, y, w1, b1, w2, b2, sizes, lr, steps):
    """Averages within each micro-batch, then divides by the number of micro-batches: wrong for unequal sizes."""
    params = [w.detach().clone().requires_grad_(True) for w in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr)
    m = len(sizes)
    chunks = list(zip(torch.split(x, sizes.tolist()), torch.split(y, sizes.tolist())))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        total = 0.0
        for xb, yb in chunks:
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            loss = 0.5 * ((pred - yb) ** 2).sum(dim=1).mean() / m
            loss.backward()
            total += loss.item()
        losses.append(total)
        opt.step()
    return (torch.tensor(losses, dtype=x.dtype),) + tuple(p.detach() for p in params)


def mutant_grads_not_zeroed_between_steps(x, y, w1, b1, w2, b2, sizes, lr, steps):
    params = [w.detach().clone().requires_grad_(True) for w in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr)
    n = x.shape[0]
    chunks = list(zip(torch.split(x, sizes.tolist()), torch.split(y, sizes.tolist())))
    losses = []
    for _ in range(steps):
        total = 0.0
        for xb, yb in chunks:
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            loss = 0.5 * ((pred - yb) ** 2).sum() / n
            loss.backward()
            total += loss.item()
        losses.append(total)
        opt.step()
    return (torch.tensor(losses, dtype=x.dtype),) + tuple(p.detach() for p in params)


def mutant_sum_not_mean(x, y, w1, b1, w2, b2, sizes, lr, steps):
    params = [w.detach().clone().requires_grad_(True) for w in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr)
    n = x.shape[0]
    chunks = list(zip(torch.split(x, sizes.tolist()), torch.split(y, sizes.tolist())))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        total = 0.0
        for xb, yb in chunks:
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            loss = 0.5 * ((pred - yb) ** 2).sum()
            loss.backward()
            total += loss.item()
        losses.append(total / n)
        opt.step()
    return (torch.tensor(losses, dtype=x.dtype),) + tuple(p.detach() for p in params)


def mutant_steps_every_micro_batch(x, y, w1, b1, w2, b2, sizes, lr, steps):
    params = [w.detach().clone().requires_grad_(True) for w in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr)
    n = x.shape[0]
    chunks = list(zip(torch.split(x, sizes.tolist()), torch.split(y, sizes.tolist())))
    losses = []
    for _ in range(steps):
        total = 0.0
        for xb, yb in chunks:
            opt.zero_grad()
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            loss = 0.5 * ((pred - yb) ** 2).sum() / n
            loss.backward()
            total += loss.item()
            opt.step()
        losses.append(total)
    return (torch.tensor(losses, dtype=x.dtype),) + tuple(p.detach() for p in params)


def mutant_loss_mean_of_micro_batch_means(x, y, w1, b1, w2, b2, sizes, lr, steps):
    params = [w.detach().clone().requires_grad_(True) for w in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr)
    n = x.shape[0]
    chunks = list(zip(torch.split(x, sizes.tolist()), torch.split(y, sizes.tolist())))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        means = []
        for xb, yb in chunks:
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            per_example = 0.5 * ((pred - yb) ** 2).sum(dim=1)
            (per_example.sum() / n).backward()
            means.append(per_example.mean().item())
        losses.append(sum(means) / len(means))
        opt.step()
    return (torch.tensor(losses, dtype=x.dtype),) + tuple(p.detach() for p in params)


def mutant_trains_the_input_tensors(x, y, w1, b1, w2, b2, sizes, lr, steps):
    params = [torch.nn.Parameter(w) for w in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=lr)
    n = x.shape[0]
    chunks = list(zip(torch.split(x, sizes.tolist()), torch.split(y, sizes.tolist())))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        total = 0.0
        for xb, yb in chunks:
            pred = torch.tanh(xb @ params[0] + params[1]) @ params[2] + params[3]
            loss = 0.5 * ((pred - yb) ** 2).sum() / n
            loss.backward()
            total += loss.item()
        losses.append(total)
        opt.step()
    return (torch.tensor(losses, dtype=x.dtype),) + tuple(p.detach().clone() for p in params)


MUTANTS = {"mean_of_micro_batch_means": wrong, "grads_not_zeroed_between_steps": mutant_grads_not_zeroed_between_steps,
           "sum_not_mean": mutant_sum_not_mean, "steps_every_micro_batch": mutant_steps_every_micro_batch,
           "loss_mean_of_micro_batch_means": mutant_loss_mean_of_micro_batch_means,
           "trains_the_input_tensors": mutant_trains_the_input_tensors}
