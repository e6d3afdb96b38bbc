"""Validation as the kube-apiserver does it, with its error texts.

``validate_create(obj)`` and ``validate_update(old, new)`` return the field errors the
apiserver would report for an object that has already been defaulted (``apply_defaults``) and
admitted, each rendered like apimachinery ``field.Error.Error()``::

    spec.replicas: Invalid value: -1: must be greater than or equal to 0

Values inside messages are printed the way Go's ``field.Error`` prints them (1.32): strings
``%q``-quoted, numbers and booleans bare, nil as ``"null"``, maps, label selectors and
IntOrStrings as ``%#v`` (``map[string]string{"app":"web"}``,
``v1.LabelSelector{MatchLabels:..., MatchExpressions:[]v1.LabelSelectorRequirement(nil)}``,
``intstr.IntOrString{Type:0, IntVal:0, StrVal:""}``). Larger internal structs (a whole pod
template) are elided as ``core.PodTemplateSpec{...}``.

Sources: k/k pkg/apis/core/validation/validation.go, pkg/apis/apps/validation/validation.go,
pkg/apis/batch/validation/validation.go, staging apimachinery pkg/api/validation and
pkg/util/validation, and the registry strategies that add checks (selector immutability).
What is not modelled is listed in docs/semantics/defaults-and-validation.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from fractions import Fraction

from pytest_k8sflow.engine.defaults import (
    DEFAULT_VERSION,
    JOB_CONTROLLER_UID,
    JOB_NAME,
    LEGACY_JOB_CONTROLLER_UID,
    LEGACY_JOB_NAME,
    generate_job_selector,
    parse_version,
)
from pytest_k8sflow.engine.quantity import QuantityError, parse_quantity
from pytest_k8sflow.engine.selectors import SelectorError, from_label_selector

Version = tuple[int, int]
MAX_INT32 = 2**31 - 1

# -- rendering Go values (apimachinery field.Error.ErrorBody, 1.32) ------------------------------


class GoValue:
    """A value already written the way Go's ``%#v`` prints it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


OMIT = GoValue("")   # field.OmitValueType: the error prints no value

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r",
            "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def go_quote(text: str) -> str:
    """strconv.Quote / ``%q``."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def go_string_map(value: Mapping | None) -> str:
    """``%#v`` of a map[string]string (Go's fmt sorts the keys)."""
    if value is None:
        return "map[string]string(nil)"
    items = ", ".join(f"{go_quote(str(k))}:{go_quote(_str(value[k]))}" for k in sorted(value))
    return "map[string]string{" + items + "}"


def go_string_slice(value: list | None) -> str:
    if value is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(go_quote(_str(v)) for v in value) + "}"


def go_label_selector(selector: Mapping | None) -> GoValue:
    """``%#v`` of a metav1.LabelSelector (how spec.selector errors print it)."""
    selector = selector or {}
    labels = selector.get("matchLabels")
    exprs = selector.get("matchExpressions")
    if exprs is None:
        exprs_text = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = []
        for expr in exprs:
            expr = expr if isinstance(expr, Mapping) else {}
            parts.append(f"v1.LabelSelectorRequirement{{Key:{go_quote(_str(expr.get('key')))}, "
                         f"Operator:{go_quote(_str(expr.get('operator')))}, "
                         f"Values:{go_string_slice(expr.get('values'))}}}")
        exprs_text = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    labels_text = go_string_map(labels if isinstance(labels, Mapping) else None)
    return GoValue(f"v1.LabelSelector{{MatchLabels:{labels_text}, MatchExpressions:{exprs_text}}}")


def go_int_or_string(value: object) -> GoValue:
    """``%#v`` of an intstr.IntOrString (1.32 prints the struct, not the number)."""
    if isinstance(value, str):
        return GoValue(f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(value)}}}')
    number = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{number}, StrVal:""}}')


def _str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(value: object) -> str:
    """The ``<value>`` part of ``Invalid value: <value>``."""
    if isinstance(value, GoValue):
        return value.text
    if value is None:
        return '"null"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, Mapping):
        return go_string_map(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return go_string_slice(value)
    return "{...}"


# -- field errors ------------------------------------------------------------------------------

def child(path: str, *names: str) -> str:
    for name in names:
        path = f"{path}.{name}" if path else name
    return path


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def key(path: str, k: str) -> str:
    return f"{path}[{k}]"


def _body(kind: str, value: object, detail: str) -> str:
    text = kind if value is OMIT else f"{kind}: {render(value)}"
    return f"{text}: {detail}" if detail else text


def invalid(path: str, value: object, detail: str) -> str:
    return f"{path}: {_body('Invalid value', value, detail)}"


def required(path: str, detail: str = "") -> str:
    return f"{path}: Required value: {detail}" if detail else f"{path}: Required value"


def forbidden(path: str, detail: str) -> str:
    return f"{path}: Forbidden: {detail}" if detail else f"{path}: Forbidden"


def duplicate(path: str, value: object) -> str:
    return f"{path}: {_body('Duplicate value', value, '')}"


def not_found(path: str, value: object) -> str:
    return f"{path}: {_body('Not found', value, '')}"


def not_supported(path: str, value: object, valid: list[str]) -> str:
    detail = ("supported values: " + ", ".join(go_quote(v) for v in valid)) if valid else ""
    return f"{path}: {_body('Unsupported value', value, detail)}"


def too_long(path: str, max_length: int) -> str:
    return f"{path}: Too long: must have at most {max_length} bytes"


def too_many(path: str, actual: int, maximum: int) -> str:
    return f"{path}: Too many: {actual}: must have at most {maximum} items"


# -- apimachinery pkg/util/validation ----------------------------------------------------------

def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def _max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric "
                      "characters or '-', and must start and end with an alphanumeric character")
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case "
                          "alphanumeric characters, '-' or '.', and must start and end with an "
                          "alphanumeric character")
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or "
                      "'-', start with an alphabetic character, and end with an alphanumeric "
                      "character")
_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and "
              "end with an alphanumeric character")
_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric "
                    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character")
_ENV_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_NAME_MSG = ("a valid environment variable name must consist of alphabetic characters, "
                 "digits, '_', '-', or '.', and must not start with a digit")
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_PERCENT_FMT = "[0-9]+%"
_PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"
_HTTP_HEADER_FMT = "[-A-Za-z0-9]+"

_RE_DNS1123_LABEL = re.compile(f"^{_DNS1123_LABEL_FMT}$")
_RE_DNS1123_SUBDOMAIN = re.compile(f"^{_DNS1123_SUBDOMAIN_FMT}$")
_RE_DNS1035_LABEL = re.compile(f"^{_DNS1035_LABEL_FMT}$")
_RE_QNAME = re.compile(f"^{_QNAME_FMT}$")
_RE_LABEL_VALUE = re.compile(f"^{_LABEL_VALUE_FMT}$")
_RE_ENV_NAME = re.compile(f"^{_ENV_NAME_FMT}$")
_RE_CONFIG_KEY = re.compile(f"^{_CONFIG_KEY_FMT}$")
_RE_PERCENT = re.compile(f"^{_PERCENT_FMT}$")
_RE_HTTP_HEADER = re.compile(f"^{_HTTP_HEADER_FMT}$")
_RE_PORT_NAME_CHARS = re.compile(r"^[-a-z0-9]+$")
_RE_HAS_LETTER = re.compile(r"[a-z]")


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _RE_DNS1123_LABEL.match(value):
        errs.append(_regex_error(_DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(_max_len_error(253))
    if not _RE_DNS1123_SUBDOMAIN.match(value):
        errs.append(_regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _RE_DNS1035_LABEL.match(value):
        errs.append(_regex_error(_DNS1035_LABEL_MSG, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_qualified_name(value: str) -> list[str]:
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + msg for msg in is_dns1123_subdomain(prefix))
    else:
        return [("a qualified name " + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name",
                                                    "123-abc")
                 + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + _max_len_error(63))
    if not _RE_QNAME.match(name):
        errs.append("name part " + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name",
                                                "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    errs = []
    if len(value) > 63:
        errs.append(_max_len_error(63))
    if not _RE_LABEL_VALUE.match(value):
        errs.append(_regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value",
                                 "12345"))
    return errs


def _chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_env_var_name(value: str, relaxed: bool) -> list[str]:
    if relaxed:
        # IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, beta in 1.32).
        errs = []
        if not value:
            errs.append("environment variable name must be non-empty")
        if any(ord(ch) > 127 or not ch.isprintable() or ch == "=" for ch in value):
            errs.append("a valid environment variable name must consist only of printable "
                        "ASCII characters other than '='")
        return errs
    errs = []
    if not _RE_ENV_NAME.match(value):
        errs.append(_regex_error(_ENV_NAME_MSG, _ENV_NAME_FMT, "my.env-name", "MY_ENV.NAME",
                                 "MyEnvName1"))
    return errs + _chdir_prefix(value)


def is_config_map_key(value: str) -> list[str]:
    errs = []
    if len(value) > 253:
        errs.append(_max_len_error(253))
    if not _RE_CONFIG_KEY.match(value):
        errs.append(_regex_error(_CONFIG_KEY_MSG, _CONFIG_KEY_FMT, "key.name", "KEY_NAME",
                                 "key-name"))
    return errs + _chdir_prefix(value)


def is_valid_port_num(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else ["must be between 1 and 65535, inclusive"]


def is_valid_port_name(port: str) -> list[str]:
    errs = []
    if len(port) > 15:
        errs.append(_max_len_error(15))
    if not _RE_PORT_NAME_CHARS.match(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _RE_HAS_LETTER.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _is_valid_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# apimachinery pkg/api/validation/generic.go: name validators (prefix: generateName).
NameFn = Callable[[str, bool], list[str]]


def _mask_trailing_dash(name: str) -> str:
    return name[:-1] + "a" if len(name) > 1 and name.endswith("-") else name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


# -- small accessors ---------------------------------------------------------------------------

def _map(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _dicts(value: object) -> list[dict]:
    return [v if isinstance(v, dict) else {} for v in _list(value)]


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _nonnegative(value: object, path: str) -> list[str]:
    number = _int(value)
    if number is not None and number < 0:
        return [invalid(path, number, "must be greater than or equal to 0")]
    return []


def _dedupe(errors: list[str]) -> list[str]:
    # field.ErrorList.ToAggregate drops repeated messages.
    seen: set[str] = set()
    out = []
    for err in errors:
        if err not in seen:
            seen.add(err)
            out.append(err)
    return out


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


# -- core: volumes -----------------------------------------------------------------------------

_VOLUME_SOURCES = [
    # (field, path name used in "may not specify more than 1 volume type")
    ("emptyDir", "emptyDir"), ("hostPath", "hostPath"), ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"), ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"), ("nfs", "nfs"), ("iscsi", "iscsi"), ("glusterfs", "glusterfs"),
    ("flocker", "flocker"), ("persistentVolumeClaim", "persistentVolumeClaim"), ("rbd", "rbd"),
    ("cinder", "cinder"), ("cephfs", "cephFS"), ("quobyte", "quobyte"),
    # validateVolumeSource really spells this path "downwarAPI".
    ("downwardAPI", "downwarAPI"), ("fc", "fc"), ("flexVolume", "flexVolume"),
    ("configMap", "configMap"), ("azureFile", "azureFile"), ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"), ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"), ("storageos", "storageos"), ("projected", "projected"),
    ("scaleIO", "scaleIO"), ("csi", "csi"), ("ephemeral", "ephemeral"), ("image", "image"),
]
_FILE_MODE_MSG = "must be a number between 0 and 0777 (octal), both inclusive"


def _validate_mode(value: object, path: str) -> list[str]:
    mode = _int(value)
    if mode is not None and (mode > 0o777 or mode < 0):
        return [invalid(path, mode, _FILE_MODE_MSG)]
    return []


def _validate_local_descending_path(target: str, path: str) -> list[str]:
    errs = []
    if target.startswith("/"):
        errs.append(invalid(path, target, "must be a relative path"))
    if ".." in target.replace("\\", "/").split("/"):
        errs.append(invalid(path, target, "must not contain '..'"))
    return errs


def _validate_key_to_path(item: dict, path: str) -> list[str]:
    errs = []
    if not item.get("key"):
        errs.append(required(child(path, "key")))
    target = _str(item.get("path"))
    if not target:
        errs.append(required(child(path, "path")))
    errs += _validate_local_descending_path(target, child(path, "path"))
    if target.split("/")[0].startswith(".."):
        errs.append(invalid(child(path, "path"), target, "must not start with '..'"))
    errs += _validate_mode(item.get("mode"), child(path, "mode"))
    return errs


def _validate_volume_source(volume: dict, path: str, version: Version) -> list[str]:
    errs: list[str] = []
    count = 0
    for field_name, path_name in _VOLUME_SOURCES:
        source = volume.get(field_name)
        if source is None:
            continue
        if count > 0:
            errs.append(forbidden(child(path, path_name),
                                  "may not specify more than 1 volume type"))
            continue
        count += 1
        source = _map(source)
        src_path = child(path, field_name)
        if field_name == "hostPath":
            if not source.get("path"):
                errs.append(required(child(src_path, "path")))
            else:
                target = _str(source["path"])
                if ".." in target.split("/"):
                    errs.append(invalid(child(src_path, "path"), target, "must not contain '..'"))
                host_type = _str(source.get("type"))
                supported = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File",
                             "Socket", "CharDevice", "BlockDevice"]
                if host_type not in supported:
                    errs.append(not_supported(child(src_path, "type"), host_type, supported))
        elif field_name == "secret":
            if not source.get("secretName"):
                errs.append(required(child(src_path, "secretName")))
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for i, item in enumerate(_dicts(source.get("items"))):
                errs += _validate_key_to_path(item, index(child(src_path, "items"), i))
        elif field_name == "configMap":
            if not source.get("name"):
                errs.append(required(child(src_path, "name")))
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for i, item in enumerate(_dicts(source.get("items"))):
                errs += _validate_key_to_path(item, index(child(src_path, "items"), i))
        elif field_name == "persistentVolumeClaim":
            if not source.get("claimName"):
                errs.append(required(child(src_path, "claimName")))
        elif field_name == "nfs":
            if not source.get("server"):
                errs.append(required(child(src_path, "server")))
            nfs_path = _str(source.get("path"))
            if not nfs_path:
                errs.append(required(child(src_path, "path")))
            if not nfs_path.startswith("/"):
                errs.append(invalid(child(src_path, "path"), nfs_path, "must be an absolute path"))
        elif field_name == "downwardAPI":
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for item in _dicts(source.get("items")):
                errs += _validate_downward_file(item, src_path)
        elif field_name == "projected":
            errs += _validate_mode(source.get("defaultMode"), child(src_path, "defaultMode"))
            for i, proj in enumerate(_dicts(source.get("sources"))):
                proj_path = index(child(src_path, "sources"), i)
                for kind in ("secret", "configMap"):
                    if isinstance(proj.get(kind), dict) and not proj[kind].get("name"):
                        errs.append(required(child(proj_path, kind, "name")))
                token = proj.get("serviceAccountToken")
                if isinstance(token, dict):
                    seconds = _int(token.get("expirationSeconds"))
                    token_path = child(proj_path, "serviceAccountToken")
                    if seconds is not None and seconds < 10 * 60:
                        errs.append(invalid(child(token_path, "expirationSeconds"), seconds,
                                            "may not specify a duration less than 10 minutes"))
                    elif seconds is not None and seconds > MAX_INT32:
                        errs.append(invalid(child(token_path, "expirationSeconds"), seconds,
                                            "may not specify a duration larger than 2^32 seconds"))
                    if not token.get("path"):
                        errs.append(required(child(token_path, "path")))
        elif field_name == "emptyDir":
            limit = source.get("sizeLimit")
            if limit is not None:
                try:
                    negative = parse_quantity(limit) < 0
                except QuantityError:
                    negative = False
                if negative:
                    errs.append(forbidden(child(src_path, "sizeLimit"),
                                          "SizeLimit field must be a valid resource quantity"))
        elif field_name == "ephemeral":
            claim = source.get("volumeClaimTemplate")
            if not isinstance(claim, dict):
                errs.append(required(child(src_path, "volumeClaimTemplate")))
            else:
                errs += _validate_pvc_spec(_map(claim.get("spec")),
                                           child(src_path, "volumeClaimTemplate", "spec"))
    if count == 0:
        errs.append(required(path, "must specify a volume type"))
    return errs


def _validate_downward_file(item: dict, path: str) -> list[str]:
    errs = []
    target = _str(item.get("path"))
    if not target:
        errs.append(required(child(path, "path")))
    errs += _validate_local_descending_path(target, child(path, "path"))
    if isinstance(item.get("fieldRef"), dict):
        errs += _validate_object_field_selector(item["fieldRef"], _VOLUME_FIELD_PATHS,
                                                child(path, "fieldRef"))
        if item.get("resourceFieldRef") is not None:
            errs.append(invalid(path, "resource", "fieldRef and resourceFieldRef can not be "
                                "specified simultaneously"))
    elif isinstance(item.get("resourceFieldRef"), dict):
        errs += _validate_resource_field_selector(item["resourceFieldRef"],
                                                  child(path, "resourceFieldRef"), volume=True)
    else:
        errs.append(required(path, "one of fieldRef and resourceFieldRef is required"))
    errs += _validate_mode(item.get("mode"), child(path, "mode"))
    return errs


def validate_volumes(volumes: object, path: str, version: Version) -> tuple[set[str], list[str]]:
    """ValidateVolumes: the names of the volumes that validated, and the errors."""
    names: set[str] = set()
    errs: list[str] = []
    for i, volume in enumerate(_dicts(volumes)):
        vol_path = index(path, i)
        name_path = child(vol_path, "name")
        vol_errs = _validate_volume_source(volume, vol_path, version)
        name = _str(volume.get("name"))
        if not name:
            vol_errs.append(required(name_path))
        else:
            vol_errs += [invalid(name_path, name, msg) for msg in is_dns1123_label(name)]
        if name in names:
            vol_errs.append(duplicate(name_path, name))
        if vol_errs:
            errs += vol_errs
        else:
            names.add(name)
    return names, errs


# -- core: containers --------------------------------------------------------------------------

_PORT_PROTOCOLS = ["SCTP", "TCP", "UDP"]   # sets.List(supportedPortProtocols): sorted
_ENV_FIELD_PATHS = ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                    "spec.serviceAccountName", "status.hostIP", "status.hostIPs",
                    "status.podIP", "status.podIPs"]
_VOLUME_FIELD_PATHS = ["metadata.annotations", "metadata.labels", "metadata.name",
                       "metadata.namespace", "metadata.uid"]
# pkg/apis/core/pods ConvertDownwardAPIFieldLabel: what may be named at all.
_CONVERTIBLE_FIELD_PATHS = {"metadata.annotations", "metadata.labels", "metadata.name",
                            "metadata.namespace", "metadata.uid", "spec.nodeName",
                            "spec.restartPolicy", "spec.serviceAccountName",
                            "spec.schedulerName", "status.phase", "status.hostIP",
                            "status.hostIPs", "status.podIP", "status.podIPs"}
_RESOURCE_FIELD_PATHS = ["limits.cpu", "limits.ephemeral-storage", "limits.memory",
                         "requests.cpu", "requests.ephemeral-storage", "requests.memory"]
_SUBSCRIPT = re.compile(r"^(metadata\.(?:labels|annotations))\['(.*)'\]$")


def _validate_object_field_selector(ref: dict, expressions: list[str], path: str) -> list[str]:
    if not ref.get("apiVersion"):
        return [required(child(path, "apiVersion"))]
    field_path = _str(ref.get("fieldPath"))
    if not field_path:
        return [required(child(path, "fieldPath"))]
    match = _SUBSCRIPT.match(field_path)
    if match:
        base, subscript = match.groups()
        if base == "metadata.annotations":
            return [invalid(path, subscript.lower(), msg)
                    for msg in is_qualified_name(subscript.lower())]
        return [invalid(path, subscript, msg) for msg in is_qualified_name(subscript)]
    if field_path not in _CONVERTIBLE_FIELD_PATHS:
        return [invalid(child(path, "fieldPath"), field_path,
                        f"error converting fieldPath: field label not supported: {field_path}")]
    if field_path not in expressions:
        return [not_supported(child(path, "fieldPath"), field_path, expressions)]
    return []


def _validate_resource_field_selector(ref: dict, path: str, volume: bool) -> list[str]:
    resource = _str(ref.get("resource"))
    if volume and not ref.get("containerName"):
        return [required(child(path, "containerName"))]
    if not resource:
        return [required(child(path, "resource"))]
    if resource not in _RESOURCE_FIELD_PATHS and not resource.startswith(
            ("requests.hugepages-", "limits.hugepages-")):
        return [not_supported(child(path, "resource"), resource, _RESOURCE_FIELD_PATHS)]
    return []


def _validate_key_selector(ref: dict, path: str) -> list[str]:
    name = _str(ref.get("name"))
    errs = [invalid(child(path, "name"), name, msg) for msg in name_is_dns_subdomain(name, False)]
    ref_key = _str(ref.get("key"))
    if not ref_key:
        errs.append(required(child(path, "key")))
    else:
        errs += [invalid(child(path, "key"), ref_key, msg) for msg in is_config_map_key(ref_key)]
    return errs


def _validate_env(env: object, path: str, relaxed: bool) -> list[str]:
    errs: list[str] = []
    for i, var in enumerate(_dicts(env)):
        var_path = index(path, i)
        name = _str(var.get("name"))
        if not name:
            errs.append(required(child(var_path, "name")))
        else:
            errs += [invalid(child(var_path, "name"), name, msg)
                     for msg in is_env_var_name(name, relaxed)]
        value_from = var.get("valueFrom")
        if value_from is None:
            continue
        value_from = _map(value_from)
        from_path = child(var_path, "valueFrom")
        sources = 0
        if isinstance(value_from.get("fieldRef"), dict):
            sources += 1
            errs += _validate_object_field_selector(value_from["fieldRef"], _ENV_FIELD_PATHS,
                                                    child(from_path, "fieldRef"))
        if isinstance(value_from.get("resourceFieldRef"), dict):
            sources += 1
            errs += _validate_resource_field_selector(value_from["resourceFieldRef"],
                                                      child(from_path, "resourceFieldRef"), False)
        for kind in ("configMapKeyRef", "secretKeyRef"):
            if isinstance(value_from.get(kind), dict):
                sources += 1
                errs += _validate_key_selector(value_from[kind], child(from_path, kind))
        if sources == 0:
            errs.append(invalid(from_path, "", "must specify one of: `fieldRef`, "
                                "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
        elif var.get("value"):
            errs.append(invalid(from_path, "", "may not be specified when `value` is not empty"))
        elif sources > 1:
            errs.append(invalid(from_path, "",
                                "may not have more than one field specified at a time"))
    return errs


def _validate_env_from(env_from: object, path: str, relaxed: bool) -> list[str]:
    errs: list[str] = []
    for i, source in enumerate(_dicts(env_from)):
        item = index(path, i)
        prefix = _str(source.get("prefix"))
        if prefix:
            errs += [invalid(child(item, "prefix"), prefix, msg)
                     for msg in is_env_var_name(prefix, relaxed)]
        sources = 0
        for kind in ("configMapRef", "secretRef"):
            ref = source.get(kind)
            if isinstance(ref, dict):
                sources += 1
                name = _str(ref.get("name"))
                if not name:
                    errs.append(required(child(item, kind, "name")))
                else:
                    errs += [invalid(child(item, kind, "name"), name, msg)
                             for msg in name_is_dns_subdomain(name, True)]
        if sources == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif sources > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_volume_mounts(mounts: object, volumes: set[str], devices: object,
                            path: str) -> list[str]:
    errs: list[str] = []
    seen_paths: set[str] = set()
    device_names = {_str(d.get("name")): _str(d.get("devicePath")) for d in _dicts(devices)}
    for i, mount in enumerate(_dicts(mounts)):
        item = index(path, i)
        name = _str(mount.get("name"))
        mount_path = _str(mount.get("mountPath"))
        if not name:
            errs.append(required(child(item, "name")))
        if name not in volumes:
            errs.append(not_found(child(item, "name"), name))
        if not mount_path:
            errs.append(required(child(item, "mountPath")))
        if mount_path in seen_paths:
            errs.append(invalid(child(item, "mountPath"), mount_path, "must be unique"))
        seen_paths.add(mount_path)
        if name in device_names:
            errs.append(invalid(child(item, "name"), name,
                                "must not already exist in volumeDevices"))
        if mount_path in device_names.values():
            errs.append(invalid(child(item, "mountPath"), mount_path,
                                "must not already exist as a path in volumeDevices"))
        sub_path = _str(mount.get("subPath"))
        if sub_path:
            errs += _validate_local_descending_path(sub_path, child(path, "subPath"))
        sub_expr = _str(mount.get("subPathExpr"))
        if sub_expr:
            if sub_path:
                errs.append(invalid(child(item, "subPathExpr"), sub_expr,
                                    "subPathExpr and subPath are mutually exclusive"))
            errs += _validate_local_descending_path(sub_expr, child(path, "subPathExpr"))
    return errs


def _validate_container_ports(ports: object, path: str) -> list[str]:
    errs: list[str] = []
    names: set[str] = set()
    for i, port in enumerate(_dicts(ports)):
        item = index(path, i)
        name = _str(port.get("name"))
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(child(item, "name"), name, msg) for msg in msgs]
            elif name in names:
                errs.append(duplicate(child(item, "name"), name))
            else:
                names.add(name)
        container_port = _int(port.get("containerPort"))
        if not container_port:
            errs.append(required(child(item, "containerPort")))
        else:
            errs += [invalid(child(item, "containerPort"), container_port, msg)
                     for msg in is_valid_port_num(container_port)]
        host_port = _int(port.get("hostPort"))
        if host_port:
            errs += [invalid(child(item, "hostPort"), host_port, msg)
                     for msg in is_valid_port_num(host_port)]
        protocol = _str(port.get("protocol"))
        if not protocol:
            errs.append(required(child(item, "protocol")))
        elif protocol not in _PORT_PROTOCOLS:
            errs.append(not_supported(child(item, "protocol"), protocol, _PORT_PROTOCOLS))
    return errs


def _host_port_conflicts(containers: list[dict], path: str, seen: set[str]) -> list[str]:
    # AccumulateUniqueHostPorts
    errs: list[str] = []
    for ci, container in enumerate(containers):
        for pi, port in enumerate(_dicts(container.get("ports"))):
            host_port = _int(port.get("hostPort"))
            if not host_port:
                continue
            text = f"{_str(port.get('protocol'))}/{_str(port.get('hostIP'))}/{host_port}"
            if text in seen:
                errs.append(duplicate(child(index(child(index(path, ci), "ports"), pi),
                                            "hostPort"), text))
            else:
                seen.add(text)
    return errs


_STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def _is_native_resource(name: str) -> bool:
    domain = name.split("/", 1)[0] if "/" in name else ""
    return not domain or domain == "kubernetes.io" or domain.endswith(".kubernetes.io")


def _is_extended_resource(name: str) -> bool:
    # helper.IsExtendedResourceName: qualified, not native (no kubernetes.io domain), not
    # "requests." prefixed.
    if "/" not in name or name.startswith("requests."):
        return False
    domain = name.split("/", 1)[0]
    return not (domain == "kubernetes.io" or domain.endswith(".kubernetes.io"))


def _validate_resources(resources: object, path: str) -> list[str]:
    resources = _map(resources)
    errs: list[str] = []
    limits = _map(resources.get("limits"))
    requests = _map(resources.get("requests"))
    lim_path, req_path = child(path, "limits"), child(path, "requests")

    def check(name: str, value: object, item: str) -> Fraction | None:
        out: list[str] = []
        msgs = is_qualified_name(name)
        out += [invalid(item, name, msg) for msg in msgs]
        if "/" not in name:
            if name not in _STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
                out.append(invalid(item, name, "must be a standard resource for containers"))
        elif not msgs and not _is_native_resource(name) and not _is_extended_resource(name):
            out.append(invalid(item, name, "doesn't follow extended resource name standard"))
        errs.extend(out)
        try:
            amount = parse_quantity(value)
        except QuantityError:
            return None
        if amount < 0:
            errs.append(invalid(item, _str(value), "must be greater than or equal to 0"))
        elif _is_extended_resource(name) and amount.denominator != 1:
            errs.append(invalid(item, GoValue("resource.Quantity{...}"), "must be an integer"))
        return amount

    limit_values = {}
    for name in sorted(limits):
        limit_values[name] = check(str(name), limits[name], key(lim_path, str(name)))
    for name in sorted(requests):
        amount = check(str(name), requests[name], key(req_path, str(name)))
        if name in limits:
            limit = limit_values.get(name)
            if amount is None or limit is None:
                continue
            if _is_extended_resource(str(name)) and amount != limit:
                errs.append(invalid(req_path, _str(requests[name]),
                                    f"must be equal to {name} limit of {_str(limits[name])}"))
            elif amount > limit:
                errs.append(invalid(req_path, _str(requests[name]),
                                    f"must be less than or equal to {name} limit of "
                                    f"{_str(limits[name])}"))
        elif _is_extended_resource(str(name)):
            errs.append(required(lim_path, "Limit must be set for non overcommitable resources"))
    return errs


def _validate_port_num_or_name(port: object, path: str) -> list[str]:
    if isinstance(port, str):
        return [invalid(path, port, msg) for msg in is_valid_port_name(port)]
    number = _int(port)
    if number is None:
        number = 0
    return [invalid(path, number, msg) for msg in is_valid_port_num(number)]


def _validate_handler(handler: dict, path: str, grace: int | None, lifecycle: bool) -> list[str]:
    errs: list[str] = []
    kinds = ("exec", "httpGet", "tcpSocket", "sleep") if lifecycle else (
        "exec", "httpGet", "tcpSocket", "grpc")
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if action is None:
            continue
        if count > 0:
            errs.append(forbidden(child(path, kind), "may not specify more than 1 handler type"))
            continue
        count += 1
        action = _map(action)
        kpath = child(path, kind)
        if kind == "exec" and not _list(action.get("command")):
            errs.append(required(child(kpath, "command")))
        elif kind == "httpGet":
            if not action.get("path"):
                errs.append(required(child(kpath, "path")))
            errs += _validate_port_num_or_name(action.get("port"), child(kpath, "port"))
            scheme = _str(action.get("scheme"))
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(not_supported(child(kpath, "scheme"), scheme, ["HTTP", "HTTPS"]))
            for header in _dicts(action.get("httpHeaders")):
                name = _str(header.get("name"))
                if not _RE_HTTP_HEADER.match(name):
                    errs.append(invalid(child(kpath, "httpHeaders"), name, _regex_error(
                        "a valid HTTP header must consist of alphanumeric characters or '-'",
                        _HTTP_HEADER_FMT, "X-Header-Name")))
        elif kind == "tcpSocket":
            errs += _validate_port_num_or_name(action.get("port"), child(kpath, "port"))
        elif kind == "grpc":
            errs += _validate_port_num_or_name(_int(action.get("port")) or 0, child(kpath, "port"))
        elif kind == "sleep":
            seconds = _int(action.get("seconds")) or 0
            if grace is not None and (seconds <= 0 or seconds > grace):
                errs.append(invalid(kpath, seconds, "must be greater than 0 and less than "
                                    f"terminationGracePeriodSeconds ({grace}). Enable "
                                    "AllowPodLifecycleSleepActionZeroValue feature gate for "
                                    "zero sleep."))
    if count == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def _validate_probe(probe: object, path: str, grace: int | None, which: str) -> list[str]:
    if probe is None:
        return []
    probe = _map(probe)
    errs = _validate_handler(probe, path, grace, lifecycle=False)
    for field_name in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                       "successThreshold", "failureThreshold"):
        errs += _nonnegative(probe.get(field_name), child(path, field_name))
    tgps = _int(probe.get("terminationGracePeriodSeconds"))
    if tgps is not None and tgps <= 0:
        errs.append(invalid(child(path, "terminationGracePeriodSeconds"), tgps,
                            "must be greater than 0"))
    if which in ("liveness", "startup"):
        success = _int(probe.get("successThreshold"))
        if success is not None and success != 1:
            errs.append(invalid(child(path, "successThreshold"), success, "must be 1"))
    if which == "readiness" and probe.get("terminationGracePeriodSeconds") is not None:
        errs.append(invalid(child(path, "terminationGracePeriodSeconds"), tgps,
                            "must not be set for readinessProbes"))
    return errs


def _validate_container_common(container: dict, volumes: set[str], path: str,
                               relaxed_env: bool) -> list[str]:
    errs: list[str] = []
    name = _str(container.get("name"))
    if not name:
        errs.append(required(child(path, "name")))
    else:
        errs += [invalid(child(path, "name"), name, msg) for msg in is_dns1123_label(name)]
    if not container.get("image"):
        errs.append(required(child(path, "image")))
    policy = _str(container.get("terminationMessagePolicy"))
    if not policy:
        errs.append(required(child(path, "terminationMessagePolicy")))
    elif policy not in ("File", "FallbackToLogsOnError"):
        errs.append(not_supported(child(path, "terminationMessagePolicy"), policy,
                                  ["File", "FallbackToLogsOnError"]))
    errs += _validate_container_ports(container.get("ports"), child(path, "ports"))
    errs += _validate_env(container.get("env"), child(path, "env"), relaxed_env)
    errs += _validate_env_from(container.get("envFrom"), child(path, "envFrom"), relaxed_env)
    errs += _validate_volume_mounts(container.get("volumeMounts"), volumes,
                                    container.get("volumeDevices"), child(path, "volumeMounts"))
    pull = _str(container.get("imagePullPolicy"))
    if not pull:
        errs.append(required(child(path, "imagePullPolicy")))
    elif pull not in ("Always", "IfNotPresent", "Never"):
        errs.append(not_supported(child(path, "imagePullPolicy"), pull,
                                  ["Always", "IfNotPresent", "Never"]))
    errs += _validate_resources(container.get("resources"), child(path, "resources"))
    return errs


def _validate_containers(containers: object, volumes: set[str], grace: int | None, path: str,
                         relaxed_env: bool) -> list[str]:
    items = _dicts(containers)
    if not items:
        return [required(path)]
    errs: list[str] = []
    names: set[str] = set()
    for i, container in enumerate(items):
        item = index(path, i)
        errs += _validate_container_common(container, volumes, item, relaxed_env)
        name = _str(container.get("name"))
        if name in names:
            errs.append(duplicate(child(item, "name"), name))
        else:
            names.add(name)
        lifecycle = container.get("lifecycle")
        if isinstance(lifecycle, dict):
            for hook in ("postStart", "preStop"):
                if isinstance(lifecycle.get(hook), dict):
                    errs += _validate_handler(lifecycle[hook], child(item, "lifecycle", hook),
                                              grace, lifecycle=True)
        errs += _validate_probe(container.get("livenessProbe"), child(item, "livenessProbe"),
                                grace, "liveness")
        errs += _validate_probe(container.get("readinessProbe"), child(item, "readinessProbe"),
                                grace, "readiness")
        errs += _validate_probe(container.get("startupProbe"), child(item, "startupProbe"),
                                grace, "startup")
        if container.get("restartPolicy") is not None:
            errs.append(forbidden(child(item, "restartPolicy"),
                                  "may not be set for non-init containers"))
    errs += _host_port_conflicts(items, path, set())
    return errs


def _validate_init_containers(init: object, regular: object, volumes: set[str],
                              grace: int | None, path: str, relaxed_env: bool) -> list[str]:
    errs: list[str] = []
    names = {_str(c.get("name")) for c in _dicts(regular)}
    for i, container in enumerate(_dicts(init)):
        item = index(path, i)
        errs += _validate_container_common(container, volumes, item, relaxed_env)
        restart = container.get("restartPolicy")
        always = False
        if restart is not None:
            if restart != "Always":
                errs.append(not_supported(child(item, "restartPolicy"), _str(restart), ["Always"]))
            always = restart == "Always"
        name = _str(container.get("name"))
        if name in names:
            errs.append(duplicate(child(item, "name"), name))
        elif name:
            names.add(name)
        errs += _host_port_conflicts([container], path, set())
        if always:
            lifecycle = container.get("lifecycle")
            if isinstance(lifecycle, dict):
                for hook in ("postStart", "preStop"):
                    if isinstance(lifecycle.get(hook), dict):
                        errs += _validate_handler(lifecycle[hook],
                                                  child(item, "lifecycle", hook), grace, True)
            for field_name, which in (("livenessProbe", "liveness"),
                                      ("readinessProbe", "readiness"),
                                      ("startupProbe", "startup")):
                errs += _validate_probe(container.get(field_name), child(item, field_name),
                                        grace, which)
        else:
            for field_name in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(field_name) is not None:
                    errs.append(forbidden(child(item, field_name), "may not be set for init "
                                          "containers without restartPolicy=Always"))
    return errs


# -- core: pod spec ----------------------------------------------------------------------------

_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]


def validate_tolerations(tolerations: object, path: str) -> list[str]:
    errs: list[str] = []
    for i, tol in enumerate(_dicts(tolerations)):
        item = index(path, i)
        tol_key = _str(tol.get("key"))
        operator = _str(tol.get("operator"))
        effect = _str(tol.get("effect"))
        if tol_key:
            errs += validate_label_name(tol_key, child(item, "key"))
        if not tol_key and operator != "Exists":
            errs.append(invalid(child(item, "operator"), operator, "operator must be Exists when "
                                '`key` is empty, which means "match all values and all keys"'))
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(invalid(child(item, "effect"), effect,
                                "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        value = _str(tol.get("value"))
        if operator in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(invalid(child(item, "operator"), value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(invalid(child(item, "operator"), value,
                                    "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(child(item, "operator"), operator, ["Equal", "Exists"]))
        if effect and effect not in _TAINT_EFFECTS:
            errs.append(not_supported(child(item, "effect"), effect, _TAINT_EFFECTS))
    return errs


def _validate_node_selector_requirement(req: dict, path: str, check_values: bool) -> list[str]:
    errs: list[str] = []
    op = _str(req.get("operator"))
    values = _list(req.get("values"))
    if op in ("In", "NotIn"):
        if not values:
            errs.append(required(child(path, "values"),
                                 "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(forbidden(child(path, "values"), "may not be specified when `operator` "
                                  "is 'Exists' or 'DoesNotExist'"))
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(required(child(path, "values"),
                                 "must be specified single value when `operator` is 'Lt' or 'Gt'"))
    else:
        errs.append(invalid(child(path, "operator"), op, "not a valid selector operator"))
    errs += validate_label_name(_str(req.get("key")), child(path, "key"))
    if check_values:
        for j, value in enumerate(values):
            errs += [invalid(index(child(path, "values"), j), _str(value), msg)
                     for msg in is_valid_label_value(_str(value))]
    return errs


def _validate_affinity(affinity: object, path: str) -> list[str]:
    errs: list[str] = []
    node = _map(_map(affinity).get("nodeAffinity"))
    required_terms = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required_terms, dict):
        terms_path = child(path, "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                           "nodeSelectorTerms")
        terms = _dicts(required_terms.get("nodeSelectorTerms"))
        if not terms:
            errs.append(required(terms_path, "must have at least one node selector term"))
        for i, term in enumerate(terms):
            for j, req in enumerate(_dicts(term.get("matchExpressions"))):
                errs += _validate_node_selector_requirement(
                    req, index(child(index(terms_path, i), "matchExpressions"), j), True)
    for i, term in enumerate(_dicts(node.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        item = index(child(path, "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
                     i)
        weight = _int(term.get("weight")) or 0
        if weight <= 0 or weight > 100:
            errs.append(invalid(child(item, "weight"), weight, "must be in the range 1-100"))
        for j, req in enumerate(_dicts(_map(term.get("preference")).get("matchExpressions"))):
            errs += _validate_node_selector_requirement(
                req, index(child(item, "preference", "matchExpressions"), j), False)
    for kind in ("podAffinity", "podAntiAffinity"):
        pod_affinity = _map(_map(affinity).get(kind))
        for i, term in enumerate(_dicts(
                pod_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            item = index(child(path, kind, "requiredDuringSchedulingIgnoredDuringExecution"), i)
            errs += _validate_pod_affinity_term(term, item)
        for i, weighted in enumerate(_dicts(
                pod_affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            item = index(child(path, kind, "preferredDuringSchedulingIgnoredDuringExecution"), i)
            weight = _int(weighted.get("weight")) or 0
            if weight <= 0 or weight > 100:
                errs.append(invalid(child(item, "weight"), weight, "must be in the range 1-100"))
            errs += _validate_pod_affinity_term(_map(weighted.get("podAffinityTerm")),
                                                child(item, "podAffinityTerm"))
    return errs


def _validate_pod_affinity_term(term: dict, path: str) -> list[str]:
    errs = validate_label_selector(term.get("labelSelector"), child(path, "labelSelector"))
    for name in _list(term.get("namespaces")):
        errs += [invalid(child(path, "namespace"), _str(name), msg)
                 for msg in name_is_dns_label(_str(name), False)]
    topology_key = _str(term.get("topologyKey"))
    if not topology_key:
        errs.append(required(child(path, "topologyKey"), "can not be empty"))
    errs += validate_label_name(topology_key, child(path, "topologyKey"))
    return errs


def _validate_topology_spread(constraints: object, path: str) -> list[str]:
    errs: list[str] = []
    items = _dicts(constraints)
    for i, constraint in enumerate(items):
        item = index(path, i)
        skew = _int(constraint.get("maxSkew")) or 0
        if skew <= 0:
            errs.append(invalid(child(item, "maxSkew"), skew, "must be greater than zero"))
        topology_key = _str(constraint.get("topologyKey"))
        if not topology_key:
            errs.append(required(child(item, "topologyKey"), "can not be empty"))
        action = _str(constraint.get("whenUnsatisfiable"))
        if action not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(not_supported(child(item, "whenUnsatisfiable"), action,
                                      ["DoNotSchedule", "ScheduleAnyway"]))
        for later in items[i + 1:]:
            if (_str(later.get("topologyKey")), _str(later.get("whenUnsatisfiable"))) == (
                    topology_key, action):
                errs.append(duplicate(child(item, "{topologyKey, whenUnsatisfiable}"),
                                      f"{{{topology_key}, {action}}}"))
                break
        errs += validate_label_selector(constraint.get("labelSelector"),
                                        child(item, "labelSelector"))
    return errs


def validate_pod_spec(spec: object, path: str, *, is_pod: bool,
                      version: Version = DEFAULT_VERSION) -> list[str]:
    """ValidatePodSpec (plus the hostNetwork rule that depends on is_pod)."""
    spec = _map(spec)
    errs: list[str] = []
    relaxed_env = version >= (1, 32)
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(child(path, "terminationGracePeriodSeconds")))
    grace = _int(spec.get("terminationGracePeriodSeconds"))
    volumes, vol_errs = validate_volumes(spec.get("volumes"), child(path, "volumes"), version)
    errs += vol_errs
    errs += _validate_containers(spec.get("containers"), volumes, grace,
                                 child(path, "containers"), relaxed_env)
    errs += _validate_init_containers(spec.get("initContainers"), spec.get("containers"),
                                      volumes, grace, child(path, "initContainers"), relaxed_env)
    if spec.get("hostNetwork"):
        for i, container in enumerate(_dicts(spec.get("containers"))):
            for j, port in enumerate(_dicts(container.get("ports"))):
                host_port, container_port = _int(port.get("hostPort")) or 0, _int(
                    port.get("containerPort")) or 0
                if (is_pod or host_port != 0) and host_port != container_port:
                    errs.append(invalid(child(index(child(index(child(path, "containers"), i),
                                                              "ports"), j), "hostPort"),
                                        host_port,
                                        "must match `containerPort` when `hostNetwork` is true"))
    restart = _str(spec.get("restartPolicy"))
    if not restart:
        errs.append(required(child(path, "restartPolicy")))
    elif restart not in _RESTART_POLICIES:
        errs.append(not_supported(child(path, "restartPolicy"), restart, _RESTART_POLICIES))
    dns = _str(spec.get("dnsPolicy"))
    if not dns:
        errs.append(required(child(path, "dnsPolicy")))
    elif dns not in _DNS_POLICIES:
        errs.append(not_supported(child(path, "dnsPolicy"), dns, _DNS_POLICIES))
    errs += validate_labels(spec.get("nodeSelector"), child(path, "nodeSelector"))
    for i, secret in enumerate(_dicts(spec.get("imagePullSecrets"))):
        if set(secret) - {"name"}:
            errs.append(invalid(index(child(path, "imagePullSecrets"), i),
                                GoValue("core.LocalObjectReference{...}"), "only name may be set"))
    errs += _validate_affinity(spec.get("affinity"), child(path, "affinity"))
    if dns == "None":
        config = spec.get("dnsConfig")
        if not isinstance(config, dict):
            errs.append(required(child(path, "dnsConfig"),
                                 "must provide `dnsConfig` when `dnsPolicy` is None"))
        elif not _list(config.get("nameservers")):
            errs.append(required(child(path, "dnsConfig", "nameservers"),
                                 "must provide at least one DNS nameserver when `dnsPolicy` is "
                                 "None"))
    errs += _validate_topology_spread(spec.get("topologySpreadConstraints"),
                                      child(path, "topologySpreadConstraints"))
    for field_name in ("serviceAccountName", "nodeName"):
        value = _str(spec.get(field_name))
        if value:
            errs += [invalid(child(path, field_name), value, msg)
                     for msg in name_is_dns_subdomain(value, False)]
    deadline = _int(spec.get("activeDeadlineSeconds"))
    if deadline is not None and (deadline < 1 or deadline > MAX_INT32):
        errs.append(invalid(child(path, "activeDeadlineSeconds"), deadline,
                            f"must be between 1 and {MAX_INT32}, inclusive"))
    for field_name in ("hostname", "subdomain"):
        value = _str(spec.get(field_name))
        if value:
            errs += [invalid(child(path, field_name), value, msg)
                     for msg in is_dns1123_label(value)]
    errs += validate_tolerations(spec.get("tolerations"), child(path, "tolerations"))
    priority_class = _str(spec.get("priorityClassName"))
    if priority_class:
        errs += [invalid(child(path, "priorityClassName"), priority_class, msg)
                 for msg in name_is_dns_subdomain(priority_class, False)]
    preemption = spec.get("preemptionPolicy")
    if preemption is not None and preemption not in ("PreemptLowerPriority", "Never"):
        errs.append(not_supported(child(path, "preemptionPolicy"), _str(preemption),
                                  ["PreemptLowerPriority", "Never"]))
    return errs


def _validate_pod_template_spec(template: object, path: str, version: Version) -> list[str]:
    """ValidatePodTemplateSpec."""
    template = _map(template)
    meta = _map(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), child(path, "labels"))
    errs += _validate_annotations(meta.get("annotations"), child(path, "annotations"))
    spec = _map(template.get("spec"))
    errs += validate_pod_spec(spec, child(path, "spec"), is_pod=False, version=version)
    if _list(spec.get("ephemeralContainers")):
        errs.append(forbidden(child(path, "spec", "ephemeralContainers"),
                              "ephemeral containers not allowed in pod template"))
    return errs


# -- Pod ---------------------------------------------------------------------------------------

def _validate_pod_metadata_and_spec(pod: dict, version: Version) -> list[str]:
    errs = validate_object_meta(pod.get("metadata"), True, name_is_dns_subdomain)
    spec = _map(pod.get("spec"))
    annotations = _map(_map(pod.get("metadata")).get("annotations"))
    if "kubernetes.io/config.mirror" in annotations and not spec.get("nodeName"):
        errs.append(invalid("metadata.annotations[kubernetes.io/config.mirror]",
                            _str(annotations["kubernetes.io/config.mirror"]),
                            "must set spec.nodeName if mirror pod annotation is set"))
    errs += validate_pod_spec(spec, "spec", is_pod=True, version=version)
    if not spec.get("serviceAccountName"):
        for vi, volume in enumerate(_dicts(spec.get("volumes"))):
            for si, source in enumerate(_dicts(_map(volume.get("projected")).get("sources"))):
                if source.get("serviceAccountToken") is not None:
                    errs.append(forbidden(f"spec.volumes[{vi}].projected.sources[{si}]"
                                          ".serviceAccountToken",
                                          "must not be specified when serviceAccountName is "
                                          "not set"))
    for kind in ("containers", "initContainers"):
        for i, container in enumerate(_dicts(spec.get(kind))):
            image = _str(container.get("image"))
            if image != image.strip():
                errs.append(invalid(f"spec.{kind}[{i}].image", image,
                                    "must not have leading or trailing whitespace"))
    return errs


def _validate_pod_create(pod: dict, version: Version) -> list[str]:
    errs = _validate_pod_metadata_and_spec(pod, version)
    spec = _map(pod.get("spec"))
    if _list(spec.get("ephemeralContainers")):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and _list(spec.get("schedulingGates")):
        errs.append(forbidden("spec.nodeName",
                              "cannot be set until all schedulingGates have been cleared"))
    return errs


UPDATABLE_POD_SPEC_FIELDS = ",".join([
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
])


def _spec_diff(old: dict, new: dict) -> str:
    """A stand-in for the cmp.Diff the apiserver appends: the top-level PodSpec fields that
    differ, one ``-``/``+`` pair each (Go field names, JSON values)."""
    import json

    lines = ["  core.PodSpec{"]
    for name in sorted(set(old) | set(new)):
        if old.get(name) == new.get(name):
            continue
        go_name = name[:1].upper() + name[1:]
        if name in old:
            lines.append(f"- \t{go_name}: {json.dumps(old[name], sort_keys=True)},")
        if name in new:
            lines.append(f"+ \t{go_name}: {json.dumps(new[name], sort_keys=True)},")
    lines.append("  }")
    return "\n".join(lines)


def _validate_only_added_tolerations(new: list, old: list, path: str) -> list[str]:
    for old_tol in _dicts(old):
        found = False
        for new_tol in _dicts(new):
            candidate = dict(old_tol)
            if "tolerationSeconds" in new_tol:
                candidate["tolerationSeconds"] = new_tol["tolerationSeconds"]
            else:
                candidate.pop("tolerationSeconds", None)
            if candidate == new_tol:
                found = True
                break
        if not found:
            return [forbidden(path, "existing toleration can not be modified except its "
                              "tolerationSeconds")]
    return validate_tolerations(new, path)


def _validate_pod_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _validate_pod_metadata_and_spec(new, version)
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    for kind in ("containers", "initContainers"):
        new_c, old_c = _dicts(new_spec.get(kind)), _dicts(old_spec.get(kind))
        if len(new_c) != len(old_c):
            errs.append(forbidden(f"spec.{kind}", "pod updates may not add or remove containers"))
            return errs
        for i, container in enumerate(new_c):
            image = _str(container.get("image"))
            if not image:
                errs.append(required(f"spec.{kind}[{i}].image"))
            if image != image.strip():
                errs.append(invalid(f"spec.{kind}[{i}].image", image,
                                    "must not have leading or trailing whitespace"))
    new_deadline = _int(new_spec.get("activeDeadlineSeconds"))
    old_deadline = _int(old_spec.get("activeDeadlineSeconds"))
    if new_spec.get("activeDeadlineSeconds") is not None:
        if new_deadline is None or new_deadline < 0 or new_deadline > MAX_INT32:
            errs.append(invalid("spec.activeDeadlineSeconds", new_deadline,
                                f"must be between 0 and {MAX_INT32}, inclusive"))
            return errs
        if old_deadline is not None and old_deadline < new_deadline:
            errs.append(invalid("spec.activeDeadlineSeconds", new_deadline,
                                "must be less than or equal to previous value"))
            return errs
    elif old_spec.get("activeDeadlineSeconds") is not None:
        errs.append(invalid("spec.activeDeadlineSeconds", None,
                            "must not update from a positive integer to nil value"))
    errs += _validate_only_added_tolerations(_list(new_spec.get("tolerations")),
                                             _list(old_spec.get("tolerations")),
                                             "spec.tolerations")
    new_gates = [_str(g.get("name")) for g in _dicts(new_spec.get("schedulingGates"))]
    old_gates = {_str(g.get("name")) for g in _dicts(old_spec.get("schedulingGates"))}
    for i, gate in enumerate(new_gates):
        if gate not in old_gates:
            errs.append(forbidden(f"spec.schedulingGates[{i}].name", "only deletion is allowed, "
                                  f"but found new scheduling gate '{gate}'"))
    if new_spec == old_spec:
        return errs
    # The mutable fields are copied from the old spec; anything still different is forbidden.
    munged = dict(new_spec)
    for kind in ("containers", "initContainers"):
        if kind in munged:
            munged[kind] = [{**c, "image": o.get("image")} if "image" in o else
                            {k: v for k, v in c.items() if k != "image"}
                            for c, o in zip(_dicts(new_spec.get(kind)),
                                            _dicts(old_spec.get(kind)), strict=False)]
    for field_name in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if field_name in old_spec:
            munged[field_name] = old_spec[field_name]
        else:
            munged.pop(field_name, None)
    old_grace = _int(old_spec.get("terminationGracePeriodSeconds"))
    if old_grace is not None and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_spec["terminationGracePeriodSeconds"]
    # Gated pods may gain nodeSelector entries (node affinity changes are not modelled).
    if old_gates and ("nodeSelector" in old_spec or "nodeSelector" in munged):
        munged_selector = _map(munged.get("nodeSelector"))
        old_selector = _map(old_spec.get("nodeSelector"))
        if all(munged_selector.get(k) == v for k, v in old_selector.items()):
            if "nodeSelector" in old_spec:
                munged["nodeSelector"] = old_spec["nodeSelector"]
            else:
                munged.pop("nodeSelector", None)
    if munged != old_spec:
        errs.append(forbidden("spec", "pod updates may not change fields other than "
                              f"{UPDATABLE_POD_SPEC_FIELDS}\n{_spec_diff(old_spec, munged)}"))
    return errs


# -- Service -----------------------------------------------------------------------------------

def _go_service_port_key(protocol: str, port: int) -> GoValue:
    return GoValue(f'core.ServicePort{{Name:"", Protocol:{go_quote(protocol)}, '
                   f'AppProtocol:(*string)(nil), Port:{port}, '
                   f'TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, NodePort:0}}')


def _validate_service(svc: dict, version: Version) -> list[str]:
    errs = validate_object_meta(svc.get("metadata"), True, name_is_dns1035_label)
    spec = _map(svc.get("spec"))
    svc_type = _str(spec.get("type"))
    cluster_ips = [_str(ip) for ip in _list(spec.get("clusterIPs"))]
    headless = bool(cluster_ips) and cluster_ips[0] == "None" or spec.get("clusterIP") == "None"
    ports = _dicts(spec.get("ports"))
    if not ports and not headless and svc_type != "ExternalName":
        errs.append(required("spec.ports"))
    if svc_type in ("LoadBalancer", "NodePort") and headless:
        errs.append(invalid("spec.clusterIPs[0]", "None",
                            f"may not be set to 'None' for {svc_type} services"))
    if svc_type == "ExternalName":
        if cluster_ips:
            errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if _list(spec.get("ipFamilies")):
            errs.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(forbidden("spec.ipFamilyPolicy",
                                  "may not be set for ExternalName services"))
        cname = _str(spec.get("externalName")).removesuffix(".")
        if cname:
            errs += [invalid("spec.externalName", cname, msg)
                     for msg in is_dns1123_subdomain(cname)]
        else:
            errs.append(required("spec.externalName"))
    names: set[str] = set()
    for i, port in enumerate(ports):
        item = f"spec.ports[{i}]"
        name = _str(port.get("name"))
        if len(ports) > 1 and not name:
            errs.append(required(child(item, "name")))
        elif name:
            errs += [invalid(child(item, "name"), name, msg) for msg in is_dns1123_label(name)]
            if name in names:
                errs.append(duplicate(child(item, "name"), name))
            else:
                names.add(name)
        number = _int(port.get("port")) or 0
        errs += [invalid(child(item, "port"), number, msg) for msg in is_valid_port_num(number)]
        protocol = _str(port.get("protocol"))
        if not protocol:
            errs.append(required(child(item, "protocol")))
        elif protocol not in _PORT_PROTOCOLS:
            errs.append(not_supported(child(item, "protocol"), protocol, _PORT_PROTOCOLS))
        errs += _validate_port_num_or_name(port.get("targetPort"), child(item, "targetPort"))
        if port.get("appProtocol") is not None:
            app = _str(port.get("appProtocol"))
            errs += [invalid(child(item, "appProtocol"), app, msg)
                     for msg in is_qualified_name(app)]
    if spec.get("selector") is not None:
        errs += validate_labels(spec.get("selector"), "spec.selector")
    affinity = _str(spec.get("sessionAffinity"))
    if not affinity:
        errs.append(required("spec.sessionAffinity"))
    elif affinity not in ("ClientIP", "None"):
        errs.append(not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"]))
    if affinity == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = _map(config).get("clientIP") if isinstance(config, dict) else None
        if not isinstance(config, dict):
            errs.append(required("spec.sessionAffinityConfig",
                                 "when session affinity type is ClientIP"))
        elif not isinstance(client_ip, dict):
            errs.append(required("spec.sessionAffinityConfig.clientIP",
                                 "when session affinity type is ClientIP"))
        else:
            timeout = _int(client_ip.get("timeoutSeconds"))
            if timeout is None:
                errs.append(required("spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                                     "when session affinity type is ClientIP"))
            elif timeout <= 0 or timeout > 86400:
                errs.append(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                                    "must be greater than 0 and less than 86400"))
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(forbidden("spec.sessionAffinityConfig",
                              "must not be set when session affinity is None"))
    cluster_ip = _str(spec.get("clusterIP"))
    if cluster_ip and cluster_ip != "None" and not _is_valid_ip(cluster_ip):
        errs.append(invalid("spec.clusterIPs[0]", cluster_ip,
                            "must be empty, 'None', or a valid IP address"))
    for i, ip in enumerate(_list(spec.get("externalIPs"))):
        if not _is_valid_ip(_str(ip)):
            errs.append(invalid(f"spec.externalIPs[{i}]", _str(ip),
                                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    if not svc_type:
        errs.append(required("spec.type"))
    elif svc_type not in types:
        errs.append(not_supported("spec.type", svc_type, types))
    if svc_type == "ClusterIP":
        for i, port in enumerate(ports):
            if _int(port.get("nodePort")):
                errs.append(forbidden(f"spec.ports[{i}].nodePort",
                                      "may not be used when `type` is 'ClusterIP'"))
    node_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        node_port = _int(port.get("nodePort")) or 0
        if not node_port:
            continue
        node_key = (_str(port.get("protocol")), node_port)
        if node_key in node_ports:
            errs.append(duplicate(f"spec.ports[{i}].nodePort", node_port))
        node_ports.add(node_key)
    seen_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        port_key = (_str(port.get("protocol")), _int(port.get("port")) or 0)
        if port_key in seen_ports:
            errs.append(duplicate(f"spec.ports[{i}]", _go_service_port_key(*port_key)))
        seen_ports.add(port_key)
    if spec.get("allocateLoadBalancerNodePorts") is not None and svc_type != "LoadBalancer":
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts",
                              "may only be used when `type` is 'LoadBalancer'"))
    if version >= (1, 20) and svc_type == "LoadBalancer" and \
            spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(required("allocateLoadBalancerNodePorts"))
    externally = svc_type in ("NodePort", "LoadBalancer") or (
        svc_type == "ClusterIP" and bool(_list(spec.get("externalIPs"))))
    etp = _str(spec.get("externalTrafficPolicy"))
    if not externally:
        if etp:
            errs.append(invalid("spec.externalTrafficPolicy", etp,
                                "may only be set for externally-accessible services"))
    elif not etp:
        errs.append(required("spec.externalTrafficPolicy"))
    elif etp not in ("Cluster", "Local"):
        errs.append(not_supported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]))
    itp = spec.get("internalTrafficPolicy")
    if version >= (1, 22) and itp is None and svc_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        errs.append(required("spec.internalTrafficPolicy"))
    if itp is not None and itp not in ("Cluster", "Local"):
        errs.append(not_supported("spec.internalTrafficPolicy", _str(itp), ["Cluster", "Local"]))
    return errs


def _validate_service_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    if "ExternalName" not in (new_spec.get("type"), old_spec.get("type")):
        old_ips = [_str(ip) for ip in _list(old_spec.get("clusterIPs"))]
        new_ips = [_str(ip) for ip in _list(new_spec.get("clusterIPs"))]
        both_headless = old_ips[:1] == ["None"] and new_ips[:1] == ["None"]
        value = GoValue(go_string_slice(new_ips if new_spec.get("clusterIPs") is not None
                                        else None))
        if not both_headless:
            if len(old_ips) == len(new_ips):
                for i, ip in enumerate(old_ips):
                    if ip != new_ips[i]:
                        errs.append(invalid(f"spec.clusterIPs[{i}]", value,
                                            "may not change once set"))
            elif len(old_ips) > len(new_ips):
                if not new_ips:
                    errs.append(invalid("spec.clusterIPs[0]", value,
                                        "primary clusterIP can not be unset"))
                elif old_ips and new_ips[0] != old_ips[0]:
                    errs.append(invalid("spec.clusterIPs[0]", value, "may not change once set"))
            elif old_ips and new_ips[0] != old_ips[0]:
                errs.append(invalid("spec.clusterIPs[0]", value, "may not change once set"))
    return errs + _validate_service(new, version)


# -- apps/v1 -----------------------------------------------------------------------------------

def _validate_int_or_percent(value: object, path: str) -> list[str]:
    # ValidatePositiveIntOrPercent
    if isinstance(value, str):
        if not _RE_PERCENT.match(value):
            return [invalid(path, go_int_or_string(value),
                            _regex_error(_PERCENT_MSG, _PERCENT_FMT, "1%", "93%"))]
        return []
    return _nonnegative(value, path)


def _int_or_percent_value(value: object) -> int:
    if isinstance(value, str):
        return int(value[:-1]) if _RE_PERCENT.match(value) else 0
    return _int(value) or 0


def _not_more_than_100_percent(value: object, path: str) -> list[str]:
    if isinstance(value, str) and _RE_PERCENT.match(value) and int(value[:-1]) > 100:
        return [invalid(path, go_int_or_string(value), "must not be greater than 100%")]
    return []


def _validate_selector_and_template(spec: dict, kind: str, version: Version) -> list[str]:
    """The selector part of ValidateDeploymentSpec / ValidateReplicaSetSpec and
    ValidatePodTemplateSpecForReplicaSet."""
    errs: list[str] = []
    selector = spec.get("selector")
    template = _map(spec.get("template"))
    template_labels = _map(template.get("metadata")).get("labels")
    if selector is None:
        errs.append(required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
        if isinstance(selector, dict) and _selector_is_empty(selector):
            # ValidateReplicaSetSpec reuses the Deployment wording.
            errs.append(invalid("spec.selector", go_label_selector(selector),
                                "empty selector is invalid for deployment"))
    matches = _selector_matches(selector, template_labels)
    if matches is None:
        errs.append(invalid("spec.selector", go_label_selector(_map(selector)),
                            "invalid label selector"))
        return errs
    if not _selector_is_empty(_map(selector)) and not matches:
        errs.append(invalid("spec.template.metadata.labels", _map(template_labels) if
                            template_labels is not None else GoValue(go_string_map(None)),
                            "`selector` does not match template `labels`"))
    errs += _validate_pod_template_spec(template, "spec.template", version)
    restart = _str(_map(template.get("spec")).get("restartPolicy"))
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if _map(template.get("spec")).get("activeDeadlineSeconds") is not None:
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                              f"activeDeadlineSeconds in {kind} is not Supported"))
    return errs


def _validate_deployment_spec(spec: dict, version: Version) -> list[str]:
    """ValidateDeploymentSpec."""
    errs = _nonnegative(spec.get("replicas"), "spec.replicas")
    # ValidatePodTemplateSpecForReplicaSet: its texts say ReplicaSet for Deployments too.
    errs += _validate_selector_and_template(spec, "ReplicaSet", version)
    strategy = _map(spec.get("strategy"))
    strategy_type = _str(strategy.get("type"))
    if strategy_type == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.append(forbidden("spec.strategy.rollingUpdate",
                                  "may not be specified when strategy `type` is 'Recreate'"))
    elif strategy_type == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            errs.append(required("spec.strategy.rollingUpdate",
                                 "this should be defaulted and never be nil"))
        else:
            unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            path = "spec.strategy.rollingUpdate"
            errs += _validate_int_or_percent(unavailable, child(path, "maxUnavailable"))
            errs += _validate_int_or_percent(surge, child(path, "maxSurge"))
            if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
                errs.append(invalid(child(path, "maxUnavailable"), go_int_or_string(unavailable),
                                    "may not be 0 when `maxSurge` is 0"))
            errs += _not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))
    else:
        errs.append(not_supported("spec.strategy", GoValue("apps.DeploymentStrategy{...}"),
                                  ["Recreate", "RollingUpdate"]))
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    if spec.get("revisionHistoryLimit") is not None:
        errs += _nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += _nonnegative(deadline, "spec.progressDeadlineSeconds")
        if (_int(deadline) or 0) <= (_int(spec.get("minReadySeconds")) or 0):
            errs.append(invalid("spec.progressDeadlineSeconds", _int(deadline),
                                "must be greater than minReadySeconds"))
    return errs


def _validate_deployment(deploy: dict, version: Version) -> list[str]:
    errs = validate_object_meta(deploy.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_deployment_spec(_map(deploy.get("spec")), version)


def _selector_immutable(new: dict, old: dict) -> list[str]:
    # apps/v1 registry strategies (deployment, replicaset, daemonset) ValidateUpdate.
    new_sel, old_sel = _map(new.get("spec")).get("selector"), _map(old.get("spec")).get("selector")
    if new_sel != old_sel:
        value = go_label_selector(new_sel) if isinstance(new_sel, dict) else None
        return [invalid("spec.selector", value, "field is immutable")]
    return []


def _validate_replica_set_spec(spec: dict, version: Version) -> list[str]:
    """ValidateReplicaSetSpec."""
    errs = _nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    return errs + _validate_selector_and_template(spec, "ReplicaSet", version)


def _validate_replica_set(rs: dict, version: Version) -> list[str]:
    errs = validate_object_meta(rs.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_replica_set_spec(_map(rs.get("spec")), version)


def _validate_daemon_set(ds: dict, version: Version) -> list[str]:
    errs = validate_object_meta(ds.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_daemon_set_spec(_map(ds.get("spec")), version)


def _validate_daemon_set_spec(spec: dict, version: Version) -> list[str]:
    """ValidateDaemonSetSpec."""
    selector = spec.get("selector")
    errs = validate_label_selector(selector, "spec.selector")
    template = _map(spec.get("template"))
    template_labels = _map(template.get("metadata")).get("labels")
    if _selector_matches(selector, template_labels) is False:
        errs.append(invalid("spec.template.metadata.labels", _map(template_labels),
                            "`selector` does not match template `labels`"))
    if isinstance(selector, dict) and _selector_is_empty(selector):
        errs.append(invalid("spec.selector", go_label_selector(selector),
                            "empty selector is invalid for daemonset"))
    errs += _validate_pod_template_spec(template, "spec.template", version)
    restart = _str(_map(template.get("spec")).get("restartPolicy"))
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if _map(template.get("spec")).get("activeDeadlineSeconds") is not None:
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                              "activeDeadlineSeconds in DaemonSet is not Supported"))
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    strategy = _map(spec.get("updateStrategy"))
    strategy_type = _str(strategy.get("type"))
    if strategy_type == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        path = "spec.updateStrategy.rollingUpdate"
        if not isinstance(rolling, dict):
            errs.append(required(path))
        else:
            unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            errs += _validate_int_or_percent(unavailable, child(path, "maxUnavailable"))
            errs += _validate_int_or_percent(surge, child(path, "maxSurge"))
            errs += _not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))
            errs += _not_more_than_100_percent(surge, child(path, "maxSurge"))
            has_unavailable = _int_or_percent_value(unavailable) != 0
            has_surge = _int_or_percent_value(surge) != 0
            if has_unavailable and has_surge:
                errs.append(invalid(child(path, "maxSurge"), go_int_or_string(surge),
                                    "may not be set when maxUnavailable is non-zero"))
            elif not has_unavailable and not has_surge:
                errs.append(required(child(path, "maxUnavailable"),
                                     "cannot be 0 when maxSurge is 0"))
    elif strategy_type != "OnDelete":
        errs.append(not_supported("spec.updateStrategy",
                                  GoValue("apps.DaemonSetUpdateStrategy{...}"),
                                  ["RollingUpdate", "OnDelete"]))
    if spec.get("revisionHistoryLimit") is not None:
        errs += _nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    return errs


def _validate_stateful_set_spec(spec: dict, version: Version) -> list[str]:
    errs: list[str] = []
    policy = _str(spec.get("podManagementPolicy"))
    if not policy:
        errs.append(required("spec.podManagementPolicy"))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(invalid("spec.podManagementPolicy", policy,
                            "must be 'OrderedReady' or 'Parallel'"))
    strategy = _map(spec.get("updateStrategy"))
    strategy_type = _str(strategy.get("type"))
    rolling = strategy.get("rollingUpdate")
    if not strategy_type:
        errs.append(required("spec.updateStrategy"))
    elif strategy_type == "OnDelete":
        if rolling is not None:
            errs.append(invalid("spec.updateStrategy.rollingUpdate",
                                GoValue("apps.RollingUpdateStatefulSetStrategy{...}"),
                                "only allowed for updateStrategy 'RollingUpdate'"))
    elif strategy_type == "RollingUpdate":
        if isinstance(rolling, dict):
            path = "spec.updateStrategy.rollingUpdate"
            errs += _nonnegative(rolling.get("partition"), child(path, "partition"))
            unavailable = rolling.get("maxUnavailable")
            if unavailable is not None:
                errs += _validate_int_or_percent(unavailable, child(path, "maxUnavailable"))
                if _int_or_percent_value(unavailable) == 0:
                    errs.append(invalid(child(path, "maxUnavailable"),
                                        go_int_or_string(unavailable), "cannot be 0"))
                errs += _not_more_than_100_percent(unavailable, child(path, "maxUnavailable"))
    else:
        errs.append(invalid("spec.updateStrategy",
                            GoValue("apps.StatefulSetUpdateStrategy{...}"),
                            "must be 'RollingUpdate' or 'OnDelete'"))
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(retention, dict):
        for field_name in ("whenDeleted", "whenScaled"):
            value = _str(retention.get(field_name))
            if value not in ("Retain", "Delete"):
                errs.append(not_supported(f"spec.persistentVolumeClaimRetentionPolicy.{field_name}",
                                          value, ["Retain", "Delete"]))
    errs += _nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        errs += _nonnegative(ordinals.get("start"), "spec.ordinals.start")
    selector = spec.get("selector")
    template = _map(spec.get("template"))
    template_meta = _map(template.get("metadata"))
    if selector is None:
        errs.append(required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
        if isinstance(selector, dict) and _selector_is_empty(selector):
            errs.append(invalid("spec.selector", go_label_selector(selector),
                                "empty selector is invalid for statefulset"))
    matches = _selector_matches(selector, template_meta.get("labels"))
    if matches is None:
        errs.append(invalid("spec.selector", go_label_selector(_map(selector)), ""))
    else:
        if not _selector_is_empty(_map(selector)) and not matches:
            errs.append(invalid("spec.template.metadata.labels", _map(template_meta.get("labels")),
                                "`selector` does not match template `labels`"))
        # ValidatePodTemplateSpecForStatefulSet checks only labels and annotations: an invalid
        # pod spec surfaces when the controller creates the pods.
        errs += validate_labels(template_meta.get("labels"), "spec.template.labels")
        errs += _validate_annotations(template_meta.get("annotations"),
                                      "spec.template.annotations")
    restart = _str(_map(template.get("spec")).get("restartPolicy"))
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if _map(template.get("spec")).get("activeDeadlineSeconds") is not None:
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                              "activeDeadlineSeconds in StatefulSet is not Supported"))
    return errs


def _validate_stateful_set(sts: dict, version: Version) -> list[str]:
    errs = validate_object_meta(sts.get("metadata"), True, name_is_dns_label)
    return errs + _validate_stateful_set_spec(_map(sts.get("spec")), version)


def _validate_stateful_set_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    errs += _validate_stateful_set_spec(_map(new.get("spec")), version)
    mutable = ("replicas", "template", "updateStrategy", "minReadySeconds", "ordinals",
               "persistentVolumeClaimRetentionPolicy")
    new_spec = {k: v for k, v in _map(new.get("spec")).items() if k not in mutable}
    old_spec = {k: v for k, v in _map(old.get("spec")).items() if k not in mutable}
    if new_spec != old_spec:
        errs.append(forbidden("spec", "updates to statefulset spec for fields other than "
                              "'replicas', 'ordinals', 'template', 'updateStrategy', "
                              "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                              "forbidden"))
    return errs


# -- batch/v1 ----------------------------------------------------------------------------------

def _validate_job_spec_common(spec: dict, path: str, version: Version) -> list[str]:
    """validateJobSpec: everything but the selector."""
    errs: list[str] = []
    for field_name in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                       "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"):
        if spec.get(field_name) is not None:
            errs += _nonnegative(spec.get(field_name), child(path, field_name))
    if spec.get("maxFailedIndexes") is not None and spec.get("backoffLimitPerIndex") is None:
        errs.append(required(child(path, "backoffLimitPerIndex"),
                             "when maxFailedIndexes is specified"))
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(not_supported(child(path, "completionMode"), _str(mode),
                                      ["NonIndexed", "Indexed"]))
        if mode == "Indexed":
            if spec.get("completions") is None:
                errs.append(required(child(path, "completions"),
                                     "when completion mode is Indexed"))
            parallelism = _int(spec.get("parallelism"))
            if parallelism is not None and parallelism > 100000:
                errs.append(invalid(child(path, "parallelism"), parallelism,
                                    "must be less than or equal to 100000 when completion mode "
                                    "is Indexed"))
    if mode in (None, "NonIndexed"):
        for field_name in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(field_name) is not None:
                errs.append(invalid(child(path, field_name), _int(spec.get(field_name)),
                                    "requires indexed completion mode"))
    replacement = spec.get("podReplacementPolicy")
    if replacement is not None:
        if spec.get("podFailurePolicy") is not None:
            if replacement != "Failed":
                errs.append(not_supported(child(path, "podReplacementPolicy"), _str(replacement),
                                          ["Failed"]))
        elif replacement not in ("Failed", "TerminatingOrFailed"):
            errs.append(not_supported(child(path, "podReplacementPolicy"), _str(replacement),
                                      ["Failed", "TerminatingOrFailed"]))
    errs += _validate_pod_template_spec(spec.get("template"), child(path, "template"), version)
    restart = _str(_map(_map(spec.get("template")).get("spec")).get("restartPolicy"))
    restart_path = child(path, "template", "spec", "restartPolicy")
    if restart in ("Always", ""):
        errs.append(required(restart_path, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        errs.append(not_supported(restart_path, restart, ["OnFailure", "Never"]))
    elif spec.get("podFailurePolicy") is not None and restart != "Never":
        errs.append(invalid(restart_path, restart,
                            'only "Never" is supported when podFailurePolicy is specified'))
    return errs


_UID_STAND_IN = "00000000-0000-0000-0000-000000000000"


def _validate_job(job: dict, version: Version) -> list[str]:
    meta = _map(job.get("metadata"))
    spec = _map(job.get("spec"))
    uid = _str(meta.get("uid"))
    if not spec.get("manualSelector"):
        # The Job strategy generates selector and labels once the uid exists; before that
        # (our apiserver assigns the uid after validation) we check against a stand-in.
        job = generate_job_selector(job, uid or _UID_STAND_IN, kubernetes_version=version)
        meta, spec = _map(job.get("metadata")), _map(job.get("spec"))
    errs = validate_object_meta(meta, True, name_is_dns_subdomain)
    selector = spec.get("selector")
    if not spec.get("manualSelector") and isinstance(selector, dict) and uid:
        # validateGeneratedSelector
        labels = _map(_map(_map(spec.get("template")).get("metadata")).get("labels"))
        prefixed = version >= (1, 27)
        expected = {LEGACY_JOB_CONTROLLER_UID: uid, LEGACY_JOB_NAME: _str(meta.get("name"))}
        if prefixed:
            expected.update({JOB_CONTROLLER_UID: uid, JOB_NAME: _str(meta.get("name"))})
        for label_key in (LEGACY_JOB_CONTROLLER_UID, LEGACY_JOB_NAME) + (
                (JOB_CONTROLLER_UID, JOB_NAME) if prefixed else ()):
            label_path = key("spec.template.metadata.labels", label_key)
            if label_key not in labels:
                errs.append(required(label_path, f"must be '{expected[label_key]}'"))
            elif labels[label_key] != expected[label_key]:
                errs.append(invalid(label_path, labels, f"must be '{expected[label_key]}'"))
        if _selector_matches(selector, expected) is False:
            errs.append(invalid("spec.selector", go_label_selector(selector),
                                "`selector` not auto-generated"))
    errs += _validate_job_spec_common(spec, "spec", version)
    if selector is None:
        errs.append(required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
    matches = _selector_matches(selector, _map(_map(spec.get("template")).get("metadata"))
                                .get("labels"))
    if matches is False:
        errs.append(invalid("spec.template.metadata.labels",
                            _map(_map(_map(spec.get("template")).get("metadata")).get("labels")),
                            "`selector` does not match template `labels`"))
    completions = _int(spec.get("completions"))
    if spec.get("completionMode") == "Indexed" and completions and completions > 0:
        hostname = f"{_str(meta.get('name'))}-{completions - 1}"
        if is_dns1123_label(hostname):
            errs.append(invalid("metadata.name", _str(meta.get("name")),
                                f"will not able to create pod with invalid DNS label: {hostname}"))
    return errs


def _validate_job_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = _validate_job(new, version)
    errs += validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    errs += _validate_job_spec_common(new_spec, "spec", version)
    if new_spec.get("completions") != old_spec.get("completions"):
        elastic = (new_spec.get("completionMode") == "Indexed" and version >= (1, 27))
        if not elastic:
            errs.append(invalid("spec.completions", _int(new_spec.get("completions")),
                                "field is immutable"))
        elif new_spec.get("completions") is not None and \
                new_spec.get("completions") != new_spec.get("parallelism"):
            errs.append(invalid("spec.completions", _int(new_spec.get("completions")),
                                "can only be modified in tandem with spec.parallelism"))
    if new_spec.get("selector") != old_spec.get("selector"):
        value = go_label_selector(new_spec["selector"]) if isinstance(
            new_spec.get("selector"), dict) else None
        errs.append(invalid("spec.selector", value, "field is immutable"))
    new_template, old_template = _map(new_spec.get("template")), _map(old_spec.get("template"))
    suspended = bool(old_spec.get("suspend"))
    not_started = not _map(old.get("status")).get("startTime")
    if suspended and not_started:
        # Scheduling directives of a suspended Job that never started may change.
        new_template = _strip_scheduling_directives(new_template)
        old_template = _strip_scheduling_directives(old_template)
    if new_template != old_template:
        errs.append(invalid("spec.template", GoValue("core.PodTemplateSpec{...}"),
                            "field is immutable"))
    for field_name in ("completionMode", "podFailurePolicy", "backoffLimitPerIndex",
                       "managedBy", "successPolicy"):
        if new_spec.get(field_name) != old_spec.get(field_name):
            value = new_spec.get(field_name)
            errs.append(invalid(f"spec.{field_name}", value if isinstance(
                value, (str, int, type(None))) else GoValue("{...}"), "field is immutable"))
    return errs


def _strip_scheduling_directives(template: dict) -> dict:
    meta = {k: v for k, v in _map(template.get("metadata")).items()
            if k not in ("labels", "annotations")}
    spec = {k: v for k, v in _map(template.get("spec")).items()
            if k not in ("nodeSelector", "tolerations", "schedulingGates")}
    affinity = _map(spec.get("affinity"))
    if affinity:
        affinity = {k: v for k, v in affinity.items() if k != "nodeAffinity"}
        if affinity:
            spec["affinity"] = affinity
        else:
            spec.pop("affinity")
    return {**template, "metadata": meta, "spec": spec}


# robfig/cron v3 standard parser, as used by validateScheduleFormat.
_CRON_FIELDS = [(0, 59, None), (0, 23, None), (1, 31, None),
                (1, 12, {m: i + 1 for i, m in enumerate(
                    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                     "dec"])}),
                (0, 6, {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri",
                                                    "sat"])})]
_CRON_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight",
                     "@hourly")


def _cron_int(expr: str) -> int:
    if not re.match(r"^[+-]?\d+$", expr):
        raise ValueError(f'failed to parse int from {expr}: strconv.Atoi: parsing '
                         f'{go_quote(expr)}: invalid syntax')
    number = int(expr)
    if number < 0:
        raise ValueError(f"negative number ({number}) not allowed: {expr}")
    return number


def _cron_range(expr: str, low: int, high: int, names: dict | None) -> None:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")

    def int_or_name(text: str) -> int:
        if names and text.lower() in names:
            return names[text.lower()]
        return _cron_int(text)

    if low_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = int_or_name(low_high[0])
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = int_or_name(low_high[1])
        else:
            raise ValueError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _cron_int(range_and_step[1])
        if len(low_high) == 1 and low_high[0] not in ("*", "?"):
            end = high   # "N/step" means "N-max/step"
    else:
        raise ValueError(f"too many slashes: {expr}")
    if start < low:
        raise ValueError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise ValueError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ValueError(f"step of range should be a positive number: {expr}")


def cron_schedule_error(schedule: str) -> str | None:
    """The error cron.ParseStandard gives for a schedule, or None when it parses."""
    spec = schedule
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        zone = spec[spec.find("=") + 1:space if space >= 0 else len(spec)]
        if _time_zone_error(zone):
            return f"provided bad location {zone}: unknown time zone {zone}"
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        if spec in _CRON_DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            duration = spec[len("@every "):]
            if not re.match(r"^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$", duration):
                return f'failed to parse duration {spec}: time: invalid duration "{duration}"'
            return None
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for text, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for expr in text.split(","):
            try:
                _cron_range(expr, low, high, names)
            except ValueError as exc:
                return str(exc)
    return None


def _time_zone_error(zone: str) -> bool:
    import zoneinfo

    if zone in ("UTC", "Local", ""):
        return False
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return True
    return False


def _validate_cron_job_spec(spec: dict, old_spec: dict | None, version: Version) -> list[str]:
    errs: list[str] = []
    schedule = _str(spec.get("schedule"))
    if not schedule:
        errs.append(required("spec.schedule"))
    else:
        problem = cron_schedule_error(schedule)
        if problem:
            errs.append(invalid("spec.schedule", schedule, problem))
        allow_tz = old_spec is not None and "TZ" in _str(old_spec.get("schedule"))
        if allow_tz and "TZ" in schedule and spec.get("timeZone") is not None:
            errs.append(invalid("spec.schedule", schedule,
                                "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
        elif not allow_tz and "TZ" in schedule:
            errs.append(invalid("spec.schedule", schedule,
                                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    errs += _nonnegative(spec.get("startingDeadlineSeconds"), "spec.startingDeadlineSeconds")
    zone = spec.get("timeZone")
    if zone is not None and (old_spec is None or old_spec.get("timeZone") != zone):
        zone = _str(zone)
        if not zone:
            errs.append(invalid("spec.timeZone", zone, "timeZone must be nil or non-empty string"))
        elif zone.lower() == "local":
            errs.append(invalid("spec.timeZone", zone, "timeZone must be an explicit time zone as "
                                "defined in https://www.iana.org/time-zones"))
        elif _time_zone_error(zone):
            errs.append(invalid("spec.timeZone", zone, f"unknown time zone {zone}"))
    policy = _str(spec.get("concurrencyPolicy"))
    if not policy:
        errs.append(required("spec.concurrencyPolicy"))
    elif policy not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]))
    job_spec = _map(_map(spec.get("jobTemplate")).get("spec"))
    errs += _validate_job_spec_common(job_spec, "spec.jobTemplate.spec", version)
    if job_spec.get("selector") is not None:
        errs.append(invalid("spec.jobTemplate.spec.selector",
                            go_label_selector(_map(job_spec["selector"])),
                            "`selector` will be auto-generated"))
    if job_spec.get("manualSelector") is True:
        errs.append(not_supported("spec.jobTemplate.spec.manualSelector", True, ["nil", "false"]))
    for field_name in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        errs += _nonnegative(spec.get(field_name), f"spec.{field_name}")
    return errs


def _validate_cron_job(cj: dict, version: Version) -> list[str]:
    meta = _map(cj.get("metadata"))
    errs = validate_object_meta(meta, True, name_is_dns_subdomain)
    errs += _validate_cron_job_spec(_map(cj.get("spec")), None, version)
    name = _str(meta.get("name"))
    if len(name) > 52:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    return errs


def _validate_cron_job_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    return errs + _validate_cron_job_spec(_map(new.get("spec")), _map(old.get("spec")), version)


# -- other core kinds --------------------------------------------------------------------------

def _validate_namespace(ns: dict, version: Version) -> list[str]:
    errs = validate_object_meta(ns.get("metadata"), False, name_is_dns_label)
    for i, name in enumerate(_list(_map(ns.get("spec")).get("finalizers"))):
        path = index("spec.finalizers", i)
        msgs = is_qualified_name(_str(name))
        errs += [invalid(path, _str(name), msg) for msg in msgs]
        if not msgs and "/" not in _str(name) and name not in _STANDARD_FINALIZERS:
            errs.append(invalid(path, _str(name), "name is neither a standard finalizer name nor "
                                "is it fully qualified"))
    return errs


def _validate_data_keys(obj: dict, data_key: str, path: str) -> list[str]:
    errs: list[str] = []
    for name in sorted(_map(obj.get(data_key))):
        errs += [invalid(key(path, name), name, msg) for msg in is_config_map_key(str(name))]
    return errs


def _validate_config_map(cm: dict, version: Version) -> list[str]:
    errs = validate_object_meta(cm.get("metadata"), True, name_is_dns_subdomain)
    errs += _validate_data_keys(cm, "data", "data")
    for name in sorted(_map(cm.get("data"))):
        if name in _map(cm.get("binaryData")):
            errs.append(invalid(key("data", name), name, "duplicate of key present in binaryData"))
    errs += _validate_data_keys(cm, "binaryData", "binaryData")
    size = sum(len(_str(v)) for v in _map(cm.get("data")).values())
    size += sum(len(_str(v)) * 3 // 4 for v in _map(cm.get("binaryData")).values())
    if size > 1024 * 1024:
        errs.append(too_long("", 1024 * 1024))
    return errs


def _validate_config_map_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
        for field_name in ("data", "binaryData"):
            if _map(new.get(field_name)) != _map(old.get(field_name)):
                errs.append(forbidden(field_name, "field is immutable when `immutable` is set"))
    return errs + _validate_config_map(new, version)


def _validate_secret(secret: dict, version: Version) -> list[str]:
    errs = validate_object_meta(secret.get("metadata"), True, name_is_dns_subdomain)
    errs += _validate_data_keys(secret, "data", "data")
    data = _map(secret.get("data"))
    secret_type = _str(secret.get("type"))
    annotations = _map(_map(secret.get("metadata")).get("annotations"))
    if secret_type == "kubernetes.io/service-account-token":
        if not annotations.get("kubernetes.io/service-account.name"):
            errs.append(required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif secret_type == "kubernetes.io/dockercfg" and ".dockercfg" not in data:
        errs.append(required("data[.dockercfg]"))
    elif secret_type == "kubernetes.io/dockerconfigjson" and ".dockerconfigjson" not in data:
        errs.append(required("data[.dockerconfigjson]"))
    elif secret_type == "kubernetes.io/basic-auth" and "username" not in data \
            and "password" not in data:
        errs += [required("data[username]"), required("data[password]")]
    elif secret_type == "kubernetes.io/ssh-auth" and not data.get("ssh-privatekey"):
        errs.append(required("data[ssh-privatekey]"))
    elif secret_type == "kubernetes.io/tls":
        if "tls.crt" not in data:
            errs.append(required("data[tls.crt]"))
        if "tls.key" not in data:
            errs.append(required("data[tls.key]"))
    return errs


def _validate_secret_update(new: dict, old: dict, version: Version) -> list[str]:
    errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
    if _str(new.get("type")) != _str(old.get("type")):
        errs.append(invalid("type", _str(new.get("type")), "field is immutable"))
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
        if _map(new.get("data")) != _map(old.get("data")):
            errs.append(forbidden("data", "field is immutable when `immutable` is set"))
    return errs + _validate_secret(new, version)


def _validate_pvc_spec(spec: dict, path: str) -> list[str]:
    errs: list[str] = []
    if not _list(spec.get("accessModes")):
        errs.append(required(child(path, "accessModes"), "at least 1 access mode is required"))
    modes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
    for mode in _list(spec.get("accessModes")):
        if mode not in modes:
            errs.append(not_supported(child(path, "accessModes"), _str(mode), modes))
    if spec.get("selector") is not None:
        errs += validate_label_selector(spec.get("selector"), child(path, "selector"))
    storage = _map(_map(spec.get("resources")).get("requests")).get("storage")
    if storage is None:
        errs.append(required(key(child(path, "resources"), "storage")))
    else:
        try:
            amount = parse_quantity(storage)
        except QuantityError:
            amount = None
        if amount is not None and amount <= 0:
            errs.append(invalid(key(child(path, "resources", "requests"), "storage"),
                                _str(storage), "must be greater than zero"))
    mode = spec.get("volumeMode")
    if mode is not None and mode not in ("Block", "Filesystem"):
        errs.append(not_supported(child(path, "volumeMode"), _str(mode), ["Block", "Filesystem"]))
    return errs


def _validate_pvc(pvc: dict, version: Version) -> list[str]:
    errs = validate_object_meta(pvc.get("metadata"), True, name_is_dns_subdomain)
    return errs + _validate_pvc_spec(_map(pvc.get("spec")), "spec")


def _validate_node(node: dict, version: Version) -> list[str]:
    errs = validate_object_meta(node.get("metadata"), False, name_is_dns_subdomain)
    taints = _dicts(_map(node.get("spec")).get("taints"))
    seen: set[tuple[str, str]] = set()
    for i, taint in enumerate(taints):
        # validateNodeTaints is called with the path "metadata.taints" upstream.
        item = index("metadata.taints", i)
        taint_key = _str(taint.get("key"))
        errs += validate_label_name(taint_key, child(item, "key"))
        value = _str(taint.get("value"))
        msgs = is_valid_label_value(value)
        if msgs:
            errs.append(invalid(child(item, "value"), value, ";".join(msgs)))
        effect = _str(taint.get("effect"))
        if not effect:
            errs.append(required(child(item, "effect")))
        elif effect not in _TAINT_EFFECTS:
            errs.append(not_supported(child(item, "effect"), effect, _TAINT_EFFECTS))
        if (taint_key, effect) in seen:
            errs.append(f"{item}: Duplicate value: core.Taint{{Key:{go_quote(taint_key)}, "
                        f"Value:{go_quote(value)}, Effect:{go_quote(effect)}, "
                        "TimeAdded:<nil>}: taints must be unique by key and effect pair")
        seen.add((taint_key, effect))
    return errs


def _metadata_only(name_fn: NameFn, namespaced: bool) -> Callable[[dict, Version], list[str]]:
    def validate(obj: dict, version: Version) -> list[str]:
        return validate_object_meta(obj.get("metadata"), namespaced, name_fn)
    return validate


def _metadata_update_only(obj: dict, old: dict, version: Version) -> list[str]:
    return validate_object_meta_update(obj.get("metadata"), old.get("metadata"))


# -- dispatch ----------------------------------------------------------------------------------

_CREATE: dict[str, Callable[[dict, Version], list[str]]] = {
    "Pod": _validate_pod_create,
    "Service": _validate_service,
    "Namespace": _validate_namespace,
    "Node": _validate_node,
    "ConfigMap": _validate_config_map,
    "Secret": _validate_secret,
    "PersistentVolumeClaim": _validate_pvc,
    "PersistentVolume": _metadata_only(name_is_dns_subdomain, False),
    "ServiceAccount": _metadata_only(name_is_dns_subdomain, True),
    "Endpoints": _metadata_only(name_is_dns_subdomain, True),
    "EndpointSlice": _metadata_only(name_is_dns_subdomain, True),
    "LimitRange": _metadata_only(name_is_dns_subdomain, True),
    "ResourceQuota": _metadata_only(name_is_dns_subdomain, True),
    "StorageClass": _metadata_only(name_is_dns_subdomain, False),
    "PodDisruptionBudget": _metadata_only(name_is_dns_subdomain, True),
    "PodPreset": _metadata_only(name_is_dns_subdomain, True),
    "ControllerRevision": _metadata_only(name_is_dns_subdomain, True),
    "Deployment": _validate_deployment,
    "ReplicaSet": _validate_replica_set,
    "StatefulSet": _validate_stateful_set,
    "DaemonSet": _validate_daemon_set,
    "Job": _validate_job,
    "CronJob": _validate_cron_job,
}


def _spec_update(spec_fn: Callable[[dict, Version], list[str]]
                 ) -> Callable[[dict, dict, Version], list[str]]:
    """ObjectMeta update checks, the spec checks, then the apps/v1 selector immutability the
    registry strategies add (deployment, replicaset, daemonset ValidateUpdate)."""
    def validate(new: dict, old: dict, version: Version) -> list[str]:
        errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
        errs += spec_fn(_map(new.get("spec")), version)
        return errs + _selector_immutable(new, old)
    return validate


def _generic_update(kind: str) -> Callable[[dict, dict, Version], list[str]]:
    def validate(new: dict, old: dict, version: Version) -> list[str]:
        errs = validate_object_meta_update(new.get("metadata"), old.get("metadata"))
        create = _CREATE.get(kind)
        if create is not None:
            errs += [e for e in create(new, version) if not e.startswith("metadata.")]
        return errs
    return validate


_UPDATE: dict[str, Callable[[dict, dict, Version], list[str]]] = {
    "Pod": _validate_pod_update,
    "Service": _validate_service_update,
    "ConfigMap": _validate_config_map_update,
    "Secret": _validate_secret_update,
    "Deployment": _spec_update(_validate_deployment_spec),
    "ReplicaSet": _spec_update(_validate_replica_set_spec),
    "DaemonSet": _spec_update(_validate_daemon_set_spec),
    "StatefulSet": _validate_stateful_set_update,
    "Job": _validate_job_update,
    "CronJob": _validate_cron_job_update,
}


def validate_create(obj: dict, *,
                    kubernetes_version: str | tuple[int, int] | None = None) -> list[str]:
    """The field errors the apiserver reports when ``obj`` is created (after defaulting and
    admission), in its order and wording; ``[]`` when it is valid."""
    version = parse_version(kubernetes_version)
    validator = _CREATE.get(obj.get("kind") or "")
    if validator is None:
        return []
    return _dedupe(validator(obj, version))


def validate_update(old: dict, new: dict, *,
                    kubernetes_version: str | tuple[int, int] | None = None) -> list[str]:
    """The field errors the apiserver reports when ``old`` is replaced by ``new``."""
    version = parse_version(kubernetes_version)
    kind = new.get("kind") or ""
    validator = _UPDATE.get(kind)
    if validator is None:
        if kind not in _CREATE:
            return []
        validator = _generic_update(kind)
    return _dedupe(validator(new, old, version))

