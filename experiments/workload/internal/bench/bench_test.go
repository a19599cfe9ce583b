package bench

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"tuner.local/workload/internal/server"
)

func runAgainst(t *testing.T, scfg server.Config, cfg Config) *Result {
	t.Helper()
	s := server.New(scfg)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()
	cfg.URL = ts.URL
	cfg.Log = testWriter{t}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !res.Converged || res.DivergentClients != 0 {
		t.Fatalf("not converged: %+v", res)
	}
	t.Logf("ops=%d cursor=%d saves=%d p50=%.2fms p99=%.2fms errors=%d reloads=%d reconnects=%d events=%d",
		res.Operations, res.CursorMoves, res.Saves, res.LatencyMs.P50, res.LatencyMs.P99, res.Errors, res.Reloads, res.StreamReconnects, res.EventsReceived)
	return res
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

var _ io.Writer = testWriter{}

// Five clients hammering one small document (many overlapping concurrent
// edits), closed loop for ~1 s: everyone must converge.
func TestClosedLoopConverges(t *testing.T) {
	scfg := server.DefaultConfig()
	scfg.SnapshotEvery = 50
	cfg := DefaultConfig()
	cfg.Clients = 5
	cfg.Docs = 1
	cfg.DocSize = 200
	cfg.Mode = ModeClosed
	cfg.Warmup = 100 * time.Millisecond
	cfg.Duration = time.Second
	cfg.SaveEvery = 20
	res := runAgainst(t, scfg, cfg)
	if res.Operations == 0 || res.Errors != 0 || res.Saves == 0 || res.CursorMoves == 0 {
		t.Fatalf("unexpected result: %+v", res)
	}
}

// A tiny history window forces 409s and reloads; still converges.
func TestReloadOnStaleBase(t *testing.T) {
	scfg := server.DefaultConfig()
	scfg.History = 2
	scfg.FlushInterval = 50 * time.Millisecond
	cfg := DefaultConfig()
	cfg.Clients = 6
	cfg.Docs = 1
	cfg.DocSize = 100
	cfg.Mode = ModeClosed
	cfg.Warmup = 0
	cfg.Duration = 700 * time.Millisecond
	res := runAgainst(t, scfg, cfg)
	if res.Operations == 0 {
		t.Fatalf("no operations: %+v", res)
	}
}

// Open loop with several documents.
func TestOpenLoopSeveralDocs(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Clients = 12
	cfg.Docs = 3
	cfg.DocSize = 4096
	cfg.Rate = 40
	cfg.Warmup = 200 * time.Millisecond
	cfg.Duration = 800 * time.Millisecond
	res := runAgainst(t, server.DefaultConfig(), cfg)
	if res.Operations == 0 || res.LatencySamples == 0 {
		t.Fatalf("unexpected result: %+v", res)
	}
}

func TestUnreachableServer(t *testing.T) {
	cfg := DefaultConfig()
	cfg.URL = "http://127.0.0.1:1"
	cfg.Duration = time.Second
	cfg.Log = io.Discard
	_, err := Run(context.Background(), cfg)
	ee, ok := err.(*ExitError)
	if !ok || ee.Code != 2 {
		t.Fatalf("want exit code 2, got %v", err)
	}
}
