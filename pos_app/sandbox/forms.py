"""Stripe's request encoding: form fields with bracket nesting, checked against a per-endpoint schema.

`metadata[k]=v` is a hash, `expand[]=a` appends to an array and `expand[0]=a` (stripe-python's way)
indexes one. decode_form() turns the flat pairs into nested dicts and lists; a Schema then checks
names and types, answering Stripe's 400s (`Received unknown parameter: x`, `Invalid integer: y`)
with `param` set to the bracketed path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pos_app.sandbox.errors import missing_parameter, unknown_parameter
from pos_app.sandbox.errors import validation_error as invalid_request

_NAME = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SUBKEY = re.compile(r"\[([^\[\]]*)\]")


def decode_form(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for name, value in pairs:
        match = _NAME.match(name)
        if match is None:
            raise invalid_request(f"Invalid parameter name: {name}", param=name)
        keys = [match.group(1), *_SUBKEY.findall(match.group(2))]
        _insert(root, keys, value, name)
    return _listify(root)


def _insert(node: dict, keys: list[str], value: str, name: str) -> None:
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        if key == "":
            key = _next_index(node, name)
        if last:
            if key in node:
                raise invalid_request(f"Duplicate parameter: {name}", param=name)
            node[key] = value
            return
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise invalid_request(f"Invalid hash: {name}", param=name)
        node = child


def _next_index(node: dict, name: str) -> str:
    if any(not k.isdigit() for k in node):
        raise invalid_request(f"Invalid array: {name}", param=name)
    return str(len(node))


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


# ---------------------------------------------------------------------------------------- schema

class Field:
    required = False

    def __init__(self, *, required: bool = False) -> None:
        self.required = required

    def coerce(self, value: Any, param: str) -> Any:
        raise NotImplementedError


class Str(Field):
    def __init__(self, max_length: int = 5000, *, required: bool = False) -> None:
        self.max_length = max_length
        self.required = required

    def coerce(self, value, param):
        if not isinstance(value, str):
            raise invalid_request(f"Invalid string: {param} must be a string", param=param,
                                  code="parameter_invalid_string")
        if len(value) > self.max_length:
            raise invalid_request(f"Invalid {param}: must be at most {self.max_length} characters",
                                  param=param, code="parameter_invalid_string")
        return value


class Int(Field):
    def coerce(self, value, param):
        if not isinstance(value, str) or not re.fullmatch(r"-?[0-9]{1,18}", value):
            raise invalid_request(f"Invalid integer: {value}", param=param,
                                  code="parameter_invalid_integer")
        return int(value)


class Bool(Field):
    def coerce(self, value, param):
        if value not in ("true", "false"):
            raise invalid_request(f"Invalid boolean: {value}", param=param)
        return value == "true"


class Enum(Field):
    def __init__(self, *choices: str, required: bool = False) -> None:
        self.choices = choices
        self.required = required

    def coerce(self, value, param):
        if value not in self.choices:
            raise invalid_request(f"Invalid {param}: must be one of {', '.join(self.choices)}",
                                  param=param)
        return value


class List(Field):
    def __init__(self, item: Field) -> None:
        self.item = item

    def coerce(self, value, param):
        if value == "":
            return []
        if not isinstance(value, list):
            raise invalid_request(f"Invalid array: {param}", param=param)
        return [self.item.coerce(v, f"{param}[{i}]") for i, v in enumerate(value)]


class Hash(Field):
    """A hash with known fields; anything else is an unknown parameter."""

    def __init__(self, fields: dict[str, Field], *, required: bool = False) -> None:
        self.fields = fields
        self.required = required

    def coerce(self, value, param):
        if not isinstance(value, dict):
            raise invalid_request(f"Invalid hash: {param}", param=param)
        return check(value, self.fields, prefix=param)


class Metadata(Field):
    """Free string keys and values; `metadata=` (empty) means "clear"; limits checked elsewhere."""

    def coerce(self, value, param):
        if value == "":
            return {}
        if not isinstance(value, dict):
            raise invalid_request(f"Invalid hash: {param}", param=param)
        for key, item in value.items():
            if not isinstance(item, str):
                raise invalid_request(f"Invalid string: {param}[{key}]", param=f"{param}[{key}]")
        return dict(value)


class Range(Field):
    """Stripe's list filter: an integer, or a hash of gt/gte/lt/lte integers."""

    def coerce(self, value, param):
        if isinstance(value, str):
            return {"eq": Int().coerce(value, param)}
        bounds = Hash({k: Int() for k in ("gt", "gte", "lt", "lte")}).coerce(value, param)
        return bounds


def check(params: dict[str, Any], schema: dict[str, Field], prefix: str = "") -> dict[str, Any]:
    """Coerce `params` by `schema`: unknown names and bad values raise Stripe's 400s."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        param = f"{prefix}[{name}]" if prefix else name
        field = schema.get(name)
        if field is None:
            raise unknown_parameter(param)
        out[name] = field.coerce(value, param)
    for name, field in schema.items():
        if field.required and name not in out:
            raise missing_parameter(f"{prefix}[{name}]" if prefix else name)
    return out
