"""Run a Scenario on a fresh Cluster: given, steps (each followed by a settle), expectations.

A failure raises ``ScenarioFailed`` carrying everything the report needs: the scenario, the
step (number and name), where the expectation is written, and the readable difference; and
the runner itself, whose step marks and event tape let the report print the run's trace.

With ``update="changed"`` (``pytest --k8sflow-update``) an expectation that does not hold
is not a failure: the runner records how to rewrite it (``golden.propose``) and goes on;
``update="new"`` also records an ``expect`` block for a scenario without one. Whatever
cannot be rewritten (a matcher, a missing object, an ``events`` list) is kept in
``unresolved`` and fails the scenario once the run has reached its end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pytest_k8sflow.engine import apierrors
from pytest_k8sflow.engine.cluster import (
    Cluster,
    PodRule,
    add_taint,
    parse_target,
    set_node_condition,
    set_unschedulable,
)
from pytest_k8sflow.engine.resources import resolve_resource
from pytest_k8sflow.engine.selectors import EVERYTHING, from_match_labels
from pytest_k8sflow.engine.timeutil import format_time, parse_duration
from pytest_k8sflow.errors import K8sflowError
from pytest_k8sflow.expect.evaluate import ExpectationFailure, check_kubectl_result, evaluate
from pytest_k8sflow.scenario.model import Expectation, Scenario, Step


@dataclass
class Failure:
    """What went wrong, where."""

    headline: str
    detail: str
    step: Step | None = None
    expectation: Expectation | None = None
    subject: str | None = None
    time: str | None = None


class ScenarioFailed(Exception):
    def __init__(self, scenario: Scenario, failure: Failure, cluster: Cluster | None,
                 runner: Runner | None = None) -> None:
        self.scenario = scenario
        self.failure = failure
        self.cluster = cluster
        self.runner = runner
        super().__init__(failure.headline)


@dataclass(frozen=True)
class StepMark:
    """Where a step starts in the store's write history (for traces and reports)."""

    index: int  # 0 = given
    label: str
    resource_version: int  # the store's resourceVersion before the step's first write
    time_ms: int


@dataclass
class RunResult:
    scenario: Scenario
    cluster: Cluster
    # (expectation, observed object or None) for every expectation checked, in order
    checked: list[tuple[Expectation, dict | None]] = field(default_factory=list)


class StepRefused(K8sflowError):
    """An action the simulated cluster refused (the message a user would see)."""


class Runner:
    def __init__(self, scenario: Scenario, *, seed: int | None = None,
                 cluster_factory: Callable[..., Cluster] = Cluster,
                 update: str | None = None) -> None:
        self.scenario = scenario
        self.update = update  # None, "changed" or "new"
        self.changes: list = []  # golden.propose.Change, in the order found
        self.unresolved: list[Failure] = []  # mismatches an update cannot rewrite
        self.new_expect: list[dict] | None = None  # update="new": the recorded block
        self.completed = False  # the run reached its end (no error other than mismatches)
        self.marks: list[StepMark] = []
        self.tape = None  # trace.EventTape: where each emitted Event falls among writes
        kwargs = scenario.cluster.kwargs()
        if seed is not None:
            kwargs["seed"] = seed
        self.cluster_kwargs = kwargs
        self.cluster_factory = cluster_factory
        self.cluster: Cluster | None = None
        self.result: RunResult | None = None

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> RunResult:
        scenario = self.scenario
        try:
            cluster = self.cluster = self.cluster_factory(**self.cluster_kwargs)
        except K8sflowError as exc:
            raise ScenarioFailed(scenario, Failure("the cluster could not be built", str(exc)),
                                 None) from None
        # `kubectl apply -f FILE` in a step reads FILE relative to the scenario, as `file:` does
        cluster.base_dir = str(Path(scenario.file).resolve().parent)
        self.result = RunResult(scenario, cluster)
        from pytest_k8sflow.trace import EventTape

        self.tape = EventTape.install(cluster)
        cluster.store.step = 0
        self.marks.append(StepMark(0, "given", cluster.store.resource_version,
                                   cluster.now_ms))
        for item in scenario.given:
            for manifest in item.manifests:
                try:
                    cluster.apply(manifest, settle=False)
                except K8sflowError as exc:
                    where = f"{item.file or scenario.file}:{item.line}"
                    raise ScenarioFailed(scenario, Failure(
                        f"given manifest {_manifest_name(manifest)} ({where}) was refused",
                        str(exc)), cluster) from None
        self._settle(None, True)
        for step in scenario.steps:
            cluster.store.step = step.index
            cluster.step = step.index
            self.marks.append(StepMark(step.index, step.label, cluster.store.resource_version,
                                       cluster.now_ms))
            self._run_step(step)
            for expectation in step.expect:
                self._check(expectation, step)
        for expectation in scenario.expect:
            self._check(expectation, None)
        if self.update == "new" and not _has_key(scenario, "expect"):
            from pytest_k8sflow.golden.record import record_expectations

            self.new_expect = record_expectations(cluster, scenario)
        self.completed = True
        if self.unresolved:
            raise ScenarioFailed(scenario, self.unresolved[0], cluster, self)
        return self.result

    def _settle(self, step: Step | None, full: bool) -> None:
        try:
            self.cluster.settle(one_round=not full)
        except K8sflowError as exc:
            raise ScenarioFailed(self.scenario, Failure("the cluster did not settle", str(exc),
                                                        step=step), self.cluster,
                                 self) from None

    def _failure(self, step: Step | None, headline: str, detail: str = "",
                 expectation: Expectation | None = None, subject: str | None = None
                 ) -> Failure:
        return Failure(headline, detail, step=step, expectation=expectation, subject=subject,
                       time=format_time(self.cluster.now_ms))

    def _fail(self, step: Step | None, headline: str, detail: str = "",
              expectation: Expectation | None = None, subject: str | None = None):
        raise ScenarioFailed(self.scenario, self._failure(
            step, headline, detail, expectation, subject), self.cluster, self)

    def _check(self, expectation: Expectation, step: Step | None) -> None:
        try:
            failure = evaluate(self.cluster, expectation.data)
        except K8sflowError as exc:
            self._fail(step, f"expectation {expectation.path} at {expectation.location} "
                             "cannot be checked", str(exc), expectation)
        if failure is not None:
            headline = f"expectation {expectation.path} at {expectation.location} failed"
            if self.update:
                self._record_update(step, expectation, headline, failure)
            else:
                self._fail(step, headline, failure.text, expectation, failure.subject)
        self.result.checked.append((expectation, None))

    def _record_update(self, step: Step | None, expectation: Expectation, headline: str,
                       failure: ExpectationFailure) -> None:
        """Golden update: how to rewrite this expectation, or why it cannot be."""
        from pytest_k8sflow.golden.propose import propose

        proposal = propose(self.cluster, expectation)
        # the values that can be rewritten are, even when others of the same entry cannot
        self.changes.extend(proposal.changes)
        if proposal.problems:
            detail = failure.text + "\n\nnot updated: " + "; ".join(proposal.problems)
            self.unresolved.append(self._failure(step, headline, detail, expectation,
                                                 failure.subject))

    # -- steps -------------------------------------------------------------------------------
    def _run_step(self, step: Step) -> None:
        handler = getattr(self, f"_do_{step.action}", None)
        if handler is None:
            self._fail(step, f"{step.label}: unknown action {step.action!r}")
        output = None
        try:
            output = handler(step)
        except (apierrors.ApiError, StepRefused, K8sflowError) as exc:
            message = exc.kubectl_text() if isinstance(exc, apierrors.ApiError) else str(exc)
            if step.error is None:
                self._fail(step, f"{step.label} was refused", message)
            if step.error not in message and step.error not in str(exc):
                self._fail(step, f"{step.label} was refused with another message",
                           f"expected the error to contain {step.error!r}, got:\n{message}")
            if step.action not in ("until", "advance"):
                self._settle(step, step.settle)
            return
        if step.error is not None and step.action != "kubectl":
            self._fail(step, f"{step.label} succeeded but was expected to be refused",
                       f"expected an error containing {step.error!r}")
        if step.action == "kubectl":
            self._check_kubectl_step(step, output)
        if step.action not in ("until", "advance"):
            self._settle(step, step.settle)

    def _check_kubectl_step(self, step: Step, result) -> None:
        expectation: dict = {}
        if step.error is not None:
            expectation["error"] = step.error
        if step.output is not None:
            expectation["output"] = step.output
        if not expectation and not result.ok:
            self._fail(step, f"{step.label}: `kubectl {step.value}` failed",
                       result.stderr.rstrip())
        text = check_kubectl_result(result, expectation, step.value) if expectation else None
        if text:
            if self.update and step.output is not None and step.error is None and result.ok:
                from pytest_k8sflow.golden.propose import output_change

                self.changes.append(output_change(
                    self.scenario, ("steps", step.index - 1, "output"), step.output,
                    result.stdout))
                return
            self._fail(step, f"{step.label}: kubectl output did not match", text)

    def _do_apply(self, step: Step) -> None:
        for manifest in step.manifests:
            self.cluster.apply(manifest, settle=False)

    def _do_create(self, step: Step) -> None:
        for manifest in step.manifests:
            self.cluster.api.create(dict(manifest), "kubectl")

    def _do_patch(self, step: Step) -> None:
        value = step.value
        ns = value.get("namespace", "default")
        self.cluster.patch(value["target"], merge=value.get("merge"), json=value.get("json"),
                           strategic=value.get("strategic"), namespace=ns, settle=False)

    def _do_delete(self, step: Step) -> None:
        value = step.value
        cluster = self.cluster
        if isinstance(value, str):
            cluster.delete(value, settle=False)
            return
        ns = value.get("namespace", "default")
        policy = value.get("propagationPolicy")
        grace = value.get("gracePeriodSeconds")
        if "target" in value:
            cluster.delete(value["target"], namespace=ns, propagation=policy,
                           grace_period_seconds=grace, settle=False)
            return
        rtype = resolve_resource(value["kind"])
        if rtype is None:
            raise StepRefused(f'the server doesn\'t have a resource type "{value["kind"]}"')
        selector = from_match_labels(value.get("selector") or {})
        for obj in cluster.store.list(rtype.kind, ns if rtype.namespaced else None):
            if selector.matches(obj["metadata"].get("labels")):
                cluster.api.delete(rtype.kind, ns if rtype.namespaced else "",
                                   obj["metadata"]["name"], "kubectl", propagation=policy,
                                   grace_period_seconds=grace)

    def _do_scale(self, step: Step) -> None:
        value = step.value
        self.cluster.scale(value["target"], value["replicas"],
                           namespace=value.get("namespace", "default"), settle=False)

    def _do_kubectl(self, step: Step):
        from pytest_k8sflow.kubectl.run import run_kubectl

        return run_kubectl(self.cluster, step.value)

    def _do_advance(self, step: Step) -> None:
        duration = step.duration_ms if step.duration_ms is not None else \
            parse_duration(step.value)
        try:
            self.cluster.advance(duration)
        except K8sflowError as exc:
            self._fail(step, "the cluster did not settle", str(exc))

    def _do_until(self, step: Step) -> None:
        expectations = list(step.value)
        last: list[tuple[Expectation, ExpectationFailure]] = []

        def holds() -> bool:
            last.clear()
            for expectation in expectations:
                failure = evaluate(self.cluster, expectation.data)
                if failure is not None:
                    last.append((expectation, failure))
                    return False
            return True

        start = self.cluster.now_ms
        if not self.cluster.run_until(holds, step.within_ms):
            expectation, failure = last[0]
            waited = (self.cluster.now_ms - start) // 1000
            self._fail(step, f"{step.label}: still not true after {waited}s "
                             f"(expectation at {expectation.location})",
                       failure.text, expectation, failure.subject)

    def _do_expect(self, step: Step) -> None:
        for expectation in step.value:
            self._check(expectation, step)

    def _do_node(self, step: Step) -> None:
        value = step.value
        cluster = self.cluster
        if "add" in value:
            cluster.add_node(value["add"])
        elif "remove" in value:
            cluster.api.delete("Node", "", value["remove"], "kubectl")
        elif "cordon" in value:
            set_unschedulable(cluster, value["cordon"], True)
        elif "uncordon" in value:
            set_unschedulable(cluster, value["uncordon"], False)
        elif "taint" in value:
            t = value["taint"]
            add_taint(cluster, t["node"], t["key"], t.get("value"), t["effect"])
        elif "condition" in value:
            c = value["condition"]
            set_node_condition(cluster, c["node"], c["type"], str(c["status"]))

    # -- pod-targeting steps -----------------------------------------------------------------
    def _pods(self, value: Mapping) -> list[dict]:
        ns = value.get("namespace", "default")
        pods = self.cluster.store.list("Pod", ns)
        if "pod" in value:
            pods = [p for p in pods if p["metadata"]["name"] == value["pod"]]
        if "selector" in value:
            selector = from_match_labels(value["selector"] or {})
            pods = [p for p in pods if selector.matches(p["metadata"].get("labels"))]
        if "node" in value:
            pods = [p for p in pods if (p.get("spec") or {}).get("nodeName") == value["node"]]
        return pods

    def _do_container(self, step: Step) -> None:
        value = step.value
        pods = self._pods(value)
        if not pods:
            raise StepRefused(f"no pod matches {_pods_text(value)}")
        kubelet = self.cluster.kubelet
        hit = 0
        for pod in pods:
            if kubelet.terminate_container(pod, value["container"], int(value["exit"])):
                hit += 1
        if not hit:
            raise StepRefused(f"container {value['container']!r} is not running in any pod "
                              f"matching {_pods_text(value)}")

    def _do_probe(self, step: Step) -> None:
        value = step.value
        pods = self._pods(value)
        if not pods:
            raise StepRefused(f"no pod matches {_pods_text(value)}")
        success = value["result"] == "success"
        results = [(success, str(value.get("output", "")))] * int(value.get("times", 1))
        for pod in pods:
            self.cluster.kubelet.queue_probe_results(pod, value["container"], value["probe"],
                                                     results)

    def _do_pods(self, step: Step) -> None:
        value = step.value
        cluster = self.cluster
        if "phase" in value:
            pods = self._pods(value)
            if not pods:
                raise StepRefused(f"no pod matches {_pods_text(value)}")
            for pod in pods:
                cluster.kubelet.end_pod(pod, value["phase"], value.get("reason"),
                                        value.get("message"))
            return
        stop_delay = value.get("stopDelay")
        rule = PodRule(
            selector=from_match_labels(value["selector"]) if "selector" in value else
            EVERYTHING,
            pod_name=value.get("pod"), namespace=value.get("namespace", "default"),
            node=value.get("node"), ready=value.get("ready"), start=value.get("start"),
            stop_delay_ms=None if stop_delay is None else parse_duration(stop_delay))
        cluster.pod_rules.rules.append(rule)
        for pod in cluster.store.list("Pod", rule.namespace):
            if rule.matches(pod):
                cluster.enqueue("kubelet", (rule.namespace, pod["metadata"]["name"]))


def _pods_text(value: Mapping) -> str:
    parts = []
    if "pod" in value:
        parts.append(f"pod {value['pod']}")
    if "selector" in value:
        parts.append("selector " + ",".join(f"{k}={v}" for k, v in
                                            (value["selector"] or {}).items()))
    if "node" in value:
        parts.append(f"on node {value['node']}")
    parts.append(f"in namespace {value.get('namespace', 'default')}")
    return " ".join(parts)


def _has_key(scenario: Scenario, key: str) -> bool:
    data = scenario.source.data if scenario.source is not None else None
    return isinstance(data, dict) and key in data


def _manifest_name(manifest: Mapping) -> str:
    meta = manifest.get("metadata") or {}
    return f"{manifest.get('kind', '?')}/{meta.get('name') or meta.get('generateName', '?')}"


def run_scenario(scenario: Scenario, *, seed: int | None = None) -> RunResult:
    return Runner(scenario, seed=seed).run()


__all__ = ["Failure", "RunResult", "Runner", "ScenarioFailed", "StepMark", "parse_target",
           "run_scenario"]
