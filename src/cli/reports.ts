/**
 * Structured reports, as pcs's library returns them: pure commands return a list of
 * reports and the CLI renders them. An error that `--force` may override is `forceable`.
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
 * Renders a report as pcs does ("Error: …", "Warning: …", "Deprecation Warning: …"),
 * with the stable code appended in brackets so scripts can match on it.
 */
export function renderReport(report: Report): string {
  const force = report.forceable === true ? ", use --force to override" : "";
  switch (report.severity) {
    case "error":
      return `Error: ${report.message}${force} [${report.code}]`;
    case "warning":
      return `Warning: ${report.message}`;
    case "deprecation":
      return `Deprecation Warning: ${report.message}`;
    case "info":
      return report.message;
  }
}
