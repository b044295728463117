"""A small headless-Chromium driver for the browser tests, on the standard library only.

It speaks the Chrome DevTools Protocol over a pipe (``--remote-debugging-pipe``): Chromium reads
commands from its file descriptor 3 and writes answers and events to 4, each one JSON message
ended by a NUL byte; no websocket, no Node.js, nothing to install but Chromium itself (Debian's
``chromium``). A message without an ``id`` is an event; ``sessionId`` says which tab it is for.

What the tests use, named as Playwright names it so the tests read as they did:
``Browser.new_page()``, ``Page.goto / url / title / evaluate / locator / keyboard.press /
eval_on_selector(_all) / expect_navigation / screenshot / close``, ``Page.errors`` (uncaught
exceptions) and ``Page.console`` (console messages), and locators (CSS selectors, ``nth``,
``first``, buttons by role and name) that wait for their element, refuse to act on more than
one, and click and type with real input events. ``python -m tests.browser URL OUT.png`` saves a
screenshot of a page.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium without what a test has no use for: no sandbox (containers), no GPU, no background
# traffic (updates, sync, first-run pages).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT = 30.0  # seconds, for a page to load or an element to appear (Playwright's default)
# Keys a test presses: Chromium needs the Windows key code to run a key's default action.
KEY_CODES = {
    "ArrowLeft": 37, "ArrowUp": 38, "ArrowRight": 39, "ArrowDown": 40, "Home": 36, "End": 35,
    "PageUp": 33, "PageDown": 34, "Enter": 13, "Escape": 27, "Tab": 9, "Backspace": 8,
}  # fmt: skip


def find_chromium() -> str | None:
    """``$BACKPROPLAB_CHROMIUM``, else the first Chromium or Chrome on the PATH, else None."""
    return os.environ.get("BACKPROPLAB_CHROMIUM") or next(
        (path for path in map(shutil.which, BROWSERS) if path), None
    )


class BrowserError(RuntimeError):
    """The browser refused a command, a page threw, or something did not happen in time."""


class Browser:
    """One Chromium process, driven through the pipe; ``close()`` ends it (or use ``with``)."""

    def __init__(self, executable: str, flags: list[str] = FLAGS) -> None:
        if not hasattr(os, "posix_spawn"):
            raise BrowserError("driving Chromium over a pipe needs a POSIX system")
        self._profile = tempfile.mkdtemp(prefix="backproplab-chromium-")
        self._log = Path(self._profile) / "chromium.log"
        commands_read, self._commands = os.pipe()  # we write, Chromium reads (its fd 3)
        self._answers, answers_write = os.pipe()  # Chromium writes (its fd 4), we read
        # Out of the way of 3 and 4 before they are placed there, so no dup2 overwrites the other.
        child_ends = [
            fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_read, answers_write)
        ]
        for fd in (commands_read, answers_write):
            os.close(fd)
        argv = [executable, *flags, "--remote-debugging-pipe", f"--user-data-dir={self._profile}"]
        self.pid = os.posix_spawn(
            executable,
            [*argv, "about:blank"],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, str(self._log), os.O_WRONLY | os.O_CREAT, 0o600),
                (os.POSIX_SPAWN_DUP2, 1, 2),
                (os.POSIX_SPAWN_DUP2, child_ends[0], 3),
                (os.POSIX_SPAWN_DUP2, child_ends[1], 4),
            ],
        )
        for fd in child_ends:
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self._awaited: set[int] = set()
        self._answered: dict[int, dict] = {}
        self._pages: dict[str, Page] = {}
        self._closed = False
        try:
            self.version = self.call("Browser.getVersion")["product"]
        except BaseException:
            self.close()
            raise

    # --- the protocol ---------------------------------------------------------------------------

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send a command without waiting for its answer; returns its id."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._commands, data) :]
        return self._next_id

    def call(
        self, method: str, params: dict | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its result (events that arrive meanwhile are handled)."""
        ident = self.send(method, params, session)
        self._awaited.add(ident)
        try:
            self.pump(lambda: ident in self._answered, f"the answer to {method}")
        finally:
            self._awaited.discard(ident)
        answer = self._answered.pop(ident)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error'].get('message')} {str(params)[:300]}")
        return answer.get("result", {})

    def pump(self, done: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
        """Read messages (answers, events) until ``done()``; raise if it takes over ``timeout``."""
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"waited {timeout:g} s for {what}")
            self._read(left)

    def wait(self, seconds: float) -> None:
        """Let ``seconds`` pass, handling events meanwhile."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self._read(left)

    def _read(self, timeout: float) -> None:
        """Handle every complete message that arrives within ``timeout`` seconds."""
        readable, _, _ = select.select([self._answers], [], [], timeout)
        if not readable:
            return
        chunk = os.read(self._answers, 1 << 20)
        if not chunk:
            raise BrowserError("Chromium closed the pipe (it exited):\n" + self.log()[-3000:])
        *messages, self._buffer = (self._buffer + chunk).split(b"\0")
        for raw in messages:
            message = json.loads(raw)
            if "id" in message:  # an answer (kept if a call waits for it)
                if message["id"] in self._awaited:
                    self._answered[message["id"]] = message
            elif message.get("sessionId") in self._pages:
                self._pages[message["sessionId"]]._on_event(message["method"], message["params"])

    def log(self) -> str:
        """What Chromium printed (its stdout and stderr)."""
        return self._log.read_text("utf-8", errors="replace") if self._log.exists() else ""

    # --- tabs -----------------------------------------------------------------------------------

    def new_page(
        self,
        viewport: dict[str, int] | None = None,
        java_script_enabled: bool = True,
        offline: bool = False,
    ) -> Page:
        """A new tab, ``viewport`` wide and high (default 1280 x 720) at one pixel per CSS pixel.

        ``java_script_enabled=False`` runs none of the pages' scripts (the tests' own still run).
        ``offline=True`` fails every request for another machine (anything but 127.0.0.1), as
        the network being down would.
        """
        viewport = viewport or {"width": 1280, "height": 720}
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, target, session["sessionId"], offline)
        self._pages[page.session] = page
        page.setup(viewport, java_script_enabled)
        return page

    def close(self) -> None:
        """End Chromium (asking first, then by signal) and remove its temporary profile."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError, BrowserError):
            self.send("Browser.close")
        deadline = time.monotonic() + 10
        while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        for fd in (self._commands, self._answers):
            os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Requests a page sends to another machine, which an offline tab fails.
EXTERNAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


class Page:
    """One tab. ``errors`` collects its uncaught JavaScript exceptions, ``console`` its console
    messages as ``(type, text)``, ``blocked`` the URLs an offline tab refused."""

    def __init__(self, browser: Browser, target: str, session: str, offline: bool) -> None:
        self.browser, self.target, self.session, self.offline = browser, target, session, offline
        self.errors: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.blocked: list[str] = []
        self.keyboard = Keyboard(self)
        self._frame = ""
        self._url = "about:blank"
        self._loader = ""
        self._reached: set[tuple[str, str]] = set()  # (loader id, lifecycle event) seen

    def call(self, method: str, params: dict | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def setup(self, viewport: dict[str, int], scripts: bool) -> None:
        for domain in ("Page", "Runtime"):
            self.call(f"{domain}.enable")
        self.call("Page.setLifecycleEventsEnabled", {"enabled": True})
        frame = self.call("Page.getFrameTree")["frameTree"]["frame"]
        self._frame, self._loader = frame["id"], frame["loaderId"]
        size = {"width": viewport["width"], "height": viewport["height"]}
        self.call(
            "Emulation.setDeviceMetricsOverride", {**size, "deviceScaleFactor": 1, "mobile": False}
        )
        if not scripts:
            self.call("Emulation.setScriptExecutionDisabled", {"value": True})
        if self.offline:
            patterns = [{"urlPattern": "http://*"}, {"urlPattern": "https://*"}]
            self.call("Fetch.enable", {"patterns": patterns})

    def _on_event(self, method: str, params: dict) -> None:
        if method == "Page.lifecycleEvent" and params["frameId"] == self._frame:
            self._reached.add((params["loaderId"], params["name"]))
        elif method == "Page.frameNavigated" and "parentId" not in params["frame"]:
            frame = params["frame"]
            self._loader = frame["loaderId"]
            self._url = frame["url"] + frame.get("urlFragment", "")
        elif method == "Page.navigatedWithinDocument" and params["frameId"] == self._frame:
            self._url = params["url"]
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details["text"])
        elif method == "Runtime.consoleAPICalled":
            words = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            self.console.append((params["type"], " ".join(words)))
        elif method == "Fetch.requestPaused":
            # Answered without waiting: this runs while another command waits for its answer.
            if EXTERNAL.match(params["request"]["url"]):
                self.blocked.append(params["request"]["url"])
                reason = {"requestId": params["requestId"], "errorReason": "InternetDisconnected"}
                self.browser.send("Fetch.failRequest", reason, self.session)
            else:
                self.browser.send(
                    "Fetch.continueRequest", {"requestId": params["requestId"]}, self.session
                )
        elif method == "Inspector.targetCrashed":
            self.errors.append("the page crashed")

    # --- navigation -----------------------------------------------------------------------------

    def goto(self, url: str, wait_until: str = "load") -> None:
        """Open ``url`` and wait for its ``load`` (or ``domcontentloaded``) event; a missing file
        or an unreachable server raises."""
        event = {"load": "load", "domcontentloaded": "DOMContentLoaded"}[wait_until]
        result = self.call("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        if "loaderId" in result:  # absent when only the fragment changed
            self._wait_for_document(result["loaderId"], event, url)

    @contextlib.contextmanager
    def expect_navigation(self, wait_until: str = "load") -> Iterator[None]:
        """Around an action that opens another page: waits, after it, for that page's load."""
        before = self._loader
        yield
        event = {"load": "load", "domcontentloaded": "DOMContentLoaded"}[wait_until]
        self.browser.pump(lambda: self._loader != before, "a navigation to start")
        self._wait_for_document(self._loader, event, "the new page")

    def _wait_for_document(self, loader: str, event: str, what: str) -> None:
        self.browser.pump(lambda: (loader, event) in self._reached, f"{event} of {what}")

    @property
    def url(self) -> str:
        """The address of the document shown (with its fragment)."""
        return self._url

    def title(self) -> str:
        return self.evaluate("document.title")

    # --- JavaScript -----------------------------------------------------------------------------

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        """The value of a JavaScript expression, or of a function's call with ``arg`` when the
        expression is a function; promises are awaited, the result comes back as JSON."""
        source = (
            f"(async () => {{ const v = ({expression});\n"
            f"return typeof v === 'function' ? await v({json.dumps(arg)}) : await v; }})()"
        )
        return self._evaluate(source)

    def _evaluate(self, source: str) -> Any:
        answer = self.call(
            "Runtime.evaluate",
            {"expression": source, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            message = details.get("exception", {}).get("description") or details["text"]
            raise BrowserError(f"JavaScript error: {message}")
        return answer["result"].get("value")

    def eval_on_selector(self, selector: str, function: str, arg: Any = None) -> Any:
        """``function(element, arg)`` on the first element matching ``selector`` (which must
        exist)."""
        return self._evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});\n"
            f"if (!e) throw new Error('nothing matches ' + {json.dumps(selector)});\n"
            f"return ({function})(e, {json.dumps(arg)}); }})()"
        )

    def eval_on_selector_all(self, selector: str, function: str, arg: Any = None) -> Any:
        """``function(elements, arg)`` on every element matching ``selector``."""
        elements = f"[...document.querySelectorAll({json.dumps(selector)})]"
        return self._evaluate(f"({function})({elements}, {json.dumps(arg)})")

    def locator(self, selector: str) -> Locator:
        return Locator(self, f"[...document.querySelectorAll({json.dumps(selector)})]", selector)

    def get_by_role(self, role: str, name: str) -> Locator:
        return Locator(self, "[document]", "the page").get_by_role(role, name)

    # --- the rest -------------------------------------------------------------------------------

    def screenshot(self, path: str | Path | None = None) -> bytes:
        """The viewport as a PNG (also written to ``path`` when given)."""
        png = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        if path is not None:
            Path(path).write_bytes(png)
        return png

    def mouse_click(self, x: float, y: float) -> None:
        """Move the mouse to (x, y) in CSS pixels of the viewport and click the left button."""
        self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})
        for kind in ("mousePressed", "mouseReleased"):
            event = {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
            self.call("Input.dispatchMouseEvent", event)

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})
        self.browser._pages.pop(self.session, None)


class Keyboard:
    def __init__(self, page: Page) -> None:
        self.page = page

    def press(self, key: str) -> None:
        """Press and release ``key`` (a name such as ``"ArrowRight"``, or one character) on
        whatever has the focus."""
        code = KEY_CODES.get(key, ord(key.upper()) if len(key) == 1 else 0)
        event: dict[str, Any] = {"key": key, "windowsVirtualKeyCode": code}
        if len(key) == 1:
            event["text"] = key
        self.page.call(
            "Input.dispatchKeyEvent",
            {"type": "keyDown" if len(key) == 1 else "rawKeyDown", **event},
        )
        self.page.call("Input.dispatchKeyEvent", {"type": "keyUp", **event})


# A button and its accessible name: aria-label, else its text.
BUTTONS = "button, [role=button], input[type=button], input[type=submit]"
BUTTON_NAME = "b => (b.getAttribute('aria-label') || b.value || b.textContent).trim()"


class Locator:
    """The elements that a chain of selectors picks on a page, found anew at every use.

    ``elements`` is a JavaScript expression giving them as an array. An action on one element
    waits (up to ``TIMEOUT``) for it to be there and refuses when several match.
    """

    def __init__(self, page: Page, elements: str, description: str) -> None:
        self.page, self.elements, self.description = page, elements, description

    def locator(self, selector: str) -> Locator:
        inner = f"[...e.querySelectorAll({json.dumps(selector)})]"
        return Locator(
            self.page, f"({self.elements}).flatMap(e => {inner})", f"{self.description} {selector}"
        )

    def nth(self, index: int) -> Locator:
        return Locator(
            self.page,
            f"({self.elements}).slice({index}, {index + 1})",
            f"{self.description} [{index}]",
        )

    @property
    def first(self) -> Locator:
        return self.nth(0)

    def get_by_role(self, role: str, name: str) -> Locator:
        """The buttons (the one role the tests need) whose accessible name is ``name``."""
        if role != "button":
            raise ValueError(f"get_by_role: only 'button' is supported, got {role!r}")
        found = (
            f"({self.elements}).flatMap(e => [...e.querySelectorAll({json.dumps(BUTTONS)})])"
            f".filter(b => ({BUTTON_NAME})(b) === {json.dumps(name)})"
        )
        return Locator(self.page, found, f"{self.description} button {name!r}")

    def count(self) -> int:
        return self.page._evaluate(f"({self.elements}).length")

    def _run(self, function: str, *args: Any) -> Any:
        arguments = "".join(f", {json.dumps(a)}" for a in args)
        return self.page._evaluate(
            f"(() => {{ const all = {self.elements};\n"
            f"if (all.length !== 1) throw new Error(all.length + ' elements match '"
            f" + {json.dumps(self.description)});\n"
            f"return ({function})(all[0]{arguments}); }})()"
        )

    def wait_for(self, timeout: float = TIMEOUT) -> None:
        """Wait until the element is there and visible."""
        deadline = time.monotonic() + timeout
        while not (self.count() > 0 and self.is_visible()):
            if time.monotonic() > deadline:
                raise BrowserError(f"waited {timeout:g} s for {self.description} to be visible")
            self.page.browser.wait(0.05)

    def is_visible(self) -> bool:
        """There, with a non-empty box, and not ``visibility: hidden`` (now, without waiting)."""
        if self.count() == 0:
            return False
        return self._run(
            "e => { const r = e.getBoundingClientRect();\n"
            "return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; }"
        )

    def inner_text(self) -> str:
        return self._wait_and(lambda: self._run("e => e.innerText ?? e.textContent"))

    def get_attribute(self, name: str) -> str | None:
        return self._wait_and(lambda: self._run("(e, n) => e.getAttribute(n)", name))

    def evaluate(self, function: str, arg: Any = None) -> Any:
        return self._wait_and(lambda: self._run(function, arg))

    def focus(self) -> None:
        self._wait_and(lambda: self._run("e => e.focus()"))

    def click(self, position: dict[str, float] | None = None) -> None:
        """Scroll the element into view if it is not, then click its centre (or ``position``,
        from its top left corner) with the mouse; refuses if another element is on top there."""
        self.wait_for()
        x, y = self._run(
            "(e, p) => { e.scrollIntoViewIfNeeded(true); const r = e.getBoundingClientRect();\n"
            "const x = r.left + (p ? p.x : r.width / 2), y = r.top + (p ? p.y : r.height / 2);\n"
            "const hit = document.elementFromPoint(x, y);\n"
            "if (!hit || !(e === hit || e.contains(hit)))\n"
            "  throw new Error('another element would take the click: ' + (hit && hit.outerHTML"
            ".slice(0, 80)));\n"
            "return [x, y]; }",
            position,
        )
        self.page.mouse_click(x, y)

    def fill(self, text: str) -> None:
        """Focus the field, select what it holds, and type ``text`` over it (input events)."""
        self.wait_for()
        self._run("e => { e.focus(); e.select(); }")
        self.page.call("Input.insertText", {"text": text})

    def _wait_and(self, action: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + TIMEOUT
        while self.count() == 0:
            if time.monotonic() > deadline:
                raise BrowserError(f"waited {TIMEOUT:g} s for {self.description} to appear")
            self.page.browser.wait(0.05)
        return action()


def main(argv: list[str]) -> int:
    """``python -m tests.browser URL OUT.png [WIDTH HEIGHT]``: a screenshot of one page."""
    if len(argv) not in (2, 4):
        print(main.__doc__, file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found (set BACKPROPLAB_CHROMIUM)", file=sys.stderr)
        return 1
    width, height = (int(argv[2]), int(argv[3])) if len(argv) == 4 else (1280, 900)
    with Browser(chromium) as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(argv[0])
        page.screenshot(argv[1])
    print(f"{argv[1]}: {argv[0]} at {width}x{height}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
