# Twoway production image: one image for web (gunicorn), worker and beat (celery).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=mentorship.settings \
    STATIC_ROOT=/app/staticfiles \
    TWOWAY_VAR_DIR=/app/var

WORKDIR /app

RUN groupadd --system twoway && useradd --system --gid twoway --home /app twoway

# Dependencies first, so a code change does not reinstall them: exactly what uv.lock pins
# (--locked refuses a lock that no longer matches pyproject.toml), without the dev extra, into
# /app/.venv, with the uv version the lock pins.
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=1 \
    PATH=/app/.venv/bin:$PATH
COPY pyproject.toml uv.lock README.md ./
RUN pip install "uv==$(python -c "import tomllib; print(next(p['version'] for p in tomllib.load(open('uv.lock', 'rb'))['package'] if p['name'] == 'uv'))")" \
 && uv sync --locked --no-install-project --python "$(command -v python)"

COPY . .
# Compiled once here (PYTHONDONTWRITEBYTECODE keeps processes from writing them at run time), so
# each gunicorn and celery process starts without compiling the project again.
RUN python -m compileall -q -x '/\.venv/' /app \
 && mkdir -p /app/var/media \
 && DJANGO_ENV=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && chown -R twoway:twoway /app/var

USER twoway
EXPOSE 8000

# gunicorn believes X-Forwarded-Proto only from the addresses in FORWARDED_ALLOW_IPS (its own
# variable; docker-compose.yml sets it); the client address for rate limits is TRUSTED_PROXY_COUNT's.
CMD ["gunicorn", "mentorship.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
