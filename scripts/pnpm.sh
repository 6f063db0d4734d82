# Sourced: defines `pnpm` as the version pinned in package.json's packageManager.
# Corepack ships with Node 20-24; its bundled signing keys predate pnpm 12's, hence the override.
# Without corepack (Node 25+), npx fetches the same pinned version.
pinned_pnpm=$(node -p "require('./package.json').packageManager")
if command -v corepack > /dev/null; then
  pnpm() { COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0 corepack pnpm "$@"; }
else
  pnpm() { npx --yes "$pinned_pnpm" "$@"; }
fi
