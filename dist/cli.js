#!/usr/bin/env node
// caac's cli face; its code is in the shared bundle beside it (index.js and its chunks).
const { cli } = await import('./index.js');
await cli();
