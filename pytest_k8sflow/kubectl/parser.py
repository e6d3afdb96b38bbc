"""Parse a kubectl command line (without the word ``kubectl``) the way kubectl 1.32 does.

Flags follow spf13/pflag as kubectl configures it: ``--name=value``, ``--name value``,
``-n value``, ``-nvalue``, ``-n=value``, bool flags without a value, ``--`` ends the flags,
flags and arguments may be interleaved, ``_`` in a flag name reads as ``-``
(WordSepNormalizeFunc). Every flag kubectl 1.32 defines for the supported commands is
known, so unknown flags fail with kubectl's own text; known flags this simulator does not
model fail with :class:`UnsupportedError` naming them. Resource arguments follow
cli-runtime's builder (``TYPE NAME...``, ``TYPE/NAME...``, ``TYPE1,TYPE2``, aliases, ``all``).

Errors carry the exact text kubectl writes to stderr (``Error: unknown flag: --foo\\nSee
'kubectl get --help' for usage.``); :attr:`KubectlError.message` is that text.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_k8sflow.engine.resources import BY_KIND, ResourceType, resolve_resource
from pytest_k8sflow.engine.timeutil import parse_duration
from pytest_k8sflow.errors import K8sflowError, UnsupportedError


class KubectlError(K8sflowError):
    """kubectl would refuse this command line; ``message`` is its stderr (no final newline)."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        self.message = message
        self.exit_code = exit_code
        super().__init__(message)


# -- flag definitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    name: str
    kind: str = "string"  # bool | string | int | int32 | duration | stringArray | stringSlice
    short: str = ""
    default: Any = None
    no_opt: str | None = None  # pflag NoOptDefVal: value when given without one
    supported: bool = True
    deprecated: str | None = None


def _f(name: str, kind: str = "string", short: str = "", default: Any = None, *,
       no_opt: str | None = None, supported: bool = True, deprecated: str | None = None) -> Flag:
    if kind == "bool" and no_opt is None:
        no_opt = "true"
    if default is None:
        default = {"bool": False, "int": 0, "int32": 0, "duration": 0, "stringArray": [],
                   "stringSlice": []}.get(kind, "")
    return Flag(name, kind, short, default, no_opt, supported, deprecated)


def _x(name: str, kind: str = "string", short: str = "", default: Any = None, **kw: Any) -> Flag:
    """A flag kubectl has and this simulator does not model."""
    return _f(name, kind, short, default, supported=False, **kw)


_RECORD = _f("record", "bool", deprecated="--record will be removed in the future")
_PRINT = [_f("output", short="o"), _f("allow-missing-template-keys", "bool", default=True),
          _f("show-managed-fields", "bool"), _x("template")]
_FILES = [_x("filename", "stringSlice", "f"), _x("kustomize", short="k"),
          _x("recursive", "bool", "R")]
_DRY_RUN = _x("dry-run", default="none", no_opt="unchanged")
# get/describe/delete -f FILE: the objects the file names (read when the command runs)
_TARGET_FILES = [_f("filename", "stringSlice", "f"), _x("kustomize", short="k"),
                 _x("recursive", "bool", "R")]

GLOBAL_FLAGS: tuple[Flag, ...] = (
    _f("namespace", short="n"),
    *(_x(n) for n in ("as", "as-uid", "cache-dir", "certificate-authority",
                      "client-certificate", "client-key", "cluster", "context", "kubeconfig",
                      "password", "profile", "profile-output", "request-timeout",
                      "tls-server-name", "token", "user", "username", "vmodule",
                      "log-flush-frequency")),
    _x("as-group", "stringArray"), _x("server", short="s"), _x("v", "int", "v"),
    *(_x(n, "bool") for n in ("disable-compression", "insecure-skip-tls-verify",
                              "match-server-version", "warnings-as-errors")),
)

COMMAND_FLAGS: dict[str, tuple[Flag, ...]] = {
    "get": (_f("all-namespaces", "bool", "A"), *_PRINT, _f("chunk-size", "int", default=500),
            _x("field-selector"), *_TARGET_FILES, _f("ignore-not-found", "bool"),
            _f("label-columns", "stringSlice", "L"), _f("no-headers", "bool"),
            _x("output-watch-events", "bool"), _x("raw"), _f("selector", short="l"),
            _f("server-print", "bool", default=True), _f("show-kind", "bool"),
            _f("show-labels", "bool"), _x("sort-by"), _x("subresource"),
            _f("watch", "bool", "w"), _x("watch-only", "bool")),
    "describe": (_f("all-namespaces", "bool", "A"), _f("chunk-size", "int", default=500),
                 *_TARGET_FILES, _f("selector", short="l"),
                 _f("show-events", "bool", default=True)),
    "scale": (_f("all", "bool"), *_PRINT, _x("current-replicas", "int", default=-1), _DRY_RUN,
              *_FILES, _f("replicas", "int"), _x("resource-version"), _f("selector", short="l"),
              _f("timeout", "duration"), _RECORD),
    "set resources": (_f("all", "bool"), *_PRINT, _DRY_RUN, _f("containers", short="c",
                                                             default="*"),
                      _f("field-manager", default="kubectl-set"), *_FILES,
                      _f("limits"), _x("local", "bool"), _f("requests"),
                      _f("selector", short="l"), _RECORD),
    "set image": (_f("all", "bool"), *_PRINT, _DRY_RUN,
                  _f("field-manager", default="kubectl-set"), *_FILES, _x("local", "bool"),
                  _f("selector", short="l"), _RECORD),
    "rollout history": (*_PRINT, *_FILES, _f("revision", "int"), _f("selector", short="l")),
    "rollout undo": (*_PRINT, _DRY_RUN, *_FILES, _f("selector", short="l"),
                     _f("to-revision", "int")),
    "rollout status": (*_FILES, _f("revision", "int"), _f("selector", short="l"),
                       _f("timeout", "duration"), _f("watch", "bool", "w", default=True)),
    "rollout pause": (*_PRINT, _f("field-manager", default="kubectl-rollout"), *_FILES,
                      _f("selector", short="l")),
    "rollout resume": (*_PRINT, _f("field-manager", default="kubectl-rollout"), *_FILES,
                       _f("selector", short="l")),
    "rollout restart": (*_PRINT, _f("field-manager", default="kubectl-rollout"), *_FILES,
                        _f("selector", short="l")),
    "delete": (_f("all", "bool"), _f("all-namespaces", "bool", "A"),
               _f("cascade", default="background", no_opt="background"), _DRY_RUN,
               _x("field-selector"), *_TARGET_FILES, _f("force", "bool"),
               _f("grace-period", "int", default=-1), _f("ignore-not-found", "bool"),
               _x("interactive", "bool", "i"), _f("now", "bool"), _f("output", short="o"),
               _x("raw"), _f("selector", short="l"), _f("timeout", "duration"),
               _f("wait", "bool", default=True)),
    "label": (_f("all", "bool"), _f("all-namespaces", "bool", "A"), *_PRINT, _DRY_RUN,
              _f("field-manager", default="kubectl-label"), _x("field-selector"), *_FILES,
              _x("list", "bool"), _x("local", "bool"), _f("overwrite", "bool"),
              _x("resource-version"), _f("selector", short="l"), _RECORD),
    "annotate": (_f("all", "bool"), _f("all-namespaces", "bool", "A"), *_PRINT, _DRY_RUN,
                 _f("field-manager", default="kubectl-annotate"), _x("field-selector"),
                 *_FILES, _x("list", "bool"), _x("local", "bool"), _f("overwrite", "bool"),
                 _x("resource-version"), _f("selector", short="l"), _RECORD),
    "patch": (*_PRINT, _DRY_RUN, _f("field-manager", default="kubectl-patch"), *_FILES,
              _x("local", "bool"), _f("patch", short="p"), _x("patch-file"), _RECORD,
              _x("subresource"), _f("type", default="strategic")),
    "taint": (_f("all", "bool"), _DRY_RUN, _f("field-manager", default="kubectl-taint"),
              *_PRINT, _f("overwrite", "bool"), _f("selector", short="l"),
              _f("validate", default="strict", no_opt="strict")),
    "cordon": (_DRY_RUN, _f("selector", short="l")),
    "uncordon": (_DRY_RUN, _f("selector", short="l")),
    "drain": (_f("chunk-size", "int", default=500), _f("delete-emptydir-data", "bool"),
              _x("disable-eviction", "bool"), _DRY_RUN, _f("force", "bool"),
              _f("grace-period", "int", default=-1), _f("ignore-daemonsets", "bool"),
              _x("pod-selector"), _f("selector", short="l"),
              _x("skip-wait-for-delete-timeout", "int"), _f("timeout", "duration"),
              _x("delete-local-data", "bool",
                 deprecated="This option is deprecated and will be deleted. Use "
                            "--delete-emptydir-data.")),
    "create": (*_PRINT, _DRY_RUN, _x("edit", "bool"),
               _f("field-manager", default="kubectl-create"), _f("filename", "stringSlice", "f"),
               _x("kustomize", short="k"), _x("raw"), _x("recursive", "bool", "R"),
               _x("save-config", "bool"), _x("selector", short="l"),
               _f("validate", default="strict", no_opt="strict"),
               _x("windows-line-endings", "bool"), _RECORD),
    "create deployment": (*_PRINT, _DRY_RUN, _f("field-manager", default="kubectl-create"),
                          _f("image", "stringSlice"), _f("port", "int32", default=-1),
                          _f("replicas", "int32", "r", default=1), _x("save-config", "bool"),
                          _f("validate", default="strict", no_opt="strict")),
    "create job": (*_PRINT, _DRY_RUN, _f("field-manager", default="kubectl-create"),
                   _f("from"), _f("image"), _x("save-config", "bool"),
                   _f("validate", default="strict", no_opt="strict")),
    "apply": (_x("all", "bool"), *_PRINT, _x("cascade", default="background",
                                             no_opt="background"),
              _DRY_RUN, _f("field-manager", default="kubectl-client-side-apply"),
              _f("filename", "stringSlice", "f"), _x("force", "bool"),
              _x("force-conflicts", "bool"), _x("grace-period", "int", default=-1),
              _x("kustomize", short="k"), _f("openapi-patch", "bool", default=True),
              _f("overwrite", "bool", default=True), _x("prune", "bool"),
              _x("prune-allowlist", "stringArray"), _x("recursive", "bool", "R"),
              _x("selector", short="l"), _x("server-side", "bool"), _x("subresource"),
              _f("timeout", "duration"), _f("validate", default="strict", no_opt="strict"),
              _f("wait", "bool"), _RECORD),
    "exec": (_f("container", short="c"), _x("filename", "stringSlice", "f"),
             _f("pod-running-timeout", "duration", default=60_000), _f("quiet", "bool", "q"),
             _f("stdin", "bool", "i"), _f("tty", "bool", "t")),
    "logs": (_f("all-containers", "bool"), _x("all-pods", "bool"), _f("container", short="c"),
             _x("follow", "bool", "f"), _x("ignore-errors", "bool"),
             _x("insecure-skip-tls-verify-backend", "bool"), _x("limit-bytes", "int"),
             _x("max-log-requests", "int", default=5),
             _f("pod-running-timeout", "duration", default=20_000), _f("prefix", "bool"),
             _f("previous", "bool", "p"), _f("selector", short="l"), _x("since", "duration"),
             _x("since-time"), _f("tail", "int", default=-1), _f("timestamps", "bool")),
}

# kubectl 1.32's root commands (for "unknown command" suggestions, cobra SuggestionsFor)
KUBECTL_COMMANDS = (
    "annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale",
    "certificate", "cluster-info", "completion", "config", "cordon", "cp", "create", "debug",
    "delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get",
    "help", "kustomize", "label", "logs", "options", "patch", "plugin", "port-forward", "proxy",
    "replace", "rollout", "run", "scale", "set", "taint", "top", "uncordon", "version", "wait",
)
_ROLLOUT_SUBCOMMANDS = ("history", "pause", "restart", "resume", "status", "undo")
_SET_SUBCOMMANDS = ("env", "image", "resources", "selector", "serviceaccount", "subject")
_CREATE_SUBCOMMANDS = {
    "clusterrole": (), "clusterrolebinding": (), "configmap": ("cm",), "cronjob": ("cj",),
    "deployment": ("deploy",), "ingress": ("ing",), "job": (), "namespace": ("ns",),
    "poddisruptionbudget": ("pdb",), "priorityclass": ("pc",), "quota": ("resourcequota",),
    "role": (), "rolebinding": (), "secret": (), "service": ("svc",),
    "serviceaccount": ("sa",), "token": (),
}
# kubectl's `all` category (discovery order: core, apps, batch; kinds the simulator serves)
ALL_CATEGORY = ("Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet",
                "CronJob", "Job")


# -- the parsed command ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceArg:
    """One resource named on the command line: a type and a name, or every object of the type
    (``name`` None) — filtered by the selector when one is given."""

    type: ResourceType
    name: str | None
    typed: str  # the type as written (``deploy``, ``deployments.apps``)


@dataclass
class KubectlCommand:
    command: str  # "get", "set image", "rollout status", "create deployment", ...
    args: list[str]  # positional arguments after the command path, as written
    namespace: str = "default"
    namespace_given: bool = False
    all_namespaces: bool = False
    resources: list[ResourceArg] = field(default_factory=list)
    selector: str | None = None
    single_item: bool = False  # builder "singleItemImplied": exactly one object named
    output: str | None = None  # the raw -o value
    output_format: str | None = None  # wide|yaml|json|name|jsonpath|custom-columns
    output_template: str | None = None  # the jsonpath / custom-columns text
    flags: dict[str, Any] = field(default_factory=dict)  # flags given (long name -> value)
    defaults: dict[str, Any] = field(default_factory=dict)  # every flag's default
    warnings: list[str] = field(default_factory=list)  # what kubectl writes to stderr first
    change_cause: str = ""  # the kubernetes.io/change-cause text --record would store
    # command specific
    images: dict[str, str] = field(default_factory=dict)  # set image / create deployment
    label_changes: dict[str, str] = field(default_factory=dict)  # label / annotate: k=v
    label_removals: list[str] = field(default_factory=list)  # label / annotate: k-
    name: str | None = None  # create deployment|job NAME; exec/logs POD
    command_args: list[str] = field(default_factory=list)  # after "--" (exec, create)
    filenames: list[str] = field(default_factory=list)  # apply -f
    from_ref: ResourceArg | None = None  # create job --from=cronjob/NAME
    container: str | None = None  # exec/logs CONTAINER

    def flag(self, name: str) -> Any:
        """The value of a flag: as given, else kubectl's default."""
        return self.flags.get(name, self.defaults.get(name))


# -- pflag ----------------------------------------------------------------------------------------


def _normalize(name: str) -> str:
    return name.replace("_", "-")  # cli-flag WordSepNormalizeFunc


_BOOL_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_BOOL_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def _go_parse_int(text: str, bits: int) -> int:
    """strconv.ParseInt(text, 0, bits) with Go's error texts."""
    body = text
    sign = 1
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    base, digits = 10, body
    low = body.lower()
    if low.startswith("0x"):
        base, digits = 16, body[2:]
    elif low.startswith("0b"):
        base, digits = 2, body[2:]
    elif low.startswith("0o"):
        base, digits = 8, body[2:]
    elif body.startswith("0") and len(body) > 1:
        base, digits = 8, body[1:]
    allowed = "0123456789abcdefABCDEF"[:{16: 22, 10: 10, 8: 8, 2: 2}[base]]
    clean = digits.replace("_", "") if base != 10 else digits
    if not clean or any(c not in allowed for c in clean):
        raise ValueError(f'strconv.ParseInt: parsing "{text}": invalid syntax')
    value = sign * int(clean, base)
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise ValueError(f'strconv.ParseInt: parsing "{text}": value out of range')
    return value


def _convert(flag: Flag, value: str, current: Any) -> Any:
    if flag.kind == "bool":
        if value in _BOOL_TRUE:
            return True
        if value in _BOOL_FALSE:
            return False
        raise ValueError(f'strconv.ParseBool: parsing "{value}": invalid syntax')
    if flag.kind in ("int", "int32"):
        return _go_parse_int(value, 64 if flag.kind == "int" else 32)
    if flag.kind == "duration":
        try:
            return parse_duration(value) if re.search(r"[a-z]", value) or value == "0" \
                else _bad_duration(value)
        except ValueError:
            raise ValueError(f'time: invalid duration "{value}"') from None
    if flag.kind == "stringSlice":
        # pflag stringSlice: comma-separated (CSV), values accumulate over repeats
        return [*(current or []), *[v for v in value.split(",")]] if value else [*(current or [])]
    if flag.kind == "stringArray":
        return [*(current or []), value]
    return value


def _bad_duration(value: str) -> int:
    raise ValueError(value)


@dataclass
class _Parsed:
    flags: dict[str, Any]
    order: list[tuple[str, Any]]  # (long name, value text) in the order given
    args: list[str]
    dash_at: int  # index into args where "--" was, or -1


def _flag_error(command_path: str, message: str) -> KubectlError:
    # kubectl's FlagErrorFunc + cobra's "Error: " prefix
    return KubectlError(f"Error: {message}\nSee '{command_path} --help' for usage.")


def _parse_flags(tokens: Sequence[str], known: Mapping[str, Flag], command_path: str) -> _Parsed:
    shorts = {f.short: f for f in known.values() if f.short}
    flags: dict[str, Any] = {}
    order: list[tuple[str, Any]] = []
    args: list[str] = []
    dash_at = -1
    i = 0

    def set_flag(flag: Flag, value: str, shown: str) -> None:
        try:
            flags[flag.name] = _convert(flag, value, flags.get(flag.name))
        except ValueError as exc:
            raise _flag_error(command_path,
                              f'invalid argument "{value}" for "{shown}" flag: {exc}') from None
        order.append((flag.name, value))

    def shown_name(flag: Flag) -> str:
        return f"-{flag.short}, --{flag.name}" if flag.short else f"--{flag.name}"

    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok == "--":
            dash_at = len(args)
            args.extend(tokens[i:])
            break
        if tok.startswith("--"):
            body = tok[2:]
            if not body or body[0] in "-=":
                raise _flag_error(command_path, f"bad flag syntax: {tok}")
            name, eq, value = body.partition("=")
            name = _normalize(name)
            flag = known.get(name)
            if flag is None:
                if name == "help":
                    raise UnsupportedError(f"kubectl {command_path[8:]} --help is not "
                                           "supported by pytest-k8sflow")
                raise _flag_error(command_path, f"unknown flag: --{name}")
            if not eq:
                if flag.no_opt is not None:
                    value = flag.no_opt
                elif i < len(tokens):
                    value = tokens[i]
                    i += 1
                else:
                    raise _flag_error(command_path, f"flag needs an argument: {tok}")
            set_flag(flag, value, shown_name(flag))
            continue
        if tok.startswith("-") and len(tok) > 1:
            rest = tok[1:]
            while rest:
                c = rest[0]
                flag = shorts.get(c)
                if flag is None:
                    if c == "h":
                        raise UnsupportedError(f"kubectl {command_path[8:]} -h is not "
                                               "supported by pytest-k8sflow")
                    raise _flag_error(command_path, f"unknown shorthand flag: '{c}' in -{rest}")
                if len(rest) > 2 and rest[1] == "=":
                    value, rest = rest[2:], ""
                elif flag.no_opt is not None:
                    value, rest = flag.no_opt, rest[1:]
                elif len(rest) > 1:
                    value, rest = rest[1:], ""
                elif i < len(tokens):
                    value, rest = tokens[i], ""
                    i += 1
                else:
                    raise _flag_error(command_path,
                                      f"flag needs an argument: '{c}' in -{rest}")
                set_flag(flag, value, shown_name(flag))
            continue
        args.append(tok)
    return _Parsed(flags, order, args, dash_at)


# -- command path (cobra Find) --------------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    a, b = a.lower(), b.lower()
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _suggestions(typed: str) -> list[str]:
    # cobra SuggestionsFor: distance <= 2 or a prefix match (commands are sorted by name)
    return [c for c in KUBECTL_COMMANDS if c != "help" and
            (_levenshtein(typed, c) <= 2 or c.lower().startswith(typed.lower()))]


def _strip_global(tokens: Sequence[str]) -> list[str]:
    """cobra stripFlags against the root's flags: the non-flag words (for finding the
    command path); a value-taking flag written without ``=`` swallows the next word."""
    known = {f.name: f for f in GLOBAL_FLAGS}
    shorts = {f.short: f for f in GLOBAL_FLAGS if f.short}
    words: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok == "--":
            break
        if tok.startswith("--") and "=" not in tok:
            flag = known.get(_normalize(tok[2:]))
            if flag is None or flag.no_opt is None:
                i += 1
        elif tok.startswith("-") and "=" not in tok and len(tok) == 2:
            flag = shorts.get(tok[1])
            if flag is None or flag.no_opt is None:
                i += 1
        elif not tok.startswith("-"):
            words.append(tok)
    return words


def _command_path(tokens: Sequence[str]) -> str:
    words = _strip_global(tokens)
    if not words or words[0] not in KUBECTL_COMMANDS:
        if tokens and tokens[0].startswith("-"):
            # kubectl's plugin handler: the first argument is a flag and no command matched
            raise KubectlError(f"Error: flags cannot be placed before plugin name: {tokens[0]}")
        if not words:
            raise UnsupportedError("kubectl without a command prints its help; give a command")
        hint = _suggestions(words[0])
        text = f'Error: unknown command "{words[0]}" for "kubectl"'
        if hint:
            text += "\n\nDid you mean this?\n" + "".join(f"\t{h}\n" for h in hint)
        raise KubectlError(text)
    top = words[0]
    if top in ("rollout", "set"):
        subs = _ROLLOUT_SUBCOMMANDS if top == "rollout" else _SET_SUBCOMMANDS
        if len(words) < 2:
            if top == "rollout":
                raise UnsupportedError("kubectl rollout without a subcommand prints its help; "
                                       "give one of " + ", ".join(_ROLLOUT_SUBCOMMANDS))
            raise UnsupportedError("kubectl set without a subcommand prints its help")
        if words[1] not in subs:
            raise KubectlError(f'error: unknown command "{words[1]}"\n'
                               f"See 'kubectl {top} -h' for help and examples")
        return f"{top} {words[1]}"
    if top == "create":
        if len(words) >= 2:
            for sub, aliases in _CREATE_SUBCOMMANDS.items():
                if words[1] == sub or words[1] in aliases:
                    return f"create {sub}"
        return "create"
    return top


_SUPPORTED = set(COMMAND_FLAGS)


def _find_path_words(tokens: Sequence[str], path: str) -> list[str]:
    """The tokens with the words of the command path removed (first occurrences)."""
    remaining = list(tokens)
    for word in path.split(" "):
        for idx, tok in enumerate(remaining):
            if tok == "--":
                break
            aliases = _CREATE_SUBCOMMANDS.get(word, ()) if path.startswith("create ") else ()
            if tok == word or tok in aliases:
                del remaining[idx]
                break
    return remaining


# -- resources (cli-runtime pkg/resource/builder.go) ----------------------------------------------


def _resolve_type(text: str, command: str) -> ResourceType:
    rtype = resolve_resource(text)
    if rtype is None:
        resource = text.split(".")[0]
        raise KubectlError(f'error: the server doesn\'t have a resource type "{resource}"')
    return rtype


def _split_unique(arg: str) -> list[str]:
    out: list[str] = []
    for part in arg.split(","):
        if part not in out:
            out.append(part)
    return out


def resource_args(args: Sequence[str], *, allow_all_category: bool = False,
                  command: str = "get") -> tuple[list[ResourceArg], bool, bool]:
    """Builder.ResourceTypeOrNameArgs: returns (resources, names_given, single_item)."""
    args = list(args)
    # normalizeMultipleResourcesArgs: "a,b NAME" -> a/NAME b/NAME
    if len(args) >= 2 and len(_split_unique(args[0])) > 1:
        args = [f"{r}/{n}" for r in _split_unique(args[0]) for n in args[1:]]
    slashed = sum(1 for a in args if "/" in a)
    if slashed and slashed != len(args):
        raise KubectlError("error: there is no need to specify a resource type as a separate "
                           "argument when passing arguments in resource/name form (e.g. "
                           "'kubectl get resource/<resource_name>' instead of 'kubectl get "
                           "resource resource/<resource_name>'")
    out: list[ResourceArg] = []
    if slashed:
        for a in args:
            parts = a.split("/")
            if len(parts) != 2:
                raise KubectlError("error: arguments in resource/name form may not have more "
                                   "than one slash")
            typ, name = parts
            if not typ or not name or len(_split_unique(typ)) != 1:
                raise KubectlError("error: arguments in resource/name form must have a single "
                                   "resource and name")
            out.append(ResourceArg(_resolve_type(typ, command), name, typ))
        return out, True, len(out) == 1
    if not args:
        return [], False, False
    types: list[str] = []
    for t in _split_unique(args[0]):
        if t.lower() == "all" and allow_all_category:
            for kind in ALL_CATEGORY:
                types.append(BY_KIND[kind].qualified_plural)
        else:
            types.append(t)
    names = args[1:]
    resolved: list[tuple[ResourceType, str]] = []
    for t in types:
        rtype = _resolve_type(t, command)
        if all(r.kind != rtype.kind for r, _ in resolved):  # dedupe aliases of one type
            resolved.append((rtype, t))
    if names:
        if len(resolved) > 1:
            raise KubectlError("error: you must specify only one resource")
        rtype, typed = resolved[0]
        return [ResourceArg(rtype, n, typed) for n in names], True, len(names) == 1
    return [ResourceArg(r, None, t) for r, t in resolved], False, False


# -- output formats -------------------------------------------------------------------------------

_GET_FORMATS = ("custom-columns", "custom-columns-file", "go-template", "go-template-file",
                "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name", "template",
                "templatefile", "wide", "yaml")
_PRINT_FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json",
                  "jsonpath-file", "name", "template", "templatefile", "yaml")
_MODELLED_FORMATS = ("wide", "yaml", "json", "name", "jsonpath", "custom-columns")


def _output(cmd: KubectlCommand, value: str | None) -> None:
    if value is None or value == "":
        return
    name, eq, template = value.partition("=")
    allowed = {"get": _GET_FORMATS, "delete": ("name",)}.get(cmd.command, _PRINT_FORMATS)
    if name not in allowed:
        raise KubectlError(f'error: unable to match a printer suitable for the output format '
                           f'"{value}", allowed formats are: {",".join(allowed)}')
    if name not in _MODELLED_FORMATS:
        raise UnsupportedError(f"output format {name!r} is not supported by pytest-k8sflow "
                               f"(supported: {', '.join(_MODELLED_FORMATS)})")
    if name in ("jsonpath", "custom-columns") and not eq:
        if name == "jsonpath":
            raise KubectlError("error: template format specified but no template given")
        raise KubectlError("error: custom-columns format specified but no custom columns given")
    cmd.output_format = name
    cmd.output_template = template if eq else None


# -- label / annotate pairs -----------------------------------------------------------------------

_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def _label_value_errors(value: str) -> list[str]:
    # apimachinery validation.IsValidLabelValue
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_VALUE.match(value):
        errs.append("a valid label must be an empty string or consist of alphanumeric "
                    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
                    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
    return errs


def split_resources_and_pairs(args: Sequence[str], pair_type: str) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resource words first, then ``k=v`` / ``k-`` pairs."""
    resources: list[str] = []
    pairs: list[str] = []
    found = False
    for s in args:
        non_resource = ("=" in s and s[0] != "=") or (s.endswith("-") and s != "-")
        if non_resource:
            found = True
            pairs.append(s)
        elif found:
            raise KubectlError(f"error: all resources must be specified before {pair_type} "
                               f"changes: {s}")
        else:
            resources.append(s)
    return resources, pairs


def parse_pairs(pairs: Sequence[str], what: str) -> tuple[dict[str, str], list[str]]:
    """label.go parseLabels / annotate.go parseAnnotations: ``k=v`` sets, ``k-`` removes."""
    new: dict[str, str] = {}
    remove: list[str] = []
    for spec in pairs:
        if "=" in spec:
            key, _, value = spec.partition("=")
            if what == "label":
                errs = _label_value_errors(value)
                if errs:
                    raise KubectlError(f'error: invalid label value: "{spec}": '
                                       f"{'; '.join(errs)}")
            new[key] = value
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            raise KubectlError(f"error: unknown {what} spec: {spec}")
    for key in remove:
        if key in new:
            article = "a label" if what == "label" else "an annotation"
            raise KubectlError(f"error: can not both modify and remove {article} in the same "
                               "command")
    return new, remove


def update_pairs(current: Mapping[str, str] | None, new: Mapping[str, str],
                 remove: Sequence[str], *, overwrite: bool, what: str = "label"
                 ) -> tuple[dict[str, str], str]:
    """Apply ``k=v`` / ``k-`` to an object's labels or annotations as kubectl does
    (label.go labelFunc / annotate.go updateAnnotations). Returns the new map and the name
    printer's operation: ``labeled`` / ``unlabeled`` / ``not labeled`` or ``annotated``.
    Raises ``'k' already has a value (v), and --overwrite is false``."""
    current = dict(current or {})
    if not overwrite:
        for key in new:
            if key in current and current[key] != new[key]:
                raise KubectlError(f"error: '{key}' already has a value ({current[key]}), and "
                                   "--overwrite is false")
    result = {**current, **new}
    for key in remove:
        result.pop(key, None)
    if what != "label":
        return result, "annotated"
    if result == current:
        return result, "not labeled"
    # label.go updateDataChangeMsg: a smaller object without --overwrite reads "unlabeled"
    old_size = sum(len(k) + len(v) + 6 for k, v in current.items())
    new_size = sum(len(k) + len(v) + 6 for k, v in result.items())
    if not overwrite and new_size < old_size:
        return result, "unlabeled"
    return result, "labeled"


# -- the parser -----------------------------------------------------------------------------------

_NO_RESOURCES = ("error: You must provide one or more resources by argument or filename.\n"
                 "Example resource specifications include:\n   '-f rsrc.yaml'\n"
                 "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
_GET_NO_TYPE = ('You must specify the type of resource to get. Use "kubectl api-resources" for '
                "a complete list of supported resources.\n\nerror: Required resource not "
                'specified.\nUse "kubectl explain <resource>" for a detailed description of that '
                "resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and "
                "examples")


def parse(command: str | Sequence[str], *, default_namespace: str = "default") -> KubectlCommand:
    """Parse ``command`` (a shell-quoted string, or already split words) into a
    :class:`KubectlCommand`. Raises :class:`KubectlError` with kubectl's own stderr text,
    or :class:`UnsupportedError` for commands and flags the simulator does not model."""
    tokens = shlex.split(command) if isinstance(command, str) else list(command)
    if tokens and tokens[0] == "kubectl":
        tokens = tokens[1:]
    path = _command_path(tokens)
    if path not in _SUPPORTED:
        raise UnsupportedError(f'kubectl {path} is not supported by pytest-k8sflow (supported: '
                               f'{", ".join(sorted(_SUPPORTED))})')
    known = {f.name: f for f in (*GLOBAL_FLAGS, *COMMAND_FLAGS[path])}
    parsed = _parse_flags(_find_path_words(tokens, path), known, f"kubectl {path}")
    cmd = KubectlCommand(command=path, args=parsed.args)
    cmd.flags = parsed.flags
    cmd.defaults = {name: flag.default for name, flag in known.items()}
    for name in parsed.flags:
        flag = known[name]
        if flag.deprecated:
            cmd.warnings.append(f"Flag --{name} has been deprecated, {flag.deprecated}")
    unsupported = [f"--{n}" for n, _ in parsed.order if not known[n].supported]
    if unsupported:
        raise UnsupportedError(f"kubectl {path}: flag {', '.join(dict.fromkeys(unsupported))} "
                               "is not supported by pytest-k8sflow")
    # cobra MarkFlagRequired runs before the command
    for required in {"scale": ("replicas",), "create deployment": ("image",)}.get(path, ()):
        if required not in parsed.flags:
            raise KubectlError(f'error: required flag(s) "{required}" not set')
    ns = parsed.flags.get("namespace")
    cmd.namespace = ns or default_namespace
    cmd.namespace_given = bool(ns)
    cmd.all_namespaces = bool(parsed.flags.get("all-namespaces"))
    cmd.selector = parsed.flags.get("selector") or None
    cmd.output = parsed.flags.get("output")
    cmd.change_cause = _change_cause(tokens, path, parsed)
    _output(cmd, cmd.output)
    handler = _HANDLERS[path]
    handler(cmd, parsed)
    return cmd


def _change_cause(tokens: Sequence[str], path: str, parsed: _Parsed) -> str:
    """record_flags.go parseCommandArguments: ``kubectl`` + the words + ``--flag=value``
    for every flag given (long names, in order)."""
    words = [t for t in _strip_flag_words(tokens, parsed)]
    flags = "".join(f" --{name}={value}" for name, value in parsed.order)
    return "kubectl" + ("" if not words else " " + " ".join(words)) + flags


def _strip_flag_words(tokens: Sequence[str], parsed: _Parsed) -> list[str]:
    # the command path words plus the positional arguments, in their original order
    path_and_args = []
    consumed = list(parsed.args)
    for tok in tokens:
        if tok == "--":
            break
        if tok in consumed:
            consumed.remove(tok)
            path_and_args.append(tok)
        elif not tok.startswith("-") and tok in _all_path_words():
            path_and_args.append(tok)
    if parsed.dash_at >= 0:
        path_and_args.extend(parsed.args[parsed.dash_at:])
    return path_and_args


def _all_path_words() -> set[str]:
    words = set(KUBECTL_COMMANDS) | set(_ROLLOUT_SUBCOMMANDS) | set(_SET_SUBCOMMANDS)
    for sub, aliases in _CREATE_SUBCOMMANDS.items():
        words.add(sub)
        words.update(aliases)
    return words


def _positional(parsed: _Parsed) -> list[str]:
    return parsed.args if parsed.dash_at < 0 else parsed.args[:parsed.dash_at]


def _set_resources(cmd: KubectlCommand, args: Sequence[str], *, allow_all: bool = False) -> None:
    resources, names_given, single = resource_args(args, allow_all_category=allow_all,
                                                   command=cmd.command)
    if cmd.selector is not None and names_given:
        if "/" in args[0]:
            raise KubectlError("error: selectors and the all flag cannot be used when passing "
                               "resource/name arguments")
        raise KubectlError("error: name cannot be provided when a selector is specified")
    cmd.resources = resources
    cmd.single_item = single and cmd.selector is None


def _targets_from_files(cmd: KubectlCommand, parsed: _Parsed) -> bool:
    """``-f FILE`` instead of TYPE NAME: the run resolves the file's objects."""
    files = parsed.flags.get("filename") or []
    if not files:
        return False
    if _positional(parsed):
        raise KubectlError(f"error: Unexpected args: [{' '.join(_positional(parsed))}]")
    cmd.filenames = list(files)
    return True


def _handle_get(cmd: KubectlCommand, parsed: _Parsed) -> None:
    if _targets_from_files(cmd, parsed):
        return
    args = _positional(parsed)
    if not args:
        raise KubectlError(_GET_NO_TYPE)
    if parsed.flags.get("watch"):
        raise UnsupportedError("kubectl get --watch is not supported by pytest-k8sflow (the "
                               "simulated cluster has no wall clock to wait on)")
    _set_resources(cmd, args, allow_all=True)
    if cmd.all_namespaces and any(r.name for r in cmd.resources) and \
            any(r.type.namespaced for r in cmd.resources):
        raise KubectlError("error: a resource cannot be retrieved by name across all namespaces")


def _handle_describe(cmd: KubectlCommand, parsed: _Parsed) -> None:
    if _targets_from_files(cmd, parsed):
        return
    args = _positional(parsed)
    if not args:
        raise KubectlError('error: You must specify the type of resource to describe. Use '
                           '"kubectl api-resources" for a complete list of supported resources.')
    _set_resources(cmd, args, allow_all=True)


def _handle_scale(cmd: KubectlCommand, parsed: _Parsed) -> None:
    args = _positional(parsed)
    if not args:
        raise KubectlError(_NO_RESOURCES)
    if parsed.flags["replicas"] < 0:
        raise KubectlError("error: The --replicas=COUNT flag is required, and COUNT must be "
                           "greater than or equal to 0")
    _set_resources(cmd, args)
    _require_names(cmd)


def _require_names(cmd: KubectlCommand) -> None:
    if cmd.flags.get("all"):
        if cmd.selector is not None:
            raise KubectlError("error: setting 'all' parameter but found a non empty selector. ")
        return
    if cmd.selector is None and any(r.name is None for r in cmd.resources):
        raise KubectlError("error: resource(s) were provided, but no name was specified")


def _handle_set_image(cmd: KubectlCommand, parsed: _Parsed) -> None:
    args = _positional(parsed)
    resources, pairs = split_resources_and_pairs(args, "image")
    if not resources:
        raise KubectlError(_NO_RESOURCES)
    _set_resources(cmd, resources)
    _require_names(cmd)
    if not pairs:
        raise KubectlError("error: at least one image update is required")
    for pair in pairs:
        if "=" not in pair:
            raise KubectlError(f"error: unknown image spec: {pair}")  # k- is meaningless here
        container, _, image = pair.partition("=")
        cmd.images[container] = image


def _handle_set_resources(cmd: KubectlCommand, parsed: _Parsed) -> None:
    """set_resources.go Validate: an update is required; TYPE NAME or TYPE/NAME."""
    if not parsed.flags.get("limits") and not parsed.flags.get("requests"):
        raise KubectlError("error: you must specify an update to requests or limits (in the "
                           "form of --requests/--limits)")
    args = _positional(parsed)
    if not args:
        raise KubectlError(_NO_RESOURCES)
    _set_resources(cmd, args)
    _require_names(cmd)


def _handle_rollout(cmd: KubectlCommand, parsed: _Parsed) -> None:
    args = _positional(parsed)
    if not args:
        raise KubectlError("error: required resource not specified")
    if cmd.command == "rollout history" and parsed.flags.get("revision", 0) < 0:
        raise KubectlError(f"error: revision must be a positive integer: "
                           f"{parsed.flags['revision']}")
    _set_resources(cmd, args)


def _handle_delete(cmd: KubectlCommand, parsed: _Parsed) -> None:
    args = _positional(parsed)
    cascade = parsed.flags.get("cascade", "background")
    if cascade in ("true", "false"):
        replacement = "background" if cascade == "true" else "orphan"
        cmd.warnings.append(f"warning: --cascade={cascade} is deprecated (boolean value) and "
                            f"can be replaced with --cascade={replacement}.")
        cmd.flags["cascade"] = replacement
    elif cascade not in ("background", "foreground", "orphan"):
        raise KubectlError(f'error: invalid cascade value ({cascade}). Must be "background", '
                           '"foreground", or "orphan"')
    if parsed.flags.get("now"):
        if parsed.flags.get("grace-period", -1) != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        cmd.flags["grace-period"] = 1
    if parsed.flags.get("force") and parsed.flags.get("grace-period", -1) < 0:
        cmd.flags["grace-period"] = 0  # delete.go: --force without a period means 0
    if _targets_from_files(cmd, parsed):
        return
    if not args:
        raise KubectlError(_NO_RESOURCES)
    _set_resources(cmd, args)
    if cmd.flags.get("all") and any(r.name for r in cmd.resources):
        raise KubectlError("error: name cannot be provided when a selector is specified")
    _require_names(cmd)


def _handle_label(cmd: KubectlCommand, parsed: _Parsed) -> None:
    what = "label" if cmd.command == "label" else "annotation"
    resources, pairs = split_resources_and_pairs(_positional(parsed), what)
    cmd.label_changes, cmd.label_removals = parse_pairs(pairs, what)
    if not resources:
        raise KubectlError("error: one or more resources must be specified as <resource> <name> "
                           "or <resource>/<name>")
    if not cmd.label_changes and not cmd.label_removals:
        raise KubectlError(f"error: at least one {what} update is required")
    _set_resources(cmd, resources)
    _require_names(cmd)


def _handle_patch(cmd: KubectlCommand, parsed: _Parsed) -> None:
    """kubectl pkg/cmd/patch/patch.go Validate: a patch and a known type are required."""
    patch_type = parsed.flags.get("type", "strategic")
    if patch_type not in ("json", "merge", "strategic"):
        raise KubectlError(f'error: --type must be one of [json merge strategic], not '
                           f'"{patch_type}"')
    if not parsed.flags.get("patch"):
        raise KubectlError("error: must specify --patch or --patch-file containing the contents "
                           "of the patch")
    args = _positional(parsed)
    if not args:
        raise KubectlError(_NO_RESOURCES)
    _set_resources(cmd, args)


def _handle_taint(cmd: KubectlCommand, parsed: _Parsed) -> None:
    """kubectl pkg/cmd/taint/taint.go: `taint nodes NAME key=value:Effect ... | key:Effect-`."""
    args = _positional(parsed)
    if not args:
        raise KubectlError("error: at least one taint update is required")
    specs = [a for a in args if "=" in a or ":" in a or a.endswith("-")]
    names = [a for a in args if a not in specs]
    if not specs:
        raise KubectlError("error: at least one taint update is required")
    if not names or names[0].split("/")[0] not in ("node", "nodes", "no"):
        raise KubectlError("error: resource must be nodes (or node, no) to taint")
    node_names = names[1:] if names[0] in ("node", "nodes", "no") else \
        [n.split("/", 1)[1] for n in names]
    cmd.resources = [ResourceArg(BY_KIND["Node"], name, "node") for name in node_names] or \
        [ResourceArg(BY_KIND["Node"], None, "node")]
    cmd.command_args = specs


def _handle_node(cmd: KubectlCommand, parsed: _Parsed) -> None:
    args = _positional(parsed)
    verb = cmd.command
    if not args and cmd.selector is None:
        raise KubectlError(f"error: USAGE: {verb} NODE [flags]\n"
                           f"See 'kubectl {verb} -h' for help and examples")
    cmd.resources = [ResourceArg(BY_KIND["Node"], name, "node") for name in args] or \
        [ResourceArg(BY_KIND["Node"], None, "node")]
    cmd.single_item = len(args) == 1


def _handle_create_deployment(cmd: KubectlCommand, parsed: _Parsed) -> None:
    names = _positional(parsed)
    if len(names) != 1:
        raise KubectlError(f"error: exactly one NAME is required, got {len(names)}\n"
                           "See 'kubectl create deployment -h' for help and examples")
    cmd.name = names[0]
    images = parsed.flags.get("image") or []
    if parsed.dash_at >= 0 and len(images) > 1:
        raise KubectlError("error: cannot specify multiple --image options and command")
    for image in images:
        # create_deployment.go buildPodSpec: the last path part without tag or digest, "_"
        # replaced by "-"; a repeated name gets a random 5-letter suffix upstream, a
        # counter here (deterministic)
        name = image.split("/")[-1].split(":")[0].split("@")[0].replace("_", "-")
        unique, n = name, 1
        while unique in cmd.images:
            n += 1
            unique = f"{name}-{n}"
        cmd.images[unique] = image
    cmd.command_args = parsed.args[parsed.dash_at:] if parsed.dash_at >= 0 else []


def _handle_create_job(cmd: KubectlCommand, parsed: _Parsed) -> None:
    names = _positional(parsed)
    if len(names) != 1:
        raise KubectlError(f"error: exactly one NAME is required, got {len(names)}\n"
                           "See 'kubectl create job -h' for help and examples")
    cmd.name = names[0]
    image, source = parsed.flags.get("image", ""), parsed.flags.get("from", "")
    if bool(image) == bool(source):
        raise KubectlError("error: either --image or --from must be specified")
    if source and parsed.dash_at >= 0:
        raise KubectlError("error: cannot specify --from and command")
    if image:
        cmd.images[names[0]] = image
    else:
        refs, _, _ = resource_args([source], command=cmd.command)
        if len(refs) != 1 or refs[0].name is None:
            raise KubectlError(f"error: from must be an existing cronjob: {source}")
        if refs[0].type.kind != "CronJob":
            raise KubectlError(f"error: unknown object type *v1.{refs[0].type.kind}")
        cmd.from_ref = refs[0]
    cmd.command_args = parsed.args[parsed.dash_at:] if parsed.dash_at >= 0 else []


def _handle_apply(cmd: KubectlCommand, parsed: _Parsed) -> None:
    files = parsed.flags.get("filename") or []
    if not files:
        raise KubectlError("error: must specify one of -f and -k")
    if _positional(parsed):
        raise KubectlError(f"error: Unexpected args: [{' '.join(_positional(parsed))}]\n"
                           "See 'kubectl apply -h' for help and examples")
    cmd.filenames = list(files)


def _handle_create(cmd: KubectlCommand, parsed: _Parsed) -> None:
    files = parsed.flags.get("filename") or []
    if _positional(parsed):
        raise KubectlError(f"error: Unexpected args: [{' '.join(_positional(parsed))}]\n"
                           "See 'kubectl create -h' for help and examples")
    if not files:
        raise KubectlError("error: must specify one of -f and -k")
    cmd.filenames = list(files)


def _handle_exec(cmd: KubectlCommand, parsed: _Parsed) -> None:
    before = _positional(parsed)
    after = parsed.args[parsed.dash_at:] if parsed.dash_at >= 0 else []
    if not before:
        raise KubectlError("error: pod, type/name or --filename must be specified")
    if len(before) > 1:
        raise KubectlError("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] "
                           "-- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples")
    if not after:
        raise KubectlError("error: you must specify at least one command for the container")
    _pod_target(cmd, before[0])
    cmd.command_args = after
    cmd.container = parsed.flags.get("container") or None


def _pod_target(cmd: KubectlCommand, text: str) -> None:
    if "/" in text:
        refs, _, _ = resource_args([text], command=cmd.command)
        cmd.resources = refs
        cmd.name = refs[0].name
    else:
        cmd.resources = [ResourceArg(BY_KIND["Pod"], text, "pod")]
        cmd.name = text
    cmd.single_item = True


def _handle_logs(cmd: KubectlCommand, parsed: _Parsed) -> None:
    args = _positional(parsed)
    if not args and cmd.selector is None:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    if len(args) > 2:
        raise KubectlError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                           "POD or TYPE/NAME is a required argument for the logs command\n"
                           "See 'kubectl logs -h' for help and examples")
    if args:
        _pod_target(cmd, args[0])
    cmd.container = parsed.flags.get("container") or (args[1] if len(args) == 2 else None)


_HANDLERS = {
    "patch": _handle_patch, "taint": _handle_taint,
    "get": _handle_get, "describe": _handle_describe, "scale": _handle_scale,
    "set image": _handle_set_image, "set resources": _handle_set_resources,
    "rollout history": _handle_rollout,
    "rollout undo": _handle_rollout, "rollout status": _handle_rollout,
    "rollout pause": _handle_rollout, "rollout resume": _handle_rollout,
    "rollout restart": _handle_rollout, "delete": _handle_delete, "label": _handle_label,
    "annotate": _handle_label, "cordon": _handle_node, "uncordon": _handle_node,
    "drain": _handle_node, "create deployment": _handle_create_deployment,
    "create job": _handle_create_job, "create": _handle_create, "apply": _handle_apply,
    "exec": _handle_exec,
    "logs": _handle_logs,
}


def cordon_message(node_name: str, *, cordon: bool, already: bool) -> str:
    """cordon/uncordon output: ``node/NAME cordoned`` or ``node/NAME already cordoned``."""
    verb = "cordoned" if cordon else "uncordoned"
    return f"node/{node_name} {'already ' if already else ''}{verb}\n"
