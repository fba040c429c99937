"""The jinja2 environment for every template, with the filters that keep schema text as data.

Schema strings (descriptions, titles, enum values, defaults, names) reach generated code
only through these filters:
- `pyrepr`: a Python literal (repr of str/int/float/bool/None/list/dict): never code.
- `comment`: one line safe inside a `#` comment or a docstring (newlines, control characters,
  backslashes and double quotes escaped, so the text can never close a triple-quoted string).
- `md`: text safe in a Markdown table cell (pipes, HTML, backticks, newlines escaped).
- `mdcode`: text safe inside inline code in Markdown.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path
from typing import Any

import jinja2

from codegen.cache import TEMPLATES


def pyrepr(value: Any) -> str:
    """A Python expression that evaluates to `value` (JSON-compatible data only)."""
    return repr(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"not JSON data: {type(value).__name__}")


def comment(value: Any) -> str:
    """One line of ASCII, safe in a `#` comment and inside a docstring: never ends one."""
    text = str(value).encode("unicode_escape", errors="backslashreplace").decode("ascii")
    return text.replace('"', "\\x22")


def md(value: Any) -> str:
    """Escape for a Markdown table cell: no HTML, no pipes, no line breaks, no code spans."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = html.escape(text, quote=False)
    for char in "\\`*_[]|#":
        text = text.replace(char, "\\" + char)
    return " ".join(text.replace("\x00", "\\0").split())


def mdcode(value: Any) -> str:
    """Inline code: JSON-render non-strings, and pick a fence longer than any backtick run."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(html.escape(text, quote=False).replace("|", "&#124;").split())
    fence = "`" * (_longest_backtick_run(text) + 1)
    return f"{fence} {text} {fence}"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


@functools.cache
def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pyrepr=pyrepr, comment=comment, md=md, mdcode=mdcode)
    env.filters["tomlstr"] = lambda value: json.dumps(str(value))  # a TOML basic string
    env.filters["validator_name"] = lambda kind: f"validate_{kind}"
    env.filters["is_valid_name"] = lambda kind: f"is_valid_{kind}"
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def cache_templates(folder: Path | None) -> None:
    """Keep compiled templates in `folder` (the generator's cache; None: compile each run).

    jinja2 keys each entry on the template's name and source and on the Python version, so
    an edited template or another interpreter never loads a stale one.
    """
    env = environment()
    if folder is None:
        env.bytecode_cache = None
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return  # a cache that cannot be written is only a slower run
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
