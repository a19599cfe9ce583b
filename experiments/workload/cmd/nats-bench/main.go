// Command nats-bench is a publish/subscribe load generator for nats-server
// that speaks the NATS client protocol over TCP (standard library only).
// See ../../README-nats.md.
//
// Exit codes: 0 success (the result may count errors), 2 cannot connect or
// bad flags, 1 other failure.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"tuner.local/workload/internal/natsbench"
)

func main() {
	os.Exit(run())
}

func run() int {
	d := natsbench.DefaultConfig()
	cfg := d
	fs := flag.NewFlagSet("nats-bench", flag.ContinueOnError)
	fs.StringVar(&cfg.URL, "url", d.URL, "server, nats://host:port")
	fs.IntVar(&cfg.Publishers, "publishers", d.Publishers, "publisher connections")
	fs.IntVar(&cfg.Subscribers, "subscribers", d.Subscribers, "subscriber connections")
	fs.IntVar(&cfg.Subjects, "subjects", d.Subjects, "subjects bench.0 … bench.{K-1}; each message goes to a uniformly random one")
	fs.IntVar(&cfg.Fanout, "fanout", d.Fanout, "subscriber connections per subject (0 = all)")
	fs.IntVar(&cfg.Size, "size", d.Size, "payload bytes (at least 12: the publish time stamp and publisher id)")
	fs.Float64Var(&cfg.Rate, "rate", d.Rate, "messages/s per publisher, Poisson arrivals (0 = closed loop: as fast as -inflight allows)")
	fs.IntVar(&cfg.Inflight, "inflight", d.Inflight, "per publisher, messages sent but not yet confirmed by a PING's PONG")
	fs.DurationVar(&cfg.Duration, "duration", d.Duration, "measured window (no warm-up: run once unmeasured before)")
	fs.DurationVar(&cfg.Drain, "drain", d.Drain, "bound on the wait for outstanding deliveries after the window")
	fs.DurationVar(&cfg.ConnectTimeout, "connect-timeout", d.ConnectTimeout, "bound on connecting, and again on subscribing")
	seed := fs.Uint64("seed", d.Seed, "random seed (subject choice, arrivals, payload filler)")
	out := fs.String("out", "", "path of the JSON result ('-' or empty: stdout)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "nats-bench: unexpected arguments:", fs.Args())
		return 2
	}
	cfg.Seed = *seed
	cfg.Log = os.Stderr
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "nats-bench:", err)
		return 2
	}

	// Hard bound on the whole run, whatever the server does.
	limit := cfg.HardLimit()
	watchdog := time.AfterFunc(limit, func() {
		fmt.Fprintf(os.Stderr, "nats-bench: watchdog: run exceeded %v, exiting\n", limit)
		os.Exit(1)
	})
	defer watchdog.Stop()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := natsbench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nats-bench:", err)
		var ce *natsbench.ConnectError
		if errors.As(err, &ce) {
			return 2
		}
		return 1
	}
	if err := writeResult(*out, res); err != nil {
		fmt.Fprintln(os.Stderr, "nats-bench: writing result:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "nats-bench: published=%d delivered=%d (%.0f/s) p50=%.3fms p99=%.3fms max=%.1fms errors=%d undelivered=%d\n",
		res.Published, res.Delivered, res.Throughput, res.LatencyMs.P50, res.LatencyMs.P99, res.LatencyMs.Max, res.Errors, res.Undelivered)
	if res.Aborted != "" {
		return 1
	}
	return 0
}

// writeResult writes one JSON line, atomically when to a file.
func writeResult(path string, res *natsbench.Result) error {
	b, err := json.Marshal(res)
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
