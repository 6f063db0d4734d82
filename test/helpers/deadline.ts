import { Deadline } from '../../packages/action-kit/src/http/index.js';

/** A step deadline far enough away not to matter, for tests about something else. */
export function testDeadline(ms = 600_000): Deadline {
  return Deadline.after(ms, 'the test deadline');
}
