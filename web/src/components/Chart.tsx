// Chart.js on a canvas, with only the pieces the dashboard draws registered (smaller bundle).
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const numbers = new Intl.NumberFormat();

/** A chart; `summary` is the text alternative a screen reader gets. */
export function ChartView({ config, summary, height = 240 }: { config: ChartConfiguration; summary: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const options = { responsive: true, maintainAspectRatio: false, animation: false as const, locale: navigator.language, ...config.options };
    if (chart.current) {
      chart.current.data = config.data;
      chart.current.options = options;
      chart.current.update();
    } else {
      chart.current = new Chart(canvas.current, { ...config, options } as ChartConfiguration);
    }
  }, [config]);
  useEffect(() => () => chart.current?.destroy(), []);
  return (
    <div class="chart" style={{ height: `${height}px` }}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}

export const tickFormat = (value: string | number) => (typeof value === "number" ? numbers.format(value) : value);
