import { jest } from '@jest/globals';
import { scaled } from './timeouts.js';

// The default deadline of every test and hook that does not name its own, stretched like the rest.
jest.setTimeout(scaled(60_000));
