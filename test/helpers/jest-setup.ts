import { afterAll, jest } from '@jest/globals';
import { stopAbandonedStarts } from './service.js';
import { scaled } from './timeouts.js';

// The default deadline of every test and hook that does not name its own, stretched like the rest.
jest.setTimeout(scaled(60_000));

// A hook that jest timed out may still be starting a service nobody can reach: stop it with the file.
afterAll(() => stopAbandonedStarts());
