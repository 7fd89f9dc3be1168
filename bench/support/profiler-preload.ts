/**
 * Loaded with `node --import` into a service the full-path bench starts when BENCH_PROFILE=1: the first SIGWINCH
 * starts V8's CPU profiler, the second writes the profile to `$BENCH_PROFILE_FILE`. So only the measured window
 * is profiled, and the profile is written even though the service is later stopped by a signal.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const file = process.env.BENCH_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on('SIGWINCH', () => {
    void (async () => {
      if (!profiling) {
        profiling = true;
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
        return;
      }
      profiling = false;
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
    })();
  });
}
