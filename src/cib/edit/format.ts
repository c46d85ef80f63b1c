/** pcs's list formatting for messages (format_list, format_plural). */

/** Python's sorted(): code-unit order, which for ASCII is what pcs prints. */
export function pySorted(items: Iterable<string>): string[] {
  return [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `'a', 'b', 'c'` (sorted, quoted). */
export function formatList(items: Iterable<string>, separator = ", "): string {
  return pySorted(items)
    .map((i) => `'${i}'`)
    .join(separator);
}

/** pcs's format_plural with explicit singular and plural words. */
export function plural(items: readonly unknown[] | number, singular: string, pluralForm: string): string {
  const n = typeof items === "number" ? items : items.length;
  return n === 1 ? singular : pluralForm;
}

/** pcs's InvalidOptions message. */
export function invalidOptionsMessage(names: readonly string[], allowed: readonly string[], optionType: string): string {
  const desc = optionType === "" ? "" : `${optionType} `;
  let text = `invalid ${desc}option${plural(names, "", "s:")} ${formatList(names)},`;
  if (allowed.length === 0) text += " there are no options allowed";
  else text += ` allowed option${plural(allowed, " is", "s are:")} ${formatList(allowed)}`;
  return text;
}

/** pcs's InvalidOptionValue message. */
export function invalidValueMessage(value: string, optionName: string, allowed?: readonly string[] | string): string {
  let text = `'${value}' is not a valid ${optionName} value`;
  if (allowed !== undefined) text += `, use ${typeof allowed === "string" ? allowed : formatList(allowed)}`;
  return text;
}
