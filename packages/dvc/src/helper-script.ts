/**
 * A small Python program run with the installation's interpreter. It imports DVC once and then
 * answers JSON requests, one a line on stdin, with one JSON line each on file descriptor 3:
 *   {"op": "dvc", "argv": [...]}               runs the DVC CLI in-process: {"rc": N}
 *   {"op": "exists", "groups": [{"remote", "legacy", "oids"}], "jobs": N}
 *                                              asks each remote which objects it holds
 * Running everything in one interpreter saves DVC's import time (about a second) per command.
 * After each request it writes a separator line to stdout and stderr, so the caller knows it
 * has read all that request's output.
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

def exists(request):
    from dvc.repo import Repo
    present = []
    with Repo(os.getcwd()) as repo:
        for group in request["groups"]:
            hash_name = "md5-dos2unix" if group["legacy"] else "md5"
            odb = repo.cloud.get_remote_odb(group["remote"], "push", hash_name=hash_name)
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
`;
