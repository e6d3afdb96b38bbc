"""``kubectl patch`` and ``kubectl taint`` against the simulated cluster.

Sources: kubernetes/kubectl pkg/cmd/patch/patch.go (patch types, "patched (no change)"),
pkg/cmd/taint/taint.go and utils.go (taint specs, reorganizeTaints and its
tainted/untainted/modified verdict, the --overwrite check).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine import patch as patches
from pytest_k8sflow.kubectl.commands_common import (
    CommandFailed,
    Output,
    api_error_text,
    find,
    with_change_cause,
)
from pytest_k8sflow.kubectl.commands_write import print_written
from pytest_k8sflow.kubectl.parser import KubectlCommand

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

ACTOR = "kubectl"
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


# -- patch ----------------------------------------------------------------------------------
def _parse_patch(text: str) -> object:
    """patch.go: the -p text is YAML or JSON (yaml.ToJSON)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    from ruamel.yaml import YAML, YAMLError

    try:
        return YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise CommandFailed(f'error: unable to parse "{text}": {exc}') from None


def _patched(live: dict, patch_type: str, patch: object) -> dict:
    api_version, kind = live["apiVersion"], live["kind"]
    if patch_type == "json":
        return patches.json_patch(live, patch)
    if patch_type == "merge":
        return patches.json_merge_patch(live, patch)
    return patches.strategic_merge_patch(live, patch, api_version, kind)


def run_patch(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    patch = _parse_patch(str(cmd.flag("patch")))
    patch_type = str(cmd.flag("type"))
    found = find(cluster, cmd)
    if not found.objects and not found.errors:
        raise CommandFailed("error: no objects passed to patch")
    for live in found.objects:
        try:
            new = with_change_cause(_patched(live, patch_type, patch), cmd)
            if new == live:
                print_written(cmd, out, [live], "patched (no change)")
                continue
            written = cluster.api.update(new, ACTOR)
        except apierrors.ApiError as exc:
            out.error(api_error_text(exc))
            continue
        print_written(cmd, out, [written], "patched")
    for err in found.errors:
        out.error(err)


# -- taint ----------------------------------------------------------------------------------
def parse_taint_specs(specs: list[str]) -> tuple[list[dict], list[dict]]:
    """utils.go ParseTaints: ``key=value:Effect`` / ``key:Effect`` to add, ``key:Effect-`` /
    ``key-`` to remove (a removal's effect may be empty: every effect of that key)."""
    to_add: list[dict] = []
    to_remove: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.endswith("-"):
            body = spec[:-1]
            key, _, effect = body.partition(":")
            key = key.split("=", 1)[0]  # parseTaints keeps only key and effect of a removal
            if effect and effect not in TAINT_EFFECTS:
                raise CommandFailed(f"error: invalid taint effect: {effect}, unsupported taint "
                                    "effect")
            to_remove.append({"key": key, **({"effect": effect} if effect else {})})
            continue
        head, sep, effect = spec.rpartition(":")
        if not sep or not head:
            raise CommandFailed(f"error: invalid taint spec: {spec}")
        if effect not in TAINT_EFFECTS:
            raise CommandFailed(f"error: invalid taint effect: {effect}, unsupported taint "
                                "effect")
        key, _, value = head.partition("=")
        if (key, effect) in seen:
            raise CommandFailed(f"error: duplicated taints with the same key and effect: "
                                f"{{{key} {value} {effect} <nil>}}")
        seen.add((key, effect))
        taint = {"key": key, "effect": effect}
        if value:
            taint["value"] = value
        to_add.append(taint)
    for removal in to_remove:
        if any(removal["key"] == t["key"] and removal.get("effect") in (None, t["effect"])
               for t in to_add):
            raise CommandFailed("error: can not both modify and remove the following taint(s) "
                                f"in the same command: {removal['key']}")
    return to_add, to_remove


def _matches(a: dict, b: dict) -> bool:
    """Taint.MatchTaint: same key and effect."""
    return a.get("key") == b.get("key") and a.get("effect") == b.get("effect")


def reorganize_taints(old: list[dict], overwrite: bool, to_add: list[dict],
                      to_remove: list[dict]) -> tuple[str, list[dict], list[str]]:
    """taint.go reorganizeTaints: new taints first, then the old ones not replaced; then the
    removals. Returns the verdict (tainted, untainted or modified), the taints, errors."""
    new = list(to_add)
    for taint in old:
        if not any(_matches(taint, t) for t in new):
            new.append(taint)
    added = len(old) != len(new)
    errors: list[str] = []
    deleted = False
    for removal in to_remove:
        kept = [t for t in new if not (t.get("key") == removal["key"] and
                                       removal.get("effect") in (None, t.get("effect")))]
        if len(kept) == len(new):
            what = removal["key"] + (f":{removal['effect']}" if removal.get("effect") else "")
            errors.append(f'taint "{what}" not found')
        else:
            deleted = True
        new = kept
    if (added and deleted) or overwrite:
        return "modified", new, errors
    return ("tainted" if added else "untainted"), new, errors


def run_taint(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    to_add, to_remove = parse_taint_specs(list(cmd.command_args))
    found = find(cluster, cmd)
    overwrite = bool(cmd.flag("overwrite"))
    for node in found.objects:
        old = list((node.get("spec") or {}).get("taints") or [])
        if not overwrite:
            clashing = [t["key"] for t in to_add if any(_matches(t, o) for o in old)]
            if clashing:
                out.error(f"error: node {node['metadata']['name']} already has "
                          f"{','.join(clashing)} taint(s) with same effect(s) and --overwrite "
                          "is false")
                continue
        verdict, taints, errors = reorganize_taints(old, overwrite, to_add, to_remove)
        if errors:
            out.error("error: " + ", ".join(errors))
            continue
        for taint in taints:
            if taint["effect"] == "NoExecute" and "timeAdded" not in taint:
                # NoExecute taints carry when they were added: tolerationSeconds count from it
                taint["timeAdded"] = cluster.clock.now_text()
        spec = {k: v for k, v in node["spec"].items() if k != "taints"}
        if taints:
            spec["taints"] = taints
        try:
            written = cluster.api.update({**node, "spec": spec}, ACTOR)
        except apierrors.ApiError as exc:
            out.error(api_error_text(exc))
            continue
        print_written(cmd, out, [written], verdict)
    for err in found.errors:
        out.error(err)
