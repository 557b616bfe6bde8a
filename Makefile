# Tether: two commands matter. `make run` installs what is missing, builds and starts the server;
# `make test` installs, builds and runs every test.

APT_PACKAGES := cmake ninja-build g++ clang-14 libclang-rt-14-dev \
  libboost1.81-dev libboost-url1.81-dev libssl-dev libprotobuf-dev protobuf-compiler libsqlite3-dev \
  libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  mosquitto mosquitto-clients openssl python3 python3-pytest python3-paho-mqtt python3-protobuf \
  prometheus

BUILD_DIR ?= build
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 30
JOBS ?= $(shell nproc)

.PHONY: all deps deps-npm configure build run test unit-test system-test fuzz fuzz-build bench clean format

all: build

# Installs only the Debian packages that are missing, so it is quick and idempotent.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
	@$(MAKE) --no-print-directory deps-npm

# npm packages used by oracle tests live in their own folder.
deps-npm:
	@if [ -f tests/oracle/package.json ] && [ ! -d tests/oracle/node_modules ]; then \
	  cd tests/oracle && npm install --no-audit --no-fund --silent; fi

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/tether serve --mqtt-listen 127.0.0.1:1885 --mqtt-allow-anonymous

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

system-test: build
	TETHER_BIN=$(abspath $(BUILD_DIR))/tether /usr/bin/python3 -m pytest -q tests/system

$(FUZZ_DIR)/build.ninja:
	CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTETHER_FUZZ=ON -DTETHER_TESTS=OFF

fuzz-build: deps $(FUZZ_DIR)/build.ninja
	cmake --build $(FUZZ_DIR) -j $(JOBS)

# Runs every fuzz target for FUZZ_SECONDS each, seeded from tests/data.
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

test: unit-test system-test fuzz

bench: build
	@echo "see BENCHMARKS.md for the commands"

format:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
