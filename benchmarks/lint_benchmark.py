"""Lint 1,000 manifests and print the time; then time the linters a Python user could pick
instead on the same files, and print the ratios.

    python benchmarks/lint_benchmark.py [--count 1000] [--repeat 3] [--checkov PATH]

Measured:
* ``k8sflow lint`` in-process (``lint_paths``: read, schema-validate, every rule), best of
  ``--repeat``; and as a command (``python -m pytest_k8sflow.lint.cli``), with interpreter
  start-up, which is what CI pays;
* the ``kubernetes-validate`` command (installed with this project: strict schemas, the same
  version), on the same files;
* checkov's Kubernetes checks (``checkov -d DIR --framework kubernetes``), when a checkov
  executable is found: ``--checkov PATH``, ``$CHECKOV``, ``checkov`` on PATH, or
  ``/tmp/checkov-venv/bin/checkov``. It is not a dependency of this project; to try it:
  ``python -m venv /tmp/checkov-venv && /tmp/checkov-venv/bin/pip install checkov``.

Wall-clock time is the point here (this is a benchmark, not the engine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  labels: {{app: web-{i}}}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}}}
    spec:
      securityContext: {{runAsNonRoot: true}}
      containers:
      - name: web
        image: nginx:1.25.{patch}
        ports:
        - {{name: http, containerPort: 8080}}
        resources:
          requests: {{cpu: 100m, memory: 64Mi}}
          limits: {{cpu: 200m, memory: 128Mi}}
        readinessProbe:
          httpGet: {{path: /ready, port: http}}
        livenessProbe:
          httpGet: {{path: /live, port: http}}
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
spec:
  selector: {{app: web-{i}}}
  ports:
  - {{port: 80, targetPort: http}}
"""
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-{i}
data:
  mode: fast
  level: "{patch}"
"""
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-{i}
spec:
  serviceName: db-{i}
  replicas: 2
  selector:
    matchLabels: {{app: db-{i}}}
  template:
    metadata:
      labels: {{app: db-{i}}}
    spec:
      containers:
      - name: db
        image: postgres:16.{patch}
        resources:
          requests: {{cpu: 250m, memory: 256Mi}}
  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {{storage: 1Gi}}
"""
KINDS = (DEPLOYMENT, SERVICE, CONFIGMAP, STATEFULSET)


def generate(folder: Path, count: int) -> list[Path]:
    """``count`` manifests, four per file (Deployment, Service, ConfigMap, StatefulSet)."""
    files = []
    made = 0
    index = 0
    while made < count:
        docs = []
        for template in KINDS:
            if made == count:
                break
            docs.append(template.format(i=index, patch=index % 10))
            made += 1
        path = folder / f"app-{index:04d}.yaml"
        path.write_text("---\n".join(docs), encoding="utf-8")
        files.append(path)
        index += 1
    return files


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr


def find_checkov(explicit: str | None) -> str | None:
    for candidate in (explicit, os.environ.get("CHECKOV"), shutil.which("checkov"),
                      "/tmp/checkov-venv/bin/checkov"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="manifests (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="in-process runs (best kept)")
    parser.add_argument("--checkov", help="path of a checkov executable")
    parser.add_argument("--keep", help="write the manifests to this folder and keep them")
    args = parser.parse_args(argv)

    from pytest_k8sflow.lint.api import lint_paths
    from pytest_k8sflow.lint.config import LintConfig

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="k8sflow-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = generate(folder, args.count)
    print(f"{args.count} manifests in {len(files)} files under {folder}")

    best = float("inf")
    result = None
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        result = lint_paths([str(folder)], LintConfig())
        best = min(best, time.perf_counter() - start)
    assert result is not None
    print(f"k8sflow lint (in-process, best of {args.repeat}): {best:.3f} s "
          f"({best / args.count * 1000:.2f} ms per manifest; {len(result.findings)} findings, "
          f"{len(result.manifests)} objects)")

    ours, code, _ = timed([sys.executable, "-m", "pytest_k8sflow.lint.cli", str(folder),
                           "--no-why", "--no-config"], folder)
    print(f"k8sflow lint (command, with start-up): {ours:.3f} s (exit {code})")

    rows = [("k8sflow lint", ours)]
    validate = shutil.which("kubernetes-validate") or str(
        Path(sys.executable).with_name("kubernetes-validate"))
    if Path(validate).is_file():
        seconds, code, _ = timed([validate, "--strict", "--quiet", "-k", "1.32.0",
                                  *map(str, files)], folder)
        print(f"kubernetes-validate --strict (command): {seconds:.3f} s (exit {code})")
        rows.append(("kubernetes-validate", seconds))
    else:
        print("kubernetes-validate: not found")

    checkov = find_checkov(args.checkov)
    if checkov:
        seconds, code, out = timed([checkov, "-d", str(folder), "--framework", "kubernetes",
                                    "--quiet", "--compact", "-o", "json"], folder)
        print(f"checkov --framework kubernetes (command): {seconds:.3f} s (exit {code})")
        rows.append(("checkov", seconds))
    else:
        print("checkov: not installed (python -m venv /tmp/checkov-venv && "
              "/tmp/checkov-venv/bin/pip install checkov)")

    print()
    print(f"{'tool':<22}{'seconds':>10}{'x k8sflow':>12}")
    for name, seconds in rows:
        print(f"{name:<22}{seconds:>10.3f}{seconds / ours:>12.1f}")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
