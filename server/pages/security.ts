import type { HelmetOptions } from 'helmet';

/**
 * Security headers for the whole app. The Content-Security-Policy allows scripts, styles, images and
 * fonts from this origin only: no inline script or style anywhere (chart data travels as JSON in a
 * `type="application/json"` element, chart code is a file under /assets). Forms may post only here.
 * `upgrade-insecure-requests` is left out: behind plain HTTP (a field laptop) it would break every asset;
 * over HTTPS, HSTS already keeps the browser on HTTPS.
 */
export function helmetOptions(): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
  };
}
