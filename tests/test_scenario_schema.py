"""The scenario JSON Schema and the validator: every form of the contract is accepted, what
it does not describe is refused, and each refusal says where and what, in plain words."""

from __future__ import annotations

import json
import textwrap

import pytest
from jsonschema import Draft202012Validator

from pytest_k8sflow.scenario.loader import load_text
from pytest_k8sflow.scenario.validate import (
    duplicate_name_errors,
    get_validator,
    load_schema,
    schema_path,
    validate_document,
    validate_manifest,
)

FILE = "demo.k8sflow.yaml"


def problems(text: str) -> list:
    docs = [d for d in load_text(textwrap.dedent(text), FILE).documents if not d.empty]
    assert len(docs) == 1
    return validate_document(docs[0])


def messages(text: str) -> list[str]:
    return [str(e) for e in problems(text)]


# -- the schema itself ----------------------------------------------------------------------
def test_schema_is_draft_2020_12_with_id_and_title():
    schema = json.loads(schema_path().read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("scenario.schema.json")
    assert schema["title"]
    assert schema["additionalProperties"] is False


def _walk(node, where="#"):
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def test_every_property_has_a_description():
    missing = []
    for where, node in _walk(load_schema()):
        if "/if" in where or "/not" in where or "dependentSchemas" in where:
            continue
        for name, sub in node.get("properties", {}).items() if isinstance(
                node.get("properties"), dict) else ():
            if isinstance(sub, dict) and "description" not in sub:
                missing.append(f"{where}/properties/{name}")
    assert missing == []


def test_fixed_key_objects_are_closed():
    defs = load_schema()["$defs"]
    for name in ("cluster", "fileRef", "nodeShorthand", "taint", "matcher", "absentExpectation",
                 "eventsExpectation", "kubectlExpectation", "filesExpectation",
                 "dnsExpectation", "applyStep", "scaleStep", "expectStep", "jsonPatchOperation"):
        assert defs[name]["additionalProperties"] is False, name
    for name in ("manifest", "partialObject", "objectExpectation"):
        assert defs[name].get("additionalProperties", True) is not False, name


def test_validator_is_compiled_once():
    assert get_validator() is get_validator()


# -- every valid form of the contract ---------------------------------------------------------
VALID = {
    "minimal": "name: x\n",
    "full example from the contract": """
        name: rolling update keeps two of three pods available
        description: free text
        marks: [slow]
        cluster:
          nodes: 3
          start: "2026-01-01T00:00:00Z"
          seed: 0
          kubernetesVersion: "1.19"
        given:
          - {file: manifests/web.yaml}
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg}
            data: {mode: fast}
        steps:
          - name: bump the image
            kubectl: set image deployment/web web=nginx:1.25
            expect:
              - kind: Deployment
                metadata: {name: web}
        expect: []
    """,
    "nodes as an int": "name: x\ncluster: {nodes: 1}\n",
    "nodes zero": "name: x\ncluster: {nodes: 0}\n",
    "nodes shorthand": """
        name: x
        cluster:
          nodes:
            - name: n1
              labels: {zone: a}
              taints: [{key: dedicated, value: db, effect: NoSchedule}]
              capacity: {cpu: "8", memory: 16Gi, pods: 20}
              unschedulable: true
            - {name: n2, capacity: {cpu: 500m, nvidia.com/gpu: 1}}
            - {name: n3, taints: [{key: k, effect: NoExecute}]}
    """,
    "nodes as Node manifests": """
        name: x
        cluster:
          nodes:
            - apiVersion: v1
              kind: Node
              metadata: {name: big, labels: {size: big}}
              spec: {taints: [{key: a, effect: NoSchedule}]}
              status: {capacity: {cpu: "64"}}
    """,
    "kubernetesVersion unquoted and with v": "name: x\ncluster: {kubernetesVersion: 1.20}\n"
                                             "---\n",
    "kubernetesVersion v-prefixed": 'name: x\ncluster: {kubernetesVersion: "v1.32.1"}\n',
    "start with offset": 'name: x\ncluster: {start: "2026-03-01T12:00:00+02:00", seed: 7}\n',
    "start unquoted": "name: x\ncluster: {start: 2026-03-01T12:00:00Z}\n",
    "given with generateName": """
        name: x
        given:
          - {apiVersion: v1, kind: Pod, metadata: {generateName: job-}, spec: {containers: []}}
    """,
    "marks with arguments (addition)": """
        name: x
        marks: [slow, {xfail: {reason: known bug, strict: true}}, {skip: later}]
    """,
    "apply every form": """
        name: x
        steps:
          - apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: v}}
          - apply:
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: other}}
          - apply: {file: manifests/web.yaml}
          - apply: [{file: a.yaml}, {apiVersion: v1, kind: Secret, metadata: {name: s}}]
    """,
    "create": """
        name: x
        steps:
          - create: {apiVersion: v1, kind: Namespace, metadata: {name: prod}}
          - create: {file: pod.yaml}
            error: already exists
    """,
    "patch merge json strategic": """
        name: x
        steps:
          - patch: {target: deployment/web, merge: {spec: {replicas: 2}}}
          - patch:
              target: deployment.apps/web
              namespace: prod
              json:
                - {op: replace, path: /spec/replicas, value: 3}
                - {op: add, path: /metadata/labels/x, value: "1"}
                - {op: remove, path: /metadata/annotations}
                - {op: move, from: /a, path: /b}
                - {op: copy, from: /a, path: /c}
                - {op: test, path: /spec/replicas, value: 3}
          - patch: {target: Deployment/web, strategic: {spec: {template: {spec: {containers:
              [{name: web, image: nginx:1.25}]}}}}}
    """,
    "delete every form": """
        name: x
        steps:
          - delete: pod/web-0
          - delete: {target: deployment/web, propagationPolicy: Foreground}
          - delete: {target: deployment/web, propagationPolicy: Background, namespace: prod}
          - delete: {target: replicaset.apps/web-1, propagationPolicy: Orphan}
          - delete: {kind: Pod, selector: {app: web}}
          - delete: {kind: pods, selector: {matchLabels: {app: web}}, namespace: prod}
          - delete: {target: pod/web-1, gracePeriodSeconds: 0}
    """,
    "scale": "name: x\nsteps:\n  - scale: {target: statefulset/db, replicas: 0, "
             "namespace: data}\n",
    "kubectl with output and error": """
        name: x
        steps:
          - kubectl: get deployment web -o jsonpath={.spec.replicas}
            output: 3
          - kubectl: rollout status deployment/web
            output: |
              deployment "web" successfully rolled out
          - kubectl: delete pod nope
            error: not found
    """,
    "advance": "name: x\nsteps:\n  - advance: 30s\n  - advance: 5m\n  - advance: 1h30m\n"
               "  - advance: 500ms\n  - advance: 1.5h\n",
    "until with within": """
        name: x
        steps:
          - until:
              - kind: Deployment
                metadata: {name: web}
                status: {availableReplicas: 3}
            within: 10m
            name: wait for the rollout
    """,
    "node every form": """
        name: x
        steps:
          - node: {add: {name: node-4, labels: {zone: b}}}
          - node: {add: {apiVersion: v1, kind: Node, metadata: {name: node-5}}}
          - node: {remove: node-1}
          - node: {cordon: node-2}
          - node: {uncordon: node-2}
          - node: {taint: {node: node-3, key: k, value: v, effect: NoExecute}}
          - node: {taint: {node: node-3, key: k, effect: PreferNoSchedule}}
          - node: {condition: {node: node-3, type: Ready, status: "False"}}
          - node: {condition: {node: node-3, type: MemoryPressure, status: Unknown}}
    """,
    "container PODS forms": """
        name: x
        steps:
          - container: {pod: web-0, container: web, exit: 1}
          - container: {selector: {app: web}, container: web, exit: 0}
          - container: {selector: {app: web}, node: node-1, namespace: prod, container: web,
                        exit: 137}
    """,
    "probe": """
        name: x
        steps:
          - probe: {pod: web-0, container: web, probe: readiness, result: failure}
          - probe: {pod: web-0, container: web, probe: liveness, result: failure, times: 3,
                    output: "HTTP probe failed with statuscode: 500"}
          - probe: {selector: {app: web}, node: node-2, container: web, probe: startup,
                    result: success}
    """,
    "pods rules and phase": """
        name: x
        steps:
          - pods: {selector: {app: web}, ready: false}
          - pods: {selector: {app: web}, ready: true, start: false}
          - pods: {pod: web-0, stopDelay: 20s}
          - pods: {pod: web-0, namespace: prod, start: true}
          - pods: {selector: {app: web}, node: node-1, phase: Failed, reason: Evicted}
          - pods: {pod: job-x, phase: Succeeded}
    """,
    "expect step and step flags": """
        name: x
        steps:
          - expect:
              - kind: Pod
                metadata: {name: web-0}
          - name: only check
            expect: []
          - scale: {target: deployment/web, replicas: 5}
            settle: false
            expect:
              - {kind: ReplicaSet, metadata: {labels: {app: web}}, count: 1}
          - scale: {target: deployment/nope, replicas: 1}
            error: not found
    """,
    "every expectation kind": """
        name: x
        expect:
          - kind: Deployment
            metadata: {name: web, namespace: default}
            status: {availableReplicas: 3, conditions: [{type: Available, status: "True"}]}
          - kind: Pod
            metadata: {name: web-*}
          - kind: Pod
            metadata: {labels: {app: web}}
            count: 3
          - kind: Pod
            metadata: {labels: {app: web}}
            all: true
            status: {phase: Running}
          - kind: Pod
            status: {phase: Pending}
          - absent: pod/web-3
          - absent: {kind: Pod, metadata: {labels: {app: old}}}
          - absent: {kind: Pod, metadata: {name: web-3, namespace: prod}}
          - events:
              - {reason: ScalingReplicaSet, type: Normal}
              - reason: Killing
                message: {$regex: "^Stopping container"}
                involvedObject: {kind: Pod, name: web-0}
          - kubectl: get pods
            output: |
              NAME    READY
          - kubectl: get pods
            output_contains: web-0
          - kubectl: get pod nope
            error: NotFound
          - kubectl: get ns
          - files: {pod: web-0, container: web, path: /etc/config/mode, content: fast}
          - files: {pod: web-0, container: web, path: /etc/none, content: null}
          - dns: {name: web-0.nginx.default.svc.cluster.local, pod: web-0}
          - dns: {name: nginx.default.svc.cluster.local, pods: [web-0, web-1]}
          - dns: {name: web.default.svc.cluster.local, addresses: [10.96.0.10]}
          - dns: {name: nope.default.svc.cluster.local, resolves: false}
          - dns: {name: _web._tcp.nginx.default.svc.cluster.local, type: SRV, port: 80,
                  targets: [web-0.nginx.default.svc.cluster.local]}
    """,
    "matchers and null and empty list": """
        name: x
        expect:
          - kind: Pod
            metadata:
              name: {$regex: "^web-"}
              labels: {app: {$glob: "w*"}}
            spec:
              containers:
                - name: web
                  volumeMounts:
                    - name: {$glob: "kube-api-access-*"}
                      mountPath: /var/run/secrets/kubernetes.io/serviceaccount
            status:
              podIP: {$any: true}
              containerStatuses: {$len: 1}
              hostIP: null
              initContainerStatuses: []
          - kind: Deployment
            metadata: {name: web}
            status: {readyReplicas: {$gte: 2}, unavailableReplicas: {$lte: 1}}
          - kind: Pod
            metadata: {labels: {app: web}}
            count: 0
    """,
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_forms_are_accepted(text):
    assert messages(text) == []


def test_contract_forms_also_validate_with_bare_jsonschema():
    # the schema alone (as an editor sees it) accepts the same documents
    for text in VALID.values():
        doc = load_text(textwrap.dedent(text)).documents[0]
        assert list(get_validator().iter_errors(doc.data)) == [], text


# -- refusals: where, which path, what was expected ---------------------------------------------
INVALID = [
    ("brief example: wrong type", """
        name: x
        steps:
          - advance: 5s
          - advance: 5s
          - scale: {target: deployment/web, replicas: three}
     """, "6:47", "$.steps[2].scale.replicas", 'expected an integer, got "three"'),
    ("unknown top-level key", "name: x\nstpes: []\n", "2:1", "$.stpes",
     'unknown key "stpes" (did you mean "steps"?)'),
    ("missing name", "steps: []\n", "1:1", "$", 'missing required key "name"'),
    ("empty name", 'name: ""\n', "1:7", "$.name", "expected non-empty text"),
    ("name not text", "name: [a]\n", "1:7", "$.name", "expected a string, got a list"),
    ("number as name hints at quotes", "name: 1.10\n", "1:7", "$.name",
     'expected a string, got 1.1 (write it in quotes: "1.10")'),
    ("unknown cluster key", "name: x\ncluster: {node: 3}\n", "2:11", "$.cluster.node",
     'unknown key "node" (did you mean "nodes"?)'),
    ("nodes text", "name: x\ncluster: {nodes: three}\n", "2:18", "$.cluster.nodes",
     'expected a number of nodes or a list of nodes, got "three"'),
    ("negative nodes", "name: x\ncluster: {nodes: -1}\n", "2:18", "$.cluster.nodes",
     "expected an integer of at least 0, got -1"),
    ("shorthand without name", "name: x\ncluster:\n  nodes: [{labels: {a: b}}]\n", "3:11",
     "$.cluster.nodes[0]", 'missing required key "name"'),
    ("shorthand typo", "name: x\ncluster:\n  nodes: [{name: a, taint: []}]\n", "3:21",
     "$.cluster.nodes[0].taint", 'unknown key "taint" (did you mean "taints"?)'),
    ("taint effect", "name: x\ncluster:\n  nodes: [{name: a, taints: [{key: k, effect: "
     "NoSchedul}]}]\n", "3:47", "$.cluster.nodes[0].taints[0].effect",
     'expected NoSchedule, PreferNoSchedule or NoExecute, got "NoSchedul" '
     '(did you mean "NoSchedule"?)'),
    ("Node manifest of another kind", "name: x\ncluster:\n  nodes: [{apiVersion: v1, kind: "
     "Nod, metadata: {name: a}}]\n", "3:34", "$.cluster.nodes[0].kind",
     'expected "Node", got "Nod"'),
    ("duplicate node names", "name: x\ncluster:\n  nodes: [{name: a}, {name: a}]\n",
     "3:22", "$.cluster.nodes[1]", 'node "a" is already listed at $.cluster.nodes[0]'),
    ("start not RFC 3339", 'name: x\ncluster: {start: "2026-01-01"}\n', "2:18",
     "$.cluster.start", 'expected an RFC 3339 time such as 2026-01-01T00:00:00Z, got '
                       '"2026-01-01"'),
    ("start impossible date", 'name: x\ncluster: {start: "2026-13-01T00:00:00Z"}\n', "2:18",
     "$.cluster.start", "not a valid time"),
    ("version text", 'name: x\ncluster: {kubernetesVersion: latest}\n', "2:30",
     "$.cluster.kubernetesVersion", 'expected a version such as "1.19", got "latest"'),
    ("version number without minor", 'name: x\ncluster: {kubernetesVersion: 1}\n', "2:30",
     "$.cluster.kubernetesVersion", 'expected a version such as "1.19", got 1'),
    ("seed text", "name: x\ncluster: {seed: abc}\n", "2:17", "$.cluster.seed",
     'expected an integer, got "abc"'),
    ("mark with space", 'name: x\nmarks: ["two words"]\n', "2:9", "$.marks[0]",
     'expected a mark name such as slow, got "two words"'),
    ("given item not a manifest", "name: x\ngiven:\n  - {apiVersion: v1, kind: ConfigMap}\n",
     "3:5", "$.given[0]", 'missing required key "metadata"'),
    ("manifest without name", "name: x\ngiven:\n  - {apiVersion: v1, kind: ConfigMap, "
     "metadata: {labels: {a: b}}}\n", "3:39", "$.given[0].metadata",
     "a manifest needs metadata.name (or metadata.generateName)"),
    ("label value not text", "name: x\ngiven:\n  - {apiVersion: v1, kind: ConfigMap, "
     "metadata: {name: a, labels: {tier: 1}}}\n", "3:74", "$.given[0].metadata.labels.tier",
     'expected a string, got 1 (write it in quotes: "1")'),
    ("file reference with an extra key", "name: x\ngiven:\n  - {file: a.yaml, namespace: b}\n",
     "3:20", "$.given[0].namespace", 'unknown key "namespace"; expected one of: file'),
    ("step not a mapping", 'name: x\nsteps: ["advance 5m"]\n', "2:9", "$.steps[0]",
     'expected a step: a mapping with one action key'),
    ("step without action", "name: x\nsteps:\n  - {name: nothing}\n", "3:5", "$.steps[0]",
     "a step needs an action: one of apply, create, patch, delete, scale, kubectl, advance, "
     "until, node, container, probe, pods (or expect alone)"),
    ("step with two actions", "name: x\nsteps:\n  - {advance: 5s, scale: {target: a/b, "
     "replicas: 1}}\n", "3:5", "$.steps[0]", 'a step takes exactly one action; this one has '
     '"scale" and "advance" (split it into 2 steps)'),
    ("misspelled action", "name: x\nsteps:\n  - {sacle: {target: a/b, replicas: 1}}\n",
     "3:6", "$.steps[0].sacle", 'unknown step key "sacle" (did you mean "scale"?)'),
    ("misspelled step flag", "name: x\nsteps:\n  - {advance: 5s, setle: false}\n", "3:19",
     "$.steps[0].setle", 'unknown key "setle" (did you mean "settle"?)'),
    ("within without until", "name: x\nsteps:\n  - {advance: 5s, within: 5m}\n", "3:19",
     "$.steps[0].within", "`within` goes only beside `until`"),
    ("within on a step without action", "name: x\nsteps:\n  - {within: 5m}\n", "3:6",
     "$.steps[0].within", "`within` goes only beside `until`"),
    ("output on a non-kubectl step", "name: x\nsteps:\n  - {advance: 5s, output: x}\n",
     "3:19", "$.steps[0].output", "`output` is only for `kubectl` steps"),
    ("settle on an expect step", "name: x\nsteps:\n  - {expect: [], settle: false}\n",
     "3:18", "$.steps[0].settle", "an expect step has no action to settle"),
    ("settle not boolean", "name: x\nsteps:\n  - {advance: 5s, settle: later}\n", "3:27",
     "$.steps[0].settle", 'expected true or false, got "later"'),
    ("duration without unit", "name: x\nsteps:\n  - advance: 30\n", "3:14",
     "$.steps[0].advance", "expected a duration such as 30s, 5m or 1h30m, got 30"),
    ("duration in words", "name: x\nsteps:\n  - advance: 5 minutes\n", "3:14",
     "$.steps[0].advance", 'expected a duration such as 30s, 5m or 1h30m, got "5 minutes"'),
    ("negative duration", "name: x\nsteps:\n  - advance: -5s\n", "3:14",
     "$.steps[0].advance", "expected a duration"),
    ("within bad", "name: x\nsteps:\n  - {until: [{kind: Pod}], within: soon}\n", "3:36",
     "$.steps[0].within", 'expected a duration such as 30s, 5m or 1h30m, got "soon"'),
    ("until not a list", "name: x\nsteps:\n  - until: {kind: Pod}\n", "3:12",
     "$.steps[0].until", "expected a list, got a mapping"),
    ("until empty", "name: x\nsteps:\n  - until: []\n", "3:12", "$.steps[0].until",
     "expected at least 1 item, got an empty list"),
    ("apply a string", "name: x\nsteps:\n  - apply: deployment.yaml\n", "3:12",
     "$.steps[0].apply", 'expected a file reference {file: PATH}, a Kubernetes manifest '
     '(apiVersion, kind, metadata) or a list of manifests, got "deployment.yaml"'),
    ("apply manifest missing kind", "name: x\nsteps:\n  - apply: {apiVersion: v1, metadata: "
     "{name: a}}\n", "3:5", "$.steps[0].apply", 'missing required key "kind"'),
    ("create list", "name: x\nsteps:\n  - create: []\n", "3:13", "$.steps[0].create",
     "expected a file reference {file: PATH} or a Kubernetes manifest"),
    ("target without kind", "name: x\nsteps:\n  - scale: {target: web, replicas: 1}\n",
     "3:21", "$.steps[0].scale.target", 'expected kind/name or kind.group/name, e.g. '
     'deployment/web, got "web"'),
    ("negative replicas", "name: x\nsteps:\n  - scale: {target: a/b, replicas: -1}\n", "3:36",
     "$.steps[0].scale.replicas", "expected an integer of at least 0, got -1"),
    ("scale without replicas", "name: x\nsteps:\n  - scale: {target: a/b}\n", "3:5",
     "$.steps[0].scale", 'missing required key "replicas"'),
    ("patch without kind of patch", "name: x\nsteps:\n  - patch: {target: a/b}\n", "3:5",
     "$.steps[0].patch", 'needs one of the keys "merge", "json" or "strategic"'),
    ("patch with two kinds", "name: x\nsteps:\n  - patch: {target: a/b, merge: {}, "
     "strategic: {}}\n", "3:5", "$.steps[0].patch",
     'use only one of "merge" and "strategic", not both'),
    ("json patch op", "name: x\nsteps:\n  - patch: {target: a/b, json: [{op: set, path: /a}]}"
     "\n", "3:38", "$.steps[0].patch.json[0].op",
     "expected add, remove, replace, move, copy or test, got \"set\""),
    ("json patch add without value", "name: x\nsteps:\n  - patch: {target: a/b, json: [{op: "
     "add, path: /a}]}\n", "3:33", "$.steps[0].patch.json[0]",
     'missing required key "value"'),
    ("json patch path", "name: x\nsteps:\n  - patch: {target: a/b, json: [{op: remove, "
     "path: spec}]}\n", "3:52", "$.steps[0].patch.json[0].path",
     'expected a JSON pointer such as /spec/replicas, got "spec"'),
    ("propagation policy case", "name: x\nsteps:\n  - delete: {target: a/b, propagationPolicy:"
     " foreground}\n", "3:46", "$.steps[0].delete.propagationPolicy",
     'expected Foreground, Background or Orphan, got "foreground" '
     '(did you mean "Foreground"?)'),
    ("delete selector without kind", "name: x\nsteps:\n  - delete: {selector: {app: web}}\n",
     "3:5", "$.steps[0].delete", 'missing required key "kind"'),
    ("delete by kind without selector", "name: x\nsteps:\n  - delete: {kind: Pod}\n", "3:5",
     "$.steps[0].delete", 'missing required key "selector"'),
    ("delete a bare name", "name: x\nsteps:\n  - delete: web-0\n", "3:13", "$.steps[0].delete",
     'expected kind/name or kind.group/name, e.g. deployment/web, got "web-0"'),
    ("node step two changes", "name: x\nsteps:\n  - node: {cordon: a, uncordon: a}\n", "3:5",
     "$.steps[0].node", "a node step takes exactly one of add, remove, cordon, uncordon, "
                        "taint, condition"),
    ("node step unknown change", "name: x\nsteps:\n  - node: {drain: a}\n", "3:12",
     "$.steps[0].node.drain", 'unknown key "drain" (did you mean "taint"?)'),
    ("condition status unquoted", "name: x\nsteps:\n  - node: {condition: {node: a, type: "
     "Ready, status: True}}\n", "3:54", "$.steps[0].node.condition.status",
     'expected True, False or Unknown, got true (write it in quotes: "True")'),
    ("taint without effect", "name: x\nsteps:\n  - node: {taint: {node: a, key: k}}\n",
     "3:12", "$.steps[0].node.taint", 'missing required key "effect"'),
    ("container step without pods", "name: x\nsteps:\n  - container: {container: web, exit: "
     "1}\n", "3:5", "$.steps[0].container", 'needs one of the keys "pod" or "selector"'),
    ("container step both pod and selector", "name: x\nsteps:\n  - container: {pod: a, "
     "selector: {app: a}, container: web, exit: 1}\n", "3:5", "$.steps[0].container",
     'use only one of "pod" and "selector", not both'),
    ("exit code range", "name: x\nsteps:\n  - container: {pod: a, container: web, exit: 300}"
     "\n", "3:47", "$.steps[0].container.exit", "expected an integer of at most 255, got 300"),
    ("probe kind", "name: x\nsteps:\n  - probe: {pod: a, container: b, probe: readyness, "
     "result: failure}\n", "3:42", "$.steps[0].probe.probe",
     'expected liveness, readiness or startup, got "readyness" (did you mean "readiness"?)'),
    ("probe times zero", "name: x\nsteps:\n  - probe: {pod: a, container: b, probe: liveness,"
     " result: failure, times: 0}\n", "3:76", "$.steps[0].probe.times",
     "expected an integer of at least 1, got 0"),
    ("pods step without rule", "name: x\nsteps:\n  - pods: {pod: a}\n", "3:5",
     "$.steps[0].pods", 'a pods step needs one of "ready", "start", "stopDelay", "phase"'),
    ("pods phase with a rule", "name: x\nsteps:\n  - pods: {pod: a, phase: Failed, ready: "
     "true}\n", "3:5", "$.steps[0].pods", '"phase" ends the pods now: it cannot be combined '
                                          'with "ready", "start" or "stopDelay"'),
    ("pods reason without phase", "name: x\nsteps:\n  - pods: {pod: a, ready: true, reason: x}"
     "\n", "3:33", "$.steps[0].pods.reason", '"reason" needs "phase" beside it'),
    ("pods phase value", "name: x\nsteps:\n  - pods: {pod: a, phase: Running}\n", "3:27",
     "$.steps[0].pods.phase", 'expected Failed or Succeeded, got "Running"'),
    ("pods stopDelay", "name: x\nsteps:\n  - pods: {pod: a, stopDelay: 20}\n", "3:31",
     "$.steps[0].pods.stopDelay", "expected a duration such as 30s, 5m or 1h30m, got 20"),
    ("selector label value", "name: x\nsteps:\n  - pods: {selector: {app: [a]}, ready: true}"
     "\n", "3:28", "$.steps[0].pods.selector.app", "expected a string, got a list"),
    ("kubectl with the word kubectl", "name: x\nsteps:\n  - kubectl: kubectl get pods\n",
     "3:14", "$.steps[0].kubectl", 'write the command without the word "kubectl" '
                                   '("get pods")'),
    ("expectation without kind", "name: x\nexpect:\n  - {metadata: {name: web}}\n", "3:5",
     "$.expect[0]", 'an expectation is a partial object with "kind", or has one of the keys '
                    "absent, events, kubectl, files, dns"),
    ("expectation not a mapping", "name: x\nexpect: [pod/web]\n", "2:10", "$.expect[0]",
     "expected an expectation: a partial object with kind, or a mapping with absent, events,"
     ' kubectl, files or dns, got "pod/web"'),
    ("count and all", "name: x\nexpect:\n  - {kind: Pod, count: 1, all: true}\n", "3:5",
     "$.expect[0]", 'use either "count" or "all", not both'),
    ("count negative", "name: x\nexpect:\n  - {kind: Pod, count: -1}\n", "3:24",
     "$.expect[0].count", "expected an integer of at least 0, got -1"),
    ("absent combined with kind", "name: x\nexpect:\n  - {kind: Pod, absent: pod/a}\n",
     "3:6", "$.expect[0].kind", 'put the object under "absent"'),
    ("events combined with kind", "name: x\nexpect:\n  - {kind: Pod, metadata: {name: a}, "
     "events: [{reason: x}]}\n", "3:6", "$.expect[0].kind",
     '"events" stands alone in its list item: give the object its own item'),
    ("absent target", "name: x\nexpect:\n  - absent: web-3\n", "3:13", "$.expect[0].absent",
     'expected kind/name or kind.group/name, e.g. deployment/web, got "web-3"'),
    ("events not a list", "name: x\nexpect:\n  - events: {reason: Killing}\n", "3:13",
     "$.expect[0].events", "expected a list, got a mapping"),
    ("kubectl expectation typo", "name: x\nexpect:\n  - {kubectl: get pods, outptu: x}\n",
     "3:25", "$.expect[0].outptu", 'unknown key "outptu" (did you mean "output"?)'),
    ("kubectl error with output", "name: x\nexpect:\n  - {kubectl: get pods, error: x, output:"
     " y}\n", "3:25", "$.expect[0].error", '"error" expects the command to fail'),
    ("files without path", "name: x\nexpect:\n  - files: {pod: a, container: b, content: c}"
     "\n", "3:5", "$.expect[0].files", 'missing required key "path"'),
    ("files relative path", "name: x\nexpect:\n  - files: {pod: a, container: b, path: etc/x,"
     " content: c}\n", "3:41", "$.expect[0].files.path",
     'expected an absolute path such as /etc/config/mode, got "etc/x"'),
    ("dns without answer", "name: x\nexpect:\n  - dns: {name: a.b}\n", "3:5",
     "$.expect[0].dns", 'a dns expectation needs one of "pod", "pods", "addresses", '
                        '"resolves", "targets"'),
    ("dns type", "name: x\nexpect:\n  - dns: {name: a, type: MX, resolves: true}\n", "3:26",
     "$.expect[0].dns.type", 'expected A or SRV, got "MX"'),
    ("dns targets without type", "name: x\nexpect:\n  - dns: {name: a, targets: [b]}\n",
     "3:20", "$.expect[0].dns.targets", '"targets" needs "type" beside it'),
    ("unknown matcher", "name: x\nexpect:\n  - {kind: Pod, status: {phase: {$glb: Run*}}}\n",
     "3:34", "$.expect[0].status.phase.$glb",
     'unknown matcher "$glb" (did you mean "$glob"?)'),
    ("matcher argument type", "name: x\nexpect:\n  - {kind: Pod, status: {x: {$gte: two}}}\n",
     "3:36", "$.expect[0].status.x.$gte", 'expected a number, got "two"'),
    ("matcher not alone", "name: x\nexpect:\n  - {kind: Pod, status: {x: {$glob: a, b: 1}}}"
     "\n", "3:30", "$.expect[0].status.x.$glob",
     'a matcher ("$glob") must be the only key of its map'),
    ("regex does not compile", "name: x\nexpect:\n  - {kind: Pod, status: {x: {$regex: "
     "\"(\"}}}\n", "3:38", "$.expect[0].status.x.$regex", "not a valid regular expression"),
    ("$any false", "name: x\nexpect:\n  - {kind: Pod, status: {x: {$any: false}}}\n", "3:36",
     "$.expect[0].status.x.$any", "expected true, got false"),
    ("step expectation deep", "name: x\nsteps:\n  - scale: {target: a/b, replicas: 1}\n"
     "    expect:\n      - {kind: Pod, count: many}\n", "5:28", "$.steps[0].expect[0].count",
     'expected an integer, got "many"'),
]


@pytest.mark.parametrize(("text", "where", "path", "message"),
                         [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_forms_are_refused_precisely(text, where, path, message):
    found = problems(text)
    rendered = [str(e) for e in found]
    line, column = (int(n) for n in where.split(":"))
    matching = [e for e in found if e.path == path]
    assert matching, rendered
    error = matching[0]
    assert (error.line, error.column) == (line, column), rendered
    assert message in error.detail, rendered
    assert str(error).startswith(f"{FILE}:{line}:{column}: at {path}: ")


def test_no_raw_jsonschema_wording_leaks():
    raw = ("is not valid under any of the given schemas", "Additional properties",
           "is a required property", "is not of type", "does not match", "False schema")
    for case in INVALID:
        for error in problems(case[1]):
            assert not any(r in error.detail for r in raw), (case[0], str(error))


def test_all_problems_of_a_document_are_reported_in_file_order():
    found = problems("""
        stpes: []
        cluster: {nodes: x}
        steps:
          - scale: {target: a/b, replicas: x}
    """)
    assert [e.path for e in found] == ["$", "$.stpes", "$.cluster.nodes",
                                       "$.steps[0].scale.replicas"]
    assert [e.line for e in found] == sorted(e.line for e in found)


def test_a_document_that_is_not_a_mapping():
    [error] = problems("- name: x\n")
    assert (error.line, error.column) == (1, 1)
    assert error.detail == "a scenario is a mapping with at least a name, got a list"


def test_syntax_error_is_returned_as_the_problem():
    doc = load_text("name: [x\n", FILE).documents[0]
    [error] = validate_document(doc)
    assert error is doc.error


def test_scenario_names_are_unique_in_a_file():
    docs = load_text("name: a\n---\nname: b\n---\nname: a\n", FILE).documents
    errors = duplicate_name_errors(docs)
    assert list(errors) == [2]
    assert str(errors[2]) == (f'{FILE}:5:7: at $.name: scenario name "a" is already used at '
                              "line 1 of this file; names must be unique in a file")


def test_manifest_from_a_file_is_checked_for_its_shape():
    doc = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n",
                    "m.yaml").documents[0]
    [error] = validate_manifest(doc)
    assert str(error) == ("m.yaml:3:1: at $.metadata: a manifest needs metadata.name "
                          "(or metadata.generateName)")
    items = load_text("apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: "
                      "ConfigMap}\n", "l.yaml").documents[0]
    [error] = validate_manifest(items, ("items", 0))
    assert (error.path, error.line) == ("$.items[0]", 4)
    assert 'missing required key "metadata"' in error.detail


# -- durations: Go's time.ParseDuration table ------------------------------------------------
# Ported from go/src/time/time_test.go `parseDurationTests`: the cases the scenario format
# accepts (with their value in milliseconds), and those it refuses because it reads a
# simpler grammar (a number and a unit h/m/s/ms, no sign, no bare number, nothing finer
# than the clock's millisecond).
GO_PARSE_DURATION_ACCEPTED = [
    ("5s", 5_000), ("30s", 30_000), ("1478s", 1_478_000), ("5.0s", 5_000), ("5.6s", 5_600),
    ("1.0s", 1_000), ("1.00s", 1_000), ("1.004s", 1_004), ("1.0040s", 1_004),
    ("100.00100s", 100_001), ("13ms", 13), ("14s", 14_000), ("15m", 900_000),
    ("16h", 57_600_000), ("3h30m", 12_600_000), ("10.5s4m", 250_500),
    ("39h9m14.425s", 140_954_425), ("0.3333333333333333333h", 1_200_000),
]
GO_PARSE_DURATION_REFUSED = ["0", "-5s", "+5s", "-0", "+0", "5.s", ".5s", "10ns", "11us",
                             "12µs", "12μs", "-2m3.4s", "1h2m3s4ms5us6ns", "52763797000ns"]


@pytest.mark.parametrize(("text", "ms"), GO_PARSE_DURATION_ACCEPTED,
                         ids=[f"parseDurationTests[{t}]" for t, _ in GO_PARSE_DURATION_ACCEPTED])
def test_go_durations_the_format_accepts(text, ms):
    from pytest_k8sflow.scenario.model import parse_scenarios_text

    assert messages(f'name: x\nsteps:\n  - advance: "{text}"\n') == []
    [scenario] = parse_scenarios_text(f'name: x\nsteps:\n  - advance: "{text}"\n')
    assert scenario.steps[0].duration_ms == ms


@pytest.mark.parametrize("text", GO_PARSE_DURATION_REFUSED,
                         ids=[f"parseDurationTests[{t}]" for t in GO_PARSE_DURATION_REFUSED])
def test_go_durations_the_format_refuses(text):
    [error] = problems(f'name: x\nsteps:\n  - advance: "{text}"\n')
    assert error.path == "$.steps[0].advance"
    assert error.detail.startswith("expected a duration such as 30s, 5m or 1h30m")
