// Loads the golden vectors the Java protocol tests use (single source: the protocol module's test resources).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const resources = new URL("../../../../protocol/src/test/resources/", import.meta.url);

export function vectors(file) {
  const doc = JSON.parse(readFileSync(fileURLToPath(new URL(file, resources)), "utf8"));
  return doc.vectors.map((v) => ({ ...v, bytes: Uint8Array.from(Buffer.from(v.hex, "hex")) }));
}

export function vector(file, name, transport = "tcp") {
  const v = vectors(file).find((x) => x.name === name && x.transport.startsWith(transport));
  if (!v) {
    throw new Error(`no vector ${name} (${transport}) in ${file}`);
  }
  return v;
}

export const hex = (bytes) => Buffer.from(bytes).toString("hex");
export const str = (bytes) => Buffer.from(bytes).toString("utf8");
