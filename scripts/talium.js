#!/usr/bin/env node
// `node scripts/talium.js` still works for those who run this file directly: it loads the CommonJS launcher,
// scripts/talium.cjs (the `talium` bin), and runs it. The bin itself is that file, not this one: an ES module entry
// costs every run ~4.5 ms of start-up, which is most of a pre-commit run on a small repository.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./talium.cjs').run();
