# Production image: gunicorn with uvicorn workers serving Django (ASGI), static files by whitenoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=false

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY departments ./departments
COPY journeys ./journeys
COPY valuestreams ./valuestreams
COPY workshop ./workshop
RUN pip install --upgrade pip && pip install .
COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
# The Dutch and German catalogues are compiled here; only their .po sources are in git.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py compilemessages -v 0 \
    && apt-get purge -y gettext && rm -rf /var/lib/apt/lists/*
# collectstatic needs settings that load; the real secret comes from the environment at run time.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --system --home /app crosswalk && chown -R crosswalk /app
USER crosswalk
EXPOSE 8000
# ASGI (uvicorn workers under gunicorn): live push holds one long-lived request per
# open editor, which async workers keep at about 100 KiB each.
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --timeout 60 --graceful-timeout 5 --access-logfile -"]
