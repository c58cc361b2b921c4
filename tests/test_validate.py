"""pipeline.validate, the check of the shipped schema that review and report run on a labelled
output they read back: it agrees with jsonschema, the reference, on real outputs and on each
way of breaking them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from conftest import SEED

from pipeline import validate
from pipeline.output import _make_strict, load_schema, validator
from pipeline.stages import classify

# Values of every JSON type and the edges of the schema's ranges, put in place of each field.
VALUES: list[Any] = [None, True, False, 0, -1, 1, 2, 0.5, 1.5, 2.0, -0.0, 10**30, "", "x",
                     "1.9", "2.0", "seed:3", "2026-01-01T00:00:00Z", "0" * 64, "body",
                     "heading", [], ["x"], [""], [1], ["a", "a"], ["a", "b"], {}, {"a": 1},
                     {"a": 0.5, "b": 0.5}, {"a": "x", "b": 1}, {"a": 2, "b": 0}]


@pytest.fixture(scope="module")
def outputs(trained, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list[dict]]:
    """The seed labelled, cut to its first body paragraph and first heading (jsonschema is
    slow), with a skipped file; and its jsonl lines."""
    config, bundle = trained
    tmp = tmp_path_factory.mktemp("validate")
    classify([SEED], bundle, tmp / "out.json", config)
    classify([SEED], bundle, tmp / "out.jsonl", config, fmt="jsonl")
    data = json.loads((tmp / "out.json").read_text("utf-8"))
    doc = data["documents"][0]
    kept = [next(p for p in doc["paragraphs"] if p["kind"] == kind)
            for kind in ("body", "heading")]
    data = {**data, "documents": [{**doc, "paragraphs": kept}],
            "errors": [{"source": "scan.txt", "error": "not a text file"}]}
    lines = [json.loads(line) for line in (tmp / "out.jsonl").read_text("utf-8").splitlines()]
    lines = [next(line for line in lines if line["kind"] == kind) for kind in ("body", "heading")]
    return data, lines


def _edits(value: dict) -> list[tuple[list[str | int], Any]]:
    """(keys, new value) for each field under ``value`` (and the first item of each list) and
    each of :data:`VALUES`, and (keys, ...) to drop a field."""
    edits: list[tuple[list[str | int], Any]] = []

    def walk(keys: list[str | int], node: Any) -> None:
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list):
            items = enumerate(node[:1])
        else:
            return
        for key, child in items:
            edits.extend(([*keys, key], new) for new in VALUES)
            if isinstance(node, dict):
                edits.append(([*keys, key], ...))
            walk([*keys, key], child)
    walk([], value)
    return edits


def _edited(value: dict, keys: list[str | int], new: Any) -> dict:
    edited = copy.deepcopy(value)
    holder = edited
    for key in keys[:-1]:
        holder = holder[key]
    if new is ...:
        del holder[keys[-1]]
    else:
        holder[keys[-1]] = new
    return edited


def _passes(check: validate.Check, value: Any) -> bool:
    try:
        check(value)
    except validate.Invalid:
        return False
    return True


def test_the_checks_agree_with_jsonschema_on_outputs_and_every_edit_of_them(
        outputs: tuple[dict, list[dict]]) -> None:
    data, lines = outputs
    schema = load_schema()
    whole, line = validate.build(schema), validate.build(schema, "#/$defs/line")
    whole_reference, line_reference = validator(), validator("line")
    whole(data)
    for one in lines:
        line(one)
    cases = [(whole, whole_reference, data, edit) for edit in _edits(data)]
    cases += [(line, line_reference, one, edit) for one in lines for edit in _edits(one)]
    assert len(cases) > 2000
    invalid = 0
    for check, reference, value, (keys, new) in cases:
        edited = _edited(value, keys, new)
        valid = reference.is_valid(edited)
        assert _passes(check, edited) == valid, (keys, new, valid)
        invalid += not valid
    assert invalid > len(cases) / 2  # most edits break the output, some do not


def test_the_place_and_form_of_what_fails(outputs: tuple[dict, list[dict]]) -> None:
    data, _ = outputs
    check = validate.build(load_schema())
    with pytest.raises(validate.Invalid) as caught:
        check(_edited(data, ["documents", 0, "paragraphs", 0, "scores", "medical"], 5))
    found = caught.value
    assert (found.keyword, found.value, found.node["maximum"]) == ("maximum", 5, 1)
    assert found.path == ("documents", 0, "paragraphs", 0, "scores", "medical")
    assert found.nodes[-2]["additionalProperties"] is found.node  # the schema of each step


def test_a_keyword_the_validator_does_not_know_fails_when_it_is_built() -> None:
    # The strict schema of the tests adds unevaluatedProperties: a schema that used it, or any
    # keyword beyond the subset, would otherwise go unchecked.
    schema = load_schema()
    _make_strict(schema)
    with pytest.raises(ValueError, match="unevaluatedProperties"):
        validate.build(schema)
    with pytest.raises(ValueError, match="patternProperties"):
        validate.build({"type": "object", "patternProperties": {"^a": {"type": "string"}}})


def test_references_resolve_across_the_schema() -> None:
    schema = {"$defs": {"list": {"type": "array", "items": {"$ref": "#/$defs/list"}}},
              "$ref": "#/$defs/list"}
    check = validate.build(schema)
    check([[], [[]]])
    with pytest.raises(validate.Invalid) as caught:
        check([[], [[1]]])
    assert caught.value.path == (1, 0, 0) and caught.value.keyword == "type"


def test_a_number_node_keeps_its_listed_values() -> None:
    # A node of type number alone took the fast path of a bare number and passed over its
    # const and enum: {"type": "number", "const": 1} accepted 3, which jsonschema refuses.
    for node, good, bad in (({"type": "number", "const": 1}, 1, 3),
                            ({"type": "number", "enum": [0.5, 1]}, 0.5, 2),
                            ({"type": "string", "enum": ["a"]}, "a", "b")):
        check = validate.build(node)
        check(good)
        with pytest.raises(validate.Invalid) as caught:
            check(bad)
        assert caught.value.keyword == ("const" if "const" in node else "enum"), node


def test_a_validator_of_a_kind_that_does_not_exist_is_refused_not_a_whole_output_one() -> None:
    # validator("lines") gave the whole output's validator: every jsonl line then failed with
    # "'documents' is a required property", which reads as a broken output, not a typo.
    with pytest.raises(ValueError, match="'document' or 'line', not 'lines'"):
        validator("lines")
