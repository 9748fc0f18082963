"""Node-RED for ``bench/peers.py``: the synchronous forward a small restaurant or an
integrator would build instead of the hub (an HTTP-in node, a function that maps the
order, an HTTP request to Poster, the answer sent back), installed with npm and run as
one process that can be killed and started again.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from _root import servers
from orderbridge.demo import DEMO_LOCATIONS
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN

NODE_RED = "node-red@4"

# The flow: validate and map the order (output 1) or answer 400 (output 2), call
# createIncomingOrder, answer 201 with the order's id once Poster answered, else 502.
MAP_ORDER = """
const o = msg.payload || {};
const spot = SPOTS[o.location_id];
const c = o.customer || {};
if (!spot || !Array.isArray(o.items) || o.items.length === 0 || !c.phone
    || typeof o.channel_order_id !== "string") {
  msg.statusCode = 400;
  msg.payload = {error: {code: "invalid_order", message: "bad order", field: null}};
  return [null, msg];
}
const name = String(c.name || "").trim().split(" ");
msg.orderId = o.channel_order_id;
msg.payload = {
  spot_id: spot,
  phone: c.phone,
  first_name: name[0],
  last_name: name.slice(1).join(" "),
  products: o.items.map(i => ({product_id: Number(i.item_id), count: i.quantity})),
  comment: (o.note ? o.note + " " : "") + "[ob:" + o.channel_order_id + "]",
  service_mode: 2,
};
msg.url = URL;
msg.method = "POST";
msg.headers = {"content-type": "application/json"};
return [msg, null];
"""
ANSWER = """
const r = msg.payload;
msg.headers = {"content-type": "application/json"};
if (msg.statusCode === 200 && r && r.response && r.response.incoming_order_id) {
  msg.statusCode = 201;
  msg.payload = {id: msg.orderId, pos_order_id: String(r.response.incoming_order_id)};
} else {
  msg.statusCode = 502;
  msg.payload = {error: {code: "pos_error", message: JSON.stringify(r).slice(0, 200),
                         field: null}};
}
return msg;
"""


def flow(poster_url: str) -> list[dict[str, Any]]:
    """The Node-RED flow, as its editor would export it."""
    spots = {location: int(spot) for location, _name, spot in DEMO_LOCATIONS}
    url = f"{poster_url}/api/incomingOrders.createIncomingOrder?token={DEMO_TOKEN}"
    head = f"const SPOTS = {json.dumps(spots)};\nconst URL = {json.dumps(url)};\n"
    node: dict[str, Any] = {"z": "tab", "x": 100, "y": 100}
    return [
        {"id": "tab", "type": "tab", "label": "orders"},
        {
            **node,
            "id": "in",
            "type": "http in",
            "url": "/api/v1/orders",
            "method": "post",
            "upload": False,
            "wires": [["map"]],
        },
        {
            **node,
            "id": "map",
            "type": "function",
            "func": head + MAP_ORDER,
            "outputs": 2,
            "wires": [["pos"], ["out"]],
        },
        {
            **node,
            "id": "pos",
            "type": "http request",
            "method": "use",
            "ret": "obj",
            "paytoqs": "ignore",
            "url": "",
            "persist": True,
            "senderr": False,
            "headers": [],
            "wires": [["answer"]],
        },
        {
            **node,
            "id": "answer",
            "type": "function",
            "func": ANSWER,
            "outputs": 1,
            "wires": [["out"]],
        },
        {
            **node,
            "id": "out",
            "type": "http response",
            "statusCode": "",
            "headers": {},
            "wires": [],
        },
    ]


def install_node_red(folder: Path) -> Path:
    """``npm install node-red@4`` into ``folder``; the path of its ``red.js``."""
    red = folder / "node_modules" / "node-red" / "red.js"
    if not red.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--omit=dev",
                "--prefix",
                str(folder),
                NODE_RED,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    version = json.loads((red.parent / "package.json").read_text())["version"]
    print(f"Node-RED {version} in {folder}, node {node_version()}")
    return red


def node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


@dataclass
class NodeRed:
    """One Node-RED process running the flow, started again after a kill."""

    red: Path
    folder: Path
    poster_url: str
    port: int = field(default_factory=servers.free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "flows.json").write_text(json.dumps(flow(self.poster_url)))
        settings = {
            "uiHost": "127.0.0.1",
            "uiPort": self.port,
            "userDir": str(self.folder),
            "flowFile": "flows.json",
            "httpAdminRoot": False,  # no editor: a production flow
            "credentialSecret": False,
            "logging": {"console": {"level": "warn", "metrics": False, "audit": False}},
        }
        (self.folder / "settings.js").write_text(f"module.exports = {json.dumps(settings)};\n")
        with (self.folder / "node-red.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["node", str(self.red), "--settings", str(self.folder / "settings.js")],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        # The flow answers 400 to an empty order once it runs (before: 404 or no answer).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Node-RED exited: {(self.folder / 'node-red.log').read_text()[-2000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.post(f"{self.url}/api/v1/orders", json={}, timeout=1).status_code == 400:
                    return
            time.sleep(0.1)
        raise TimeoutError("Node-RED's flow did not answer within 60 s")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
