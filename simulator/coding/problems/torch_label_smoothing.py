"""PyTorch: cross-entropy with label smoothing and ignore_index, by hand."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_label_smoothing"
TITLE = "PyTorch cross-entropy with label smoothing and ignore_index"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "smoothed_cross_entropy"
STATEMENT = """\
Implement smoothed_cross_entropy(logits, targets, ignore_index, smoothing) with PyTorch, by hand: logits is
a float64 tensor (N, C), targets an int64 tensor (N,) whose entries are class indices or ignore_index,
0 <= smoothing < 1. With logp = log_softmax(logits) over the classes, a row's loss is
(1 - smoothing) * (-logp[target]) + smoothing * mean over all C classes of (-logp). Return the mean loss
over the rows whose target is not ignore_index, as a 0-d float64 tensor (the dtype of logits); 0.0 when
every row is ignored. It must be exact for logits in the thousands. Do not modify the inputs in place."""
STARTER = '''import torch


def smoothed_cross_entropy(logits, targets, ignore_index=-100, smoothing=0.1):
    """logits: (N, C) float64; targets: (N,) int64. Return a 0-d float64 tensor."""
    raise NotImplementedError
'''
OUTPUTS = ("loss",)
DTYPES = ("same:logits",)
RTOL, ATOL = 1e-9, 1e-12
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"logits": np.array([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), "targets": np.array([0, -100]),
             "ignore_index": -100, "smoothing": 0.1}]
HIDDEN = [
    ("standard", {"n": 16, "c": 10, "smoothing": 0.1}),
    ("standard", {"n": 9, "c": 4, "smoothing": 0.3}),
    ("edge", {"n": 6, "c": 5, "smoothing": 0.2, "all_ignored": True}),
    ("edge", {"n": 5, "c": 1, "smoothing": 0.1}),
    ("edge", {"n": 7, "c": 6, "smoothing": 0.0}),
    ("numerical", {"n": 8, "c": 6, "smoothing": 0.1, "scale": 1e3}),
    ("large", {"n": 4000, "c": 500, "smoothing": 0.1}),
]


def inputs(rng, n, c, smoothing, scale=1.0, all_ignored=False):
    targets = rng.integers(0, c, size=n)
    targets[rng.random(n) < 0.3] = -100
    targets[0] = 0
    if all_ignored:
        targets[:] = -100
    return {"logits": rng.standard_normal((n, c)) * scale, "targets": targets.astype(np.int64),
            "ignore_index": -100, "smoothing": smoothing}


def reference(logits, targets, ignore_index=-100, smoothing=0.1):
    """NumPy: runs in the trusted parent, which needs no torch."""
    m = logits.max(axis=1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    valid = targets != ignore_index
    safe = np.where(valid, targets, 0)
    nll = -logp[np.arange(len(targets)), safe]
    loss = (1 - smoothing) * nll + smoothing * -logp.mean(axis=1)
    return np.array(np.where(valid, loss, 0.0).sum() / max(int(valid.sum()), 1))


def solution(logits, targets, ignore_index=-100, smoothing=0.1):
    """The torch solution the sandbox runs as the reference."""
    logp = torch.log_softmax(logits, dim=-1)
    valid = targets != ignore_index
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    loss = (1 - smoothing) * nll + smoothing * -logp.mean(dim=1)
    return torch.where(valid, loss, torch.zeros_like(loss)).sum() / valid.sum().clamp(min=1)


def wrong(logits, targets, ignore_index=-100, smoothing=0.1):
    """Averages over every row, ignored ones included."""
    logp = torch.log_softmax(logits, dim=-1)
    valid = targets != ignore_index
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    loss = (1 - smoothing) * nll + smoothing * -logp.mean(dim=1)
    return torch.where(valid, loss, torch.zeros_like(loss)).mean()


def mutant_smoothing_over_other_classes(logits, targets, ignore_index=-100, smoothing=0.1):
    logp = torch.log_softmax(logits, dim=-1)
    valid = targets != ignore_index
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    others = (-logp.sum(dim=1) - nll) / max(logits.shape[1] - 1, 1)
    loss = (1 - smoothing) * nll + smoothing * others
    return torch.where(valid, loss, torch.zeros_like(loss)).sum() / valid.sum().clamp(min=1)


def mutant_log_of_softmax(logits, targets, ignore_index=-100, smoothing=0.1):
    logp = torch.log(torch.exp(logits) / torch.exp(logits).sum(dim=-1, keepdim=True))
    valid = targets != ignore_index
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    loss = (1 - smoothing) * nll + smoothing * -logp.mean(dim=1)
    return torch.where(valid, loss, torch.zeros_like(loss)).sum() / valid.sum().clamp(min=1)


def mutant_float32_log_softmax(logits, targets, ignore_index=-100, smoothing=0.1):
    logp = torch.log_softmax(logits.float(), dim=-1)
    valid = targets != ignore_index
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    loss = (1 - smoothing) * nll + smoothing * -logp.mean(dim=1)
    return torch.where(valid, loss, torch.zeros_like(loss)).sum() / valid.sum().clamp(min=1)


def mutant_nan_when_all_ignored(logits, targets, ignore_index=-100, smoothing=0.1):
    logp = torch.log_softmax(logits, dim=-1)
    valid = targets != ignore_index
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    loss = (1 - smoothing) * nll + smoothing * -logp.mean(dim=1)
    return loss[valid].mean()


def mutant_shifts_logits_in_place(logits, targets, ignore_index=-100, smoothing=0.1):
    logits.sub_(logits.max(dim=1, keepdim=True).values)
    logp = logits - logits.exp().sum(dim=1, keepdim=True).log()
    valid = targets != ignore_index
    safe = torch.where(valid, targets, torch.zeros_like(targets))
    nll = -logp.gather(1, safe[:, None])[:, 0]
    loss = (1 - smoothing) * nll + smoothing * -logp.mean(dim=1)
    return torch.where(valid, loss, torch.zeros_like(loss)).sum() / valid.sum().clamp(min=1)


MUTANTS = {"mean_includes_ignored_rows": wrong, "smoothing_over_other_classes": mutant_smoothing_over_other_classes,
           "log_of_softmax": mutant_log_of_softmax, "float32_log_softmax": mutant_float32_log_softmax,
           "nan_when_all_ignored": mutant_nan_when_all_ignored, "shifts_logits_in_place": mutant_shifts_logits_in_place}
