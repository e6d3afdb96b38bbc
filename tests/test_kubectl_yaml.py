"""-o yaml / json / jsonpath / custom-columns / name: byte-for-byte against kubectl 1.32.

The goldens below were produced by the real kubectl; the optional live test at the end
re-checks the emitters against a kubectl binary when one is on PATH.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess

import pytest

from pytest_k8sflow.kubectl.jsonpath import (
    JSONPathError,
    execute,
    print_custom_columns,
    print_jsonpath,
    relaxed_jsonpath,
)
from pytest_k8sflow.kubectl.printers import name_line, name_lines
from pytest_k8sflow.kubectl.yamlout import (
    go_format_float_g,
    go_json_float,
    list_object,
    print_each_yaml,
    print_objects,
    to_json,
    to_yaml,
    yaml_sorted_keys,
)

# Captured from kubectl v1.32.4
# (`kubectl annotate --local -f obj.json zz=1 -o yaml|json|jsonpath=...`,
# and `kubectl get` against a local fake apiserver for -o custom-columns). Regenerate by hand only.

YAML_OBJ = {'apiVersion': 'v1',
 'kind': 'ConfigMap',
 'metadata': {'name': 'x', 'labels': {'app': 'web'}, 'annotations': {'zz': '1'}},
 'data': {'k00': 'a very long string that goes on and on and on and on and on and on and on '
                 'and on and past eighty',
          'k01': 'yes',
          'k02': '80',
          'k03': '*',
          'k04': '',
          'k05': '- x',
          'k06': 'a: b',
          'k07': '#x',
          'k08': 'x #y',
          'k09': 'multi\nline',
          'k10': 'trail\n',
          'k11': '2020-01-01T00:00:00Z',
          'k12': '1.5',
          'k13': '0x1F',
          'k14': '1e3',
          'k15': '~',
          'k16': 'null',
          'k17': 'on',
          'k18': '1:20',
          'k19': ' lead',
          'k20': 'trail ',
          'k21': 'é',
          'k22': '<none>',
          'k23': 'a&b',
          'k24': 'two\n\n',
          'k25': '\nlead',
          'k26': 'x \ny',
          'k27': 'tab\there',
          'k28': 'emoji 😀',
          'k29': "quote'here",
          'k30': 'dq"here',
          'k31': 'back\\slash',
          'k32': ':x',
          'k33': '-x',
          'k34': '--- x',
          'k35': '@x',
          'k36': 'x, y',
          'k37': 'Yes',
          'k38': '0',
          'k39': '-1',
          'k40': '012',
          'k41': '09',
          'k42': '.5',
          'k43': '1_000',
          'k44': '2020-1-2',
          'k45': 'v1.2',
          'k46': '<<',
          'k47': 'word word word word word word word word word word word word word word word '
                 'word word word word word word word word word word word word word word word ',
          'k48': 'nbsp\xa0x',
          'k49': '1\xa0'},
 'extra': {'nums': [1, -2, 1.5, 0.1, 123456789012, True, False, None],
           'keys': {'a': 1,
                    'b10': 1,
                    'b9': 1,
                    'B': 1,
                    '_x': 1,
                    'Z': 1,
                    '1': 1,
                    '10': 1,
                    '2': 1,
                    'a-b': 1,
                    'ab': 1,
                    'x0': 1,
                    'x01': 1,
                    'x1': 1,
                    'node-10': 1,
                    'node-2': 1},
           'empty': {},
           'emptyl': [],
           'nested': [[1, [2, {}]], {'a': [], 'b': {'c': 'd'}}],
           'deep': {'l': [{'m': {'n': ['o',
                                       {'p': 'long value long value long value long value long '
                                             'value long value long value long value long '
                                             'value long value long value long value '}]}}]}}}

YAML_GOLDEN = ('apiVersion: v1\n'
 'data:\n'
 '  k00: a very long string that goes on and on and on and on and on and on and on and\n'
 '    on and past eighty\n'
 '  k01: "yes"\n'
 '  k02: "80"\n'
 "  k03: '*'\n"
 '  k04: ""\n'
 "  k05: '- x'\n"
 "  k06: 'a: b'\n"
 "  k07: '#x'\n"
 "  k08: 'x #y'\n"
 '  k09: |-\n'
 '    multi\n'
 '    line\n'
 '  k10: |\n'
 '    trail\n'
 '  k11: "2020-01-01T00:00:00Z"\n'
 '  k12: "1.5"\n'
 '  k13: "0x1F"\n'
 '  k14: "1e3"\n'
 '  k15: "~"\n'
 '  k16: "null"\n'
 '  k17: "on"\n'
 '  k18: "1:20"\n'
 "  k19: ' lead'\n"
 "  k20: 'trail '\n"
 '  k21: é\n'
 '  k22: <none>\n'
 '  k23: a&b\n'
 '  k24: |+\n'
 '    two\n'
 '\n'
 '  k25: |2-\n'
 '\n'
 '    lead\n'
 '  k26: "x \\ny"\n'
 '  k27: "tab\\there"\n'
 '  k28: "emoji \\U0001F600"\n'
 "  k29: quote'here\n"
 '  k30: dq"here\n'
 '  k31: back\\slash\n'
 '  k32: :x\n'
 '  k33: -x\n'
 "  k34: '--- x'\n"
 "  k35: '@x'\n"
 '  k36: x, y\n'
 '  k37: "Yes"\n'
 '  k38: "0"\n'
 '  k39: "-1"\n'
 '  k40: "012"\n'
 '  k41: "09"\n'
 '  k42: ".5"\n'
 '  k43: "1_000"\n'
 '  k44: "2020-1-2"\n'
 '  k45: v1.2\n'
 '  k46: <<\n'
 "  k47: 'word word word word word word word word word word word word word word word\n"
 "    word word word word word word word word word word word word word word word '\n"
 '  k48: nbsp\xa0x\n'
 '  k49: 1\xa0\n'
 'extra:\n'
 '  deep:\n'
 '    l:\n'
 '    - m:\n'
 '        "n":\n'
 '        - o\n'
 "        - p: 'long value long value long value long value long value long value long\n"
 "            value long value long value long value long value long value '\n"
 '  empty: {}\n'
 '  emptyl: []\n'
 '  keys:\n'
 '    _x: 1\n'
 '    "1": 1\n'
 '    "2": 1\n'
 '    "10": 1\n'
 '    B: 1\n'
 '    Z: 1\n'
 '    a: 1\n'
 '    a-b: 1\n'
 '    ab: 1\n'
 '    b9: 1\n'
 '    b10: 1\n'
 '    node-2: 1\n'
 '    node-10: 1\n'
 '    x0: 1\n'
 '    x1: 1\n'
 '    x01: 1\n'
 '  nested:\n'
 '  - - 1\n'
 '    - - 2\n'
 '      - {}\n'
 '  - a: []\n'
 '    b:\n'
 '      c: d\n'
 '  nums:\n'
 '  - 1\n'
 '  - -2\n'
 '  - 1.5\n'
 '  - 0.1\n'
 '  - 123456789012\n'
 '  - true\n'
 '  - false\n'
 '  - null\n'
 'kind: ConfigMap\n'
 'metadata:\n'
 '  annotations:\n'
 '    zz: "1"\n'
 '  labels:\n'
 '    app: web\n'
 '  name: x\n')

JSON_GOLDEN = ('{\n'
 '    "apiVersion": "v1",\n'
 '    "data": {\n'
 '        "k00": "a very long string that goes on and on and on and on and on and on and on '
 'and on and past eighty",\n'
 '        "k01": "yes",\n'
 '        "k02": "80",\n'
 '        "k03": "*",\n'
 '        "k04": "",\n'
 '        "k05": "- x",\n'
 '        "k06": "a: b",\n'
 '        "k07": "#x",\n'
 '        "k08": "x #y",\n'
 '        "k09": "multi\\nline",\n'
 '        "k10": "trail\\n",\n'
 '        "k11": "2020-01-01T00:00:00Z",\n'
 '        "k12": "1.5",\n'
 '        "k13": "0x1F",\n'
 '        "k14": "1e3",\n'
 '        "k15": "~",\n'
 '        "k16": "null",\n'
 '        "k17": "on",\n'
 '        "k18": "1:20",\n'
 '        "k19": " lead",\n'
 '        "k20": "trail ",\n'
 '        "k21": "é",\n'
 '        "k22": "\\u003cnone\\u003e",\n'
 '        "k23": "a\\u0026b",\n'
 '        "k24": "two\\n\\n",\n'
 '        "k25": "\\nlead",\n'
 '        "k26": "x \\ny",\n'
 '        "k27": "tab\\there",\n'
 '        "k28": "emoji 😀",\n'
 '        "k29": "quote\'here",\n'
 '        "k30": "dq\\"here",\n'
 '        "k31": "back\\\\slash",\n'
 '        "k32": ":x",\n'
 '        "k33": "-x",\n'
 '        "k34": "--- x",\n'
 '        "k35": "@x",\n'
 '        "k36": "x, y",\n'
 '        "k37": "Yes",\n'
 '        "k38": "0",\n'
 '        "k39": "-1",\n'
 '        "k40": "012",\n'
 '        "k41": "09",\n'
 '        "k42": ".5",\n'
 '        "k43": "1_000",\n'
 '        "k44": "2020-1-2",\n'
 '        "k45": "v1.2",\n'
 '        "k46": "\\u003c\\u003c",\n'
 '        "k47": "word word word word word word word word word word word word word word word '
 'word word word word word word word word word word word word word word word ",\n'
 '        "k48": "nbsp\xa0x",\n'
 '        "k49": "1\xa0"\n'
 '    },\n'
 '    "extra": {\n'
 '        "deep": {\n'
 '            "l": [\n'
 '                {\n'
 '                    "m": {\n'
 '                        "n": [\n'
 '                            "o",\n'
 '                            {\n'
 '                                "p": "long value long value long value long value long value '
 'long value long value long value long value long value long value long value "\n'
 '                            }\n'
 '                        ]\n'
 '                    }\n'
 '                }\n'
 '            ]\n'
 '        },\n'
 '        "empty": {},\n'
 '        "emptyl": [],\n'
 '        "keys": {\n'
 '            "1": 1,\n'
 '            "10": 1,\n'
 '            "2": 1,\n'
 '            "B": 1,\n'
 '            "Z": 1,\n'
 '            "_x": 1,\n'
 '            "a": 1,\n'
 '            "a-b": 1,\n'
 '            "ab": 1,\n'
 '            "b10": 1,\n'
 '            "b9": 1,\n'
 '            "node-10": 1,\n'
 '            "node-2": 1,\n'
 '            "x0": 1,\n'
 '            "x01": 1,\n'
 '            "x1": 1\n'
 '        },\n'
 '        "nested": [\n'
 '            [\n'
 '                1,\n'
 '                [\n'
 '                    2,\n'
 '                    {}\n'
 '                ]\n'
 '            ],\n'
 '            {\n'
 '                "a": [],\n'
 '                "b": {\n'
 '                    "c": "d"\n'
 '                }\n'
 '            }\n'
 '        ],\n'
 '        "nums": [\n'
 '            1,\n'
 '            -2,\n'
 '            1.5,\n'
 '            0.1,\n'
 '            123456789012,\n'
 '            true,\n'
 '            false,\n'
 '            null\n'
 '        ]\n'
 '    },\n'
 '    "kind": "ConfigMap",\n'
 '    "metadata": {\n'
 '        "annotations": {\n'
 '            "zz": "1"\n'
 '        },\n'
 '        "labels": {\n'
 '            "app": "web"\n'
 '        },\n'
 '        "name": "x"\n'
 '    }\n'
 '}\n')

JP_OBJ = {'apiVersion': 'apps/v1',
 'kind': 'Deployment',
 'metadata': {'name': 'web',
              'labels': {'app': 'web', 'app.kubernetes.io/name': 'w'},
              'annotations': {'zz': '1'}},
 'spec': {'replicas': 3,
          'paused': False,
          'template': {'spec': {'containers': [{'name': 'a',
                                                'image': 'nginx',
                                                'ports': [{'containerPort': 80}]},
                                               {'name': 'b',
                                                'image': 'redis',
                                                'args': ['x', 'y']}]}},
          'strategy': {'type': 'RollingUpdate',
                       'rollingUpdate': {'maxSurge': '25%', 'maxUnavailable': 1}}},
 'status': {'conditions': [{'type': 'Available', 'status': 'True'},
                           {'type': 'Progressing', 'status': 'False'}],
            'ratio': 0.5,
            'nothing': None,
            'big': 1234567.5}}

JSONPATH_GOLDENS = {'{.metadata.name}': 'web',
 '{.spec.replicas}': '3',
 '{.spec.paused}': 'false',
 '{.metadata.labels}': '{"app":"web","app.kubernetes.io/name":"w"}',
 '{.spec.template.spec.containers[*].name}': 'a b',
 '{.spec.template.spec.containers[0]}': '{"image":"nginx","name":"a","ports":[{"containerPort":80}]}',  # noqa: E501
 '{.spec.template.spec.containers[-1:].image}': 'redis',
 '{.status.conditions[?(@.type=="Available")].status}': 'True',
 '{range .spec.template.spec.containers[*]}{.name}={.image}{"\\n"}{end}': 'a=nginx\nb=redis\n',
 '{.metadata.labels.app\\.kubernetes\\.io/name}': 'w',
 "{.metadata.labels['app.kubernetes.io/name']}": '',
 '{.status.ratio}': '0.5',
 '{.status.nothing}': 'null',
 '{.status.big}': '1.2345675e+06',
 '{.nope}': '',
 'name: {.metadata.name} kind: {.kind}': 'name: web kind: Deployment',
 '{..image}': 'nginx redis',
 "{.spec.template.spec.containers[*]['name','image']}": 'a b nginx redis',
 '{.spec.strategy.rollingUpdate.*}': '25% 1',
 '{.spec.template.spec.containers[?(@.args)].name}': 'b',
 '{$.kind}': 'Deployment',
 '{.spec.template.spec.containers[*].ports[*].containerPort}': '80'}

CC_OBJS = [{'apiVersion': 'apps/v1',
  'kind': 'Deployment',
  'metadata': {'name': 'api',
               'namespace': 'default',
               'labels': {'app': 'api'},
               'creationTimestamp': '2026-01-01T00:00:00Z'},
  'spec': {'replicas': 3,
           'paused': False,
           'template': {'spec': {'containers': [{'name': 'a', 'image': 'nginx'},
                                                {'name': 'b', 'image': 'redis'}]}}},
  'status': {'ratio': 0.5,
             'nothing': None,
             'big': 1234567.5,
             'conditions': [{'type': 'Available', 'status': 'True'}]}},
 {'apiVersion': 'apps/v1',
  'kind': 'Deployment',
  'metadata': {'name': 'web',
               'namespace': 'default',
               'labels': {'app': 'web'},
               'creationTimestamp': '2026-01-01T00:00:00Z'},
  'spec': {'replicas': 3,
           'paused': False,
           'template': {'spec': {'containers': [{'name': 'a', 'image': 'nginx'},
                                                {'name': 'b', 'image': 'redis'}]}}},
  'status': {'ratio': 0.5,
             'nothing': None,
             'big': 1234567.5,
             'conditions': [{'type': 'Available', 'status': 'True'}]}}]

CUSTOM_COLUMNS_GOLDENS = {'NAME:.metadata.name,REPLICAS:.spec.replicas': 'NAME   REPLICAS\napi    3\nweb    3\n',  # noqa: E501
 'N:metadata.name': 'N\napi\nweb\n',
 'N:{.metadata.name}': 'N\napi\nweb\n',
 'C:.spec.template.spec.containers[*].name,L:.metadata.labels,X:.nope': 'C     L              '
                                                                        'X\n'
                                                                        'a,b   map[app:api]   '
                                                                        '<none>\n'
                                                                        'a,b   map[app:web]   '
                                                                        '<none>\n',
 'S:.status.conditions': 'S\n'
                         '[map[status:True type:Available]]\n'
                         '[map[status:True type:Available]]\n',
 'P:.spec.paused,R:.status.ratio,B:.status.big,NIL:.status.nothing': 'P       R     '
                                                                     'B               NIL\n'
                                                                     'false   0.5   '
                                                                     '1.2345675e+06   <nil>\n'
                                                                     'false   0.5   '
                                                                     '1.2345675e+06   <nil>\n'}


def test_yaml_matches_kubectl_for_tricky_strings_keys_and_nesting():
    assert to_yaml(YAML_OBJ) == YAML_GOLDEN


def test_json_matches_kubectl():
    assert to_json(YAML_OBJ) == JSON_GOLDEN


@pytest.mark.parametrize("template", list(JSONPATH_GOLDENS))
def test_jsonpath_matches_kubectl(template):
    assert print_jsonpath(template, JP_OBJ) == JSONPATH_GOLDENS[template]


@pytest.mark.parametrize("spec", list(CUSTOM_COLUMNS_GOLDENS))
def test_custom_columns_match_kubectl(spec):
    assert print_custom_columns(spec, CC_OBJS) == CUSTOM_COLUMNS_GOLDENS[spec]


# -- go-yaml v2 details ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("yes", '"yes"'), ("80", '"80"'), ("*", "'*'"), ("", '""'), ("a: b", "'a: b'"),
    ("2020-01-01T00:00:00Z", '"2020-01-01T00:00:00Z"'), ("1:20", '"1:20"'), ("é", "é"),
    ("<none>", "<none>"), ("0x1F", '"0x1F"'), ("multi\nline", "|-\n  multi\n  line"),
    ("trail\n", "|\n  trail"), ("two\n\n", "|+\n  two\n"), ("tab\there", '"tab\\there"'),
    ("emoji 😀", '"emoji \\U0001F600"'), ("quote'here", "quote'here"), (" lead", "' lead'"),
    ("x \ny", '"x \\ny"'), ("<<", "<<"), ("1\u00a0", "1\u00a0"),
])
def test_yaml_scalar_styles(value, expected):
    # yaml.v2 encode.go stringv + emitterc.go select_scalar_style
    assert to_yaml({"k": value}) == f"k: {expected}\n"


def test_yaml_key_order_is_go_yaml_natural_order():
    # yaml.v2 sorter.go keyList.Less: digit runs compare numerically, letters after others
    keys = ["node-10", "node-2", "b10", "b9", "_x", "Z", "a", "1", "10", "2"]
    assert yaml_sorted_keys(keys) == ["_x", "1", "2", "10", "Z", "a", "b9", "b10", "node-2",
                                      "node-10"]


def test_yaml_long_plain_string_folds_at_column_80():
    text = to_yaml({"data": {"k": "word " * 20 + "end"}})
    # verified with kubectl: the break comes at the first space past column 80
    assert text == ("data:\n  k: word word word word word word word word word word word word "
                    "word word word word\n    word word word word end\n")


def test_sequences_in_mappings_are_not_indented_and_empty_collections_are_flow():
    assert to_yaml({"a": [{"b": 1, "c": [2]}], "d": {}, "e": []}) == \
        "a:\n- b: 1\n  c:\n  - 2\nd: {}\ne: []\n"


@pytest.mark.parametrize("value,g,js", [
    (0.5, "0.5", "0.5"), (1234567.5, "1.2345675e+06", "1234567.5"), (1e-7, "1e-07", "1e-7"),
    (1e21, "1e+21", "1e+21"), (123456.0, "123456", "123456"),
])
def test_go_float_formatting(value, g, js):
    assert go_format_float_g(value) == g
    assert go_json_float(value) == js


def test_json_escapes_html_and_control_characters_like_go():
    assert to_json({"a": "<&>\u2028\x01\b"}) == \
        '{\n    "a": "\\u003c\\u0026\\u003e\\u2028\\u0001\\b"\n}\n'


# -- kubectl get -o yaml/json: object or List -----------------------------------------------------

DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": {"name": "web", "namespace": "default",
                       "managedFields": [{"manager": "kubectl"}]},
          "spec": {"replicas": 1}}


def test_list_wrapper_for_listing_even_a_single_object():
    # get.go printGeneric: anything but one named object is wrapped in a v1 List
    text = print_objects([DEPLOY], "yaml", single_item=False)
    assert text == ("apiVersion: v1\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"
                    "  metadata:\n    name: web\n    namespace: default\n  spec:\n    replicas: 1\n"
                    "kind: List\nmetadata:\n  resourceVersion: \"\"\n")


def test_single_named_object_is_printed_bare_without_managed_fields():
    assert print_objects([DEPLOY], "json", single_item=True) == (
        '{\n    "apiVersion": "apps/v1",\n    "kind": "Deployment",\n    "metadata": {\n'
        '        "name": "web",\n        "namespace": "default"\n    },\n    "spec": {\n'
        '        "replicas": 1\n    }\n}\n')


def test_empty_list():
    assert to_yaml(list_object([])) == \
        'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n'


def test_yaml_printer_separates_documents():
    assert print_each_yaml([{"a": 1}, {"b": 2}]) == "a: 1\n---\nb: 2\n"


# -- name printer (cli-runtime printers/name.go) --------------------------------------------------

@pytest.mark.parametrize("obj,operation,kwargs,expected", [
    (DEPLOY, "scaled", {}, "deployment.apps/web scaled\n"),
    ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}, "deleted", {},
     "pod/x deleted\n"),
    (DEPLOY, "image updated", {}, "deployment.apps/web image updated\n"),
    (DEPLOY, "scaled", {"short": True}, "deployment.apps/web\n"),
    (DEPLOY, "created", {"dry_run": "client"}, "deployment.apps/web created (dry run)\n"),
    (DEPLOY, "created", {"dry_run": "server"},
     "deployment.apps/web created (server dry run)\n"),
    ({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}}, "", {},
     "job.batch/j\n"),
])
def test_name_printer(obj, operation, kwargs, expected):
    assert name_line(obj, operation, **kwargs) == expected


def test_name_printer_over_a_list():
    pods = [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": n}} for n in ("a", "b")]
    assert name_lines(pods, short=True) == "pod/a\npod/b\n"


# -- jsonpath details -----------------------------------------------------------------------------

LIST = {"apiVersion": "v1", "kind": "List", "items": [
    {"metadata": {"name": "a"}, "status": {"phase": "Running"}},
    {"metadata": {"name": "b"}, "status": {"phase": "Pending"}}]}


@pytest.mark.parametrize("template,expected", [
    ("{.items[*].metadata.name}", "a b"),
    ('{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}',
     "a\tRunning\nb\tPending\n"),
    ('{.items[?(@.status.phase=="Pending")].metadata.name}', "b"),
    ("{.items[-1].metadata.name}", "b"),
    ("{.items[0:1].metadata.name}", "a"),
    ("{.items[*].nope}", ""),
    ("{range .items[*]}[{.metadata.name}]{end}", "[a][b]"),
])
def test_jsonpath_on_lists(template, expected):
    assert execute(template, LIST) == expected


@pytest.mark.parametrize("template,error", [
    ("{.items[", "error parsing jsonpath {.items[, unterminated array\n"),
    ("{.items", "error parsing jsonpath {.items, unclosed action\n"),
    ("{end}", 'error executing jsonpath "{end}": Error executing template: not in range, '
              "nothing to end."),
    ("{.items[5]}", 'error executing jsonpath "{.items[5]}": Error executing template: array '
                    "index out of bounds: index 5, length 2."),
])
def test_jsonpath_errors(template, error):
    with pytest.raises(JSONPathError) as exc:
        print_jsonpath(template, LIST)
    assert str(exc.value).startswith(error)


@pytest.mark.parametrize("expression,expected", [
    ("metadata.name", "{.metadata.name}"), (".metadata.name", "{.metadata.name}"),
    ("{metadata.name}", "{.metadata.name}"), ("{.metadata.name}", "{.metadata.name}"),
])
def test_relaxed_jsonpath_expression(expression, expected):
    # kubectl pkg/cmd/get/customcolumn.go RelaxedJSONPathExpression (the forms its doc lists)
    assert relaxed_jsonpath(expression) == expected


def test_relaxed_jsonpath_rejects_nested_braces():
    with pytest.raises(JSONPathError, match="unexpected path string"):
        relaxed_jsonpath("{{.metadata.name}}")


def test_custom_columns_bad_spec_text():
    with pytest.raises(JSONPathError, match="expected <header>:<json-path-expr>"):
        print_custom_columns("bad", [])


# -- live comparison against a local kubectl (skipped without one) --------------------------------

KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="no kubectl binary on PATH")
def test_yaml_and_json_match_a_live_kubectl_on_random_strings(tmp_path):
    rnd = random.Random(1)
    alphabet = list("ab01 :#-?,'\"[]{}&*!|>%@`.~\n\t_=/\\") + \
        ["é", "\u00a0", "yes", "null", "0x", "1e", "2020-01-01", "word "]
    data = {f"k{i:03d}": "".join(rnd.choice(alphabet) for _ in range(rnd.choice([1, 3, 8, 40])))
            for i in range(200)}
    obj = {"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "x", "annotations": {"zz": "1"}}, "data": data}
    path = tmp_path / "obj.json"
    path.write_text(json.dumps(obj))
    env = dict(os.environ, HOME=str(tmp_path))
    for fmt, render in (("yaml", to_yaml), ("json", to_json)):
        real = subprocess.run([KUBECTL, "annotate", "--local", "-f", str(path), "zz=1",
                               "--overwrite", "-o", fmt], capture_output=True, text=True,
                              env=env, check=True).stdout
        assert render(obj) == real
