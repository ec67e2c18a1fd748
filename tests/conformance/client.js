// The npm MessagePack-RPC client of the conformance test: @msgpack/msgpack
// (pinned in package-lock.json) encodes and decodes the frames, this script
// matches them. Reads a plan (JSON: socket, calls [{method, params, result,
// result_fields}]) from the file named by argv[2]; makes each call in turn;
// prints one JSON line per call: {method, error} or {method, problems}.
"use strict";
const fs = require("fs");
const net = require("net");
const { encode, decodeMultiStream } = require("@msgpack/msgpack");

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

function isInt(v) {
  return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";
}
function typeOk(kind, v) {
  switch (kind) {
    case "string": return typeof v === "string";
    case "uint": return isInt(v) && v >= 0 && v < 2 ** 32;
    case "u64": return isInt(v) && v >= 0;
    case "int": case "time": return isInt(v);
    case "bool": return typeof v === "boolean";
    case "double": return typeof v === "number";
    case "strings": return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "ints": return Array.isArray(v) && v.every(isInt);
    case "map": return v !== null && typeof v === "object" && !Array.isArray(v);
    case "maps": return Array.isArray(v) && v.every((x) => typeOk("map", x));
    case "none": return v === null || v === undefined;
    case "any": return true;
    default: throw new Error("unknown declared type " + kind);
  }
}
// What is wrong with rows (maps) against declared fields; a map or maps
// field's own "fields" are checked in each map it holds.
function fieldProblems(fields, rows, where) {
  const out = [];
  rows.forEach((row, i) => {
    for (const f of fields) {
      const at = `${where}${i}.${f.name}`;
      if (!(f.name in row)) out.push(`${at}: missing`);
      else if (!typeOk(f.type, row[f.name])) out.push(`${at}: ${JSON.stringify(row[f.name])}, declared ${f.type}`);
      else if (f.fields) {
        // an empty map is "none" (PROTOCOL.md): current_episode without an episode
        const inner = f.type !== "map" ? row[f.name] : Object.keys(row[f.name]).length ? [row[f.name]] : [];
        out.push(...fieldProblems(f.fields, inner, at + "/"));
      }
    }
  });
  return out;
}
function problems(call, result) {
  if (!typeOk(call.result, result)) return ["result " + JSON.stringify(result) + " is not " + call.result];
  const rows = call.result === "map" ? [result] : call.result === "maps" ? result : [];
  return fieldProblems(call.result_fields || [], rows, "row ");
}

async function main() {
  const sock = net.createConnection(plan.socket);
  await new Promise((ok, fail) => { sock.once("connect", ok); sock.once("error", fail); });
  const frames = decodeMultiStream(sock, { useBigInt64: false })[Symbol.asyncIterator]();
  let msgid = 1;
  for (const call of plan.calls) {
    const id = msgid++;
    sock.write(encode([0, id, call.method, call.params]));
    let msg;
    do {
      const next = await frames.next();
      if (next.done) throw new Error("the daemon closed the connection");
      msg = next.value;
    } while (msg[0] !== 1 || msg[1] !== id); // events and other answers: not ours
    const [, , error, result] = msg;
    if (error !== null) console.log(JSON.stringify({ method: call.method, error }));
    else console.log(JSON.stringify({ method: call.method, problems: problems(call, result) }));
  }
  sock.end();
  process.exit(0);
}
main().catch((e) => { console.error("client.js: " + e.stack); process.exit(2); });
