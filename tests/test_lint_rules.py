"""Every lint rule fires on a manifest that breaks it and stays quiet on one that does not.

The upstream validation cases that the API-server rules follow are ported as parametrized
cases named after the k/k test entry (pkg/apis/apps/validation/validation_test.go
TestValidateDeployment error cases; pkg/apis/batch/validation/validation_test.go
TestValidateJob / TestValidateCronJob error cases).
"""

from __future__ import annotations

import textwrap

import pytest

from pytest_k8sflow.lint.api import lint_text, lint_texts
from pytest_k8sflow.lint.config import LintConfig
from pytest_k8sflow.lint.model import all_rules


def lint(text: str, **kwargs):
    return lint_text(textwrap.dedent(text), "m.yaml", LintConfig(), **kwargs)


def rules_of(text: str, **kwargs) -> list[str]:
    return [f.rule for f in lint(text, **kwargs).findings]


def findings_of(rule: str, text: str, **kwargs):
    return [f for f in lint(text, **kwargs).findings if f.rule == rule]


# A workload that every rule is happy with (kept in sync with docs/linting.md).
GOOD_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
      - name: web
        image: nginx:1.25.3
        ports:
        - {name: http, containerPort: 8080}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 200m, memory: 128Mi}
        readinessProbe:
          httpGet: {path: /ready, port: http}
        livenessProbe:
          httpGet: {path: /live, port: http}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {port: 80, targetPort: http}
"""


def test_a_good_deployment_and_service_have_no_finding_at_all():
    assert lint(GOOD_DEPLOYMENT).findings == []


def _deployment(**changes: str) -> str:
    text = GOOD_DEPLOYMENT
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


# (rule, bad manifest, good manifest): the rule fires on the first, not on the second.
CASES: dict[str, tuple[str, str]] = {
    "schema-unknown-field": (
        _deployment(**{"image: nginx:1.25.3": "image: nginx:1.25.3\n        imagePullPolice: x"}),
        GOOD_DEPLOYMENT),
    "schema-type": (_deployment(**{"replicas: 2": 'replicas: "2"'}), GOOD_DEPLOYMENT),
    "schema-required": (_deployment(**{"- name: web\n": "- \n"}), GOOD_DEPLOYMENT),
    "schema-invalid": (_deployment(**{"image: nginx:1.25.3": "image: nginx:1.25.3\n"
                                      "        imagePullPolicy: always"}),
                       _deployment(**{"image: nginx:1.25.3": "image: nginx:1.25.3\n"
                                      "        imagePullPolicy: Always"})),
    "api-version": ("apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n",
                    GOOD_DEPLOYMENT),
    "removed-api": ("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n",
                    GOOD_DEPLOYMENT),
    "unknown-kind": ("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
                     GOOD_DEPLOYMENT),
    "manifest-identity": ("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
                          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"),
    "duplicate-object": ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, "
                         "namespace: other}\n"),
    "selector-mismatch": (_deployment(**{"labels: {app: web}": "labels: {app: webapp}"}),
                          GOOD_DEPLOYMENT),
    "restart-policy": (_deployment(**{"securityContext: {runAsNonRoot: true}":
                                      "securityContext: {runAsNonRoot: true}\n"
                                      "      restartPolicy: OnFailure"}), GOOD_DEPLOYMENT),
    "invalid-rollout": (_deployment(**{"replicas: 2": "replicas: 2\n  strategy:\n"
                                       "    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}"}),
                        _deployment(**{"replicas: 2": "replicas: 2\n  strategy:\n"
                                       "    rollingUpdate: {maxSurge: 0, maxUnavailable: 1}"})),
    "latest-tag": (_deployment(**{"nginx:1.25.3": "nginx:latest"}), GOOD_DEPLOYMENT),
    "missing-requests": (_deployment(**{"requests: {cpu: 100m, memory: 64Mi}":
                                        "requests: {cpu: 100m}",
                                        "limits: {cpu: 200m, memory: 128Mi}":
                                        "limits: {cpu: 200m}"}), GOOD_DEPLOYMENT),
    "no-readiness-probe": (_deployment(**{"        readinessProbe:\n          httpGet: {path: "
                                          "/ready, port: http}\n": ""}), GOOD_DEPLOYMENT),
    "no-liveness-probe": (_deployment(**{"        livenessProbe:\n          httpGet: {path: "
                                         "/live, port: http}\n": ""}), GOOD_DEPLOYMENT),
    "identical-probes": (_deployment(**{"path: /live": "path: /ready"}), GOOD_DEPLOYMENT),
    "probe-port": (_deployment(**{"{path: /live, port: http}": "{path: /live, port: admin}"}),
                   GOOD_DEPLOYMENT),
    "dangling-service": (_deployment(**{"selector: {app: web}\n  ports": "selector: {app: api}"
                                        "\n  ports"}), GOOD_DEPLOYMENT),
    "service-target-port": (_deployment(**{"targetPort: http": "targetPort: web"}),
                            GOOD_DEPLOYMENT),
    "run-as-root": (_deployment(**{"securityContext: {runAsNonRoot: true}":
                                   "securityContext: {}"}), GOOD_DEPLOYMENT),
    "privileged-container": (_deployment(**{"image: nginx:1.25.3": "image: nginx:1.25.3\n"
                                            "        securityContext: {privileged: true}"}),
                             GOOD_DEPLOYMENT),
    "host-network": (_deployment(**{"securityContext: {runAsNonRoot: true}":
                                    "securityContext: {runAsNonRoot: true}\n"
                                    "      hostNetwork: true"}), GOOD_DEPLOYMENT),
    "host-pid": (_deployment(**{"securityContext: {runAsNonRoot: true}":
                                "securityContext: {runAsNonRoot: true}\n"
                                "      hostPID: true"}), GOOD_DEPLOYMENT),
    "host-ipc": (_deployment(**{"securityContext: {runAsNonRoot: true}":
                                "securityContext: {runAsNonRoot: true}\n"
                                "      hostIPC: true"}), GOOD_DEPLOYMENT),
    "host-path": (_deployment(**{"securityContext: {runAsNonRoot: true}":
                                 "securityContext: {runAsNonRoot: true}\n"
                                 "      volumes: [{name: run, hostPath: {path: /var/run}}]"}),
                  _deployment(**{"securityContext: {runAsNonRoot: true}":
                                 "securityContext: {runAsNonRoot: true}\n"
                                 "      volumes: [{name: tmp, emptyDir: {}}]"})),
}


def test_every_rule_with_a_check_has_a_case_here_or_in_its_own_test():
    elsewhere = {"deprecated-api", "yaml-syntax", "scenario-schema", "not-a-manifest",
                 "lint-ignore", "unreadable-file", "internal-error", "orphan-adoption",
                 "daemonset-resources", "pvc-storage-request", "unschedulable",
                 "statefulset-service", "podpreset-conflict", "podpreset-invalid",
                 "cronjob-concurrency", "cronjob-deadline"}
    missing = [r.id for r in all_rules() if r.id not in CASES and r.id not in elsewhere]
    assert missing == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires_on_bad_and_stays_quiet_on_good(rule):
    bad, good = CASES[rule]
    assert rule in rules_of(bad), lint(textwrap.dedent(bad)).findings
    assert rule not in rules_of(good)


# -- positions ----------------------------------------------------------------------------------
def test_unknown_field_points_at_the_key_with_a_suggestion():
    text = _deployment(**{"image: nginx:1.25.3": "image: nginx:1.25.3\n        imagePullPolice: x"})
    [finding] = findings_of("schema-unknown-field", text)
    assert (finding.line, finding.column) == (17, 9)
    assert finding.path == "$.spec.template.spec.containers[0].imagePullPolice"
    assert 'did you mean "imagePullPolicy"' in finding.message
    assert finding.object == "Deployment default/web"


def test_a_boolean_annotation_says_to_quote_it():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n" \
           "    enabled: yes\n"
    [finding] = findings_of("schema-type", text)
    assert finding.message == 'expected a string, got true: quote it ("yes")'
    assert (finding.line, finding.column) == (6, 14)


def test_missing_required_field_names_it_at_its_parent():
    text = _deployment(**{"- name: web\n": "- \n"})
    [finding] = findings_of("schema-required", text)
    assert finding.message == 'missing required field "name" in containers[0]'
    assert finding.path == "$.spec.template.spec.containers[0]"


def test_int_or_string_and_quantity_messages():
    text = _deployment(**{"{path: /live, port: http}": "{path: /live, port: 1.5}",
                          "cpu: 100m": "cpu: [1]"})
    messages = {f.path: f.message for f in findings_of("schema-type", text)}
    assert messages["$.spec.template.spec.containers[0].livenessProbe.httpGet.port"] == \
        "expected a string or an integer, got 1.5"
    assert messages["$.spec.template.spec.containers[0].resources.requests.cpu"] == \
        'expected a quantity such as "500m", "128Mi" or 2, got a list'


# -- selectors: k/k TestValidateDeployment / TestValidateJob / TestValidateCronJob ---------------
@pytest.mark.parametrize("case,manifest,message", [
    ("Deployment: selector does not match template labels",
     _deployment(**{"labels: {app: web}": "labels: {app: other}"}),
     "selector app=web does not match the template labels app=other"),
    ("Deployment: empty selector is invalid for deployment",
     _deployment(**{"matchLabels: {app: web}": "matchLabels: {}"}),
     "an empty selector is invalid for a Deployment"),
    ("StatefulSet: matchExpressions not satisfied", """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          selector:
            matchExpressions: [{key: tier, operator: In, values: [db]}]
          template:
            metadata: {labels: {tier: cache}}
            spec: {containers: [{name: db, image: "postgres:16"}]}
        """, "selector tier=db does not match the template labels tier=cache"),
    ("Job: `selector` not auto-generated", """\
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}
        """, "`selector` not auto-generated"),
    ("Job: manualSelector with mismatching template labels", """\
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          manualSelector: true
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: c}}
            spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}
        """, "selector a=b does not match the template labels a=c"),
    ("CronJob: spec.jobTemplate.spec.selector: `selector` will be auto-generated", """\
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: cj}
        spec:
          schedule: "* * * * *"
          jobTemplate:
            spec:
              selector: {matchLabels: {a: b}}
              template:
                spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}
        """, "`selector` will be auto-generated"),
    ("CronJob: spec.jobTemplate.spec.manualSelector: Unsupported value", """\
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: cj}
        spec:
          schedule: "* * * * *"
          jobTemplate:
            spec:
              manualSelector: true
              template:
                spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}
        """, "manualSelector: true is not allowed"),
])
def test_selector_mismatch_upstream_cases(case, manifest, message):
    found = findings_of("selector-mismatch", manifest)
    assert any(message in f.message for f in found), (case, found)


def test_job_with_generated_selector_and_manual_selector_that_matches_are_fine():
    for manifest in ("""\
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          template:
            spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}
        """, """\
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          manualSelector: true
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b, x: y}}
            spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}
        """):
        assert findings_of("selector-mismatch", manifest) == []


# -- restartPolicy ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind,policy,fires", [
    ("Deployment", "Always", False), ("Deployment", "OnFailure", True),
    ("Deployment", "Never", True), ("DaemonSet", "Never", True),
    ("StatefulSet", "OnFailure", True), ("ReplicaSet", "Never", True),
    ("Job", "Always", True), ("Job", None, True), ("Job", "Never", False),
    ("Job", "OnFailure", False),
])
def test_restart_policy(kind, policy, fires):
    policy_line = f"restartPolicy: {policy}, " if policy else ""
    extra = "  serviceName: s\n" if kind == "StatefulSet" else ""
    selector = "" if kind == "Job" else "  selector: {matchLabels: {a: b}}\n"
    text = (f"apiVersion: {'batch/v1' if kind == 'Job' else 'apps/v1'}\nkind: {kind}\n"
            f"metadata: {{name: x}}\nspec:\n{extra}{selector}  template:\n"
            f"    metadata: {{labels: {{a: b}}}}\n"
            f"    spec: {{{policy_line}containers: [{{name: c, image: 'busybox:1.36'}}]}}\n")
    assert bool(findings_of("restart-policy", text)) is fires


# -- rollout: k/k TestValidateDeployment error cases --------------------------------------------
@pytest.mark.parametrize("case,strategy,message", [
    ("may not be 0 when `maxSurge` is 0",
     "  strategy: {rollingUpdate: {maxSurge: '0%', maxUnavailable: 0}}\n", "may not be 0"),
    ("must not be greater than 100%",
     "  strategy: {rollingUpdate: {maxUnavailable: '110%'}}\n", "greater than 100%"),
    ("may not be specified when strategy `type` is 'Recreate'",
     "  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n", "Recreate"),
    ("progressDeadlineSeconds must be greater than minReadySeconds",
     "  minReadySeconds: 30\n  progressDeadlineSeconds: 30\n", "must be greater than"),
])
def test_invalid_rollout_upstream_cases(case, strategy, message):
    text = _deployment(**{"  replicas: 2\n": "  replicas: 2\n" + strategy})
    found = findings_of("invalid-rollout", text)
    assert any(message in f.message for f in found), (case, found)


@pytest.mark.parametrize("strategy", [
    "  strategy: {rollingUpdate: {maxSurge: 0}}\n",  # maxUnavailable defaults to 25%
    "  strategy: {rollingUpdate: {maxUnavailable: 0}}\n",  # maxSurge defaults to 25%
    "  strategy: {type: Recreate}\n",
    "  minReadySeconds: 10\n  progressDeadlineSeconds: 600\n",
])
def test_valid_rollouts(strategy):
    text = _deployment(**{"  replicas: 2\n": "  replicas: 2\n" + strategy})
    assert findings_of("invalid-rollout", text) == []


def test_daemonset_rolling_update_both_zero():
    text = """\
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: d}
        spec:
          selector: {matchLabels: {a: b}}
          updateStrategy: {rollingUpdate: {maxUnavailable: 0}}
          template:
            metadata: {labels: {a: b}}
            spec: {containers: [{name: c, image: "x:1"}]}
        """
    assert findings_of("invalid-rollout", text)


# -- orphan adoption --------------------------------------------------------------------------
BARE_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: web}}
spec: {containers: [{name: c, image: "busybox:1.36"}]}
"""
REPLICASET = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: "busybox:1.36"}]}
"""


def test_orphan_adoption_of_a_bare_pod_by_a_replicaset():
    found = findings_of("orphan-adoption", REPLICASET + "---\n" + BARE_POD)
    assert len(found) == 1 and "Pod default/debug" in found[0].message


def test_orphan_adoption_of_a_bare_replicaset_by_a_deployment():
    found = findings_of("orphan-adoption", GOOD_DEPLOYMENT + "---\n" + REPLICASET)
    assert any("ReplicaSet default/web" in f.message for f in found)


def test_no_adoption_when_the_pod_has_a_controller_or_other_labels():
    owned = BARE_POD.replace("labels: {app: web}}", "labels: {app: web}, ownerReferences: "
                             "[{apiVersion: v1, kind: X, name: x, uid: u, controller: true}]}")
    other = BARE_POD.replace("{app: web}", "{app: api}")
    for pod in (owned, other):
        assert findings_of("orphan-adoption", REPLICASET + "---\n" + pod) == []


# -- resources ---------------------------------------------------------------------------------
DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent:2.1
        resources:
          requests: {cpu: 50m, memory: 32Mi}
          limits: {cpu: 100m, memory: 64Mi}
"""


def test_daemonset_resources():
    assert findings_of("daemonset-resources", DAEMONSET) == []
    no_limits = DAEMONSET.replace("          limits: {cpu: 100m, memory: 64Mi}\n", "")
    [finding] = findings_of("daemonset-resources", no_limits)
    assert finding.message == 'container "agent" has no limits cpu, limits memory'
    nothing = DAEMONSET.split("        resources:")[0]
    [finding] = findings_of("daemonset-resources", nothing)
    assert "requests cpu" in finding.message and finding.path.endswith("containers[0]")
    # limits alone: requests default to the limits (SetDefaults_Pod)
    limits_only = DAEMONSET.replace("          requests: {cpu: 50m, memory: 32Mi}\n", "")
    assert findings_of("daemonset-resources", limits_only) == []
    # the DaemonSet is not reported twice by missing-requests
    assert findings_of("missing-requests", nothing) == []


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "postgres:16"}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {storage: 1Gi}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
"""


def test_pvc_storage_request():
    assert findings_of("pvc-storage-request", STATEFULSET) == []
    bad = STATEFULSET.replace("        requests: {storage: 1Gi}\n", "        requests: {}\n")
    [finding] = findings_of("pvc-storage-request", bad)
    assert finding.message == 'the volume claim template "data" has no storage request ' \
                              "(resources.requests.storage)"
    claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\n" \
            "spec: {accessModes: [ReadWriteOnce]}\n"
    assert findings_of("pvc-storage-request", claim)


def test_statefulset_service():
    assert findings_of("statefulset-service", STATEFULSET) == []
    not_headless = STATEFULSET.replace("  clusterIP: None\n", "")
    [finding] = findings_of("statefulset-service", not_headless)
    assert "is not headless" in finding.message
    alone = STATEFULSET.split("---")[0]
    [finding] = findings_of("statefulset-service", alone)
    assert finding.message == 'serviceName "db" names no Service among the linted objects ' \
                              "(namespace default)"


NODES = """\
apiVersion: v1
kind: Node
metadata: {name: small, labels: {disk: hdd}}
status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}
---
apiVersion: v1
kind: Node
metadata: {name: tainted}
spec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}
status: {allocatable: {cpu: "16", memory: 64Gi, pods: "110"}}
"""


def _pod(spec: str) -> str:
    return ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
            "  containers: [{name: c, image: 'x:1', resources: {requests: {cpu: '4'}}}]\n"
            + spec)


def test_unschedulable_resources_and_taints():
    [finding] = findings_of("unschedulable", NODES + "---\n" + _pod(""))
    assert finding.message == (
        "its pods fit none of the 2 declared nodes: small: insufficient cpu: requests 4, "
        "allocatable 2 | tainted: untolerated taint dedicated=gpu:NoSchedule")


def test_unschedulable_is_quiet_when_a_node_fits():
    tolerated = _pod("  tolerations: [{key: dedicated, operator: Exists}]\n")
    assert findings_of("unschedulable", NODES + "---\n" + tolerated) == []


def test_unschedulable_node_selector_and_init_containers():
    selector = _pod("  nodeSelector: {disk: ssd}\n  tolerations: [{operator: Exists}]\n")
    [finding] = findings_of("unschedulable", NODES + "---\n" + selector)
    assert "nodeSelector disk=ssd does not match" in finding.message
    # an init container's request counts on its own (max, not sum): 3 cpu fits "small"? no:
    init = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
            "  initContainers: [{name: i, image: 'x:1', resources: {requests: {cpu: '2'}}}]\n"
            "  containers: [{name: c, image: 'x:1', resources: {requests: {cpu: '1'}}}]\n")
    assert findings_of("unschedulable", NODES + "---\n" + init) == []


def test_unschedulable_needs_declared_nodes():
    assert findings_of("unschedulable", _pod("")) == []


def test_unschedulable_limits_default_requests():
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
           "  containers: [{name: c, image: 'x:1', resources: {limits: {memory: 8Gi}}}]\n")
    [finding] = findings_of("unschedulable", NODES.split("---")[0] + "---\n" + pod)
    assert "insufficient memory: requests 8Gi, allocatable 4Gi" in finding.message


# -- PodPresets ---------------------------------------------------------------------------------
PRESETS = """\
apiVersion: settings.k8s.io/v1alpha1
kind: PodPreset
metadata: {name: db-env}
spec:
  selector: {matchLabels: {app: web}}
  env: [{name: DB_HOST, value: db.internal}]
---
apiVersion: settings.k8s.io/v1alpha1
kind: PodPreset
metadata: {name: cache-env}
spec:
  selector: {matchLabels: {app: web}}
  env: [{name: DB_HOST, value: cache.internal}]
"""


def test_podpreset_conflict_between_two_presets():
    [finding] = findings_of("podpreset-conflict", PRESETS + "---\n" + GOOD_DEPLOYMENT)
    assert finding.object == "Deployment default/web"
    assert "PodPresets cache-env, db-env conflict for its pods" in finding.message
    assert "merging env for db-env has a conflict on DB_HOST" in finding.message


def test_podpreset_conflict_with_the_container_env_and_opt_out():
    one = PRESETS.split("---")[0]
    own_env = _deployment(**{"image: nginx:1.25.3": "image: nginx:1.25.3\n"
                             "        env: [{name: DB_HOST, value: localhost}]"})
    assert findings_of("podpreset-conflict", one + "---\n" + own_env)
    excluded = own_env.replace("labels: {app: web}\n    spec:",
                               "labels: {app: web}\n      annotations: "
                               "{podpreset.admission.kubernetes.io/exclude: 'true'}\n    spec:")
    assert findings_of("podpreset-conflict", one + "---\n" + excluded) == []


def test_podpreset_no_conflict_when_they_agree_or_do_not_match():
    one = PRESETS.split("---")[0]
    assert findings_of("podpreset-conflict", one + "---\n" + GOOD_DEPLOYMENT) == []
    other_ns = PRESETS.replace("{name: cache-env}", "{name: cache-env, namespace: other}")
    assert findings_of("podpreset-conflict", other_ns + "---\n" + GOOD_DEPLOYMENT) == []


def test_podpreset_invalid():
    bad = ("apiVersion: settings.k8s.io/v1alpha1\nkind: PodPreset\nmetadata: {name: p}\n"
           "spec:\n  selector: {}\n  volumeMounts: [{name: v, mountPath: /x}]\n")
    [finding] = findings_of("podpreset-invalid", bad)
    assert finding.path == "$.spec.volumeMounts[0].name"
    assert 'Not found: "v"' in finding.message
    empty = "apiVersion: settings.k8s.io/v1alpha1\nkind: PodPreset\nmetadata: {name: p}\n" \
            "spec:\n  selector: {}\n"
    assert any("must specify at least one" in f.message
               for f in findings_of("podpreset-invalid", empty))
    assert findings_of("podpreset-invalid", PRESETS) == []


# -- CronJobs -----------------------------------------------------------------------------------
CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 * * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 300
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, containers: [{name: r, image: "report:3"}]}
"""


def test_cronjob_advice():
    assert findings_of("cronjob-concurrency", CRONJOB) == []
    assert findings_of("cronjob-deadline", CRONJOB) == []
    bare = CRONJOB.replace("  concurrencyPolicy: Forbid\n", "").replace(
        "  startingDeadlineSeconds: 300\n", "")
    assert findings_of("cronjob-concurrency", bare)[0].severity == "info"
    assert findings_of("cronjob-deadline", bare)


# -- readiness severity depends on Services --------------------------------------------------
def test_no_readiness_probe_is_a_warning_only_behind_a_service():
    probe = "        readinessProbe:\n          httpGet: {path: /ready, port: http}\n"
    text = _deployment(**{probe: ""})
    [finding] = findings_of("no-readiness-probe", text)
    assert finding.severity == "warning" and "Service default/web" in finding.message
    alone = text.split("---")[0]
    [finding] = findings_of("no-readiness-probe", alone)
    assert finding.severity == "info"


def test_latest_tag_variants():
    for image, fires in (("nginx", True), ("nginx:latest", True), ("reg:5000/app", True),
                         ("reg:5000/app:1.2", False), ("nginx@sha256:abc", False)):
        text = _deployment(**{"nginx:1.25.3": image})
        assert bool(findings_of("latest-tag", text)) is fires, image


def test_rules_see_objects_across_files():
    deployment, service = GOOD_DEPLOYMENT.split("---\n")
    result = lint_texts([("d.yaml", deployment), ("s.yaml", service)], LintConfig())
    assert result.findings == []
    result = lint_texts([("s.yaml", service)], LintConfig())
    assert [f.rule for f in result.findings] == ["dangling-service"]


def test_every_rule_is_documented_with_an_example():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "linting.md").read_text()
    for rule in all_rules():
        assert f"`{rule.id}`" in text.split("## Rules", 1)[1], rule.id


# -- robustness: odd shapes never crash a rule ---------------------------------------------------
def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@pytest.mark.parametrize("odd", ["text", 7, None, [], {}, [1, "x"], True])
def test_no_rule_crashes_on_odd_values_anywhere(odd):
    import copy
    import json

    from ruamel.yaml import YAML

    docs = list(YAML(typ="safe", pure=True).load_all(GOOD_DEPLOYMENT + "---\n" + STATEFULSET
                                                       + "---\n" + PRESETS + "---\n" + NODES
                                                       + "---\n" + CRONJOB))
    texts = []
    for doc in docs:
        for path in list(_paths(doc))[1:]:
            if path[0] in ("apiVersion", "kind"):
                continue
            broken = copy.deepcopy(doc)
            target = broken
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = odd
            texts.append(json.dumps(broken))
    result = lint_text("\n---\n".join(texts), "odd.yaml", LintConfig())
    crashes = [f for f in result.findings if f.rule == "internal-error"]
    assert crashes == []


def test_a_failing_rule_becomes_a_finding_not_a_traceback(monkeypatch):
    from pytest_k8sflow.lint import model

    def boom(manifest, lint_set):
        raise RuntimeError("bad rule")

    broken = model.Rule(id="boom", severity="warning", why="w", source="s", check=boom)
    monkeypatch.setitem(model._REGISTRY, "boom", broken)
    [finding] = [f for f in lint(GOOD_DEPLOYMENT).findings if f.rule == "internal-error"][:1]
    assert "rule boom failed: RuntimeError: bad rule" in finding.message


# -- k8s.io/api core/v1 toleration_test.go TestTolerationToleratesTaint (all 6 cases) ------------
@pytest.mark.parametrize("case,toleration,taint,tolerated", [
    ("toleration and taint have the same key and effect, and operator is Exists, and taint "
     "has no value, expect tolerated",
     {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "foo", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same key and effect, and operator is Exists, and taint "
     "has some value, expect tolerated",
     {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same effect, toleration has empty key and operator is "
     "Exists, means match all taints, expect tolerated",
     {"key": "", "operator": "Exists", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same key, effect and value, and operator is Equal, "
     "expect tolerated",
     {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
    ("toleration and taint have the same key and effect, but different values, and operator "
     "is Equal, expect not tolerated",
     {"key": "foo", "operator": "Equal", "value": "value1", "effect": "NoSchedule"},
     {"key": "foo", "value": "value2", "effect": "NoSchedule"}, False),
    ("toleration and taint have the same key and value, but different effects, and operator "
     "is Equal, expect not tolerated",
     {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
     {"key": "foo", "value": "bar", "effect": "NoExecute"}, False),
])
def test_toleration_tolerates_taint(case, toleration, taint, tolerated):
    from pytest_k8sflow.lint.pods import tolerates

    assert tolerates([toleration], taint) is tolerated, case


# -- pod requests as the scheduler charges them (component-helpers resource PodRequests) ---------
@pytest.mark.parametrize("case,spec,cpu", [
    ("containers add up", {"containers": [{"resources": {"requests": {"cpu": "1"}}},
                                          {"resources": {"requests": {"cpu": "500m"}}}]},
     "1.5"),
    ("an init container larger than the app counts alone",
     {"initContainers": [{"resources": {"requests": {"cpu": "3"}}}],
      "containers": [{"resources": {"requests": {"cpu": "1"}}}]}, "3"),
    ("a sidecar adds to the app and to later init containers",
     {"initContainers": [{"restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}},
                         {"resources": {"requests": {"cpu": "2"}}}],
      "containers": [{"resources": {"requests": {"cpu": "1"}}}]}, "3"),
    ("limits stand for missing requests", {"containers": [
        {"resources": {"limits": {"cpu": "2"}}}]}, "2"),
    ("overhead is added", {"overhead": {"cpu": "250m"},
                           "containers": [{"resources": {"requests": {"cpu": "1"}}}]}, "1.25"),
])
def test_pod_requests(case, spec, cpu):
    from fractions import Fraction

    from pytest_k8sflow.lint.pods import pod_requests

    assert pod_requests(spec)["cpu"] == Fraction(cpu), case
