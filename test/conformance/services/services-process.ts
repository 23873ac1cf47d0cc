/**
 * The backing services and a test edge in a process of their own, for the
 * kill -9 test: `node --import tsx services-process.ts <dataDir>` prints
 * `listening on <endpoint>` once it serves.
 */
import { type BackingServices, startBackingServices } from '../../../local/services/index.js';
import { startEdge } from './edge.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: services-process.ts <dataDir>');
let services: BackingServices | undefined;
const edge = await startEdge(() => services as BackingServices);
services = await startBackingServices({ dataDir, endpoint: edge.endpoint, ttlSweepIntervalMs: 0 });
process.stdout.write(`listening on ${edge.endpoint}\n`);
