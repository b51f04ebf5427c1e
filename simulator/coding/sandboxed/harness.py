"""The harness: the sandboxed process that runs one candidate's hidden tests and speed measurement.

It reads one job (.npz with a JSON header) on stdin: the candidate's source,
the entry point, the tests' inputs (never their expected outputs: those stay
with the trusted parent), and optionally a speed part. It writes one .npz on
stdout: per test a status and the outputs, and the raw timings. It never
decides pass or fail. The candidate's code runs only in a forked worker whose
stdout is /dev/null and whose fds are closed; this process and the baseline's
worker are non-dumpable, so the candidate cannot read or patch them.
Standard library and numpy only.
"""
import math
import mmap
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import wire  # noqa: E402
import worker  # noqa: E402

MAX_STDIN = 256 * 1024 * 1024
SHM_BYTES = 96 * 1024 * 1024


def died(pid):
    """Why a worker ended: (status, message)."""
    try:
        _, st = os.waitpid(pid, 0)
    except ChildProcessError:
        return "error", "the worker process vanished"
    if os.WIFSIGNALED(st):
        sig = os.WTERMSIG(st)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig == signal.SIGXCPU:
            return "timeout", "CPU time limit exceeded (SIGXCPU)"
        if sig == signal.SIGXFSZ:
            return "error", "file size limit exceeded (SIGXFSZ)"
        return "error", f"the process was killed by signal {sig} ({name})"
    return "error", f"the solution ended the process (exit status {os.WEXITSTATUS(st)})"


class Worker:
    """A forked worker serving one function; `pid` leads its own process group."""

    def __init__(self, source, entry, filename, timeout, shm=None, trusted=False, framework="numpy"):
        r1, w1 = os.pipe()
        r2, w2 = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                os.setpgid(0, 0)
                os.close(w1)
                os.close(r2)
                worker.set_dumpable(not trusted)
                worker.serve(r1, w2, source, entry, shm, filename, framework)
            finally:
                os._exit(0)
        os.close(r1)
        os.close(w2)
        self.pid, self.wfd, self.rfd, self.alive = pid, w1, r2, True
        try:
            self.hello, _ = wire.unpack(wire.recv(self.rfd, timeout=timeout))
        except wire.WireError as exc:
            self.hello = self.fail(exc)

    def ask(self, header, arrays=None, timeout=None):
        wire.send(self.wfd, wire.pack(header, arrays))
        return wire.unpack(wire.recv(self.rfd, timeout=timeout))

    def fail(self, exc):
        """Turn a wire failure into a result, killing the worker."""
        if exc.kind == "timeout":
            self.kill()
            return {"status": "timeout", "traceback": "time limit exceeded"}
        if exc.kind == "eof":
            self.alive = False
            status, msg = died(self.pid)
            self.close()
            return {"status": status, "traceback": msg}
        self.kill()
        return {"status": "error", "traceback": f"unreadable reply from the solution ({exc})"}

    def kill(self):
        if self.alive:
            for target in (-self.pid, self.pid):
                try:
                    os.kill(target, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.alive = False
        self.close()

    def close(self):
        for fd in (self.wfd, self.rfd):
            try:
                os.close(fd)
            except OSError:
                pass


def run_tests(job, arrays, outputs):
    results, cand, fatal = [], None, None
    deadline = time.monotonic() + job["total_timeout_s"]
    for i, test in enumerate(job["tests"]):
        left = deadline - time.monotonic()
        if fatal or left <= 0:
            results.append(fatal or {"status": "timeout", "traceback": "not run: the total time limit was reached"})
            continue
        timeout = min(test["timeout_s"], left)
        if cand is None:
            cand = Worker(job["source"], job["entry"], "solution.py", max(timeout, job.get("load_timeout_s", 0)),
                          framework=job.get("framework", "numpy"))
            if cand.hello["status"] != "ready":
                fatal = dict(cand.hello, status=cand.hello["status"].replace("load_error", "error"))
                fatal["traceback"] = fatal.get("traceback") or "the solution failed to load"
                cand.kill()
                results.append(fatal)
                continue
        mine = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith(f"t{i}.")}
        try:
            reply, out = cand.ask({"op": "test", "params": test["params"]}, mine, timeout=timeout)
        except wire.WireError as exc:
            reply, out = cand.fail(exc), {}
            cand = None
        except OSError as exc:  # the pipe broke under us
            reply, out = cand.fail(wire.WireError("eof", str(exc))), {}
            cand = None
        reply["n_outputs"] = len(out)
        for j in range(len(out)):
            outputs[f"t{i}.{j}"] = out[f"out{j}"]
        results.append(reply)
    if cand is not None:
        cand.kill()
    return results


class Speed:
    """Candidate and baseline interleaved, fresh inputs each repeat, timed from outside both workers."""

    def __init__(self, job, spec):
        self.spec, self.isolated = spec, job.get("mode") == "bwrap"
        ns = {"np": np}
        exec(compile(spec["gen_source"], "generator.py", "exec"), ns)
        self.gen = ns[spec["gen_name"]]
        self.shm = mmap.mmap(-1, SHM_BYTES)
        self.base = Worker(spec["baseline_source"], job["entry"], "baseline.py", 30, self.shm, trusted=True)
        self.cand = Worker(job["source"], job["entry"], "solution.py", 10, self.shm)

    def make(self):
        seed = int.from_bytes(os.urandom(8), "little")
        arrays, params = wire.split_inputs(self.gen(np.random.default_rng(seed), **self.spec["size"]))
        return arrays, params

    def place(self, sets, n):
        """Copy the first n input sets into the shared region; return the calls' layouts."""
        calls, off = [], 0
        for arrays, params in sets[:n]:
            layout = {}
            for name, arr in arrays.items():
                arr = np.ascontiguousarray(arr)
                np.frombuffer(self.shm, dtype=arr.dtype, count=arr.size, offset=off)[:] = arr.ravel()
                layout[name] = (off, arr.dtype.str, list(arr.shape))
                off += (arr.nbytes + 63) // 64 * 64
            calls.append((layout, params))
        return calls

    def freeze_candidate(self, on):
        sig = signal.SIGSTOP if on else signal.SIGCONT
        try:
            if self.isolated:  # our own pid namespace: every process but us and its init
                os.kill(-1, sig)
                if on:
                    os.kill(self.base.pid, signal.SIGCONT)
            else:
                os.killpg(self.cand.pid, sig)
        except OSError:
            pass

    def turn(self, who, sets, n, timeout):
        if who is self.base:
            self.freeze_candidate(True)
        calls = self.place(sets, n)
        try:
            t0 = time.perf_counter()
            reply, _ = who.ask({"op": "speed", "calls": calls}, timeout=timeout)
            elapsed = time.perf_counter() - t0
        finally:
            if who is self.base:
                self.freeze_candidate(False)
        if reply.get("status") != "ok":
            raise RuntimeError(reply.get("traceback") or "failed")
        return elapsed / n, reply["sums"]

    def run(self):
        spec = self.spec
        out = {"status": "ok", "baseline_s": [], "candidate_s": [], "baseline_sums": [], "candidate_sums": []}
        if self.cand.hello["status"] != "ready" or self.base.hello["status"] != "ready":
            bad = self.cand.hello if self.cand.hello["status"] != "ready" else self.base.hello
            return dict(out, status="error", who="candidate" if bad is self.cand.hello else "baseline",
                        traceback=bad.get("traceback", ""))
        start = time.monotonic()
        budget = spec["budget_s"]
        who_name = "candidate"
        try:
            sets = [self.make()]
            set_bytes = sum(a.nbytes + 64 for a in sets[0][0].values()) or 1
            cap = max(1, min(spec.get("max_calls", 64), SHM_BYTES // set_bytes))
            tb = tc = float("inf")
            for _ in range(2):  # the first call pays for page faults and caches: calibrate on the better
                who_name = "baseline"
                tb = min(tb, self.turn(self.base, sets, 1, budget)[0])
                who_name = "candidate"
                tc = min(tc, self.turn(self.cand, sets, 1, budget)[0])
            nb = max(1, min(cap, math.ceil(spec["min_repeat_s"] / max(tb, 1e-6))))
            nc = max(1, min(cap, math.ceil(spec["min_repeat_s"] / max(tc, 1e-6))))
            out.update(n_baseline=nb, n_candidate=nc)
            for r in range(spec["repeats"]):
                if r >= 3 and time.monotonic() - start > budget:
                    out["stopped_early"] = True
                    break
                sets = [self.make() for _ in range(max(nb, nc))]
                left = max(1.0, budget * 2 - (time.monotonic() - start))
                for who in ((self.base, self.cand) if r % 2 == 0 else (self.cand, self.base)):
                    who_name = "baseline" if who is self.base else "candidate"
                    per_call, sums = self.turn(who, sets, nb if who is self.base else nc, left)
                    out[f"{who_name}_s"].append(per_call)
                    out[f"{who_name}_sums"].append(sums)
        except wire.WireError as exc:
            w = self.base if who_name == "baseline" else self.cand
            failed = w.fail(exc)
            out.update(status=failed["status"], who=who_name, traceback=failed["traceback"])
        except RuntimeError as exc:
            out.update(status="error", who=who_name, traceback=str(exc))
        finally:
            self.freeze_candidate(False)
            self.base.kill()
            self.cand.kill()
        out["wall_s"] = time.monotonic() - start
        return out


def main():
    worker.set_dumpable(False)
    data = sys.stdin.buffer.read(MAX_STDIN)
    job, arrays = wire.unpack(data)
    del data
    outputs = {}
    result = {"numpy": np.__version__, "python": sys.version.split()[0]}
    result["tests"] = run_tests(job, arrays, outputs)
    if job.get("speed"):
        try:
            result["speed"] = Speed(job, job["speed"]).run()
        except MemoryError:
            result["speed"] = {"status": "memory_limit", "who": "harness", "traceback": "out of memory"}
    sys.stdout.buffer.write(wire.pack(result, outputs))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
