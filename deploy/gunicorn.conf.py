"""gunicorn settings for the SIP follow-up service: `gunicorn --config deploy/gunicorn.conf.py`.

Environment overrides: SIP_BIND (default 127.0.0.1:8000, nginx in front), SIP_WORKERS
(1 when SURVEY_SINGLE_PROCESS=1).
"""

import gc
import multiprocessing
import os

wsgi_app = "wsgi:app"
bind = os.environ.get("SIP_BIND", "127.0.0.1:8000")
# Two sync workers a core. A family request now waits on the database for two short round
# trips at most, so a fifth worker on two cores only added wake-ups competing for them: at 50
# concurrent on PostgreSQL, 4 workers gave a lower p99 than 5 in each of five interleaved pairs
# (median 250 ms against 351) and more respondents a second (benchmarks/README.md).
_single = os.environ.get("SURVEY_SINGLE_PROCESS", "").strip().lower() in ("1", "true", "yes", "on")
_default_workers = 1 if _single else multiprocessing.cpu_count() * 2
workers = int(os.environ.get("SIP_WORKERS") or _default_workers)
# The app (preloaded below) checks its throttle store against the number of workers really run:
# per-process counters (memory://) are refused when more than one process serves.
os.environ["SIP_WORKERS"] = str(workers)
# ...and that the store answers, so a stopped Redis is one line at start, not a failed login.
os.environ.setdefault("SURVEY_CHECK_THROTTLE", "1")
worker_class = "sync"
# Load the app once in the master: a bad setting or an unreachable database stops the start
# with one line (see wsgi.py) instead of workers failing to boot in a loop; workers share memory.
preload_app = True
# nginx buffers slow phones, so a worker never waits long on one client.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound. Not too
# often: a new worker compiles its templates and fills its page store afresh; at 5 000 the
# load test (500+ requests/s over 5 workers) recycled a worker every few seconds.
max_requests = 50_000
max_requests_jitter = 5_000
# No access log: a respondent's request line would carry the path (and, for /s/<token>, the
# personal link) and the client address. nginx keeps a privacy-safe access log instead.
accesslog = None
errorlog = "-"
loglevel = "info"
# Behind nginx on the same host: trust X-Forwarded-Proto from loopback only.
forwarded_allow_ips = "127.0.0.1"
proxy_allow_ips = "127.0.0.1"
# gunicorn's runtime control socket would live in $HOME (read-only under systemd's ProtectHome)
# and be shared by every gunicorn of the same user; systemctl does what it offers.
control_socket_disable = True


# Memory: the workers share the preloaded app's pages with the master until something writes
# to them, and the garbage collector writes to every object it visits. So the master collects
# nothing while loading the app and freezes what it loaded before each fork (those objects are
# then never visited), and each worker collects as usual from then on (Python's gc.freeze
# documentation describes this pattern). Measured by benchmarks/worker_memory.py.
gc.disable()


_warm = False


def pre_fork(server, worker):  # gunicorn calls its hooks with these two arguments
    global _warm
    if not _warm:
        # What every worker would otherwise build for itself on its first requests (compiled
        # templates, the catalogs of every language): built once here, shared by all.
        from survey_app.ops.warm_up import warm_up
        from wsgi import app  # the service the configured WSGI app is (or wraps)

        warm_up(app)
        _warm = True
    gc.freeze()


def post_fork(server, worker):
    gc.enable()
