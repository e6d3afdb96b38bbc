"""Metadata validation: labels, label selectors (metav1) and ObjectMeta on create and update
(names, generateName, finalizers, annotations, ownerReferences).

Sources: staging apimachinery pkg/apis/meta/v1/validation/validation.go,
pkg/api/validation/objectmeta.go, and the core finalizer names of
pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector
from pytest_k8sflow.engine.validation.common import (
    GoValue,
    _dicts,
    _list,
    _map,
    _nonnegative,
    _str,
    child,
    forbidden,
    go_string_slice,
    index,
    invalid,
    required,
    too_long,
)
from pytest_k8sflow.engine.validation.names import (
    NameFn,
    is_qualified_name,
    is_valid_label_value,
    name_is_dns_label,
)

# -- metav1 validation (apimachinery pkg/apis/meta/v1/validation) -------------------------------

def validate_labels(labels: object, path: str) -> list[str]:
    errs: list[str] = []
    for name in sorted(_map(labels)):
        errs += [invalid(path, name, msg) for msg in is_qualified_name(str(name))]
        value = _str(labels[name])
        errs += [invalid(path, value, msg) for msg in is_valid_label_value(value)]
    return errs


def validate_label_name(name: str, path: str) -> list[str]:
    return [invalid(path, name, msg) for msg in is_qualified_name(name)]


def validate_label_selector(selector: object, path: str) -> list[str]:
    if not isinstance(selector, dict):
        return []
    errs = validate_labels(selector.get("matchLabels"), child(path, "matchLabels"))
    for i, expr in enumerate(_dicts(selector.get("matchExpressions"))):
        expr_path = index(child(path, "matchExpressions"), i)
        op = _str(expr.get("operator"))
        values = _list(expr.get("values"))
        if op in ("In", "NotIn"):
            if not values:
                errs.append(required(child(expr_path, "values"),
                                     "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(forbidden(child(expr_path, "values"), "may not be specified when "
                                      "`operator` is 'Exists' or 'DoesNotExist'"))
        else:
            errs.append(invalid(child(expr_path, "operator"), op, "not a valid selector operator"))
        errs += validate_label_name(_str(expr.get("key")), child(expr_path, "key"))
        for j, value in enumerate(values):
            errs += [invalid(index(child(expr_path, "values"), j), _str(value), msg)
                     for msg in is_valid_label_value(_str(value))]
    return errs


def _selector_matches(selector: object, labels: object) -> bool | None:
    """LabelSelectorAsSelector + Matches; None when the selector does not convert."""
    if not isinstance(selector, dict):
        return None
    try:
        return from_label_selector(selector).matches(_map(labels))
    except SelectorError:
        return None


def _selector_is_empty(selector: dict) -> bool:
    return not _map(selector.get("matchLabels")) and not _list(selector.get("matchExpressions"))


# -- ObjectMeta (apimachinery pkg/api/validation/objectmeta.go + core finalizer names) ----------

_STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def _validate_finalizers(meta: dict, path: str) -> list[str]:
    errs: list[str] = []
    finalizers = [_str(f) for f in _list(meta.get("finalizers"))]
    fpath = child(path, "finalizers")
    for name in finalizers:
        errs += [invalid(fpath, name, msg) for msg in is_qualified_name(name)]
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        errs.append(invalid(fpath, GoValue(go_string_slice(finalizers)),
                            "finalizer orphan and foregroundDeletion cannot be both set"))
    # core validateKubeFinalizerName: unqualified names must be standard ones.
    for i, name in enumerate(finalizers):
        item = index(fpath, i)
        msgs = is_qualified_name(name)
        errs += [invalid(item, name, msg) for msg in msgs]
        if not msgs and "/" not in name and name not in _STANDARD_FINALIZERS:
            errs.append(invalid(item, name, "name is neither a standard finalizer name nor "
                                "is it fully qualified"))
    return errs


def _validate_annotations(annotations: object, path: str) -> list[str]:
    errs: list[str] = []
    total = 0
    for name in sorted(_map(annotations)):
        errs += [invalid(path, name, msg) for msg in is_qualified_name(str(name).lower())]
        total += len(str(name)) + len(_str(annotations[name]))
    if total > 256 * 1024:
        errs.append(too_long(path, 256 * 1024))
    return errs


def _validate_owner_references(refs: object, path: str) -> list[str]:
    errs: list[str] = []
    first_controller = ""
    for ref in _dicts(refs):
        api_version = _str(ref.get("apiVersion"))
        version = api_version.split("/", 1)[1] if "/" in api_version else api_version
        if not version:
            errs.append(invalid(child(path, "apiVersion"), api_version,
                                "version must not be empty"))
        if not ref.get("kind"):
            errs.append(invalid(child(path, "kind"), _str(ref.get("kind")), "must not be empty"))
        if not ref.get("name"):
            errs.append(invalid(child(path, "name"), _str(ref.get("name")), "must not be empty"))
        if not ref.get("uid"):
            errs.append(invalid(child(path, "uid"), _str(ref.get("uid")), "must not be empty"))
        if ref.get("controller") is True:
            name = f"{_str(ref.get('kind'))}/{_str(ref.get('name'))}"
            if first_controller:
                errs.append(invalid(path, GoValue("[]v1.OwnerReference{...}"),
                                    'Only one reference can have Controller set to true. '
                                    f'Found "true" in references for {first_controller} '
                                    f'and {name}'))
            else:
                first_controller = name
    return errs


def validate_object_meta(meta: object, namespaced: bool, name_fn: NameFn,
                         path: str = "metadata") -> list[str]:
    """ValidateObjectMeta (create)."""
    meta = _map(meta)
    errs: list[str] = []
    generate_name = _str(meta.get("generateName"))
    if generate_name:
        errs += [invalid(child(path, "generateName"), generate_name, msg)
                 for msg in name_fn(generate_name, True)]
    name = _str(meta.get("name"))
    if not name:
        errs.append(required(child(path, "name"), "name or generateName is required"))
    else:
        errs += [invalid(child(path, "name"), name, msg) for msg in name_fn(name, False)]
    namespace = _str(meta.get("namespace"))
    if namespaced:
        if not namespace:
            errs.append(required(child(path, "namespace")))
        else:
            errs += [invalid(child(path, "namespace"), namespace, msg)
                     for msg in name_is_dns_label(namespace, False)]
    elif namespace:
        errs.append(forbidden(child(path, "namespace"), "not allowed on this type"))
    errs += _nonnegative(meta.get("generation"), child(path, "generation"))
    errs += validate_labels(meta.get("labels"), child(path, "labels"))
    errs += _validate_annotations(meta.get("annotations"), child(path, "annotations"))
    errs += _validate_owner_references(meta.get("ownerReferences"), child(path, "ownerReferences"))
    errs += _validate_finalizers(meta, path)
    return errs


def validate_object_meta_update(new: object, old: object, path: str = "metadata") -> list[str]:
    """ValidateObjectMetaAccessorUpdate (resourceVersion handling is the apiserver's)."""
    new, old = _map(new), _map(old)
    errs: list[str] = []
    if old.get("deletionTimestamp"):
        extra = sorted(set(_list(new.get("finalizers"))) - set(_list(old.get("finalizers"))))
        if extra:
            errs.append(forbidden(child(path, "finalizers"),
                                  "no new finalizers can be added if the object is being "
                                  f"deleted, found new finalizers {go_string_slice(extra)}"))
    for field_name in ("name", "namespace", "uid", "creationTimestamp"):
        if _str(new.get(field_name)) != _str(old.get(field_name)):
            errs.append(invalid(child(path, field_name), _str(new.get(field_name)),
                                "field is immutable"))
    errs += validate_labels(new.get("labels"), child(path, "labels"))
    errs += _validate_annotations(new.get("annotations"), child(path, "annotations"))
    errs += _validate_owner_references(new.get("ownerReferences"), child(path, "ownerReferences"))
    errs += _validate_finalizers(new, path)
    return errs
