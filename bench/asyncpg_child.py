"""asyncpg (Debian's python3-asyncpg with uvloop) running one bench workload, for the asyncpg
column: prints the same JSON figures as the Node children. Run with Debian's /usr/bin/python3.
Args: kind ('rows', 'calls' or 'copy'), workload, count, dsn, then sql (rows) or table DDL and columns (copy) — see bench/asyncpg.ts."""

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


async def copy_in(count, dsn, ddl, columns):
    """copy_records_to_table of `count` rows of the copy-in workload (bench/copy-in.ts), made before the clock starts."""
    import datetime
    import decimal
    import os
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    second = datetime.timedelta(seconds=1)
    rows = [(i, i * 1.5, f"name-{i}", start + i * second, i % 2 == 0, i * 1000, decimal.Decimal(f"{i * 1.1:.2f}"))
            for i in range(count)]
    table = f"bench_copy_in_asyncpg_{os.getpid()}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"create unlogged table {table} {ddl}")
        await conn.copy_records_to_table(table, columns=columns, records=rows[:max(1, count // 10)])
        await conn.execute(f"truncate {table}")
        started = time.perf_counter()
        await conn.copy_records_to_table(table, columns=columns, records=rows)
        wall = (time.perf_counter() - started) * 1000
        found = await conn.fetchval(f"select count(*) from {table}")
        if found != count:
            raise SystemExit(f"asyncpg copied {found} rows, expected {count}")
        return {"client": "asyncpg", "workload": "copy-in", "rows": count, "wallMs": wall,
                "loopP99Ms": -1, "loopMaxMs": -1, "peakRssMb": peak_rss_mb()}
    finally:
        await conn.execute(f"drop table if exists {table}")
        await conn.close()


def main():
    kind, workload, count, dsn = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    uvloop.install()
    if kind == "rows":
        figures = asyncio.run(rows(workload, count, dsn, sys.argv[5], sys.argv[6]))
    elif kind == "copy":
        figures = asyncio.run(copy_in(count, dsn, sys.argv[5], sys.argv[6].split(",")))
    else:
        figures = asyncio.run(calls(workload, count, dsn))
    print(json.dumps(figures))


main()
