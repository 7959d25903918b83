FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-not-used python manage.py compilemessages --ignore=.venv -v 0 \
 && SECRET_KEY=build-only-not-used python manage.py collectstatic --no-input -v 0
# Uploaded files (proposal images, MEDIA_ROOT) live in a volume mounted here, owned by the app user.
RUN mkdir -p /app/var/media && useradd --system --uid 10001 portal && chown -R portal /app
USER portal
EXPOSE 8000
# Workers from the CPU count (gunicorn.conf.py; WEB_CONCURRENCY overrides it).
CMD ["gunicorn", "seoul_portal.wsgi:application"]
