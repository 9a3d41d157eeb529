/**
 * The Chart.js parts the charts use, registered once. Importing only these keeps the browser bundle small
 * (esbuild drops the rest of Chart.js); the PNG renderer registers the same list so both draw alike.
 */
import {
  Chart,
  LineController,
  BarController,
  LineElement,
  PointElement,
  BarElement,
  LinearScale,
  CategoryScale,
  TimeScale,
  Legend,
  Tooltip,
  Filler,
  Title,
  SubTitle,
} from 'chart.js';

export function registerChartParts(): typeof Chart {
  Chart.register(LineController, BarController, LineElement, PointElement, BarElement, LinearScale, CategoryScale, TimeScale, Legend, Tooltip, Filler);
  return Chart;
}

/** Title and subtitle are drawn only on PNGs (a page has its own HTML headings), so only the PNG renderer registers them. */
export function registerTitles(): void {
  Chart.register(Title, SubTitle);
}
