"""gunicorn settings for the action tracker: `gunicorn -c deploy/gunicorn.conf.py lscb.wsgi`.

Each value can be overridden from the environment (GUNICORN_*), so the systemd unit and a container
use the same file.
"""

import multiprocessing
import os

# Behind nginx on the same machine: listen on loopback only. Use a unix socket or a private address
# when the proxy is elsewhere.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# The printed plan (WeasyPrint) is the slowest page; nothing else comes near a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows (jitter stops them all restarting at once).
max_requests = 2000
max_requests_jitter = 200
# Large uploads are streamed to disk by Django; these cap the request line and headers only.
limit_request_line = 8190
limit_request_fields = 100
# Only the local proxy may say which scheme and address the client used.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Logs go to the journal (stdout/stderr). The access log leaves out query strings (filters may name
# agencies or reviews); the app's own security log records who saw what.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "lscb-tracker"
# gunicorn's control socket (for `gunicornc`) is not used: systemd manages the service, and the
# hardened unit gives the process no home folder to put it in.
control_socket_disable = True
