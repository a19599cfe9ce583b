package bench

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"tuner.local/workload/internal/protocol"
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

// A submit whose base version is older than the server's history window is
// answered 409; the client must then reload (re-open) the document exactly
// once per conflict, drop its pending op, take over the server's text and
// version, and not count the 409 as an error.
func TestReloadOnStaleBase(t *testing.T) {
	t.Run("exact", func(t *testing.T) {
		const (
			clientID  = 7
			serverTxt = "hello world"
			conflicts = 3 // the first three submits are stale
		)
		var (
			mu       sync.Mutex
			opens    int
			reopenID []string // ?client= of every open after the first
			submits  int
		)
		mux := http.NewServeMux()
		mux.HandleFunc("POST /docs/doc-0/open", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			opens++
			if opens > 1 {
				reopenID = append(reopenID, r.URL.Query().Get("client"))
			}
			v := int64(100 * opens) // every (re)open sees a newer version
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(protocol.OpenResponse{Client: clientID, Version: v, Text: serverTxt})
		})
		mux.HandleFunc("POST /docs/doc-0/ops", func(w http.ResponseWriter, r *http.Request) {
			var req protocol.SubmitRequest
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			mu.Lock()
			submits++
			stale := submits <= conflicts
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			if stale {
				w.WriteHeader(http.StatusConflict)
				json.NewEncoder(w).Encode(protocol.ErrorResponse{Error: "base version is older than the history window; reload the document"})
				return
			}
			json.NewEncoder(w).Encode(protocol.SubmitResponse{Version: req.Base + 1, Missed: []protocol.Event{}})
		})
		ts := httptest.NewServer(mux)
		defer ts.Close()

		cfg := DefaultConfig()
		cfg.URL = ts.URL
		cfg.Docs = 1
		cfg.DocSize = len(serverTxt)
		cfg.Log = testWriter{t}
		b := &bench{cfg: cfg, base: ts.URL, hc: ts.Client(), log: cfg.Log, abortCh: make(chan struct{})}
		c := newClient(b, 0)
		ctx := context.Background()
		if err := c.open(ctx); err != nil {
			t.Fatalf("open: %v", err)
		}

		for i := 1; i <= conflicts; i++ {
			c.mu.Lock()
			epoch := c.epoch
			c.mu.Unlock()
			if c.edit(ctx, time.Now()) {
				t.Fatalf("edit %d: acknowledged, want a 409 conflict", i)
			}
			if got := c.reloads.Load(); got != int64(i) {
				t.Fatalf("after %d stale-base conflicts: reloads = %d, want %d", i, got, i)
			}
			c.mu.Lock()
			gotEpoch, pending, ver, txt := c.epoch, c.hasPending, c.version, c.text.String()
			c.mu.Unlock()
			if gotEpoch != epoch+1 || pending || ver != int64(100*(i+1)) || txt != serverTxt {
				t.Fatalf("after conflict %d: epoch %d (want %d), pending %v, version %d (want %d), text %q: the reload did not re-open the document",
					i, gotEpoch, epoch+1, pending, ver, 100*(i+1), txt)
			}
			// A second reload request for the same, already reloaded epoch
			// (e.g. the event stream noticing the same conflict) is a no-op.
			c.reload(ctx, epoch)
			if got := c.reloads.Load(); got != int64(i) {
				t.Fatalf("reload of an already reloaded epoch: reloads = %d, want %d", got, i)
			}
		}
		// The next submit is accepted: no further reload.
		if !c.edit(ctx, time.Now()) {
			t.Fatal("edit after the reloads was not acknowledged")
		}
		if got := c.reloads.Load(); got != conflicts {
			t.Fatalf("after an accepted edit: reloads = %d, want %d", got, conflicts)
		}
		mu.Lock()
		defer mu.Unlock()
		if opens != 1+conflicts || submits != conflicts+1 {
			t.Fatalf("server saw %d opens and %d submits, want %d and %d", opens, submits, 1+conflicts, conflicts+1)
		}
		for i, id := range reopenID {
			if id != strconv.Itoa(clientID) {
				t.Fatalf("re-open %d sent client=%q, want %d", i+1, id, clientID)
			}
		}
		if n := b.errorsTotal.Load(); n != 0 {
			t.Fatalf("409 conflicts were counted as %d errors, want 0", n)
		}
	})

	// End to end: a tiny history window makes stale bases common; the run
	// must reload and still converge.
	t.Run("end-to-end", func(t *testing.T) {
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
		if res.Reloads == 0 {
			t.Fatalf("history window of 2 ops but no reloads: %+v", res)
		}
		if res.Errors != 0 {
			t.Fatalf("stale-base conflicts must not count as errors: %+v", res)
		}
	})
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
