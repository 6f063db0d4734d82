/**
 * A small Python program run with the installation's interpreter. It imports DVC once and then
 * answers JSON requests, one a line on stdin, with one JSON line each on file descriptor 3:
 *   {"op": "dvc", "argv": [...]}               runs the DVC CLI in-process: {"rc": N}
 *   {"op": "exists", "groups": [{"remote", "legacy", "oids"}], "jobs": N}
 *                                              asks each remote which objects it holds
 * Running everything in one interpreter saves DVC's import time (about a second) per command.
 * After each request it writes a separator line to stdout and stderr, so the caller knows it
 * has read all that request's output. It exits as soon as stdin closes.
 */
export const HELPER_SCRIPT = String.raw`
import json, os, sys

replies = os.fdopen(3, "w")

def reply(message):
    sys.stdout.write("\x1e\n")
    sys.stderr.write("\x1e\n")
    sys.stdout.flush()
    sys.stderr.flush()
    replies.write(json.dumps(message) + "\n")
    replies.flush()

odbs = {}

def remote_odb(name, legacy):
    # One Repo and one object database per remote for the whole session: building them (and the
    # remote's client) costs more than the query itself.
    from dvc.repo import Repo
    if "repo" not in odbs:
        odbs["repo"] = Repo(os.getcwd())
    key = (name, legacy)
    if key not in odbs:
        hash_name = "md5-dos2unix" if legacy else "md5"
        odbs[key] = odbs["repo"].cloud.get_remote_odb(name, "push", hash_name=hash_name)
    return odbs[key]

def exists(request):
    present = []
    for group in request["groups"]:
        odb = remote_odb(group["remote"], group["legacy"])
        # Listings are cached by the filesystem; the answer must reflect the remote right now.
        underlying = getattr(odb.fs, "fs", None)
        if hasattr(underlying, "invalidate_cache"):
            underlying.invalidate_cache()
        found = odb.oids_exist(group["oids"], jobs=request.get("jobs"))
        present.extend({"remote": group["remote"], "legacy": group["legacy"], "oid": oid} for oid in found)
    return {"present": present}

try:
    from dvc import __version__
    from dvc.cli import main
except Exception as error:
    reply({"error": "%s: %s" % (type(error).__name__, error)})
    sys.exit(1)
reply({"version": __version__})

for line in sys.stdin:
    request = json.loads(line)
    try:
        if request["op"] == "dvc":
            result = {"rc": main(request["argv"])}
        else:
            result = exists(request)
    except Exception as error:
        result = {"error": "%s: %s" % (type(error).__name__, error)}
    reply(result)

# Every request has been answered: skip the interpreter's shutdown, which waits for the
# remote clients' thread pools and event loops (close to a second with s3fs).
os._exit(0)
`;
