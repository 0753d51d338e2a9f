"""What an assignment's pushes say: the reminders to the member and the notice to the manager.

Merged into ``PHRASES`` by bot/engine/phrases.py; placeholders are filled with escaped HTML.
"""

from __future__ import annotations

PUSH_PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "push_soon": "Hoi {name}! Een kleine herinnering: {manager} vroeg je om <b>{track}</b> te doen, uiterlijk {day}.",
        "push_late": "Hoi {name}! <b>{track}</b> van {manager} stond voor {day} gepland. Geen punt: het kan nog steeds, en ik help je er graag doorheen.",
        "push_note": "{manager} schreef erbij: “{note}”",
        "push_start": "Nu beginnen",
        "push_continue": "Ga verder",
        "push_finished": "{member} heeft <b>{track}</b> afgerond 🎉\nDe antwoorden blijven bij {member}: jij ziet alleen dat het af is. Laat je even iets horen?",
        "push_well_done": "👏 Goed gedaan",
        "push_send_note": "✍️ Stuur een berichtje",
    },
    "en": {
        "push_soon": "Hi {name}! A small reminder: {manager} asked you to do <b>{track}</b> by {day}.",
        "push_late": "Hi {name}! <b>{track}</b> from {manager} was planned for {day}. No problem: you can still do it, and I'm happy to help you through it.",
        "push_note": "{manager} added: “{note}”",
        "push_start": "Start now",
        "push_continue": "Continue",
        "push_finished": "{member} finished <b>{track}</b> 🎉\nTheir answers stay with them: you only see that it's done. Want to let them know you saw it?",
        "push_well_done": "👏 Well done",
        "push_send_note": "✍️ Send a note",
    },
}
