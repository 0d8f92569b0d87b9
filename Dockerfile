# The production-like image for docker-compose.yml (web, worker and beat run it with different commands).
# Front-end libraries come from npm in a build stage: nothing is fetched from a CDN at run time.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# Pango and HarfBuzz's subsetter for WeasyPrint, CJK fonts for letters, gettext for the catalogues,
# the PostgreSQL client for `make backup` / `make restore`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    postgresql-client make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN python manage.py compilemessages -v0 --ignore='.venv/*' --ignore='node_modules/*' \
 && DEBUG=0 SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input -v0
RUN useradd --system --home /app portal && mkdir -p /app/var/media && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi"]
