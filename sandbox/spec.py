"""Bot API 10.0 as data: which methods exist and what their parameters must look like.

Requests arrive as query strings, forms (python-telegram-bot JSON-encodes every non-string
value into its form field), JSON bodies or multipart bodies. ``Spec.parse_params`` turns
any of them into typed Python values and refuses what Telegram refuses:

* a missing required parameter → ``parameter "X" is required`` (Telegram's wording; for
  ``chat_id`` and ``text`` Telegram says ``chat_id is empty`` / ``message text is empty``);
* a value of the wrong type → ``can't parse X JSON object`` for objects and
  ``parameter "X" must be a Type`` for scalars (Telegram mostly coerces silently, so this
  wording is the sandbox's own);
* in strict mode, a parameter the method does not have → ``unknown parameter "X"``
  (Telegram ignores unknown parameters, so strict mode is for tests).

Nested objects are checked for required fields and field types; unknown nested fields are
ignored, as Telegram does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sandbox.errors import bad_request

_INT_RE = re.compile(r"^-?\d+$")
_TRUE = {"true", "True", "1"}
_FALSE = {"false", "False", "0"}
_EMPTY_WORDING = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes

    def describe(self) -> dict[str, Any]:
        """What the call log records instead of the bytes."""
        return {"upload": self.filename, "size": len(self.data)}


class _Mismatch(Exception):
    """A value does not fit one candidate type (other candidates may still fit)."""


class Spec:
    """The machine-readable Bot API description with lookups and parameter checking."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data["version"]
        self.methods: dict[str, dict[str, Any]] = data["methods"]
        self.types: dict[str, dict[str, Any]] = data["types"]
        self._by_lower = {name.lower(): name for name in self.methods}

    def method_name(self, name: str) -> str | None:
        """Telegram's spelling of a method name matched case-insensitively, or None."""
        return self._by_lower.get(name.lower())

    def parse_params(
        self,
        method: str,
        raw: dict[str, Any],
        uploads: dict[str, Upload],
        *,
        strict: bool,
    ) -> dict[str, Any]:
        """Typed parameters for ``method``; raises ApiError(400) the way Telegram refuses."""
        fields = {field["name"]: field for field in self.methods[method].get("fields", [])}
        values: dict[str, Any] = {}
        for name, field in fields.items():
            if name in raw:
                value: Any = raw[name]
            elif name in uploads and "InputFile" in _flat_types(field["types"]):
                value = uploads[name]
            else:
                if field["required"]:
                    wording = _EMPTY_WORDING.get(name, f'parameter "{name}" is required')
                    raise bad_request(wording)
                continue
            values[name] = self._coerce_field(name, value, field["types"])
        if strict:
            referenced = _attach_names(values)
            for name in raw:
                if name not in fields:
                    raise bad_request(f'unknown parameter "{name}"')
            for name in uploads:
                if name not in fields and name not in referenced:
                    raise bad_request(f'unknown parameter "{name}"')
        return values

    def _coerce_field(self, name: str, value: Any, types: list[str]) -> Any:
        if len(types) > 1 and all(t.startswith("Array of ") for t in types):
            # "Array of InputMediaPhoto and InputMediaVideo": albums mix item types.
            types = [f"Array of {' | '.join(t.removeprefix('Array of ') for t in types)}"]
        for type_name in types:
            try:
                return self._coerce(value, type_name, top_level=True)
            except _Mismatch:
                continue
        if any(t[0].isupper() and t not in _SCALARS for t in _flat_types(types)):
            if name == "reply_markup":
                raise bad_request("can't parse reply keyboard markup JSON object")
            raise bad_request(f"can't parse {name} JSON object")
        raise bad_request(f'parameter "{name}" must be {_article(" or ".join(types))}')

    def _coerce(self, value: Any, type_name: str, *, top_level: bool = False) -> Any:
        if type_name.startswith("Array of "):
            inner = type_name.removeprefix("Array of ")
            if isinstance(value, str):
                value = _json_or_mismatch(value)
            if not isinstance(value, list):
                raise _Mismatch
            return [self._coerce(item, inner) for item in value]
        if " | " in type_name:
            for alternative in type_name.split(" | "):
                try:
                    return self._coerce(value, alternative)
                except _Mismatch:
                    continue
            raise _Mismatch
        scalar = _SCALARS.get(type_name)
        if scalar is not None:
            return scalar(value)
        if type_name == "InputFile":
            if isinstance(value, Upload | str):
                return value
            raise _Mismatch
        spec_type = self.types.get(type_name)
        if spec_type is None:
            raise _Mismatch
        if isinstance(value, str) and top_level:
            value = _json_or_mismatch(value)
        if not isinstance(value, dict):
            raise _Mismatch
        subtypes = spec_type.get("subtypes")
        if subtypes:
            for subtype in subtypes:
                try:
                    return self._coerce(value, subtype)
                except _Mismatch:
                    continue
            raise _Mismatch
        return self._coerce_object(value, spec_type)

    def _coerce_object(self, value: dict[str, Any], spec_type: dict[str, Any]) -> dict[str, Any]:
        result = dict(value)
        for field in spec_type.get("fields", []):
            name = field["name"]
            if name not in value:
                if field["required"]:
                    raise _Mismatch
                continue
            for candidate in field["types"]:
                try:
                    result[name] = self._coerce(value[name], candidate)
                    break
                except _Mismatch:
                    continue
            else:
                raise _Mismatch
            # A "type" field discriminates subtypes: its description names the only value.
            if name == "type" and not _type_value_fits(field, value[name]):
                raise _Mismatch
        return result


def _type_value_fits(field: dict[str, Any], value: Any) -> bool:
    """``InputMediaPhoto.type`` must be "photo": the spec says so in the description."""
    match = re.search(r"must be (\w+)$", field.get("description", ""))
    if not match:
        return True
    return value == match.group(1)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Mismatch
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    raise _Mismatch


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise _Mismatch
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise _Mismatch from None
    raise _Mismatch


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in _TRUE or value == 1:
        return True
    if value in _FALSE or value == 0:
        return False
    raise _Mismatch


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _Mismatch


_SCALARS = {"Integer": _to_int, "Float": _to_float, "Boolean": _to_bool, "String": _to_str}


def _json_or_mismatch(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise _Mismatch from None


def _flat_types(types: list[str]) -> list[str]:
    flat: list[str] = []
    for type_name in types:
        while type_name.startswith("Array of "):
            type_name = type_name.removeprefix("Array of ")
        flat.extend(type_name.split(" | "))
    return flat


def _article(type_text: str) -> str:
    return f"an {type_text}" if type_text[0] in "AEIOU" else f"a {type_text}"


def _attach_names(values: dict[str, Any]) -> set[str]:
    """Multipart part names referenced as ``attach://name`` anywhere in the parameters."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str) and value.startswith("attach://"):
            found.add(value.removeprefix("attach://"))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(values)
    return found


@cache
def load_spec() -> Spec:
    """The bundled Bot API 10.0 spec (``sandbox/spec/api-10.0.json``), loaded once."""
    text = resources.files("sandbox").joinpath("spec/api-10.0.json").read_text("utf-8")
    return Spec(json.loads(text))
