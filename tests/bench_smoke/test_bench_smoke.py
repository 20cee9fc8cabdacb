"""The benchmark at tiny sizes, so it cannot rot: it runs end to end and writes a well-formed table.

No timing is asserted: this machine's speed is not the test's business, only that every section ran.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("Request path", "Tick", "Summary", "Memory")
RESULTS = ("**pass**", "**miss**", "**skipped**")


def markdown_tables(text: str) -> dict[str, list[list[str]]]:
    """Each `### title` followed by a table: title -> rows of cells (header and separator included)."""
    tables: dict[str, list[list[str]]] = {}
    title = ""
    for line in text.splitlines():
        if line.startswith("### "):
            title = line[4:].strip()
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            tables.setdefault(title, []).append(cells)
    return tables


@pytest.mark.slow
def test_a_quick_run_writes_a_well_formed_results_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--db", "sqlite", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    text = out.read_text()
    assert text.strip() in run.stdout  # printed as well as written

    tables = markdown_tables(text)
    assert {"Machine", "Targets"} <= set(tables)
    for title, rows in tables.items():
        header, separator, *body = rows
        assert all(cell == "---" for cell in separator), title
        assert body, f"{title} has no rows"
        assert all(len(row) == len(header) for row in body), f"{title} has ragged rows"

    machine = {row[0] for row in tables["Machine"][2:]}
    assert {"nproc", "CPU", "RAM"} <= machine
    header, _, *targets = tables["Targets"]
    assert header == ["section", "target", "db", "measured", "result"]
    assert {row[0] for row in targets} == set(SECTIONS)
    assert all(row[4] in RESULTS for row in targets)
    for section in SECTIONS:
        assert f"\n## {section}\n" in text
    requests = tables["Ack latency (ms) and throughput"]
    apps = {row[requests[0].index("app")] for row in requests[2:]}
    assert apps == {"bare Bolt (floor)", "peer (Bolt docs)", "debrief-bot"}  # the three, side by side
