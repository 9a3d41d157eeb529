import { serve, rawGet } from './lib';
(async () => {
  const s = await serve(process.argv[2], ['/situations/bench-sudan'], { env: { BENCH_CPU_PROFILE: '/tmp/bench-p1-1m.cpuprofile' }, timeoutMs: 300_000 });
  console.log('warm', JSON.stringify(s.pages));
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await rawGet(s.port, '/situations/bench-sudan', { 'accept-encoding': 'gzip' });
    console.log('request', r.status, Math.round(performance.now() - t), 'ms');
  }
  await s.stop();
})();
