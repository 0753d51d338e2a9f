# Coachbot image: the Telegram bot by default; `chat`, `validate` and `dialogues` work too.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    COACHBOT_DATABASE_URL=sqlite+aiosqlite:////data/coachbot.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .
COPY dialogues ./dialogues
COPY prompts ./prompts

RUN useradd --create-home --uid 10001 coachbot && mkdir /data && chown coachbot /data
USER coachbot
VOLUME ["/data"]

# Fails the container if the content does not validate.
HEALTHCHECK --interval=60s --timeout=10s CMD ["coachbot", "validate"]
ENTRYPOINT ["coachbot"]
CMD ["run"]
