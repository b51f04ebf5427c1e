"""The team-server load test (issue 15, item 5): `make load`, or `.venv/bin/python tools/load_test.py --help`.

On this machine it starts a PostgreSQL cluster of its own (Debian's binaries, default durability: fsync and
synchronous commits on), a Redis server (the queue, the sign-in limits and the code-run slots), `mockloop serve
--workers 2` and one `mockloop worker`, pinned with taskset to the server's CPUs; prepares the candidates' accounts;
runs Locust headless (tools/load/locustfile.py) with its clients in their own processes pinned to the other CPUs;
then checks every acknowledged draft against the database and prints, for the measured window (after the ramp and
a warm-up): client-side and server-side (Server-Timing) p50/p95/p99 per request kind beside the /healthz baseline,
errors, lost and reordered drafts, the load average, and the CPU seconds used by the clients, the web processes,
the worker, PostgreSQL and Redis (so each request's cost can be read off). Needs `pip install -e '.[load,postgres,redis]'`,
postgresql, redis-server, bubblewrap and taskset. Everything it starts is stopped, and its folder removed, at the end."""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "load-test-secret-key-0123456789abcdef0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def pinned(cpus: str | None, command: list[str]) -> list[str]:
    return (["taskset", "-c", cpus] if cpus and shutil.which("taskset") else []) + command


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--"] + command if os.geteuid() == 0 else command


def start_postgres(work: Path, cpus: str | None, sync_commit: bool = True) -> tuple[str, Path, str]:
    bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not bindirs:
        sys.exit("no PostgreSQL server binaries (apt-get install postgresql)")
    bin_ = bindirs[-1]
    pg = work / "pg"
    pg.mkdir()
    if os.geteuid() == 0:
        shutil.chown(pg, "postgres")
        os.chmod(work, 0o755)
    port = free_port()
    subprocess.run(as_postgres([f"{bin_}/initdb", "-D", str(pg / "data"), "-U", "postgres", "--auth=trust",
                                "--encoding=UTF8", "--no-locale"]), check=True, stdout=subprocess.DEVNULL)
    opts = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={pg} -c max_connections=100"
    if not sync_commit:  # a commit returns before its WAL reaches the disk (a crash may lose the last ~0.6 s)
        opts += " -c synchronous_commit=off"
    subprocess.run(pinned(cpus, as_postgres([f"{bin_}/pg_ctl", "-D", str(pg / "data"), "-l", str(pg / "server.log"),
                                             "-o", opts, "-w", "-t", "60", "start"])), check=True, stdout=subprocess.DEVNULL)
    subprocess.run([f"{bin_}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "mockloop"], check=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/mockloop", pg, bin_


def wait_ready(url: str, proc: subprocess.Popen, logfile: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server stopped:\n{logfile.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"not ready after {seconds} s:\n{logfile.read_text()[-3000:]}")


def prepare_accounts(n: int, path: Path) -> None:
    """n candidates, each with a signed-in session cookie minted with the server's secret key (the load is the
    candidates' work, not n scrypt sign-ins; the cookie is the one a sign-in would set)."""
    from simulator.accounts import Accounts
    from simulator.bank import default_bank
    from simulator.config import database_url
    from simulator.engine import LoopService
    from simulator.storage import open_database
    from web import create_app

    sessions = open_database(database_url())
    service, accounts = LoopService(sessions, default_bank()), Accounts(sessions)
    app = create_app()
    serializer = app.session_interface.get_signing_serializer(app)
    out = []
    for i in range(n):
        uid = service.ensure_user(f"candidate{i:05d}")
        _, gen = accounts.session_state(uid)
        out.append({"uid": uid, "cookie_name": app.config["SESSION_COOKIE_NAME"],
                    "cookie": serializer.dumps({"uid": uid, "gen": gen, "_permanent": True})})
    path.write_text(json.dumps(out))
    sessions.kw["bind"].dispose()


def tree(pid: int) -> list[psutil.Process]:
    try:
        p = psutil.Process(pid)
        return [p] + p.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def cpu_seconds(procs: list[psutil.Process]) -> dict[int, tuple[float, float]]:
    """Per process: (its own user + system time, its reaped children's: sandboxed code runs, forked clients)."""
    out = {}
    for p in procs:
        try:
            t = p.cpu_times()
            out[p.pid] = (t.user + t.system, t.children_user + t.children_system)
        except psutil.NoSuchProcess:
            pass
    return out


def machine_busy() -> tuple[float, float]:
    fields = [float(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def pg_counters(url: str) -> dict[str, float]:
    """WAL written so far, committed transactions, and the database's size (its writes per request, read off)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as c:
            wal = c.execute(text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")).scalar()
            commits = c.execute(text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")).scalar()
            size = c.execute(text("SELECT pg_database_size(current_database())")).scalar()
            return {"wal_bytes": float(wal), "commits": float(commits), "db_bytes": float(size)}
    finally:
        engine.dispose()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def check_drafts(drafts: dict[str, dict]) -> dict[str, int]:
    """0 lost: the stored draft is the last acknowledged one, or a later one that was sent (its answer cut off
    by the end of the run). 0 reordered: no save was refused or stored under another revision, and nothing newer
    than the last sent draft is stored."""
    from sqlalchemy import text

    from simulator.config import database_url
    from simulator.storage import open_database

    sessions = open_database(database_url())
    with sessions() as s:
        rows = {r[0]: (r[1], r[2]) for r in s.execute(text("SELECT id, draft, draft_seq FROM rounds"))}
    sessions.kw["bind"].dispose()
    lost = reordered = acked = 0
    for rid, d in drafts.items():
        stored, stored_seq = rows.get(int(rid), ("", 0))
        stored_sha = hashlib.sha256((stored or "").encode()).hexdigest()
        a_seq, a_sha = d["acked"]
        s_seq, s_sha = d["sent"]
        acked += a_seq > 0
        reordered += len(d["bad"])
        if stored_seq < a_seq or (stored_seq == a_seq and a_seq and stored_sha != a_sha):
            lost += 1
        elif stored_seq > s_seq or (stored_seq == s_seq and stored_seq > a_seq and stored_sha != s_sha):
            reordered += 1
    return {"rounds": len(drafts), "rounds_with_acked_draft": acked, "lost": lost, "reordered": reordered}


def summarise(records: list[list], start: float, end: float) -> dict[str, dict]:
    by: dict[str, dict] = {}
    for name, t, client_ms, app_ms, error in records:
        if not start <= t <= end:
            continue
        e = by.setdefault(name, {"client": [], "app": [], "errors": []})
        if error:
            e["errors"].append(error)
        else:
            e["client"].append(client_ms)
            if app_ms is not None:
                e["app"].append(app_ms)
    out = {}
    for name, e in sorted(by.items()):
        out[name] = {"n": len(e["client"]) + len(e["errors"]), "per_s": (len(e["client"]) + len(e["errors"])) / (end - start),
                     "errors": len(e["errors"]), "first_errors": sorted(set(e["errors"]))[:3],
                     **{f"client_p{q}": percentile(e["client"], q) for q in (50, 95, 99)},
                     "client_max": max(e["client"], default=float("nan")),
                     **{f"app_p{q}": percentile(e["app"], q) for q in (50, 95, 99)}}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=1000, help="candidates (besides 4 baseline users)")
    ap.add_argument("--spawn-rate", type=float, default=20, help="candidates started per second")
    ap.add_argument("--warmup", type=float, default=20, help="seconds after the ramp before measuring")
    ap.add_argument("--measure", type=float, default=120, help="seconds measured")
    ap.add_argument("--client-processes", type=int, default=2, help="Locust worker processes")
    ap.add_argument("--web-workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=8, help="threads per web process")
    ap.add_argument("--server-cpus", default="1", help="taskset list for the server side ('' for no pinning)")
    ap.add_argument("--client-cpus", default="0", help="taskset list for Locust ('' for no pinning)")
    ap.add_argument("--coders-percent", type=float, default=10)
    ap.add_argument("--run-every", type=float, default=60, help="seconds between a coder's code runs")
    ap.add_argument("--no-sync-commit", action="store_true",
                    help="PostgreSQL with synchronous_commit=off (to see how much of the latency is the disk's flush)")
    ap.add_argument("--out", default=None, help="folder for the Locust CSV/HTML, records and summary.json")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (databases, logs)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mockloop-load."))
    out = Path(args.out) if args.out else work / "out"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("records-*.json"):
        old.unlink()
    server_cpus, client_cpus = args.server_cpus or None, args.client_cpus or None
    procs: list[subprocess.Popen] = []
    pg_dir = pg_bin = None
    try:
        url, pg_dir, pg_bin = start_postgres(work, server_cpus, not args.no_sync_commit)
        redis_port = free_port()
        redis_proc = subprocess.Popen(pinned(server_cpus, ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                                                           "--save", "", "--appendonly", "no", "--dir", str(work)]),
                                      stdout=(work / "redis.log").open("wb"), stderr=subprocess.STDOUT)
        procs.append(redis_proc)
        redis_url = f"redis://127.0.0.1:{redis_port}"
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, MOCKLOOP_DATA_DIR=str(work / "data"), MOCKLOOP_MULTI_USER="1",
                   MOCKLOOP_SECRET_KEY=SECRET, MOCKLOOP_QUEUE_URL=f"{redis_url}/1",
                   MOCKLOOP_RATELIMIT_STORAGE_URI=f"{redis_url}/0", MOCKLOOP_EMBEDDED_WORKER="0")
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "MOCKLOOP_DATA_DIR", "MOCKLOOP_MULTI_USER",
                                               "MOCKLOOP_SECRET_KEY", "MOCKLOOP_QUEUE_URL", "MOCKLOOP_RATELIMIT_STORAGE_URI")})
        accounts_file = work / "accounts.json"
        log(f"PostgreSQL {url}, Redis {redis_url}; preparing {args.users} accounts")
        prepare_accounts(args.users + 50, accounts_file)
        web_log, worker_log = work / "serve.log", work / "worker.log"
        web = subprocess.Popen(pinned(server_cpus, [str(BIN / "mockloop"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                                    "--workers", str(args.web_workers), "--threads", str(args.threads)]),
                               env=env, stdout=web_log.open("wb"), stderr=subprocess.STDOUT)
        procs.append(web)
        worker = subprocess.Popen(pinned(server_cpus, [str(BIN / "mockloop"), "worker", "--workers", "2"]),
                                  env=env, stdout=worker_log.open("wb"), stderr=subprocess.STDOUT)
        procs.append(worker)
        wait_ready(f"http://127.0.0.1:{port}/readyz", web, web_log)
        host = f"http://127.0.0.1:{port}"

        ramp = args.users / args.spawn_rate
        run_time = int(ramp + args.warmup + args.measure + 1)
        locust_env = dict(os.environ, LOAD_ACCOUNTS=str(accounts_file), LOAD_OUT=str(out), LOAD_REDIS=f"{redis_url}/15",
                          LOAD_CODERS_PERCENT=str(args.coders_percent), LOAD_RUN_EVERY_S=str(args.run_every))
        command = pinned(client_cpus, [str(BIN / "locust"), "-f", str(ROOT / "tools/load/locustfile.py"), "--headless",
                                       "-u", str(args.users + 4), "-r", str(args.spawn_rate), "-t", f"{run_time}s",
                                       "--processes", str(args.client_processes), "--host", host, "--stop-timeout", "10",
                                       "--csv", str(out / "locust"), "--html", str(out / "locust.html"), "--only-summary",
                                       "--loglevel", "WARNING"])
        log(f"Locust: {args.users} candidates + 4 baseline, ramp {ramp:.0f} s, warm-up {args.warmup:.0f} s, "
            f"measured {args.measure:.0f} s; server CPUs {server_cpus or 'all'}, client CPUs {client_cpus or 'all'}")
        load = subprocess.Popen(command, env=locust_env, stdout=(out / "locust.log").open("wb"), stderr=subprocess.STDOUT)
        started = time.time()
        window_start = started + ramp + args.warmup
        time.sleep(max(0.0, window_start - time.time()))

        def sides():
            pg_pids = [int(open(pg_dir / "data" / "postmaster.pid").readline())]
            return {"clients": tree(load.pid), "web": tree(web.pid), "worker": tree(worker.pid),
                    "postgres": tree(pg_pids[0]), "redis": tree(redis_proc.pid)}

        pg0 = pg_counters(url)
        before = {k: cpu_seconds(v) for k, v in sides().items()}
        busy0, total0 = machine_busy()
        load0 = os.getloadavg()
        peak_load = load0[0]
        window_end = window_start + args.measure
        while time.time() < window_end and load.poll() is None:
            time.sleep(min(5.0, max(0.0, window_end - time.time())))
            peak_load = max(peak_load, os.getloadavg()[0])
        after = {k: cpu_seconds(v) for k, v in sides().items()}
        pg1 = pg_counters(url)
        busy1, total1 = machine_busy()
        load1 = os.getloadavg()
        def used(side, part):
            return sum(after[side][pid][part] - before[side].get(pid, (0.0, 0.0))[part] for pid in after[side])

        cpu = {k: used(k, 0) + used(k, 1) for k in after}
        # The sandboxed code runs' CPU reaches no process's counters (bwrap's processes are never reaped into the
        # web process's), so it is read as the rest: all the machine's busy time less the sides above.
        cpu["rest"] = (busy1 - busy0) / os.sysconf("SC_CLK_TCK") - sum(cpu.values())
        clients = tree(load.pid)
        _, _, rusage = os.wait4(load.pid, 0)
        load.returncode = 0
        client_total_cpu = rusage.ru_utime + rusage.ru_stime
        psutil.wait_procs(clients, timeout=60)  # the client processes write their records as they stop

        records, drafts = [], {}
        for f in out.glob("records-*.json"):
            data = json.loads(f.read_text())
            records += data["records"]
            drafts.update(data["drafts"])
        if not drafts:
            sys.exit(f"no records from the clients:\n{(out / 'locust.log').read_text()[-3000:]}")
        stats = summarise(records, window_start, window_end)
        all_errors = sum(1 for r in records if r[4])
        check = check_drafts(drafts)
        ncpu = os.cpu_count()
        summary = {
            "users": args.users, "client_processes": args.client_processes, "web_workers": args.web_workers,
            "threads": args.threads, "server_cpus": server_cpus, "client_cpus": client_cpus, "cpus": ncpu,
            "measured_s": args.measure, "stats": stats, "errors_whole_run": all_errors, **check,
            "load_average_start": load0, "load_average_end": load1, "peak_load_1min": peak_load,
            "machine_busy_percent": 100 * (busy1 - busy0) / max(1.0, total1 - total0),
            "cpu_seconds_in_window": cpu, "wal_bytes_in_window": pg1["wal_bytes"] - pg0["wal_bytes"],
            "commits_in_window": pg1["commits"] - pg0["commits"], "db_bytes_at_end": pg1["db_bytes"], "client_cpu_seconds_whole_run": client_total_cpu,
            "window": [window_start, window_end], "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=1))
        report(summary)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if pg_dir is not None:
            subprocess.run(as_postgres([f"{pg_bin}/pg_ctl", "-D", str(pg_dir / "data"), "-m", "fast", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(s: dict) -> None:
    print(f"\n{s['users']} candidates, {s['web_workers']} web processes x {s['threads']} threads + 1 worker on "
          f"PostgreSQL + Redis (server CPUs {s['server_cpus'] or 'all'}), {s['client_processes']} Locust processes "
          f"(CPUs {s['client_cpus'] or 'all'}); {s['measured_s']:.0f} s measured on {s['cpus']} CPUs, {s['date']}")
    print(f"{'request':22} {'n':>7} {'/s':>6} {'err':>4} | client ms: {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} | "
          f"server ms: {'p50':>5} {'p95':>5} {'p99':>6}")
    for name, e in s["stats"].items():
        print(f"{name:22} {e['n']:7d} {e['per_s']:6.1f} {e['errors']:4d} | {'':11}{e['client_p50']:6.1f} "
              f"{e['client_p95']:6.1f} {e['client_p99']:6.1f} {e['client_max']:6.0f} | {'':11}{e['app_p50']:5.1f} "
              f"{e['app_p95']:5.1f} {e['app_p99']:6.1f}")
        for err in e["first_errors"]:
            print(f"    error: {err}")
    print(f"errors (whole run, ramp included): {s['errors_whole_run']}; rounds {s['rounds']} "
          f"({s['rounds_with_acked_draft']} with an acknowledged draft): lost {s['lost']}, reordered {s['reordered']}")
    la0, la1 = s["load_average_start"], s["load_average_end"]
    print(f"load average at start {la0[0]:.2f} {la0[1]:.2f} {la0[2]:.2f}, at end {la1[0]:.2f} {la1[1]:.2f} {la1[2]:.2f}, "
          f"peak 1-min {s['peak_load_1min']:.2f}; machine busy {s['machine_busy_percent']:.0f}%")
    cpu = s["cpu_seconds_in_window"]
    m = s["measured_s"]
    served = sum(e["n"] for name, e in s["stats"].items() if not name.startswith(("baseline", "run code")))
    runs = s["stats"].get("run code", {}).get("n", 0)
    print(f"server CPU per request ({served} autosaves and pages in the window): web processes "
          f"{1000 * cpu['web'] / max(1, served):.1f} ms (the code runs' own share included), PostgreSQL "
          f"{1000 * cpu['postgres'] / max(1, served):.1f} ms, Redis {1000 * cpu['redis'] / max(1, served):.2f} ms; "
          f"the rest of the machine (sandboxed runs, anything else) {1000 * cpu['rest'] / max(1, runs):.0f} ms per "
          f"code run ({runs} runs)")
    saves = s["stats"].get("autosave", {}).get("n", 0)
    print(f"PostgreSQL in the window: {s['commits_in_window'] / m:.0f} commits/s, WAL {s['wal_bytes_in_window'] / m / 1e6:.2f} MB/s "
          f"({s['wal_bytes_in_window'] / max(1, saves) / 1e3:.1f} kB per autosave); database {s['db_bytes_at_end'] / 1e6:.0f} MB at the end")
    print("CPU in the window (s, and cores): " + ", ".join(f"{k} {v:.1f} ({v / m:.2f})" for k, v in cpu.items())
          + f"; clients over the whole run {s['client_cpu_seconds_whole_run']:.1f} s")


if __name__ == "__main__":
    main()
