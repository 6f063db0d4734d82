import { randomBytes } from 'node:crypto';

/**
 * Text that could hold a line the runner reads as a workflow command: `::name…::` after leading
 * whitespace (the runner trims it), or the legacy `##[name…]` anywhere in a line.
 */
export function mayHoldCommand(text: string): boolean {
  return text.includes('::') || text.includes('##[');
}

/**
 * `text` framed so that the runner prints it and acts on none of it: `::stop-commands::<token>`
 * before and `::<token>::` after, with a token nobody can guess (and that the text does not hold),
 * so the text can neither resume commands early nor stop them for the rest of the step.
 */
export function withCommandsStopped(
  text: string,
  random: () => string = () => randomBytes(16).toString('hex'),
): string {
  let token = random();
  while (text.includes(token)) token = random();
  return `::stop-commands::${token}\n${text}\n::${token}::`;
}

/**
 * `text` with every place the runner could read as a command broken by a zero-width space, for
 * text that cannot be framed by stop-commands: a stream written piece by piece, a last error line.
 */
export function defuseCommands(text: string): string {
  return text.replace(/^(\s*)::/gm, '$1:\u200b:').replace(/##\[/g, '#\u200b#[');
}
