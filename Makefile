# Oui Engage — every target bootstraps what it needs (Debian packages, a private MariaDB under .data/).
.PHONY: run test bench cluster stop deps help

help:
	@echo "make run    install what is missing, start a private MariaDB, migrate, serve on http://127.0.0.1:8080"
	@echo "make test   the same bootstrap with its own database, then every test"
	@echo "make bench  pool vs sysbench, the documents API on a million rows, recipient page and pixel (wrk), analytics over ten million events, outbox vs smtp-source, webhooks to 3 receivers, sync, lead syncs"
	@echo "make cluster  three app nodes on a three-node MariaDB Galera cluster behind HAProxy on http://127.0.0.1:8080"
	@echo "make stop   stop the private MariaDB servers and the cluster"

deps:
	@bash .ci/lib/deps.sh

run: deps
	@bash .ci/lib/run.sh

test: deps
	@bash .ci/lib/test.sh

bench: deps
	@bash .ci/lib/bench.sh

cluster: deps
	@bash .ci/lib/cluster-run.sh

stop:
	@[ -d .data/cluster ] && bash .ci/lib/cluster.sh stop .data/cluster; true
	@for dir in .data/mariadb .data/test-mariadb .data/bench-mariadb; do \
	  [ -d $$dir ] && bash .ci/lib/mariadb.sh stop $$dir; true; \
	done
