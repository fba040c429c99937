"""Line numbers of JSON pointers in JSON and YAML files, for annotations a person can click.

The index is built once per file, only when a finding needs a line, by a small scanner over
the text (JSON) or from PyYAML's node tree (YAML). Both are linear in the file and bounded:
deeper or larger structures than the limits below are simply not indexed.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from codegen.errors import escape_pointer_token

_MAX_DEPTH = 256
_MAX_NODES = 200_000
_INDEX: dict[tuple[str, int, int], dict[str, int]] = {}


def line_of(file: str, pointer: str) -> int | None:
    """The 1-based line where `pointer` is written in `file` (its key, for a member), or the
    line of its closest indexed ancestor; None when the file cannot be read."""
    try:
        stat = Path(file).stat()
    except (OSError, ValueError):
        return None
    key = (file, stat.st_mtime_ns, stat.st_size)
    index = _INDEX.get(key)
    if index is None:
        index = _build(file)
        if len(_INDEX) < 512:
            _INDEX[key] = index
    if not index:
        return None
    while pointer not in index and pointer:
        pointer = pointer.rsplit("/", 1)[0]
    return index.get(pointer)


def _build(file: str) -> dict[str, int]:
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if file.endswith(".json") or text.lstrip()[:1] in ("{", "["):
        found = _JsonLines(text).run()
        if found:
            return found
    return _yaml_lines(text)


class _JsonLines:
    """Records the line of every value (of its key, for object members) by pointer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.found: dict[str, int] = {}

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def run(self) -> dict[str, int]:
        try:
            self._value("", 0, self.line(self._skip()))
        except (IndexError, ValueError):
            return self.found
        return self.found

    def _skip(self) -> int:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        self.pos = pos
        return pos

    def _value(self, at: str, depth: int, line: int) -> None:
        if len(self.found) < _MAX_NODES:
            self.found.setdefault(at, line)
        char = self.text[self._skip()]
        if char == "{" and depth < _MAX_DEPTH:
            self._object(at, depth)
        elif char == "[" and depth < _MAX_DEPTH:
            self._array(at, depth)
        elif char == '"':
            self._string()
        else:
            self._scalar(depth)

    def _object(self, at: str, depth: int) -> None:
        self.pos += 1
        while self.text[self._skip()] != "}":
            line = self.line(self.pos)
            key = self._string()
            self._skip()
            self.pos += 1  # ':'
            self._value(f"{at}/{escape_pointer_token(key)}", depth + 1, line)
            if self.text[self._skip()] == ",":
                self.pos += 1
        self.pos += 1

    def _array(self, at: str, depth: int) -> None:
        self.pos += 1
        index = 0
        while self.text[self._skip()] != "]":
            self._value(f"{at}/{index}", depth + 1, self.line(self.pos))
            index += 1
            if self.text[self._skip()] == ",":
                self.pos += 1
        self.pos += 1

    def _string(self) -> str:
        import json

        start = self.pos
        end = start + 1
        while self.text[end] != '"':
            end += 2 if self.text[end] == "\\" else 1
        self.pos = end + 1
        value: str = json.loads(self.text[start : end + 1])
        return value

    def _scalar(self, depth: int) -> None:
        """A number or literal, or (past the depth limit) a whole skipped container."""
        text, pos, nesting = self.text, self.pos, 0
        while pos < len(text):
            char = text[pos]
            if char == '"':
                self.pos = pos
                self._string()
                pos = self.pos
                continue
            if char in "{[":
                nesting += 1
            elif char in "}]":
                if nesting == 0:
                    break
                nesting -= 1
            elif char == "," and nesting == 0:
                break
            pos += 1
        self.pos = pos


def _yaml_lines(text: str) -> dict[str, int]:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    found: dict[str, int] = {}
    stack: list[tuple[Any, str, int]] = [(root, "", 0)] if root is not None else []
    while stack and len(found) < _MAX_NODES:
        node, at, line = stack.pop()
        found.setdefault(at, line or node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                token = escape_pointer_token(str(key.value))
                stack.append((value, f"{at}/{token}", key.start_mark.line + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, f"{at}/{index}", item.start_mark.line + 1))
    return found
