// Bundle-size budget for the script-tag SDK: builds internal/web/static/dist/reprise.js (or,
// with --no-build, reads the one already built), prints its minified and gzipped sizes and
// exits 1 above the budget. `make test-sdk` runs it after the unit tests.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP = 40 * 1024;
const out = 'internal/web/static/dist/reprise.js';

if (!process.argv.includes('--no-build')) {
  // The same options as scripts/build.mjs, SDK only (the player may not build yet).
  await esbuild.build({
    entryPoints: ['sdk/src/global.ts'],
    outfile: out,
    bundle: true,
    minify: true,
    target: ['es2019'],
    format: 'iife',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

const code = readFileSync(out);
const gz = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`${out}: ${kb(code.length)} minified, ${kb(gz)} gzipped (budget ${kb(BUDGET_GZIP)})`);
if (gz > BUDGET_GZIP) {
  console.error(`reprise.js is over its budget by ${kb(gz - BUDGET_GZIP)}`);
  process.exit(1);
}
