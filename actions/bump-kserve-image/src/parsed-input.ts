import { InputError, InvalidValue, type Inputs } from '@mlops-actions/action-kit';

/**
 * An input read by a domain parser that throws InvalidValue (image reference, model URI,
 * severity); the error names the input, the value and the accepted form, like action-kit's readers.
 */
export function parsedInput<T>(inputs: Inputs, name: string, parser: (raw: string) => T): T | undefined {
  const raw = inputs.string(name);
  if (raw === undefined) return undefined;
  try {
    return parser(raw);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
    throw new InputError(`Input '${name}' has invalid value ${JSON.stringify(shown)}: expected ${error.expected}`);
  }
}
