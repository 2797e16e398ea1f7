"""Webhook receivers for `make bench`: several HTTP/1.1 servers (keep-alive) in one asyncio process.

Usage: webhook_receiver.py DIR NAME[:flaky] ... — one server per NAME on a free loopback port,
written to DIR/NAME.port. A flaky one answers 500 to half the requests, at random. On SIGTERM each
writes DIR/NAME.json: requests, ids answered 2xx, ids answered 2xx more than once, and when the
last 2xx was (Unix seconds).
"""
import asyncio
import json
import os
import random
import signal
import sys
import time


class Receiver:
    def __init__(self, name, flaky):
        self.name, self.flaky = name, flaky
        self.requests = 0
        self.accepted = set()
        self.twice = 0
        self.last_success = 0.0

    async def serve(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.split(b"\r\n")[1:]:
                    if b":" in line:
                        name, value = line.split(b":", 1)
                        headers[name.strip().lower()] = value.strip()
                await reader.readexactly(int(headers.get(b"content-length", b"0")))
                self.requests += 1
                if self.flaky and random.random() < 0.5:
                    writer.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
                else:
                    message = headers.get(b"webhook-id", b"")
                    if message in self.accepted:
                        self.twice += 1
                    self.accepted.add(message)
                    self.last_success = time.time()
                    writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def stats(self):
        return {"requests": self.requests, "accepted": len(self.accepted), "twice": self.twice, "last_success": self.last_success}


async def main(directory, specs):
    receivers = []
    for spec in specs:
        name, _, kind = spec.partition(":")
        receiver = Receiver(name, kind == "flaky")
        server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0, backlog=1024)
        with open(os.path.join(directory, f"{name}.port"), "w") as file:
            file.write(str(server.sockets[0].getsockname()[1]))
        receivers.append(receiver)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for receiver in receivers:
        with open(os.path.join(directory, f"{receiver.name}.json"), "w") as file:
            json.dump(receiver.stats(), file)


if __name__ == "__main__":
    os.makedirs(sys.argv[1], exist_ok=True)
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
