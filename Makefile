# grassroots - the two commands of the README, and a few helpers.
#   make run    install what is missing, build, create demo.db if absent, serve on :8080
#   make test   install what is missing, build, run every test (unit, API, browser)
#   make bench  the benchmarks (figures go to docs/PERFORMANCE.md by hand)

JOBS ?= 2
DB ?= demo.db
LISTEN ?= 127.0.0.1:8080
WEB_SRC := $(shell find web/src web/index.html web/vite.config.js web/package.json -type f 2>/dev/null)

.PHONY: all deps build web run test test-asan bench format clean

all: build

deps:
	@scripts/install-deps --check 2>/dev/null || scripts/install-deps

web/dist/index.html: $(WEB_SRC) web/package-lock.json
	cd web && npm run build --silent
	@touch $@

web: deps web/dist/index.html

build: deps web/dist/index.html
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j$(JOBS)

build-asan/grassroots: build
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGR_SANITIZE=ON >/dev/null
	cmake --build build-asan -j$(JOBS)

run: build
	@[ -f $(DB) ] || build/grassroots demo --db $(DB)
	build/grassroots serve --db $(DB) --listen $(LISTEN)

# Unit and API tests under AddressSanitizer + UndefinedBehaviorSanitizer first, then
# everything (unit, API, browser, format) on the release build: ctest's summary is last.
test: build build-asan/grassroots
	ctest --test-dir build-asan -L 'unit|api' --output-on-failure -j$(JOBS)
	ctest --test-dir build --output-on-failure -j$(JOBS)

bench: build
	cmake --build build -j$(JOBS) --target benchmarks
	bench/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/unit/*.[ch]' 'bench/*.c' 'tools/*.c')

clean:
	rm -rf build build-asan web/dist
