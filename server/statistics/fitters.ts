/**
 * The fit function of each projection method, by key, for code that refits many times
 * (the backtest) without building dated points.
 * Source: the method files themselves.
 *
 * @example FITTERS.linear(t, y, k, { ceiling: null }) // { model, reason: null }
 */
import type { MethodKey } from './types';
import type { Fitter, MethodInfo } from './model';
import { fitLinear, LINEAR } from './linear-projection';
import { fitDrift, DRIFT } from './drift-projection';
import { fitLoglinear, LOGLINEAR } from './loglinear-projection';
import { fitLogistic, LOGISTIC } from './logistic-projection';
import { fitHolt, HOLT } from './holt-projection';

export const FITTERS: Readonly<Record<MethodKey, Fitter>> = {
  linear: fitLinear,
  drift: fitDrift,
  loglinear: fitLoglinear,
  logistic: fitLogistic,
  holt: fitHolt,
};

export const METHOD_INFO: Readonly<Record<MethodKey, MethodInfo>> = {
  linear: LINEAR,
  drift: DRIFT,
  loglinear: LOGLINEAR,
  logistic: LOGISTIC,
  holt: HOLT,
};
