#!/usr/bin/env node
// Launcher for the `talium` bin: runs the compiled CLI (built by `npm ci` through the `prepare` script), bundled
// when the build produced the bundle (faster start), else the plain tsc output. TALIUM_UNBUNDLED=1 forces the latter.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const plain = join(root, 'dist', 'src', 'cli', 'main.js');
const bundled = join(root, 'dist', 'src', 'bundle', 'main.js');
const entry = !process.env.TALIUM_UNBUNDLED && existsSync(bundled) ? bundled : plain;
if (!existsSync(entry)) {
  process.stderr.write(`talium: not built yet (${entry} is missing). Run "npm run build" in ${root}.\n`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
