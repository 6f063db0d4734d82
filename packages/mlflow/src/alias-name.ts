/** MLflow's alias rules (mlflow/utils/validation.py), checked before any write. */
export const ALIAS_FORM =
  "an alias of letters, digits, '_' and '-' (at most 255), other than 'latest' and v<digits> (reserved by MLflow)";

/** Why `alias` is not a valid MLflow alias, or undefined when it is. */
export function aliasProblem(alias: string): string | undefined {
  if (!/^[\w-]+$/.test(alias)) return 'only letters, digits, _ and - are allowed';
  if (alias.length > 255) return 'it is longer than 255 characters';
  if (alias.toLowerCase() === 'latest') return "'latest' is reserved";
  if (/^[vV]\d+$/.test(alias)) return 'v<digits> is reserved for version numbers';
  return undefined;
}
