package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"tuner.local/workload/internal/ot"
	"tuner.local/workload/internal/protocol"
)

// entry is one applied operation in a document's history.
type entry struct {
	v      int64
	client uint64
	seq    int64
	op     ot.Op  // as applied (transformed) at version v
	enc    []byte // JSON event, shared by every stream and submit response
	at     int64  // unix nanos
}

type clientState struct {
	id       uint64
	pos      int // cursor, kept up to date with every applied op
	lastSeen time.Time
	sub      *subscription
}

// subscription is one event stream; queue is its fan-out buffer.
type subscription struct {
	client  uint64
	queue   [][]byte // encoded events not yet written (guarded by Doc.mu)
	dropped bool     // too slow: the writer sends a reset and ends
	closed  bool     // replaced by a newer stream of the same client
	notify  chan struct{}
}

func (sub *subscription) signal() {
	select {
	case sub.notify <- struct{}{}:
	default:
	}
}

// Doc is one collaborative document.
type Doc struct {
	id  string
	srv *Server

	mu        sync.Mutex
	text      []byte // immutable: every edit builds a new slice
	version   int64
	hist      []*entry // hist[i] has version histStart+i
	histStart int64
	clients   map[uint64]*clientState
	subs      map[*subscription]struct{}
	sinceSnap int

	snapMu      sync.Mutex
	snapshots   [][]byte // serialized saves, oldest first
	snapVersion int64

	leakCache map[int64][]byte // -leak-cache only (guarded by mu): version -> copy, never evicted
}

func newDoc(id string, text []byte, s *Server) *Doc {
	return &Doc{
		id:        id,
		srv:       s,
		text:      text,
		histStart: 1,
		clients:   make(map[uint64]*clientState),
		subs:      make(map[*subscription]struct{}),
	}
}

// open registers (or re-registers) a client and returns the current state.
func (d *Doc) open(want uint64) (uint64, int64, []byte) {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	var cl *clientState
	if want != 0 {
		cl = d.clients[want]
	}
	if cl == nil {
		d.pruneLocked(now)
		cl = &clientState{id: d.srv.nextClient.Add(1)}
		d.clients[cl.id] = cl
	}
	cl.lastSeen = now
	return cl.id, d.version, d.text
}

func (d *Doc) pruneLocked(now time.Time) {
	for id, cl := range d.clients {
		if cl.sub == nil && now.Sub(cl.lastSeen) > d.srv.cfg.IdleClient {
			delete(d.clients, id)
		}
	}
}

// current returns the current text and version; ok is false if client is
// non-zero and unknown.
func (d *Doc) current(client uint64) ([]byte, int64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if client != 0 {
		cl := d.clients[client]
		if cl == nil {
			return nil, 0, false
		}
		cl.lastSeen = time.Now()
	}
	return d.text, d.version, true
}

type snapshotReq struct {
	text    []byte
	version int64
}

var errStale = errors.New("base version is older than the history window; reload the document")

// submit transforms the op against every op after its base version, applies
// it, appends it to the history and fans it out. It returns the encoded
// SubmitResponse.
func (d *Doc) submit(req *protocol.SubmitRequest) ([]byte, *snapshotReq, int, error) {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	cl := d.clients[req.Client]
	if cl == nil {
		return nil, nil, http.StatusNotFound, errors.New("unknown client (open the document first)")
	}
	cl.lastSeen = now
	if req.Base > d.version || req.Base < 0 {
		return nil, nil, http.StatusBadRequest, fmt.Errorf("base version %d is ahead of the document (%d)", req.Base, d.version)
	}
	if req.Base < d.histStart-1 {
		return nil, nil, http.StatusConflict, errStale
	}
	op := req.Op
	missed := d.hist[req.Base+1-d.histStart:]
	size := 48
	for _, h := range missed {
		var err error
		op, _, err = ot.Transform(op, h.op, req.Client < h.client)
		if err != nil {
			return nil, nil, http.StatusBadRequest, fmt.Errorf("op does not fit the document at base version %d: %v", req.Base, err)
		}
		size += len(h.enc) + 1
	}
	text, err := ot.Apply(d.text, op)
	if err != nil {
		return nil, nil, http.StatusBadRequest, fmt.Errorf("op does not fit the document at base version %d: %v", req.Base, err)
	}
	// Build the response before the history slice can shift.
	resp := make([]byte, 0, size)
	resp = append(resp, `{"version":`...)
	resp = appendInt(resp, d.version+1)
	resp = append(resp, `,"missed":[`...)
	for i, h := range missed {
		if i > 0 {
			resp = append(resp, ',')
		}
		resp = append(resp, h.enc...)
	}
	resp = append(resp, "]}"...)

	d.version++
	d.text = text
	e := &entry{v: d.version, client: req.Client, seq: req.Seq, op: op, at: now.UnixNano()}
	e.enc = protocol.AppendOpEvent(make([]byte, 0, 64+len(op)*12), e.v, e.client, e.seq, op)
	d.hist = append(d.hist, e)
	if len(d.hist) > d.srv.cfg.History {
		d.hist[0] = nil
		d.hist = d.hist[1:]
		d.histStart++
	}
	if d.srv.cfg.LeakCache {
		d.leakCacheLocked(e, text)
	}
	for _, c := range d.clients {
		c.pos = ot.TransformIndex(op, c.pos)
	}
	for sub := range d.subs {
		d.pushLocked(sub, e.enc)
	}
	var snap *snapshotReq
	d.sinceSnap++
	if every := d.srv.cfg.SnapshotEvery; every > 0 && d.sinceSnap >= every {
		d.sinceSnap = 0
		snap = &snapshotReq{text: d.text, version: d.version}
	}
	return resp, snap, http.StatusOK, nil
}

func appendInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

func (d *Doc) pushLocked(sub *subscription, enc []byte) {
	if sub.dropped || sub.closed {
		return
	}
	sub.queue = append(sub.queue, enc)
	if len(sub.queue) > d.srv.cfg.MaxQueue {
		sub.dropped = true
		sub.queue = nil
		d.srv.droppedSubs.Add(1)
	}
	sub.signal()
}

// moveCursor records a client's cursor (given at version base) and
// broadcasts it to the other clients.
func (d *Doc) moveCursor(req *protocol.CursorRequest) (*protocol.CursorResponse, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	cl := d.clients[req.Client]
	if cl == nil {
		return nil, http.StatusNotFound, errors.New("unknown client (open the document first)")
	}
	cl.lastSeen = time.Now()
	if req.Base > d.version || req.Base < 0 {
		return nil, http.StatusBadRequest, errors.New("base version ahead of the document")
	}
	if req.Base < d.histStart-1 {
		return nil, http.StatusConflict, errStale
	}
	pos := max(req.Pos, 0)
	for _, h := range d.hist[req.Base+1-d.histStart:] {
		pos = ot.TransformIndex(h.op, pos)
	}
	pos = min(pos, len(d.text))
	cl.pos = pos
	enc := protocol.AppendCursorEvent(make([]byte, 0, 48), cl.id, pos, d.version)
	for sub := range d.subs {
		if sub.client != cl.id {
			d.pushLocked(sub, enc)
		}
	}
	return &protocol.CursorResponse{Version: d.version, Pos: pos}, http.StatusOK, nil
}

type snapshotDoc struct {
	ID            string           `json:"id"`
	Version       int64            `json:"version"`
	SavedUnixNano int64            `json:"saved_unix_nano"`
	Cursors       map[string]int   `json:"cursors"`
	LastSeen      map[string]int64 `json:"last_seen_unix_nano"`
	Text          string           `json:"text"`
}

// saveSnapshot serializes the document (as it would be written to storage)
// and keeps the last SnapshotKeep serializations. Returns the size.
func (d *Doc) saveSnapshot(text []byte, version int64) int {
	d.mu.Lock()
	cursors := make(map[string]int, len(d.clients))
	seen := make(map[string]int64, len(d.clients))
	for id, cl := range d.clients {
		k := fmt.Sprint(id)
		cursors[k] = cl.pos
		seen[k] = cl.lastSeen.UnixNano()
	}
	d.mu.Unlock()
	b, _ := json.Marshal(snapshotDoc{
		ID:            d.id,
		Version:       version,
		SavedUnixNano: time.Now().UnixNano(),
		Cursors:       cursors,
		LastSeen:      seen,
		Text:          string(text),
	})
	d.snapMu.Lock()
	if version >= d.snapVersion {
		d.snapVersion = version
		d.snapshots = append(d.snapshots, b)
		if keep := d.srv.cfg.SnapshotKeep; len(d.snapshots) > keep {
			n := copy(d.snapshots, d.snapshots[len(d.snapshots)-keep:])
			clear(d.snapshots[n:])
			d.snapshots = d.snapshots[:n]
		}
	}
	d.snapMu.Unlock()
	return len(b)
}

// subscribe creates a stream for client starting after version since.
// reload is true if since is older than the history window.
func (d *Doc) subscribe(client uint64, since int64) (sub *subscription, reload bool, status int, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	cl := d.clients[client]
	if cl == nil {
		return nil, false, http.StatusNotFound, errors.New("unknown client (open the document first)")
	}
	cl.lastSeen = time.Now()
	if since > d.version {
		return nil, false, http.StatusBadRequest, fmt.Errorf("since %d is ahead of the document (%d)", since, d.version)
	}
	if since < d.histStart-1 {
		return nil, true, http.StatusOK, nil
	}
	sub = &subscription{client: client, notify: make(chan struct{}, 1)}
	for _, h := range d.hist[since+1-d.histStart:] {
		sub.queue = append(sub.queue, h.enc)
	}
	if old := cl.sub; old != nil {
		old.closed = true
		old.queue = nil
		delete(d.subs, old)
		old.signal()
	}
	cl.sub = sub
	d.subs[sub] = struct{}{}
	if len(sub.queue) > 0 {
		sub.signal()
	}
	return sub, false, http.StatusOK, nil
}

func (d *Doc) unsubscribe(sub *subscription) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.subs, sub)
	if cl := d.clients[sub.client]; cl != nil && cl.sub == sub {
		cl.sub = nil
		cl.lastSeen = time.Now()
	}
	sub.queue = nil
}

// take returns the queued events of sub and its state.
func (d *Doc) take(sub *subscription) (batch [][]byte, dropped, closed bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	batch = sub.queue
	sub.queue = nil
	return batch, sub.dropped, sub.closed
}

func (d *Doc) stats() docStats {
	d.mu.Lock()
	st := docStats{
		ID:          d.id,
		Version:     d.version,
		Length:      len(d.text),
		Clients:     len(d.clients),
		Subscribers: len(d.subs),
		History:     len(d.hist),
	}
	d.mu.Unlock()
	d.snapMu.Lock()
	st.Snapshots = len(d.snapshots)
	d.snapMu.Unlock()
	return st
}
