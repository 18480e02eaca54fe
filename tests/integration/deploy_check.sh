#!/bin/bash
# deploy/: the systemd units pass `systemd-analyze verify` with no warning
# (the binary path pointed at the built leakwalk; man pages not looked up),
# and the Kubernetes manifests parse (python3-yaml) and hold what running
# the fleet needs, with commands leakwalk itself accepts. Not run here: a
# Kubernetes API server's validation, and the units under a live systemd.
. "$LW_TESTS_DIR/lib.sh"
LW=$LEAKWALK
D=$LW_SOURCE_DIR/deploy

if command -v systemd-analyze >/dev/null; then
	mkdir units
	sed "s#/usr/bin/leakwalk#$LW#g" "$D/systemd/leakwalk-fleet.service" >units/leakwalk-fleet.service
	cp "$D/systemd/leakwalk-fleet.timer" units/
	systemd-analyze verify --man=no units/leakwalk-fleet.service units/leakwalk-fleet.timer >verify.out 2>&1
	check "systemd-analyze verify passes" test $? = 0
	check "with no warning" test ! -s verify.out
	[ -s verify.out ] && sed 's/^/    | /' verify.out >&2
	# the check can fail: a unit with an unknown key is reported
	printf '[Service]\nExecStart=/bin/true\nNoSuchKey=1\n' >units/bad.service
	systemd-analyze verify --man=no units/bad.service >bad.out 2>&1
	check "an unknown key would be reported" test -s bad.out
else
	skip_case "systemd-analyze is missing (apt-get install systemd)"
fi
# the service's commands, as leakwalk parses them
for sub in add run; do
	line=$(grep -E "^ExecStart=/usr/bin/leakwalk fleet $sub " "$D/systemd/leakwalk-fleet.service")
	check "the service runs fleet $sub" test -n "$line"
done

python3 - "$D/kubernetes/leakwalk-fleet.yaml" "$LW" <<'PY' >k8s.out 2>&1
import subprocess, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
lw = sys.argv[2]
bad = []
kinds = {d["kind"]: d for d in docs}
for k, v in (("Secret", "v1"), ("ConfigMap", "v1"), ("Deployment", "apps/v1"), ("CronJob", "batch/v1")):
    if k not in kinds:
        bad.append("no " + k)
    elif kinds[k]["apiVersion"] != v:
        bad.append("%s: apiVersion %s" % (k, kinds[k]["apiVersion"]))
for d in docs:
    if not d.get("metadata", {}).get("name"):
        bad.append(d["kind"] + ": no name")
secret = kinds["Secret"]["metadata"]["name"]
if not kinds["Secret"]["stringData"]["uri"].startswith("postgresql://"):
    bad.append("the Secret's uri is no postgresql:// URI")
dep = kinds["Deployment"]["spec"]
if dep["selector"]["matchLabels"].items() - dep["template"]["metadata"]["labels"].items():
    bad.append("the Deployment's selector does not match its pods")
cron = kinds["CronJob"]["spec"]
if len(cron["schedule"].split()) != 5:
    bad.append("the CronJob's schedule is not 5 fields")
pods = [("Deployment", dep["template"]["spec"]), ("CronJob", cron["jobTemplate"]["spec"]["template"]["spec"])]
for kind, pod in pods:
    c = pod["containers"][0]
    env = {e["name"]: e for e in c.get("env", [])}
    ref = env.get("LEAKWALK_STORE", {}).get("valueFrom", {}).get("secretKeyRef", {})
    if ref.get("name") != secret or ref.get("key") != "uri":
        bad.append(kind + ": the store's URI does not come from the Secret")
    vols = {v["name"] for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        if m["name"] not in vols:
            bad.append("%s: mounts an undeclared volume %s" % (kind, m["name"]))
    cmd = c["command"]
    if cmd[:2] != ["leakwalk", "fleet"]:
        bad.append(kind + ": does not run leakwalk fleet")
        continue
    # leakwalk must accept the command line: run its parser on a scratch
    # store with the store URI replaced (no server here)
    args = [a.replace("$(LEAKWALK_STORE)", "scratch.db") for a in cmd[1:]]
    if cmd[2] == "add":
        args = [a if a != "/etc/leakwalk/repos.txt" else "empty.txt" for a in args]
        open("empty.txt", "w").write("# none\n")
    if cmd[2] == "run":
        args = [a for a in args if a != "--follow"]
        args = [a if not a.startswith("/var/cache") else "mirrors" for a in args]
    r = subprocess.run([lw] + args, capture_output=True, text=True)
    if r.returncode != 0:
        bad.append("%s: leakwalk %s: exit %d %s" % (kind, " ".join(args), r.returncode, r.stderr))
    if kind == "Deployment" and "--follow" not in cmd:
        bad.append("the Deployment's workers do not --follow")
print("\n".join(bad) or "ok")
sys.exit(1 if bad else 0)
PY
check "the Kubernetes manifests are well formed and runnable" test $? = 0
grep -qx ok k8s.out || sed 's/^/    | /' k8s.out >&2
finish
