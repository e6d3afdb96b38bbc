"""kubectl commands executed against a real simulated Cluster: output and error texts as
kubectl 1.32 prints them (delete.go PrintObj, name printer operations, rollout texts,
describe layout), and what each command writes."""

from __future__ import annotations

import pytest

from pytest_k8sflow.engine.cluster import Cluster, PodRule
from pytest_k8sflow.engine.selectors import EVERYTHING
from pytest_k8sflow.errors import UnsupportedError
from pytest_k8sflow.kubectl.commands_common import api_error_text
from pytest_k8sflow.kubectl.commands_exec import all_container_names, hostname_of
from pytest_k8sflow.kubectl.commands_write import deployment_for, job_from_cronjob
from pytest_k8sflow.kubectl.describe import describe_events, rfc1123z, smart_label
from pytest_k8sflow.kubectl.parser import parse
from pytest_k8sflow.kubectl.run import KubectlReadOnlyError, KubectlResult, run_kubectl


def deployment(name: str = "web", replicas: int = 3, image: str = "nginx:1.24",
               probe: bool = False, **extra) -> dict:
    container: dict = {"name": "web", "image": image}
    if probe:
        container["readinessProbe"] = {"httpGet": {"path": "/", "port": 80},
                                       "initialDelaySeconds": 5, "periodSeconds": 5}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [container]}}, **extra}}


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(nodes=2)
    c.apply(deployment())
    return c


def k(cluster: Cluster, command: str, **kw) -> KubectlResult:
    result = run_kubectl(cluster, command, **kw)
    cluster.settle()
    return result


def test_result_ok():
    assert KubectlResult("", "", 0).ok
    assert not KubectlResult("", "x", 1).ok


# -- parse errors come back as results --------------------------------------------------------


def test_unknown_resource_type(cluster):
    r = k(cluster, "get foo")
    assert (r.stdout, r.stderr, r.exit_code) == (
        "", 'error: the server doesn\'t have a resource type "foo"\n', 1)


def test_unknown_flag_is_kubectls_text(cluster):
    r = k(cluster, "get pods --bogus")
    assert r.stderr == "Error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"
    assert r.exit_code == 1


@pytest.mark.parametrize("command,fragment", [
    ("edit deployment/web", "kubectl edit opens an editor"),
    ("logs web", "kubectl logs is not supported"),
    ("replace -f web.yaml", "use an `apply` step"),
    ("exec web-x -it -- sh", "not supported"),
])
def test_unsupported_commands_raise(cluster, command, fragment):
    with pytest.raises(UnsupportedError, match=fragment):
        run_kubectl(cluster, command)


def test_read_only_refuses_writes(cluster):
    with pytest.raises(KubectlReadOnlyError, match="changes the cluster"):
        run_kubectl(cluster, "scale deployment web --replicas=1", read_only=True)
    assert cluster.get("Deployment", "web")["spec"]["replicas"] == 3


# -- get ----------------------------------------------------------------------------------------


def test_get_table_and_selector(cluster):
    r = k(cluster, "get deploy")
    assert r.stdout == ("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
                        "web    3/3     3            3           0s\n")
    pods = k(cluster, "get pods -l app=web --no-headers")
    assert len(pods.stdout.splitlines()) == 3
    assert all(" Running " in line for line in pods.stdout.splitlines())


def test_get_nothing_found_goes_to_stderr(cluster):
    r = k(cluster, "get pods -l app=none")
    assert (r.stdout, r.stderr, r.exit_code) == ("", "No resources found in default "
                                                 "namespace.\n", 0)
    assert k(cluster, "get pods -A -l app=none").stderr == "No resources found\n"
    assert k(cluster, "get nodes -l x=y").stderr == "No resources found\n"


def test_get_missing_names(cluster):
    r = k(cluster, "get deploy web nope")
    assert r.stdout.startswith("NAME ")
    assert r.stderr == 'Error from server (NotFound): deployments.apps "nope" not found\n'
    assert r.exit_code == 1
    assert k(cluster, "get deploy nope --ignore-not-found").exit_code == 0
    single = k(cluster, "get deploy nope -o yaml")
    assert single.stdout == "" and single.exit_code == 1


def test_get_output_formats(cluster):
    assert k(cluster, "get deploy web -o name").stdout == "deployment.apps/web\n"
    assert k(cluster, "get deploy -o name").stdout == "deployment.apps/web\n"
    assert k(cluster, "get deploy web -o jsonpath={.spec.replicas}").stdout == "3"
    assert k(cluster, "get deploy -o jsonpath={.items[*].metadata.name}").stdout == "web"
    yaml = k(cluster, "get deploy web -o yaml").stdout
    assert yaml.startswith("apiVersion: apps/v1\nkind: Deployment\n")
    listed = k(cluster, "get deploy -o yaml").stdout
    assert listed.startswith("apiVersion: v1\nitems:\n") and "kind: List" in listed
    empty = k(cluster, "get pods -l app=none -o json").stdout
    assert empty == ('{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
                     '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n')
    cc = k(cluster, "get deploy -o custom-columns=NAME:.metadata.name,R:.spec.replicas")
    assert cc.stdout == "NAME   R\nweb    3\n"


def test_get_several_types_and_show_labels(cluster):
    r = k(cluster, "get deploy,rs --show-labels")
    blocks = r.stdout.split("\n\n")
    assert blocks[0].splitlines()[1].startswith("deployment.apps/web ")
    assert blocks[0].rstrip().endswith("app=web")
    assert blocks[1].splitlines()[1].startswith("replicaset.apps/web-")


def test_get_all_namespaces_adds_the_column(cluster):
    r = k(cluster, "get deploy -A")
    assert r.stdout.splitlines()[0].startswith("NAMESPACE   NAME ")


# -- scale, set image, label, annotate ------------------------------------------------------


def test_scale(cluster):
    r = k(cluster, "scale deployment web --replicas=5")
    assert r.stdout == "deployment.apps/web scaled\n"
    assert cluster.get("Deployment", "web")["status"]["readyReplicas"] == 5
    missing = k(cluster, "scale deployment nope --replicas=1")
    assert missing.stderr == 'Error from server (NotFound): deployments.apps "nope" not found\n'
    assert missing.exit_code == 1


def test_scale_invalid_replicas_is_kubectls_text(cluster):
    r = k(cluster, "scale deployment web --replicas=-1")
    assert r.stderr.startswith("error: The --replicas=COUNT flag is required")


def test_scale_a_kind_without_scale_subresource(cluster):
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    r = k(cluster, "scale configmap c --replicas=2")
    assert r.stderr == ("Error from server (NotFound): the server could not find the "
                        "requested resource\n")


def test_set_image_and_record(cluster):
    r = k(cluster, "set image deployment/web web=nginx:1.25 --record")
    assert r.stdout == "deployment.apps/web image updated\n"
    assert r.stderr == ("Flag --record has been deprecated, --record will be removed in the "
                        "future\n")
    dep = cluster.get("Deployment", "web")
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    assert dep["metadata"]["annotations"]["kubernetes.io/change-cause"] == \
        "kubectl set image deployment/web web=nginx:1.25 --record=true"


def test_set_image_without_change_prints_nothing(cluster):
    r = k(cluster, "set image deployment/web web=nginx:1.24")
    assert (r.stdout, r.stderr, r.exit_code) == ("", "", 0)


def test_set_image_unknown_container(cluster):
    r = k(cluster, "set image deployment/web nope=nginx:1.25")
    assert r.stderr == 'error: unable to find container named "nope"\n'
    assert r.exit_code == 1


def test_set_image_star_updates_every_container(cluster):
    k(cluster, "set image deployment/web *=busybox")
    assert cluster.get("Deployment", "web")["spec"]["template"]["spec"]["containers"][0][
        "image"] == "busybox"


def test_label_and_annotate(cluster):
    assert k(cluster, "label deployment web tier=front").stdout == "deployment.apps/web labeled\n"
    r = k(cluster, "label deployment web tier=back")
    assert r.stderr == "error: 'tier' already has a value (front), and --overwrite is false\n"
    assert k(cluster, "label deployment web tier=back --overwrite").stdout == \
        "deployment.apps/web labeled\n"
    assert k(cluster, "label deployment web tier-").stdout == "deployment.apps/web unlabeled\n"
    assert k(cluster, "label deployment web tier-").stdout == \
        "deployment.apps/web not labeled\n"
    assert k(cluster, "annotate deployment web note=hi").stdout == \
        "deployment.apps/web annotated\n"
    assert cluster.get("Deployment", "web")["metadata"]["annotations"]["note"] == "hi"
    assert "tier" not in cluster.get("Deployment", "web")["metadata"]["labels"]


def test_label_pods_by_selector(cluster):
    r = k(cluster, "label pods -l app=web ready=yes")
    assert r.stdout.count(" labeled\n") == 3
    assert all(p["metadata"]["labels"]["ready"] == "yes" for p in cluster.list("Pod"))


# -- cordon / uncordon ------------------------------------------------------------------------


def test_cordon_uncordon(cluster):
    assert k(cluster, "cordon node-1").stdout == "node/node-1 cordoned\n"
    node = cluster.get("Node", "node-1")
    assert node["spec"]["unschedulable"] is True
    assert k(cluster, "cordon node-1").stdout == "node/node-1 already cordoned\n"
    assert k(cluster, "uncordon node-1").stdout == "node/node-1 uncordoned\n"
    assert "unschedulable" not in cluster.get("Node", "node-1")["spec"]
    assert k(cluster, "cordon node-9").stderr == \
        'Error from server (NotFound): nodes "node-9" not found\n'


# -- delete (port of delete.go PrintObj texts) -------------------------------------------------


def test_delete_deployment_cascades(cluster):
    r = k(cluster, "delete deployment web")
    assert r.stdout == 'deployment.apps "web" deleted\n'
    assert cluster.list("ReplicaSet") == [] and cluster.list("Pod") == []


def test_delete_orphan_keeps_the_replicaset(cluster):
    k(cluster, "delete deployment web --cascade=orphan")
    assert len(cluster.list("ReplicaSet")) == 1
    assert cluster.list("ReplicaSet")[0]["metadata"].get("ownerReferences") in (None, [])


def test_delete_force_and_grace_rules(cluster):
    pod = cluster.list("Pod")[0]["metadata"]["name"]
    r = k(cluster, f"delete pod {pod} --force")
    assert r.stdout == f'pod "{pod}" force deleted\n'
    assert r.stderr.startswith("Warning: Immediate deletion does not wait for confirmation")
    bad = k(cluster, "delete pod x --force --grace-period=5")
    assert bad.stderr == ("error: --force and --grace-period greater than 0 cannot be "
                          "specified together\n")


def test_delete_not_found_and_selectors(cluster):
    r = k(cluster, "delete pod nope")
    assert r.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert r.exit_code == 1
    assert k(cluster, "delete pod nope --ignore-not-found").exit_code == 0
    none = k(cluster, "delete pods -l app=none")
    assert (none.stdout, none.exit_code) == ("No resources found\n", 0)
    names = k(cluster, "delete pods -l app=web -o name")
    assert names.stdout.count("pod/web-") == 3


def test_delete_waits_for_pods_that_take_time_to_stop(cluster):
    cluster.pod_rules.rules.append(PodRule(EVERYTHING, None, "default", None,
                                           stop_delay_ms=20_000))
    pod = cluster.list("Pod")[0]["metadata"]["name"]
    start = cluster.now_ms
    k(cluster, f"delete pod {pod}")
    assert cluster.get("Pod", pod) is None
    assert cluster.now_ms - start == 20_000
    pod2 = cluster.list("Pod")[0]["metadata"]["name"]
    k(cluster, f"delete pod {pod2} --wait=false")
    assert cluster.get("Pod", pod2)["metadata"].get("deletionTimestamp")


# -- create ---------------------------------------------------------------------------------------


def test_create_deployment_matches_kubectl_dry_run():
    # kubectl create deployment web --image=nginx:1.25 --replicas=3 --dry-run=client -o yaml
    cmd = parse("create deployment web --image=nginx:1.25 --replicas=3")
    assert deployment_for(cmd) == {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25",
                                                       "resources": {}}]}},
                 "strategy": {}},
        "status": {}}


def test_create_deployment_runs_and_refuses_duplicates(cluster):
    r = k(cluster, "create deployment api --image=busybox --replicas=2")
    assert r.stdout == "deployment.apps/api created\n"
    assert cluster.get("Deployment", "api")["status"]["readyReplicas"] == 2
    again = k(cluster, "create deployment api --image=busybox")
    assert again.stderr == ('Error from server (AlreadyExists): deployments.apps "api" already '
                            "exists\n")


def test_create_job_from_cronjob(cluster):
    cj = cluster.create({"apiVersion": "batch/v1", "kind": "CronJob",
                         "metadata": {"name": "nightly"},
                         "spec": {"schedule": "0 0 * * *", "jobTemplate": {
                             "metadata": {"labels": {"team": "a"},
                                          "annotations": {"x": "y"}},
                             "spec": {"template": {"spec": {
                                 "restartPolicy": "Never",
                                 "containers": [{"name": "c", "image": "busybox"}]}}}}}})
    job = job_from_cronjob(cj, "manual-1")
    assert job["metadata"] == {
        "name": "manual-1", "labels": {"team": "a"},
        "annotations": {"cronjob.kubernetes.io/instantiate": "manual", "x": "y"},
        "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly",
                             "uid": cj["metadata"]["uid"], "controller": True}]}
    r = k(cluster, "create job manual-1 --from=cronjob/nightly")
    assert r.stdout == "job.batch/manual-1 created\n"
    stored = cluster.get("Job", "manual-1")
    assert stored["metadata"]["ownerReferences"][0]["name"] == "nightly"
    assert k(cluster, "create job x --from=cronjob/nope").stderr == \
        'Error from server (NotFound): cronjobs.batch "nope" not found\n'


def test_apply_and_create_from_file(cluster, tmp_path):
    (tmp_path / "api.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n"
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n")
    cluster.base_dir = str(tmp_path)
    assert k(cluster, "apply -f api.yaml").stdout == ("configmap/settings created\n"
                                                      "configmap/other created\n")
    assert k(cluster, "apply -f api.yaml").stdout == ("configmap/settings unchanged\n"
                                                      "configmap/other unchanged\n")
    (tmp_path / "api.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: slow\n")
    assert k(cluster, "apply -f api.yaml").stdout == "configmap/settings configured\n"
    assert cluster.get("ConfigMap", "settings")["data"] == {"mode": "slow"}
    dup = k(cluster, "create -f api.yaml")
    assert dup.stderr == ('Error from server (AlreadyExists): error when creating "api.yaml": '
                          'configmaps "settings" already exists\n')
    assert k(cluster, "apply -f missing.yaml").stderr == \
        'error: the path "missing.yaml" does not exist\n'
    other_ns = k(cluster, "apply -f api.yaml -n other")  # no namespace in the file: -n
    assert other_ns.stderr == ('Error from server (NotFound): error when creating "api.yaml": '
                               'namespaces "other" not found\n')


# -- exec -----------------------------------------------------------------------------------------


@pytest.fixture
def pod_cluster() -> Cluster:
    c = Cluster(nodes=1)
    c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
              "data": {"mode": "fast"}})
    c.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
              "spec": {"enableServiceLinks": False, "containers": [
                  {"name": "a", "image": "busybox",
                   "env": [{"name": "GREETING", "value": "hi $(mode)"}],
                   "envFrom": [{"configMapRef": {"name": "cfg"}}],
                   "volumeMounts": [{"name": "v", "mountPath": "/etc/cfg"}]},
                  {"name": "b", "image": "busybox"}],
                  "volumes": [{"name": "v", "configMap": {"name": "cfg"}}]}})
    return c


def test_exec_env_order(pod_cluster):
    r = k(pod_cluster, "exec p -c a -- env")
    assert r.stdout == ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
                        "HOSTNAME=p\nmode=fast\nGREETING=hi fast\n"
                        # the default/kubernetes Service every cluster has
                        "KUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\n"
                        "KUBERNETES_SERVICE_PORT_HTTPS=443\nKUBERNETES_PORT=tcp://10.96.0.1:443\n"
                        "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443\n"
                        "KUBERNETES_PORT_443_TCP_PROTO=tcp\nKUBERNETES_PORT_443_TCP_PORT=443\n"
                        "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1\nHOME=/root\n")
    assert r.stderr == ""


def test_exec_defaults_to_the_first_container_with_a_notice(pod_cluster):
    r = k(pod_cluster, "exec p -- printenv mode")
    assert r.stdout == "fast\n"
    assert r.stderr == 'Defaulted container "a" out of: a, b\n'
    assert all_container_names(pod_cluster.get("Pod", "p")) == "a, b"


def test_exec_cat(pod_cluster):
    assert k(pod_cluster, "exec p -c a -- cat /etc/cfg/mode").stdout == "fast"
    r = k(pod_cluster, "exec p -c a -- cat /etc/cfg/nope")
    assert r.stderr == ("cat: /etc/cfg/nope: No such file or directory\n"
                        "command terminated with exit code 1\n")
    assert r.exit_code == 1
    assert k(pod_cluster, "exec p -c a -- cat /etc/cfg").stderr.startswith(
        "cat: /etc/cfg: Is a directory\n")


def test_exec_errors(pod_cluster):
    assert k(pod_cluster, "exec nope -- env").stderr == \
        'Error from server (NotFound): pods "nope" not found\n'
    assert k(pod_cluster, "exec p -c zz -- env").stderr == \
        "error: container zz not found in pod p\n"
    with pytest.raises(UnsupportedError, match="only env, printenv and cat"):
        run_kubectl(pod_cluster, "exec p -c a -- ls /")


def test_exec_in_a_container_that_does_not_run(pod_cluster):
    pod_cluster.pod_rules.rules.append(PodRule(EVERYTHING, None, "default", None,
                                               start=False))
    pod_cluster.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"},
                        "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    assert k(pod_cluster, "exec q -- env").stderr == \
        'error: unable to upgrade connection: container not found ("c")\n'


def test_hostname():
    assert hostname_of({"metadata": {"name": "p"}, "spec": {"hostname": "h"}}) == "h"
    assert hostname_of({"metadata": {"name": "x" * 70}, "spec": {}}) == "x" * 63


# -- rollout: deployments -------------------------------------------------------------------------


def test_rollout_status_watches_on_the_simulated_clock():
    c = Cluster(nodes=2)
    c.apply(deployment(probe=True))
    start = c.now_ms
    r = k(c, "rollout status deployment/web")
    assert r.stdout == ('Waiting for deployment "web" rollout to finish: 0 of 3 updated '
                        'replicas are available...\ndeployment "web" successfully rolled out\n')
    assert c.now_ms - start == 5_000  # the first readiness probe
    k(c, "set image deployment/web web=nginx:1.25")
    now = k(c, "rollout status deployment/web", read_only=True)
    assert now.stdout == ('Waiting for deployment "web" rollout to finish: 1 out of 3 new '
                          'replicas have been updated...\n')
    watched = k(c, "rollout status deployment/web")
    assert watched.stdout.splitlines() == [
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been '
        'updated...',
        'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been '
        'updated...',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending '
        'termination...',
        'deployment "web" successfully rolled out']


def test_rollout_status_timeout_and_progress_deadline():
    c = Cluster(nodes=2)
    c.apply(deployment(probe=True))
    k(c, "rollout status deployment/web")
    k(c, "set image deployment/web web=nginx:1.25")
    r = k(c, "rollout status deployment/web --timeout=3s")
    assert r.stderr == "error: timed out waiting for the condition\n"
    c.pod_rules.rules.append(PodRule(EVERYTHING, None, "default", None, ready=False))
    k(c, "set image deployment/web web=nginx:1.26")
    stuck = k(c, "rollout status deployment/web")
    assert stuck.stderr == 'error: deployment "web" exceeded its progress deadline\n'
    assert stuck.exit_code == 1


def test_rollout_status_errors(cluster):
    assert k(cluster, "rollout status deployment/nope").stderr == \
        'Error from server (NotFound): deployments.apps "nope" not found\n'
    assert k(cluster, "rollout status deployment/web --revision=7").stderr == \
        "error: desired revision (7) is different from the running revision (1)\n"
    rs = cluster.list("ReplicaSet")[0]["metadata"]["name"]
    assert k(cluster, f"rollout status rs/{rs}").stderr == \
        "error: no status viewer has been implemented for ReplicaSet.apps\n"


def test_rollout_history_and_undo(cluster):
    k(cluster, "set image deployment/web web=nginx:1.25 --record")
    k(cluster, "set image deployment/web web=nginx:1.26")
    assert k(cluster, "rollout history deployment/web").stdout == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n"
        "2         kubectl set image deployment/web web=nginx:1.25 --record=true\n"
        "3         kubectl set image deployment/web web=nginx:1.25 --record=true\n\n")
    assert k(cluster, "rollout undo deployment/web --to-revision=2").stdout == \
        "deployment.apps/web rolled back\n"
    image = k(cluster, "get deploy web -o jsonpath={.spec.template.spec.containers[0].image}")
    assert image.stdout == "nginx:1.25"
    # revision 2 became 4
    history = k(cluster, "rollout history deployment/web").stdout
    assert history.splitlines()[2:] == ["1         <none>",
                                        "3         kubectl set image deployment/web "
                                        "web=nginx:1.25 --record=true",
                                        "4         kubectl set image deployment/web "
                                        "web=nginx:1.25 --record=true", ""]
    assert k(cluster, "rollout undo deployment/web --to-revision=4").stdout == (
        "deployment.apps/web skipped rollback (current template already matches revision 4)\n")
    assert k(cluster, "rollout undo deployment/web --to-revision=9").stderr == \
        "error: unable to find specified revision 9 in history\n"
    revision = k(cluster, "rollout history deployment/web --revision=1").stdout
    assert revision.startswith("deployment.apps/web with revision #1\nPod Template:\n")
    assert "nginx:1.24" in revision


def test_rollout_undo_without_history(cluster):
    assert k(cluster, "rollout undo deployment/web").stderr == \
        'error: no rollout history found for deployment "web"\n'


def test_rollout_pause_resume_restart(cluster):
    assert k(cluster, "rollout pause deployment/web").stdout == "deployment.apps/web paused\n"
    assert k(cluster, "rollout pause deployment/web").stderr == \
        'error: deployments.apps "web" is already paused\n'
    assert k(cluster, "rollout undo deployment/web").stderr == (
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl "
        "rollout resume deployment/web' and try again\n")
    assert k(cluster, "rollout restart deployment/web").stderr == (
        "error: deployments.apps \"web\" can't restart paused deployment (run rollout resume "
        "first)\n")
    assert k(cluster, "rollout resume deployment/web").stdout == \
        "deployment.apps/web resumed\n"
    assert k(cluster, "rollout resume deployment/web").stderr == \
        'error: deployments.apps "web" is not paused\n'
    assert k(cluster, "rollout restart deployment/web").stdout == \
        "deployment.apps/web restarted\n"
    template = cluster.get("Deployment", "web")["spec"]["template"]
    assert template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] == \
        "2026-01-01T00:00:00Z"
    again = k(cluster, "rollout restart deployment/web")
    assert again.stderr.startswith("error: failed to create patch for web: if restart has "
                                   "already been triggered within the past second")


# -- rollout: ControllerRevision history (hand-made, Kubernetes' format) --------------------------


def _controller_cluster(kind: str) -> tuple[Cluster, dict]:
    # no controllers: the ControllerRevisions are exactly the ones written here
    c = Cluster(nodes=1, components=[])
    spec: dict = {"selector": {"matchLabels": {"app": "db"}},
                  "template": {"metadata": {"labels": {"app": "db"}},
                               "spec": {"containers": [{"name": "db", "image": "pg:16"}]}}}
    if kind == "StatefulSet":
        spec.update(replicas=1, serviceName="db")
    obj = c.api.create({"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "db"},
                        "spec": spec}, "test")
    for rev, image, cause in ((1, "pg:15", None), (2, "pg:16", "bump to 16")):
        meta: dict = {"name": f"db-{rev}", "namespace": "default", "labels": {"app": "db"},
                      "ownerReferences": [{"apiVersion": "apps/v1", "kind": kind, "name": "db",
                                           "uid": obj["metadata"]["uid"], "controller": True}]}
        if cause:
            meta["annotations"] = {"kubernetes.io/change-cause": cause}
        c.api.create({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
                      "revision": rev,
                      "data": {"spec": {"template": {
                          "metadata": {"labels": {"app": "db"}},
                          "spec": {"containers": [{"name": "db", "image": image}]},
                          "$patch": "replace"}}}}, "test")
    return c, obj


@pytest.mark.parametrize("kind,qualified", [("StatefulSet", "statefulset.apps"),
                                            ("DaemonSet", "daemonset.apps")])
def test_controller_revision_history_and_undo(kind, qualified):
    c, _ = _controller_cluster(kind)
    short = "sts" if kind == "StatefulSet" else "ds"
    r = run_kubectl(c, f"rollout history {short}/db")
    assert r.stdout == (f"{qualified}/db \nREVISION  CHANGE-CAUSE\n1         <none>\n"
                        "2         bump to 16\n\n")
    assert run_kubectl(c, f"rollout undo {short}/db --to-revision=2").stdout == \
        f"{qualified}/db skipped rollback (current template already matches revision 2)\n"
    assert run_kubectl(c, f"rollout undo {short}/db").stdout == f"{qualified}/db rolled back\n"
    assert c.get(kind, "db")["spec"]["template"]["spec"]["containers"][0]["image"] == "pg:15"
    assert run_kubectl(c, f"rollout undo {short}/db --to-revision=5").stderr == \
        "error: unable to find specified revision 5 in history\n"
    detail = run_kubectl(c, f"rollout history {short}/db --revision=1").stdout
    assert detail.startswith(f"{qualified}/db with revision #1\nPod Template:\n")
    assert "pg:15" in detail


def test_controller_undo_needs_two_revisions():
    c, obj = _controller_cluster("StatefulSet")
    c.api.delete("ControllerRevision", "default", "db-1", "test")
    assert run_kubectl(c, "rollout undo sts/db").stderr == \
        "error: no last revision to roll back to\n"


def test_pause_is_for_deployments_only():
    c, _ = _controller_cluster("DaemonSet")
    assert run_kubectl(c, "rollout pause ds/db").stderr == \
        'error: daemonsets.apps "db" pausing is not supported\n'


# -- describe -------------------------------------------------------------------------------------


def test_describe_deployment(cluster):
    r = k(cluster, "describe deployment web")
    rs = cluster.list("ReplicaSet")[0]["metadata"]["name"]
    lines = r.stdout.splitlines()
    assert lines[:10] == [
        "Name:                   web",
        "Namespace:              default",
        "CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000",
        "Labels:                 app=web",
        "Annotations:            deployment.kubernetes.io/revision: 1",
        "Selector:               app=web",
        "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable",
        "StrategyType:           RollingUpdate",
        "MinReadySeconds:        0",
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge"]
    assert "OldReplicaSets:  <none>" in lines
    assert f"NewReplicaSet:   {rs} (3/3 replicas created)" in lines
    assert lines[-3:] == [
        "  Type    Reason             Age   From                   Message",
        "  ----    ------             ----  ----                   -------",
        f"  Normal  ScalingReplicaSet  0s    deployment-controller  Scaled up replica set {rs} "
        "to 3"]


def test_describe_pod_sections(cluster):
    pod = cluster.list("Pod")[0]
    name = pod["metadata"]["name"]
    text = k(cluster, f"describe pod {name}").stdout
    for fragment in (f"Name:             {name}\n", "Status:           Running\n",
                     "Controlled By:  ReplicaSet/", "    State:          Running\n",
                     "    Ready:          True\n", "QoS Class:                   BestEffort\n",
                     "  Normal  Scheduled  0s    default-scheduler  Successfully assigned "
                     f"default/{name} to "):
        assert fragment in text


def test_describe_prefix_match_and_not_found(cluster):
    text = k(cluster, "describe pod web-").stdout
    assert text.count("Name:             web-") == 3
    # describe.go: "\n\n" before every further object, after its final newline
    assert text.count("\n\n\nName:") == 2
    assert k(cluster, "describe pod nope").stderr == \
        'Error from server (NotFound): pods "nope" not found\n'


def test_describe_configmap_and_generic(cluster):
    cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                    "data": {"mode": "fast"}})
    assert k(cluster, "describe cm cfg").stdout == (
        "Name:         cfg\nNamespace:    default\nLabels:       <none>\n"
        # kubectl >= 1.31 writes a blank line after each value (k/k PR #123597)
        "Annotations:  <none>\n\nData\n====\nmode:\n----\nfast\n\n\nBinaryData\n====\n\n"
        "Events:  <none>\n")
    # NamespaceDescriber: no Events section, quota and limit range summaries
    assert k(cluster, "describe namespace default").stdout == (
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\n"
        "No LimitRange resource.\n")


def test_describe_secret_has_no_events(cluster):
    cluster.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                    "stringData": {"password": "abc"}})
    text = k(cluster, "describe secret s").stdout
    assert text.endswith("Type:  Opaque\n\nData\n====\npassword:  3 bytes\n")


def test_describe_helpers():
    assert rfc1123z("2026-01-01T00:00:00Z") == "Thu, 01 Jan 2026 00:00:00 +0000"
    assert smart_label("apiVersion") == "API Version"
    assert smart_label("podIP") == "Pod IP"
    assert smart_label("x.y") == "x.y"
    assert describe_events([], 0) == "Events:  <none>\n"
    event = {"type": "Warning", "reason": "BackOff", "count": 3,
             "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:01:00Z",
             "source": {"component": "kubelet"}, "message": " Back-off \n"}
    now = 1767225720000  # 2026-01-01T00:02:00Z
    assert describe_events([event], now) == (
        "Events:\n  Type     Reason   Age               From     Message\n"
        "  ----     ------   ----              ----     -------\n"
        "  Warning  BackOff  60s (x3 over 2m)  kubelet  Back-off\n")


def test_invalid_error_text():
    from pytest_k8sflow.engine.apierrors import invalid

    one = invalid("Deployment", "apps", "web", ["spec.replicas: Invalid value: -1: must be "
                                                "greater than or equal to 0"])
    assert api_error_text(one) == ('The Deployment "web" is invalid: spec.replicas: Invalid '
                                   'value: -1: must be greater than or equal to 0')
    two = invalid("Pod", "", "p", ["spec.a: Required value", "spec.b: Required value"])
    assert api_error_text(two) == ('The Pod "p" is invalid: \n* spec.a: Required value\n'
                                   '* spec.b: Required value')


# -- describers added in the kubectl audit (describe.go; texts checked against the source) -----


def _storage_cluster() -> Cluster:
    c = Cluster(nodes=1)
    c.create({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
              "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                       "hostPath": {"path": "/data"}, "storageClassName": "manual"}})
    c.create({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
              "metadata": {"name": "data", "namespace": "default"},
              "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
                       "resources": {"requests": {"storage": "1Gi"}}}})
    c.settle()
    return c


def test_describe_pvc_and_pv():
    c = _storage_cluster()
    pvc = k(c, "describe pvc data").stdout
    # printPersistentVolumeClaim order: class, status, volume, labels, annotations,
    # finalizers, capacity, modes, volume mode; then Used By
    keys = [line.split(":")[0] for line in pvc.splitlines() if line and line[0] != " "]
    assert keys == ["Name", "Namespace", "StorageClass", "Status", "Volume", "Labels",
                    "Annotations", "Finalizers", "Capacity", "Access Modes", "VolumeMode",
                    "Used By", "Events"]
    assert "Capacity:      1Gi\nAccess Modes:  RWO\n" in pvc
    pv = k(c, "describe pv pv1").stdout
    assert "Claim:           default/data\nReclaim Policy:  Retain\n" in pv
    assert "Node Affinity:   <none>\nMessage:         \nSource:\n" in pv
    assert "    Type:          HostPath (bare host directory volume)\n" \
           "    Path:          /data\n    HostPathType:  \n" not in pv  # <none> for no type
    assert "    HostPathType:  <none>\nEvents:            <none>\n" in pv


def test_describe_service_lists_ready_endpoints_per_port(cluster):
    cluster.create({"apiVersion": "v1", "kind": "Service",
                    "metadata": {"name": "web", "namespace": "default"},
                    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    cluster.settle()
    cluster.advance("10s")
    text = k(cluster, "describe svc web").stdout
    keys = [line.split(":")[0] for line in text.splitlines()]
    assert keys == ["Name", "Namespace", "Labels", "Annotations", "Selector", "Type",
                    "IP Family Policy", "IP Families", "IP", "IPs", "Port", "TargetPort",
                    "Endpoints", "Session Affinity", "Internal Traffic Policy", "Events"]
    assert "Port:                     <unset>  80/TCP\nTargetPort:               80/TCP\n" in text


def test_describe_service_account_marks_missing_secrets(cluster):
    cluster.create({"apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": {"name": "bot", "namespace": "default"},
                    "imagePullSecrets": [{"name": "regcred"}]})
    text = k(cluster, "describe sa bot").stdout
    assert "Image pull secrets:  regcred (not found)\nMountable secrets:   <none>\n" \
           "Tokens:              <none>\nEvents:              <none>\n" in text


def test_describe_deployment_lists_scaled_down_old_replicasets(cluster):
    # describeDeployment gets GetAllReplicaSetsInChunks' allOldRSs, 0-replica ones included
    cluster.advance("30s")
    k(cluster, "set image deployment/web web=nginx:1.25")
    cluster.advance("2m")
    text = k(cluster, "describe deployment web").stdout
    old = [line for line in text.splitlines() if line.startswith("OldReplicaSets:")]
    assert len(old) == 1 and old[0].endswith("(0/0 replicas created)")


def test_describe_node_sorts_taints_and_shows_the_lease(cluster):
    node = cluster.get("Node", "node-1")
    cluster.update({**node, "spec": {**node["spec"], "taints": [
        {"key": "b", "effect": "NoSchedule"}, {"key": "a", "value": "1", "effect": "NoExecute"}]}})
    cluster.settle()
    text = k(cluster, "describe node node-1").stdout
    # printTaintsMultilineWithIndent sorts by "effect,key"
    assert "Taints:             a=1:NoExecute\n                    b:NoSchedule\n" in text
    assert "Lease:\n  HolderIdentity:  node-1\n  AcquireTime:     <unset>\n" in text
