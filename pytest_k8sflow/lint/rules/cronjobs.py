"""CronJob advice: overlapping runs and missed schedules."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, rule


@rule("cronjob-concurrency", "info",
      "concurrencyPolicy defaults to Allow: when a run lasts longer than the interval, runs "
      "pile up side by side; say Forbid or Replace if they must not overlap",
      kinds=("CronJob",),
      source="k/k pkg/apis/batch/v1/defaults.go SetDefaults_CronJob (Allow); Kubernetes docs "
             "CronJob, Concurrency policy", family="cronjobs")
def cronjob_concurrency(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    spec = m.get(("spec",))
    if isinstance(spec, dict) and "concurrencyPolicy" not in spec:
        yield m.finding(cronjob_concurrency, ("spec",),
                        "no concurrencyPolicy: runs may overlap (Allow)", key=True)


@rule("cronjob-deadline", "info",
      "without startingDeadlineSeconds a schedule missed while the controller was down or "
      "the CronJob suspended still starts a Job however late it is (with a TooManyMissedTimes "
      "warning past 100 misses); a deadline drops runs that are too late",
      kinds=("CronJob",),
      source="k/k pkg/controller/cronjob/utils.go mostRecentScheduleTime and "
             "cronjob_controllerv2.go (v2 still creates the most recent missed run); "
             "kube-score cronjob-has-deadline", family="cronjobs")
def cronjob_deadline(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    spec = m.get(("spec",))
    if isinstance(spec, dict) and "startingDeadlineSeconds" not in spec:
        yield m.finding(cronjob_deadline, ("spec",), "no startingDeadlineSeconds", key=True)
