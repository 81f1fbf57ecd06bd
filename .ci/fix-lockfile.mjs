#!/usr/bin/env node
// The npm registry mirror reachable here serves only the platform packages of this machine
// (linux x64), so `npm install` writes a package-lock.json without entries for the other
// platforms' optional packages (@rollup/rollup-darwin-arm64, @esbuild/win32-x64, fsevents…), and
// `npm ci` then refuses the lock as "not in sync". This adds a stub entry (version, os, cpu,
// optional) for each missing optional package, which `npm ci` skips on non-matching platforms.
// Run after every `npm install`: `node .ci/fix-lockfile.mjs`.
import fs from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const OS = ["android", "darwin", "freebsd", "linux", "openbsd", "netbsd", "sunos", "win32", "aix", "openharmony", "cygwin"];
const CPU = ["arm64", "arm", "x64", "ia32", "ppc64", "riscv64", "s390x", "loong64", "mips64el", "wasm32"];
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[base] || lock.packages[`node_modules/${name}`]) continue;
    const tokens = name.replace(/^@[^/]+\//, "").split(/[-_]/);
    const os = name === "fsevents" ? ["darwin"] : OS.filter((o) => tokens.includes(o));
    const cpu = CPU.filter((c) => tokens.includes(c));
    const version = String(range).replace(/^[~^=]/, "");
    lock.packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(cpu.length ? { cpu } : {}),
      os: os.length ? os : ["unsupported"],
    };
    added++;
  }
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`fix-lockfile: added ${added} optional platform stub(s)`);
