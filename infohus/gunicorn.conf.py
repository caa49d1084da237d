"""gunicorn settings shared by `make run` (Procfile) and the Docker image."""

# The access log names the path but never the query string: the case list's search
# text (possibly a person's name) travels there.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
control_socket_disable = True
