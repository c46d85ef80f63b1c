/**
 * Structured reports, as pcs's library returns them: pure edit commands return a list of
 * reports and the CLI renders them. An error that `--force` may override is `forceable`;
 * a command given `force` turns such errors into warnings itself.
 */

export type Severity = "error" | "warning" | "info" | "deprecation";

export interface Report {
  /** Stable code, documented in docs/errors.md (e.g. CIB_ID_NOT_FOUND). */
  code: string;
  severity: Severity;
  message: string;
  forceable?: boolean;
}

export function error(code: string, message: string, forceable = false): Report {
  return { code, severity: "error", message, forceable };
}

export function warning(code: string, message: string): Report {
  return { code, severity: "warning", message };
}

export function info(code: string, message: string): Report {
  return { code, severity: "info", message };
}

export function deprecation(code: string, message: string): Report {
  return { code, severity: "deprecation", message };
}

export function hasErrors(reports: readonly Report[]): boolean {
  return reports.some((r) => r.severity === "error");
}

/**
 * A forceable problem: an error that names --force, or, when the command was forced, a
 * warning with the same message (pcs's `get_severity(force_code, is_forced)`).
 */
export function forceable(code: string, message: string, forced: boolean): Report {
  return forced ? warning(code, message) : error(code, message, true);
}
