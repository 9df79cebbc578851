#!/bin/sh
# Apply migrations (unless SKIP_MIGRATE=1: when several containers start together, let one do
# it), then hand over to the command: gunicorn by default, or `python manage.py worker`.
set -e
if [ "${SKIP_MIGRATE:-0}" != "1" ]; then
  python manage.py migrate --noinput
fi
exec "$@"
