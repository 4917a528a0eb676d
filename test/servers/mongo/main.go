// Command mongo-test-server runs FerretDB (embedded, SQLite backend) on 127.0.0.1 for the tests.
//
//	mongo-test-server [-port N] [-data-dir DIR]     (port 0 = a free port, the default)
//
// It stores its data in DIR (created if missing, kept on exit so a restart on the same DIR finds
// its data) or else in a fresh temp dir that it removes on exit. It prints exactly one line
// `MONGO_READY mongodb://127.0.0.1:<port>` on stdout once the port accepts connections
// (everything else goes to stderr), and exits cleanly on SIGTERM/SIGINT or when its stdin
// reaches EOF (the parent test process went away). No authentication.
//
// FerretDB is embedded through its public package github.com/FerretDB/FerretDB/ferretdb,
// because `go install .../cmd/ferretdb@v1.24.2` builds a binary that panics at start
// (it requires the generated build/version/version.txt that the module zip lacks).
// test/servers/prepare.sh builds it against FerretDB v1.24.2 from the Go module proxy with the
// small fixes in ferretdb-v1.24.2.patch applied (see test/servers/README.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	os.Exit(run())
}

func run() int {
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 = a free port)")
	logLevel := flag.String("log-level", "warn", "FerretDB log level on stderr: debug, info, warn, error")
	dataDir := flag.String("data-dir", "", "directory for the SQLite files, kept on exit so a restart finds its data (default: a new temp dir, removed on exit)")
	flag.Parse()

	// When the parent dies, stdout/stderr are broken pipes: get EPIPE instead of dying by SIGPIPE,
	// so the cleanup below still runs.
	signal.Ignore(syscall.SIGPIPE)

	start := time.Now()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "mongo-test-server: bad -log-level %q: %v\n", *logLevel, err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir := *dataDir
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "redk-ferretdb-")
		if err == nil {
			defer os.RemoveAll(dir)
		}
	} else {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mongo-test-server: %v\n", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// The parent keeps our stdin open as a pipe; EOF means it is gone, so we go too.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		fmt.Fprintln(os.Stderr, "mongo-test-server: stdin closed, shutting down")
		stop()
	}()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: fmt.Sprintf("127.0.0.1:%d", *port)},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "mongo-test-server: failed to start FerretDB: %v\n", err)
		return 1
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	// The listener is bound by New; connections queue until Run accepts them.
	uri := strings.TrimSuffix(f.MongoDBURI(), "/")
	fmt.Fprintf(os.Stderr, "mongo-test-server: FerretDB (SQLite) up in %d ms, data in %s\n",
		time.Since(start).Milliseconds(), dir)
	fmt.Fprintf(os.Stdout, "MONGO_READY %s\n", uri)

	select {
	case <-done:
		fmt.Fprintln(os.Stderr, "mongo-test-server: FerretDB stopped on its own")
		return 1
	case <-ctx.Done():
	}

	// FerretDB waits for in-flight commands; do not let a stuck one keep us alive.
	select {
	case <-done:
		fmt.Fprintln(os.Stderr, "mongo-test-server: stopped")
	case <-time.After(5 * time.Second):
		fmt.Fprintln(os.Stderr, "mongo-test-server: FerretDB did not stop within 5 s, exiting anyway")
	}

	return 0
}
