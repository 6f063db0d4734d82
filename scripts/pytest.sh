#!/usr/bin/env bash
# The Python tests of examples/model-repo, run by scripts/test.sh (which passes --junitxml=<file>;
# any argument goes to pytest). The interpreter is the stack's mlflow environment (scikit-learn,
# pandas, numpy, mlflow, as locked in test/stack/requirements/mlflow.txt); pytest comes from the
# stack's small pytest environment, appended to sys.path so the mlflow environment's own packages
# always win.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stack=${MLOPS_STACK_DIR:-$root/.stack}
python=$stack/venvs/mlflow/bin/python
pytest_python=$stack/venvs/pytest/bin/python
for exe in "$python" "$pytest_python"; do
  [ -x "$exe" ] || { echo "$exe is missing: run test/stack/setup.sh" >&2; exit 1; }
done
pytest_site=$("$pytest_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cd "$root/examples/model-repo"
exec "$python" -c 'import sys; sys.path.append(sys.argv.pop(1)); import pytest; sys.exit(pytest.main())' \
  "$pytest_site" "$@"
