#!/usr/bin/env node
// The `openwebim-server` bin. It is a checked-in file (not the compiled cli.js itself) so npm can
// link it when the workspace is installed, before anything is built; it runs what
// `npm run build` compiles from server/cli.ts.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/server/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'openwebim-server: the server is not built; run `npm run build` (at the repository root) first\n',
  );
  process.exit(1);
}
await import(cli.href);
