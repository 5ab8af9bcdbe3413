# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --uid 1000 jobboard \
 && DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost SECRET_KEY=build-only \
    python manage.py collectstatic --no-input \
 && mkdir -p /app/search-index && chown -R jobboard /app
USER jobboard
EXPOSE 8000
CMD ["gunicorn", "jobboard.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
