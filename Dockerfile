# Infohus web and Celery image. Built and run by docker-compose.yml; see README.md.
FROM python:3.11-slim-bookworm

# Native libraries and fonts WeasyPrint needs for the PDF status report.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
 && rm -rf /var/lib/apt/lists/*

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /bin/

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/app/.venv/bin:$PATH \
    WEB_CONCURRENCY=3

WORKDIR /app

# Dependencies before code, so a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev

# Static files are part of the image. The keys exist for this step only; the
# containers get the real ones from the environment.
RUN SECRET_KEY=collectstatic-only CPR_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput

RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home infohus \
 && mkdir -p /app/var \
 && chown infohus:infohus /app/var
USER infohus

EXPOSE 8000
# gunicorn takes its number of workers from WEB_CONCURRENCY.
# Migrations and grants run as the schema owner; gunicorn as the application's role.
CMD ["sh", "-c", "DATABASE_AS_OWNER=true python manage.py migrate --noinput && DATABASE_AS_OWNER=true python manage.py grant_app_role && exec gunicorn infohus.wsgi --bind 0.0.0.0:8000 --config infohus/gunicorn.conf.py"]
