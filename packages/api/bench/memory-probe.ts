// Loaded into Harbour's process by `pnpm bench --soak` (node --import): every 5 s it appends the
// process's memory by kind to HARBOUR_BENCH_MEMORY_FILE as one JSON line, so a soak can tell what
// grows: the JavaScript heap, memory outside it (`external`: buffers and PGlite's WebAssembly
// memory), or the rest of the resident set (native allocations). The heap saws up and down with
// garbage collection, so each line also carries what was in use just after the last full collection
// (`liveHeapMiB`): the memory the program actually holds. Nothing about requests or data.
import { appendFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const file = process.env.HARBOUR_BENCH_MEMORY_FILE;
if (file) {
  const t0 = Date.now();
  const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;
  let liveHeapMiB: number | null = null;
  let rssAfterFullGcMiB: number | null = null;
  new PerformanceObserver((list) => {
    const full = list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (!full) return;
    const m = process.memoryUsage();
    liveHeapMiB = mib(m.heapUsed);
    rssAfterFullGcMiB = mib(m.rss);
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => {
    const m = process.memoryUsage();
    const line = {
      atSeconds: Math.round((Date.now() - t0) / 1000),
      rssMiB: mib(m.rss),
      heapUsedMiB: mib(m.heapUsed),
      heapTotalMiB: mib(m.heapTotal),
      externalMiB: mib(m.external),
      arrayBuffersMiB: mib(m.arrayBuffers),
      liveHeapMiB,
      rssAfterFullGcMiB,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 5000).unref();
}
