#!/usr/bin/env python3
"""A mail server for tests. Listens on a free loopback port (printed as "port N"), and appends one
JSON line per event to --out: {"event": "rcpt"} when a recipient is offered, and {"event": "message",
...} with the decoded message once the server has accepted it.

--mode accept   a working server (aiosmtpd)
--mode drop     accepts TCP connections and closes them at once
--delay-rcpt S  waits S seconds before answering each RCPT (to kill a client mid-conversation)
"""
import argparse
import asyncio
import email
import email.policy
import json

from aiosmtpd.smtp import SMTP


def record(path, entry):
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        out.flush()


class Recorder:
    def __init__(self, path, delay):
        self.path = path
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        record(self.path, {"event": "rcpt", "to": address})
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        record(self.path, {
            "event": "message",
            "envelope_to": envelope.rcpt_tos,
            "to": str(message["to"]),
            "from": str(message["from"]),
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "text": plain.get_content() if plain else None,
            "html": html.get_content() if html else None,
        })
        return "250 Message accepted for delivery"


async def drop(reader, writer):
    writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", choices=["accept", "drop"], default="accept")
    parser.add_argument("--delay-rcpt", type=float, default=0.0)
    args = parser.parse_args()
    loop = asyncio.get_running_loop()
    if args.mode == "drop":
        server = await asyncio.start_server(drop, "127.0.0.1", 0)
    else:
        handler = Recorder(args.out, args.delay_rcpt)
        server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"port {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
