/**
 * Pacemaker's display order for node names in status lists (`pcmk__numeric_strcasecmp`):
 * case-insensitive, with runs of digits compared as numbers, so node2 comes before node10.
 * (The pcmk-placement/1 JSON sorts by plain byte order instead.)
 */

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charAt(i);
    const cb = b.charAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      while (ei < a.length && isDigit(a.charAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charAt(ej))) ej++;
      const na = a.slice(i, ei).replace(/^0+(?=\d)/, "");
      const nb = b.slice(j, ej).replace(/^0+(?=\d)/, "");
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      i = ei;
      j = ej;
      continue;
    }
    const la = ca.toLowerCase();
    const lb = cb.toLowerCase();
    if (la !== lb) return la < lb ? -1 : 1;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

/** Plain byte (UTF-16 code unit) order, as Python's sorted() on ASCII names. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
