"""The dialogue format as a JSON Schema, for editors: made from the models the loader uses.

The schema checks the shape of a file (keys, types, node types, patterns, limits); what only the
loader can check (a ``next`` naming a missing node, templates, names saved before use) is not in it.
"""

from __future__ import annotations

import json
from typing import Any

from bot.dialogue.model import Dialogue

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Words an editor shows on hover, per (model, field); the models' docstrings describe the rest.
DESCRIPTIONS = {
    ("Dialogue", "id"): "The dialogue's id: lowercase letters, digits and _, unique per folder.",
    ("Dialogue", "kind"): "track (default), entry, checkin (follows up a commitment) or profile.",
    ("Dialogue", "start"): "The id of the first node.",
    ("Dialogue", "nodes"): "The steps of the dialogue by id; 'type' says what each one does.",
    ("Branch", "if"): "A condition (a Jinja2 expression over the answers); leave out on the last.",
    ("Branch", "goto"): "The node to go to when the condition holds.",
    ("Option", "value"): "What is saved when this button is chosen (up to 24 characters).",
    ("Option", "label"): "The button's text; keep it short (40 characters fit on a phone).",
    ("Option", "next"): "Where this button leads (instead of the question's 'next').",
    ("TemplateRef", "template"): "A file in prompts/nl/ and prompts/en/ (or prompts/), ending .j2.",
    ("TextNode", "max_length"): "The longest answer accepted, in characters (at most 3000).",
    ("MultiNode", "exclusive"): "Values of options that deselect every other one (like 'none').",
    ("EndNode", "start_dialogue"): "An expression giving the id of a dialogue to start next.",
}
NEXT = "The next node's id, or a list of rules ({if, goto}) ending with a default (just goto)."
SAVE = "The name the answer is saved under (lowercase letters, digits and _)."


def dialogue_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dialogue file."""
    schema = Dialogue.model_json_schema()
    definitions = schema["$defs"]
    for (model, field), text in DESCRIPTIONS.items():
        target = schema if model == "Dialogue" else definitions[model]
        target["properties"][field]["description"] = text
    for definition in definitions.values():
        properties = definition.get("properties", {})
        if "next" in properties and "description" not in properties["next"]:
            properties["next"]["description"] = NEXT
        if "save" in properties:
            properties["save"]["description"] = SAVE
    _close_patterned(schema)
    return {"$schema": DRAFT, **schema, "title": "Coachbot dialogue"}


def _close_patterned(part: Any) -> None:
    """Mappings with patterned keys (node ids, computed names) allow no other keys, as the
    models do; pydantic leaves them open."""
    if isinstance(part, dict):
        if "patternProperties" in part:
            part.setdefault("additionalProperties", False)
        for value in part.values():
            _close_patterned(value)
    elif isinstance(part, list):
        for value in part:
            _close_patterned(value)


def schema_text() -> str:
    """The schema as the text of ``dialogues/schema.json``."""
    return json.dumps(dialogue_schema(), indent=2, ensure_ascii=False) + "\n"
