# The portal's image: web (gunicorn), worker and beat run from it with different commands.
# The icons (Microsoft's Fluent System Icons, the npm package pinned in package-lock.json) are installed in a stage of
# their own; collectstatic below copies the few the portal uses into the image, and the package stays behind.
FROM node:22-slim AS icons
WORKDIR /icons
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.13-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN --mount=type=bind,from=icons,source=/icons/node_modules,target=/app/node_modules \
    python manage.py compilemessages --ignore=.venv -v0 \
 && SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 1000 portal && chown -R portal /app
USER portal
EXPOSE 8000
# gunicorn reads gunicorn.conf.py, and its number of web processes from WEB_CONCURRENCY.
CMD ["gunicorn", "partnercenter.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
