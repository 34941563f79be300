// The files the API reads from outside api/src, named in one place. They are found by their
// path from the repository root, which the API image keeps (scripts/build-api-image.sh copies
// them to the same places under /app): the chart's plans and values schema, and the built
// element bundle the dashboard serves (`npm run build`; never the elements' sources).
const ROOT = new URL('../../', import.meta.url);

/** A file by its path from the repository root (or the image's /app). */
export const repoFile = (path: string) => new URL(path, ROOT);

export const CHART_PLANS = repoFile('chart/plans.json');
export const CHART_VALUES_SCHEMA = repoFile('chart/values.schema.json');
/** The one-module build of <store-manager> (web-components/vite.config.ts, `dist/cdn`). */
export const ELEMENT_BUNDLE = repoFile('web-components/dist/cdn/store-manager.js');
