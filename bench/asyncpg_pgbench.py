"""asyncpg (Debian's python3-asyncpg with uvloop) running the pgbench suite, for the asyncpg column:
reads the plan bench/pgbench-suite.ts builds (JSON, argv[1]; see bench/pgbench-protocol.ts) and
prints the same JSON figures as bench/pgbench-child.ts. Run with Debian's /usr/bin/python3."""

import asyncio
import json
import sys
import time

import asyncpg
import uvloop


def call_of(query, conn):
    """The call one caller repeats; resolves with the rows it returned or wrote."""
    kind = query["kind"]
    if kind == "fetch":
        sql, args = query["sql"], query["args"]

        async def fetch():
            return len(await conn.fetch(sql, *args))
        return fetch
    rows = [tuple(query["row"])] * query["count"]
    if kind == "batch":
        sql = query["sql"]

        async def batch():
            await conn.executemany(sql, rows)
            return len(rows)
        return batch
    table, columns = query["table"], query["columns"]

    async def copy():
        # The status tag is "COPY <n>": the server's own count of the rows it took.
        status = await conn.copy_records_to_table(table, columns=columns, records=rows)
        return int(status.rpartition(" ")[2])
    return copy


async def closed_loop(calls, seconds):
    """Every caller issues its next call as soon as its last one completes, until time is up."""
    started = time.perf_counter()
    count = {"calls": 0, "rows": 0}

    async def caller(call):
        while time.perf_counter() - started < seconds:
            # Not `count["rows"] += await call()`: that reads the count before the await and
            # loses what the other callers added meanwhile.
            counted = await call()
            count["rows"] += counted
            count["calls"] += 1

    await asyncio.gather(*(caller(call) for call in calls))
    return {**count, "wallMs": (time.perf_counter() - started) * 1000}


async def run_query(conns, plan, query):
    calls = [call_of(query, conn) for conn in conns]
    admin = conns[0]
    for statement in query["setup"]:
        await admin.execute(statement)
    try:
        warm = await closed_loop(calls, plan["warmupSeconds"])
        measured = await closed_loop(calls, plan["seconds"])
        if query.get("table"):
            found = await admin.fetchval(f"select count(*)::int4 from {query['table']}")
            if found != warm["rows"] + measured["rows"]:
                raise SystemExit(f"asyncpg {query['name']}: counted {warm['rows'] + measured['rows']} rows written, the table holds {found}")
        return {**measured, "rowsPerSecond": measured["rows"] / (measured["wallMs"] / 1000)}
    finally:
        for statement in query["teardown"]:
            await admin.execute(statement)


async def main(plan):
    conns = [await asyncpg.connect(plan["dsn"]) for _ in range(plan["connections"])]
    try:
        results = {}
        for query in plan["queries"]:
            results[query["name"]] = await run_query(conns, plan, query)
        return {"client": plan["client"], "results": results}
    finally:
        for conn in conns:
            await conn.close()


uvloop.install()
print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
