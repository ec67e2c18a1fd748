# Thin wrapper around CMake, in the spirit of Neovim's: `make` installs what
# is missing, configures build/ and builds; `make run` and `make test` are the
# two commands the README shows.

BUILD_DIR    ?= build
BUILD_TYPE   ?= RelWithDebInfo
CMAKE_FLAGS  ?=
SANITIZE     ?= OFF
ASAN_DIR     ?= build-asan
CTEST_FLAGS  ?= --output-on-failure
ARGS         ?=

# Debian 12 packages. Build: what the code links against, and scdoc for the
# man pages. Test: what the test suite drives: a private dbus-daemon and its
# clients (dbus-monitor, dbus-send, gdbus, busctl), systemd-analyze, strace (a
# test counts the zone files read), python3
# with msgpack for the raw client, tmux for the terminal tests, chromium to
# render the pain report; for lumbar-notify, python3-dbusmock's notification
# server, dunst under Xvfb, and xfce4-notifyd under Xvfb for the README's
# picture (xwd from x11-apps takes it, xsetroot from x11-xserver-utils colours
# the desktop, xdotool presses the buttons); clang and libFuzzer's runtime for
# the short fuzzing run; man to render the installed pages, and the three
# shells whose completions are tested.
BUILD_DEPS := gcc make cmake pkg-config libuv1-dev libmsgpack-dev libdbus-1-dev \
              libsqlite3-dev libinih-dev libjansson-dev libcsv-dev scdoc
LINT_DEPS  := cppcheck clang-tidy
# Debian's npm only where no npm is there: a nodejs that bundles its own
# (NodeSource's) conflicts with the npm package.
NPM_DEP    := $(if $(shell command -v npm 2>/dev/null),,npm)
TEST_DEPS  := python3 python3-msgpack dbus-daemon dbus-bin dbus-user-session libglib2.0-bin \
              systemd sqlite3 strace tmux chromium python3-dbus python3-dbusmock dunst xvfb \
              xfce4-notifyd x11-apps x11-xserver-utils xdotool \
              fonts-dejavu-core nodejs $(NPM_DEP) clang libclang-rt-14-dev man-db zsh fish \
              bash-completion
# Bench: the programs bench_peers.py runs beside lumbard, under Xvfb, as
# `apt-get install workrave safeeyes` would set them up: Safe Eyes with what it
# recommends (its tray icon's indicator library, and xprintidle, which its
# smart pause runs every two seconds); strace for bench_startup. Not in
# TEST_DEPS: `make test` needs none of the programs.
BENCH_DEPS := workrave safeeyes gir1.2-ayatanaappindicator3-0.1 xprintidle xvfb dbus-daemon strace

.PHONY: all deps test-deps lint-deps bench-deps configure build run test test-plain test-asan \
        bench lint clean distclean format

# Targets run in order (package installs before configuring, one apt-get at a
# time); the compiling itself is parallel through cmake --build --parallel.
.NOTPARALLEL:

all: build

deps:
	@./tools/ensure-deps $(BUILD_DEPS)

test-deps:
	@./tools/ensure-deps $(BUILD_DEPS) $(TEST_DEPS)

lint-deps:
	@./tools/ensure-deps $(BUILD_DEPS) $(LINT_DEPS)

bench-deps:
	@./tools/ensure-deps $(BUILD_DEPS) $(BENCH_DEPS)

CONFIGURE := cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLUMBARD_SANITIZE=$(SANITIZE) \
             $(CMAKE_FLAGS)

$(BUILD_DIR)/CMakeCache.txt: | deps
	$(CONFIGURE)

configure: $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) --parallel

# Only what runs (the `programs` target: lumbard, its plugins, lumbarctl,
# lumbar-notify; no tests), and quietly: the configure and build output go to
# build/configure.log and build/build.log, shown only when they fail; the
# daemon's first line is the first line on the screen.
run: deps
	@[ -f $(BUILD_DIR)/cmake_install.cmake ] || ./tools/quietly $(BUILD_DIR)/configure.log $(CONFIGURE)
	@./tools/quietly $(BUILD_DIR)/build.log cmake --build $(BUILD_DIR) --parallel --target programs
	@exec $(BUILD_DIR)/bin/lumbard $(ARGS)

# The whole suite twice: the normal build, then an ASan+UBSan build of the
# same sources (any sanitizer report fails the test that saw it).
test: test-deps test-plain test-asan

# The conformance test's npm client (tests/conformance/package-lock.json pins
# it), installed into the build directory by npm ci; without npm or the
# registry this fails, and so does the test (it never skips).
NODE_DEPS = mkdir -p $(1)/conformance-node && \
	cp tests/conformance/package.json tests/conformance/package-lock.json $(1)/conformance-node/ && \
	cd $(1)/conformance-node && npm ci --no-audit --no-fund

test-plain: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) --parallel
	$(call NODE_DEPS,$(BUILD_DIR))
	cd $(BUILD_DIR) && ctest $(CTEST_FLAGS) --parallel 2

test-asan: test-deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUMBARD_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) --parallel
	$(call NODE_DEPS,$(ASAN_DIR))
	cd $(ASAN_DIR) && ctest $(CTEST_FLAGS) --parallel 2

# Static checks, clean or failing: cppcheck over every compiled file, and
# clang-tidy (checks in .clang-tidy) over the project's own sources.
lint: lint-deps build
	cppcheck --project=$(BUILD_DIR)/compile_commands.json --enable=warning,performance,portability \
	  --std=c11 --inline-suppr --suppress=missingIncludeSystem --error-exitcode=1 --quiet -j2 \
	  -i$(BUILD_DIR)
	run-clang-tidy -p $(BUILD_DIR) -j 2 -quiet '$(CURDIR)/(daemon|lib|proto|plugins|clients)/'

bench: bench-deps build
	cmake --build $(BUILD_DIR) --parallel --target bench
	$(BUILD_DIR)/tests/bench/run-bench $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	cmake --build $(BUILD_DIR) --target clean

distclean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
