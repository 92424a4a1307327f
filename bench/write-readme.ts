// `node dist/bench/write-readme.js`: writes bench/README.md (and the chart) again from the latest
// full runs in bench/results/, without running anything.

import { refreshBenchReadme } from './readme.js';

if (!refreshBenchReadme()) {
  console.error('bench/results/ holds no full `npm run bench` run to write bench/README.md from');
  process.exit(1);
}
console.log('bench/README.md and bench/results/latest.svg written from the latest full runs');
