"""A validator of the part of JSON Schema 2020-12 that the labelled-output schema uses.

:func:`build` turns the schema into nested Python checks once, so that the schema file stays the one
statement of the output's types when ``review`` and ``report`` read an output back (``jsonschema``,
the reference, is a test dependency only and takes 13 s on a 12 MB output, where this takes about
0.4 s; the tests check that both agree). A keyword outside this subset raises :class:`ValueError`
when the schema is built: a schema that starts using one fails at once rather than going unchecked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], None]

# Keywords that say nothing about validity (references point into $defs).
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description",
                         "examples", "default"})
# Keywords about a value and its parts, all checked by one function per schema node.
VALUE = frozenset({"type", "enum", "const", "pattern", "minLength", "minimum", "maximum",
                   "required", "properties", "additionalProperties", "minProperties", "items",
                   "minItems", "uniqueItems"})
# Keywords that combine schemas: each has its maker below, named after it ($ref: _ref).
COMBINE = frozenset({"$ref", "allOf", "anyOf", "not", "if"})
# JSON types as the Python types JSON readers give (exactly those: a bool is no number); a float
# such as 2.0 is an integer too, as JSON Schema counts it.
TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}), "integer": frozenset({int}), "number": frozenset({int, float}),
    "boolean": frozenset({bool}), "null": frozenset({type(None)}), "object": frozenset({dict}),
    "array": frozenset({list}),
}
NUMBERS = TYPES["number"]


class Invalid(Exception):
    """A value that breaks the schema: the ``keyword`` of the schema ``node`` it fails, the
    ``value`` there, and :attr:`path`, the keys and indices from the value checked down to it."""

    def __init__(self, keyword: str, node: dict[str, Any], value: Any) -> None:
        super().__init__(keyword)
        self.keyword, self.node, self.value = keyword, node, value
        self._steps: list[tuple[str | int, Any]] = []  # innermost first, as the checks unwind

    @property
    def path(self) -> tuple[str | int, ...]:
        """Keys and list indices from the value checked down to :attr:`value`."""
        return tuple(key for key, _ in reversed(self._steps))

    @property
    def nodes(self) -> tuple[Any, ...]:
        """The schema node of the value under each key of :attr:`path` (a ``$ref`` as such)."""
        return tuple(node for _, node in reversed(self._steps))

    def within(self, key: str | int, node: Any) -> Invalid:
        """This finding, seen from the object or list that holds under ``key`` the value that
        the schema ``node`` describes."""
        self._steps.append((key, node))
        return self


def build(schema: dict[str, Any], pointer: str = "#") -> Check:
    """A check of the schema node at ``pointer`` (``#/$defs/line``): it returns for a valid
    value and raises :class:`Invalid` at the first part of one that is not."""
    return _Builder(schema).node(resolve(schema, pointer))


def _same_json(value: Any) -> Any:
    """A hashable key, equal for values JSON counts equal (1 and 1.0; not 1 and true)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(map(_same_json, value)))
    return ("object", frozenset((k, _same_json(v)) for k, v in value.items()))


def resolve(schema: dict[str, Any], pointer: str) -> Any:
    """The node a reference inside the schema (``#/$defs/theme``) names."""
    if not pointer.startswith("#"):
        raise ValueError(f"{pointer}: pipeline.validate follows references inside the schema "
                         "only")
    node: Any = schema
    for part in filter(None, pointer[1:].split("/")):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _accept(value: Any) -> None:
    """The check of the schema ``true``."""


class _Builder:
    """Builds the checks of one schema, each reference once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.refs: dict[str, Check] = {}

    def node(self, node: Any) -> Check:
        """The check of one schema node (an object, or ``true``/``false``)."""
        if node is True:
            return _accept
        if node is False:
            return self._refuse({}, "false")
        unknown = node.keys() - VALUE - COMBINE - ANNOTATIONS - {"then", "else"}
        if unknown:  # "then" and "else" are read with "if"
            raise ValueError(f"the schema uses {', '.join(sorted(unknown))}, which "
                             "pipeline.validate does not check")
        checks = [self._value(node)] if node.keys() & VALUE else []
        checks += [getattr(self, "_" + keyword.lstrip("$"))(node, node[keyword])
                   for keyword in node if keyword in COMBINE]
        return self._all(checks)

    def _value(self, node: dict[str, Any]) -> Check:
        """One check of all the :data:`VALUE` keywords of ``node``: its type and listed values,
        then the keywords of the value's own kind. The part of every kind is built, even where
        the type rules the kind out, so that a keyword this module does not check fails when the
        schema is built, wherever it is."""
        names = node.get("type", [])
        names = [names] if isinstance(names, str) else names
        allowed = frozenset().union(*(TYPES[name] for name in names)) if names else None
        integral = "integer" in names and "number" not in names
        values = node["enum"] if "enum" in node else [node["const"]] if "const" in node else None
        listed = None if values is None else frozenset(map(_same_json, values))
        listing = "enum" if "enum" in node else "const"
        of_string, of_number = self._string(node), self._number(node)
        of_object, of_array = self._object(node), self._array(node)
        if names == ["string"] and listed is None:  # the most common nodes, checked faster
            return of_string
        if names == ["number"] and listed is None:
            return of_number

        def check(value: Any) -> None:
            kind = type(value)
            if allowed is not None and kind not in allowed and not (
                    integral and kind is float and value.is_integer()):
                raise Invalid("type", node, value)
            if listed is not None and _same_json(value) not in listed:
                raise Invalid(listing, node, value)
            if kind is dict:
                of_object(value)
            elif kind is list:
                of_array(value)
            elif kind is str:
                of_string(value)
            elif kind in NUMBERS:
                of_number(value)
        return check

    @staticmethod
    def _string(node: dict[str, Any]) -> Check:
        """The check of a value that must be a string: its type, then ``minLength`` and
        ``pattern``. Alone, it is the check of a node of type string (the most common node);
        :meth:`_value` also runs it on a string a node of other types allows."""
        shortest = node.get("minLength", 0)
        search = re.compile(node["pattern"]).search if "pattern" in node else None

        def check(value: Any) -> None:
            if type(value) is not str:
                raise Invalid("type", node, value)
            if len(value) < shortest:
                raise Invalid("minLength", node, value)
            if search is not None and not search(value):
                raise Invalid("pattern", node, value)
        return check

    @staticmethod
    def _number(node: dict[str, Any]) -> Check:
        """The check of a value that must be a number (not a boolean): its type, then ``minimum``
        and ``maximum``. Run as :meth:`_string` is, for a node of type number."""
        least, most = node.get("minimum", -math.inf), node.get("maximum", math.inf)

        def check(value: Any) -> None:
            if type(value) not in NUMBERS:
                raise Invalid("type", node, value)
            if not least <= value <= most:
                raise Invalid("minimum" if not value >= least else "maximum", node, value)
        return check

    def _object(self, node: dict[str, Any]) -> Check:
        """The check of an object's keywords (its type checked before): ``required`` and
        ``minProperties``, then each named field by its ``properties`` schema and each other
        field by ``additionalProperties``; a finding inside says under which field it is."""
        required = frozenset(node.get("required", ()))
        fewest_fields = node.get("minProperties", 0)
        fields = [(name, self.node(sub), sub) for name, sub in node.get("properties", {}).items()]
        named = frozenset(node.get("properties", ()))
        other = self.node(node["additionalProperties"]) if "additionalProperties" in node else None

        def check(value: dict[str, Any]) -> None:
            if not value.keys() >= required:
                raise Invalid("required", node, value)
            if len(value) < fewest_fields:
                raise Invalid("minProperties", node, value)
            for name, sub, part in fields:
                if name in value:
                    try:
                        sub(value[name])
                    except Invalid as exc:
                        raise exc.within(name, part) from None
            for name, item in value.items() if other is not None else ():
                if name not in named:
                    try:
                        other(item)
                    except Invalid as exc:
                        raise exc.within(name, node["additionalProperties"]) from None
        return check

    def _array(self, node: dict[str, Any]) -> Check:
        """The check of an array's keywords (its type checked before): ``minItems`` and
        ``uniqueItems``, then each item by the ``items`` schema; a finding inside says at which
        index it is."""
        fewest_items, unique = node.get("minItems", 0), node.get("uniqueItems", False)
        each = self.node(node["items"]) if "items" in node else None

        def check(value: list[Any]) -> None:
            if len(value) < fewest_items:
                raise Invalid("minItems", node, value)
            if unique and len(set(map(_same_json, value))) < len(value):
                raise Invalid("uniqueItems", node, value)
            for index, item in enumerate(value) if each is not None else ():
                try:
                    each(item)
                except Invalid as exc:
                    raise exc.within(index, node["items"]) from None
        return check

    @staticmethod
    def _all(checks: list[Check]) -> Check:
        """One check of all ``checks``."""
        if len(checks) <= 1:
            return checks[0] if checks else _accept

        def check(value: Any) -> None:
            for one in checks:
                one(value)
        return check

    @staticmethod
    def _refuse(node: dict[str, Any], keyword: str) -> Check:
        def check(value: Any) -> None:
            raise Invalid(keyword, node, value)
        return check

    def _ref(self, node: dict[str, Any], ref: str) -> Check:
        if ref not in self.refs:
            built: list[Check] = []
            self.refs[ref] = lambda value: built[0](value)  # a reference to itself, meanwhile
            built.append(self.node(resolve(self.schema, ref)))
            self.refs[ref] = built[0]
        return self.refs[ref]

    def _allOf(self, node: dict[str, Any], subs: list[Any]) -> Check:
        return self._all([self.node(sub) for sub in subs])

    def _anyOf(self, node: dict[str, Any], subs: list[Any]) -> Check:
        checks = [self.node(sub) for sub in subs]

        def check(value: Any) -> None:
            for one in checks:
                try:
                    one(value)
                except Invalid:
                    continue
                return
            raise Invalid("anyOf", node, value)
        return check

    def _not(self, node: dict[str, Any], sub: Any) -> Check:
        inner = self.node(sub)

        def check(value: Any) -> None:
            try:
                inner(value)
            except Invalid:
                return
            raise Invalid("not", node, value)
        return check

    def _if(self, node: dict[str, Any], sub: Any) -> Check:
        condition = self.node(sub)
        then, otherwise = (self.node(node.get(key, True)) for key in ("then", "else"))

        def check(value: Any) -> None:
            try:
                condition(value)
            except Invalid:
                otherwise(value)
                return
            then(value)
        return check
