"""uvicorn's HTTP protocol with TCP_NODELAY on every connection, and its own errors as JSON.

asyncio turns Nagle's algorithm off only on sockets it opens itself; with ``--workers N`` the
listening socket is inherited by the worker processes and accepted connections keep Nagle on.
A response written as headers then body then waits for the client's delayed ACK: about 40 ms
on every request. Setting TCP_NODELAY here makes one and many workers behave the same.

A request the HTTP parser cannot read never reaches the app: uvicorn answers it itself, in
plain text. Here it is answered in the API's one error shape,
``{"error": {"code": "bad_request", "message": ...}}``, like every other error.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

import h11
import orjson
from uvicorn.protocols.http.auto import AutoHTTPProtocol


def error_body(message: str) -> bytes:
    text = f"The request cannot be read as HTTP: {message}."
    return orjson.dumps({"error": {"code": "bad_request", "message": text}})


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):  # not a TCP socket after all: leave it be
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

    def send_400_response(self, msg: str) -> None:
        body = error_body(msg)
        conn = getattr(self, "conn", None)
        if conn is not None:  # the h11 protocol
            headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
            for event in (
                h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                h11.Data(data=body),
                h11.EndOfMessage(),
            ):
                self.transport.write(conn.send(event))
        else:  # the httptools protocol
            head = (
                b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
            )
            self.transport.write(head + body)
        self.transport.close()
