#!/usr/bin/python3
"""A real SMTP server on loopback for tests and benchmarks (aiosmtpd): keeps every message it
accepts as DIR/NNNNNN.eml and writes its port to DIR/port once it listens.

Usage: smtp_sink.py DIR [--port P] [--reject ADDRESS ...] [--count-only] [--notify-after N]
  --reject ADDRESS  answer RCPT TO:<ADDRESS> with 550 (a permanent refusal)
  --count-only      count messages (DIR/count on exit, and their Message-IDs in DIR/ids) without
                    writing files: the benchmark's sink, so disk writes do not limit the rate
  --notify-after N  write a line to the FIFO DIR/done once N messages arrived, so that a benchmark
                    waits for them without polling
"""
import argparse
import asyncio
import os
import signal
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, rejected, count_only, notify_after):
        self.directory = directory
        self.notify_after = notify_after
        self.rejected = {address.lower() for address in rejected}
        self.count_only = count_only
        self.count = 0
        self.ids = open(os.path.join(directory, "ids"), "a", buffering=1) if count_only else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.count == self.notify_after:
            # Opening a FIFO blocks until its reader is there: not on the server's loop.
            threading.Thread(target=self.notify, daemon=True).start()
        if self.count_only:
            for line in envelope.original_content.split(b"\r\n", 20):
                if line.lower().startswith(b"message-id:"):
                    self.ids.write(line.split(b":", 1)[1].strip().decode() + "\n")
                    break
        else:
            name = os.path.join(self.directory, "%06d.eml" % self.count)
            with open(name + ".tmp", "wb") as file:
                file.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
                file.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
                file.write(envelope.original_content)
            os.rename(name + ".tmp", name)
        return "250 Message accepted for delivery"

    def notify(self):
        with open(os.path.join(self.directory, "done"), "w") as fifo:
            fifo.write("%d\n" % self.count)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--count-only", action="store_true")
    parser.add_argument("--notify-after", type=int, default=0)
    arguments = parser.parse_args()
    os.makedirs(arguments.directory, exist_ok=True)
    if arguments.notify_after:
        os.mkfifo(os.path.join(arguments.directory, "done"))
    sink = Sink(arguments.directory, arguments.reject, arguments.count_only, arguments.notify_after)

    port = arguments.port
    if port == 0:
        import socket
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port, decode_data=False,
                            server_kwargs={"data_size_limit": 50 * 1024 * 1024})
    controller.start()
    port_file = os.path.join(arguments.directory, "port")
    with open(port_file + ".tmp", "w") as file:
        file.write(str(port))
    os.rename(port_file + ".tmp", port_file)

    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for name in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(name, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    with open(os.path.join(arguments.directory, "count"), "w") as file:
        file.write(str(sink.count))


if __name__ == "__main__":
    main()
