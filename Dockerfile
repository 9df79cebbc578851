# microblog: gunicorn serving Django, static files by WhiteNoise, data in /data.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data

WORKDIR /app

RUN useradd --create-home --uid 10001 microblog \
    && mkdir -p /data \
    && chown microblog:microblog /data

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# collectstatic needs settings to load, and production settings need a secret key: this one exists
# only for this build step and is never used to sign anything.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-key-not-used-at-run-time-0123456789abcdef \
    python manage.py collectstatic --noinput

USER 10001
EXPOSE 8000
ENV DEBUG=0

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "docker-healthcheck.py"]

ENTRYPOINT ["./docker-entrypoint.sh"]
ENV BIND=0.0.0.0:8000
CMD ["gunicorn", "microblog.wsgi"]
