"""`debrief-bot demo`: the real bot against a Slack stand-in on 127.0.0.1, played by a scripted hiring
team in simulated time; prints a transcript and writes one self-contained HTML page.

No tokens, no Slack app, no settings: nothing is read from the environment or `.env`, and nothing
leaves this machine. The database is a throwaway SQLite file.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .blockkit import block_lines, view_lines
from .page import render_page
from .reading import plain
from .script import START, Script, names, workspace
from .stage import SimClock, demo_settings, start
from .surfaces import Recorder, Surface

TITLE = "debrief-bot: one onsite, from scheduling to decision"
LEDE = (
    "Every message, modal and Home tab the bot showed, in order, as each person saw it. Recorded by "
    "`debrief-bot demo`: the real bot against a local Slack stand-in, in simulated time. "
    "“Open in Block Kit Builder” shows Slack's own rendering."
)
DEFAULT_PAGE = Path("debrief-demo.html")


@dataclass(frozen=True)
class DemoResult:
    surfaces: list[Surface]
    names: dict[str, str]
    page: Path
    seconds: float
    errors: list[str]


def run(*, out: Path | None = None, seed: int = 1) -> DemoResult:
    """Play the whole story; write the page (and, with `out`, every surface's JSON)."""
    begun = time.monotonic()
    clock = SimClock(START)
    slack = workspace(clock.epoch).start()  # calls are stamped in simulated time
    who = names()
    with tempfile.TemporaryDirectory(prefix="debrief-demo-") as tmp:
        stage = start(slack, demo_settings(slack, Path(tmp) / "demo.db"), clock)
        recorder = Recorder(slack, who, clock)
        try:
            Script(stage, recorder, clock, seed).play()
            _mark_key_surfaces(recorder)
            errors = [f"{r.method}: {r.error} {' '.join(r.messages)}" for r in slack.errors]
        finally:
            stage.stop()
    page = write(recorder.surfaces, who, out)
    return DemoResult(recorder.surfaces, who, page, time.monotonic() - begun, errors)


def _mark_key_surfaces(recorder: Recorder) -> None:
    """Name the surfaces the README shows: the first summary, the first debrief modal, and the
    recruiter's Home tab while a debrief is missing."""
    summary = next(
        s for s in recorder.surfaces
        if s.kind == "message" and s.where.startswith("#") and "Who said what" in json.dumps(s.blocks)
    )  # fmt: skip
    modal = next(s for s in recorder.surfaces if s.kind == "modal" and "Maya Chen" in json.dumps(s.payload)
                 and (s.payload.get("callback_id") == "debrief"))  # fmt: skip
    home = next(
        s for s in recorder.surfaces if s.kind == "home" and "Awaiting feedback" in json.dumps(s.payload)
    )
    for role, surface in (("summary", summary), ("debrief-modal", modal), ("home", home)):
        recorder.surfaces[surface.number - 1] = Surface(**{**surface.__dict__, "role": role})


def write(surfaces: list[Surface], who: dict[str, str], out: Path | None) -> Path:
    if out is None:
        DEFAULT_PAGE.write_text(render_page(surfaces, who, title=TITLE, lede=LEDE), encoding="utf-8")
        return DEFAULT_PAGE
    out.mkdir(parents=True, exist_ok=True)
    raw = out / "surfaces"
    raw.mkdir(exist_ok=True)
    for surface in surfaces:
        record = {
            "number": surface.number,
            "kind": surface.kind,
            "when": surface.when.isoformat(),
            "audience": surface.audience,
            "where": surface.where,
            "step": surface.step,
            "role": surface.role,
            "block_kit_builder": surface.builder_url,
            "payload": surface.payload,
            "submitted_state": surface.state,
        }
        (raw / f"{surface.slug}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False), "utf-8")
    page = out / "index.html"
    page.write_text(render_page(surfaces, who, title=TITLE, lede=LEDE), encoding="utf-8")
    return page


def transcript(surfaces: list[Surface], who: dict[str, str], stream: TextIO) -> None:
    """Each step, then what it put on whose screen, where and when, as text."""
    step = None
    for surface in surfaces:
        if surface.step != step:
            step = surface.step
            print(f"\n▶ {plain(step, who)}", file=stream)
        when = surface.when.strftime("%a %H:%M UTC")
        print(
            f"  #{surface.number} {surface.kind} · {surface.audience} · {surface.where} · {when}", file=stream
        )
        if surface.kind in ("modal", "home"):
            lines = view_lines(surface.payload, who, surface.state)
        elif surface.blocks:
            lines = block_lines(surface.blocks, who)
        else:
            lines = ["  " + line for line in plain(str(surface.payload.get("text") or ""), who).splitlines()]
        for line in lines:
            print("  │" + line, file=stream)


def main(out: Path | None, seed: int, stream: TextIO = sys.stdout) -> int:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # a 50 ms tick skipped while busy is normal here
    result = run(out=out, seed=seed)
    transcript(result.surfaces, result.names, stream)
    print(
        f"\n{len(result.surfaces)} surfaces in {result.seconds:.1f} s. Open {result.page} in a browser "
        "to see them as Slack shows them.",
        file=stream,
    )
    if result.errors:
        print("The Slack stand-in refused some calls:\n  " + "\n  ".join(result.errors), file=stream)
        return 1
    return 0
