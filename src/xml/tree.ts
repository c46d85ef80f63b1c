/**
 * A plain XML tree. Tandem keeps the CIB as this tree, so everything Tandem does not model
 * (unknown elements and attributes, comments, ordering) survives read → edit → write.
 * Attribute objects have no prototype, so any XML name (even `__proto__`) is a safe key,
 * and JavaScript keeps string keys in insertion order, which is document order here.
 */

export type XmlAttributes = Record<string, string>;

export interface XmlElement {
  readonly kind: "element";
  name: string;
  attrs: XmlAttributes;
  children: XmlNode[];
}

export interface XmlText {
  readonly kind: "text";
  text: string;
}

export interface XmlComment {
  readonly kind: "comment";
  text: string;
}

export interface XmlCData {
  readonly kind: "cdata";
  text: string;
}

export interface XmlProcessingInstruction {
  readonly kind: "pi";
  target: string;
  body: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment | XmlCData | XmlProcessingInstruction;

export interface XmlDocument {
  /** Comments and processing instructions before the root element (not the XML declaration). */
  prolog: (XmlComment | XmlProcessingInstruction)[];
  root: XmlElement;
  /** Comments and processing instructions after the root element. */
  epilog: (XmlComment | XmlProcessingInstruction)[];
}

export function newAttributes(entries: Iterable<readonly [string, string]> = []): XmlAttributes {
  const attrs = Object.create(null) as XmlAttributes;
  for (const [name, value] of entries) attrs[name] = value;
  return attrs;
}

export function element(
  name: string,
  attrs: Readonly<Record<string, string | undefined>> = {},
  children: XmlNode[] = [],
): XmlElement {
  const own = newAttributes();
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) own[key] = value;
  return { kind: "element", name, attrs: own, children };
}

export function isElement(node: XmlNode | undefined): node is XmlElement {
  return node !== undefined && node.kind === "element";
}

/** Child elements, optionally only those with the given name(s). */
export function childElements(parent: XmlElement, ...names: string[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of parent.children) {
    if (child.kind === "element" && (names.length === 0 || names.includes(child.name))) out.push(child);
  }
  return out;
}

export function firstChild(parent: XmlElement, name: string): XmlElement | undefined {
  for (const child of parent.children) {
    if (child.kind === "element" && child.name === name) return child;
  }
  return undefined;
}

/** Every descendant element (depth first, document order), the parent itself excluded. */
export function* descendants(parent: XmlElement): Generator<XmlElement> {
  for (const child of parent.children) {
    if (child.kind !== "element") continue;
    yield child;
    yield* descendants(child);
  }
}

export function getAttr(el: XmlElement, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(el.attrs, name) ? el.attrs[name] : undefined;
}

export function setAttr(el: XmlElement, name: string, value: string): void {
  el.attrs[name] = value;
}

export function removeAttr(el: XmlElement, name: string): void {
  delete el.attrs[name];
}

export function attrNames(el: XmlElement): string[] {
  return Object.keys(el.attrs);
}

export function appendChild(parent: XmlElement, child: XmlNode): XmlNode {
  parent.children.push(child);
  return child;
}

/** Removes `child` from `parent`; returns whether it was there. */
export function removeChild(parent: XmlElement, child: XmlNode): boolean {
  const index = parent.children.indexOf(child);
  if (index < 0) return false;
  parent.children.splice(index, 1);
  return true;
}

export function cloneNode<T extends XmlNode>(node: T): T {
  switch (node.kind) {
    case "element": {
      const copy: XmlElement = {
        kind: "element",
        name: node.name,
        attrs: newAttributes(Object.entries(node.attrs)),
        children: node.children.map((c) => cloneNode(c)),
      };
      return copy as T;
    }
    case "text":
    case "comment":
    case "cdata":
      return { ...node };
    case "pi":
      return { ...node };
  }
}

export function cloneDocument(doc: XmlDocument): XmlDocument {
  return {
    prolog: doc.prolog.map((n) => cloneNode(n)),
    root: cloneNode(doc.root),
    epilog: doc.epilog.map((n) => cloneNode(n)),
  };
}

/** Finds the parent of `target` below `root` (root itself has none). */
export function findParent(root: XmlElement, target: XmlNode): XmlElement | undefined {
  for (const child of root.children) {
    if (child === target) return root;
    if (child.kind === "element") {
      const found = findParent(child, target);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
