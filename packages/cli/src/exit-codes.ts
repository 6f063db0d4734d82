export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Documented in --help and in the README: a CI script can branch on them. */
export const EXIT_CODES: Record<number, string> = {
  [EXIT.ok]: 'the action succeeded (outputs on stdout)',
  [EXIT.failed]: 'the action failed: an upstream failure or a failed gate (outputs set so far are still printed)',
  [EXIT.usage]: 'bad usage or a bad input: nothing was changed anywhere',
};
