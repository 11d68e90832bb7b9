"""A minimal asyncio Server-Sent Events client, for the live-push benchmark and tests.

Thousands of streams must be cheap to hold open from one process, so this
speaks just enough HTTP/1.1 (one GET, chunked body) over asyncio streams.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """One received event: its type, data and id (None when the event carried none)."""

    event: str
    data: str
    id: str | None


class Stream:
    """One open event stream."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.status = 0
        self._buffer = b""
        self._chunk_left = 0

    async def _body(self) -> bytes:
        # Decode one piece of the chunked body.
        if self._chunk_left == 0:
            size_line = await self.reader.readline()
            if not size_line:
                raise EOFError
            size = int(size_line.strip() or b"0", 16)
            if size == 0:
                raise EOFError
            self._chunk_left = size
        data = await self.reader.read(self._chunk_left)
        if not data:
            raise EOFError
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            await self.reader.readline()
        return data

    async def next_event(self) -> Event:
        """The next event (comments and `retry:` lines skipped); EOFError when the stream ends."""
        while True:
            while b"\n\n" not in self._buffer:
                self._buffer += await self._body()
            block, self._buffer = self._buffer.split(b"\n\n", 1)
            fields: dict[str, str] = {}
            for line in block.decode().splitlines():
                if line.startswith(":") or ":" not in line:
                    continue
                name, value = line.split(":", 1)
                fields[name] = value.removeprefix(" ")
            if "event" in fields or "data" in fields:
                return Event(
                    fields.get("event", "message"), fields.get("data", ""), fields.get("id")
                )

    def close(self) -> None:
        self.writer.close()


async def open_stream(
    host: str, port: int, path: str, *, cookie: str = "", last_event_id: str | None = None
) -> Stream:
    """GET `path` as an event stream; the status is on the result (200 streams, 204 does not)."""
    reader, writer = await asyncio.open_connection(host, port)
    headers = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Accept: text/event-stream",
    ]
    if cookie:
        headers.append(f"Cookie: {cookie}")
    if last_event_id is not None:
        headers.append(f"Last-Event-ID: {last_event_id}")
    writer.write(("\r\n".join(headers) + "\r\n\r\n").encode())
    await writer.drain()
    stream = Stream(reader, writer)
    status_line = await reader.readline()
    stream.status = int(status_line.split()[1])
    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
        pass
    return stream
