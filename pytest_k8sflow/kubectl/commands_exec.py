"""``kubectl exec POD [-c C] -- env|printenv|cat`` and ``kubectl logs`` (unsupported).

The simulated containers run no processes; what ``exec`` can show is what the kubelet gave
the container: its environment (engine/envvars.py ``container_env``) and the files of its
volume mounts (engine/volumes.py ``container_files``). Other commands are not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_k8sflow.errors import UnsupportedError
from pytest_k8sflow.kubectl.commands_common import CommandFailed, KubectlCommand, Output

if TYPE_CHECKING:
    from pytest_k8sflow.engine.cluster import Cluster

# The OCI runtime's default PATH (containerd oci/spec.go defaultUnixEnv); the image's own
# environment is unknown to the simulator and left out.
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_HOME = "/root"  # runc sets HOME for uid 0 when the environment has none
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


def all_container_names(pod: Mapping) -> str:
    """podcmd.AllContainerNames: ``a, b, init-x (init), debug (ephem)``."""
    spec = pod.get("spec") or {}
    names = [c.get("name", "") for c in spec.get("containers") or []]
    names += [f"{c.get('name', '')} (init)" for c in spec.get("initContainers") or []]
    names += [f"{c.get('name', '')} (ephem)" for c in spec.get("ephemeralContainers") or []]
    return ", ".join(names)


def choose_container(pod: Mapping, name: str | None, out: Output, *, quiet: bool) -> str:
    """podcmd.FindOrDefaultContainerByName."""
    spec = pod.get("spec") or {}
    every = [*(spec.get("containers") or []), *(spec.get("initContainers") or []),
             *(spec.get("ephemeralContainers") or [])]
    pod_name = pod["metadata"]["name"]
    if name:
        if not any(c.get("name") == name for c in every):
            raise CommandFailed(f"error: container {name} not found in pod {pod_name}")
        return name
    containers = spec.get("containers") or []
    if not containers:
        raise CommandFailed(f"error: pod {pod['metadata'].get('namespace')}/{pod_name} does "
                            "not have any containers")
    wanted = (pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION)
    if wanted and any(c.get("name") == wanted for c in every):
        return wanted
    first = containers[0].get("name", "")
    if not quiet and (len(containers) > 1 or spec.get("initContainers")
                      or spec.get("ephemeralContainers")):
        out.warn(f'Defaulted container "{first}" out of: {all_container_names(pod)}')
    return first


def hostname_of(pod: Mapping) -> str:
    """kubelet GeneratePodHostNameAndDomain: spec.hostname, else the pod name cut to 63
    characters (trailing ``-``/``.`` removed)."""
    spec = pod.get("spec") or {}
    if spec.get("hostname"):
        return spec["hostname"]
    name = pod["metadata"]["name"]
    if len(name) > 63:
        name = name[:63].rstrip("-.")
    return name


def _running(pod: Mapping, container: str) -> bool:
    status = pod.get("status") or {}
    for field in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(field) or []:
            if cs.get("name") == container:
                return (cs.get("state") or {}).get("running") is not None
    return False


def _node_allocatable(cluster: Cluster, pod: Mapping) -> Mapping | None:
    node_name = (pod.get("spec") or {}).get("nodeName")
    node = cluster.store.get("Node", "", node_name) if node_name else None
    return ((node or {}).get("status") or {}).get("allocatable")


def container_environment(cluster: Cluster, pod: Mapping, container: str) -> dict[str, str]:
    """What ``env`` prints in the container, in order: PATH and HOSTNAME (set by the
    runtime first), the kubelet's variables (envFrom, env, service links), HOME last. A
    variable the container sets itself replaces the runtime's in place."""
    from pytest_k8sflow.engine.envvars import container_env

    result = container_env(pod, container, cluster.store,
                           node_allocatable=_node_allocatable(cluster, pod),
                           version=cluster.version)
    if not result.ok:
        raise CommandFailed(f'error: unable to upgrade connection: container not found '
                            f'("{container}")')
    env: dict[str, str] = {"PATH": DEFAULT_PATH, "HOSTNAME": hostname_of(pod)}
    for key, value in result.env.items():
        env[key] = value
    env.setdefault("HOME", DEFAULT_HOME)
    return env


def run_exec(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    if cmd.flag("stdin") or cmd.flag("tty"):
        raise UnsupportedError("kubectl exec -i/-t is not supported by pytest-k8sflow")
    target = cmd.resources[0] if cmd.resources else None
    if target is None or target.type.kind != "Pod":
        raise UnsupportedError("kubectl exec TYPE/NAME is supported for pods only "
                               "(exec POD or exec pod/POD)")
    pod = cluster.store.get("Pod", cmd.namespace, cmd.name or "")
    if pod is None:
        raise CommandFailed(f'Error from server (NotFound): pods "{cmd.name}" not found')
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise CommandFailed(f"error: cannot exec into a container in a completed pod; current "
                            f"phase is {phase}")
    container = choose_container(pod, cmd.container, out, quiet=bool(cmd.flag("quiet")))
    if not (pod.get("spec") or {}).get("nodeName"):
        raise CommandFailed(f"Error from server (BadRequest): pod {pod['metadata']['name']} "
                            "does not have a host assigned")
    if not _running(pod, container):
        raise CommandFailed(f'error: unable to upgrade connection: container not found '
                            f'("{container}")')
    program, *args = cmd.command_args
    base = program.rsplit("/", 1)[-1]
    if base in ("env", "printenv"):
        code = _env(cluster, pod, container, base, args, out)
    elif base == "cat":
        code = _cat(cluster, pod, container, args, out)
    else:
        raise UnsupportedError(f"kubectl exec -- {program}: only env, printenv and cat are "
                               "supported by pytest-k8sflow (the simulated containers run no "
                               "programs)")
    if code:
        # exec.go: a non-zero exit of the remote command
        out.error(f"command terminated with exit code {code}", code)


def _env(cluster: Cluster, pod: Mapping, container: str, program: str, args: list[str],
         out: Output) -> int:
    env = container_environment(cluster, pod, container)
    if program == "env" and args:
        raise UnsupportedError("kubectl exec -- env with arguments is not supported by "
                               "pytest-k8sflow")
    if not args:
        out.write("".join(f"{k}={v}\n" for k, v in env.items()))
        return 0
    code = 0
    for name in args:  # printenv NAME...: values of the set ones, status 1 if any is unset
        if name in env:
            out.write(env[name] + "\n")
        else:
            code = 1
    return code


def _cat(cluster: Cluster, pod: Mapping, container: str, args: list[str], out: Output) -> int:
    from pytest_k8sflow.engine.volumes import VolumeSetupError, container_files

    try:
        files = container_files(pod, container, cluster.store,
                                node_allocatable=_node_allocatable(cluster, pod),
                                now_ms=cluster.clock.now_ms)
    except VolumeSetupError:
        raise CommandFailed(f'error: unable to upgrade connection: container not found '
                            f'("{container}")') from None
    if not args:
        raise UnsupportedError("kubectl exec -- cat without a file reads stdin; not supported")
    code = 0
    for path in args:
        clean = "/" + "/".join(p for p in path.split("/") if p and p != ".")
        if clean in files:
            content = files[clean]
            out.write(content.decode("utf-8", "replace") if isinstance(content, bytes)
                      else content)
        elif any(p.startswith(clean.rstrip("/") + "/") for p in files):
            out.warn(f"cat: {path}: Is a directory")
            code = 1
        else:
            out.warn(f"cat: {path}: No such file or directory")
            code = 1
    return code


def run_logs(cluster: Cluster, cmd: KubectlCommand, out: Output, read_only: bool) -> None:
    raise UnsupportedError("kubectl logs is not supported by pytest-k8sflow: the simulated "
                           "containers run no programs and write no logs")
