"""Messages between the harness and its workers: length-prefixed .npz with a JSON header.

Runs inside the sandbox: standard library and numpy only. Nothing is ever
unpickled (allow_pickle=False everywhere).
"""
import io
import json
import os
import select
import struct
import time

import numpy as np

MAX_MESSAGE = 256 * 1024 * 1024
HEADER = "__msg__"


class WireError(Exception):
    """The other side died, timed out, or sent something malformed."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind  # "eof", "timeout", "malformed", "too_big"


def pack(header, arrays=None):
    buf = io.BytesIO()
    payload = {HEADER: np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)}
    for name, arr in (arrays or {}).items():
        payload[name] = arr
    np.savez(buf, **payload)
    return buf.getvalue()


def unpack(data):
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        names = list(z.files)
        if HEADER not in names:
            raise WireError("malformed", "no header")
        header = json.loads(bytes(z[HEADER]).decode("utf-8"))
        arrays = {n: z[n] for n in names if n != HEADER}
    return header, arrays


def send(fd, data):
    view = memoryview(struct.pack("<Q", len(data)) + data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _read_exact(fd, n, deadline):
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WireError("timeout")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise WireError("timeout")
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise WireError("eof")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(fd, timeout=None, limit=MAX_MESSAGE):
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = struct.unpack("<Q", _read_exact(fd, 8, deadline))
    if size > limit:
        raise WireError("too_big", f"{size} bytes")
    return _read_exact(fd, size, deadline)


def split_inputs(values):
    """A generator's dict -> (arrays for the wire, JSON params). Lists of arrays become name[i]."""
    arrays, params = {}, {}
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            arrays[name] = value
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
            for i, v in enumerate(value):
                arrays[f"{name}[{i}]"] = v
        elif isinstance(value, np.generic):
            params[name] = value.item()
        else:
            params[name] = value
    return arrays, params


def join_inputs(arrays, params):
    """The inverse of split_inputs: keyword arguments for the function under test."""
    kwargs = dict(params)
    lists = {}
    for name, arr in arrays.items():
        if name.endswith("]") and "[" in name:
            base, _, idx = name[:-1].partition("[")
            lists.setdefault(base, {})[int(idx)] = arr
        else:
            kwargs[name] = arr
    for base, items in lists.items():
        kwargs[base] = [items[i] for i in sorted(items)]
    return kwargs
