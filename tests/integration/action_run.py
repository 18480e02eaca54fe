"""action_run.py ACTION.yml WORKSPACE RUNNER_TEMP ACTION_PATH [NAME=VALUE...] - runs
the steps of a composite GitHub action here, as the runner would: inputs
from their defaults or NAME=VALUE, each step's `if:` evaluated, `${{ }}` in
`env:`, `with:` and `run:` replaced, `run:` steps in `bash --noprofile
--norc -eo pipefail` with GITHUB_OUTPUT (whose lines become the step's
outputs), `uses:` steps recorded (they cannot run here) with their `with:`.
Prints one JSON object: the steps (status, outputs, the uses' inputs) and
the action's outputs. Exit 1 when a step failed, as the job would.
Only the expression forms this project's action.yml uses are understood;
anything else is an error, never a silent guess."""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys

import yaml

action_file, workspace, runner_temp, action_path = sys.argv[1:5]
action = yaml.safe_load(open(action_file))
assert action["runs"]["using"] == "composite", "not a composite action"
inputs = {k: str(v.get("default", "")) for k, v in (action.get("inputs") or {}).items()}
for kv in sys.argv[5:]:
    k, v = kv.split("=", 1)
    assert k in inputs, "no input " + k
    inputs[k] = v
ctx = {"inputs": inputs, "steps": {},
       "github": {"action_path": action_path, "workspace": workspace},
       "runner": {"temp": runner_temp}}
failed = False


def lookup(path):
    v = ctx
    for part in path.split("."):
        if not isinstance(v, dict):
            return ""
        v = v.get(part, "")
    return v if isinstance(v, str) else ""


def hash_files(pattern):
    files = sorted(f for f in glob.glob(os.path.join(workspace, pattern)) if os.path.isfile(f))
    if not files:
        return ""
    h = hashlib.sha256()
    for f in files:
        h.update(open(f, "rb").read())
    return h.hexdigest()


TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(&&|\|\||==|!=|!|\(|\)|,)|([A-Za-z_][\w-]*(?:\.[\w-]+)*))")


def evaluate(expr):
    """GitHub's expression subset: 'strings', context paths, ==, !=, !, &&,
    ||, parentheses, always() success() failure() hashFiles(x)."""
    out, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ValueError("cannot read expression: %r at %d" % (expr, pos))
        pos = m.end()
        s, op, name = m.groups()
        if s is not None:
            out.append(repr(s[1:-1].replace("''", "'")))
        elif op is not None:
            out.append({"&&": " and ", "||": " or ", "!": " not "}.get(op, op))
        elif name in ("always", "success", "failure", "cancelled", "hashFiles"):
            out.append({"always": "_always", "success": "_success", "failure": "_failure",
                        "cancelled": "_cancelled", "hashFiles": "_hash"}[name])
        elif name in ("true", "false"):
            out.append(name.capitalize())
        else:
            out.append("_get(%r)" % name)
    env = {"_always": lambda: True, "_success": lambda: not failed, "_failure": lambda: failed,
           "_cancelled": lambda: False, "_hash": hash_files, "_get": lookup}
    return eval("".join(out), {"__builtins__": {}}, env)


def substitute(text):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1))), str(text))


report = {"steps": []}
for i, step in enumerate(action["runs"]["steps"]):
    sid = step.get("id", "step%d" % i)
    cond = step.get("if", "success()")
    cond = cond[3:-2] if isinstance(cond, str) and cond.startswith("${{") else cond
    entry = {"id": sid, "name": step.get("name", "")}
    report["steps"].append(entry)
    if not evaluate(str(cond)):
        entry["status"] = "skipped"
        continue
    if "uses" in step:
        entry["status"] = "uses"
        entry["uses"] = step["uses"]
        entry["with"] = {k: substitute(v) for k, v in (step.get("with") or {}).items()}
        continue
    assert step.get("shell") == "bash", "a run step names its shell"
    out_file = os.path.join(runner_temp, "output.%d" % i)
    open(out_file, "w").close()
    env = dict(os.environ, GITHUB_OUTPUT=out_file, GITHUB_WORKSPACE=workspace,
               GITHUB_ACTION_PATH=action_path, RUNNER_TEMP=runner_temp)
    env.update({k: substitute(v) for k, v in (step.get("env") or {}).items()})
    script = os.path.join(runner_temp, "step.%d.sh" % i)
    open(script, "w").write(substitute(step["run"]))
    # the step's own output goes to stderr: stdout carries only the JSON
    rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                         cwd=workspace, env=env, stdout=sys.stderr)
    outputs = {}
    for line in open(out_file):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            outputs[k] = v
    ctx["steps"][sid] = {"outputs": outputs, "outcome": "success" if rc == 0 else "failure"}
    entry.update(status="success" if rc == 0 else "failure", exit=rc, outputs=outputs)
    if rc != 0:
        failed = True
report["outputs"] = {k: substitute(v["value"]) for k, v in (action.get("outputs") or {}).items()}
print(json.dumps(report))
sys.exit(1 if failed else 0)
