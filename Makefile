# Two commands matter: `make run` (build everything, start the server with the demo site)
# and `make test` (every test: Go, SDK unit tests, bundle budget, Chromium end to end).
GO      ?= go
BIN     := bin/reprise
ADDR    ?= 127.0.0.1:9529
DATA    ?= ./data

.PHONY: run build assets deps test test-go test-sdk test-e2e bench clean

run: build
	$(BIN) serve --demo --listen $(ADDR) --data-dir $(DATA)

build: assets
	$(GO) build -o $(BIN) ./cmd/reprise

deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets: deps
	node scripts/build.mjs

test: build test-go test-sdk test-e2e

test-go: assets
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-sdk: assets
	npx vitest run
	node scripts/check-size.mjs

test-e2e: build
	node --test --test-concurrency=1 --test-reporter=spec e2e/

bench: build
	node scripts/bench.mjs

clean:
	rm -rf bin internal/web/static/dist/*.js
