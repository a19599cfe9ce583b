// Package server implements collab-server: collaborative plain-text
// documents with server-ordered operational transformation (Jupiter /
// Google Wave style), presence, snapshots and a server-sent-events stream.
package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tuner.local/workload/internal/ot"
	"tuner.local/workload/internal/protocol"
)

// Config configures a Server.
type Config struct {
	DocSize       int           // bytes of initial text for a new document (unless the opener asks for another size)
	History       int           // max ops kept per document
	SnapshotEvery int           // ops between periodic snapshots (0 = never)
	SnapshotKeep  int           // snapshots kept per document
	FlushInterval time.Duration // event-stream coalescing interval
	MaxQueue      int           // events queued for one stream before it is dropped
	MaxDocs       int           // documents the server accepts
	MaxDocSize    int           // upper bound for ?size=
	IdleClient    time.Duration // presence entries without stream idle this long are pruned

	// Deliberate leaks (see leaks.go); all off by default.
	LeakGoroutines bool // park a goroutine forever every LeakGoroutineEvery-th edit
	LeakCache      bool // keep a never-evicted per-document cache entry per edit
	LeakClosure    bool // register a closure holding LeakClosureBuffer bytes every LeakClosureEvery-th document request
}

// DefaultConfig returns the defaults used by the collab-server flags.
func DefaultConfig() Config {
	return Config{
		DocSize:       128 << 10,
		History:       20000,
		SnapshotEvery: 500,
		SnapshotKeep:  8,
		FlushInterval: 50 * time.Millisecond,
		MaxQueue:      50000,
		MaxDocs:       1024,
		MaxDocSize:    64 << 20,
		IdleClient:    2 * time.Minute,
	}
}

// Server is the collaboration service.
type Server struct {
	cfg   Config
	start time.Time

	mu   sync.Mutex
	docs map[string]*Doc

	nextClient atomic.Uint64

	shutdown     chan struct{}
	shutdownOnce sync.Once

	// counters
	opsApplied   atomic.Int64
	conflicts    atomic.Int64
	badOps       atomic.Int64
	cursorMoves  atomic.Int64
	saves        atomic.Int64
	snapshots    atomic.Int64
	droppedSubs  atomic.Int64
	streamsTotal atomic.Int64

	leaks leakState

	mux *http.ServeMux
}

// New returns a Server.
func New(cfg Config) *Server {
	d := DefaultConfig()
	if cfg.History <= 0 {
		cfg.History = d.History
	}
	if cfg.SnapshotKeep <= 0 {
		cfg.SnapshotKeep = d.SnapshotKeep
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = d.MaxQueue
	}
	if cfg.MaxDocs <= 0 {
		cfg.MaxDocs = d.MaxDocs
	}
	if cfg.MaxDocSize <= 0 {
		cfg.MaxDocSize = d.MaxDocSize
	}
	if cfg.IdleClient <= 0 {
		cfg.IdleClient = d.IdleClient
	}
	if cfg.DocSize < 0 {
		cfg.DocSize = 0
	}
	s := &Server{
		cfg:      cfg,
		start:    time.Now(),
		docs:     make(map[string]*Doc),
		shutdown: make(chan struct{}),
		mux:      http.NewServeMux(),
	}
	m := s.mux
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok")
	})
	m.HandleFunc("POST /docs/{id}/open", s.handleOpen)
	m.HandleFunc("POST /docs/{id}/ops", s.handleOps)
	m.HandleFunc("POST /docs/{id}/cursor", s.handleCursor)
	m.HandleFunc("POST /docs/{id}/save", s.handleSave)
	m.HandleFunc("GET /docs/{id}/events", s.handleEvents)
	m.HandleFunc("GET /docs/{id}/text", s.handleText)
	m.HandleFunc("GET /docs/{id}/view", s.handleView)
	m.HandleFunc("GET /debug/gcmetrics", s.handleGCMetrics)
	m.HandleFunc("GET /debug/stats", s.handleStats)
	m.Handle("GET /debug/vars", expvarHandler())
	m.HandleFunc("GET /metrics", s.handleMetrics)
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return s
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Close ends all event streams (call before http.Server.Shutdown, which
// does not interrupt long-lived handlers).
func (s *Server) Close() {
	s.shutdownOnce.Do(func() { close(s.shutdown) })
}

// StartTime is the time the server was created.
func (s *Server) StartTime() time.Time { return s.start }

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

var errTooManyDocs = errors.New("too many documents")

func (s *Server) lookup(id string) *Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.docs[id]
}

func (s *Server) getOrCreate(id string, size int) (*Doc, error) {
	if d := s.lookup(id); d != nil {
		return d, nil
	}
	text := pseudoText(id, size) // outside the lock
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.docs[id]; d != nil {
		return d, nil
	}
	if len(s.docs) >= s.cfg.MaxDocs {
		return nil, errTooManyDocs
	}
	d := newDoc(id, text, s)
	s.docs[id] = d
	return d, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeRawJSON(w, status, b)
}

func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, protocol.ErrorResponse{Error: fmt.Sprintf(format, args...)})
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body := http.MaxBytesReader(w, r.Body, 1<<20)
	b, err := io.ReadAll(body)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: %v", err)
		return false
	}
	return true
}

// docFor resolves {id}; it answers 400/404 itself and returns nil then.
func (s *Server) docFor(w http.ResponseWriter, r *http.Request) *Doc {
	id := r.PathValue("id")
	if !validID(id) {
		writeError(w, http.StatusBadRequest, "invalid document id")
		return nil
	}
	d := s.lookup(id)
	if d == nil {
		writeError(w, http.StatusNotFound, "no such document (open it first)")
	}
	return d
}

// validText restricts inserted text to printable ASCII, \n and \t so that
// byte offsets are character offsets.
func validText(op ot.Op) bool {
	for _, c := range op {
		for i := 0; i < len(c.S); i++ {
			b := c.S[i]
			if (b < 0x20 || b > 0x7e) && b != '\n' && b != '\t' {
				return false
			}
		}
	}
	return true
}

// POST /docs/{id}/open[?size=N][&client=ID]
func (s *Server) handleOpen(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		writeError(w, http.StatusBadRequest, "invalid document id")
		return
	}
	q := r.URL.Query()
	size := s.cfg.DocSize
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > s.cfg.MaxDocSize {
			writeError(w, http.StatusBadRequest, "invalid size")
			return
		}
		size = n
	}
	var want uint64
	if v := q.Get("client"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid client")
			return
		}
		want = n
	}
	d, err := s.getOrCreate(id, size)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "%v", err)
		return
	}
	s.leakOnRequest(d)
	cid, version, text := d.open(want)
	writeJSON(w, http.StatusOK, protocol.OpenResponse{Client: cid, Version: version, Text: string(text)})
}

// POST /docs/{id}/ops
func (s *Server) handleOps(w http.ResponseWriter, r *http.Request) {
	d := s.docFor(w, r)
	if d == nil {
		return
	}
	s.leakOnRequest(d)
	var req protocol.SubmitRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := req.Op.Validate(); err != nil || !validText(req.Op) {
		s.badOps.Add(1)
		writeError(w, http.StatusBadRequest, "invalid op")
		return
	}
	resp, snap, status, err := d.submit(&req)
	if err != nil {
		if status == http.StatusConflict {
			s.conflicts.Add(1)
		} else {
			s.badOps.Add(1)
		}
		writeError(w, status, "%v", err)
		return
	}
	s.opsApplied.Add(1)
	s.leakAfterEdit()
	writeRawJSON(w, http.StatusOK, resp)
	if snap != nil {
		d.saveSnapshot(snap.text, snap.version)
		s.snapshots.Add(1)
	}
}

// POST /docs/{id}/cursor
func (s *Server) handleCursor(w http.ResponseWriter, r *http.Request) {
	d := s.docFor(w, r)
	if d == nil {
		return
	}
	s.leakOnRequest(d)
	var req protocol.CursorRequest
	if !decodeBody(w, r, &req) {
		return
	}
	resp, status, err := d.moveCursor(&req)
	if err != nil {
		if status == http.StatusConflict {
			s.conflicts.Add(1)
		}
		writeError(w, status, "%v", err)
		return
	}
	s.cursorMoves.Add(1)
	writeJSON(w, http.StatusOK, resp)
}

// POST /docs/{id}/save
func (s *Server) handleSave(w http.ResponseWriter, r *http.Request) {
	d := s.docFor(w, r)
	if d == nil {
		return
	}
	s.leakOnRequest(d)
	var req protocol.SaveRequest
	if !decodeBody(w, r, &req) {
		return
	}
	text, version, ok := d.current(req.Client)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown client (open the document first)")
		return
	}
	n := d.saveSnapshot(text, version)
	s.saves.Add(1)
	writeJSON(w, http.StatusOK, protocol.SaveResponse{Version: version, Bytes: n})
}

// GET /docs/{id}/text
func (s *Server) handleText(w http.ResponseWriter, r *http.Request) {
	d := s.docFor(w, r)
	if d == nil {
		return
	}
	s.leakOnRequest(d)
	text, version, _ := d.current(0)
	writeJSON(w, http.StatusOK, protocol.TextResponse{Version: version, Text: string(text)})
}

type docStats struct {
	ID          string `json:"id"`
	Version     int64  `json:"version"`
	Length      int    `json:"length"`
	Clients     int    `json:"clients"`
	Subscribers int    `json:"subscribers"`
	History     int    `json:"history"`
	Snapshots   int    `json:"snapshots"`
}

// GET /debug/stats
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	docs := make([]*Doc, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, d)
	}
	s.mu.Unlock()
	out := struct {
		UptimeS      float64    `json:"uptime_s"`
		OpsApplied   int64      `json:"ops_applied"`
		Conflicts409 int64      `json:"conflicts_409"`
		BadOps       int64      `json:"bad_ops"`
		CursorMoves  int64      `json:"cursor_moves"`
		Saves        int64      `json:"saves"`
		Snapshots    int64      `json:"periodic_snapshots"`
		DroppedSubs  int64      `json:"dropped_streams"`
		StreamsTotal int64      `json:"streams_total"`
		Docs         []docStats `json:"docs"`
		Leaks        *LeakStats `json:"leaks,omitempty"` // only when a -leak-* flag is on
	}{
		UptimeS:      time.Since(s.start).Seconds(),
		OpsApplied:   s.opsApplied.Load(),
		Conflicts409: s.conflicts.Load(),
		BadOps:       s.badOps.Load(),
		CursorMoves:  s.cursorMoves.Load(),
		Saves:        s.saves.Load(),
		Snapshots:    s.snapshots.Load(),
		DroppedSubs:  s.droppedSubs.Load(),
		StreamsTotal: s.streamsTotal.Load(),
		Docs:         []docStats{},
	}
	for _, d := range docs {
		out.Docs = append(out.Docs, d.stats())
	}
	if s.leaking() {
		ls := s.LeakStats()
		out.Leaks = &ls
	}
	writeJSON(w, http.StatusOK, out)
}
