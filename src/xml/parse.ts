/**
 * A small, fast, strict XML parser for CIB documents.
 *
 * Why our own: the CIB of a large cluster is tens of megabytes and `tandem simulate`
 * must read it in well under a second; errors must name line and column; and we keep
 * comments and processing instructions so a round trip loses nothing. Whitespace-only
 * text between elements is formatting and is dropped; the serializer re-indents.
 * DOCTYPE declarations are refused: a CIB never has one, and refusing them rules out
 * entity-expansion attacks.
 */

import { TandemError } from "../core/index.js";
import {
  newAttributes,
  type XmlComment,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
  type XmlProcessingInstruction,
} from "./tree.js";

export class XmlParseError extends TandemError {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super("XML_MALFORMED", `XML is not well-formed at line ${line}, column ${column}: ${reason}`, {
      details: { line, column, reason },
    });
  }
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47; // /
const EQ = 61; // =
const QUOT = 34; // "
const APOS = 39; // '
const QUESTION = 63; // ?
const BANG = 33; // !

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameStart(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c >= 0xc0
  );
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 0xb7;
}

export function locate(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  fail(reason: string, at = this.pos): never {
    const { line, column } = locate(this.text, at);
    throw new XmlParseError(reason, line, column);
  }

  parseDocument(): XmlDocument {
    const prolog: (XmlComment | XmlProcessingInstruction)[] = [];
    const epilog: (XmlComment | XmlProcessingInstruction)[] = [];
    let root: XmlElement | undefined;
    const text = this.text;
    for (;;) {
      this.skipSpace();
      if (this.pos >= text.length) break;
      if (text.charCodeAt(this.pos) !== LT) {
        this.fail(root === undefined ? "expected '<' to start the root element" : "text after the root element");
      }
      const next = text.charCodeAt(this.pos + 1);
      if (next === QUESTION) {
        const pi = this.parsePi();
        if (pi === undefined) continue;
        (root === undefined ? prolog : epilog).push(pi);
      } else if (next === BANG) {
        if (text.startsWith("<!--", this.pos)) {
          (root === undefined ? prolog : epilog).push(this.parseComment());
        } else if (text.startsWith("<!DOCTYPE", this.pos)) {
          this.fail("DOCTYPE declarations are not supported in a CIB");
        } else {
          this.fail("unexpected markup declaration");
        }
      } else {
        if (root !== undefined) this.fail("more than one root element");
        root = this.parseElement();
      }
    }
    if (root === undefined) this.fail("the document has no root element");
    return { prolog, root, epilog };
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.pos < text.length && isSpace(text.charCodeAt(this.pos))) this.pos++;
  }

  /** Parses `<?target body?>`; the XML declaration itself is validated and dropped. */
  private parsePi(): XmlProcessingInstruction | undefined {
    const start = this.pos;
    const end = this.text.indexOf("?>", this.pos + 2);
    if (end < 0) this.fail("unterminated processing instruction", start);
    this.pos += 2;
    const target = this.readName();
    const body = this.text.slice(this.pos, end).trim();
    this.pos = end + 2;
    if (target.toLowerCase() === "xml") {
      if (start !== 0 && !(start === 1 && this.text.charCodeAt(0) === 0xfeff)) {
        this.fail("the XML declaration must come first", start);
      }
      return undefined;
    }
    return { kind: "pi", target, body };
  }

  private parseComment(): XmlComment {
    const start = this.pos;
    const end = this.text.indexOf("-->", this.pos + 4);
    if (end < 0) this.fail("unterminated comment", start);
    const body = this.text.slice(this.pos + 4, end);
    if (body.includes("--")) this.fail("'--' is not allowed inside a comment", start);
    this.pos = end + 3;
    return { kind: "comment", text: body };
  }

  private readName(): string {
    const text = this.text;
    const start = this.pos;
    if (start >= text.length || !isNameStart(text.charCodeAt(start))) this.fail("expected a name");
    let i = start + 1;
    while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
    this.pos = i;
    return text.slice(start, i);
  }

  /**
   * Parses one element and its subtree. Iterative over depth with an explicit stack,
   * so deep documents cannot overflow the call stack.
   */
  private parseElement(): XmlElement {
    const text = this.text;
    const stack: XmlElement[] = [];
    const openedAt: number[] = [];
    let root: XmlElement | undefined;
    for (;;) {
      // At '<' of a start tag.
      const tagStart = this.pos;
      this.pos++;
      const name = this.readName();
      const el: XmlElement = { kind: "element", name, attrs: newAttributes(), children: [] };
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.children.push(el);
      else root = el;
      const selfClosing = this.parseAttributes(el);
      if (!selfClosing) {
        stack.push(el);
        openedAt.push(tagStart);
      }
      // Content until the next start tag, or until the stack empties.
      for (;;) {
        if (stack.length === 0) return root as XmlElement;
        const current = stack[stack.length - 1] as XmlElement;
        const lt = text.indexOf("<", this.pos);
        if (lt < 0) this.fail(`element <${current.name}> is not closed`, openedAt[openedAt.length - 1]);
        if (lt > this.pos) this.addText(current, this.pos, lt);
        this.pos = lt;
        const next = text.charCodeAt(lt + 1);
        if (next === SLASH) {
          this.pos = lt + 2;
          const closing = this.readName();
          if (closing !== current.name) {
            this.fail(`closing tag </${closing}> does not match <${current.name}>`, lt);
          }
          this.skipSpace();
          if (text.charCodeAt(this.pos) !== GT) this.fail("expected '>'");
          this.pos++;
          stack.pop();
          openedAt.pop();
          continue;
        }
        if (next === BANG) {
          if (text.startsWith("<!--", lt)) {
            current.children.push(this.parseComment());
          } else if (text.startsWith("<![CDATA[", lt)) {
            const end = text.indexOf("]]>", lt + 9);
            if (end < 0) this.fail("unterminated CDATA section", lt);
            current.children.push({ kind: "cdata", text: text.slice(lt + 9, end) });
            this.pos = end + 3;
          } else {
            this.fail("unexpected markup declaration", lt);
          }
          continue;
        }
        if (next === QUESTION) {
          const pi = this.parsePi();
          if (pi !== undefined) current.children.push(pi);
          continue;
        }
        break; // a child start tag
      }
    }
  }

  /** Reads attributes up to '>' or '/>'; returns true for a self-closing tag. */
  private parseAttributes(el: XmlElement): boolean {
    const text = this.text;
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      const c = text.charCodeAt(this.pos);
      if (c === GT) {
        this.pos++;
        return false;
      }
      if (c === SLASH) {
        if (text.charCodeAt(this.pos + 1) !== GT) this.fail("expected '/>'");
        this.pos += 2;
        return true;
      }
      if (Number.isNaN(c)) this.fail(`start tag <${el.name}> is not closed`);
      if (this.pos === before) this.fail("expected whitespace before an attribute");
      const nameAt = this.pos;
      const name = this.readName();
      this.skipSpace();
      if (text.charCodeAt(this.pos) !== EQ) this.fail(`expected '=' after attribute '${name}'`);
      this.pos++;
      this.skipSpace();
      const quote = text.charCodeAt(this.pos);
      if (quote !== QUOT && quote !== APOS) this.fail(`attribute '${name}' value must be quoted`);
      const end = text.indexOf(quote === QUOT ? '"' : "'", this.pos + 1);
      if (end < 0) this.fail(`unterminated value of attribute '${name}'`, nameAt);
      const raw = text.slice(this.pos + 1, end);
      const lt = raw.indexOf("<");
      if (lt >= 0) this.fail(`'<' is not allowed in the value of attribute '${name}'`, this.pos + 1 + lt);
      if (Object.prototype.hasOwnProperty.call(el.attrs, name)) {
        this.fail(`attribute '${name}' appears twice in <${el.name}>`, nameAt);
      }
      el.attrs[name] = this.decode(raw, this.pos + 1, true);
      this.pos = end + 1;
    }
  }

  private addText(parent: XmlElement, start: number, end: number): void {
    const raw = this.text.slice(start, end);
    if (raw.trim().length === 0) return;
    const node: XmlNode = { kind: "text", text: this.decode(raw, start, false) };
    parent.children.push(node);
  }

  /** Replaces entity and character references; in attributes also normalizes whitespace. */
  private decode(raw: string, offset: number, inAttribute: boolean): string {
    let value = raw;
    if (inAttribute && /[\t\n\r]/.test(value)) value = value.replace(/\r\n|[\t\n\r]/g, " ");
    if (!value.includes("&")) return value;
    let out = "";
    let i = 0;
    for (;;) {
      const amp = value.indexOf("&", i);
      if (amp < 0) return out + value.slice(i);
      out += value.slice(i, amp);
      const semi = value.indexOf(";", amp);
      if (semi < 0) this.fail("'&' must start an entity reference", offset + amp);
      const ref = value.slice(amp + 1, semi);
      out += this.resolveEntity(ref, offset + amp);
      i = semi + 1;
    }
  }

  private resolveEntity(ref: string, at: number): string {
    switch (ref) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return '"';
      case "apos":
        return "'";
    }
    let code = Number.NaN;
    if (/^#x[0-9a-fA-F]+$/.test(ref)) code = Number.parseInt(ref.slice(2), 16);
    else if (/^#[0-9]+$/.test(ref)) code = Number.parseInt(ref.slice(1), 10);
    if (Number.isNaN(code)) this.fail(`unknown entity '&${ref};'`, at);
    if (code > 0x10ffff || code === 0) this.fail(`invalid character reference '&${ref};'`, at);
    return String.fromCodePoint(code);
  }
}

/** Parses XML text into a tree; throws XmlParseError (code XML_MALFORMED) with line and column. */
export function parseXml(text: string): XmlDocument {
  return new Parser(text).parseDocument();
}
