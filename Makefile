# softbms: the two commands are `make run` and `make test`.
BUILD      ?= build
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja

.PHONY: all deps deps-run deps-test check-deps run test bench soak firmware fuzz fuzz-build format tidy clean

all: deps-run $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS)

# scripts/install-deps installs (apt-get) what a purpose needs and then probes that it works:
# `run` for building and running softbms, `test` for everything `make test` uses. DEPS_DONE=1
# skips it in the nested makes of `make test`, which has already done it.
deps: deps-test
deps-run:
	@[ -n "$(DEPS_DONE)" ] || scripts/install-deps run
deps-test:
	@[ -n "$(DEPS_DONE)" ] || scripts/install-deps test
check-deps:
	scripts/install-deps --check test

$(BUILD)/release/build.ninja:
	cmake -S . -B $(BUILD)/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

$(BUILD)/test/build.ninja:
	cmake -S . -B $(BUILD)/test $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DSOFTBMS_SANITIZE=ON

run: deps-run $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS) --target softbms
	scripts/run-demo $(BUILD)/release/app/softbms

test: deps-test $(BUILD)/test/build.ninja
	cmake --build $(BUILD)/test -j $(JOBS)
	cd $(BUILD)/test && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory firmware DEPS_DONE=1
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5 DEPS_DONE=1

bench: deps-run $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS)
	scripts/run-bench $(BUILD)/release

# `softbms run` under load for SOAK_MINUTES of wall time: memory, descriptors and latency must
# stay flat (scripts/soak; docs/reliability.md). Not part of `make test`.
SOAK_MINUTES ?= 20
soak: deps-test $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS) --target softbms
	scripts/soak --binary $(BUILD)/release/app/softbms --minutes $(SOAK_MINUTES)

firmware: deps-test
	cmake -S . -B $(BUILD)/firmware $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=MinSizeRel \
	  -DSOFTBMS_FIRMWARE=ON -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
	cmake --build $(BUILD)/firmware -j $(JOBS)
	scripts/firmware-size $(BUILD)/firmware/firmware/softbms-firmware.elf

FUZZ_SECONDS ?= 300
# The parsers outside protocols/jk (fuzz/CMakeLists.txt, host/web/fuzz, host/estimate/fuzz;
# docs/reliability.md and docs/security.md).
FUZZ_TARGETS := pylon_rs485_fuzz can_fuzz slcan_fuzz keepalive_fuzz state_store_fuzz \
  scenario_yaml_fuzz mqtt_command_fuzz cli_args_fuzz ble_notify_fuzz history_db_fuzz \
  web_http_fuzz web_request_gate_fuzz web_login_body_fuzz web_switch_body_fuzz web_emergency_body_fuzz \
  web_factory_reset_body_fuzz web_settings_body_fuzz web_history_query_fuzz \
  estimate_log_fuzz
fuzz-build: deps-test
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)/fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSOFTBMS_FUZZ=ON -DSOFTBMS_PARTS="protocols;sim;host" -DSOFTBMS_WEB_UI=OFF \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
	cmake --build $(BUILD)/fuzz -j $(JOBS) --target jk_frame_fuzz jk_ble_command_fuzz jk_nw_fuzz jk_modbus_fuzz \
	  $(FUZZ_TARGETS)

# Each parser's fuzz target for FUZZ_SECONDS (5 s in `make test`, 300 s by default here).
fuzz: fuzz-build
	scripts/run-fuzz $(BUILD)/fuzz $(FUZZ_SECONDS)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: $(BUILD)/release/build.ninja
	scripts/lint $(BUILD)/release

clean:
	rm -rf $(BUILD)
