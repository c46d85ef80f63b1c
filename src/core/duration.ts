/**
 * Durations as Pacemaker reads them (`crm_get_msec`, `pcmk_parse_interval_spec`):
 * a number with an optional unit (ms, msec, us, usec, s, sec, m, min, h, hr; default
 * seconds), or an ISO 8601 duration such as `P1DT2H`.
 */

const UNIT_MS: Record<string, number> = {
  "": 1000,
  ms: 1,
  msec: 1,
  us: 0.001,
  usec: 0.001,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
};

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t.length === 0) return undefined;
  if (t[0] === "P" || t[0] === "p") return parseIsoDurationMs(t);
  const m = /^([+-]?\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(t);
  if (m === null) return undefined;
  const unit = UNIT_MS[(m[2] ?? "").toLowerCase()];
  if (unit === undefined) return undefined;
  const value = Number(m[1]) * unit;
  return value < 0 ? undefined : Math.floor(value);
}

function parseIsoDurationMs(text: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (m === null || text.length <= 1 || /T$/i.test(text)) return undefined;
  const n = (i: number): number => Number(m[i] ?? 0);
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
  return Math.round(((days * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000);
}

/** Writes milliseconds as pcs and Pacemaker print intervals: "30s", "0s", "1500ms". */
export function formatDurationMs(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
