# Web service image: Django + Channels served by daphne (ASGI).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# libpq-dev + gcc: psycopg2 is built from source against libpq. gettext: compilemessages (msgfmt).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev gcc gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first so this layer is cached until requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# With no environment set, settings fall back to SQLite and the in-memory channel layer,
# so these need no services at build time. Static files land in /app/var/static (STATIC_ROOT).
RUN python manage.py compilemessages --ignore=.venv \
    && python manage.py collectstatic --noinput

# Unprivileged runtime user. The code stays root-owned (read-only to the app); only the
# media directory (a volume in docker-compose.yml) and var/ are writable by it.
RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /data/media /app/var \
    && chown -R app:app /data/media /app/var
USER app

EXPOSE 8000

CMD ["python", "-m", "channels_app.serve", "-b", "0.0.0.0", "-p", "8000", "asgi:application"]
