/**
 * Structured reports, as pcs's library returns them: pure commands return a list of
 * reports and the CLI renders them. An error that `--force` may override is `forceable`.
 */

import type { Report } from "../cib/edit/index.js";

export type { Report, Severity } from "../cib/edit/index.js";
export { error, warning, info, deprecation, hasErrors, forceable } from "../cib/edit/index.js";

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
