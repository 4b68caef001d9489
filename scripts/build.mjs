// Builds the browser bundles that the Go binary embeds (internal/web/static/dist).
// One esbuild call per bundle; `--watch` is not needed: `make run` rebuilds.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const out = 'internal/web/static/dist';
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, target: ['es2019'], logLevel: 'warning', legalComments: 'none' };

await Promise.all([
  // The SDK, as a script tag exposing window.REPRISE and as an ES module.
  esbuild.build({ ...common, entryPoints: ['sdk/src/global.ts'], outfile: `${out}/reprise.js`, format: 'iife' }),
  esbuild.build({ ...common, entryPoints: ['sdk/src/index.ts'], outfile: `${out}/reprise.esm.js`, format: 'esm' }),
  // The player island: rrweb's Replayer and our controls.
  esbuild.build({ ...common, entryPoints: ['player/src/main.ts'], outfile: `${out}/player.js`, format: 'iife' }),
]);
