# careerbot image: docker build -t careerbot . && docker run -e DISCORD_TOKEN -v careerbot-data:/data careerbot
# The token is passed at run time only (never an ARG/ENV here). The knowledge is baked in at
# /app/knowledge; mount your own folder there to override it (-v ./knowledge:/app/knowledge:ro).

# ---- build: turn the project and all its dependencies into wheels -------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --wheel-dir /wheels .

# ---- runtime: the wheels installed into a clean slim image, run as a fixed non-root user --
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CAREERBOT_KNOWLEDGE_PATH=/app/knowledge \
    CAREERBOT_DATABASE_PATH=/data/careerbot.sqlite3 \
    CAREERBOT_HEARTBEAT_PATH=/data/heartbeat
RUN groupadd --system --gid 10001 careerbot \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app careerbot \
    && mkdir -p /data \
    && chown 10001:10001 /data
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels /wheels/*.whl
WORKDIR /app
COPY knowledge ./knowledge
VOLUME ["/data"]
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
