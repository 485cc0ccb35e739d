/**
 * Preloaded with `node --import` by bench-measure.mjs when GNU time is missing: at exit, writes
 * this process's resource usage (getrusage of the whole process, all threads) as JSON to
 * $FOLIO_BENCH_RSS_FILE. maxRSS is in KiB, CPU times in microseconds.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.FOLIO_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS, userCPUTime, systemCPUTime }));
  });
}
