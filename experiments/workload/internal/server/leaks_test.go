package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"tuner.local/workload/internal/ot"
	"tuner.local/workload/internal/protocol"
	"tuner.local/workload/internal/server"
)

// leakDriver drives one document of a Server in-process (no sockets, so no
// connection goroutines): one client edits, and now and then moves its
// cursor, saves, views and fetches the text.
type leakDriver struct {
	t       *testing.T
	h       http.Handler
	client  uint64
	version int64
	length  int
	steps   int
	edits   int
	docReqs int // requests that resolve the document (what -leak-closure counts)
}

const leakDoc = "/docs/leaky"

func (d *leakDriver) do(method, path string, body any) []byte {
	d.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			d.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, httptest.NewRequest(method, path, rd))
	if rec.Code != http.StatusOK {
		d.t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

func newLeakDriver(t *testing.T, s *server.Server, size int) *leakDriver {
	d := &leakDriver{t: t, h: s.Handler()}
	var open protocol.OpenResponse
	if err := json.Unmarshal(d.do("POST", fmt.Sprintf("%s/open?size=%d", leakDoc, size), nil), &open); err != nil {
		t.Fatal(err)
	}
	d.docReqs++
	d.client, d.version, d.length = open.Client, open.Version, len(open.Text)
	return d
}

// run makes n steps: an edit each (alternately inserting and deleting two
// bytes, so the document keeps its size), a cursor move every 4th, a view
// every 8th, a text fetch every 16th and a save every 32nd.
func (d *leakDriver) run(n int) {
	d.t.Helper()
	for i := 0; i < n; i++ {
		d.steps++
		k := d.steps
		pos := (k * 37) % (d.length - 2)
		op := ot.NewInsert(d.length, pos, "ab")
		if k%2 == 0 {
			op = ot.NewDelete(d.length, pos, 2)
		}
		var sub protocol.SubmitResponse
		body := d.do("POST", leakDoc+"/ops", protocol.SubmitRequest{Client: d.client, Seq: int64(k), Base: d.version, Op: op})
		if err := json.Unmarshal(body, &sub); err != nil {
			d.t.Fatal(err)
		}
		d.version, d.length = sub.Version, op.TargetLen()
		d.edits++
		d.docReqs++
		if k%4 == 0 {
			d.do("POST", leakDoc+"/cursor", protocol.CursorRequest{Client: d.client, Pos: pos, Base: d.version})
			d.docReqs++
		}
		if k%8 == 0 {
			d.do("GET", leakDoc+"/view", nil)
			d.docReqs++
		}
		if k%16 == 0 {
			d.do("GET", leakDoc+"/text", nil)
			d.docReqs++
		}
		if k%32 == 0 {
			d.do("POST", leakDoc+"/save", protocol.SaveRequest{Client: d.client})
			d.docReqs++
		}
	}
}

// leakSignals is what a leak detector would read from the server.
type leakSignals struct {
	goroutines float64 // /sched/goroutines:goroutines from GET /debug/gcmetrics
	liveHeap   float64 // /gc/heap/live:bytes right after two forced GCs
	closures   int64   // size of the closure registry
}

func (d *leakDriver) measure(s *server.Server) leakSignals {
	d.t.Helper()
	runtime.GC()
	runtime.GC() // the second one also drops what sync.Pools kept from the first
	var m map[string]any
	if err := json.Unmarshal(d.do("GET", "/debug/gcmetrics", nil), &m); err != nil {
		d.t.Fatal(err)
	}
	g, ok1 := m["/sched/goroutines:goroutines"].(float64)
	live, ok2 := m["/gc/heap/live:bytes"].(float64)
	if !ok1 || !ok2 {
		d.t.Fatalf("/debug/gcmetrics lacks the goroutine count or the live heap: %v", m)
	}
	return leakSignals{goroutines: g, liveHeap: live, closures: s.LeakStats().Closures}
}

type leakRun struct {
	growth [2]leakSignals      // per measured phase
	added  [2]server.LeakStats // what the leaks accounted for, per measured phase
	d      *leakDriver
	s      *server.Server
}

const (
	leakWarmup = 1000 // steps before the first measurement (history window filled, pools warm)
	leakPhase  = 6000 // steps per measured phase
)

func runLeakScenario(t *testing.T, set func(*server.Config)) leakRun {
	cfg := server.DefaultConfig()
	cfg.DocSize = 2048
	cfg.History = 256 // bounded well inside the warm-up, so a leak-free server stays flat
	cfg.SnapshotEvery = 100
	cfg.SnapshotKeep = 2
	set(&cfg)
	s := server.New(cfg)
	defer s.Close()
	d := newLeakDriver(t, s, cfg.DocSize)
	d.run(leakWarmup)
	prev, prevStats := d.measure(s), s.LeakStats()
	var r leakRun
	r.d, r.s = d, s
	for p := range r.growth {
		d.run(leakPhase)
		cur, curStats := d.measure(s), s.LeakStats()
		r.growth[p] = leakSignals{
			goroutines: cur.goroutines - prev.goroutines,
			liveHeap:   cur.liveHeap - prev.liveHeap,
			closures:   cur.closures - prev.closures,
		}
		r.added[p] = server.LeakStats{
			ParkedRoutines: curStats.ParkedRoutines - prevStats.ParkedRoutines,
			CacheEntries:   curStats.CacheEntries - prevStats.CacheEntries,
			CacheBytes:     curStats.CacheBytes - prevStats.CacheBytes,
			Closures:       curStats.Closures - prevStats.Closures,
			ClosureBytes:   curStats.ClosureBytes - prevStats.ClosureBytes,
		}
		prev, prevStats = cur, curStats
	}
	t.Logf("growth per %d steps: phase 1 %+v, phase 2 %+v; accounted %+v, %+v", leakPhase, r.growth[0], r.growth[1], r.added[0], r.added[1])
	return r
}

func (r leakRun) statsLeaks(t *testing.T) map[string]any {
	var st map[string]any
	if err := json.Unmarshal(r.d.do("GET", "/debug/stats", nil), &st); err != nil {
		t.Fatal(err)
	}
	l, _ := st["leaks"].(map[string]any)
	return l
}

// Tolerances of a leak-free server over one phase (6000 edits, ~8800 requests).
const (
	quietGoroutines = 16
	quietHeap       = 512 << 10
)

// TestLeakFlags runs the same load against a server without leak flags (the
// baseline, which must stay flat) and with each flag, which must make its
// signal rise in both measured phases by at least half of what it retains
// on top of whatever the baseline grew.
func TestLeakFlags(t *testing.T) {
	base := runLeakScenario(t, func(*server.Config) {})
	for p, g := range base.growth {
		if g.goroutines > quietGoroutines || g.liveHeap > quietHeap || g.closures != 0 {
			t.Fatalf("without leak flags, phase %d grew %+v (tolerance %d goroutines, %d bytes of live heap, no closures)",
				p+1, g, quietGoroutines, quietHeap)
		}
		if a := base.added[p]; a != (server.LeakStats{}) {
			t.Fatalf("without leak flags the leaks retained %+v", a)
		}
	}
	if l := base.statsLeaks(t); l != nil {
		t.Fatalf("/debug/stats shows leaks without leak flags: %v", l)
	}
	baseMax := func(f func(leakSignals) float64) float64 {
		return max(0, f(base.growth[0]), f(base.growth[1]))
	}

	t.Run("goroutines", func(t *testing.T) {
		r := runLeakScenario(t, func(c *server.Config) { c.LeakGoroutines = true })
		want := int64(leakPhase / server.LeakGoroutineEvery)
		floor := baseMax(func(g leakSignals) float64 { return g.goroutines })
		for p, g := range r.growth {
			if got := r.added[p].ParkedRoutines; got != want {
				t.Errorf("phase %d: %d goroutines parked, want %d", p+1, got, want)
			}
			if g.goroutines < floor+float64(want)/2 {
				t.Errorf("phase %d: goroutine count rose by %v, want ≥ %v + %d/2", p+1, g.goroutines, floor, want)
			}
		}
		if l := r.statsLeaks(t); l == nil || l["parked_goroutines"].(float64) != float64(r.d.edits/server.LeakGoroutineEvery) {
			t.Errorf("/debug/stats leaks = %v, want parked_goroutines %d", l, r.d.edits/server.LeakGoroutineEvery)
		}
	})

	t.Run("cache", func(t *testing.T) {
		r := runLeakScenario(t, func(c *server.Config) { c.LeakCache = true })
		floor := baseMax(func(g leakSignals) float64 { return g.liveHeap })
		for p, g := range r.growth {
			a := r.added[p]
			if a.CacheEntries != leakPhase || a.CacheBytes < leakPhase*server.LeakCacheContext {
				t.Errorf("phase %d: cache grew by %d entries / %d bytes, want %d entries of > %d bytes", p+1, a.CacheEntries, a.CacheBytes, leakPhase, server.LeakCacheContext)
			}
			if g.liveHeap < floor+float64(a.CacheBytes)/2 {
				t.Errorf("phase %d: live heap rose by %v, want ≥ %v + %d/2", p+1, g.liveHeap, floor, a.CacheBytes)
			}
			if g.closures != 0 || g.goroutines > quietGoroutines {
				t.Errorf("phase %d: -leak-cache alone moved other signals: %+v", p+1, g)
			}
		}
	})

	t.Run("closure", func(t *testing.T) {
		r := runLeakScenario(t, func(c *server.Config) { c.LeakClosure = true })
		floor := baseMax(func(g leakSignals) float64 { return g.liveHeap })
		for p, g := range r.growth {
			// ~1.47 document requests per step: between 1× and 2× the edits.
			if lo := int64(leakPhase / server.LeakClosureEvery); g.closures < lo || g.closures > 2*lo {
				t.Errorf("phase %d: closure registry grew by %d, want %d..%d", p+1, g.closures, lo, 2*lo)
			}
			bytes := float64(g.closures * server.LeakClosureBuffer)
			if g.liveHeap < floor+bytes/2 {
				t.Errorf("phase %d: live heap rose by %v, want ≥ %v + %v/2", p+1, g.liveHeap, floor, bytes)
			}
		}
		if got, want := r.s.LeakStats().Closures, int64(r.d.docReqs/server.LeakClosureEvery); got != want {
			t.Errorf("registry holds %d closures after %d document requests, want %d", got, r.d.docReqs, want)
		}
	})
}

// The runtime/metrics a leak detector needs are served at /debug/gcmetrics.
func TestGCMetricsServeLeakSignals(t *testing.T) {
	s := server.New(server.DefaultConfig())
	defer s.Close()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/gcmetrics", nil))
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"/gc/heap/live:bytes", "/sched/goroutines:goroutines", "/memory/classes/total:bytes"} {
		if v, ok := m[name].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v", name, m[name])
		}
	}
}
