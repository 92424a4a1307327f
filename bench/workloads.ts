// The workloads of shared/BENCHMARKS.md, as SQL for a given row count.

export type WorkloadName = 'mixed' | 'numeric';

export function workloadSql(name: WorkloadName, rows: number): string {
  switch (name) {
    case 'mixed':
      return `select i::int4 as id, (i*1.5)::float8 as x, ('name-'||i) as name,
       timestamptz '2020-01-01' + i*interval '1 second' as ts, (i%2=0) as flag,
       i::int8*1000 as big, (i*1.1)::numeric(14,2) as amount
from generate_series(1, ${rows}) i`;
    case 'numeric':
      return `select i::int4 a, i::int8 b, i::float8 c, (i*2)::int4 d, (i*3)::int8 e,
       (i/7.0)::float8 f, (i%100)::int2 g, (i*0.5)::float4 h
from generate_series(1, ${rows}) i`;
  }
}
