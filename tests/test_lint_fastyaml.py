"""The libyaml fast path reads manifests exactly as the scenario loader does (data, positions,
document boundaries), and hands everything it is not sure about to the loader."""

from __future__ import annotations

import pytest

from pytest_k8sflow.lint import fastyaml
from pytest_k8sflow.scenario.loader import load_text

pytestmark = pytest.mark.skipif(not fastyaml.available(), reason="PyYAML without libyaml")

CORPUS = {
    "deployment": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 100m, memory: 64Mi}
""",
    "flow and nesting": "a: 1\nb:\n- x\n- {k: v}\nc:\n  d: [1, 2]\n",
    "block scalars": "a: |\n  echo hi\n  exit 0\nb: >\n  a\n  b\n\nc: |+\n  x\n\nd: >-\n"
                     "  folded\n  text\ne: |2\n    indented\n",
    "quoting": "q: 'it''s'\ndq: \"a\\tb\"\nk: '1'\nl: \"2\"\n\"a b\": 1\n'c': 2\n",
    "empties": "k:\n  -\n  - a\n  - \nempty:\nf: 1.5\ng: -3\nh: +4\ni: 1.0\nu: {}\nv: []\n"
               "w: {x: }\n",
    "documents": "# head\n---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n...\n---\nc: 3\n",
    "crlf": "a: 1\r\nb:\r\n  c: d\r\n",
    "multi-line scalars": "a: this is\n  a multi line\n  plain\nb: \"dq\n  multi\"\nc: 'sq\n\n"
                          "  para'\n",
    "unicode": "a: héllo ✓\nb: \"\\u00e9\"\n",
    "colons": "a: 'x: y'\nb: http://example.com:80/path\nc: x:y\n",
    "flow over lines": "a: [1,\n  2, 3]\nb: {x: 1,\n  y: [a, b]}\n",
    "comments in lists": "a:\n  # c\n  - 1 # x\n  # d\n  - 2\n",
    "nulls and bools": "a: null\nb: Null\nc: NULL\nd: ~\ne:\nf: true\ng: False\n",
    "big int": "a: 123456789012345678901234567890\n",
    "indentless sequences": "a:\n- b\n- c: d\n  e: f\n",
    "marker with content": "--- {a: 1}\n--- # c\nb: 2\n",
    "bom": "\ufeffa: 1\n",
    # left to the loader: must still come out the same
    "yes is a boolean": "a: yes\nn: 1\n",
    "octal": "a: 0644\n",
    "exponent": "a: 1e3\n",
    "anchors": "a: &x 1\nb: *x\n",
    "merge key": "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "duplicate keys": "a: 1\na: 2\n",
    "tagged": "a: !!str 3\nb: !custom x\n",
    "tab": "a:\tb\n",
    "not a mapping": "- a\n- b\n",
    "scalar document": "just text\n",
    "syntax error": "a: [\n",
    "directive": "%YAML 1.2\n---\na: yes\n",
    "complex key": "? a\n: 1\n",
    "timestamps stay text": "z: 2026-01-01\nt: 12:30\n",
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_same_documents_as_the_loader(name):
    text = CORPUS[name]
    slow = load_text(text, "f.yaml")
    fast = fastyaml.load_text_fast(text, "f.yaml")
    assert len(slow.documents) == len(fast.documents)
    for a, b in zip(slow.documents, fast.documents, strict=True):
        assert (a.index, a.start_line, a.text) == (b.index, b.start_line, b.text)
        assert a.data == b.data
        assert a.values == b.values
        assert a.keys == b.keys
        assert (a.error is None) == (b.error is None)
        if a.error is not None:
            assert a.error.render() == b.error.render()
        assert a.empty == b.empty


def test_the_fast_path_is_taken_for_plain_manifests():
    fast = fastyaml.load_text_fast(CORPUS["deployment"], "f.yaml")
    assert type(fast.documents[0].node) is dict  # not a ruamel CommentedMap


def test_types_match_exactly():
    fast = fastyaml.load_text_fast("a: 1\nb: 1.5\nc: true\nd: '1'\ne:\n", "f.yaml")
    data = fast.documents[0].data
    assert [type(data[k]) for k in "abcde"] == [int, float, bool, str, type(None)]
