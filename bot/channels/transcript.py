"""A simulated session as plain text: the bot's messages in full, the user's answers after "> "."""

from __future__ import annotations

from bot.channels.terminal import html_to_text
from bot.engine.simulate import Run, Step
from bot.engine.turn import DONE, Button, Message, StartDialogue
from bot.records import NewCommitment, Profile


def transcript(run: Run) -> str:
    """Every message and answer of ``run``, what its end does, and where it stopped."""
    parts = [said(m) for m in run.first.messages]
    buttons = run.first.buttons
    for step in run.steps:
        if step.turn.outcome != "toggled":  # a selection in progress: its "Done" says it all
            parts.append(f"> {_answer(step, buttons)}")
            parts += [said(m) for m in step.turn.messages]
        buttons = step.turn.buttons
    parts += _effects(run)
    if run.stopped_at is not None:
        parts.append(f"(stopped: no answer left for question {run.stopped_at})")
    if run.unused:
        parts.append(f"({run.unused} answer(s) left over after the end)")
    return "\n\n".join(parts)


def said(message: Message) -> str:
    """A message as text: the whole of it (details too), its options numbered, a chart named."""
    text = html_to_text(message.details or message.text, styled=False)
    if not message.details:
        options = [b for b in message.buttons if b.value != DONE]
        text += "".join(f"\n  {n}) {b.label}" for n, b in enumerate(options, start=1))
    if message.image is not None:
        text += f"\n[chart: {message.image.caption}]"
    return text


def _answer(step: Step, shown: tuple[Button, ...]) -> str:
    """The answer as the user would have given it: a button by its label."""
    if step.turn.answered is not None:
        return step.turn.answered
    label = next((b.label for b in shown if b.value == step.incoming.value), None)
    return label if step.incoming.kind == "choice" and label else step.incoming.value


def _effects(run: Run) -> list[str]:
    """What the end does besides talking: a commitment to check in on, a next dialogue."""
    notes = []
    for effect in run.last.effects if run.last.finished else ():
        if isinstance(effect, NewCommitment):
            days = effect.follow_up_days
            notes.append(f"(commitment: {effect.text!r}, checked in on after {days} days)")
        elif isinstance(effect, StartDialogue):
            notes.append(f"(then starts the dialogue {effect.dialogue_id!r})")
    return notes


def profile_line(profile: Profile) -> str:
    """The profile a walk was made with, on one line."""
    texts = [profile.market, profile.product, profile.role, profile.experience]
    return ", ".join([*(t for t in texts if t), *profile.channels])
