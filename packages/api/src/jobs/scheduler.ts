import type { FastifyBaseLogger } from 'fastify';

export interface Job {
  name: string;
  /** Does the work due at `now`; answers how many things it changed (for the log). */
  run(now: Date): Promise<number>;
}

/**
 * In-process scheduler for time-driven work (offer expiry, cohort progress). The work itself is
 * driven by timestamps in the database and each job locks the rows it changes, so a restart loses
 * nothing and several instances may run it side by side.
 */
export function startScheduler(jobs: Job[], opts: { intervalMs: number; log: FastifyBaseLogger }) {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      for (const job of jobs) {
        try {
          const changed = await job.run(new Date());
          if (changed > 0) opts.log.info({ job: job.name, changed }, 'scheduled job ran');
        } catch (err) {
          opts.log.error({ err, job: job.name }, 'scheduled job failed');
        }
      }
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs);
  timer.unref();
  void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
