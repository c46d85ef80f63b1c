export * from "./tree.js";
export { parseXml, XmlParseError, locate } from "./parse.js";
export { serializeDocument, serializeElement, escapeAttribute, escapeText } from "./serialize.js";
