"""A student without a browser: the classroom page's traffic, spoken from Python.

Thirty Chromium pages drawing the panel on the server's own two cores measure
the wrong thing: in a class each page draws on the student's laptop.  This
client puts on the server exactly what a page puts on it, and nothing more:

1. ``GET /``: Voila sends the page, with the id of the kernel it took from
   the pool in the page's config (``served``);
2. the kernel's websocket (``/api/kernels/<id>/channels``), then what
   ipywidgets' manager sends once it is up: ``comm_info_request`` and a
   ``request_states`` on a ``jupyter.widget.control`` comm, answered by the
   state of every widget in the panel (``states``);
3. a "Next step" click: the button's ``custom`` click message, answered
   when the kernel sends the equation's new text (``click``);
4. on leaving, the request Voila's page sends on ``beforeunload``
   (``POST /voila/api/shutdown/<id>``).

The messages are Jupyter's JSON websocket format (no subprotocol); a frame
with binary buffers is unpacked as jupyter_server packs it.
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from datetime import datetime, timezone

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

CONTROL_PROTOCOL = "1.0.0"  # ipywidgets 8's jupyter.widget.control comm
# a widget's view in the page: the output the browser turns into the widget
_VIEW = re.compile(r'"model_id":\s*"([0-9a-f]{32})"')
_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S)


def page_kernel_id(html: str) -> str:
    """The kernel id Voila wrote into the page's config."""
    match = _CONFIG.search(html)
    if match is None:
        raise ValueError("the page has no jupyter-config-data")
    return json.loads(match.group(1))["kernelId"]


def unpack(frame: str | bytes) -> dict:
    """A kernel message from a websocket frame (text, or jupyter_server's binary packing)."""
    if isinstance(frame, str):
        return json.loads(frame)
    (count,) = struct.unpack_from("!I", frame, 0)
    offsets = struct.unpack_from(f"!{count}I", frame, 4)
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end])


class WidgetClient:
    """One student's page, reduced to its traffic with the server."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.session = uuid.uuid4().hex
        self.kernel_id: str | None = None
        self.views: set[str] = set()  # model ids of the widget views in the page
        self.states: dict[str, dict] = {}
        self._ws = None
        # a client of its own: tornado's shared one runs 10 requests at a time
        # and fails the others after 20 s in its queue, which no browser does
        self._http = AsyncHTTPClient(force_instance=True)

    async def get_page(self) -> str:
        """Ask for the page; return the kernel id it names."""
        response = await self._http.fetch(self.url, connect_timeout=self.timeout_s, request_timeout=self.timeout_s)
        html = response.body.decode()
        self.kernel_id = page_kernel_id(html)
        self.views = set(_VIEW.findall(html))
        return self.kernel_id

    def _message(self, channel: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        header = {
            "msg_id": uuid.uuid4().hex,
            "username": "student",
            "session": self.session,
            "msg_type": msg_type,
            "version": "5.3",
            "date": datetime.now(timezone.utc).isoformat(),
        }
        self._last_id = header["msg_id"]
        return json.dumps(
            {
                "header": header,
                "parent_header": {},
                "metadata": metadata or {},
                "content": content,
                "channel": channel,
                "buffers": [],
            }
        )

    async def _receive_until(self, wanted) -> dict:
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer within {self.timeout_s:.0f} s")
            frame = await asyncio.wait_for(self._ws.read_message(), left)
            if frame is None:
                raise ConnectionError("the kernel's websocket closed")
            message = unpack(frame)
            if wanted(message):
                return message

    async def load_widgets(self) -> int:
        """Connect to the kernel and fetch every widget's state, as the page's manager does.

        Returns the number of widget models.
        """
        ws_url = self.url.replace("http://", "ws://", 1).rstrip("/")
        self._ws = await websocket_connect(
            f"{ws_url}/api/kernels/{self.kernel_id}/channels?session_id={self.session}",
            connect_timeout=self.timeout_s,
            max_message_size=256 * 1024 * 1024,
        )
        await self._ws.write_message(self._message("shell", "comm_info_request", {"target_name": "jupyter.widget"}))
        await self._receive_until(lambda m: m["header"]["msg_type"] == "comm_info_reply")
        self._control = uuid.uuid4().hex
        await self._ws.write_message(
            self._message(
                "shell",
                "comm_open",
                {"comm_id": self._control, "target_name": "jupyter.widget.control", "data": {}},
                {"version": CONTROL_PROTOCOL},
            )
        )
        await self.request_states()
        return len(self.states)

    async def request_states(self) -> dict[str, dict]:
        """Every widget's state as the kernel holds it now (model id -> model)."""
        await self._ws.write_message(
            self._message("shell", "comm_msg", {"comm_id": self._control, "data": {"method": "request_states"}})
        )
        reply = await self._receive_until(
            lambda m: m["header"]["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update_states"
        )
        self.states = reply["content"]["data"]["states"]
        return self.states

    def model_id(self, model_name: str, dom_class: str | None = None, **state) -> str:
        """The id of the one ``model_name`` widget with ``dom_class`` whose state holds ``state``."""
        found = [
            mid
            for mid, s in self.states.items()
            if s["model_name"] == model_name
            and (dom_class is None or dom_class in s["state"].get("_dom_classes", []))
            and all(s["state"].get(k) == v for k, v in state.items())
        ]
        if len(found) != 1:
            raise LookupError(f"{len(found)} {model_name} widgets with {dom_class or ''} {state}")
        return found[0]

    async def click(self, button_id: str, target_id: str) -> float:
        """Click the button ``button_id``; milliseconds until ``target_id``'s value changes."""
        start = time.perf_counter()
        await self._ws.write_message(
            self._message(
                "shell", "comm_msg", {"comm_id": button_id, "data": {"method": "custom", "content": {"event": "click"}}}
            )
        )
        await self._receive_until(
            lambda m: (
                m["header"]["msg_type"] == "comm_msg"
                and m["content"]["comm_id"] == target_id
                and m["content"]["data"].get("method") == "update"
                and "value" in m["content"]["data"].get("state", {})
            )
        )
        return (time.perf_counter() - start) * 1000

    def drop(self) -> None:
        """Close the websocket without a word, as a laptop closed with the page open does."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    async def leave(self) -> None:
        """Close the websocket and ask for the kernel's shutdown, as a closed tab does."""
        self.drop()
        if self.kernel_id is not None:
            request = HTTPRequest(
                f"{self.url.rstrip('/')}/voila/api/shutdown/{self.kernel_id}",
                method="POST",
                body=b"",
                connect_timeout=self.timeout_s,
                request_timeout=self.timeout_s,
            )
            await self._http.fetch(request)
