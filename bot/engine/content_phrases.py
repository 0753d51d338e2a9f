"""What /reload and a dialogue upload answer (nl first, en)."""

from __future__ import annotations

CONTENT_PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "reload_none": "Herladen: er is niets veranderd.",
        "reload_done": "Herladen gelukt. Wat er nu live staat:",
        "upload_done": "{name} is geïnstalleerd en staat nu live (het vorige bestand is bewaard als reservekopie). Wat er veranderde:",
        "reload_refused": "Niet herladen: ik vond {count} probleem/problemen. Er is niets veranderd en de huidige gesprekken lopen gewoon door. Los dit op en probeer het opnieuw:",
        "upload_refused": "{name} is niet geïnstalleerd: ik vond {count} probleem/problemen. Er is niets veranderd. Pas het bestand aan en stuur het opnieuw:",
        "change_added": "• {id}: nieuw",
        "change_removed": "• {id}: verwijderd (wie er middenin zit, maakt het af)",
        "change_changed": "• {id}: aangepast ({added} stap(pen) erbij, {removed} eraf, {changed} gewijzigd)",
        "problem_line": "• {where}: {message}",
        "problems_more": "… en nog {count}. Stuur `coachbot validate` op de server voor de hele lijst.",
        "upload_not_yaml": "Stuur een dialoogbestand als .yaml-document.",
        "reload_unavailable": "Herladen kan hier niet: deze bot weet niet waar zijn dialogen staan.",
    },
    "en": {
        "reload_none": "Reloaded: nothing changed.",
        "reload_done": "Reloaded. What is live now:",
        "upload_done": "{name} is installed and live (the previous file is kept as a backup). What changed:",
        "reload_refused": "Not reloaded: I found {count} problem(s). Nothing changed and conversations in progress carry on. Fix this and try again:",
        "upload_refused": "{name} was not installed: I found {count} problem(s). Nothing changed. Fix the file and send it again:",
        "change_added": "• {id}: new",
        "change_removed": "• {id}: removed (whoever is in the middle of it finishes it)",
        "change_changed": "• {id}: changed ({added} step(s) added, {removed} removed, {changed} changed)",
        "problem_line": "• {where}: {message}",
        "problems_more": "… and {count} more. Run `coachbot validate` on the server for the full list.",
        "upload_not_yaml": "Send a dialogue file as a .yaml document.",
        "reload_unavailable": "Reloading is not available here: this bot does not know where its dialogues are.",
    },
}
