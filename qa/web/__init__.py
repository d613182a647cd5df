"""The web page and the JSON API: one FastAPI application over one ``Service``.

``app.py`` builds the application (``create_app``), ``api.py`` holds the JSON routes,
``pages.py`` the server-rendered pages, ``deps.py`` the dependencies they share,
``render.py`` the Jinja2 environment (autoescaping on) and its helpers, and ``limits.py``
the request-body size limit.
"""
