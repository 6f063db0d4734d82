// Tests must never read the developer's or CI's GitHub context by accident.
for (const name of Object.keys(process.env)) {
  if (
    name.startsWith('INPUT_') ||
    name === 'GITHUB_OUTPUT' ||
    name === 'GITHUB_STEP_SUMMARY' ||
    name === 'GITHUB_ENV'
  ) {
    delete process.env[name];
  }
}
