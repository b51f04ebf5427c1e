"""The seccomp filter every sandboxed process runs under.

Default allow (numpy, threads, fork and exec keep working); these fail with
EPERM: ptrace and cross-process memory access, new namespaces (unshare,
setns, clone with CLONE_NEW*), mounts, every socket family except AF_UNIX (so
no inet or netlink), bpf, perf, keyrings, userfaultfd, io_uring, module and
kexec calls. clone3 fails with ENOSYS so that libc falls back to clone, whose
flags the filter can see. Syscalls of a foreign architecture kill the process
(libseccomp's default).

The filter is built with pyseccomp (ctypes over libseccomp2): exported as
BPF for `bwrap --seccomp FD`, or loaded in the child before exec in fallback.
"""
from __future__ import annotations

import errno
import os
import socket
import tempfile
from functools import lru_cache

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "open_by_handle_at", "name_to_handle_at", "acct", "swapon", "swapoff", "reboot",
    "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "syslog", "vhangup",
)
CLONE_NEW = {
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}


def available() -> tuple[bool, str]:
    """Whether pyseccomp and libseccomp load here, with the reason when not."""
    try:
        import pyseccomp  # noqa: F401
    except Exception as exc:  # ImportError, OSError from a missing libseccomp
        return False, f"pyseccomp unavailable: {exc}"
    return True, "ok"


def build_filter():
    """A pyseccomp SyscallFilter with the rules above."""
    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    f = sc.SyscallFilter(sc.ALLOW)
    for name in DENIED:
        try:
            f.add_rule(deny, name)
        except (OSError, ValueError, RuntimeError):
            pass  # a syscall this kernel or libseccomp does not know
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for flag in CLONE_NEW.values():
        f.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    f.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
    f.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socketpair", sc.Arg(0, sc.NE, socket.AF_UNIX))
    return f


@lru_cache(maxsize=1)
def bpf_bytes() -> bytes:
    """The filter as a BPF program, built once per process."""
    with tempfile.TemporaryFile() as fh:
        build_filter().export_bpf(fh)
        fh.seek(0)
        return fh.read()


def bpf_fd() -> int:
    """A fresh readable fd holding the BPF program, for `bwrap --seccomp FD`. The caller closes it."""
    data = bpf_bytes()
    fd = os.memfd_create("mockloop-seccomp", 0)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
