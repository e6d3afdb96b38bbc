"""Shared ControllerRevision helpers (k/k ``pkg/controller/history/controller_history.go``).

Used by the StatefulSet and DaemonSet controllers. ControllerRevisions are plain API dicts;
``data`` holds the revision's JSON object (upstream ``runtime.RawExtension.Raw``). Byte
comparisons of ``data`` are done on Go's ``json.Marshal`` form of the object
(:func:`go_json_bytes`), which is what the apiserver stores as ``Raw``.

Pure helpers take and return dicts; the store-touching ones take the ``Cluster`` (its ``store``
for reads, its ``api`` for writes) and an ``actor`` name for provenance.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.controllers.controller_utils import (
    get_controller_of,
    new_controller_ref,
    safe_encode_string,
)

# controller_history.go ControllerRevisionHashLabel
HASH_LABEL = "controller.kubernetes.io/hash"
CONTROLLER_REVISION_HASH_LABEL = HASH_LABEL
# ControllerRevisionName: prefixes longer than this are cut so the name fits 253 bytes.
MAX_PREFIX_LEN = 223

_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


# --------------------------------------------------------------------------- hashing

def fnv32(data: bytes, start: int = _FNV32_OFFSET) -> int:
    """FNV-1 (multiply, then xor), 32 bit: Go ``hash/fnv`` ``New32`` — the one
    HashControllerRevision uses (not FNV-1a as ComputeHash does)."""
    h = start
    for byte in data:
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
        h ^= byte
    return h


def go_json_bytes(obj: object) -> bytes:
    """Go's ``json.Marshal`` of a JSON map: keys sorted, compact, ``<``, ``>``, ``&`` escaped
    as ``\\u003c`` ... (HTML-safe escaping is on by default in encoding/json)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text.encode("utf-8")


def _data_bytes(data: object) -> bytes:
    return b"" if data is None else go_json_bytes(data)


def hash_revision(data: object, collision_count: int | None) -> str:
    """HashControllerRevision over ``data``: FNV-32 over the raw data bytes, then, when
    ``collision_count`` is set, the bytes of its decimal text; the uint32 sum printed in
    decimal and passed through SafeEncodeString."""
    buf = _data_bytes(data)
    if collision_count is not None:
        buf += str(int(collision_count)).encode("ascii")
    return safe_encode_string(str(fnv32(buf)))


def hash_controller_revision(revision: Mapping, probe: int | None) -> str:
    """controller_history.go HashControllerRevision (takes the whole revision)."""
    return hash_revision(revision.get("data"), probe)


def controller_revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: ``prefix-hash`` with ``prefix`` cut to 223 bytes."""
    raw = prefix.encode("utf-8")
    if len(raw) > MAX_PREFIX_LEN:
        prefix = raw[:MAX_PREFIX_LEN].decode("utf-8", errors="ignore")
    return f"{prefix}-{hash_}"


# --------------------------------------------------------------------------- construction

def _meta(obj: Mapping) -> Mapping:
    return obj.get("metadata") or {}


def _labels(obj: Mapping) -> Mapping:
    return _meta(obj).get("labels") or {}


def new_controller_revision(parent: Mapping, *args, **kwargs) -> dict:
    """NewControllerRevision: a ControllerRevision controlled by ``parent`` with the template
    labels plus ``controller.kubernetes.io/hash``, ``data`` and ``revision``; named
    ``<parent name>-<hash>`` in the parent's namespace.

    Two call forms: ``(parent, template_labels, data, revision, collision_count)`` (the
    StatefulSet controller's) and ``(parent, parent_kind, template_labels, data, revision,
    collision_count)`` where ``parent_kind`` is ``"apps/v1/DaemonSet"``-like or a
    ``(apiVersion, kind)`` pair overriding the parent's own apiVersion/kind.
    """
    names = ("template_labels", "data", "revision", "collision_count")
    if len(args) == 5 or "parent_kind" in kwargs:
        parent_kind = kwargs.pop("parent_kind", None) if "parent_kind" in kwargs else args[0]
        if len(args) == 5:
            args = args[1:]
    else:
        parent_kind = None
    values = dict(zip(names, args, strict=False))
    values.update(kwargs)
    template_labels = values.get("template_labels") or {}
    data = values.get("data")
    revision = int(values.get("revision") or 0)
    collision_count = values.get("collision_count")

    api_version, kind = _parent_gvk(parent, parent_kind)
    ref = new_controller_ref(parent, api_version, kind)
    hash_ = hash_revision(data, collision_count)
    labels = dict(template_labels)
    labels[HASH_LABEL] = hash_
    meta: dict = {"name": controller_revision_name(_meta(parent).get("name") or "", hash_),
                  "namespace": _meta(parent).get("namespace") or "default",
                  "labels": labels,
                  "ownerReferences": [ref]}
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
            "data": data, "revision": revision}


def _parent_gvk(parent: Mapping, parent_kind) -> tuple[str | None, str | None]:
    if parent_kind is None:
        return parent.get("apiVersion"), parent.get("kind")
    if isinstance(parent_kind, tuple | list):
        return parent_kind[0], parent_kind[1]
    text = str(parent_kind)
    if "/" in text and text.rsplit("/", 1)[1][:1].isupper():
        api_version, kind = text.rsplit("/", 1)
        return api_version, kind
    return parent.get("apiVersion"), text


# --------------------------------------------------------------------------- ordering, equality

def _revision_sort_key(rev: Mapping) -> tuple:
    # byRevision.Less: revision, then creationTimestamp (older first), then name.
    from pytest_k8sflow.engine.controllers.controller_utils import time_ms

    ts = time_ms(_meta(rev).get("creationTimestamp"))
    return (int(rev.get("revision") or 0), -1 if ts is None else ts, _meta(rev).get("name") or "")


def sort_controller_revisions(revisions: Iterable[Mapping]) -> list:
    """SortControllerRevisions: stable sort by revision, then creationTimestamp, then name."""
    return sorted(revisions, key=_revision_sort_key)


def _hash_as_int32(rev: Mapping) -> int | None:
    # EqualRevision parses the hash label with strconv.ParseInt(hs, 10, 32): it only takes part
    # in the comparison when it happens to be a decimal int32 (safe-encoded hashes rarely are).
    value = _labels(rev).get(HASH_LABEL)
    if value is None:
        return None
    text = str(value)
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    number = int(text)
    if not -(2**31) <= number < 2**31:
        return None
    return number & 0xFFFFFFFF


def equal_revision(lhs: Mapping | None, rhs: Mapping | None) -> bool:
    """EqualRevision: both None, or hash labels (when both numeric) equal and data equal."""
    if lhs is None or rhs is None:
        return lhs is None and rhs is None
    lh, rh = _hash_as_int32(lhs), _hash_as_int32(rhs)
    if lh is not None and rh is not None and lh != rh:
        return False
    return _data_bytes(lhs.get("data")) == _data_bytes(rhs.get("data"))


def find_equal_revisions(revisions: Iterable[Mapping], needle: Mapping) -> list:
    """FindEqualRevisions: the revisions equal to ``needle``, order preserved."""
    return [r for r in revisions if equal_revision(r, needle)]


def next_revision(revisions: list) -> int:
    """nextRevision (stateful_set_utils.go): last revision of the sorted list + 1, or 1."""
    if not revisions:
        return 1
    return int(revisions[-1].get("revision") or 0) + 1


def max_revision(revisions: Iterable[Mapping]) -> int:
    """The highest ``revision`` number (0 for none) — daemon/update.go maxRevision."""
    return max((int(r.get("revision") or 0) for r in revisions), default=0)


# --------------------------------------------------------------------------- store access

def list_controller_revisions(cluster, parent: Mapping, selector) -> list:
    """ListControllerRevisions: revisions in the parent's namespace matching ``selector`` and
    controlled by ``parent`` or by nobody (orphans, to be adopted). Store order (by name)."""
    uid = _meta(parent).get("uid")
    namespace = _meta(parent).get("namespace") or "default"
    out = []
    for rev in cluster.store.list("ControllerRevision", namespace):
        if selector is not None and not selector.matches(_labels(rev)):
            continue
        ref = get_controller_of(rev)
        if ref is None or ref.get("uid") == uid:
            out.append(rev)
    return out


def owned_revisions(cluster, parent: Mapping, selector) -> list:
    """:func:`list_controller_revisions`, sorted as SortControllerRevisions does."""
    return sort_controller_revisions(list_controller_revisions(cluster, parent, selector))


def adopt_controller_revision(cluster, parent: Mapping, rev: Mapping, actor: str,
                              parent_kind=None) -> dict:
    """AdoptControllerRevision: add a controller ref to ``parent``; refused if ``rev``
    already has a controller."""
    owner = get_controller_of(rev)
    if owner is not None:
        raise apierrors.ApiError("Invalid", f"attempt to adopt revision owned by {owner}", 422)
    api_version, kind = _parent_gvk(parent, parent_kind)
    refs = [*(_meta(rev).get("ownerReferences") or []),
            new_controller_ref(parent, api_version, kind)]
    return cluster.api.update({**rev, "metadata": {**_meta(rev), "ownerReferences": refs}},
                              actor)


def release_controller_revision(cluster, parent: Mapping, rev: Mapping,
                                actor: str) -> dict | None:
    """ReleaseControllerRevision: drop ``parent``'s owner reference; a gone revision or one
    that ``parent`` does not own is ignored (None)."""
    uid = _meta(parent).get("uid")
    refs = _meta(rev).get("ownerReferences") or []
    kept = [r for r in refs if r.get("uid") != uid]
    if len(kept) == len(refs):
        return None
    meta = {**_meta(rev), "ownerReferences": kept}
    if not kept:
        meta.pop("ownerReferences")
    try:
        return cluster.api.update({**rev, "metadata": meta}, actor)
    except apierrors.ApiError as exc:
        if exc.reason in ("NotFound", "Invalid"):
            return None
        raise


def create_controller_revision(cluster, parent: Mapping, revision: Mapping,
                               collision_count: int, actor: str = "controller-history"
                               ) -> tuple[dict, int]:
    """CreateControllerRevision: create ``revision`` named ``<parent>-<hash(data,
    collision_count)>``; when the name exists with the same data return the existing one,
    with different data bump ``collision_count`` and retry. Returns (revision, count)."""
    if collision_count is None:
        raise ValueError("collisionCount should not be nil")
    namespace = _meta(parent).get("namespace") or "default"
    while True:
        hash_ = hash_controller_revision(revision, collision_count)
        # realHistory only renames the clone; the hash label keeps the value given by
        # NewControllerRevision (upstream behaviour, kept).
        meta = {**_meta(revision), "namespace": namespace,
                "name": controller_revision_name(_meta(parent).get("name") or "", hash_)}
        clone = {**revision, "metadata": meta}
        try:
            return cluster.api.create(clone, actor), collision_count
        except apierrors.ApiError as exc:
            if exc.reason != "AlreadyExists":
                raise
            existing = cluster.store.get("ControllerRevision", namespace, meta["name"])
            if existing is not None and \
                    _data_bytes(existing.get("data")) == _data_bytes(clone.get("data")):
                return existing, collision_count
            collision_count += 1


def update_controller_revision(cluster, rev: Mapping, revision: int,
                               actor: str = "controller-history") -> dict:
    """UpdateControllerRevision: set ``.revision`` (no write when already equal)."""
    if int(rev.get("revision") or 0) == int(revision):
        return dict(rev)
    current = cluster.store.get("ControllerRevision", _meta(rev).get("namespace") or "default",
                                _meta(rev).get("name"))
    base = current if current is not None else rev
    return cluster.api.update({**base, "revision": int(revision)}, actor)


update_revision_number = update_controller_revision


def delete_controller_revision(cluster, rev: Mapping, actor: str = "controller-history") -> None:
    """DeleteControllerRevision."""
    cluster.api.delete("ControllerRevision", _meta(rev).get("namespace") or "default",
                       _meta(rev)["name"], actor)


def truncate_history(cluster, revisions: list, live_names: Iterable[str], limit: int | None,
                     actor: str = "controller-history") -> list:
    """truncateHistory (stateful_set_control.go) / cleanupHistory (daemon/update.go): of the
    sorted ``revisions`` whose names are not in ``live_names``, delete the oldest until at
    most ``limit`` (default 10) remain. Returns the deleted revisions; NotFound is ignored."""
    live = set(live_names)
    old = [r for r in revisions if _meta(r).get("name") not in live]
    limit = 10 if limit is None else int(limit)
    deleted = []
    for rev in old[:max(len(old) - limit, 0)]:
        try:
            delete_controller_revision(cluster, rev, actor)
        except apierrors.ApiError as exc:
            if exc.reason != "NotFound":
                raise
        deleted.append(rev)
    return deleted

