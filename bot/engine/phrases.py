"""The coach's own short sentences (re-prompts, notices), in every supported language."""

from __future__ import annotations

from typing import Any

PHRASES: dict[str, dict[str, str]] = {
    "nl": {
        "empty": "Ik heb nog geen antwoord gezien. Typ je antwoord en stuur het op.",
        "pick_button": "Kies een van de knoppen hieronder (of typ precies de tekst van een knop).",
        "unknown_option": "Die keuze hoort niet bij deze vraag. Kies een van de knoppen hieronder.",
        "unsupported": "Dat kan ik niet lezen. Stuur je antwoord als tekst of kies een knop.",
        "too_short": "Dat is wat kort: schrijf minstens {min} tekens (nu {got}).",
        "too_long": "Dat is te lang: maximaal {max} tekens (nu {got}). Maak het korter en stuur het opnieuw.",
        "not_a_number": "Ik verwacht een getal, bijvoorbeeld {example}.",
        "not_whole": "Ik verwacht een heel getal, zonder komma.",
        "below_min": "Dat getal is te klein: het kleinste dat kan is {min}.",
        "above_max": "Dat getal is te groot: het grootste dat kan is {max}.",
        "scale": "Kies een getal van 1 tot en met 5.",
        "scale_ends": "1 = {low} · 5 = {high}",
        "stale": "Die knop hoort bij een eerdere vraag. We zijn hier gebleven:",
        "nothing_to_undo": "Dit is de eerste vraag; er is niets om terug te draaien.",
        "back": "Oké, we gaan een stap terug.",
        "resumed": "Welkom terug! We gaan verder waar je was gebleven.",
        "content_changed": "Dit gesprek is intussen aangepast en jouw stap bestaat niet meer, dus we beginnen opnieuw. Je eerdere antwoorden zijn bewaard.",
        "menu": "Kies een gesprek:",
        "menu_unfinished": "nog niet af",
        "menu_due": "nu aan de beurt",
        "menu_empty": "Er zijn nog geen gesprekken beschikbaar.",
        "no_session": "Je hebt geen lopend gesprek. Kies er een uit het menu.",
        "finished": "Klaar! Kies /menu voor een ander gesprek.",
        "unknown_command": "Dat commando ken ik niet. Typ /help voor wat wel kan.",
        "unknown_dialogue": "Dat gesprek bestaat niet. Kies een nummer uit het menu.",
        "help": "Zo werkt het: beantwoord de vragen door een knop te kiezen of je antwoord te typen. Je antwoorden worden meteen bewaard, dus je kunt altijd stoppen en later verdergaan.\n/menu – kies een gesprek\n/back – vorige vraag opnieuw\n/restart – dit gesprek opnieuw beginnen\n/quit – stoppen",
        "goodbye": "Tot ziens! Je antwoorden zijn bewaard; de volgende keer gaan we verder waar je was.",
        "image_saved": "Afbeelding opgeslagen: {path}",
    },
    "en": {
        "empty": "I haven't seen an answer yet. Type your answer and send it.",
        "pick_button": "Please choose one of the buttons below (or type exactly what a button says).",
        "unknown_option": "That choice doesn't belong to this question. Please choose one of the buttons below.",
        "unsupported": "I can't read that. Please send your answer as text or choose a button.",
        "too_short": "That's a bit short: please write at least {min} characters (you wrote {got}).",
        "too_long": "That's too long: at most {max} characters (you wrote {got}). Please shorten it and send it again.",
        "not_a_number": "I expect a number, for example {example}.",
        "not_whole": "I expect a whole number, without decimals.",
        "below_min": "That number is too small: the smallest allowed is {min}.",
        "above_max": "That number is too large: the largest allowed is {max}.",
        "scale": "Please choose a number from 1 to 5.",
        "scale_ends": "1 = {low} · 5 = {high}",
        "stale": "That button belongs to an earlier question. This is where we are:",
        "nothing_to_undo": "This is the first question; there is nothing to undo.",
        "back": "Okay, let's go one step back.",
        "resumed": "Welcome back! Let's continue where you left off.",
        "content_changed": "This conversation has been changed since and your step no longer exists, so we start again. Your earlier answers are kept.",
        "menu": "Choose a conversation:",
        "menu_unfinished": "unfinished",
        "menu_due": "due now",
        "menu_empty": "No conversations are available yet.",
        "no_session": "You have no conversation in progress. Choose one from the menu.",
        "finished": "Done! Choose /menu for another conversation.",
        "unknown_command": "I don't know that command. Type /help to see what works.",
        "unknown_dialogue": "That conversation doesn't exist. Choose a number from the menu.",
        "help": "How it works: answer the questions by choosing a button or typing your answer. Every answer is saved at once, so you can stop any time and continue later.\n/menu – choose a conversation\n/back – previous question again\n/restart – start this conversation over\n/quit – stop",
        "goodbye": "Goodbye! Your answers are saved; next time we continue where you left off.",
        "image_saved": "Image saved: {path}",
    },
}


def phrase(lang: str, key: str, **values: Any) -> str:
    """The sentence ``key`` in ``lang`` (Dutch when the language is unknown)."""
    table = PHRASES.get(lang, PHRASES["nl"])
    return table[key].format(**values)
