package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"tuner.local/workload/internal/chunktext"
	"tuner.local/workload/internal/ot"
	"tuner.local/workload/internal/protocol"
)

// client is one simulated editor: a local copy of the document, at most one
// outstanding op (Wave style), an event stream and a sender loop.
type client struct {
	b   *bench
	idx int
	doc string
	rng *rand.Rand // sender goroutine only

	pOpen, pOps, pCursor, pSave, pEvents string

	mu           sync.Mutex
	id           uint64
	text         *chunktext.Text
	version      int64
	pending      ot.Op // sent, not yet acknowledged (transformed as remote ops arrive)
	hasPending   bool
	pendingSeq   int64
	seq          int64
	cursor       int
	epoch        int64 // incremented by every (re)open
	ackedSeq     int64
	ackedAt      time.Time
	streamCancel context.CancelFunc

	reloadMu sync.Mutex

	events     atomic.Int64
	reconnects atomic.Int64
	reloads    atomic.Int64

	// sender-goroutine statistics
	st clientStats
}

type clientStats struct {
	lat       []float64 // ms, edits scheduled inside the window
	ops       int64     // edits acknowledged inside the window
	cursors   int64
	saves     int64
	backlog   int64
	sinceSave int
	nextSave  int
}

var (
	errGap    = errors.New("event version gap")
	errReload = errors.New("server asked for reload")
)

func newClient(b *bench, idx int) *client {
	doc := fmt.Sprintf("doc-%d", idx%b.cfg.Docs)
	c := &client{
		b:   b,
		idx: idx,
		doc: doc,
		rng: rand.New(rand.NewPCG(b.cfg.Seed, uint64(idx)+1)),
	}
	c.pOpen = "/docs/" + doc + "/open"
	c.pOps = "/docs/" + doc + "/ops"
	c.pCursor = "/docs/" + doc + "/cursor"
	c.pSave = "/docs/" + doc + "/save"
	c.pEvents = "/docs/" + doc + "/events"
	c.cursor = c.rng.IntN(b.cfg.DocSize + 1)
	c.st.nextSave = c.drawNextSave()
	return c
}

func (c *client) drawNextSave() int {
	n := c.b.cfg.SaveEvery
	if n <= 0 {
		return 0
	}
	return n/2 + c.rng.IntN(n+1) // mean n
}

// open (re)opens the document and replaces the local state.
func (c *client) open(ctx context.Context) error {
	c.mu.Lock()
	id := c.id
	c.mu.Unlock()
	path := c.pOpen + "?size=" + strconv.Itoa(c.b.cfg.DocSize)
	if id != 0 {
		path += "&client=" + strconv.FormatUint(id, 10)
	}
	status, body, err := c.b.do(ctx, http.MethodPost, path, nil)
	if err != nil {
		return fmt.Errorf("open %s: %w", c.doc, err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("open %s: HTTP %d: %s", c.doc, status, trunc(body))
	}
	var resp protocol.OpenResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("open %s: %w", c.doc, err)
	}
	txt := chunktext.New(resp.Text)
	c.mu.Lock()
	c.id = resp.Client
	c.text = txt
	c.version = resp.Version
	c.pending, c.hasPending = nil, false
	c.epoch++
	c.cursor = min(max(c.cursor, 0), txt.Len())
	cancel := c.streamCancel
	c.mu.Unlock()
	if cancel != nil {
		cancel() // the stream reconnects from the new version
	}
	return nil
}

// reload re-opens the document unless someone else already did since epoch.
func (c *client) reload(ctx context.Context, epoch int64) {
	if ctx.Err() != nil {
		return
	}
	c.reloadMu.Lock()
	defer c.reloadMu.Unlock()
	c.mu.Lock()
	cur := c.epoch
	c.mu.Unlock()
	if cur != epoch {
		return
	}
	c.reloads.Add(1)
	sent := time.Now()
	if err := c.open(ctx); err != nil && ctx.Err() == nil {
		c.b.recordError(sent, "reload: "+err.Error())
		sleepCtx(ctx, 50*time.Millisecond) // no hot retry loop against a dead server
	}
}

// applyEventLocked applies one server op event in version order. Own
// events acknowledge the pending op; others are transformed against it.
func (c *client) applyEventLocked(e *protocol.Event) error {
	if e.V <= c.version {
		return nil
	}
	if e.V != c.version+1 {
		return errGap
	}
	if c.hasPending && e.C == c.id && e.Q == c.pendingSeq {
		c.pending, c.hasPending = nil, false
		c.version = e.V
		c.ackedSeq = e.Q
		c.ackedAt = time.Now()
		return nil
	}
	op := e.Op
	if c.hasPending {
		// The server transformed our op against this one with
		// "ours first iff our id < author id"; mirror that.
		sp, pp, err := ot.Transform(op, c.pending, e.C <= c.id)
		if err != nil {
			return fmt.Errorf("transform v%d: %w", e.V, err)
		}
		op, c.pending = sp, pp
	}
	if err := ot.ApplyTo(c.text, op); err != nil {
		return fmt.Errorf("apply v%d: %w", e.V, err)
	}
	c.cursor = ot.TransformIndex(op, c.cursor)
	c.version = e.V
	return nil
}

// streamLoop keeps the event stream connected until ctx ends. ready is
// called once, after the first successful connect.
func (c *client) streamLoop(ctx context.Context, ready func()) {
	for ctx.Err() == nil {
		c.mu.Lock()
		since, epoch, id := c.version, c.epoch, c.id
		sctx, cancel := context.WithCancel(ctx)
		c.streamCancel = cancel
		c.mu.Unlock()
		err := c.stream(sctx, id, since, epoch, ready)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errReload) {
			c.reload(ctx, epoch)
		}
		c.reconnects.Add(1)
		if err != nil && !errors.Is(err, errReload) && !errors.Is(err, context.Canceled) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
}

var (
	dataPrefix    = []byte("data: ")
	opEventPrefix = []byte(`{"k":"op","v":`)
)

func (c *client) stream(ctx context.Context, id uint64, since, epoch int64, ready func()) error {
	url := c.b.base + c.pEvents + "?client=" + strconv.FormatUint(id, 10) + "&since=" + strconv.FormatInt(since, 10)
	// The connect (up to the response headers) is bounded by -timeout; the
	// stream itself lives until ctx ends.
	hctx, hcancel := context.WithCancel(ctx)
	defer hcancel()
	req, err := http.NewRequestWithContext(hctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	t := time.AfterFunc(c.b.cfg.Timeout, hcancel)
	resp, err := c.b.hc.Do(req)
	t.Stop()
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var buf [256]byte
		n, _ := resp.Body.Read(buf[:])
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("events: HTTP 404: %s: %w", buf[:n], errReload)
		}
		return fmt.Errorf("events: HTTP %d: %s", resp.StatusCode, buf[:n])
	}
	if ready != nil {
		ready()
	}
	br := bufio.NewReaderSize(resp.Body, 16<<10)
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, line...)
			continue
		}
		if err != nil {
			return err
		}
		if long != nil {
			line = append(long, line...)
			long = nil
		}
		if !bytes.HasPrefix(line, dataPrefix) {
			continue
		}
		c.events.Add(1)
		data := bytes.TrimRight(line[len(dataPrefix):], "\r\n")
		// Ops already applied from a submit response's "missed" list are
		// common in closed-loop mode: skip them without a full parse.
		if bytes.HasPrefix(data, opEventPrefix) {
			if v, _, err := ot.ParseInt(data[len(opEventPrefix):]); err == nil {
				c.mu.Lock()
				old := v <= c.version && c.epoch == epoch
				c.mu.Unlock()
				if old {
					continue
				}
			}
		}
		var ev protocol.Event
		if err := protocol.ParseEvent(data, &ev); err != nil {
			return fmt.Errorf("events: bad event: %w", err)
		}
		switch ev.K {
		case protocol.KindOp:
			c.mu.Lock()
			if c.epoch != epoch {
				c.mu.Unlock()
				return nil // reloaded meanwhile: reconnect from the new version
			}
			err := c.applyEventLocked(&ev)
			c.mu.Unlock()
			if errors.Is(err, errGap) {
				return err // reconnect; the server replays from our version
			}
			if err != nil {
				c.b.recordError(time.Now(), "client OT (stream): "+err.Error())
				return errReload
			}
		case protocol.KindReset:
			return nil
		case protocol.KindReload:
			return errReload
		}
	}
}

const letters = "abcdefghijklmnopqrstuvwxyzetaoinshrdlu"

// genOp makes a typing edit at the cursor: mostly 1-8 char inserts, some
// backspaces / forward deletes of 1-4 chars.
func (c *client) genOp(n, cur int) (ot.Op, int) {
	r := c.rng
	if n > 0 && r.IntN(4) == 0 {
		k := 1 + r.IntN(4)
		if cur > 0 {
			k = min(k, cur)
			return ot.NewDelete(n, cur-k, k), cur - k
		}
		k = min(k, n-cur)
		return ot.NewDelete(n, cur, k), cur
	}
	k := 1 + r.IntN(8)
	buf := make([]byte, k)
	for i := range buf {
		if r.IntN(6) == 0 {
			buf[i] = ' '
		} else {
			buf[i] = letters[r.IntN(len(letters))]
		}
	}
	return ot.NewInsert(n, cur, string(buf)), cur + k
}

func (c *client) expGap() time.Duration {
	return time.Duration(c.rng.ExpFloat64() / c.b.cfg.Rate * float64(time.Second))
}

// run is the sender loop: open-loop (Poisson arrivals, latency from the
// scheduled time) or closed-loop (next action right after the previous ack).
func (c *client) run(ctx context.Context, t0 time.Time) {
	b := c.b
	win := b.win()
	if b.cfg.Mode == ModeClosed {
		for ctx.Err() == nil && !b.aborted() && time.Now().Before(win.end) {
			c.action(ctx, time.Now())
		}
		return
	}
	next := t0.Add(c.expGap())
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		if !next.Before(win.end) {
			return
		}
		if ctx.Err() != nil || b.aborted() || !time.Now().Before(win.end) {
			c.countBacklog(next)
			return
		}
		if d := time.Until(next); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
			case <-b.abortCh:
			}
			continue
		}
		sched := next
		next = next.Add(c.expGap())
		c.action(ctx, sched)
	}
}

// countBacklog accounts for arrivals scheduled before the window end that
// were never sent because this client was still behind (or stuck in a
// request): their latency is at least windowEnd-scheduled, which is
// recorded (censored) so a stalled server cannot hide behind coordinated
// omission.
func (c *client) countBacklog(next time.Time) {
	b := c.b
	win := b.win()
	for t := next; t.Before(win.end); t = t.Add(c.expGap()) {
		if c.rng.Float64() < b.cfg.CursorProb {
			continue
		}
		c.st.backlog++
		if !t.Before(win.start) {
			c.st.lat = append(c.st.lat, ms(win.end.Sub(t)))
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (c *client) action(ctx context.Context, sched time.Time) {
	if c.rng.Float64() < c.b.cfg.CursorProb {
		c.moveCursor(ctx)
		return
	}
	if c.edit(ctx, sched) && c.b.cfg.SaveEvery > 0 {
		c.st.sinceSave++
		if c.st.sinceSave >= c.st.nextSave {
			c.st.sinceSave = 0
			c.st.nextSave = c.drawNextSave()
			c.save(ctx)
		}
	}
}

// edit sends one op and waits for its acknowledgement. It reports whether
// the op was acknowledged.
func (c *client) edit(ctx context.Context, sched time.Time) bool {
	b := c.b
	c.mu.Lock()
	if c.hasPending {
		// Only possible after a failed reload; try again.
		epoch := c.epoch
		c.mu.Unlock()
		c.reload(ctx, epoch)
		return false
	}
	n := c.text.Len()
	cur := min(max(c.cursor, 0), n)
	op, newCur := c.genOp(n, cur)
	if err := ot.ApplyTo(c.text, op); err != nil {
		c.mu.Unlock()
		panic(err) // generated for exactly this length
	}
	c.cursor = newCur
	c.seq++
	seq := c.seq
	c.pending, c.hasPending, c.pendingSeq = op, true, seq
	base, epoch, id := c.version, c.epoch, c.id
	body := protocol.AppendSubmitRequest(make([]byte, 0, 96), id, seq, base, op)
	c.mu.Unlock()

	sent := time.Now()
	status, data, err := b.do(ctx, http.MethodPost, c.pOps, body)
	now := time.Now()
	// A failed edit counts as an error (attributed to its send time) and
	// contributes its time-to-failure as a latency sample.
	fail := func(msg string) bool {
		b.recordError(sent, msg)
		if b.inWindow(sched) {
			c.st.lat = append(c.st.lat, ms(now.Sub(sched)))
		}
		c.reload(ctx, epoch)
		return false
	}
	if err != nil {
		if ctx.Err() != nil {
			return fail("op: abandoned, no answer before the drain deadline")
		}
		return fail("op: " + err.Error())
	}
	if status == http.StatusConflict { // base older than the server's history window
		c.reload(ctx, epoch)
		return false
	}
	if status != http.StatusOK {
		return fail(fmt.Sprintf("op: HTTP %d: %s", status, trunc(data)))
	}
	var resp protocol.SubmitResponse
	if err := protocol.ParseSubmitResponse(data, &resp); err != nil {
		return fail("op: bad response: " + err.Error())
	}
	c.mu.Lock()
	if c.epoch != epoch {
		c.mu.Unlock()
		return false // reloaded meanwhile
	}
	var applyErr error
	for i := range resp.Missed {
		if applyErr = c.applyEventLocked(&resp.Missed[i]); applyErr != nil {
			break
		}
	}
	var ackAt time.Time
	if applyErr == nil {
		switch {
		case c.ackedSeq == seq: // the stream was faster
			ackAt = c.ackedAt
		case c.hasPending && c.pendingSeq == seq && resp.Version == c.version+1:
			c.pending, c.hasPending = nil, false
			c.version = resp.Version
			c.ackedSeq, c.ackedAt = seq, now
			ackAt = now
		default:
			applyErr = fmt.Errorf("ack for v%d but client is at v%d", resp.Version, c.version)
		}
	}
	c.mu.Unlock()
	if applyErr != nil {
		return fail("client OT (ack): " + applyErr.Error())
	}
	if b.inWindow(ackAt) {
		c.st.ops++
	}
	if b.inWindow(sched) {
		c.st.lat = append(c.st.lat, ms(ackAt.Sub(sched)))
	}
	return true
}

func (c *client) moveCursor(ctx context.Context) {
	b := c.b
	c.mu.Lock()
	n := c.text.Len()
	if c.rng.IntN(10) < 3 {
		c.cursor = c.rng.IntN(n + 1)
	} else {
		c.cursor += c.rng.IntN(161) - 80
	}
	c.cursor = min(max(c.cursor, 0), n)
	pos, base, epoch, id := c.cursor, c.version, c.epoch, c.id
	c.mu.Unlock()
	body := make([]byte, 0, 64)
	body = append(body, `{"client":`...)
	body = strconv.AppendUint(body, id, 10)
	body = append(body, `,"pos":`...)
	body = strconv.AppendInt(body, int64(pos), 10)
	body = append(body, `,"base":`...)
	body = strconv.AppendInt(body, base, 10)
	body = append(body, '}')
	sent := time.Now()
	status, data, err := b.do(ctx, http.MethodPost, c.pCursor, body)
	now := time.Now()
	switch {
	case err != nil:
		b.recordError(sent, "cursor: "+err.Error())
	case status == http.StatusConflict:
		c.reload(ctx, epoch)
	case status != http.StatusOK:
		b.recordError(sent, fmt.Sprintf("cursor: HTTP %d: %s", status, trunc(data)))
	default:
		if b.inWindow(now) {
			c.st.cursors++
		}
	}
}

func (c *client) save(ctx context.Context) {
	b := c.b
	c.mu.Lock()
	id := c.id
	c.mu.Unlock()
	body := strconv.AppendUint([]byte(`{"client":`), id, 10)
	body = append(body, '}')
	sent := time.Now()
	status, data, err := b.do(ctx, http.MethodPost, c.pSave, body)
	now := time.Now()
	switch {
	case err != nil:
		b.recordError(sent, "save: "+err.Error())
	case status != http.StatusOK:
		b.recordError(sent, fmt.Sprintf("save: HTTP %d: %s", status, trunc(data)))
	default:
		if b.inWindow(now) {
			c.st.saves++
		}
	}
}

func trunc(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
