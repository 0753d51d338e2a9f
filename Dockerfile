# Coachbot image: the Telegram bot by default; chat, validate, dialogues, db and health too.
# Every install step below is also run by .ci/check_image_install.py (inside `make test`).

# The dependency list alone, so installing them is cached until the list itself changes.
FROM python:3.11.14-slim-bookworm AS requirements
WORKDIR /src
COPY pyproject.toml ./
COPY docker/requirements.py docker/
RUN python docker/requirements.py pyproject.toml > requirements.txt

FROM python:3.11.14-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    COACHBOT_DATA_DIR=/data \
    COACHBOT_DATABASE_URL=sqlite:////data/coachbot.db

# Everything the bot writes (SQLite database, heartbeat, chart images) goes to the /data volume.
RUN groupadd --gid 10001 coachbot \
    && useradd --create-home --uid 10001 --gid 10001 coachbot \
    && mkdir /data && chown 10001:10001 /data

WORKDIR /app
COPY --from=requirements /src/requirements.txt ./
RUN python -m pip install -r requirements.txt
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m pip install --no-deps --no-build-isolation . && rm -rf build ./*.egg-info
COPY dialogues ./dialogues
COPY prompts ./prompts

USER 10001:10001
VOLUME ["/data"]
# Webhook mode (coachbot run --webhook ...): Telegram's updates and GET /healthz.
EXPOSE 8443
# Healthy: the database is reachable and current, and the bot's heartbeat is fresh.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["coachbot", "health"]
ENTRYPOINT ["coachbot"]
CMD ["run"]
