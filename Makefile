# Thin wrapper around CMake, in the spirit of Neovim's: `make` installs what
# is missing, configures build/ and builds; `make run` and `make test` are the
# two commands the README shows.

BUILD_DIR    ?= build
BUILD_TYPE   ?= RelWithDebInfo
CMAKE_FLAGS  ?=
SANITIZE     ?= OFF
CTEST_FLAGS  ?= --output-on-failure
ARGS         ?=

# Debian 12 packages. Build: what the code links against. Test: what the test
# suite drives: a private dbus-daemon and its clients (dbus-monitor, dbus-send,
# gdbus, busctl), systemd-analyze, python3 with msgpack for the raw client,
# tmux for the terminal tests, chromium to render the pain report;
# python3-dbusmock's notification server, and dunst under Xvfb, for
# lumbar-notify.
BUILD_DEPS := gcc make cmake pkg-config libuv1-dev libmsgpack-dev libdbus-1-dev \
              libsqlite3-dev libinih-dev libjansson-dev
TEST_DEPS  := python3 python3-msgpack dbus-daemon dbus-bin dbus-user-session libglib2.0-bin \
              systemd sqlite3 tmux chromium python3-dbus python3-dbusmock dunst xvfb \
              fonts-dejavu-core

.PHONY: all deps test-deps configure build run test bench clean distclean format

# Targets run in order (package installs before configuring, one apt-get at a
# time); the compiling itself is parallel through cmake --build --parallel.
.NOTPARALLEL:

all: build

deps:
	@./tools/ensure-deps $(BUILD_DEPS)

test-deps:
	@./tools/ensure-deps $(BUILD_DEPS) $(TEST_DEPS)

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLUMBARD_SANITIZE=$(SANITIZE) $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) --parallel

run: build
	$(BUILD_DIR)/bin/lumbard $(ARGS)

test: test-deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) --parallel
	cd $(BUILD_DIR) && ctest $(CTEST_FLAGS) --parallel 2

bench: build
	cmake --build $(BUILD_DIR) --parallel --target bench
	$(BUILD_DIR)/tests/bench/run-bench $(BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	cmake --build $(BUILD_DIR) --target clean

distclean:
	rm -rf $(BUILD_DIR)
