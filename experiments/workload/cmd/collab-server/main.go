// Command collab-server is a collaborative plain-text document service used
// as the GC tuning workload. See ../../README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"tuner.local/workload/internal/server"
)

func main() {
	os.Exit(run())
}

func run() int {
	d := server.DefaultConfig()
	fs := flag.NewFlagSet("collab-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (loopback only)")
	docSize := fs.Int("doc-size", d.DocSize, "bytes of initial text of a new document (an opener's ?size= overrides it)")
	history := fs.Int("history", d.History, "max operations kept per document; older bases get 409")
	snapEvery := fs.Int("snapshot-every", d.SnapshotEvery, "ops between periodic snapshots of a document (0 = off)")
	snapKeep := fs.Int("snapshot-keep", d.SnapshotKeep, "snapshots kept per document")
	flush := fs.Duration("flush-interval", d.FlushInterval, "event-stream coalescing interval")
	maxQueue := fs.Int("max-queue", d.MaxQueue, "events queued for one stream before it is dropped")
	// Deliberate leaks for testing leak detection (internal/server/leaks.go). The rates were measured with
	// sync-bench on a 2-vCPU VM: its defaults (open loop, ~800 edits/s, ~1000 document requests/s) and
	// -mode closed -clients 64 (~5-6k edits/s).
	leakGoroutines := fs.Bool("leak-goroutines", false, fmt.Sprintf(
		"deliberate leak: every %dth applied edit parks a goroutine forever on a channel nobody closes "+
			"(~50 goroutines/s at sync-bench's defaults, ~400/s at 5-6k edits/s; each ~2 KiB of stack + ~0.7 KiB of heap)",
		server.LeakGoroutineEvery))
	leakCache := fs.Bool("leak-cache", false, fmt.Sprintf(
		"deliberate leak: every applied edit stores the encoded op and %d bytes of text around it in a per-document cache that is never evicted "+
			"(~0.4 KiB of live heap per edit: ~0.3 MiB/s at sync-bench's defaults, ~2-3 MiB/s at 5-6k edits/s)",
		server.LeakCacheContext))
	leakClosure := fs.Bool("leak-closure", false, fmt.Sprintf(
		"deliberate leak: every %dth document request (open, edit, cursor, save, text, view) registers a callback closure "+
			"holding a fresh %d KiB buffer that is never removed (~0.5 MiB/s at sync-bench's defaults, ~3.3 MiB/s at 5-6k edits/s)",
		server.LeakClosureEvery, server.LeakClosureBuffer>>10))
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *docSize < 0 || *history <= 0 || *snapEvery < 0 || *snapKeep <= 0 || *flush < 0 || *maxQueue <= 0 {
		fmt.Fprintln(os.Stderr, "collab-server: invalid flags")
		return 2
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "collab-server:", err)
		return 2
	}
	cfg := d
	cfg.DocSize = *docSize
	cfg.History = *history
	cfg.SnapshotEvery = *snapEvery
	cfg.SnapshotKeep = *snapKeep
	cfg.FlushInterval = *flush
	cfg.MaxQueue = *maxQueue
	cfg.LeakGoroutines = *leakGoroutines
	cfg.LeakCache = *leakCache
	cfg.LeakClosure = *leakClosure
	s := server.New(cfg)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "collab-server:", err)
		return 1
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       90 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "collab-server: listening on http://%s (pid %d)\n", ln.Addr(), os.Getpid())
	if *leakGoroutines || *leakCache || *leakClosure {
		fmt.Fprintf(os.Stderr, "collab-server: deliberate leaks on: goroutines=%v cache=%v closure=%v\n", *leakGoroutines, *leakCache, *leakClosure)
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		fmt.Fprintln(os.Stderr, "collab-server:", err)
		return 1
	}
	s.Close() // end event streams so Shutdown does not wait for them
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(os.Stderr, "collab-server: shutdown:", err)
	}
	srv.Close()
	fmt.Fprintln(os.Stderr, "collab-server: stopped")
	return 0
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: only loopback addresses are allowed", addr)
	}
	return nil
}
