// The binary codec's copy of the schema (roomgate.js) against proto/.../client.proto: every field and
// enum value of the .proto must be in the copy, with the same number, name and type, or binary
// clients would silently miss it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { protobufSchema } from '../roomgate.js';

const proto = readFileSync(
  fileURLToPath(new URL('../../../proto/src/main/proto/roomgate/v1/client.proto', import.meta.url)), 'utf8')
  .replace(/\/\/.*$/gm, '');

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** Top-level blocks: { kind, name, body } (oneofs are inside message bodies, flattened below). */
function blocks() {
  const out = [];
  const re = /\b(message|enum)\s+(\w+)\s*\{/g;
  let m;
  while ((m = re.exec(proto))) {
    let depth = 1;
    let i = re.lastIndex;
    while (depth > 0) {
      if (proto[i] === '{') depth++;
      if (proto[i] === '}') depth--;
      i++;
    }
    out.push({ kind: m[1], name: m[2], body: proto.slice(re.lastIndex, i - 1) });
    re.lastIndex = i;
  }
  return out;
}

test('every message field of client.proto is in the codec with its number, name and type', () => {
  const messages = blocks().filter((b) => b.kind === 'message');
  assert.ok(messages.length > 30);
  for (const { name, body } of messages) {
    const fields = [...body.matchAll(/(repeated\s+)?(map<\s*\w+\s*,\s*\w+\s*>|\w+)\s+(\w+)\s*=\s*(\d+)\s*;/g)];
    const copy = protobufSchema.messages[name];
    assert.ok(copy, `message ${name} is in the codec`);
    for (const [, repeated, type, field, number] of fields) {
      const expected = [Number(number), camel(field), type.replace(/\s+/g, '') + (repeated ? '*' : '')];
      const got = copy.find((f) => f[0] === Number(number));
      assert.deepEqual(got, expected, `${name}.${field}`);
    }
  }
});

test('every enum value of client.proto is in the codec with its number', () => {
  for (const { name, body } of blocks().filter((b) => b.kind === 'enum')) {
    const copy = protobufSchema.enums[name];
    assert.ok(copy, `enum ${name} is in the codec`);
    for (const [, value, number] of body.matchAll(/(\w+)\s*=\s*(\d+)\s*;/g)) {
      assert.equal(copy[Number(number)], value, `${name}.${value}`);
    }
  }
});
