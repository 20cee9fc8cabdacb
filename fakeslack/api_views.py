"""Web API methods: views.* (with trigger and stack rules), the files_upload_v2 pair, and files.info,
files.list, files.delete."""

from __future__ import annotations

from typing import Any

from .api import method, required
from .models import ApiError, UploadedFile, id_list
from .store import Workspace
from .validation import check_view

MAX_STACK = 3


@method("views.open")
def views_open(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    trigger_id = p.get("trigger_id") or p.get("interactivity_pointer")
    required({"trigger_id": trigger_id}, "trigger_id")
    trigger = ws.check_trigger(trigger_id)
    view = check_view(p.get("view"), surface="modal")
    trigger.used = True  # consumed only by a call that succeeds
    stored = ws.store_view(view)
    ws.stacks[stored["id"]] = [stored["id"]]
    return {"view": stored}


@method("views.push")
def views_push(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    trigger_id = p.get("trigger_id") or p.get("interactivity_pointer")
    required({"trigger_id": trigger_id}, "trigger_id")
    trigger = ws.check_trigger(trigger_id)
    view = check_view(p.get("view"), surface="modal")
    root = ws.views[trigger.view_id]["root_view_id"] if trigger.view_id in ws.views else None
    stack = ws.stacks.get(root, []) if root else []
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    trigger.used = True
    stored = ws.store_view(view, root=root, previous=stack[-1] if stack else None)
    ws.stacks.setdefault(stored["root_view_id"], []).append(stored["id"])
    return {"view": stored}


@method("views.update")
def views_update(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    if not p.get("view_id") and not p.get("external_id"):
        raise ApiError("invalid_arguments", "[ERROR] view_id or external_id is required")
    old = ws.find_view(p.get("view_id"), p.get("external_id"))
    if p.get("hash") and p["hash"] != old["hash"]:
        raise ApiError("hash_conflict")
    view = check_view(p.get("view"), surface=old["type"])
    stored = ws.store_view(
        view, root=old["root_view_id"], previous=old.get("previous_view_id"), view_id=old["id"]
    )
    return {"view": stored}


@method("views.publish")
def views_publish(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "user_id")
    ws.user(p["user_id"])
    old = ws.home.get(p["user_id"])
    if p.get("hash") and old is not None and p["hash"] != old["hash"]:
        raise ApiError("hash_conflict")
    view = check_view(p.get("view"), surface="home")
    stored = ws.store_view(view, view_id=old["id"] if old else None)
    ws.home[p["user_id"]] = ws.views[stored["id"]]
    return {"view": stored}


@method("files.getUploadURLExternal")
def files_get_upload_url_external(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "filename", "length")
    try:
        length = int(p["length"])
    except (TypeError, ValueError):
        raise ApiError("invalid_arguments", "[ERROR] length must be an integer") from None
    file_id = ws.new_id("F")
    created = int(float(ws.next_ts()))  # the same clock as message timestamps
    ws.files[file_id] = UploadedFile(
        file_id, str(p["filename"]), length, created=created, user=ws.bot_user_id
    )
    return {"upload_url": f"{ws.base_url}upload/v1/{file_id}", "file_id": file_id}


@method("files.completeUploadExternal")
def files_complete_upload_external(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "files")
    items = p["files"]
    if not isinstance(items, list) or not all(isinstance(f, dict) and f.get("id") for f in items):
        raise ApiError("invalid_arguments", "[ERROR] files must be a JSON array of {id, title}")
    uploads = []
    for item in items:
        upload = ws.files.get(item["id"])
        if upload is None or upload.completed:
            raise ApiError("file_not_found")
        if upload.content is None:
            raise ApiError("file_not_found", "[ERROR] nothing was uploaded to the file's upload_url")
        uploads.append((upload, item))
    channels = id_list(p.get("channels")) or id_list(p.get("channel_id"))
    resolved = [ws.channel(c, writable=True).id for c in channels]
    for upload, item in uploads:
        upload.title = item.get("title") or upload.filename
        upload.channels = tuple(resolved)
        upload.initial_comment = p.get("initial_comment")
        upload.thread_ts = p.get("thread_ts")
        upload.completed = True
    infos = [upload.info(ws.domain) for upload, _ in uploads]
    for channel in resolved:
        fields = {"text": p.get("initial_comment") or "", "files": infos, "thread_ts": p.get("thread_ts")}
        ws.store_message(channel, fields)
    return {"files": infos}


@method("files.info")
def files_info(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    required(p, "file")
    upload = ws.files.get(p["file"])
    if upload is None or not upload.completed:
        raise ApiError("file_not_found")
    return {"file": upload.info(ws.domain)}


FILE_TYPES = frozenset({"all", "spaces", "snippets", "images", "gdocs", "zips", "pdfs"})


@method("files.list")
def files_list(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Completed files, newest first, filtered by `channel` (shared there), `user` (uploaded by),
    `ts_from`/`ts_to` (created, inclusive) and `types`; `count` a page, `page` from 1."""
    types = set(id_list(p.get("types")) or ["all"])
    if types - FILE_TYPES:
        raise ApiError("unknown_type")
    channel = ws.channel(p["channel"]).id if p.get("channel") else None
    user = ws.user(p["user"]).id if p.get("user") else None
    try:
        ts_from, ts_to = float(p.get("ts_from") or 0), float(p.get("ts_to") or "inf")
        count, page = int(p.get("count") or 100), int(p.get("page") or 1)
    except ValueError:
        raise ApiError("invalid_arguments") from None
    found = [
        f
        for f in reversed(ws.files.values())
        if f.completed
        and "all" in types
        and ts_from <= f.created <= ts_to
        and (channel is None or channel in f.channels)
        and (user is None or f.user == user)
    ]  # a CSV is none of the narrower types
    count, page = max(1, min(count, 1000)), max(1, page)
    pages = max(1, -(-len(found) // count))
    listed = found[(page - 1) * count : page * count]
    return {
        "files": [f.info(ws.domain) for f in listed],
        "paging": {"count": count, "total": len(found), "page": page, "pages": pages},
    }


@method("files.delete")
def files_delete(ws: Workspace, p: dict[str, Any]) -> dict[str, Any]:
    """Delete a file the bot uploaded: gone from files.info and from the messages that shared it."""
    required(p, "file")
    upload = ws.files.pop(str(p["file"]), None)
    if upload is None or not upload.completed:
        raise ApiError("file_not_found")
    for messages in ws.messages.values():
        for message in messages:
            if any(f.get("id") == upload.id for f in message.get("files") or []):
                message["files"] = [f for f in message["files"] if f.get("id") != upload.id]
                message["text"] = ""
    return {}
