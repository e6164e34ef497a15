# crmbot — run `make help` to see the targets.
GO ?= go

.PHONY: help test lint run demo sandbox bench build deps screenshots

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-9s %s\n", $$1, $$2}'

deps: ## install missing Debian packages (postgresql, chromium, nodejs) when root or sudo allows
	@scripts/ensure-deps.sh

test: deps ## run every test (real PostgreSQL, the sandbox, headless Chromium) with the race detector
	$(GO) test -race -count=1 -timeout 15m ./...

lint: ## gofmt, go vet and staticcheck
	@test -z "$$(gofmt -l .)" || (gofmt -l . && echo "gofmt needed" && exit 1)
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

screenshots: ## refresh docs/screenshots from the headless Chromium test
	CRMBOT_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run TestWebChatInChromium ./internal/sandbox/

build: ## build bin/crmbot
	$(GO) build -trimpath -ldflags "-X main.version=$$(git describe --tags --always --dirty 2>/dev/null || echo dev)" -o bin/crmbot ./cmd/crmbot

run: build ## run the bot (needs TELEGRAM_BOT_TOKEN and DATABASE_URL)
	bin/crmbot run

demo: ## the whole product locally: database, sandbox, bot and demo data; open the printed URL
	@scripts/ensure-deps.sh nobrowser
	$(GO) run ./cmd/crmbot demo

sandbox: ## the local Telegram sandbox alone
	$(GO) run ./cmd/crmbot sandbox

bench: ## throughput and latency against the sandbox: the durable path, then the real bot under a reps' mix vs an echo bot (docs/PERFORMANCE.md)
	$(GO) run ./cmd/crmbot bench
