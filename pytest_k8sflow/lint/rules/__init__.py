"""The built-in lint rules, one module per family. Importing this package registers them all,
in this order (which is the order of ``k8sflow lint --list-rules`` and of docs/linting.md)."""

# ruff: noqa: I001, F401  (the import order is the registration order)
from pytest_k8sflow.lint import schema  # schema-*, api-version, removed-api, ...
from pytest_k8sflow.lint.rules import files
from pytest_k8sflow.lint.rules import workloads
from pytest_k8sflow.lint.rules import resources
from pytest_k8sflow.lint.rules import probes
from pytest_k8sflow.lint.rules import images
from pytest_k8sflow.lint.rules import services
from pytest_k8sflow.lint.rules import podpresets
from pytest_k8sflow.lint.rules import security
from pytest_k8sflow.lint.rules import cronjobs
