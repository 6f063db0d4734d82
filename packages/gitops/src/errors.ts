/** The manifest cannot be bumped as asked (no match, ambiguous match, unsupported shape). */
export class BumpError extends Error {
  override name = 'BumpError';
}
