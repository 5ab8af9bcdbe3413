import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
application = get_wsgi_application()

# What a web process loads at start (Django, the apps, their modules) lives as long as it
# does, yet Python's full garbage collections walk all of it each time: 35-70 ms a pass, a
# few a minute per worker, inside whichever request set one off. Frozen, it is left out
# of those passes (12-15 ms then; make bench-browse's one-client searches p95 94 -> 71 ms,
# p99 124 -> 92 in one run each).
gc.freeze()
