"""html_cdp.py CHROMIUM PAGE WIDTH HEIGHT - drives headless Chromium over the
DevTools protocol (--remote-debugging-pipe: commands on fd 3, answers on fd
4, each message ends with a NUL byte), so a test can do what a person does
with the HTML report: look at the first screen, type into the filter. Prints
one JSON object of measurements; report_html.sh checks them.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

chromium, page, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
to_child_r, to_child_w = os.pipe()
from_child_r, from_child_w = os.pipe()


def child_fds():
    # through fresh descriptors: a pipe end may itself be 3 or 4
    a, b = os.dup(to_child_r), os.dup(from_child_w)
    os.dup2(a, 3)
    os.dup2(b, 4)


profile = tempfile.mkdtemp(prefix="lwcdp.")
proc = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
     "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + profile,
     "--remote-debugging-pipe", "--window-size=%d,%d" % (width, height), "about:blank"],
    preexec_fn=child_fds, pass_fds=(3, 4),
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_child_r)
os.close(from_child_w)
buf = b""
next_id = 0
deadline = time.time() + 90


def send(method, params=None, session=None):
    global next_id, buf
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(to_child_w, json.dumps(msg).encode() + b"\0")
    want = next_id
    while time.time() < deadline:
        while b"\0" in buf:
            raw, buf = buf.split(b"\0", 1)
            m = json.loads(raw)
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
        chunk = os.read(from_child_r, 65536)
        if not chunk:
            raise RuntimeError("chromium closed the pipe")
        buf += chunk
    raise RuntimeError("timed out waiting for " + method)


def js(session, expr):
    r = send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
    return r.get("result", {}).get("value")


try:
    target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    send("Emulation.setDeviceMetricsOverride",
         {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
    send("Page.enable", {}, session)
    send("Page.navigate", {"url": "file://" + page}, session)
    while js(session, "document.documentElement.getAttribute('data-ready')") != "1":
        if time.time() > deadline:
            raise RuntimeError("the page's script did not finish")
        time.sleep(0.1)
    out = {}
    out["viewport_height"] = js(session, "window.innerHeight")
    out["table_top"] = js(session, "document.getElementById('lw-table').getBoundingClientRect().top")
    out["first_row_bottom"] = js(session, "(function(){var r=document.querySelector('#lw-rows tr');"
                                          "return r?r.getBoundingClientRect().bottom:null;})()")
    out["rows"] = js(session, "Array.prototype.map.call(document.querySelectorAll('#lw-rows tr'),"
                              "function(r){var d=JSON.parse(document.getElementById('lw-data')"
                              ".textContent)[+r.getAttribute('data-i')];return [d.sev,"
                              "d.present===null?'unk':(d.present.length?'present':'gone'),"
                              "d.fingerprint,r.lastElementChild.textContent];})")
    out["hash_before"] = js(session, "location.hash")
    # typing, as a person does: focus the box, then text input events
    js(session, "document.getElementById('lw-filter').focus()")
    typed = sys.argv[5] if len(sys.argv) > 5 else "odd"
    for ch in typed:
        send("Input.insertText", {"text": ch}, session)
    time.sleep(0.2)
    out["hash_after_typing"] = js(session, "location.hash")
    out["shown_after_typing"] = js(session, "document.getElementById('lw-shown').textContent")
    js(session, "var s=document.getElementById('lw-sev');s.value='3';"
                "s.dispatchEvent(new Event('change'))")
    out["hash_after_severity"] = js(session, "location.hash")
    js(session, "document.querySelector('th[data-key=\"date\"]').click()")
    out["hash_after_sort"] = js(session, "location.hash")
    print(json.dumps(out))
finally:
    try:
        send("Browser.close")
    except Exception:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    subprocess.run(["rm", "-rf", profile])
