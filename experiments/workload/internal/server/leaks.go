package server

// Deliberate memory leaks (collab-server -leak-goroutines, -leak-cache,
// -leak-closure), so that tuner's leak detection can be tested against a
// service that leaks on purpose. Each one imitates a bug that real services
// have, and each grows in proportion to the load:
//
//   - goroutines: every LeakGoroutineEvery-th applied edit starts an
//     "acknowledgement waiter" that blocks on a channel nothing ever sends
//     on or closes. The goroutine count (GET /metrics go_goroutines,
//     /debug/gcmetrics /sched/goroutines:goroutines) rises, and with it the
//     stack memory the GC scans on every cycle.
//   - cache: every applied edit stores, in a per-document map keyed by the
//     new version, a copy of the encoded op event and of up to
//     LeakCacheContext bytes of the new text around the edit. Nothing ever
//     deletes an entry, so the live heap after GC rises.
//   - closure: every LeakClosureEvery-th document request (open, edit,
//     cursor, save, text, view) renders the document into a fresh
//     LeakClosureBuffer-byte buffer and registers an "on change" callback
//     that captures it in a registry nobody prunes. Few, large objects: the
//     live heap and RSS rise in 64 KiB steps.
//
// With every flag off (the default) none of this runs: the hooks return after
// one boolean test and allocate nothing.

import (
	"sync"
	"sync/atomic"
)

// Rates of the deliberate leaks (see the package comment above).
const (
	LeakGoroutineEvery = 16       // applied edits per parked goroutine
	LeakCacheContext   = 256      // bytes of text copied into each cache entry (plus the encoded op)
	LeakClosureEvery   = 128      // document requests per registered closure
	LeakClosureBuffer  = 64 << 10 // bytes captured by each registered closure
)

// leakState holds what the deliberate leaks retain (one per Server).
type leakState struct {
	edits    atomic.Int64 // applied edits (counted only with -leak-goroutines)
	parked   atomic.Int64 // goroutines started that never return
	requests atomic.Int64 // document requests (counted only with -leak-closure)

	cacheEntries atomic.Int64 // over all documents
	cacheBytes   atomic.Int64 // payload bytes of the entries (map overhead not counted)

	mu        sync.Mutex
	callbacks []func(text []byte) int // the registry: appended to, never pruned
}

// LeakStats is the "leaks" object of GET /debug/stats (present only when a
// leak flag is on).
type LeakStats struct {
	Goroutines     bool  `json:"leak_goroutines"`
	Cache          bool  `json:"leak_cache"`
	Closure        bool  `json:"leak_closure"`
	ParkedRoutines int64 `json:"parked_goroutines"`
	CacheEntries   int64 `json:"cache_entries"`
	CacheBytes     int64 `json:"cache_bytes"`
	Closures       int64 `json:"closures"`
	ClosureBytes   int64 `json:"closure_bytes"`
}

func (s *Server) leaking() bool {
	return s.cfg.LeakGoroutines || s.cfg.LeakCache || s.cfg.LeakClosure
}

// LeakStats reports what the deliberate leaks hold so far.
func (s *Server) LeakStats() LeakStats {
	l := &s.leaks
	l.mu.Lock()
	n := int64(len(l.callbacks))
	l.mu.Unlock()
	return LeakStats{
		Goroutines:     s.cfg.LeakGoroutines,
		Cache:          s.cfg.LeakCache,
		Closure:        s.cfg.LeakClosure,
		ParkedRoutines: l.parked.Load(),
		CacheEntries:   l.cacheEntries.Load(),
		CacheBytes:     l.cacheBytes.Load(),
		Closures:       n,
		ClosureBytes:   n * LeakClosureBuffer,
	}
}

// leakAfterEdit runs after every applied edit (-leak-goroutines).
func (s *Server) leakAfterEdit() {
	if !s.cfg.LeakGoroutines {
		return
	}
	l := &s.leaks
	if l.edits.Add(1)%LeakGoroutineEvery != 0 {
		return
	}
	ack := make(chan struct{}) // only the goroutine holds it: nobody can send or close
	l.parked.Add(1)
	go awaitAck(ack)
}

// awaitAck is the leaked goroutine: it waits for an acknowledgement that
// never comes.
func awaitAck(ack <-chan struct{}) { <-ack }

// leakCacheLocked runs in Doc.submit with d.mu held, after the op e has been
// applied and text is the new text (-leak-cache).
func (d *Doc) leakCacheLocked(e *entry, text []byte) {
	pos := 0
	if len(e.op) > 0 && e.op[0].N > 0 {
		pos = e.op[0].N // the edit starts after the leading retain
	}
	lo := max(0, min(pos-LeakCacheContext/2, len(text)-LeakCacheContext))
	hi := min(len(text), lo+LeakCacheContext)
	b := make([]byte, 0, len(e.enc)+hi-lo)
	b = append(b, e.enc...)
	b = append(b, text[lo:hi]...)
	if d.leakCache == nil {
		d.leakCache = make(map[int64][]byte)
	}
	d.leakCache[e.v] = b // never deleted
	l := &d.srv.leaks
	l.cacheEntries.Add(1)
	l.cacheBytes.Add(int64(cap(b)))
}

// leakOnRequest runs for every request that resolved a document
// (-leak-closure).
func (s *Server) leakOnRequest(d *Doc) {
	if !s.cfg.LeakClosure {
		return
	}
	l := &s.leaks
	if l.requests.Add(1)%LeakClosureEvery != 0 {
		return
	}
	text, _, _ := d.current(0)
	buf := make([]byte, LeakClosureBuffer)
	render(buf, text) // touch every page, so that RSS rises with the heap
	onChange := func(newText []byte) int {
		render(buf, newText)
		return len(buf)
	}
	l.mu.Lock()
	l.callbacks = append(l.callbacks, onChange) // never removed
	l.mu.Unlock()
}

// render fills buf with repetitions of text (or a filler when text is empty).
func render(buf, text []byte) {
	if len(text) == 0 {
		text = []byte{'.'}
	}
	for n := 0; n < len(buf); {
		n += copy(buf[n:], text)
	}
}
