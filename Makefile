# Helsebro. `make demo` and `make test` on a fresh Debian 12 machine install
# what they need first (apt-get, through sudo when not root; npm for test tools).

CC ?= cc
CSTD = -std=c17 -D_GNU_SOURCE
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
       -Wvla -Wwrite-strings
CFLAGS_COMMON = $(CSTD) $(WARN) -pthread -I/usr/include/postgresql
LIBS = -lmicrohttpd -ljansson -lsqlite3 -lpq -lsodium -lcurl -lm -pthread

RELEASE_CFLAGS = $(CFLAGS_COMMON) -O2 -g
SAN_CFLAGS = $(CFLAGS_COMMON) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined

SRC = $(shell find src -name '*.c' | sort)
HDR = $(shell find src -name '*.h')
MIGRATIONS = $(sort $(wildcard db/migrations/*.sql))
LIB_SRC = $(filter-out src/main.c,$(SRC))
UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

APT_PACKAGES = build-essential libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libcurl4-openssl-dev \
               libsodium-dev postgresql sqlite3 chromium wrk nginx-light
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps test unit demo bench bench-flow bench-monitor bench-analytics clean format

all: build/helsebro

build/migrations.c: $(MIGRATIONS) tools/embed_migrations.sh
	@mkdir -p build
	sh tools/embed_migrations.sh db/migrations > $@

build/demo_files.c: db/demo/befolkning-framskrevet.csv db/demo/brukererfaring.csv tools/embed_file.sh
	@mkdir -p build
	sh tools/embed_file.sh hb__demo_projection=db/demo/befolkning-framskrevet.csv \
	    hb__demo_survey=db/demo/brukererfaring.csv > $@

GENERATED = build/migrations.c build/demo_files.c

build/helsebro: $(SRC) $(HDR) $(GENERATED)
	$(CC) $(RELEASE_CFLAGS) -o $@ $(SRC) $(GENERATED) $(LIBS)

build/san/helsebro: $(SRC) $(HDR) $(GENERATED)
	@mkdir -p build/san
	$(CC) $(SAN_CFLAGS) -o $@ $(SRC) $(GENERATED) $(LIBS)

# A unit test may #include a module's .c file to reach its static functions;
# that file is then left out of the link.
build/san/%: tests/unit/%.c tests/unit/harness.h $(LIB_SRC) $(HDR) $(GENERATED)
	@mkdir -p build/san
	$(CC) $(SAN_CFLAGS) -Isrc -o $@ $< \
	    $(filter-out $(shell sed -n 's|^#include "\(.*\.c\)"|src/\1|p' $<),$(LIB_SRC)) \
	    $(GENERATED) $(LIBS)

# Installs the Debian packages that are missing (nothing when all are there).
# Node.js and npm count as there when their commands are, whoever installed them.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	    echo "Installing:$$missing"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

tests/node_modules/.installed: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-deps: deps tests/node_modules/.installed

unit: $(addprefix build/san/,$(UNIT_TESTS))

test: test-deps build/helsebro build/san/helsebro unit
	@sh tests/run.sh

demo: deps build/helsebro
	@mkdir -p var
	./build/helsebro seed demo --db sqlite:var/demo.db
	@echo
	@echo "Helsebro: åpne http://127.0.0.1:8080 og logg inn med en av brukerne over."
	./build/helsebro serve --db sqlite:var/demo.db --listen 127.0.0.1:8080

bench: deps build/helsebro
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	sh bench/run.sh

bench-flow: deps build/helsebro
	sh bench/flow.sh

bench-monitor: deps build/helsebro
	sh bench/monitor.sh

# The indicator engine against SQLite, PostgreSQL and DuckDB (see bench/README.md).
bench-analytics: deps build/helsebro
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	sh bench/analytics.sh

format:
	clang-format -i $(SRC) $(HDR)

clean:
	rm -rf build
