/**
 * The Chart.js parts the charts use, registered once. Importing only these keeps the browser bundle small
 * (esbuild drops the rest of Chart.js); the PNG renderer registers the same list so both draw alike.
 */
import {
  Chart, LineController, BarController, LineElement, PointElement, BarElement, LinearScale, CategoryScale, TimeScale, Legend, Tooltip, Filler, Title, SubTitle,
} from 'chart.js';

export function registerChartParts(): typeof Chart {
  Chart.register(LineController, BarController, LineElement, PointElement, BarElement, LinearScale, CategoryScale, TimeScale, Legend, Tooltip, Filler, Title, SubTitle);
  return Chart;
}
