"""The demo as one self-contained HTML page: every surface in order, close to Slack's look, each with
a link that opens it in Block Kit Builder. Inline CSS only; nothing is fetched from anywhere."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

from .blockkit import message_html, view_html
from .surfaces import Surface

_COLOURS = ("#4a154b", "#1264a3", "#2bac76", "#e01e5a", "#ecb22e", "#36c5f0", "#7c3085")

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f4f6;color:#1d1c1d;font:15px/1.46 -apple-system,BlinkMacSystemFont,"Segoe UI",
Roboto,Helvetica,Arial,sans-serif}
main{max-width:860px;margin:0 auto;padding:24px 16px 64px}
h1{font-size:26px;margin:8px 0 4px}.lede{color:#616061;margin:0 0 24px}
.surface{background:#fff;border:1px solid #e1e1e1;border-radius:10px;margin:0 0 20px;overflow:hidden}
.bar{display:flex;gap:10px;align-items:baseline;padding:10px 16px;background:#f8f8f8;border-bottom:1px solid #e8e8e8;
font-size:13px;color:#616061}.bar .n{font-weight:700;color:#1d1c1d}.bar .kind{text-transform:uppercase;
font-size:11px;letter-spacing:.04em;background:#e8e8e8;border-radius:4px;padding:1px 6px}
.bar a{margin-left:auto;color:#1264a3;text-decoration:none;white-space:nowrap}.bar a:hover{text-decoration:underline}
.step{padding:8px 16px 0;color:#616061;font-size:13px;font-style:italic}
.stage{padding:12px 16px 16px}
.message{display:flex;gap:8px}.avatar{width:36px;height:36px;border-radius:6px;color:#fff;font-weight:700;
display:flex;align-items:center;justify-content:center;flex:none;font-size:15px}
.content{flex:1;min-width:0}.meta{display:flex;gap:6px;align-items:baseline}
.badge{font-size:10px;background:#e8e8e8;color:#616061;border-radius:3px;padding:0 4px;font-weight:700}
.time{color:#616061;font-size:12px}
.ephemeral-note,.edited-note{font-size:12px;color:#616061;margin-top:6px}.ephemeral-note:before{content:"👁 "}
.header{font-size:18px;font-weight:900;margin:6px 0 4px}
.section{display:flex;gap:12px;margin:4px 0}.section .body{flex:1;min-width:0}
.text{white-space:normal;overflow-wrap:anywhere}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:6px}
.context{font-size:12px;color:#616061;margin:4px 0;display:flex;gap:8px;flex-wrap:wrap}
.actions{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0 4px}
.button{display:inline-block;border:1px solid #c7c7c7;border-radius:4px;padding:3px 12px;font-size:14px;
font-weight:700;background:#fff;white-space:nowrap}
.button.primary{background:#007a5a;border-color:#007a5a;color:#fff}
.button.danger{background:#fff;border-color:#e01e5a;color:#e01e5a}
hr{border:0;border-top:1px solid #e1e1e1;margin:10px 0}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
.date,.link{color:#1264a3}
code{font:12px Monaco,Menlo,Consolas,monospace;background:#f6f6f6;border:1px solid #e1e1e1;border-radius:3px;
padding:0 3px;color:#e01e5a}
.quote{display:inline-block;border-left:4px solid #ddd;padding-left:10px}
.modal{max-width:560px;margin:0 auto;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,.18);background:#fff}
.modal-title{display:flex;align-items:center;gap:10px;padding:16px 20px;font-size:20px;font-weight:900;
border-bottom:1px solid #e1e1e1}.modal-title .x{margin-left:auto;color:#616061;font-weight:400}
.app-icon{width:28px;height:28px;border-radius:6px;background:#4a154b}
.modal-body{padding:8px 20px 12px}.modal-foot{display:flex;justify-content:flex-end;gap:8px;padding:14px 20px;
border-top:1px solid #e1e1e1}
.input{margin:12px 0}.input label{display:block;font-weight:700;margin-bottom:6px}
.optional{font-weight:400;color:#616061}
.field{border:1px solid #c7c7c7;border-radius:4px;padding:7px 10px;min-height:36px;white-space:pre-wrap}.field.tall{min-height:72px}
.field.placeholder{color:#8a8a8a}.field.select{display:flex;justify-content:space-between}
.hint{font-size:12px;color:#616061;margin-top:4px}
.choice{display:flex;align-items:center;gap:8px;margin:4px 0}
.box,.dot{width:16px;height:16px;border:1px solid #8a8a8a;flex:none}.box{border-radius:3px}.dot{border-radius:50%}
.box.on,.dot.on{background:#1264a3;border-color:#1264a3}
.home{border:1px solid #e1e1e1;border-radius:8px;padding:0 20px 12px}
.tabs{display:flex;gap:18px;border-bottom:1px solid #e1e1e1;margin:0 -20px 10px;padding:10px 20px;color:#616061}
.tabs b{color:#1d1c1d;border-bottom:2px solid #1264a3;padding-bottom:8px;margin-bottom:-11px}
.image{font-style:italic}
body.only main>h1,body.only main>.lede{display:none}body.only .surface{display:none}
body.only .surface.shown{display:block;margin:0}body.only main{padding:12px}
"""

# ?only=<role or number> shows that surface alone (for screenshots); nothing else runs.
SCRIPT = """
(function(){var q=new URLSearchParams(location.search).get('only');if(!q)return;
document.body.classList.add('only');document.querySelectorAll('.surface').forEach(function(s){
if(s.dataset.role===q||s.id==='s-'+q)s.classList.add('shown');});})();
"""


def _avatar(colours: Mapping[str, str]) -> Callable[[str], str]:
    def avatar(name: str) -> str:
        colour = colours.get(name, _COLOURS[0])
        initial = html.escape(name[:1].upper() or "?")
        return f'<span class="avatar" style="background:{colour}">{initial}</span>'

    return avatar


def surface_html(surface: Surface, names: Mapping[str, str], *, app_name: str) -> str:
    when = surface.when.strftime("%a %d %b, %H:%M UTC")
    if surface.kind in ("modal", "home"):
        stage = view_html(surface.payload, names, app_name=app_name, state=surface.state)
    else:
        stage = message_html(
            surface.blocks,
            str(surface.payload.get("text") or ""),
            names,
            author=app_name,
            time=surface.when.strftime("%H:%M"),
            avatar=_avatar({app_name: "#4a154b"}),
        )
        if surface.kind == "ephemeral":
            stage += '<div class="ephemeral-note">Only visible to you</div>'
        if surface.kind == "edited":
            stage += '<div class="edited-note">(edited)</div>'
    role = f' data-role="{html.escape(surface.role)}"' if surface.role else ""
    who = f"{surface.audience} · {surface.where}"
    return (
        f'<section class="surface" id="s-{surface.number:02d}"{role}>'
        f'<div class="bar"><span class="n">#{surface.number}</span><span class="kind">{surface.kind}</span>'
        f"<span>{html.escape(who)} · {html.escape(when)}</span>"
        f'<a href="{html.escape(surface.builder_url)}" rel="noreferrer">Open in Block Kit Builder</a></div>'
        f'<div class="step">{html.escape(surface.step)}</div>'
        f'<div class="stage">{stage}</div></section>'
    )


def render_page(surfaces: Sequence[Surface], names: Mapping[str, str], *, title: str, lede: str) -> str:
    app_name = names.get("UBOT", "debrief-bot")
    body = "\n".join(surface_html(s, names, app_name=app_name) for s in surfaces)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
        f'<body><main><h1>{html.escape(title)}</h1><p class="lede">{html.escape(lede)}</p>\n{body}\n</main>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )
