/**
 * Dates for `tandem simulate -t DATE` (crm_simulate's --date): ISO 8601 calendar dates
 * ("2014-05-07", "2014-05-07T00:28:00Z", "2014-05-07 00:28:00+02:00") and ordinal dates
 * ("2005-020", "2005-020T12:30"), as the corpus's date-dependent cases use. A date without
 * an offset is UTC. Returns seconds since the epoch, or undefined when not a date.
 */

import { TandemError } from "../core/index.js";
import { effectiveAttribute, type CibModel } from "../cib/index.js";

const DATE_RE =
  /^(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.\d+)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseSimulateDate(text: string): number | undefined {
  const m = DATE_RE.exec(text.trim());
  if (m === null) return undefined;
  const num = (i: number, fallback = 0): number => (m[i] === undefined ? fallback : Number.parseInt(m[i], 10));
  const year = num(1);
  const hour = num(5);
  const minute = num(6);
  const second = num(7);
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  let dayMs: number;
  if (m[4] !== undefined) {
    const ordinal = num(4);
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (ordinal < 1 || ordinal > (leap ? 366 : 365)) return undefined;
    dayMs = Date.UTC(year, 0, ordinal);
  } else {
    const month = num(2);
    const day = num(3);
    if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
    dayMs = Date.UTC(year, month - 1, day);
    if (new Date(dayMs).getUTCDate() !== day) return undefined;
  }
  let offsetSec = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z") {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (z === null) return undefined;
    const sign = z[1] === "-" ? -1 : 1;
    offsetSec = sign * (Number.parseInt(z[2] ?? "0", 10) * 3600 + Number.parseInt(z[3] ?? "0", 10) * 60);
  }
  return Math.floor(dayMs / 1000) + hour * 3600 + minute * 60 + second - offsetSec;
}

/** The `execution-date` a CIB pins for its scheduler run (a `<cib>` attribute or a cluster property), in seconds. */
export function executionDateSec(cibAttributes: Readonly<Record<string, string>>, propertyValue?: string): number | undefined {
  for (const v of [cibAttributes["execution-date"], propertyValue]) {
    if (v !== undefined && /^\d+$/.test(v.trim())) return Number.parseInt(v.trim(), 10);
  }
  return undefined;
}

/**
 * The scheduler's "now": `-t DATE` when given, else the CIB's execution-date, else the
 * wall clock the caller read (the scheduler itself never reads a clock).
 */
export function resolveNowSec(model: CibModel, dateText: string | undefined, wallClockSec: number): number {
  if (dateText !== undefined) {
    const sec = parseSimulateDate(dateText);
    if (sec === undefined) {
      throw new TandemError("SIMULATE_BAD_DATE", `'${dateText}' is not a date (use ISO 8601, e.g. 2014-05-07T00:28:00Z or 2005-020)`);
    }
    return sec;
  }
  return executionDateSec(model.cib, effectiveAttribute(model.properties, "execution-date")) ?? wallClockSec;
}

/** "2016-04-28 11:50:29Z", as crm_simulate prints the CIB's execution date. */
function formatUtc(sec: number): string {
  return new Date(sec * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/**
 * The line crm_simulate prints before the cluster status about the time it simulates:
 * the -t date as given, or the CIB's execution-date; nothing for the wall clock.
 */
export function simulationDateLines(model: CibModel, dateText: string | undefined): string[] {
  if (dateText !== undefined) return [`Setting effective cluster time: ${dateText}`];
  const sec = executionDateSec(model.cib, effectiveAttribute(model.properties, "execution-date"));
  return sec === undefined ? [] : [`Using the original execution date of: ${formatUtc(sec)}`];
}

/**
 * Everything crm_simulate prints before "Current cluster status:": the date line, then,
 * with maintenance-mode on, crm_mon's "Resource management is DISABLED" banner.
 */
export function simulationPreamble(model: CibModel, dateText: string | undefined): string[] {
  const lines = simulationDateLines(model, dateText);
  const maintenance = effectiveAttribute(model.properties, "maintenance-mode");
  if (maintenance !== undefined && /^(true|on|yes|y|1)$/i.test(maintenance.trim())) {
    lines.push("", "              *** Resource management is DISABLED ***", "  The cluster will not attempt to start, stop or recover services", "");
  }
  return lines;
}
