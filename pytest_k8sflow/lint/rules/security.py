"""Security rules users expect from kube-linter, Polaris and the Pod Security Standards:
privileged containers, host namespaces, hostPath volumes, running as root."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, rule
from pytest_k8sflow.lint.pods import WORKLOAD_KINDS, containers, pod_of

_KINDS = (*WORKLOAD_KINDS, "PodTemplate")
_PSS = "Kubernetes Pod Security Standards (baseline)"


@rule("privileged-container", "warning",
      "a privileged container has every capability and the host's devices: a break-out is "
      "a node compromise", kinds=_KINDS,
      source=f"kube-linter privileged-container; Polaris privilegeEscalationAllowed; {_PSS}: "
             "Privileged Containers", family="security")
def privileged_container(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    for ref in containers(pod, init=True):
        context = ref.container.get("securityContext")
        if isinstance(context, dict) and context.get("privileged") is True:
            yield m.finding(privileged_container, (*ref.path, "securityContext", "privileged"),
                            f'container "{ref.name}" runs privileged')


_HOST_WHY = {
    "hostNetwork": "sharing the node's network namespace lets the pod listen on and reach "
                   "every interface of the node, past network policies",
    "hostPID": "sharing the node's process namespace lets the pod see, signal and trace the "
               "node's processes",
    "hostIPC": "sharing the node's IPC namespace lets the pod read and write the shared "
               "memory of the node's processes",
}


def _host_rule(field: str, kube_linter: str):
    @rule(kube_linter, "warning", _HOST_WHY[field], kinds=_KINDS,
          source=f"kube-linter {kube_linter}; {_PSS}: Host Namespaces", family="security")
    def check(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
        pod = pod_of(m)
        if pod is not None and pod.spec.get(field) is True:
            yield m.finding(check, (*pod.spec_path, field), f"{field}: true")
    return check


host_network = _host_rule("hostNetwork", "host-network")
host_pid = _host_rule("hostPID", "host-pid")
host_ipc = _host_rule("hostIPC", "host-ipc")

# kube-linter sensitive-host-mounts and docker-sock
_SENSITIVE = ("/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/var/run",
              "/run", "/var/lib/kubelet", "/root")


@rule("host-path", "warning",
      "a hostPath volume ties the pod to one node's files and can expose the node (its "
      "container runtime socket, its configuration) to the container", kinds=_KINDS,
      source=f"kube-linter sensitive-host-mounts / docker-sock; {_PSS}: HostPath Volumes",
      family="security")
def host_path(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    volumes = pod.spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not isinstance(volume, dict) or not isinstance(volume.get("hostPath"), dict):
            continue
        path = str(volume["hostPath"].get("path") or "")
        clean = path.rstrip("/") or "/"
        sensitive = clean in _SENSITIVE or clean.endswith((".sock", "docker.sock"))
        note = " (a sensitive host path)" if sensitive else ""
        yield m.finding(host_path, (*pod.spec_path, "volumes", index, "hostPath"),
                        f'volume "{volume.get("name")}" mounts the host path {path}{note}')


@rule("run-as-root", "info",
      "a container that may run as root (uid 0) gives a process that escapes it root on the "
      "node; runAsNonRoot: true makes the kubelet refuse to start it as root", kinds=_KINDS,
      source="kube-linter run-as-non-root; Polaris runAsRootAllowed; Pod Security Standards "
             "(restricted): Running as Non-root", family="security")
def run_as_root(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    pod_context = pod.spec.get("securityContext")
    pod_context = pod_context if isinstance(pod_context, dict) else {}
    for ref in containers(pod, init=True):
        context = ref.container.get("securityContext")
        context = context if isinstance(context, dict) else {}
        # the container's own settings win over the pod's (k/k pkg/securitycontext
        # DetermineEffectiveSecurityContext)
        user = context.get("runAsUser", pod_context.get("runAsUser"))
        non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        if user == 0:
            where = (*ref.path, "securityContext", "runAsUser") if "runAsUser" in context \
                else (*pod.spec_path, "securityContext", "runAsUser")
            yield m.finding(run_as_root, where, f'container "{ref.name}" runs as root '
                                                "(runAsUser: 0)", severity="warning")
        elif non_root is not True and not (isinstance(user, int) and user > 0):
            yield m.finding(run_as_root, ref.path,
                            f'container "{ref.name}" may run as root: set runAsNonRoot: true '
                            "or a non-zero runAsUser", key=True)
