"""im2col: unfold image patches into columns."""
import numpy as np

NAME = "im2col"
TITLE = "im2col"
DIFFICULTY = "medium"
ENTRY = "im2col"
STATEMENT = """\
Implement im2col(x, kh, kw, stride, padding): x is float64 (N, C, H, W). Zero-pad H and W by `padding`,
then for every output position (i, j), i < OH = (H + 2 padding - kh) // stride + 1 (OW likewise), take the
patch xpad[n, :, i*stride : i*stride+kh, j*stride : j*stride+kw]. Return cols of shape
(N, C*kh*kw, OH*OW): row index c*kh*kw + di*kw + dj, column index i*OW + j. Use NumPy only.
Optimise part: the naive baseline loops over output positions and patch entries.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def im2col(x, kh, kw, stride=1, padding=0):
    """x: (N, C, H, W). Return (N, C*kh*kw, OH*OW) patch columns."""
    raise NotImplementedError
'''
OUTPUTS = ("cols",)
DTYPES = ("float",)
RTOL, ATOL = 0.0, 0.0
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"x": np.arange(9.0).reshape(1, 1, 3, 3), "kh": 2, "kw": 2, "stride": 1, "padding": 0}]
HIDDEN = [("standard", {"n": 2, "c": 3, "h": 6, "w": 6, "kh": 3, "kw": 3, "stride": 1, "padding": 1}),
          ("standard", {"n": 1, "c": 2, "h": 7, "w": 9, "kh": 2, "kw": 3, "stride": 2, "padding": 0}),
          ("edge", {"n": 1, "c": 1, "h": 2, "w": 2, "kh": 2, "kw": 2, "stride": 1, "padding": 0}),
          ("edge", {"n": 1, "c": 2, "h": 4, "w": 4, "kh": 1, "kw": 1, "stride": 3, "padding": 2}),
          ("large", {"n": 8, "c": 16, "h": 32, "w": 32, "kh": 3, "kw": 3, "stride": 1, "padding": 1})]
SPEED = {"size": {"n": 2, "c": 3, "h": 24, "w": 24, "kh": 3, "kw": 3, "stride": 1, "padding": 1}, "target": 25.0}


def inputs(rng, n, c, h, w, kh, kw, stride, padding):
    return {"x": rng.standard_normal((n, c, h, w)), "kh": kh, "kw": kw, "stride": stride, "padding": padding}


def reference(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, kh, kw, oh, ow),
                                          (s[0], s[1], s[2], s[3], s[2] * stride, s[3] * stride))
    return win.reshape(n, c * kh * kw, oh * ow).copy()


def naive(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    cols = np.zeros((n, c * kh * kw, oh * ow))
    for a in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    for di in range(kh):
                        for dj in range(kw):
                            cols[a, ch * kh * kw + di * kw + dj, i * ow + j] = xp[a, ch, i * stride + di, j * stride + dj]
    return cols


def wrong(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, kh, kw, c, oh, ow),
                                          (s[0], s[2], s[3], s[1], s[2] * stride, s[3] * stride))
    return win.reshape(n, c * kh * kw, oh * ow).copy()


def mutant_columns_transposed(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, kh, kw, ow, oh),
                                          (s[0], s[1], s[2], s[3], s[3] * stride, s[2] * stride))
    return win.reshape(n, c * kh * kw, oh * ow).copy()


def mutant_kernel_rows_cols_swapped(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, kw, kh, oh, ow),
                                          (s[0], s[1], s[3], s[2], s[2] * stride, s[3] * stride))
    return win.reshape(n, c * kh * kw, oh * ow).copy()


def mutant_output_size_without_padding(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + padding - kh) // stride + 1
    ow = (w + padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, kh, kw, oh, ow),
                                          (s[0], s[1], s[2], s[3], s[2] * stride, s[3] * stride))
    return win.reshape(n, c * kh * kw, oh * ow).copy()


def mutant_float32(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).astype(np.float32)
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (n, c, kh, kw, oh, ow),
                                          (s[0], s[1], s[2], s[3], s[2] * stride, s[3] * stride))
    return win.reshape(n, c * kh * kw, oh * ow).copy()


MUTANTS = {"channel_last_rows": wrong, "positions_transposed": mutant_columns_transposed,
           "kernel_rows_cols_swapped": mutant_kernel_rows_cols_swapped,
           "size_ignores_one_pad": mutant_output_size_without_padding, "float32_copy": mutant_float32}


def row_loop(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    cols = np.zeros((n, c * kh * kw, oh * ow))
    for i in range(oh):
        for j in range(ow):
            cols[:, :, i * ow + j] = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(n, -1)
    return cols
