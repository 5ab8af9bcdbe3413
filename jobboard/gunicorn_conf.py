"""What the web server needs whoever starts it (`make run`, docker-compose)."""

# A search address carries every filter in its query string. One that is too long must still
# reach Django, which ignores the bad part with a notice, rather than be refused by gunicorn
# with a bare 414: allow the longest request line gunicorn can (its default is 4094).
limit_request_line = 8190
