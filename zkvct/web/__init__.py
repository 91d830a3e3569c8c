"""The one web stack every HTTP service of zkvct is built on.

FastAPI on uvicorn, pydantic models, SQLAlchemy 2 Core (SQLite by default, PostgreSQL through
psycopg 3 for replicas), httpx for clients. Each module does one job:

* :mod:`.errors`  the domain error a handler raises (status, machine code, human detail);
* :mod:`.app`     the app factory: JSON error handlers, no tracebacks, no echoed secrets;
* :mod:`.limits`  request-body size limit enforced while streaming, body timeouts, bounded concurrency;
* :mod:`.auth`    bearer token (made at first start, 0600 file), Host and Origin allow-lists;
* :mod:`.db`      engine factory from a URL, WAL for SQLite, read and write transaction helpers;
* :mod:`.serve`   run uvicorn on 127.0.0.1 with header/keep-alive timeouts, in the foreground or a thread.
"""
