/**
 * Writes XML as Pacemaker and pcs do: no declaration, two-space indentation, empty
 * elements self-closed, attributes in their stored order. Text-bearing elements are
 * written inline so their content is not changed by indentation.
 */

import type { XmlDocument, XmlElement, XmlNode } from "./tree.js";

export function escapeAttribute(value: string): string {
  if (!/[&<>"\n\r\t]/.test(value)) return value;
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

export function escapeText(value: string): string {
  if (!/[&<>]/.test(value)) return value;
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function startTag(el: XmlElement): string {
  let out = "<" + el.name;
  for (const name in el.attrs) out += ` ${name}="${escapeAttribute(el.attrs[name] as string)}"`;
  return out;
}

function hasText(el: XmlElement): boolean {
  return el.children.some((c) => c.kind === "text" || c.kind === "cdata");
}

function writeInline(node: XmlNode, out: string[]): void {
  switch (node.kind) {
    case "element":
      if (node.children.length === 0) {
        out.push(startTag(node), "/>");
        return;
      }
      out.push(startTag(node), ">");
      for (const child of node.children) writeInline(child, out);
      out.push(`</${node.name}>`);
      return;
    case "text":
      out.push(escapeText(node.text));
      return;
    case "cdata":
      out.push(`<![CDATA[${node.text}]]>`);
      return;
    case "comment":
      out.push(`<!--${node.text}-->`);
      return;
    case "pi":
      out.push(`<?${node.target}${node.body.length > 0 ? " " + node.body : ""}?>`);
      return;
  }
}

function writeIndented(node: XmlNode, depth: number, out: string[]): void {
  const indent = "  ".repeat(depth);
  if (node.kind !== "element" || node.children.length === 0 || hasText(node)) {
    out.push(indent);
    writeInline(node, out);
    out.push("\n");
    return;
  }
  out.push(indent, startTag(node), ">\n");
  for (const child of node.children) writeIndented(child, depth + 1, out);
  out.push(indent, `</${node.name}>\n`);
}

/** Serializes an element and its subtree, indented, ending with a newline. */
export function serializeElement(el: XmlElement, depth = 0): string {
  const out: string[] = [];
  writeIndented(el, depth, out);
  return out.join("");
}

export function serializeDocument(doc: XmlDocument): string {
  const out: string[] = [];
  for (const node of doc.prolog) writeIndented(node, 0, out);
  writeIndented(doc.root, 0, out);
  for (const node of doc.epilog) writeIndented(node, 0, out);
  return out.join("");
}
