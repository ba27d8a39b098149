# Rasd image: one image for every role (worker, beat, api, migrate, run); the command picks the role.
# Build stage installs into a venv so the runtime stage carries no compilers or pip caches.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/rasd
COPY . .
# The hot pure modules compiled with mypyc (tools/build_native.py); the wheel carries the .so files.
RUN /opt/rasd/bin/pip install --upgrade pip && python -m venv /tmp/buildenv \
    && /tmp/buildenv/bin/pip install mypy setuptools \
    && /tmp/buildenv/bin/python tools/build_native.py \
    && /opt/rasd/bin/pip install -c constraints.txt .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/rasd/bin:$PATH \
    RASD_DATA_DIR=/var/lib/rasd \
    RASD_API_HOST=0.0.0.0 \
    RASD_API_PORT=8080 \
    RASD_LOG_JSON=true \
    PROMETHEUS_MULTIPROC_DIR=/tmp/rasd-metrics
# Non-root: a fixed uid so volume ownership is predictable across rebuilds.
RUN groupadd --system --gid 10001 rasd \
    && useradd --system --uid 10001 --gid rasd --home-dir /var/lib/rasd --shell /usr/sbin/nologin rasd \
    && mkdir -p /var/lib/rasd /tmp/rasd-metrics \
    && chown rasd:rasd /var/lib/rasd /tmp/rasd-metrics
COPY --from=build /opt/rasd /opt/rasd
COPY ops /app/ops
WORKDIR /app
USER rasd
VOLUME ["/var/lib/rasd"]
EXPOSE 8080 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('RASD_API_PORT', '8080'), timeout=4)"
CMD ["rasd", "run"]
