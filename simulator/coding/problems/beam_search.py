"""Beam search over a bigram model given as log-probabilities."""
import numpy as np

NAME = "beam_search"
TITLE = "Beam search"
DIFFICULTY = "medium"
ENTRY = "beam_search"
STATEMENT = """\
Implement beam_search(log_probs, start, steps, beam_width). log_probs is float64 (V, V):
log_probs[i, j] = log P(next token = j | previous token = i). Starting from the single sequence [start]
with score 0, for each of `steps` steps extend every sequence in the beam by every token j (score +=
log_probs[last, j]) and keep the beam_width highest-scoring extensions. Return (tokens, score): the best
final sequence's generated tokens, int (steps,) (without start), and its total log-probability.
Sequences can be long: probabilities multiplied over hundreds of steps underflow. Use NumPy only.
Optimise part: the naive baseline loops over beams and tokens.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def beam_search(log_probs, start, steps, beam_width):
    """log_probs: (V, V) bigram log-probabilities. Return (tokens (steps,) int, score float)."""
    raise NotImplementedError
'''
OUTPUTS = ("tokens", "score")
DTYPES = ("int", "float")
RTOL, ATOL = 1e-9, 1e-9
CRITERIA = ("correctness", "numerical_care", "efficiency", "code_quality")
EXAMPLES = [{"log_probs": np.log(np.array([[0.1, 0.6, 0.3], [0.5, 0.1, 0.4], [0.3, 0.3, 0.4]])), "start": 0,
             "steps": 2, "beam_width": 2}]
HIDDEN = [("standard", {"v": 8, "steps": 5, "beam": 3}), ("standard", {"v": 20, "steps": 8, "beam": 4}),
          ("standard", {"v": 12, "steps": 12, "beam": 6}),
          ("edge", {"v": 5, "steps": 1, "beam": 1}), ("edge", {"v": 4, "steps": 6, "beam": 16}),
          ("numerical", {"v": 30, "steps": 1200, "beam": 4, "spread": 0.5}), ("large", {"v": 200, "steps": 50, "beam": 8})]
# No per-beam row_loop baseline: the sort over beam_width * V candidates dominates, so a loop over beams is fine.
SPEED = {"size": {"v": 200, "steps": 12, "beam": 8}, "target": 3.0}


def inputs(rng, v, steps, beam, spread=2.0):
    z = rng.standard_normal((v, v)) * spread  # spread 0.5: flat rows, so products of probabilities underflow
    z = z - z.max(axis=1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return {"log_probs": lp, "start": int(rng.integers(0, v)), "steps": steps, "beam_width": beam}


def reference(log_probs, start, steps, beam_width):
    v = log_probs.shape[0]
    seqs = np.array([[start]])
    scores = np.zeros(1)
    for _ in range(steps):
        cand = (scores[:, None] + log_probs[seqs[:, -1]]).ravel()
        top = np.argsort(-cand, kind="stable")[:beam_width]
        seqs = np.concatenate([seqs[top // v], (top % v)[:, None]], axis=1)
        scores = cand[top]
    best = int(np.argmax(scores))
    return seqs[best, 1:], scores[best]


def naive(log_probs, start, steps, beam_width):
    v = log_probs.shape[0]
    beam = [([start], 0.0)]
    for _ in range(steps):
        cand = []
        for seq, score in beam:
            for j in range(v):
                cand.append((seq + [j], score + float(log_probs[seq[-1], j])))
        cand.sort(key=lambda c: -c[1])
        beam = cand[:beam_width]
    best = max(beam, key=lambda c: c[1])
    return np.array(best[0][1:]), best[1]


def wrong(log_probs, start, steps, beam_width):
    v = log_probs.shape[0]
    probs = np.exp(log_probs)
    seqs = np.array([[start]])
    scores = np.ones(1)
    for _ in range(steps):
        cand = (scores[:, None] * probs[seqs[:, -1]]).ravel()
        top = np.argsort(-cand, kind="stable")[:beam_width]
        seqs = np.concatenate([seqs[top // v], (top % v)[:, None]], axis=1)
        scores = cand[top]
    best = int(np.argmax(scores))
    return seqs[best, 1:], np.log(scores[best])


def mutant_greedy(log_probs, start, steps, beam_width):
    seq, score, last = [], 0.0, start
    for _ in range(steps):
        j = int(np.argmax(log_probs[last]))
        score += log_probs[last, j]
        seq.append(j)
        last = j
    return np.array(seq), score


def mutant_row_col_swapped(log_probs, start, steps, beam_width):
    v = log_probs.shape[0]
    seqs = np.array([[start]])
    scores = np.zeros(1)
    for _ in range(steps):
        cand = (scores[:, None] + log_probs[:, seqs[:, -1]].T).ravel()
        top = np.argsort(-cand, kind="stable")[:beam_width]
        seqs = np.concatenate([seqs[top // v], (top % v)[:, None]], axis=1)
        scores = cand[top]
    best = int(np.argmax(scores))
    return seqs[best, 1:], scores[best]


def mutant_per_beam_topk(log_probs, start, steps, beam_width):
    v = log_probs.shape[0]
    seqs = np.array([[start]])
    scores = np.zeros(1)
    for _ in range(steps):
        nxt = np.argsort(-log_probs[seqs[:, -1]], axis=1, kind="stable")[:, :1]
        cand_scores = scores[:, None] + np.take_along_axis(log_probs[seqs[:, -1]], nxt, axis=1)
        if len(seqs) < beam_width:
            cand = (scores[:, None] + log_probs[seqs[:, -1]]).ravel()
            top = np.argsort(-cand, kind="stable")[:beam_width]
            seqs = np.concatenate([seqs[top // v], (top % v)[:, None]], axis=1)
            scores = cand[top]
        else:
            seqs = np.concatenate([seqs, nxt], axis=1)
            scores = cand_scores[:, 0]
    best = int(np.argmax(scores))
    return seqs[best, 1:], scores[best]


def mutant_includes_start(log_probs, start, steps, beam_width):
    v = log_probs.shape[0]
    seqs = np.array([[start]])
    scores = np.zeros(1)
    for _ in range(steps):
        cand = (scores[:, None] + log_probs[seqs[:, -1]]).ravel()
        top = np.argsort(-cand, kind="stable")[:beam_width]
        seqs = np.concatenate([seqs[top // v], (top % v)[:, None]], axis=1)
        scores = cand[top]
    best = int(np.argmax(scores))
    return seqs[best, :-1], scores[best]


MUTANTS = {"multiplied_probabilities": wrong, "greedy": mutant_greedy, "transposed_table": mutant_row_col_swapped,
           "beam_stops_branching": mutant_per_beam_topk, "returns_start_token": mutant_includes_start}
