"""2-D convolution (cross-correlation), NCHW, with stride and zero padding."""
import numpy as np

NAME = "conv2d"
TITLE = "conv2d forward"
DIFFICULTY = "medium"
ENTRY = "conv2d"
STATEMENT = """\
Implement conv2d(x, w, b, stride, padding) as deep-learning frameworks do (cross-correlation, no kernel
flip): x is (N, C, H, W), w is (F, C, KH, KW), b is (F,), all float64; zero-pad H and W by `padding` on
each side; out[n, f, i, j] = b[f] + sum over c, di, dj of xpad[n, c, i*stride + di, j*stride + dj] *
w[f, c, di, dj]. Output (N, F, OH, OW) with OH = (H + 2 padding - KH) // stride + 1 (same for OW).
Use NumPy only. Optimise part: the naive baseline loops over n, f and output positions.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def conv2d(x, w, b, stride=1, padding=0):
    """x: (N, C, H, W); w: (F, C, KH, KW); b: (F,). Return (N, F, OH, OW)."""
    raise NotImplementedError
'''
OUTPUTS = ("out",)
DTYPES = ("float",)
RTOL, ATOL = 1e-8, 1e-9
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"x": np.arange(16.0).reshape(1, 1, 4, 4), "w": np.array([[[[1.0, 0.0], [0.0, -1.0]]]]),
             "b": np.array([0.5]), "stride": 1, "padding": 0}]
HIDDEN = [("standard", {"n": 2, "c": 3, "h": 8, "w": 8, "f": 4, "k": 3, "stride": 1, "padding": 1}),
          ("standard", {"n": 1, "c": 2, "h": 9, "w": 7, "f": 3, "k": 3, "stride": 2, "padding": 0}),
          ("edge", {"n": 1, "c": 1, "h": 3, "w": 3, "f": 1, "k": 3, "stride": 1, "padding": 0}),
          ("edge", {"n": 2, "c": 2, "h": 5, "w": 6, "f": 2, "k": 1, "stride": 3, "padding": 2}),
          ("large", {"n": 8, "c": 16, "h": 32, "w": 32, "f": 32, "k": 3, "stride": 1, "padding": 1})]
SPEED = {"size": {"n": 2, "c": 3, "h": 24, "w": 24, "f": 4, "k": 3, "stride": 1, "padding": 1}, "target": 25.0}


def inputs(rng, n, c, h, w, f, k, stride, padding):
    return {"x": rng.standard_normal((n, c, h, w)), "w": rng.standard_normal((f, c, k, k)),
            "b": rng.standard_normal(f), "stride": stride, "padding": padding}


def reference(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, oh, ow, kh, kw),
                                          (s[0], s[1], s[2] * stride, s[3] * stride, s[2], s[3]))
    return np.einsum("ncijkl,fckl->nfij", win, w, optimize=True) + b[None, :, None, None]


def naive(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for a in range(n):
        for g in range(f):
            for i in range(oh):
                for j in range(ow):
                    patch = xp[a, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[a, g, i, j] = np.sum(patch * w[g]) + b[g]
    return out


def wrong(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    wf = w[:, :, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.einsum("nckl,fckl->nf", patch, wf) + b
    return out


def mutant_stride_ignored_in_size(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, oh, ow, kh, kw),
                                          (s[0], s[1], s[3] * stride, s[2] * stride, s[2], s[3]))
    return np.einsum("ncijkl,fckl->nfij", win, w, optimize=True) + b[None, :, None, None]


def mutant_one_sided_padding(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    xp = np.pad(xp, ((0, 0), (0, 0), (0, max(0, (oh - 1) * stride + kh - xp.shape[2])),
                     (0, max(0, (ow - 1) * stride + kw - xp.shape[3]))), constant_values=1.0)
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, oh, ow, kh, kw),
                                          (s[0], s[1], s[2] * stride, s[3] * stride, s[2], s[3]))
    return np.einsum("ncijkl,fckl->nfij", win, w, optimize=True) + b[None, :, None, None]


def mutant_bias_wrong_axis(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, oh, ow, kh, kw),
                                          (s[0], s[1], s[2] * stride, s[3] * stride, s[2], s[3]))
    out = np.einsum("ncijkl,fckl->nfij", win, w, optimize=True)
    return out + b.sum() / len(b)


def mutant_kernel_transposed(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, oh, ow, kh, kw),
                                          (s[0], s[1], s[2] * stride, s[3] * stride, s[2], s[3]))
    return np.einsum("ncijkl,fclk->nfij", win, w, optimize=True) + b[None, :, None, None]


MUTANTS = {"kernel_flipped": wrong, "strides_swapped": mutant_stride_ignored_in_size,
           "one_sided_padding": mutant_one_sided_padding, "bias_averaged": mutant_bias_wrong_axis,
           "kernel_transposed": mutant_kernel_transposed}


def row_loop(x, w, b, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    wf = w.reshape(f, -1)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(n, -1)
            out[:, :, i, j] = patch @ wf.T + b
    return out
