"""Image rules: ``latest`` or untagged images."""

from __future__ import annotations

from collections.abc import Iterator

from pytest_k8sflow.lint.model import Finding, LintSet, Manifest, rule
from pytest_k8sflow.lint.pods import WORKLOAD_KINDS, containers, pod_of


def image_tag(image: str) -> str | None:
    """The tag of an image reference; None when it has none. A digest pins the image, so
    ``repo@sha256:...`` counts as tagged (returns the digest)."""
    if "@" in image:
        return image.split("@", 1)[1]
    last = image.rsplit("/", 1)[-1]  # a registry port (host:5000/app) is not a tag
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return None


@rule("latest-tag", "warning",
      "with `latest` or no tag the image that runs changes under you, a rollback cannot go "
      "back to the old code, and imagePullPolicy defaults to Always",
      kinds=(*WORKLOAD_KINDS, "PodTemplate"),
      source="kube-linter latest-tag; kube-score container-image-tag; k/k "
             "pkg/apis/core/v1/defaults.go SetDefaults_Container (Always for :latest or no "
             "tag)", family="images")
def latest_tag(m: Manifest, lint_set: LintSet) -> Iterator[Finding]:
    pod = pod_of(m)
    if pod is None:
        return
    for ref in containers(pod, init=True):
        image = ref.container.get("image")
        if not isinstance(image, str) or not image:
            continue
        tag = image_tag(image)
        if tag is None:
            yield m.finding(latest_tag, (*ref.path, "image"),
                            f'container "{ref.name}": image "{image}" has no tag (it means '
                            "latest)")
        elif tag == "latest":
            yield m.finding(latest_tag, (*ref.path, "image"),
                            f'container "{ref.name}": image "{image}" uses the latest tag')
