"""A webhook endpoint on 127.0.0.1 whose answers a test scripts (500, 429 + Retry-After, slow,
ok), run by uvicorn in a thread. It verifies every delivery with zkvct.webhook like a real
receiver and records what it accepted."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI, Request, Response

from zkvct import webhook


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Script:
    def __init__(self, secret: bytes, answers: list):
        self.secret = secret
        self.answers = list(answers)  # each: int status, ("retry-after", status, value) or ("sleep", secs)
        self.accepted: list[webhook.Delivery] = []
        self.calls: list[dict] = []
        self.seen = webhook.SeenIds()

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request):
            body = await request.body()
            self.calls.append({"headers": dict(request.headers), "body": body, "at": time.time()})
            answer = self.answers.pop(0) if self.answers else 200
            if isinstance(answer, tuple) and answer[0] == "sleep":
                time.sleep(answer[1])
                answer = 200
            if isinstance(answer, tuple) and answer[0] == "retry-after":
                return Response(status_code=answer[1], headers={"retry-after": answer[2]})
            if answer != 200:
                return Response(status_code=answer)
            try:
                d = webhook.verify(self.secret, request.headers, body, seen=self.seen)
            except webhook.WebhookError as e:
                if e.code == "replayed":
                    return Response(status_code=200)
                return Response(status_code=401, content=e.code)
            self.accepted.append(d)
            return Response(status_code=200)

        return app


@contextmanager
def serve(script: Script):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(script.app(), host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.should_exit = True
        t.join(5)
