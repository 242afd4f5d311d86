# passnum -- build, test, benchmark, fuzz and install.
#
#   make run     build, set up demo data in demo/ once, run passnumd (PORT=8080)
#   make test    build twice (plain, then ASan+UBSan), run every test, fuzz briefly
#   make bench   benchmarks, with their raw baselines measured in the same run
#   make fuzz    each fuzz target for FUZZ_SECONDS (default 60)
#   make deps    install the Debian packages the project needs
#   make docs    regenerate docs/errors.md from include/passnum/errors.def
#   make certs   a development CA and server certificate in certs/dev
#   make install the programs, man pages and systemd units (PREFIX, DESTDIR)
#   make deb     the Debian package, in build/deb (scripts/deb.sh)
#
# Builds go to $(BUILD): build/release by default, build/asan with SAN=1.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/passnum
LIBEXECDIR ?= $(PREFIX)/libexec/passnum
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# What the systemd units name: the configuration and the data directory.
SYSCONFDIR ?= /etc
STATEDIR ?= /var/lib/passnum
DEB_OUT ?= build/deb
BUILD   ?= build/release
SAN     ?=
CC      ?= cc
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
PORT    ?= 8080

PKGS      := libsodium libqrencode libpng libmicrohttpd jansson sqlite3 inih libxml-2.0 \
             libjpeg zbar
TEST_PKGS := cmocka
# The server reads QR codes from uploaded photos (server/core/qr_image.c)
# with libjpeg, libpng and libzbar, linked as usual. The terminal uses
# libcurl (HTTP client) and libzbar (QR from images and cameras) besides;
# there libzbar, and libpng, are loaded with dlopen(3) only when an image
# or a camera is read (terminal/qrdecode.c), and the terminal is linked
# --as-needed, so that neither is loaded at start.
TERM_PKGS := libcurl zbar
TERM_LINK_PKGS := libcurl
# libharu (the printed booklet) has no pkg-config file.
SRV_LIBS  := -lhpdf

CSTD   := -std=c11
WARN   := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
          -Wmissing-prototypes -Wvla -Wpointer-arith
ifeq ($(SAN),1)
OPT    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
          -fno-sanitize-recover=all
HARDEN := -fstack-protector-strong -fPIE
LDSAN  := -fsanitize=address,undefined
else
OPT    := -O2 -g
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDSAN  :=
endif

# pkg-config is asked only when a build needs it, so that "make deps" and
# "make clean" work on a machine without the libraries.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
TERM_CFLAGS = $(shell pkg-config --cflags $(TERM_PKGS))
TERM_LIBS   = $(shell pkg-config --libs $(TERM_LINK_PKGS))
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS   = $(shell pkg-config --libs $(TEST_PKGS))

CPPFLAGS := -Iinclude -Ilib -D_DEFAULT_SOURCE
CFLAGS   := $(CSTD) $(WARN) $(OPT) $(HARDEN)
LDFLAGS  := -pie -Wl,-z,relro,-z,now $(LDSAN)

LIB_SRC   := $(wildcard lib/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB_A     := $(BUILD)/libpassnum.a

# The server is two programs and the code they share:
#   server/core/      the domain both programs use (no HTTP, no command line)
#   server/store/     store.h and its SQLite implementation
#   server/ops/       the operations: every state change, one module each
#                     (op.h), called by both programs' adapters
#   server/passnumd/  the daemon: HTTP, routes, API and page adapters
#   server/admin/     passnum-admin's commands
# core/, store/ and ops/ see only each other's headers (SRV_INC); passnumd/ and
# admin/ see their own folder besides, never each other's
# (tests/e2e/test_layout.sh checks the includes and the links).
SRV_DIRS  := server/core server/store server/ops server/passnumd server/admin
SRV_INC   := -Iserver/core -Iserver/store -Iserver/ops
# libserver.a: core/, store/, ops/ and passnumd/ but main.c, linked by both
# programs (an archive: each takes only the members it calls) and by the
# tests and benchmarks.
SRV_SRC   := $(filter-out server/core/gen_%,$(wildcard server/core/*.c)) \
             $(wildcard server/store/*.c) $(wildcard server/ops/*.c) \
             $(filter-out server/passnumd/main.c,$(wildcard server/passnumd/*.c))
SRV_A     := $(BUILD)/libserver.a
PASSNUMD  := $(BUILD)/bin/passnumd
ADMIN_SRC := $(wildcard server/admin/*.c)
# A file directly in server/ (one added before the split, merged in) is
# built into nothing: say where it belongs.
SRV_STRAY := $(wildcard server/*.c server/*.h)
$(if $(SRV_STRAY),$(warning $(SRV_STRAY): move to server/core, store, ops, passnumd or admin))
TERM_SRC  := $(wildcard terminal/*.c)
TERM_OBJ  := $(TERM_SRC:%.c=$(BUILD)/obj/%.o)
ADMIN_BIN := $(BUILD)/bin/passnum-admin
TERM_BIN  := $(BUILD)/bin/passnum-terminal

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/pn-%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all test run bench fuzz install clean deps deps-check build-tests \
        fuzz-build tools docs certs deb

all: $(PASSNUMD) $(ADMIN_BIN) $(TERM_BIN)

deps:
	scripts/deps.sh install

# Pull in the Debian packages only when one is missing.
deps-check:
	@scripts/deps.sh check 2>/dev/null || scripts/deps.sh install

$(BUILD)/obj/%.o: %.c $(wildcard include/passnum/*.h lib/*.h $(SRV_DIRS:%=%/*.h) include/passnum/*.def terminal/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS) -c -o $@ $<

# Each server folder finds its own headers and those of core/ and store/.
$(BUILD)/obj/server/%.o: EXTRA_CFLAGS = $(SRV_INC)
$(TERM_OBJ): EXTRA_CFLAGS = $(TERM_CFLAGS)
# The terminal is linked --as-needed: of the server's libraries it needs
# few, and each one loaded (libmicrohttpd pulls in GnuTLS) costs resident
# memory on a small venue machine.

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(SRV_A): $(SRV_SRC:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(PASSNUMD): $(BUILD)/obj/server/passnumd/main.o $(SRV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SRV_LIBS) -lpthread

$(ADMIN_BIN): $(ADMIN_SRC:%.c=$(BUILD)/obj/%.o) $(SRV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SRV_LIBS) -lpthread

$(TERM_BIN): $(TERM_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(PKG_LIBS) $(TERM_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) tests/fixtures*.h include/passnum/errors.def $(SRV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SRV_DIRS:%=-I%) -Itests -Itests/unit $(PKG_CFLAGS) $(TEST_CFLAGS) \
	    $(CFLAGS) $(LDFLAGS) -o $@ $< $(SRV_A) $(LIB_A) $(PKG_LIBS) $(TEST_LIBS) \
	    $(SRV_LIBS) -lpthread -lm

$(BUILD)/tools/pn-%: tests/tools/%.c tests/fixtures.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS) -lm

# pn-phone_photo makes its photos with the tests' fixtures_photo.h.
$(BUILD)/tools/pn-phone_photo: tests/fixtures_photo.h

$(BUILD)/bench/%: bench/%.c bench/bench.h tests/fixtures*.h $(SRV_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SRV_DIRS:%=-I%) -Itests $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(SRV_A) $(LIB_A) $(PKG_LIBS) $(SRV_LIBS) -lpthread -lm

# bench_terminal_floor is linked as the terminal is, with libcurl
# (bench_terminal_rss.sh's baseline), not with the server's libraries.
$(BUILD)/bench/bench_terminal_floor: bench/bench_terminal_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(TERM_CFLAGS) $(CFLAGS) $(LDFLAGS) \
	    -Wl,--as-needed -o $@ $< $(PKG_LIBS) $(TERM_LIBS)

# test_terminal_anchor compiles the comparison of checkpoints in, as
# test_terminal_journal below does its modules.
$(BUILD)/tests/test_terminal_anchor: terminal/anchor_compare.c terminal/anchor.h

# test_terminal_journal compiles the terminal modules it tests in (the
# unit-test rule links only the server's and the library's archives).
$(BUILD)/tests/test_terminal_journal: terminal/journal.c terminal/journal.h \
    terminal/config.c terminal/config.h terminal/verdict.c terminal/verdict.h \
    terminal/typed.c terminal/typed.h

$(BUILD)/tests/test_terminal_skew: terminal/skew.c terminal/skew.h

# The error table's documentation is generated (make docs) and checked by
# tests/unit/test_errors.c, so that it cannot drift from errors.def.
$(BUILD)/tools/gen-errors-md: server/core/gen_errors_md.c server/core/errors.c server/core/errors.h include/passnum/errors.def
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ server/core/gen_errors_md.c server/core/errors.c

docs: $(BUILD)/tools/gen-errors-md
	$(BUILD)/tools/gen-errors-md > docs/errors.md

certs:
	certs/make-dev-certs.sh certs/dev

tools: $(TOOL_BIN)

build-tests: all $(UNIT_BIN) $(TOOL_BIN)

# libFuzzer targets: clang, with the library compiled in under ASan+UBSan.
build/fuzz/%: tests/fuzz/%.c tests/fixtures.h $(LIB_SRC) $(wildcard include/passnum/*.h lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Itests $(PKG_CFLAGS) -std=c11 -g -O1 \
	    -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) $(PKG_LIBS)

# fuzz_config and fuzz_form compile their server module in (the fuzz rule
# otherwise takes lib/).
build/fuzz/fuzz_config: server/core/config.c server/core/config.h
build/fuzz/fuzz_form: server/passnumd/form.c server/passnumd/form.h
# fuzz_journal and fuzz_typed_entry compile their terminal module in the
# same way.
build/fuzz/fuzz_journal: terminal/journal.c terminal/journal.h
build/fuzz/fuzz_typed_entry: terminal/typed.c terminal/typed.h
# fuzz_qr_image compiles the photo decoder in (libjpeg, libpng and zbar
# come with $(PKG_LIBS)).
build/fuzz/fuzz_qr_image: server/core/qr_image.c server/core/qr_image.h
# fuzz_epc_text compiles the SEPA text and business day modules in.
build/fuzz/fuzz_epc_text: server/core/epc_text.c server/core/epc_text.h \
    server/core/business_day.c server/core/business_day.h

fuzz-build: $(FUZZ_BIN)

test: deps-check
	@$(MAKE) --no-print-directory BUILD=build/release build-tests
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 build-tests
	@$(MAKE) --no-print-directory fuzz-build
	@tests/run.sh build/release build/asan

run: deps-check
	@$(MAKE) --no-print-directory BUILD=build/release all
	@scripts/run.sh build/release demo $(PORT)

bench: deps-check
	@$(MAKE) --no-print-directory BUILD=build/release all tools $(BENCH_SRC:bench/%.c=build/release/bench/%)
	@rc=0; build/release/bench/bench_voucher || rc=1; \
	    build/release/bench/bench_pdf || rc=1; \
	    build/release/bench/bench_statement || rc=1; \
	    build/release/bench/bench_report || rc=1; \
	    build/release/bench/bench_dashboard || rc=1; \
	    build/release/bench/bench_qr_image || rc=1; \
	    bench/bench_issue.sh build/release || rc=1; \
	    bench/bench_redeem.sh build/release || rc=1; \
	    bench/bench_settle.sh build/release || rc=1; \
	    bench/bench_settle_load.sh build/release || rc=1; \
	    bench/bench_terminal_rss.sh build/release || rc=1; \
	    python3 bench/bench_setup_history.py || rc=1; exit $$rc

fuzz: deps-check fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

MAN_SRC := $(wildcard docs/man/*.[18])
UNIT_IN := $(wildcard dist/systemd/*.service.in)
TIMERS  := $(wildcard dist/systemd/*.timer)
# The units and the failure script name the directories chosen here.
SUBST   := sed -e 's|@bindir@|$(BINDIR)|g' -e 's|@libexecdir@|$(LIBEXECDIR)|g' \
           -e 's|@sysconfdir@|$(SYSCONFDIR)|g' -e 's|@statedir@|$(STATEDIR)|g' \
           -e 's|@docdir@|$(DOCDIR)|g'

# The three programs, their man pages (gzipped), the systemd units and
# the documentation. The configuration and the data directory are the
# package's (debian/) or the administrator's: docs/install.md.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(PASSNUMD) $(ADMIN_BIN) $(TERM_BIN) $(DESTDIR)$(BINDIR)/
	for m in $(MAN_SRC); do \
	    s=$${m##*.}; gzip -9n <$$m >$(DESTDIR)$(MANDIR)/man$$s/$${m##*/}.gz && \
	    chmod 0644 $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}.gz || exit 1; done
	for u in $(UNIT_IN); do n=$${u##*/}; \
	    $(SUBST) $$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$${n%.in} && \
	    chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${n%.in} || exit 1; done
	install -m 0644 $(TIMERS) $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(SUBST) dist/systemd/report-failure.in >$(DESTDIR)$(LIBEXECDIR)/report-failure
	chmod 0755 $(DESTDIR)$(LIBEXECDIR)/report-failure
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/

# The Debian package (debian/), built with dpkg-buildpackage in a copy of
# the sources under $(DEB_OUT), where the .deb is written.
deb:
	scripts/deb.sh $(DEB_OUT)

clean:
	rm -rf build
