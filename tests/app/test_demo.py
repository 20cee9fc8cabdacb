"""`debrief-bot demo`: the whole story runs through the real bot against the Slack stand-in, and every
surface reaches the transcript, the HTML page and the raw JSON."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.demo import DemoResult, run, transcript
from bot.demo.surfaces import BUILDER


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run(out=tmp_path_factory.mktemp("demo"), seed=1)


def where(result: DemoResult, kind: str, audience: str) -> list[dict]:  # type: ignore[type-arg]
    return [s.payload for s in result.surfaces if s.kind == kind and s.audience == audience]


def text(payload: dict) -> str:  # type: ignore[type-arg]
    return json.dumps(payload, ensure_ascii=False)


def test_the_story_is_told_in_under_20_seconds_with_nothing_refused(demo: DemoResult) -> None:
    assert demo.errors == []  # the stand-in validates every payload as Slack does
    assert demo.seconds < 20
    kinds = [s.kind for s in demo.surfaces]
    assert {"message", "ephemeral", "edited", "modal", "home"} <= set(kinds)
    assert [s.number for s in demo.surfaces] == list(range(1, len(demo.surfaces) + 1))
    assert all(a.when <= b.when for a, b in zip(demo.surfaces, demo.surfaces[1:], strict=False))


def test_every_surface_of_the_story_is_there_in_order(demo: DemoResult) -> None:
    titles = [s.title for s in demo.surfaces if s.kind == "modal"]
    assert titles[:2] == ["Schedule interview", "Interview scheduled"]
    assert titles.count("Debrief") == 3 and titles[-1] == "Who said what"
    channel = [text(p) for p in where(demo, "message", "everyone in the channel")]
    assert "Time to debrief" in channel[0]
    [summary] = [m for m in channel if "Who said what" in m]
    assert "deal-breaker raised by <@UBO>" in summary  # the veto, from Bo's answer
    assert "Fit: <@UANA> Great fit vs <@UPRIYA>" in summary  # the split on fit
    assert "<@UCARLOS>" in summary  # the person to meet
    for person in ("Ana Souza", "Priya Nair", "Bo Lindqvist"):
        dms = [text(p) for p in where(demo, "message", person)]
        assert "Write debrief" in dms[0]  # the prompt, then a receipt
        assert any("Edit my debrief" in dm for dm in dms)
    bo = [text(p) for p in where(demo, "message", "Bo Lindqvist")]
    assert any("Snooze" in dm for dm in bo)  # the late one's reminder
    assert not any("Snooze" in text(p) for p in where(demo, "message", "Ana Souza"))
    hana = [text(p) for p in where(demo, "message", "Hana Kim")]
    assert any("former manager" in dm for dm in hana)  # the private note reaches only the hiring manager
    assert not any("former manager" in m for m in channel)
    edits = [text(s.payload) for s in demo.surfaces if s.kind == "edited"]
    assert "Decided: Hold" in edits[0] and "follow-up note" in edits[-1]
    assert [s.audience for s in demo.surfaces if s.kind == "home"][-1] == "Hana Kim"
    steps = [s.step for s in demo.surfaces]
    assert steps.index(next(s for s in steps if "Hold" in s)) > steps.index(
        next(s for s in steps if "Who said" in s)
    )


def test_every_surface_passes_slack_sdk_validation(demo: DemoResult) -> None:
    for surface in demo.surfaces:
        if surface.kind in ("modal", "home"):
            View(**surface.payload).validate_json()
        for block in surface.blocks:
            Block.parse(block).validate_json()  # type: ignore[union-attr]


def test_the_page_is_self_contained_and_shows_every_surface(demo: DemoResult) -> None:
    page = demo.page.read_text(encoding="utf-8")
    sections = re.findall(r'<section class="surface" id="s-(\d+)"', page)
    assert [int(n) for n in sections] == [s.number for s in demo.surfaces]
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert len(hrefs) == len(demo.surfaces) and all(h.startswith(BUILDER) for h in hrefs)
    assert not re.search(r"<(link|img|iframe|object|embed)\b|\bsrc=|url\(|@import", page, re.I)
    # outside the builder links, no address at all that a browser could fetch
    assert not re.search(r"(src|href|action)=\"(?!https://app\.slack\.com/block-kit-builder/#)", page)
    for role in ("summary", "debrief-modal", "home"):
        assert f'data-role="{role}"' in page
    assert "Maya Chen" in page and "Who said what" in page and "Only visible to you" in page
    assert "Had read our post" in page or "Asked sharp questions" in page  # Ana's answers, in her form


def test_each_builder_link_carries_its_surface(demo: DemoResult) -> None:
    for surface in demo.surfaces:
        loaded = json.loads(unquote(surface.builder_url.removeprefix(BUILDER)))
        if surface.kind in ("modal", "home"):
            assert loaded == surface.payload and loaded["type"] in ("modal", "home")
        else:
            assert loaded == {"blocks": surface.blocks}


def test_out_holds_the_raw_json_of_every_surface(demo: DemoResult) -> None:
    files = sorted((demo.page.parent / "surfaces").glob("*.json"))
    assert [f.name for f in files] == [f"{s.slug}.json" for s in demo.surfaces]
    summary = next(s for s in demo.surfaces if s.role == "summary")
    record = json.loads((demo.page.parent / "surfaces" / f"{summary.slug}.json").read_text())
    assert record["payload"] == summary.payload and record["where"] == "#hiring-platform"
    modal = next(s for s in demo.surfaces if s.role == "debrief-modal")
    record = json.loads((demo.page.parent / "surfaces" / f"{modal.slug}.json").read_text())
    assert record["submitted_state"]["fit"]["fit"]["selected_option"]["value"] == "4"


def test_the_transcript_says_who_sees_what_where_and_when(demo: DemoResult) -> None:
    stream = io.StringIO()
    transcript(demo.surfaces, demo.names, stream)
    out = stream.getvalue()
    assert "▶ Rita types `/debrief schedule` in #hiring-platform" in out
    assert "modal · Rita Okafor · a modal over Slack, shown as they submitted it · Mon 08:00 UTC" in out
    assert "message · Bo Lindqvist · direct message from debrief-bot · Mon 16:05 UTC" in out  # the reminder
    assert "ephemeral · only Rita Okafor" in out
    assert "[ Write debrief* ]" in out and "[ Who said what ]" in out  # buttons (* = primary)
    assert "@Carlos Mendes" in out and "<@" not in out  # mentions read as names
    assert "○ Strong no" in out  # a modal's choices
    # a submitted form shows what its person chose and typed
    assert "modal · Ana Souza · a modal over Slack, shown as they submitted it" in out
    assert "◉ Great fit" in out and "☑ Depth in a skill" in out
    assert "[ @Ana Souza, @Priya Nair, @Bo Lindqvist ▾ ]" in out and "[ Mon 02 Mar 2026, 13:00 UTC ▾ ]" in out


def test_the_seed_varies_the_answers_not_the_story(demo: DemoResult, tmp_path: Path) -> None:
    other = run(out=tmp_path, seed=7)
    # the same surfaces step by step (within a step, concurrent sends may land in either order)
    assert Counter((s.step, s.kind) for s in other.surfaces) == Counter(
        (s.step, s.kind) for s in demo.surfaces
    )
    summaries = [next(text(s.payload) for s in r.surfaces if s.role == "summary") for r in (demo, other)]
    assert summaries[0] != summaries[1]


def test_the_command_needs_no_settings_and_ignores_the_ones_it_finds(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgresql://nobody@127.0.0.1:1/none\nSLACK_BOT_TOKEN=xoxb-real\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEBRIEF_", "DATABASE_"))}
    env["DEBRIEF_TICK_SECONDS"] = "-1"  # unreadable settings don't matter to the demo
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 20
    assert "▶ Hana clicks “Who said what” on the summary" in done.stdout
    assert "debrief-demo.html" in done.stdout.splitlines()[-1]
    assert (tmp_path / "debrief-demo.html").stat().st_size > 10_000
