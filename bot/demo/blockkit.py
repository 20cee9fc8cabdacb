"""Block Kit read as a person reads it: plain text for a terminal, and Slack-like HTML for a page.

Only what Slack shows is rendered (text, fields, buttons, inputs with their labels and choices);
mentions, channels and dates become names, the way each viewer's Slack client shows them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .reading import TOKEN, Names, State, chosen_text, filled, options_shown, text_of, token, unescape


# ---- the terminal -------------------------------------------------------------------------------
def _indent(text: str, prefix: str = "  ") -> list[str]:
    return [prefix + line if line else prefix.rstrip() for line in text.splitlines() or [""]]


def _element_text(element: Mapping[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        style = {"primary": "*", "danger": "!"}.get(str(element.get("style") or ""), "")
        return f"[ {text_of(element.get('text'), names)}{style} ]"
    if kind in ("mrkdwn", "plain_text"):
        return text_of(element, names)
    if kind == "image":
        return f"🖼 {element.get('alt_text', '')}"
    chosen = chosen_text(element, names)
    arrow = "" if kind == "number_input" else " ▾"
    if chosen:
        return f"[ {chosen}{arrow} ]"
    placeholder = text_of(element.get("placeholder"), names)
    return f"[ {placeholder or kind}{arrow} ]"


def _input_lines(block: Mapping[str, Any], names: Names) -> list[str]:
    label = text_of(block.get("label"), names)
    optional = " (optional)" if block.get("optional") else ""
    element = block.get("element") or {}
    kind = element.get("type", "")
    lines = [f"  {label}{optional}"]
    if kind in ("checkboxes", "radio_buttons"):
        lines += [f"    {o}" for o in options_shown(element, names)]
    elif kind == "plain_text_input":
        initial = element.get("initial_value") or text_of(element.get("placeholder"), names)
        box = "[ " + (initial[:70] + ("…" if len(initial) > 70 else "")) + " ]"
        lines.append("    " + box + ("  (several lines)" if element.get("multiline") else ""))
    else:
        lines.append("    " + _element_text(element, names))
    if block.get("hint"):
        lines.append("    · " + text_of(block["hint"], names))
    return lines


def block_lines(blocks: Sequence[Mapping[str, Any]], names: Names, state: State | None = None) -> list[str]:
    """Each block as a few indented lines: headers underlined, fields two by two, buttons in brackets;
    inputs show what `state` (a submission) put in them."""
    lines: list[str] = []
    for block in (filled(b, state) for b in blocks):
        kind = block.get("type")
        if kind == "header":
            title = text_of(block.get("text"), names)
            lines += ["  " + title, "  " + "═" * min(len(title), 60)]
        elif kind == "section":
            if block.get("text"):
                lines += _indent(text_of(block["text"], names))
            for field in block.get("fields") or []:
                lines += _indent(text_of(field, names).replace("\n", " — ", 1), "  ▪ ")
            if block.get("accessory"):
                lines.append("      " + _element_text(block["accessory"], names))
        elif kind == "context":
            lines.append("  ⌁ " + "  ".join(_element_text(e, names) for e in block.get("elements") or []))
        elif kind == "divider":
            lines.append("  " + "─" * 40)
        elif kind == "actions":
            lines.append("  " + " ".join(_element_text(e, names) for e in block.get("elements") or []))
        elif kind == "input":
            lines += _input_lines(block, names)
        else:
            lines.append(f"  ({kind} block)")
    return lines


def view_lines(view: Mapping[str, Any], names: Names, state: State | None = None) -> list[str]:
    """A modal as a box: title, blocks, then its Cancel/Submit buttons; a Home tab as its blocks."""
    lines = block_lines(view.get("blocks") or [], names, state)
    if view.get("type") != "modal":
        return lines
    title = text_of(view.get("title"), names)
    buttons = [f"[ {text_of(view.get(k), names)} ]" for k in ("close", "submit") if view.get(k)]
    return ["  ┌─ " + title, *("  │" + line[1:] for line in lines), "  └─ " + " ".join(buttons)]


# ---- the page -----------------------------------------------------------------------------------
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
_CODE = re.compile(r"`([^`\n]+)`")


def mrkdwn_html(text: str, names: Names, *, markup: bool = True) -> str:
    """mrkdwn as HTML: escaped first, then tokens, emphasis, code, quotes and line breaks."""
    pieces: list[str] = []
    last = 0
    for match in TOKEN.finditer(text):
        pieces.append(_inline(text[last : match.start()], markup))
        kind, shown = token(match.group(1), names)
        css = {"mention": "mention", "date": "date", "link": "link"}[kind]
        pieces.append(f'<span class="{css}">{html.escape(unescape(shown))}</span>')
        last = match.end()
    pieces.append(_inline(text[last:], markup))
    out = "".join(pieces)
    lines = out.split("\n")
    out = "<br>".join(
        f'<span class="quote">{line[len("&gt;") :].lstrip()}</span>' if line.startswith("&gt;") else line
        for line in lines
    )
    return out


def _inline(text: str, markup: bool) -> str:
    escaped = html.escape(unescape(text), quote=False)
    if not markup:
        return escaped
    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    escaped = _ITALIC.sub(r"<i>\1</i>", escaped)
    return _STRIKE.sub(r"<s>\1</s>", escaped)


def _text_html(obj: Any, names: Names) -> str:
    if not isinstance(obj, Mapping):
        return ""
    return mrkdwn_html(str(obj.get("text") or ""), names, markup=obj.get("type") == "mrkdwn")


def _element_html(element: Mapping[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        style = str(element.get("style") or "")
        return f'<span class="button {style}">{_text_html(element.get("text"), names)}</span>'
    if kind in ("mrkdwn", "plain_text"):
        return f"<span>{_text_html(element, names)}</span>"
    if kind == "image":
        return f'<span class="image">{html.escape(str(element.get("alt_text", "")))}</span>'
    if kind in ("checkboxes", "radio_buttons"):
        shape = "box" if kind == "checkboxes" else "dot"
        rows = [
            f'<div class="choice"><span class="{shape}{" on" if line[0] in "☑◉" else ""}"></span>'
            f"{html.escape(line[2:])}</div>"
            for line in options_shown(element, names)
        ]
        return "".join(rows)
    if kind == "plain_text_input":
        initial = str(element.get("initial_value") or "")
        shown = html.escape(initial) if initial else html.escape(text_of(element.get("placeholder"), names))
        css = "field tall" if element.get("multiline") else "field"
        return f'<div class="{css}{"" if initial else " placeholder"}">{shown}</div>'
    placeholder = text_of(element.get("placeholder"), names)
    chosen = chosen_text(element, names)
    shown = chosen or placeholder or str(kind).replace("_", " ")
    empty = "" if chosen else " placeholder"
    if kind == "number_input":
        return f'<div class="field{empty}">{html.escape(shown)}</div>'
    return f'<div class="field select{empty}">{html.escape(shown)}<span>▾</span></div>'


def blocks_html(blocks: Sequence[Mapping[str, Any]], names: Names, state: State | None = None) -> str:
    """Each block as Slack lays it out: headers, sections with fields and accessories, inputs (with
    what `state` put in them)."""
    out: list[str] = []
    for block in (filled(b, state) for b in blocks):
        kind = block.get("type")
        if kind == "header":
            out.append(f'<div class="header">{_text_html(block.get("text"), names)}</div>')
        elif kind == "section":
            text = f'<div class="text">{_text_html(block["text"], names)}</div>' if block.get("text") else ""
            fields = "".join(
                f'<div class="fld">{_text_html(f, names)}</div>' for f in block.get("fields") or []
            )
            fields = f'<div class="fields">{fields}</div>' if fields else ""
            accessory = _element_html(block["accessory"], names) if block.get("accessory") else ""
            accessory = f'<div class="accessory">{accessory}</div>' if accessory else ""
            out.append(f'<div class="section"><div class="body">{text}{fields}</div>{accessory}</div>')
        elif kind == "context":
            parts = "".join(_element_html(e, names) for e in block.get("elements") or [])
            out.append(f'<div class="context">{parts}</div>')
        elif kind == "divider":
            out.append("<hr>")
        elif kind == "actions":
            parts = "".join(_element_html(e, names) for e in block.get("elements") or [])
            out.append(f'<div class="actions">{parts}</div>')
        elif kind == "input":
            optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
            hint = block.get("hint")
            hint_html = f'<div class="hint">{_text_html(hint, names)}</div>' if hint else ""
            out.append(
                f'<div class="input"><label>{_text_html(block.get("label"), names)}{optional}</label>'
                f"{_element_html(block.get('element') or {}, names)}{hint_html}</div>"
            )
        else:
            out.append(f'<div class="context">({html.escape(str(kind))} block)</div>')
    return "".join(out)


def view_html(view: Mapping[str, Any], names: Names, *, app_name: str, state: State | None = None) -> str:
    """A modal as Slack's dialog (title bar, body, Cancel/Submit) or a Home tab as its page."""
    body = blocks_html(view.get("blocks") or [], names, state)
    if view.get("type") != "modal":
        return f'<div class="home"><div class="tabs"><b>Home</b><span>Messages</span><span>About</span></div>{body}</div>'
    title = _text_html(view.get("title"), names)
    close = _text_html(view.get("close"), names) if view.get("close") else "Cancel"
    submit = view.get("submit")
    submit_html = f'<span class="button primary">{_text_html(submit, names)}</span>' if submit else ""
    return (
        f'<div class="modal"><div class="modal-title"><span class="app-icon"></span>{title}'
        f'<span class="x">×</span></div><div class="modal-body">{body}</div>'
        f'<div class="modal-foot"><span class="button">{close}</span>{submit_html}</div></div>'
    )


def message_html(
    blocks: Sequence[Mapping[str, Any]], text: str, names: Names, *, author: str, time: str,
    avatar: Callable[[str], str],
) -> str:  # fmt: skip
    """A message as Slack shows it in a conversation: avatar, name, APP badge, time, blocks."""
    body = blocks_html(blocks, names) if blocks else f'<div class="text">{mrkdwn_html(text, names)}</div>'
    return (
        f'<div class="message">{avatar(author)}<div class="content"><div class="meta"><b>{html.escape(author)}</b>'
        f'<span class="badge">APP</span><span class="time">{html.escape(time)}</span></div>{body}</div></div>'
    )
