/** P6 baseline: the smallest HTTP server (no app, no database) answering 200 on 127.0.0.1:$PORT; bench/run.ts bundles it with esbuild and runs it with plain node, like dist/main.js. */
import http from 'node:http';

const server = http.createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
