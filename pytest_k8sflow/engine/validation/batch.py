"""batch/v1 validation: Job (spec, generated selector, update immutability) and CronJob
(schedule, time zone, job template).

Sources: k/k pkg/apis/batch/validation/validation.go.
"""

from __future__ import annotations

from pytest_k8sflow.engine.defaults import (
    JOB_CONTROLLER_UID,
    JOB_NAME,
    LEGACY_JOB_CONTROLLER_UID,
    LEGACY_JOB_NAME,
    generate_job_selector,
)
from pytest_k8sflow.engine.validation.common import (
    GoValue,
    Version,
    _int,
    _map,
    _nonnegative,
    _str,
    child,
    go_label_selector,
    invalid,
    key,
    not_supported,
    required,
)
from pytest_k8sflow.engine.validation.cron import _time_zone_error, cron_schedule_error
from pytest_k8sflow.engine.validation.meta import (
    _selector_matches,
    validate_label_selector,
    validate_object_meta,
    validate_object_meta_update,
)
from pytest_k8sflow.engine.validation.names import is_dns1123_label, name_is_dns_subdomain
from pytest_k8sflow.engine.validation.pod import _validate_pod_template_spec

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
