"""gunicorn's settings for one instance of the portal (read by ``gunicorn -c``).

systemd starts one instance per port (deploy/systemd/portal@.service); nginx
spreads requests over them. Each instance runs WEB_CONCURRENCY sync workers.
"""

import os
import shutil
import tempfile

# --bind comes from the unit (one port per instance); loopback only, nginx is in front.
bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8001")
wsgi_app = "portal:create_app()"

# Sync workers: each answers one request at a time; two per core is a sound start.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A request that takes longer than this is killed and its worker replaced.
timeout = 30
# On SIGTERM or SIGHUP (systemctl reload) workers finish what they are answering, up to this long.
graceful_timeout = 30
keepalive = 5
# Workers are replaced after this many requests (with jitter, so not all at once): a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200

# nginx on this machine is the one proxy in front (PROXY_HOPS=1 in the app); gunicorn trusts only it.
forwarded_allow_ips = "127.0.0.1,::1"
# The app writes one line per request itself (portal/core/requestlog.py); errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = "info"
# systemd supervises the process; no control socket in the service user's home.
control_socket_disable = True
# Temporary request bodies in memory-backed /dev/shm rather than on disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Request metrics are counted per worker and added up at /metrics: prometheus_client keeps
# them in files in this folder, which must be empty when the instance starts.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="portal-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
