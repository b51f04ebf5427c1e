"""One byte-pair-encoding merge step."""
import numpy as np

NAME = "bpe_merge"
TITLE = "BPE merge step"
DIFFICULTY = "medium"
ENTRY = "bpe_merge"
STATEMENT = """\
Implement bpe_merge(tokens, new_id): tokens is an int array (n,). Count every adjacent pair
(tokens[i], tokens[i+1]) (overlapping occurrences all count); pick the most frequent pair, on ties the
smallest (a, b) in lexicographic order. Replace its occurrences left to right, without overlap (in
a, a, a merging (a, a) gives new_id, a), by new_id. Return (merged tokens (int), pair (2,) int).
With fewer than 2 tokens return the tokens unchanged and pair (-1, -1). Use NumPy only.
Optimise part: the naive baseline counts with a Python dict and merges with a Python loop.
Do not modify the inputs in place."""
STARTER = '''import numpy as np


def bpe_merge(tokens, new_id):
    """tokens: (n,) int. Return (merged (m,) int, pair (2,) int) for the most frequent adjacent pair."""
    raise NotImplementedError
'''
OUTPUTS = ("merged", "pair")
DTYPES = ("int", "int")
RTOL, ATOL = 0.0, 0.0
CRITERIA = ("correctness", "efficiency", "code_quality")
EXAMPLES = [{"tokens": np.array([1, 2, 1, 2, 3, 1, 1, 1]), "new_id": 9},
            {"tokens": np.array([5, 5, 5, 5]), "new_id": 7}]
HIDDEN = [("standard", {"n": 50, "vocab": 5}), ("standard", {"n": 300, "vocab": 20}),
          ("edge", {"n": 1, "vocab": 3}), ("edge", {"n": 60, "vocab": 3, "runs": True}),
          ("edge", {"n": 80, "vocab": 2, "runs": True}), ("edge", {"n": 40, "vocab": 6, "cycle": True}),
          ("edge", {"n": 45, "vocab": 2, "short_runs": True}), ("large", {"n": 50000, "vocab": 50})]
SPEED = {"size": {"n": 100000, "vocab": 30}, "target": 4.0}


def inputs(rng, n, vocab, runs=False, cycle=False, short_runs=False):
    if cycle:  # a permutation repeated: several pairs tie for the most frequent
        return {"tokens": np.tile(rng.permutation(vocab), n // vocab + 1)[:n].astype(np.int64), "new_id": vocab + 1}
    if short_runs:  # runs of 0 of lengths 2 and 3 between 1s: merging (0, 0) restarts within each run
        lengths = rng.integers(2, 4, size=n)
        tokens = np.concatenate([np.r_[np.zeros(k), 1.0] for k in lengths])[:n]
        return {"tokens": tokens.astype(np.int64), "new_id": vocab + 1}
    if runs:
        lengths = rng.integers(3, 9, size=n)
        values = rng.integers(0, vocab, size=n)
        tokens = np.repeat(values, lengths)[:n]
    else:
        tokens = rng.integers(0, vocab, size=n)
    return {"tokens": tokens.astype(np.int64), "new_id": vocab + 1}


def reference(tokens, new_id):
    t = np.asarray(tokens, dtype=np.int64)
    if len(t) < 2:
        return t.copy(), np.array([-1, -1])
    lo = t.min()
    base = int(t.max() - lo) + 1
    keys = (t[:-1] - lo) * base + (t[1:] - lo)
    best = int(np.argmax(np.bincount(keys)))  # first maximum = smallest (a, b)
    a, b = best // base + lo, best % base + lo
    match = np.flatnonzero(keys == best)
    if a == b and len(match):  # runs of a: keep every other match within each run of consecutive matches
        new_run = np.concatenate([[True], np.diff(match) != 1])
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(match)), 0))
        match = match[(np.arange(len(match)) - run_start) % 2 == 0]
    out = t.copy()
    out[match] = new_id
    drop = np.zeros(len(t), dtype=bool)
    drop[match + 1] = True
    return out[~drop], np.array([a, b])


def naive(tokens, new_id):
    t = [int(v) for v in tokens]
    if len(t) < 2:
        return np.array(t, dtype=np.int64), np.array([-1, -1])
    counts = {}
    for pair in zip(t[:-1], t[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    best = min(counts, key=lambda p: (-counts[p], p))
    out, i = [], 0
    while i < len(t):
        if i + 1 < len(t) and (t[i], t[i + 1]) == best:
            out.append(new_id)
            i += 2
        else:
            out.append(t[i])
            i += 1
    return np.array(out, dtype=np.int64), np.array(best)


def wrong(tokens, new_id):
    t = np.asarray(tokens, dtype=np.int64)
    if len(t) < 2:
        return t.copy(), np.array([-1, -1])
    pairs = np.stack([t[:-1], t[1:]], axis=1)
    uniq, counts = np.unique(pairs, axis=0, return_counts=True)
    a, b = uniq[np.argmax(counts)]
    match = np.flatnonzero((t[:-1] == a) & (t[1:] == b))
    out = t.copy()
    out[match] = new_id
    drop = np.zeros(len(t), dtype=bool)
    drop[match + 1] = True
    return out[~drop], np.array([a, b])


def mutant_overlapping_merge(tokens, new_id):
    t = np.asarray(tokens, dtype=np.int64)
    if len(t) < 2:
        return t.copy(), np.array([-1, -1])
    lo = t.min()
    base = int(t.max() - lo) + 1
    keys = (t[:-1] - lo) * base + (t[1:] - lo)
    best = int(np.argmax(np.bincount(keys)))
    a, b = best // base + lo, best % base + lo
    match = np.flatnonzero(keys == best)
    out = t.copy()
    out[match] = new_id
    drop = np.zeros(len(t), dtype=bool)
    drop[match + 1] = True
    drop[match] = False
    return out[~drop], np.array([a, b])


def mutant_ties_largest_pair(tokens, new_id):
    t = np.asarray(tokens, dtype=np.int64)
    if len(t) < 2:
        return t.copy(), np.array([-1, -1])
    lo = t.min()
    base = int(t.max() - lo) + 1
    keys = (t[:-1] - lo) * base + (t[1:] - lo)
    counts = np.bincount(keys)
    best = len(counts) - 1 - int(np.argmax(counts[::-1]))
    a, b = best // base + lo, best % base + lo
    match = np.flatnonzero(keys == best)
    if a == b and len(match):
        new_run = np.concatenate([[True], np.diff(match) != 1])
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(match)), 0))
        match = match[(np.arange(len(match)) - run_start) % 2 == 0]
    out = t.copy()
    out[match] = new_id
    drop = np.zeros(len(t), dtype=bool)
    drop[match + 1] = True
    return out[~drop], np.array([a, b])


def mutant_short_input_pair(tokens, new_id):
    t = np.asarray(tokens, dtype=np.int64)
    if len(t) < 2:
        return t.copy(), np.array([t[0], t[0]]) if len(t) else np.array([-1, -1])
    lo = t.min()
    base = int(t.max() - lo) + 1
    keys = (t[:-1] - lo) * base + (t[1:] - lo)
    best = int(np.argmax(np.bincount(keys)))
    a, b = best // base + lo, best % base + lo
    match = np.flatnonzero(keys == best)
    if a == b and len(match):
        new_run = np.concatenate([[True], np.diff(match) != 1])
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(match)), 0))
        match = match[(np.arange(len(match)) - run_start) % 2 == 0]
    out = t.copy()
    out[match] = new_id
    drop = np.zeros(len(t), dtype=bool)
    drop[match + 1] = True
    return out[~drop], np.array([a, b])


def mutant_every_other_globally(tokens, new_id):
    t = np.asarray(tokens, dtype=np.int64)
    if len(t) < 2:
        return t.copy(), np.array([-1, -1])
    lo = t.min()
    base = int(t.max() - lo) + 1
    keys = (t[:-1] - lo) * base + (t[1:] - lo)
    best = int(np.argmax(np.bincount(keys)))
    a, b = best // base + lo, best % base + lo
    match = np.flatnonzero(keys == best)
    if a == b and len(match):
        match = match[::2]
    out = t.copy()
    out[match] = new_id
    drop = np.zeros(len(t), dtype=bool)
    drop[match + 1] = True
    return out[~drop], np.array([a, b])


MUTANTS = {"overlaps_merged": wrong, "overlaps_kept_both": mutant_overlapping_merge,
           "ties_to_largest_pair": mutant_ties_largest_pair, "single_token_pair": mutant_short_input_pair,
           "runs_not_restarted": mutant_every_other_globally}


def row_loop(tokens, new_id):
    t = np.asarray(tokens, dtype=np.int64)
    if len(t) < 2:
        return t.copy(), np.array([-1, -1])
    pairs, counts = np.unique(np.stack([t[:-1], t[1:]], axis=1), axis=0, return_counts=True)
    a, b = (int(v) for v in pairs[np.argmax(counts)])
    out, i, n = [], 0, len(t)
    while i < n:
        if i + 1 < n and t[i] == a and t[i + 1] == b:
            out.append(new_id)
            i += 2
        else:
            out.append(int(t[i]))
            i += 1
    return np.array(out, dtype=np.int64), np.array([a, b])
