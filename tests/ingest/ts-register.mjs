// `node --import ./tests/ingest/ts-register.mjs script.ts`: see ts-loader.mjs.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
