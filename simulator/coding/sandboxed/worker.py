"""A worker process: load one function from source, then answer the harness's requests.

The candidate's worker and the baseline's worker are both forked from the
harness. The candidate's code is compiled here only, never in the harness, so
it can disturb nothing but its own process. Standard library and numpy only.
"""
import ctypes
import io
import linecache
import os
import sys
import time
import traceback
import warnings

import numpy as np

import wire

SOLUTION = "solution.py"
MAX_STDOUT = 4096
MAX_TRACE = 4000


class BoundedText(io.TextIOBase):
    """A stdout stand-in that keeps the first few KiB of what the candidate prints."""

    def __init__(self, limit=MAX_STDOUT):
        self.parts, self.size, self.limit = [], 0, limit

    def writable(self):
        return True

    def write(self, s):
        if self.size < self.limit:
            self.parts.append(s[: self.limit - self.size])
            self.size += len(self.parts[-1])
        return len(s)

    def take(self):
        text, self.parts, self.size = "".join(self.parts), [], 0
        return text


def set_dumpable(flag):
    """PR_SET_DUMPABLE: a non-dumpable process's memory and fds are closed to its siblings."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, int(flag), 0, 0, 0)
    except Exception:
        pass


def candidate_traceback(exc, filename=SOLUTION):
    """The traceback of the candidate's own frames only, and the exception line."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = []
    if frames:
        lines.append("Traceback (most recent call last):\n")
        lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    text = "".join(lines)
    return text if len(text) <= MAX_TRACE else text[: MAX_TRACE // 2] + "\n...\n" + text[-MAX_TRACE // 2:]


def load(source, entry, filename=SOLUTION):
    """Compile and run the source; return (function, error text)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    ns = {"__name__": "solution", "__file__": filename, "__builtins__": __builtins__}
    try:
        exec(compile(source, filename, "exec"), ns)
    except MemoryError:
        return None, "MemoryError while loading the solution"
    except BaseException as exc:  # SystemExit too: the solution may not end the worker at import
        return None, candidate_traceback(exc, filename)
    fn = ns.get(entry)
    if not callable(fn):
        return None, f"the solution does not define a function named {entry!r}"
    return fn, ""


def as_tensors(kwargs):
    """For a torch problem: the numpy inputs as tensors sharing their memory (so in-place changes still show)."""
    import torch

    def conv(value):
        if isinstance(value, np.ndarray):
            return torch.from_numpy(value)
        if isinstance(value, list):
            return [conv(v) for v in value]
        return value

    return {k: conv(v) for k, v in kwargs.items()}


def to_numpy(item):
    """A torch tensor becomes a numpy array here, inside the candidate's worker: only arrays cross the wire."""
    if type(item).__module__.startswith("torch") and hasattr(item, "detach"):
        return item.detach().cpu().numpy()
    return item


def flatten(result):
    out = []
    for item in (result if isinstance(result, (tuple, list)) else [result]):
        if isinstance(item, (tuple, list)):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out


def to_arrays(result):
    arrays = {}
    for i, item in enumerate(flatten(result)):
        arr = np.asarray(to_numpy(item))
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"output {i} is not a numeric array (dtype {arr.dtype})")
        arrays[f"out{i}"] = arr
    return arrays


def run_test(fn, arrays, params, framework="numpy"):
    """Call fn once; report outputs, status, warnings, whether inputs changed, and the time taken."""
    originals = {k: v.copy() for k, v in arrays.items()}
    kwargs = wire.join_inputs(arrays, params)
    if framework == "torch":
        kwargs = as_tensors(kwargs)
    captured = BoundedText()
    header = {"status": "ok", "warnings": [], "mutated": []}
    out = {}
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    caught = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            result = fn(**kwargs)
            header["time_s"] = time.perf_counter() - t0
            out = to_arrays(result)
    except MemoryError:
        header.update(status="memory_limit", traceback="MemoryError: the solution ran out of memory")
    except RecursionError as exc:
        header.update(status="error", traceback=candidate_traceback(exc))
    except BaseException as exc:
        header.update(status="error", traceback=candidate_traceback(exc))
    finally:
        sys.stdout, sys.stderr = saved
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in header["warnings"] and len(header["warnings"]) < 8:
            header["warnings"].append(text)
    for k, v in originals.items():
        if not np.array_equal(v, arrays[k], equal_nan=v.dtype.kind in "fc"):
            header["mutated"].append(k)
    header["stdout"] = captured.take()
    return header, out


def checksum(result):
    """Per output: shape, sum and sum of absolute values, for the parent to compare with the baseline's."""
    sums = []
    for arr in to_arrays(result).values():
        a = arr.astype(np.float64) if arr.dtype.kind != "c" else np.abs(arr)
        sums.append([list(arr.shape), float(np.sum(a)), float(np.sum(np.abs(a)))])
    return sums


def views(shm, layout):
    """Input arrays for one call, as views of the shared region the harness filled."""
    return {name: np.frombuffer(shm, dtype=np.dtype(dt), count=int(np.prod(shape, dtype=np.int64)),
                                offset=off).reshape(shape) for name, (off, dt, shape) in layout.items()}


def load_framework(framework):
    """Import the problem's framework before the candidate's code (torch: one thread); the error text, if any."""
    if framework != "torch":
        return ""
    try:
        import torch

        torch.set_num_threads(1)
    except Exception as exc:  # noqa: BLE001 - reported as a load error
        return f"PyTorch is not available in the sandbox: {type(exc).__name__}: {exc}"
    return ""


def serve(rfd, wfd, source, entry, shm=None, filename=SOLUTION, framework="numpy"):
    """The worker's loop: one reply per request until told to exit or the pipe closes."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    keep = {rfd, wfd, 0, 1, 2}
    for fd in range(3, 1024):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    error = load_framework(framework)
    fn, error = (None, error) if error else load(source, entry, filename)
    wire.send(wfd, wire.pack({"status": "ready" if fn else "load_error", "traceback": error}))
    while True:
        try:
            header, arrays = wire.unpack(wire.recv(rfd))
        except wire.WireError:
            os._exit(0)
        op = header.get("op")
        if op == "exit":
            os._exit(0)
        if fn is None:
            wire.send(wfd, wire.pack({"status": "error", "traceback": error}))
        elif op == "test":
            reply, out = run_test(fn, arrays, header.get("params", {}), framework)
            wire.send(wfd, wire.pack(reply, out))
        elif op == "speed":
            try:
                sums = []
                for i, (layout, params) in enumerate(header["calls"]):
                    result = fn(**wire.join_inputs(views(shm, layout), params))
                    if i == 0:
                        sums = checksum(result)
                wire.send(wfd, wire.pack({"status": "ok", "sums": sums}))
            except BaseException as exc:
                wire.send(wfd, wire.pack({"status": "error", "traceback": candidate_traceback(exc, filename)}))
