// Command sync-bench is the load generator for collab-server. See
// ../../README.md.
//
// Exit codes: 0 success, 3 divergence (JSON still written), 2 server not
// reachable or bad flags, 1 other failure.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"tuner.local/workload/internal/bench"
)

func main() {
	os.Exit(run())
}

func run() int {
	d := bench.DefaultConfig()
	cfg := d
	fs := flag.NewFlagSet("sync-bench", flag.ContinueOnError)
	fs.StringVar(&cfg.URL, "url", d.URL, "collab-server base URL")
	fs.IntVar(&cfg.Clients, "clients", d.Clients, "simulated editors")
	fs.IntVar(&cfg.Docs, "docs", d.Docs, "documents (clients are spread round-robin)")
	fs.IntVar(&cfg.DocSize, "doc-size", d.DocSize, "initial document size in bytes (sent on open; the server creates docs on first open)")
	fs.Float64Var(&cfg.Rate, "rate", d.Rate, "per-client Poisson action rate in Hz (open mode)")
	fs.StringVar(&cfg.Mode, "mode", d.Mode, "open (Poisson arrivals) or closed (next action as soon as the previous is acknowledged)")
	fs.DurationVar(&cfg.Warmup, "warmup", d.Warmup, "warm-up before the measured window (not counted)")
	fs.DurationVar(&cfg.Duration, "duration", d.Duration, "measured window")
	fs.IntVar(&cfg.SaveEvery, "save-every", d.SaveEvery, "a client saves roughly every N of its edits (0 = never)")
	fs.Float64Var(&cfg.CursorProb, "cursor-prob", d.CursorProb, "fraction of actions that are cursor moves")
	seed := fs.Uint64("seed", d.Seed, "random seed")
	fs.DurationVar(&cfg.Timeout, "timeout", d.Timeout, "per-request timeout")
	out := fs.String("out", "", "path of the JSON result (default stdout)")
	fs.IntVar(&cfg.MaxErrors, "max-errors", d.MaxErrors, "abort after this many errors in the window (0 = unlimited)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of sync-bench itself to this file")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "sync-bench: unexpected arguments:", fs.Args())
		return 2
	}
	cfg.Seed = *seed
	cfg.Log = os.Stderr
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "sync-bench:", err)
		return 2
	}

	// Hard bound on the whole run, whatever the server does.
	limit := cfg.Warmup + cfg.Duration + bench.HardLimit
	watchdog := time.AfterFunc(limit, func() {
		fmt.Fprintf(os.Stderr, "sync-bench: watchdog: run exceeded %v, exiting\n", limit)
		os.Exit(1)
	})
	defer watchdog.Stop()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sync-bench:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "sync-bench:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := bench.Run(ctx, cfg)
	code := 0
	if err != nil {
		fmt.Fprintln(os.Stderr, "sync-bench:", err)
		code = 1
		var ee *bench.ExitError
		if errors.As(err, &ee) {
			code = ee.Code
		}
	}
	if res != nil {
		if werr := writeResult(*out, res); werr != nil {
			fmt.Fprintln(os.Stderr, "sync-bench: writing result:", werr)
			return 1
		}
		if code == 0 && !res.Converged {
			code = 3
		}
		fmt.Fprintf(os.Stderr, "sync-bench: %s ops=%d (%.1f/s) p50=%.2fms p99=%.2fms max=%.1fms errors=%d converged=%v\n",
			res.Mode, res.Operations, res.Throughput, res.LatencyMs.P50, res.LatencyMs.P99, res.LatencyMs.Max, res.Errors, res.Converged)
	}
	return code
}

func writeResult(path string, res *bench.Result) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "" || path == "-" {
		_, err = os.Stdout.Write(b)
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
