// Reading the API's /metrics (Prometheus text format) in the suites and benches.

/** The API's /metrics text. */
export async function fetchMetrics(url: string, init?: RequestInit): Promise<string> {
  return (await fetch(`${url}/metrics`, init)).text();
}

/** The value of one sample, named with its labels exactly as exposed (e.g. `metric{a="b"}`), or undefined. */
export function metricSample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : undefined;
}

/** The sum of every labelled sample of `name` (`name{…} value` lines). */
export function metricSum(text: string, name: string): number {
  return text.split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
