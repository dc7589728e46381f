"""Read the app the way Orca does, over AT-SPI: run by the system Python (it has pyatspi).

Run inside a display and a D-Bus session (``xvfb-run -a dbus-run-session -- ...``):

    /usr/bin/python3 tests/ui/atspi_reader.py serve -- APP COMMAND...

It starts the accessibility bus, then the app (with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1), and
answers one JSON command per line on stdin with one JSON line on stdout, marked with
REPLY_MARK: the session's D-Bus daemon shares this stdout, and the services it starts
(the AT-SPI registry says "SpiRegistry daemon is running...") may print there too.

    {"cmd": "tree"}                        every showing object: role, name, states, depth
    {"cmd": "wait", "role": R, "name": N}  until such an object is showing (name: a substring)
    {"cmd": "do", "role": R, "name": N}    the object's first action (press, click)
    {"cmd": "events"}                      announcements heard since the last call
    {"cmd": "quit"}

Only the standard library and pyatspi: this file must not import the app or the venv.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pyatspi
from gi.repository import GLib

BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
APP_NAME = "Buddy Interviews"
#: AT-SPI's event for QAccessibleAnnouncementEvent (at-spi2-core >= 2.46, Qt >= 6.8).
ANNOUNCEMENT = "object:announcement"
#: Other events Qt may use for the same thing, kept apart so a report can tell them apart.
OTHER_EVENTS = ("object:property-change:accessible-name", "window:activate")
MAX_NODES = 4000
#: Starts every reply line; the test reads only these and logs the rest.
REPLY_MARK = "atspi-reader: "

heard: list[dict[str, Any]] = []


def pump(seconds: float) -> None:
    """Run the GLib main loop for a while: events arrive only while it runs."""
    done: list[bool] = []

    def stop() -> bool:
        done.append(True)
        return False  # once

    GLib.timeout_add(max(1, int(seconds * 1000)), stop)
    context = GLib.MainContext.default()
    while not done:
        context.iteration(True)  # blocks until an event or the timeout above


def on_event(event: Any) -> None:
    try:
        source = event.source
        heard.append(
            {
                "type": str(event.type),
                "text": str(event.any_data) if event.any_data is not None else "",
                "detail1": event.detail1,
                "source_role": source.getRoleName() if source else "",
                "source_name": source.name if source else "",
            }
        )
    except Exception as exc:  # a dying object must not stop the listener
        heard.append({"type": str(event.type), "error": repr(exc)})


def find_app(pid: int) -> Any | None:
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and (app.get_process_id() == pid or app.name == APP_NAME):
                return app
        except Exception:
            continue
    return None


def node(acc: Any, depth: int) -> dict[str, Any]:
    states = acc.getState()
    names = [pyatspi.stateToString(s) for s in states.getStates()]
    try:
        actions = acc.queryAction()
        action_names = [actions.getName(i) for i in range(actions.nActions)]
    except NotImplementedError:
        action_names = []
    labels = []
    for relation in acc.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            labels += [relation.getTarget(i).name for i in range(relation.getNTargets())]
    return {
        "role": acc.getRoleName(),
        "labelled_by": labels,
        "name": acc.name or "",
        "description": acc.description or "",
        "states": names,
        "actions": action_names,
        "depth": depth,
    }


def walk(acc: Any, depth: int = 0, *, showing_only: bool = True) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [(acc, depth)]
    while stack and len(found) < MAX_NODES:
        current, level = stack.pop()
        try:
            info = node(current, level)
        except Exception:
            continue
        if showing_only and level > 0 and "showing" not in info["states"]:
            continue
        found.append(info)
        # Long lists (a transcript) are read row by row by a screen reader; a sample will do.
        count = min(current.childCount, 200)
        children = [current.getChildAtIndex(i) for i in range(count)]
        stack.extend((c, level + 1) for c in reversed(children) if c is not None)
    return found


def find(app: Any, role: str, name: str, *, showing_only: bool) -> Any | None:
    def matches(acc: Any) -> bool:
        try:
            if acc.getRoleName() != role or name not in (acc.name or ""):
                return False
            return not showing_only or acc.getState().contains(pyatspi.STATE_SHOWING)
        except Exception:
            return False

    return pyatspi.findDescendant(app, matches, breadth_first=True)


def serve(command: list[str]) -> int:
    env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_QPA_PLATFORM="xcb")
    # Their output goes to stderr: stdout carries the replies.
    bus = subprocess.Popen([BUS_LAUNCHER, "--launch-immediately"], env=env, stdout=sys.stderr)
    app_proc = subprocess.Popen(command, env=env, stdout=sys.stderr)
    try:
        app = wait_for(lambda: find_app(app_proc.pid), 60, app_proc)
        if app is None:
            reply({"error": "the app never appeared on the accessibility bus"})
            return 1
        pyatspi.Registry.registerEventListener(on_event, ANNOUNCEMENT, *OTHER_EVENTS)
        reply({"ok": True, "app": app.name, "pid": app_proc.pid})
        for line in sys.stdin:
            request = json.loads(line)
            if request["cmd"] == "quit":
                reply({"ok": True})
                break
            try:
                reply(handle(app, request, app_proc))
            except Exception as exc:
                reply({"error": repr(exc)})
    finally:
        for proc in (app_proc, bus):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return 0


def wait_for(probe: Any, timeout_s: float, proc: subprocess.Popen[bytes]) -> Any:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end and proc.poll() is None:
        found = probe()
        if found:
            return found
        pump(0.1)
    return None


def handle(app: Any, request: dict[str, Any], proc: subprocess.Popen[bytes]) -> dict[str, Any]:
    cmd = request["cmd"]
    if cmd == "tree":
        pump(0.2)
        return {"nodes": [n for frame in app for n in walk(frame)]}
    if cmd == "wait":
        found = wait_for(
            lambda: find(app, request["role"], request["name"], showing_only=True),
            request.get("timeout", 30),
            proc,
        )
        return {"found": found is not None}
    if cmd == "do":
        target = find(app, request["role"], request["name"], showing_only=False)
        if target is None:
            return {"error": f"no {request['role']} named {request['name']!r}"}
        target.queryAction().doAction(request.get("action", 0))
        pump(0.3)
        return {"ok": True}
    if cmd == "events":
        pump(request.get("seconds", 0.5))
        events = list(heard)
        heard.clear()
        return {"events": events}
    return {"error": f"unknown command {cmd}"}


def reply(message: dict[str, Any]) -> None:
    sys.stdout.write(REPLY_MARK + json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "serve" or sys.argv[2] != "--":
        sys.exit(__doc__)
    sys.exit(serve(sys.argv[3:]))
