import pino, { type Logger } from 'pino';

/** One pino logger; secrets never reach the log (authorization, cookies, passwords). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', 'password', '*.token'],
      censor: '[redacted]',
    },
  });
}
