"""Start one sandboxed process: bubblewrap when it works, else the labelled fallback.

    result = launch({"main.py": source}, "main.py", stdin=b"...", limits=Limits(wall_s=5), mode="bwrap")

(`simulator.sandbox.run`, in run_code.py, launches in the mode the start-up probe found.)

The files are written to a fresh world-readable folder that the sandbox sees
read-only at /sandbox (bwrap) or at its host path (fallback). The process has
an empty environment but OPENBLAS_NUM_THREADS=1, a sized tmpfs for /tmp and
for its working folder /work (bwrap), the rlimits of `Limits`, a dedicated uid
when we are root, and the seccomp filter. Its output is read with caps and it
is killed, with its whole process group (bwrap: its pid namespace), at the
wall-clock limit.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from simulator.sandbox.config import UID_BASE, Limits, sandbox_python, sandbox_uid
from simulator.sandbox.limits import kill_uid, preexec
from simulator.sandbox.reader import communicate

SANDBOX_DIR = "/sandbox"
WORK_DIR = "/work"
ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
       "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class RunResult:
    """What happened to one sandboxed process. `status` is one of
    ok, exit (non-zero status), signal, timeout, output_limit, start_failed."""

    status: str
    returncode: int | None
    stdout: bytes
    stderr: bytes
    wall_s: float
    mode: str
    reason: str = ""
    uid: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def signal(self) -> int | None:
        """The signal that ended the process (bwrap reports 128+N)."""
        rc = self.returncode
        if rc is None:
            return None
        if rc < 0:
            return -rc
        if self.mode == "bwrap" and rc > 128:
            return rc - 128
        return None


def _root_links() -> list[str]:
    args: list[str] = []
    for name in ("bin", "lib", "lib64", "lib32", "libx32", "sbin"):
        p = Path("/") / name
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            args += ["--ro-bind", str(p), str(p)]
    return args


def _python_binds(python: str) -> list[str]:
    """Bind an interpreter living outside /usr read-only at its own path (elsewhere it loads the wrong libpython)."""
    real = Path(python).resolve()
    binds: list[Path] = []
    if not str(real).startswith("/usr/"):
        binds.append(real.parent.parent)
    cfg = Path(python).parent.parent / "pyvenv.cfg"
    if cfg.exists():
        binds.append(Path(python).parent.parent)
        for line in cfg.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home" and not value.strip().startswith("/usr/"):
                binds.append(Path(value.strip()).parent)
    out: list[str] = []
    for b in dict.fromkeys(binds):
        out += ["--ro-bind", str(b), str(b)]
    return out


def bwrap_argv(python: str, entry: str, args: list[str], folder: str, limits: Limits, seccomp_fd: int | None) -> list[str]:
    size = str(limits.tmpfs_size)
    argv = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
            "--new-session", "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr"]
    for extra in ("/etc/alternatives", "/etc/ld.so.cache"):
        if os.path.exists(extra):
            argv += ["--ro-bind", extra, extra]
    argv += _root_links() + _python_binds(python)
    argv += ["--ro-bind", folder, SANDBOX_DIR, "--proc", "/proc", "--dev", "/dev",
             "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", WORK_DIR, "--chdir", WORK_DIR,
             "--remount-ro", "/", "--remount-ro", "/dev", "--clearenv"]
    for k, v in {**ENV, "HOME": WORK_DIR, "TMPDIR": "/tmp"}.items():
        argv += ["--setenv", k, v]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    return argv + ["--", python, "-I", f"{SANDBOX_DIR}/{entry}", *args]


def _write_files(files: dict[str, bytes | str], uid: int | None) -> str:
    """A fresh folder readable only by the run's uid (concurrent runs cannot read each other's files)."""
    folder = tempfile.mkdtemp(prefix="mockloop-sbx-")
    for name, data in files.items():
        if "/" in name or name.startswith("."):
            raise ValueError(f"sandbox file names must be plain names, not {name!r}")
        path = os.path.join(folder, name)
        with open(path, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(path, 0o400)
        if uid is not None:
            os.chown(path, uid, uid)
    os.chmod(folder, 0o500)
    if uid is not None:
        os.chown(folder, uid, uid)
    return folder


def _sweep_tmp(uid: int) -> None:
    """Fallback only: remove what the per-run uid left in the shared temporary folders."""
    for root in ("/tmp", "/var/tmp", "/dev/shm"):
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


def launch(files: dict[str, bytes | str], entry: str, *, args=(), stdin: bytes = b"", limits: Limits | None = None,
           mode: str = "bwrap", python: str | None = None, reason: str = "") -> RunResult:
    """`run` (run_code.py) without the probe: start the process in the given mode."""
    from simulator.sandbox import seccomp

    limits = limits or Limits()
    python = python or sandbox_python()
    uid = sandbox_uid()
    folder = _write_files(files, uid)
    notes: list[str] = []
    seccomp_fd = None
    try:
        have_seccomp, why = seccomp.available()
        if not have_seccomp:
            notes.append(f"no seccomp filter: {why}")
        if mode == "bwrap":
            seccomp_fd = seccomp.bpf_fd() if have_seccomp else None
            argv = bwrap_argv(python, entry, list(args), folder, limits, seccomp_fd)
            pre = preexec(limits, uid)
            pass_fds = (seccomp_fd,) if seccomp_fd is not None else ()
            env: dict[str, str] = {}
            cwd = "/"
        else:
            argv = [python, "-I", os.path.join(folder, entry), *args]
            pre = preexec(limits, uid, seccomp.build_filter() if have_seccomp else None)
            pass_fds = ()
            env = {**ENV, "HOME": folder, "TMPDIR": "/tmp", "MOCKLOOP_SANDBOX_DIR": folder}
            cwd = folder
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=env, cwd=cwd, preexec_fn=pre, pass_fds=pass_fds,
                                    start_new_session=True, close_fds=True)
        except OSError as exc:
            return RunResult("start_failed", None, b"", str(exc).encode(), 0.0, mode, reason, uid, notes)

        def kill() -> None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if mode != "bwrap" and uid is not None and uid >= UID_BASE:
                kill_uid(uid)

        out = communicate(proc, stdin, wall_s=limits.wall_s, stdout_max=limits.stdout_max,
                          stderr_max=limits.stderr_max, kill=kill)
        kill()  # leftovers: detached grandchildren (fallback) or a lingering namespace
        if mode != "bwrap" and uid is not None and uid >= UID_BASE:
            _sweep_tmp(uid)
    finally:
        if seccomp_fd is not None:
            os.close(seccomp_fd)
        try:
            os.chmod(folder, 0o700)
        except OSError:
            pass  # already swept
        shutil.rmtree(folder, ignore_errors=True)
    rc = proc.returncode
    if out.stdout_overflow:
        status = "output_limit"
    elif out.timed_out:
        status = "timeout"
    elif rc == 0:
        status = "ok"
    elif rc < 0 or (mode == "bwrap" and rc > 128):
        status = "signal"
    else:
        status = "exit"
    return RunResult(status, rc, out.stdout, out.stderr, out.wall_s, mode, reason, uid, notes)
