"""The HTTP service under load (issue 5): 64 concurrent clients for 60 s against PostgreSQL and Redis.

    .venv/bin/python bench/api_load.py [--seconds 60] [--clients 64] [--workers 2] [--scale small] [--keep]
                                       [--driver wrk|python]

Prepares a PostgreSQL schema of its own (``anye_bench_api_<scale>``) with the demo city of ``--scale`` (as
``anye demo load`` loads it: ledgers, employers, postings, history, a trained model) and an administrator,
then runs the service twice with ``uvicorn`` (``--workers`` processes): once with the result cache (Redis,
``ANYE_RESULT_CACHE_SECONDS`` 600) and once without it (0). Each time a second process drives it with
``--clients`` concurrent connections for ``--seconds``: ``wrk`` (Debian's package, one thread, a Lua script
for the mix) when it is installed, else an httpx/asyncio client in Python (``--driver python``; it needs a
core of its own to keep up, so on 2 cores it caps the cached run). The requests: candidate searches
(``GET /postings/{id}/candidates?top=50``), recommendations (``GET /workers/{id}/recommendations?top=10``)
and posting reads (``GET /postings/{id}``), in shares 2:2:1, over 200 postings and 200 available workers picked
at random (seeded). Prints throughput,
p50/p99 latency (per kind of request with the Python driver, over all with wrk) and the error count (any
answer but 200, any failed connection) for each run. Targets: zero errors; cached reads at least 10
times the uncached throughput. Latency is wall time on a shared 2-core machine, load generator included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("ANYE_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("ANYE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SCHEMA = "anye_bench_api_small"  # set from --scale in main()
SECRET = "bench-api-secret-" + "b" * 32
ADMIN, PASSWORD = "bench-admin", "Bench-安业-2026-load"
VAR = ROOT / "var" / "bench" / "api"


def _url() -> str:
    sep = "&" if "?" in PG else "?"
    return f"{PG}{sep}options=-csearch_path%3D{SCHEMA}"


def _env(cache_seconds: int) -> dict[str, str]:
    return {**os.environ, "ANYE_DATABASE_URL": _url(), "ANYE_REDIS_URL": REDIS, "ANYE_SECRET_KEY": SECRET,
            "ANYE_VAR_DIR": str(VAR), "ANYE_RESULT_CACHE_SECONDS": str(cache_seconds)}  # fmt: skip


def prepare(keep: bool, scale: str) -> None:
    """A fresh schema with the small demo city and an administrator (kept between runs with ``--keep``)."""
    from sqlalchemy import text

    from models.db import build_engine

    admin = build_engine(PG)
    with admin.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": SCHEMA}).first()
        if exists and keep:
            print("using the prepared schema", SCHEMA, flush=True)
            admin.dispose()
            return
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    admin.dispose()
    anye = str(ROOT / ".venv" / "bin" / "anye")
    start = time.perf_counter()
    for args in (["db", "upgrade"], ["demo", "load", "--scale", scale]):
        subprocess.run([anye, *args], env=_env(600), check=True, stdout=subprocess.DEVNULL)
    _create_admin()
    print(f"prepared {SCHEMA}: {scale} demo city loaded in {time.perf_counter() - start:.0f} s", flush=True)


def _create_admin() -> None:
    import models.tables  # noqa: F401  (every table known to the mappers)
    from api.accounts import create_account
    from api.settings import Settings
    from models.db import build_engine, build_session_factory, session_scope
    from models.vocab import Role

    settings = Settings(database_url=_url(), secret_key=SECRET)
    engine = build_engine(settings.db_url)
    with session_scope(build_session_factory(engine)) as session:
        create_account(session, settings.cipher, username=ADMIN, role=Role.ADMIN, password=PASSWORD)
    engine.dispose()


def _targets(seed: int) -> tuple[list[int], list[int]]:
    from sqlalchemy import text

    from models.db import build_engine

    engine = build_engine(_url())
    with engine.connect() as conn:
        postings = [r[0] for r in conn.execute(text("SELECT id FROM posting WHERE status = 'open' ORDER BY id"))]
        workers = [r[0] for r in conn.execute(text(
            "SELECT id FROM worker WHERE wish_employment AND (employment_status IS NULL OR employment_status "
            "NOT IN ('employed', 'self_employed', 'public_welfare')) ORDER BY id"))]  # fmt: skip
    engine.dispose()
    rng = random.Random(seed)
    return rng.sample(postings, min(200, len(postings))), rng.sample(workers, min(200, len(workers)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(cache_seconds: int, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    uvicorn = str(ROOT / ".venv" / "bin" / "uvicorn")
    log = (VAR / f"uvicorn-{cache_seconds}.log").open("wb")
    args = [uvicorn, "api.app:app", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(args, env=_env(cache_seconds), cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    import httpx2 as httpx

    for _ in range(600):
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the service did not start; see {log.name}")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


async def _drive(base: str, token: str, plan: dict[str, Any]) -> dict[str, Any]:
    """``clients`` loops for ``seconds``, each request picked by the seeded mix; latencies per kind."""
    import httpx2 as httpx

    headers = {"Authorization": f"Bearer {token}"}
    kinds = ["candidates"] * 2 + ["recommendations"] * 2 + ["posting"]
    latencies: dict[str, list[float]] = {k: [] for k in set(kinds)}
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + plan["seconds"]

    async def client(i: int, http: httpx.AsyncClient) -> None:
        rng = random.Random(plan["seed"] * 1000 + i)
        while time.perf_counter() < deadline:
            kind = rng.choice(kinds)
            if kind == "candidates":
                url = f"/postings/{rng.choice(plan['postings'])}/candidates?top=50"
            elif kind == "recommendations":
                url = f"/workers/{rng.choice(plan['workers'])}/recommendations?top=10"
            else:
                url = f"/postings/{rng.choice(plan['postings'])}"
            start = time.perf_counter()
            try:
                response = await http.get(url, headers=headers)
                ok = response.status_code == 200
                key = f"{kind} {response.status_code}"
            except httpx.HTTPError as exc:
                ok, key = False, f"{kind} {type(exc).__name__}"
            if ok:
                latencies[kind].append(time.perf_counter() - start)
            else:
                errors[key] = errors.get(key, 0) + 1

    limits = httpx.Limits(max_connections=plan["clients"], max_keepalive_connections=plan["clients"])
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await asyncio.gather(*(client(i, http) for i in range(plan["clients"])))
    return {"latencies": latencies, "errors": errors, "seconds": plan["seconds"]}


def drive_main() -> None:
    """The load generator's own process: reads the plan as JSON on stdin, prints results as JSON."""
    plan = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_drive(plan["base"], plan["token"], plan))))


def run(label: str, cache_seconds: int, args: argparse.Namespace, targets: tuple[list[int], list[int]]) -> float:
    import httpx2 as httpx

    server, base = serve(cache_seconds, args.workers)
    try:
        signed = httpx.post(base + "/auth/token", data={"username": ADMIN, "password": PASSWORD}, timeout=30)
        token = signed.json()["access_token"]
        warm = {"Authorization": f"Bearer {token}"}
        for _ in range(args.workers * 2):  # each process builds its matcher before the clock starts
            httpx.get(f"{base}/postings/{targets[0][0]}/candidates?top=5", headers=warm, timeout=300)
        plan = {"base": base, "token": token, "seconds": args.seconds, "clients": args.clients, "seed": args.seed,
                "postings": targets[0], "workers": targets[1]}  # fmt: skip
        if args.driver == "wrk":
            result = drive_wrk(plan)
        else:
            done = subprocess.run([sys.executable, __file__, "--drive"], input=json.dumps(plan),
                                  capture_output=True, text=True, check=True)  # fmt: skip
            result = json.loads(done.stdout)
    finally:
        stop(server)
    return report(label, result)


_WRK_SCRIPT = """
local postings = {%(postings)s}
local workers = {%(workers)s}
local token = "%(token)s"
local kinds = {"c", "c", "r", "r", "p"}
local counter, threads = 0, {}
errors = 0  -- global: done() reads it from each thread

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  math.randomseed(%(seed)d * 1000 + id)
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  local kind = kinds[math.random(#kinds)]
  local path
  if kind == "c" then
    path = "/postings/" .. postings[math.random(#postings)] .. "/candidates?top=50"
  elseif kind == "r" then
    path = "/workers/" .. workers[math.random(#workers)] .. "/recommendations?top=10"
  else
    path = "/postings/" .. postings[math.random(#postings)]
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("errors") end
  local e = summary.errors
  io.write(string.format("ANYE %%d %%d %%d %%d %%d %%.3f %%.3f\\n", summary.requests, bad,
    e.connect + e.read + e.write + e.timeout, summary.duration, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def drive_wrk(plan: dict[str, Any]) -> dict[str, Any]:
    """The same mix driven by wrk (one thread, ``clients`` connections); wrk's own Lua picks each request."""
    script = VAR / "mix.lua"
    script.write_text(_WRK_SCRIPT % {"postings": ",".join(map(str, plan["postings"])),
                                     "workers": ",".join(map(str, plan["workers"])),
                                     "token": plan["token"], "seed": plan["seed"]})  # fmt: skip
    done = subprocess.run(["wrk", "-t1", f"-c{plan['clients']}", f"-d{plan['seconds']}s", "--timeout", "60s",
                           "-s", str(script), plan["base"]], capture_output=True, text=True, check=True)  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("ANYE "))
    requests, bad, failed, micros, _status, p50, p99 = line.split()[1:8]
    errors = {k: v for k, v in (("not 200", int(bad)), ("connection", int(failed))) if v}
    return {
        "requests": int(requests) - int(bad),
        "errors": errors,
        "seconds": int(micros) / 1e6,
        "p50": float(p50),
        "p99": float(p99),
    }


def report(label: str, result: dict[str, Any]) -> float:
    import numpy as np

    latencies = result.get("latencies", {})
    total = result["requests"] if "requests" in result else sum(len(v) for v in latencies.values())
    errors = sum(result["errors"].values())
    rate = total / result["seconds"]
    print(f"\n== {label}: {total:,} requests in {result['seconds']:.1f} s = {rate:,.0f} req/s, errors {errors}"
          + (f" {result['errors']}" if errors else ""), flush=True)  # fmt: skip
    if "p50" in result:
        print(f"  all (wrk)        {rate:8.0f} req/s   p50 {result['p50']:8.1f} ms   p99 {result['p99']:8.1f} ms")
    for kind, values in sorted(latencies.items()):
        if values:
            ms = np.array(values) * 1000
            print(f"  {kind:<16} {len(values) / result['seconds']:8.0f} req/s   p50 {np.percentile(ms, 50):8.1f} ms"
                  f"   p99 {np.percentile(ms, 99):8.1f} ms")  # fmt: skip
    return rate if errors == 0 else -rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--scale", default="small", choices=("small", "full"), help="demo city to load")
    parser.add_argument("--keep", action="store_true", help="reuse the prepared schema if it is there")
    parser.add_argument(
        "--driver",
        choices=("wrk", "python"),
        default="wrk" if shutil.which("wrk") else "python",
        help="the load generator (wrk when installed)",
    )
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive_main()
        return
    global SCHEMA
    SCHEMA = f"anye_bench_api_{args.scale}"
    VAR.mkdir(parents=True, exist_ok=True)
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    prepare(args.keep, args.scale)
    targets = _targets(args.seed)
    print(f"{len(targets[0])} postings and {len(targets[1])} workers to ask about; {args.clients} clients, "
          f"{args.seconds} s per run, {args.workers} service processes, load by {args.driver}", flush=True)  # fmt: skip
    cached = run("with the result cache (Redis)", 600, args, targets)
    uncached = run("without the result cache", 0, args, targets)
    print("\n== targets")
    ok = cached > 0 and uncached > 0
    print(f"  zero errors                                  {'PASS' if ok else 'MISS'}")
    ratio = abs(cached) / max(abs(uncached), 1e-9)
    print(f"  cached / uncached throughput >= 10           {ratio:.1f}  {'PASS' if ratio >= 10 else 'MISS'}")


if __name__ == "__main__":
    main()
