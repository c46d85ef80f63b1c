/**
 * Pacemaker scores: integers clamped to ±INFINITY (1,000,000), where −INFINITY wins
 * against +INFINITY. Every place Tandem adds scores goes through `addScores` so the
 * arithmetic matches Pacemaker's `pcmk__add_scores`.
 */

export const INFINITY = 1_000_000;
export const MINUS_INFINITY = -INFINITY;

export type Score = number;

/** Adds two scores with Pacemaker's rules: −INFINITY dominates, then +INFINITY, then clamp. */
export function addScores(a: Score, b: Score): Score {
  if (a <= MINUS_INFINITY || b <= MINUS_INFINITY) return MINUS_INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return clampScore(a + b);
}

export function clampScore(value: number): Score {
  if (value >= INFINITY) return INFINITY;
  if (value <= MINUS_INFINITY) return MINUS_INFINITY;
  return value;
}

/** Scales a score as colocation influence does: half away from zero, never 0 unless `score` is 0. */
export function scaleScore(score: Score, factor: number): Score {
  if (score === 0 || factor === 0) return 0;
  if (score >= INFINITY && factor >= 1) return INFINITY;
  if (score <= MINUS_INFINITY && factor >= 1) return MINUS_INFINITY;
  const raw = score * factor;
  const rounded = raw < 0 ? -Math.round(-raw) : Math.round(raw);
  if (rounded === 0) return raw < 0 ? -1 : 1;
  return clampScore(rounded);
}

export type ScoreParse = { ok: true; score: Score } | { ok: false; reason: string };

/**
 * Parses a score as Pacemaker writes it: an integer, `INFINITY`, `+INFINITY`, `-INFINITY`
 * (case-insensitive). Values beyond ±INFINITY clamp. Node-health colours are not scores
 * here; the scheduler maps them itself because their value comes from cluster options.
 */
export function parseScore(text: string): ScoreParse {
  const t = text.trim();
  const upper = t.toUpperCase();
  if (upper === "INFINITY" || upper === "+INFINITY") return { ok: true, score: INFINITY };
  if (upper === "-INFINITY") return { ok: true, score: MINUS_INFINITY };
  if (!/^[+-]?\d+$/.test(t)) return { ok: false, reason: `'${text}' is not a valid score` };
  return { ok: true, score: clampScore(Number.parseInt(t, 10)) };
}

/** Parses leniently as Pacemaker's scheduler does (`char2score`): leading integer, else 0. */
export function parseScoreLenient(text: string | undefined): Score {
  if (text === undefined) return 0;
  const parsed = parseScore(text);
  if (parsed.ok) return parsed.score;
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m?.[1] === undefined ? 0 : clampScore(Number.parseInt(m[1], 10));
}

/** Writes a score as Pacemaker prints it: INFINITY, -INFINITY or the integer. */
export function formatScore(score: Score): string {
  if (score >= INFINITY) return "INFINITY";
  if (score <= MINUS_INFINITY) return "-INFINITY";
  return String(score);
}

export function isInfinite(score: Score): boolean {
  return score >= INFINITY || score <= MINUS_INFINITY;
}
