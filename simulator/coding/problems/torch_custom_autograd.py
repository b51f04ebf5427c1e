"""PyTorch: log-sum-exp as a custom torch.autograd.Function with a hand-written, overflow-safe backward."""
import numpy as np

try:  # the torch functions run in the sandbox (Debian's python3-torch); the parent needs only NumPy
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

NAME = "torch_custom_autograd"
TITLE = "PyTorch custom autograd Function: log-sum-exp with its own backward"
DIFFICULTY = "medium"
FRAMEWORK = "torch"
ENTRY = "logsumexp_forward_backward"
STATEMENT = """\
Write a subclass of torch.autograd.Function, LogSumExp, whose forward(ctx, x) returns log(sum(exp(x))) over
the last axis of x and whose backward(ctx, grad_output) you write by hand: the gradient of the sum of
grad_output * lse with respect to x, which is grad_output[..., None] * softmax(x). Autograd of a built-in
op may not be used for the backward (no torch.logsumexp or torch.softmax differentiated for you, no
torch.autograd.grad); inside forward and backward you may compute values with any torch op. Then implement
logsumexp_forward_backward(x, grad_out) with PyTorch: x is a float64 tensor (..., C) with zero or more
leading axes and C >= 1, grad_out is float64 with x's shape minus the last axis (0-d when x is 1-D). Apply
LogSumExp to a copy of x that requires grad, call backward with grad_out and return (lse, grad_x): lse has
shape x.shape[:-1], grad_x the shape of x, both float64. Entries of x may be anywhere in [-1e4, 1e4] or
-inf (a masked entry; every row keeps at least one finite entry), and both results must be finite and
exact there. Do not modify the inputs in place."""
STARTER = '''import torch


class LogSumExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError


def logsumexp_forward_backward(x, grad_out):
    """x: (..., C) float64; grad_out: x.shape[:-1] float64. Return (lse, grad_x)."""
    raise NotImplementedError
'''
OUTPUTS = ("lse", "grad_x")
DTYPES = ("same:x", "same:x")
RTOL, ATOL = 1e-9, 1e-12
CRITERIA = ("correctness", "numerical_care", "code_quality")
TIMEOUT_S = 4.0
EXAMPLES = [{"x": np.array([[0.0, 0.0], [1.0, -np.inf]]), "grad_out": np.array([1.0, 2.0])}]
HIDDEN = [
    ("standard", {"shape": (8, 10)}),
    ("standard", {"shape": (2, 3, 5)}),
    ("edge", {"shape": (7,)}),
    ("edge", {"shape": (5, 1)}),
    ("edge", {"shape": (6, 6)}),
    ("edge", {"shape": (4, 9), "masked": 0.4}),
    ("numerical", {"shape": (6, 8), "scale": 1e3, "shift": 5e3}),
    ("numerical", {"shape": (3, 4, 7), "scale": 1e3, "shift": -5e3, "masked": 0.2}),
    ("large", {"shape": (2000, 500)}),
]


def inputs(rng, shape, scale=1.0, shift=0.0, masked=0.0):
    x = rng.standard_normal(shape) * scale + shift
    if masked:
        hide = rng.random(shape) < masked
        hide[..., 0] = False  # every row keeps a finite entry
        x[hide] = -np.inf
    grad_out = np.asarray(rng.standard_normal(shape[:-1]) * 2.0 + 0.5, dtype=np.float64)
    return {"x": x, "grad_out": grad_out}


def reference(x, grad_out):
    """NumPy: runs in the trusted parent, which needs no torch."""
    m = x.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    return lse[..., 0], np.asarray(grad_out)[..., None] * np.exp(x - lse)


def solution(x, grad_out):
    """The torch solution the sandbox runs as the reference."""

    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            m = x.max(dim=-1, keepdim=True).values
            lse = m + torch.log(torch.exp(x - m).sum(dim=-1, keepdim=True))
            ctx.save_for_backward(x, lse)
            return lse.squeeze(-1)

        @staticmethod
        def backward(ctx, grad_output):
            x, lse = ctx.saved_tensors
            return grad_output.unsqueeze(-1) * torch.exp(x - lse)

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


def wrong(x, grad_out):
    """A stable forward but a backward that exponentiates the raw inputs: inf / inf = nan for large x."""

    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            m = x.max(dim=-1, keepdim=True).values
            lse = m + torch.log(torch.exp(x - m).sum(dim=-1, keepdim=True))
            ctx.save_for_backward(x)
            return lse.squeeze(-1)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            e = torch.exp(x)
            return grad_output.unsqueeze(-1) * e / e.sum(dim=-1, keepdim=True)

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


def mutant_ignores_upstream_grad(x, grad_out):
    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            m = x.max(dim=-1, keepdim=True).values
            lse = m + torch.log(torch.exp(x - m).sum(dim=-1, keepdim=True))
            ctx.save_for_backward(x, lse)
            return lse.squeeze(-1)

        @staticmethod
        def backward(ctx, grad_output):
            x, lse = ctx.saved_tensors
            return torch.exp(x - lse)

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


def mutant_saves_shifted_input(x, grad_out):
    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            shifted = x - x.max(dim=-1, keepdim=True).values
            lse = x.max(dim=-1, keepdim=True).values + torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))
            ctx.save_for_backward(shifted, lse)
            return lse.squeeze(-1)

        @staticmethod
        def backward(ctx, grad_output):
            shifted, lse = ctx.saved_tensors
            return grad_output.unsqueeze(-1) * torch.exp(shifted - lse)

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


def mutant_upstream_grad_not_unsqueezed(x, grad_out):
    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            m = x.max(dim=-1, keepdim=True).values
            lse = m + torch.log(torch.exp(x - m).sum(dim=-1, keepdim=True))
            ctx.save_for_backward(x, lse)
            return lse.squeeze(-1)

        @staticmethod
        def backward(ctx, grad_output):
            x, lse = ctx.saved_tensors
            return grad_output * torch.exp(x - lse)

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


def mutant_unstable_forward(x, grad_out):
    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            lse = torch.log(torch.exp(x).sum(dim=-1))
            m = x.max(dim=-1, keepdim=True).values
            ctx.save_for_backward(x, m)
            return lse

        @staticmethod
        def backward(ctx, grad_output):
            x, m = ctx.saved_tensors
            e = torch.exp(x - m)
            return grad_output.unsqueeze(-1) * e / e.sum(dim=-1, keepdim=True)

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


def mutant_float32_internals(x, grad_out):
    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            xf = x.float()
            m = xf.max(dim=-1, keepdim=True).values
            lse = m + torch.log(torch.exp(xf - m).sum(dim=-1, keepdim=True))
            ctx.save_for_backward(xf, lse)
            return lse.squeeze(-1).double()

        @staticmethod
        def backward(ctx, grad_output):
            xf, lse = ctx.saved_tensors
            return grad_output.unsqueeze(-1) * torch.exp(xf - lse).double()

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


def mutant_negated_gradient(x, grad_out):
    class LogSumExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            m = x.max(dim=-1, keepdim=True).values
            lse = m + torch.log(torch.exp(x - m).sum(dim=-1, keepdim=True))
            ctx.save_for_backward(x, lse)
            return lse.squeeze(-1)

        @staticmethod
        def backward(ctx, grad_output):
            x, lse = ctx.saved_tensors
            return grad_output.unsqueeze(-1) * -torch.exp(x - lse)

    xg = x.detach().clone().requires_grad_(True)
    lse = LogSumExp.apply(xg)
    lse.backward(grad_out)
    return lse.detach(), xg.grad


MUTANTS = {"unstable_backward": wrong, "ignores_upstream_grad": mutant_ignores_upstream_grad,
           "saves_shifted_input": mutant_saves_shifted_input,
           "upstream_grad_not_unsqueezed": mutant_upstream_grad_not_unsqueezed,
           "unstable_forward": mutant_unstable_forward, "float32_internals": mutant_float32_internals,
           "negated_gradient": mutant_negated_gradient}
