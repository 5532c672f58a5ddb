# Web service image: Django + Channels served by daphne (ASGI).

# The scripts the pages load from the npm registry (Apache ECharts), checked against their
# integrity hashes as `make install` does (Makefile: ECHARTS_*).
FROM node:20-bookworm-slim AS vendor
WORKDIR /build
COPY Makefile scripts/vendor-npm.sh ./
RUN version=$(sed -n 's/^ECHARTS_VERSION := //p' Makefile) \
    && integrity=$(sed -n 's/^ECHARTS_INTEGRITY := //p' Makefile) \
    && bash vendor-npm.sh echarts "$version" "$integrity" dist/echarts.min.js /build/vendor/echarts

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
COPY --from=vendor /build/vendor mediation/static/vendor

# Neither command opens a database connection, so they need no services at build time. Static
# files land in /app/var/static (STATIC_ROOT).
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
