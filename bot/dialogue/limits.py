"""Every limit content must stay within, in one place (docs/dialogue-format.md lists them).

The limits keep one hostile or mistaken file from taking the bot down: a file is refused,
with the line at fault, before it can use much time or memory, and a text that passed
validation can never use more than a few milliseconds or 64 KB when it is shown.
"""

from __future__ import annotations

# -- files ------------------------------------------------------------------------------------
MAX_FILE_BYTES = 1_000_000  # a dialogue file
MAX_YAML_DEPTH = 20  # mappings and lists inside each other
MAX_TEMPLATE_CHARS = 20_000  # one text: inline in a dialogue, or a template file
MAX_NESTING = 20  # brackets and {% if %}/{% for %}/... blocks inside each other in one text
MAX_TEMPLATE_DEPTH = 40  # parts inside each other, e.g. a long chain of + or of filters
MAX_LOOP_NESTING = 5  # {% for %} inside {% for %}
MAX_PROBLEMS_PER_KIND = 10  # e.g. control characters: the first ten are listed

# -- what a text may do when it is shown ---------------------------------------------------
MAX_OUTPUT_BYTES = 64 * 1024  # one rendered text (UTF-8)
MAX_VALUE_CHARS = 64 * 1024  # any text or list built while rendering, and a computed value
MAX_STEPS = 10_000  # work units per rendering: loop rounds (by body size), calls, filters
MAX_LOOP_ROUNDS = 1_000  # nested loops over fixed ranges, multiplied out (checked at load)
MAX_RANGE = 100  # items of range()
MAX_WIDTH = 200  # widths and counts: center, indent, ljust, rjust, zfill, format, batch, slice
MAX_POWER_BITS = 256  # x ** y may give numbers up to 2 ** 256
MAX_LIPSUM = 5  # paragraphs of lipsum()
