"""`python -m fakeslack --port N --latency-ms 20`: serve the fake until killed.

Prints the Web API URL (for WebClient(base_url=...)) as the first stdout line; the benchmark
reads it, then drives the fake through RemoteFake (/_fake/... control endpoints).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .server import FakeSlack


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fakeslack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay before every response")
    parser.add_argument("--lenient", action="store_true", help="a missing text fallback is a warning")
    parser.add_argument("--user", action="append", default=[], metavar="ID[:NAME]", help="repeatable")
    parser.add_argument(
        "--channel", action="append", default=[], metavar="ID:NAME[:private][:nonmember]", help="repeatable"
    )
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-kinds", default="429,500,drop")
    parser.add_argument("--seed", type=int, default=123)
    parser.add_argument("--retry-after", default="1", help="Retry-After seconds on injected 429s")
    parser.add_argument("--channel-rate", type=float, default=0.0, help="postMessage per second per channel")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> FakeSlack:
    fake = FakeSlack(latency=args.latency_ms / 1000, strict=not args.lenient, host=args.host, port=args.port)
    for spec in args.user:
        user_id, _, name = spec.partition(":")
        fake.add_user(user_id, name or None)
    for spec in args.channel:
        channel_id, name, *flags = spec.split(":")
        fake.add_channel(channel_id, name, is_private="private" in flags, member="nonmember" not in flags)
    if args.fault_rate:
        kinds = [k.strip() for k in args.fault_kinds.split(",") if k.strip()]
        fake.inject_faults(args.fault_rate, kinds, args.seed, retry_after=args.retry_after)
    if args.channel_rate:
        fake.channel_rate(args.channel_rate)
    return fake


def main(argv: list[str] | None = None) -> int:
    fake = build(parse_args(argv)).start()
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(fake.api_url, flush=True)
    stop.wait()
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
