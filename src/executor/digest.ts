/**
 * op-digest: a stable hash of an operation's parameters, as Pacemaker's: MD5 of the
 * canonical `<parameters name="value" …/>` text, names sorted, meta attributes left out.
 * Same parameters in any order → same digest; any changed value → another digest.
 */
import { createHash } from "node:crypto";

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function canonicalParameters(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params).filter((n) => !n.startsWith("CRM_meta_")).sort();
  return `<parameters${names.map((n) => ` ${n}="${escapeXml(params[n] ?? "")}"`).join("")}/>`;
}

export function opDigest(params: Readonly<Record<string, string>>): string {
  return createHash("md5").update(canonicalParameters(params)).digest("hex");
}
