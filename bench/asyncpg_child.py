"""asyncpg (Debian's python3-asyncpg with uvloop) running one bench workload, for the asyncpg
column: prints the same JSON figures as the Node children. Run with Debian's /usr/bin/python3.
Args: kind ('rows' or 'calls'), workload, count, dsn, sql (rows) — see bench/asyncpg.ts."""

import asyncio
import json
import resource
import sys
import time

import asyncpg
import uvloop

SMALL = """select typname, typnamespace, typowner, typlen, typbyval, typcategory, typispreferred,
       typisdefined, typdelim, typrelid, typelem, typarray
from pg_type where typtypmod = $1 and typisdefined = $2"""


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def rows(workload, count, dsn, sql, warmup_sql):
    conn = await asyncpg.connect(dsn)
    try:
        await conn.fetch(warmup_sql)
        started = time.perf_counter()
        result = await conn.fetch(sql)
        wall = (time.perf_counter() - started) * 1000
        if len(result) != count:
            raise SystemExit(f"asyncpg saw {len(result)} rows, expected {count}")
        return {"client": "asyncpg", "workload": workload, "rows": count, "wallMs": wall,
                "loopP99Ms": -1, "loopMaxMs": -1, "peakRssMb": peak_rss_mb()}
    finally:
        await conn.close()


async def calls(workload, count, dsn):
    serial = workload == "one-serial"
    pool = await asyncpg.create_pool(dsn, min_size=1 if serial else 10, max_size=1 if serial else 10)
    sql, params = (SMALL, lambda i: (-1, True)) if workload == "small-concurrent" else ("select $1::int4", lambda i: (i,))
    callers = 1 if serial else min(20, count)

    async def run(total):
        issued = 0

        async def caller():
            nonlocal issued
            while issued < total:
                i = issued
                issued += 1
                await pool.fetch(sql, *params(i))

        await asyncio.gather(*(caller() for _ in range(callers)))

    try:
        await run(max(callers, count // 10))
        # The process's CPU and the main thread's (the event loop's): thread_time is on-CPU time, so it fills
        # both main-thread figures (the Node children's loop utilization × wall, and their schedstat on-CPU).
        cpu, main_cpu = time.process_time(), time.thread_time()
        started = time.perf_counter()
        await run(count)
        wall = (time.perf_counter() - started) * 1000
        cpu, main_cpu = time.process_time() - cpu, time.thread_time() - main_cpu
        return {"client": "asyncpg", "workload": workload, "per": "query", "queries": count, "wallMs": wall,
                "queriesPerSecond": count / (wall / 1000), "usPerQuery": wall * 1000 / count,
                "cpuUsPerQuery": cpu * 1e6 / count, "mainThreadCpuUsPerQuery": main_cpu * 1e6 / count,
                "mainThreadOnCpuUsPerQuery": main_cpu * 1e6 / count,
                "loopP99Ms": -1, "loopMaxMs": -1, "peakRssMb": peak_rss_mb()}
    finally:
        await pool.close()


def main():
    kind, workload, count, dsn = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    uvloop.install()
    if kind == "rows":
        figures = asyncio.run(rows(workload, count, dsn, sys.argv[5], sys.argv[6]))
    else:
        figures = asyncio.run(calls(workload, count, dsn))
    print(json.dumps(figures))


main()
