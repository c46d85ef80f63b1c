/**
 * XML ids as Pacemaker's schema accepts them (xsd:ID, i.e. an NCName) and as pcs checks
 * them: a letter or underscore first, then letters, digits, '_', '.', '-'.
 */

const FIRST = /^[\p{L}_]/u;
const REST = /^[\p{L}\p{N}_.-]*$/u;

export type IdCheck = { ok: true } | { ok: false; reason: string };

export function checkId(id: string, description = "id"): IdCheck {
  if (id.length === 0) return { ok: false, reason: `${description} cannot be empty` };
  if (!FIRST.test(id)) {
    return { ok: false, reason: `invalid ${description} '${id}', '${id[0] ?? ""}' is not a valid first character for a ${description}` };
  }
  for (const ch of id.slice(1)) {
    if (!REST.test(ch)) {
      return { ok: false, reason: `invalid ${description} '${id}', '${ch}' is not a valid character for a ${description}` };
    }
  }
  return { ok: true };
}

/** Turns arbitrary text into a valid id, as pcs does when it derives ids from names. */
export function sanitizeId(text: string, replacement = ""): string {
  let out = "";
  for (const ch of text) {
    if (out.length === 0) {
      if (FIRST.test(ch)) out += ch;
      else if (replacement.length > 0) out += replacement;
      continue;
    }
    out += REST.test(ch) ? ch : replacement;
  }
  return out;
}

/** First id of `base`, `base-1`, `base-2`, … that `taken` does not hold (pcs's find_unique_id). */
export function uniqueId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 1; ; i++) {
    const candidate = `${base}-${i}`;
    if (!taken(candidate)) return candidate;
  }
}
