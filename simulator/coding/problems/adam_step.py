"""One Adam update with bias correction."""
import numpy as np

NAME = "adam_step"
TITLE = "Adam step"
DIFFICULTY = "easy"
ENTRY = "adam_step"
STATEMENT = """\
Implement adam_step(param, grad, m, v, t, lr, beta1, beta2, eps): one Adam update at step t (t >= 1) for
float64 arrays of one shape. m = beta1 m + (1 - beta1) grad; v = beta2 v + (1 - beta2) grad**2;
m_hat = m / (1 - beta1**t); v_hat = v / (1 - beta2**t); param = param - lr * m_hat / (sqrt(v_hat) + eps).
Return the new (param, m, v) without modifying the inputs. Use NumPy only."""
STARTER = '''import numpy as np


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Return (new_param, new_m, new_v) after one Adam step at step t (1-based)."""
    raise NotImplementedError
'''
OUTPUTS = ("param", "m", "v")
DTYPES = ("float",)
RTOL, ATOL = 1e-10, 1e-14
CRITERIA = ("correctness", "code_quality")
EXAMPLES = [{"param": np.array([1.0, -2.0]), "grad": np.array([0.5, 0.5]), "m": np.zeros(2), "v": np.zeros(2),
             "t": 1, "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}]
HIDDEN = [("standard", {"shape": (10,), "t": 1}), ("standard", {"shape": (4, 5), "t": 7}),
          ("standard", {"shape": (3, 3), "t": 1000}), ("edge", {"shape": (1,), "t": 1, "zero": True}),
          ("edge", {"shape": (6,), "t": 1, "tiny": True}),
          ("large", {"shape": (500, 500), "t": 3})]


def inputs(rng, shape, t, zero=False, tiny=False):
    grad = np.zeros(shape) if zero else rng.standard_normal(shape) * (1e-6 if tiny else 1.0)  # tiny: eps matters
    fresh = t == 1
    return {"param": rng.standard_normal(shape), "grad": grad,
            "m": np.zeros(shape) if fresh else rng.standard_normal(shape) * 0.1,
            "v": np.zeros(shape) if fresh else rng.random(shape) * 0.01, "t": t, "lr": 1e-2,
            "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def reference(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def wrong(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return param - lr * m / (np.sqrt(v) + eps), m, v


def mutant_eps_inside_sqrt(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / np.sqrt(v_hat + eps), m, v


def mutant_in_place(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m.copy(), v.copy()


def mutant_bias_correction_t_minus_one(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def mutant_returns_hat(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


MUTANTS = {"no_bias_correction": wrong, "eps_inside_sqrt": mutant_eps_inside_sqrt, "modifies_input": mutant_in_place,
           "bias_correction_off_by_one": mutant_bias_correction_t_minus_one, "returns_corrected_moments": mutant_returns_hat}
