"""The scenario/manifest YAML loader: documents, positions, kubectl's scalar rules, errors."""

from __future__ import annotations

import math

import pytest
from ruamel.yaml.comments import CommentedMap

from pytest_k8sflow.errors import ScenarioError
from pytest_k8sflow.scenario.loader import (
    dump_document,
    json_path,
    load_file,
    load_manifest_file,
    load_text,
    split_documents,
    to_plain,
)


def one(text: str):
    [doc] = [d for d in load_text(text, "s.k8sflow.yaml").documents if not d.empty]
    assert doc.error is None, doc.error
    return doc


# -- documents ----------------------------------------------------------------------------
def test_one_document_per_scenario_in_order():
    text = "name: a\n---\nname: b\n---\nname: c\n"
    docs = load_text(text, "f.yaml").documents
    assert [d.data for d in docs] == [{"name": "a"}, {"name": "b"}, {"name": "c"}]
    assert [d.index for d in docs] == [0, 1, 2]
    assert [d.start_line for d in docs] == [1, 2, 4]
    assert "".join(d.text for d in docs) == text


def test_leading_comments_and_trailing_marker_make_no_scenario():
    text = "# suite header\n%YAML 1.1\n---\nname: a\n---\n# nothing here\n"
    docs = load_text(text, "f.yaml").documents
    assert [d.data for d in docs if not d.empty] == [{"name": "a"}]
    assert docs[-1].empty
    assert "".join(d.text for d in docs) == text


def test_document_end_marker_starts_a_new_document():
    text = "name: a\n...\nname: b\n"
    assert [d.data for d in load_text(text).documents] == [{"name": "a"}, {"name": "b"}]


def test_marker_at_column_zero_ends_a_block_scalar():
    # YAML 1.2 section 9.1: a document marker line is never content.
    text = "name: a\nscript: |\n  echo hi\n---\nname: b\n"
    docs = load_text(text).documents
    assert docs[0].data == {"name": "a", "script": "echo hi\n"}
    assert docs[1].data == {"name": "b"}


def test_marker_with_content_on_its_line():
    docs = load_text("--- {name: a}\n--- {name: b}\n").documents
    assert [d.data for d in docs] == [{"name": "a"}, {"name": "b"}]


def test_indented_dashes_are_not_markers():
    chunks = split_documents("a: |\n  ---\n  x\nb: 1\n")
    assert len(chunks) == 1


def test_empty_file_has_no_scenarios():
    docs = load_text("", "f.yaml").documents
    assert all(d.empty for d in docs)


def test_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "s.k8sflow.yaml"
    path.write_bytes("\ufeffname: a\n".encode())
    assert load_file(path).documents[0].data == {"name": "a"}


# -- syntax errors ------------------------------------------------------------------------
def test_syntax_error_names_file_line_column_and_problem():
    text = "name: a\nsteps:\n  - scale: {target: web\n"
    doc = load_text(text, "bad.k8sflow.yaml").documents[0]
    err = doc.error
    assert isinstance(err, ScenarioError)
    assert err.file == "bad.k8sflow.yaml"
    assert err.line == 4 and err.column == 1
    assert "invalid YAML" in str(err) and "flow mapping" in str(err)
    assert "Traceback" not in str(err)


def test_syntax_error_in_one_document_leaves_the_others():
    text = "name: a\n---\nname: b\n  bad: indent\n---\nname: c\n"
    docs = load_text(text, "f.yaml").documents
    assert docs[0].data == {"name": "a"} and docs[2].data == {"name": "c"}
    assert docs[1].error is not None
    assert docs[1].error.line == 4
    assert docs[1].error.column == 6
    assert str(docs[1].error).startswith("f.yaml:4:6: invalid YAML: mapping values are not "
                                         "allowed here")


def test_tab_indentation_is_a_syntax_error():
    err = load_text("name: a\nsteps:\n\t- advance: 5s\n", "t.yaml").documents[0].error
    assert (err.line, err.column) == (3, 1)
    assert "'\\t'" in err.detail


def test_duplicate_key_is_an_error_at_the_second_key():
    err = load_text("name: a\nsteps: []\nname: b\n", "d.yaml").documents[0].error
    assert (err.line, err.column) == (3, 1)
    assert 'duplicate key "name"' in err.detail


def test_undefined_alias():
    err = load_text("name: *nope\n", "a.yaml").documents[0].error
    assert "undefined alias" in err.detail and err.line == 1


def test_unreadable_file(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_file(tmp_path / "missing.k8sflow.yaml")
    bad = tmp_path / "latin.k8sflow.yaml"
    bad.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_file(bad)


# -- positions ----------------------------------------------------------------------------
POSITIONS = """\
name: web   # comment
cluster:
  nodes: 3
steps:
  - name: scale up
    scale: {target: deployment/web, replicas: three}
  - advance: 30s
    expect:
      - kind: Pod
        metadata:
          labels: {app: web}
empty:
"""


@pytest.mark.parametrize(("path", "value_pos", "key_pos"), [
    ((), (1, 1), (1, 1)),
    (("name",), (1, 7), (1, 1)),
    (("cluster", "nodes"), (3, 10), (3, 3)),
    (("steps",), (5, 3), (4, 1)),
    (("steps", 0), (5, 5), (5, 5)),
    (("steps", 0, "scale", "replicas"), (6, 47), (6, 37)),
    (("steps", 1, "expect", 0, "metadata", "labels", "app"), (11, 25), (11, 20)),
    (("empty",), (12, 1), (12, 1)),  # an empty value points at its key
])
def test_every_path_maps_to_a_1_based_position(path, value_pos, key_pos):
    doc = one(POSITIONS)
    assert doc.position(path) == value_pos
    assert doc.key_position(path) == key_pos


def test_positions_are_absolute_in_later_documents():
    doc = load_text("name: a\n---\n# c\nname: b\nsteps: [1]\n").documents[1]
    assert doc.position(("name",)) == (4, 7)
    assert doc.position(("steps", 0)) == (5, 9)


def test_unknown_path_falls_back_to_the_nearest_ancestor():
    doc = one(POSITIONS)
    assert doc.position(("steps", 0, "scale", "nope", 3)) == doc.position(("steps", 0, "scale"))
    assert doc.key_position(("steps", 0, "scale", "nope")) == (6, 5)


def test_error_at_builds_a_scenario_error():
    err = one(POSITIONS).error_at(("steps", 0, "scale", "replicas"), 'expected an integer')
    assert str(err) == "s.k8sflow.yaml:6:47: at $.steps[0].scale.replicas: expected an integer"


@pytest.mark.parametrize(("path", "text"), [
    ((), "$"),
    (("steps", 2, "scale", "replicas"), "$.steps[2].scale.replicas"),
    (("metadata", "labels", "app.kubernetes.io/name"),
     '$.metadata.labels["app.kubernetes.io/name"]'),
    (("status", "$gte"), "$.status.$gte"),
    (("a b", 'q"uote'), '$["a b"]["q\\"uote"]'),
])
def test_json_path(path, text):
    assert json_path(path) == text


def test_raw_scalar_gives_the_text_as_written():
    doc = one('v: 1.20\nq: "1.20"\nd: 2026-01-01 10:00:00  # c\nf: {x: 1.10, y: 2}\n')
    assert doc.data["v"] == 1.2
    assert doc.raw_scalar(("v",)) == "1.20"
    assert doc.raw_scalar(("q",)) == "1.20"
    assert doc.raw_scalar(("d",)) == "2026-01-01 10:00:00"
    assert doc.raw_scalar(("f", "x")) == "1.10"
    assert doc.raw_scalar(("missing",)) is None


# -- YAML as kubectl reads it ---------------------------------------------------------------
# Ported from sigs.k8s.io/yaml goyaml.v2/decode_test.go `unmarshalTests` (the cases decoded
# into interface{}, which is what kubectl's YAMLToJSON does), in the upstream order.
GOYAML_V2_UNMARSHAL = [
    ("v: hi", {"v": "hi"}),
    ("v: true", {"v": True}),
    ("v: 10", {"v": 10}),
    ("v: 0b10", {"v": 2}),
    ("v: 0xA", {"v": 10}),
    ("v: 4294967296", {"v": 4294967296}),
    ("v: 0.1", {"v": 0.1}),
    ("v: .1", {"v": 0.1}),
    ("v: .Inf", {"v": math.inf}),
    ("v: -.Inf", {"v": -math.inf}),
    ("v: -10", {"v": -10}),
    ("v: -.1", {"v": -0.1}),
    ("canonical: 6.8523e+5", {"canonical": 6.8523e5}),
    ("expo: 685.230_15e+03", {"expo": 685.23015e03}),
    ("fixed: 685_230.15", {"fixed": 685230.15}),
    ("neginf: -.inf", {"neginf": -math.inf}),
    ("canonical: y", {"canonical": True}),
    ("answer: NO", {"answer": False}),
    ("logical: True", {"logical": True}),
    ("option: on", {"option": True}),
    ("canonical: 685230", {"canonical": 685230}),
    ("decimal: +685_230", {"decimal": 685230}),
    ("octal: 02472256", {"octal": 685230}),
    ("hexa: 0x_0A_74_AE", {"hexa": 685230}),
    ("bin: 0b1010_0111_0100_1010_1110", {"bin": 685230}),
    ("bin: -0b101010", {"bin": -42}),
    ("empty:", {"empty": None}),
    ("canonical: ~", {"canonical": None}),
    ("english: null", {"english": None}),
    ("seq: [A,B]", {"seq": ["A", "B"]}),
    ("seq: [A,1,C]", {"seq": ["A", 1, "C"]}),
    ("seq:\n - A\n - B", {"seq": ["A", "B"]}),
    ("seq:\n - A\n - 1\n - C", {"seq": ["A", 1, "C"]}),
    ("scalar: | # Comment\n\n literal\n\n \ttext\n\n", {"scalar": "\nliteral\n\n\ttext\n"}),
    ("scalar: > # Comment\n\n folded\n line\n \n next\n line\n  * one\n  * two\n\n last\n"
     " line\n\n", {"scalar": "\nfolded line\nnext line\n * one\n * two\n\nlast line\n"}),
    ("a: {b: c}", {"a": {"b": "c"}}),
    ("'1': '\"2\"'", {"1": '"2"'}),
    ("v:\n- A\n- 'B\n\n  C'\n", {"v": ["A", "B\nC"]}),
    ("v: !!float '1.1'", {"v": 1.1}),
    ("v: !!null ''", {"v": None}),
    ("v: ! test", {"v": "test"}),
    ("a: &x 1\nb: &y 2\nc: *x\nd: *y\n", {"a": 1, "b": 2, "c": 1, "d": 2}),
    ("a: &a {c: 1}\nb: *a", {"a": {"c": 1}, "b": {"c": 1}}),
    ("foo: ''", {"foo": ""}),
    ("foo: null", {"foo": None}),
    ("foo: ~", {"foo": None}),
    ("a: -b_c", {"a": "-b_c"}),
    ("a: +b_c", {"a": "+b_c"}),
    ("a: 50cent_of_dollar", {"a": "50cent_of_dollar"}),
    ("a: {b: https://github.com/go-yaml/yaml}", {"a": {"b": "https://github.com/go-yaml/yaml"}}),
    ("a: [https://github.com/go-yaml/yaml]", {"a": ["https://github.com/go-yaml/yaml"]}),
    ("a: <foo>", {"a": "<foo>"}),
    ("a: 1:1\n", {"a": "1:1"}),  # base 60 is "purposefully unsupported"
    ("a: 2015-01-01", {"a": "2015-01-01"}),  # implicit timestamp into interface{}: text
    ('a: "2015-01-01"', {"a": "2015-01-01"}),
    ("a: !!str 2015-01-01", {"a": "2015-01-01"}),
    ("a: 123456e1\n", {"a": 123456e1}),
    ("a: 123456E1\n", {"a": 123456e1}),
    ("First occurrence: &anchor Foo\nSecond occurrence: *anchor\nOverride anchor: &anchor Bar\n"
     "Reuse anchor: *anchor\n", {"First occurrence": "Foo", "Second occurrence": "Foo",
                                 "Override anchor": "Bar", "Reuse anchor": "Bar"}),
    ("a:\n  b\nb:\n  ? a\n  : a", {"a": "b", "b": {"a": "a"}}),
]


@pytest.mark.parametrize(("data", "value"), GOYAML_V2_UNMARSHAL,
                         ids=[f"unmarshalTests[{d!r}]" for d, _ in GOYAML_V2_UNMARSHAL])
def test_goyaml_v2_unmarshal_into_interface(data, value):
    assert one(data).data == value


@pytest.mark.parametrize(("text", "value"), [
    ("mode: 0644", {"mode": 420}),  # defaultMode: 0644 is octal for kubectl
    ("mode: 0o644", {"mode": 420}),
    ("a: yes\nb: No\nc: off\nd: n", {"a": True, "b": False, "c": False, "d": False}),
    ("t: 2026-01-01T00:00:00Z", {"t": "2026-01-01T00:00:00Z"}),
    ("v: 1.20", {"v": 1.2}),
    ('v: "yes"', {"v": "yes"}),
])
def test_kubectl_scalar_rules(text, value):
    assert one(text).data == value


def test_explicit_yaml_1_2_directive_is_honoured():
    assert one("%YAML 1.2\n---\na: yes\nb: 0644\n").data == {"a": "yes", "b": 644}


@pytest.mark.parametrize(("text", "value"), [
    # sigs.k8s.io/yaml yaml.go convertToJSONableObject: non-string keys become text
    ("1: a", {"1": "a"}),
    ("true: a", {"true": "a"}),
    ("y: a", {"true": "a"}),
    ("1.5: a", {"1.5": "a"}),
    ("~: a", {"null": "a"}),
])
def test_non_string_keys_become_text(text, value):
    assert one(text).data == value


def test_merge_keys_and_aliases_become_plain_copies():
    doc = one("base: &b {image: nginx, ports: [80]}\nweb:\n  <<: *b\n  name: web\n")
    assert doc.data["web"] == {"image": "nginx", "ports": [80], "name": "web"}
    assert doc.data["web"]["ports"] is not doc.data["base"]["ports"]
    assert doc.position(("web", "image")) == doc.position(("web",))


def test_recursive_alias_does_not_hang():
    doc = load_text("a: &x [*x]\n", "r.yaml").documents[0]
    assert doc.error is not None or doc.data == {"a": [None]}


def test_plain_data_types():
    doc = one("a: !!binary gIGC\nb: !custom text\nc: 'quoted'\nd: |\n  block\n")
    assert doc.data == {"a": "gIGC", "b": "text", "c": "quoted", "d": "block\n"}
    for value in doc.data.values():
        assert type(value) is str
    assert type(to_plain(doc.node)) is dict


# -- round trip ----------------------------------------------------------------------------
ROUND_TRIP = """\
# suite of scenarios
--- # first
name: rolling update   # the name
steps:
  - name: scale
    scale: {target: deployment/web, replicas: 3}
    expect:
      - kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3     # keep this comment
        mode: 0644
---
name: other
expect:
- kind: Pod
  metadata:
    name: web-0
"""


def test_documents_keep_their_round_trip_tree():
    loaded = load_text(ROUND_TRIP, "r.yaml")
    assert isinstance(loaded.documents[0].node, CommentedMap)
    assert loaded.render() == ROUND_TRIP


def test_rewrite_in_place_keeps_comments_layout_and_other_documents():
    loaded = load_text(ROUND_TRIP, "r.yaml")
    doc = loaded.documents[0]
    doc.node_at(("steps", 0, "expect", 0, "spec"))["replicas"] = 5
    out = loaded.render([0])
    assert out == ROUND_TRIP.replace("replicas: 3     #", "replicas: 5     #")


def test_rewrite_keeps_the_document_sequence_style():
    loaded = load_text(ROUND_TRIP, "r.yaml")
    doc = loaded.documents[1]
    doc.node_at(("expect", 0, "metadata"))["name"] = "web-1"
    assert dump_document(doc) == "---\nname: other\nexpect:\n- kind: Pod\n  metadata:\n" \
                                 "    name: web-1\n"


def test_rewrite_quotes_text_that_kubectl_would_read_as_another_type():
    loaded = load_text("name: a\nexpect:\n  - kind: ConfigMap\n    data: {flag: x}\n")
    loaded.documents[0].node_at(("expect", 0, "data"))["flag"] = "yes"
    out = loaded.render([0])
    assert "flag: 'yes'" in out
    assert load_text(out).documents[0].data["expect"][0]["data"]["flag"] == "yes"


# -- manifest files --------------------------------------------------------------------------
def test_manifest_file_relative_to_the_scenario(tmp_path):
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "web.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n")
    docs = load_manifest_file("manifests/web.yaml",
                              scenario_file=str(tmp_path / "s.k8sflow.yaml"), line=3)
    assert [d.data["metadata"]["name"] for d in docs] == ["a", "b"]
    assert docs[1].file == str(tmp_path / "manifests" / "web.yaml")
    assert docs[1].position(("metadata", "name")) == (7, 18)


def test_missing_manifest_file_names_the_reference_and_the_file(tmp_path):
    scenario = str(tmp_path / "s.k8sflow.yaml")
    with pytest.raises(ScenarioError) as info:
        load_manifest_file("manifests/nope.yaml", scenario_file=scenario, line=7, column=5,
                           path="$.given[0].file")
    err = info.value
    assert (err.file, err.line, err.column, err.path) == (scenario, 7, 5, "$.given[0].file")
    assert 'manifest file "manifests/nope.yaml" not found' in str(err)
    assert str(tmp_path / "manifests" / "nope.yaml") in str(err)


def test_bad_yaml_in_manifest_file_names_both_files(tmp_path):
    (tmp_path / "m.yaml").write_text("apiVersion: v1\nkind: [ConfigMap\n")
    scenario = str(tmp_path / "s.k8sflow.yaml")
    with pytest.raises(ScenarioError) as info:
        load_manifest_file("m.yaml", scenario_file=scenario, line=4, column=5)
    text = str(info.value)
    assert text.startswith(f"{scenario}:4:5: in manifest file {tmp_path / 'm.yaml'}:3:1: "
                           "invalid YAML")


def test_manifest_document_must_be_a_mapping(tmp_path):
    (tmp_path / "m.yaml").write_text("- a\n- b\n")
    with pytest.raises(ScenarioError, match="a manifest must be a mapping .* got a list"):
        load_manifest_file("m.yaml", scenario_file=str(tmp_path / "s.yaml"), line=1)


def test_manifest_reference_to_a_folder(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(ScenarioError, match="is a folder"):
        load_manifest_file("dir", scenario_file=str(tmp_path / "s.yaml"), line=1)
