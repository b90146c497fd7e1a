"use strict";
// Preloaded with `node -r` so the repository's TypeScript entry points (the emulator, the CLI, the
// benchmarks) run straight from source, without a build: ts-node with the root tsconfig.json, found from
// here rather than from the caller's directory. Transpile only: `npm test` type-checks the whole tree.
const path = require("node:path");

require("ts-node").register({
  project: path.join(__dirname, "..", "tsconfig.json"),
  transpileOnly: true,
});
