"""The rule catalog: every finding has a stable id, a direction and a default severity.

Schema rules come in pairs, `request-<stem>` and `response-<stem>`: on the request side a
change that rejects payloads that were valid before (narrowing) breaks clients; on the
response side a change that lets the server send what old clients did not expect (widening)
breaks them. `rules_markdown()` renders the table written to generated/docs/diff-rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass

B, W, I = "breaking", "warning", "info"  # noqa: E741


@dataclass(frozen=True)
class Rule:
    id: str
    direction: str
    severity: str
    description: str


# stem -> (request severity, response severity, description)
_STEMS: dict[str, tuple[str, str, str]] = {
    "property-type-changed": (B, B, "type replaced by an incompatible one (string -> integer)"),
    "property-type-narrowed": (B, I, "a type is no longer accepted (e.g. number -> integer)"),
    "property-type-widened": (I, B, "a type is newly accepted (e.g. integer -> number)"),
    "property-became-nullable": (I, B, "null is now allowed"),
    "property-became-not-nullable": (B, I, "null is no longer allowed"),
    "property-enum-value-removed": (B, I, "an enum value is no longer allowed"),
    "property-enum-value-added": (I, B, "a new enum value is allowed"),
    "property-enum-added": (B, I, "the value is now restricted to an enum"),
    "property-enum-removed": (I, B, "the enum restriction was dropped"),
    "property-const-changed": (B, B, "the const value changed"),
    "property-const-added": (B, I, "the value is now fixed by const"),
    "property-const-removed": (I, B, "the const restriction was dropped"),
    "property-extensible-enum-value-removed": (B, I, "an x-extensible-enum value was removed"),
    "property-extensible-enum-value-added": (I, I, "an x-extensible-enum value was added"),
    "property-multiple-of-set": (B, I, "multipleOf was set"),
    "property-multiple-of-changed": (B, B, "multipleOf changed"),
    "property-multiple-of-removed": (I, B, "multipleOf was removed"),
    "property-multiple-of-narrowed": (B, I, "multipleOf became a multiple of the old one (2 -> 4)"),
    "property-multiple-of-widened": (I, B, "multipleOf became a divisor of the old one (4 -> 2)"),
    "property-unique-items-set": (B, I, "uniqueItems became true"),
    "property-unique-items-removed": (I, B, "uniqueItems is no longer true"),
    "property-pattern-added": (B, I, "a pattern was set"),
    "property-pattern-changed": (B, W, "the pattern changed"),
    "property-pattern-removed": (I, I, "the pattern was removed (or made match-anything)"),
    "property-format-added": (B, I, "a format was set"),
    "property-format-changed": (B, B, "the format changed"),
    "property-format-narrowed": (B, I, "the format narrowed (e.g. int64 -> int32)"),
    "property-format-widened": (I, B, "the format widened (e.g. int32 -> int64)"),
    "property-format-removed": (I, B, "the format was removed"),
    "property-became-required": (B, I, "a property became required"),
    "property-became-optional": (I, B, "a property is no longer required"),
    "property-added": (I, I, "a property was added"),
    "properties-moved": (
        I,
        I,
        "removed properties reappear inside a new object property (an envelope)",
    ),
    "property-removed": (W, W, "an optional property was removed"),
    "required-property-removed": (W, B, "a required property was removed"),
    "property-no-longer-accepted": (B, I, "a property was removed and extra properties are closed"),
    "additional-properties-disallowed": (B, I, "additionalProperties became false"),
    "additional-properties-allowed": (I, B, "additionalProperties is no longer false"),
    "property-default-changed": (W, I, "the default value changed"),
    "property-default-removed": (W, I, "the default value was removed"),
    "property-default-added": (I, I, "a default value was added"),
    "property-any-of-added": (I, B, "an anyOf member was added"),
    "property-any-of-removed": (B, I, "an anyOf member was removed"),
    "property-one-of-added": (I, B, "a oneOf member was added"),
    "property-one-of-removed": (B, I, "a oneOf member was removed"),
    "property-one-of-ambiguous": (B, I, "a payload valid before now matches several oneOf members"),
    "property-all-of-added": (B, I, "an allOf member was added"),
    "property-all-of-removed": (W, B, "an allOf member was removed"),
    "property-ref-target-changed": (I, I, "a $ref points to another definition"),
    "property-discriminator-added": (W, W, "a discriminator was added"),
    "property-discriminator-removed": (W, W, "the discriminator was removed"),
    "property-discriminator-property-changed": (B, B, "the discriminator propertyName changed"),
    "property-discriminator-mapping-changed": (W, W, "the discriminator mapping changed"),
    "property-became-read-only": (
        B,
        I,
        "a property became readOnly (ignored or refused in requests)",
    ),
    "property-became-write-only": (I, B, "a property became writeOnly (no longer returned)"),
    "property-became-not-read-only": (I, I, "an optional property is no longer readOnly"),
    "required-property-became-not-read-only": (
        B,
        I,
        "a required property is no longer readOnly: clients must now send it",
    ),
    "property-became-not-write-only": (I, I, "an optional property is no longer writeOnly"),
    "required-property-became-not-write-only": (
        I,
        B,
        "a required property is no longer writeOnly: responses now carry it",
    ),
    "property-added-to-closed-object": (
        I,
        B,
        "a property was added where additionalProperties was false",
    ),
}

# Bounds: keyword stem -> True if it is a lower bound (raising it narrows).
BOUNDS: dict[str, bool] = {
    "min": True,
    "max": False,
    "min-length": True,
    "max-length": False,
    "min-items": True,
    "max-items": False,
    "min-properties": True,
    "max-properties": False,
    "min-contains": True,
    "max-contains": False,
}

# Keywords compared as a whole: any change is a warning in both directions.
OPAQUE_KEYWORDS = (
    "contains",
    "dependentRequired",
    "dependentSchemas",
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "contentMediaType",
    "contentEncoding",
    "dependencies",
)


def kebab(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in name)


def _bound_stems() -> dict[str, tuple[str, str, str]]:
    stems: dict[str, tuple[str, str, str]] = {}
    for stem, lower in BOUNDS.items():
        tighter, looser = ("increased", "decreased") if lower else ("decreased", "increased")
        stems[f"property-{stem}-{tighter}"] = (B, I, f"{stem} made stricter")
        stems[f"property-{stem}-{looser}"] = (I, B, f"{stem} relaxed")
        stems[f"property-{stem}-set"] = (B, I, f"{stem} newly set")
        stems[f"property-{stem}-removed"] = (I, B, f"{stem} removed")
    return stems


def _opaque_stems() -> dict[str, tuple[str, str, str]]:
    return {
        f"property-{kebab(k)}-changed": (W, W, f"`{k}` changed (not analysed further)")
        for k in OPAQUE_KEYWORDS
    }


# Operation-level rules: id -> (direction, severity, description)
_API: dict[str, tuple[str, str, str]] = {
    "api-path-removed": ("request", B, "a path was removed"),
    "api-path-added": ("request", I, "a path was added"),
    "api-operation-removed": ("request", B, "an operation (method) was removed"),
    "api-operation-added": ("request", I, "an operation was added"),
    "api-operation-id-changed": ("request", I, "operationId changed"),
    "api-operation-deprecated": ("request", I, "an operation was deprecated"),
    "api-security-scheme-required": ("request", B, "a security requirement no longer suffices"),
    "api-security-scopes-added": ("request", B, "a security requirement needs more scopes"),
    "api-security-alternative-added": ("request", I, "a security alternative was added"),
    "api-security-relaxed": ("request", I, "a security requirement was relaxed"),
    "security-scheme-changed": ("request", B, "a security scheme's type, URL or location changed"),
    "security-scheme-removed": ("request", W, "a security scheme was removed"),
    "security-scheme-added": ("request", I, "a security scheme was added"),
    "new-required-request-parameter": ("request", B, "a required parameter was added"),
    "new-optional-request-parameter": ("request", I, "an optional parameter was added"),
    "request-parameter-removed": ("request", B, "a parameter clients send was removed"),
    "request-parameter-became-required": ("request", B, "a parameter became required"),
    "request-parameter-became-optional": ("request", I, "a parameter became optional"),
    "request-parameter-style-changed": ("request", B, "a parameter's style changed"),
    "request-parameter-explode-changed": ("request", B, "a parameter's explode changed"),
    "request-parameter-allow-empty-value-removed": ("request", B, "empty values are refused"),
    "request-parameter-allow-empty-value-added": ("request", I, "empty values are allowed"),
    "request-body-added-required": ("request", B, "a required request body was added"),
    "request-body-added": ("request", I, "an optional request body was added"),
    "request-body-removed": ("request", W, "the request body was removed"),
    "request-body-became-required": ("request", B, "the request body became required"),
    "request-body-became-optional": ("request", I, "the request body became optional"),
    "request-body-media-type-removed": ("request", B, "a request media type was removed"),
    "request-body-media-type-added": ("request", I, "a request media type was added"),
    "response-status-removed": ("response", B, "a response status was removed"),
    "response-status-added": ("response", I, "a response status was added"),
    "response-media-type-removed": ("response", B, "a response media type was removed"),
    "response-media-type-added": ("response", I, "a response media type was added"),
    "response-required-header-removed": ("response", B, "a required response header was removed"),
    "response-header-removed": ("response", W, "an optional response header was removed"),
    "response-header-added": ("response", I, "a response header was added"),
    "response-header-became-optional": ("response", B, "a response header is no longer required"),
    "response-header-style-changed": ("response", B, "a response header's style changed"),
    "response-header-explode-changed": ("response", B, "a response header's explode changed"),
}


def _build() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    stems = {**_STEMS, **_bound_stems(), **_opaque_stems()}
    for stem, (req, resp, text) in stems.items():
        rules[f"request-{stem}"] = Rule(f"request-{stem}", "request", req, text)
        rules[f"response-{stem}"] = Rule(f"response-{stem}", "response", resp, text)
    for rule_id, (direction, severity, text) in _API.items():
        rules[rule_id] = Rule(rule_id, direction, severity, text)
    return dict(sorted(rules.items()))


RULES: dict[str, Rule] = _build()


def schema_rule(direction: str, stem: str) -> Rule:
    """The rule for a schema-level change seen on one side of the wire."""
    return RULES[f"{direction}-{stem}"]


def rules_markdown() -> str:
    """The rule catalog as one Markdown table (generated/docs/diff-rules.md)."""
    lines = [
        "# Schema diff rules",
        "",
        "Generated from `codegen/diff/rules.py`; do not edit. Request side: narrowing breaks.",
        "Response side: widening breaks. Override a level with `--severity RULE=LEVEL`.",
        "",
        "| rule | direction | severity | what changed |",
        "|---|---|---|---|",
    ]
    for rule in RULES.values():
        lines.append(f"| `{rule.id}` | {rule.direction} | {rule.severity} | {rule.description} |")
    return "\n".join(lines) + "\n"
