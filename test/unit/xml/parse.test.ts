import { test } from "node:test";
import assert from "node:assert/strict";
import { getAttr, parseXml, serializeDocument, XmlParseError } from "../../../src/xml/index.js";

function parseError(text: string): XmlParseError {
  try {
    parseXml(text);
  } catch (error) {
    if (error instanceof XmlParseError) return error;
    throw error;
  }
  return assert.fail(`expected a parse error for ${JSON.stringify(text)}`);
}

test("attributes keep document order and decode entities", () => {
  const doc = parseXml(`<a z="1" b="x &amp; &lt;y&gt; &#65;&#x42;" m='q"'/>`);
  assert.deepEqual(Object.keys(doc.root.attrs), ["z", "b", "m"]);
  assert.equal(getAttr(doc.root, "b"), "x & <y> AB");
  assert.equal(getAttr(doc.root, "m"), 'q"');
});

test("comments, processing instructions and text survive a round trip", () => {
  const text = `<?xml version="1.0"?>\n<!-- head -->\n<cib><x>a &amp; b</x><!-- inner --><?pi data?><y/></cib>\n`;
  const once = serializeDocument(parseXml(text));
  const twice = serializeDocument(parseXml(once));
  assert.equal(once, twice);
  assert.match(once, /<!-- head -->/);
  assert.match(once, /<!-- inner -->/);
  assert.match(once, /<x>a &amp; b<\/x>/);
  assert.match(once, /<\?pi data\?>/);
});

test("special characters in attribute values are escaped on write", () => {
  const doc = parseXml(`<a v="&quot;&amp;&lt;&#10;"/>`);
  assert.equal(getAttr(doc.root, "v"), '"&<\n');
  assert.equal(getAttr(parseXml(serializeDocument(doc)).root, "v"), '"&<\n');
});

test("errors name line and column", () => {
  const err = parseError("<cib>\n  <a>\n  </b>\n</cib>");
  assert.equal(err.code, "XML_MALFORMED");
  assert.equal(err.line, 3);
  assert.equal(err.column, 3);
  assert.match(err.message, /line 3, column 3/);
});

test("malformed documents are refused with a reason", () => {
  for (const [text, reason] of [
    ["", /no root element/],
    ["<a>", /not closed/],
    ["<a b=c/>", /must be quoted/],
    ['<a b="1" b="2"/>', /appears twice/],
    ["<a/><b/>", /more than one root/],
    ["<a>&nope;</a>", /unknown entity/],
    ["<!DOCTYPE a><a/>", /DOCTYPE/],
    ["<a><!-- x -- y --></a>", /not allowed inside a comment/],
    ["<a", /not closed|expected/],
  ] as const) {
    assert.match(parseError(text).reason, reason, text);
  }
});

test("deeply nested documents parse without recursion limits", () => {
  const depth = 20_000;
  const text = "<a>".repeat(depth) + "</a>".repeat(depth);
  let el = parseXml(text).root;
  let n = 1;
  while (el.children[0]?.kind === "element") {
    el = el.children[0];
    n++;
  }
  assert.equal(n, depth);
});
