// Package bench implements sync-bench, the load generator for
// collab-server: simulated editors that type, move their cursor and save,
// with client-side OT, followed by a convergence check.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tuner.local/workload/internal/protocol"
)

// Modes.
const (
	ModeOpen   = "open"
	ModeClosed = "closed"
)

// Config configures a run.
type Config struct {
	URL        string
	Clients    int
	Docs       int
	DocSize    int
	Rate       float64 // per-client Poisson rate (open loop), Hz
	Mode       string
	Warmup     time.Duration
	Duration   time.Duration
	SaveEvery  int
	CursorProb float64
	Seed       uint64
	Timeout    time.Duration // per request
	MaxErrors  int           // 0 = unlimited
	Log        io.Writer     // diagnostics (default os.Stderr)
}

// DefaultConfig returns the flag defaults.
func DefaultConfig() Config {
	return Config{
		URL:        "http://127.0.0.1:8080",
		Clients:    200,
		Docs:       4,
		DocSize:    128 << 10,
		Rate:       5,
		Mode:       ModeOpen,
		Warmup:     2 * time.Second,
		Duration:   10 * time.Second,
		SaveEvery:  50,
		CursorProb: 0.2,
		Seed:       1,
		Timeout:    5 * time.Second,
	}
}

// Phase budgets; setup + drain stay below 10 s so that a run always ends
// within warmup + duration + 10 s.
const (
	healthBudget   = 3 * time.Second
	setupBudget    = 4 * time.Second // health + opens + event streams
	inflightBudget = 2 * time.Second // let in-flight requests finish after the window
	textBudget     = 1 * time.Second // fetch the server texts
	catchupBudget  = 1500 * time.Millisecond
	// HardLimit is added to warmup+duration for the whole run.
	HardLimit = 10 * time.Second
)

// Latency is the latency summary in milliseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Result is the JSON result.
type Result struct {
	Mode             string   `json:"mode"`
	Clients          int      `json:"clients"`
	Docs             int      `json:"docs"`
	WarmupS          float64  `json:"warmup_s"`
	DurationS        float64  `json:"duration_s"`
	Operations       int64    `json:"operations"`
	CursorMoves      int64    `json:"cursor_moves"`
	Saves            int64    `json:"saves"`
	Throughput       float64  `json:"throughput_ops_per_sec"`
	LatencyMs        Latency  `json:"latency_ms"`
	Errors           int64    `json:"errors"`
	ErrorSamples     []string `json:"error_samples"`
	Converged        bool     `json:"converged"`
	DivergentClients int      `json:"divergent_clients"`
	WindowStart      int64    `json:"window_start_unix_nano"`
	WindowEnd        int64    `json:"window_end_unix_nano"`

	// Extras (not required by the tuner).
	RateHz           float64          `json:"rate_hz"`
	DocSize          int              `json:"doc_size"`
	Seed             uint64           `json:"seed"`
	LatencySamples   int              `json:"latency_samples"`
	BacklogOps       int64            `json:"backlog_ops"`
	ErrorsTotal      int64            `json:"errors_total"`
	Reloads          int64            `json:"reloads"`
	StreamReconnects int64            `json:"stream_reconnects"`
	EventsReceived   int64            `json:"events_received"`
	ServerVersions   map[string]int64 `json:"server_versions"`
	Aborted          string           `json:"aborted,omitempty"`
}

// ExitError carries the process exit code for a failed run.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

type bench struct {
	cfg  Config
	base string
	hc   *http.Client
	log  io.Writer

	window atomic.Pointer[timeWindow] // nil until the load starts

	errorsWin   atomic.Int64
	errorsTotal atomic.Int64
	errMu       sync.Mutex
	errSamples  []string
	errLogged   int

	abortCh     chan struct{}
	abortOnce   sync.Once
	abortReason atomic.Value
}

// Validate checks a configuration.
func (c *Config) Validate() error {
	u, err := url.Parse(c.URL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("invalid -url %q", c.URL)
	case c.Clients <= 0:
		return errors.New("-clients must be > 0")
	case c.Docs <= 0:
		return errors.New("-docs must be > 0")
	case c.DocSize < 0:
		return errors.New("-doc-size must be >= 0")
	case c.Mode != ModeOpen && c.Mode != ModeClosed:
		return fmt.Errorf("-mode must be %q or %q", ModeOpen, ModeClosed)
	case c.Mode == ModeOpen && !(c.Rate > 0):
		return errors.New("-rate must be > 0 in open mode")
	case c.Warmup < 0 || c.Duration <= 0:
		return errors.New("-warmup must be >= 0 and -duration > 0")
	case c.SaveEvery < 0:
		return errors.New("-save-every must be >= 0")
	case c.CursorProb < 0 || c.CursorProb >= 1:
		return errors.New("-cursor-prob must be in [0,1)")
	case c.Timeout <= 0:
		return errors.New("-timeout must be > 0")
	case c.MaxErrors < 0:
		return errors.New("-max-errors must be >= 0")
	}
	return nil
}

type timeWindow struct{ start, end time.Time }

func (b *bench) win() *timeWindow {
	if w := b.window.Load(); w != nil {
		return w
	}
	return &timeWindow{}
}

func (b *bench) inWindow(t time.Time) bool {
	w := b.window.Load()
	return w != nil && !t.Before(w.start) && t.Before(w.end)
}

func (b *bench) aborted() bool {
	select {
	case <-b.abortCh:
		return true
	default:
		return false
	}
}

func (b *bench) abort(reason string) {
	b.abortOnce.Do(func() {
		b.abortReason.Store(reason)
		close(b.abortCh)
	})
}

// recordError counts a failed request; at is when it was sent (errors of
// requests sent inside the window count in Result.Errors).
func (b *bench) recordError(at time.Time, msg string) {
	b.errorsTotal.Add(1)
	in := b.inWindow(at)
	var n int64
	if in {
		n = b.errorsWin.Add(1)
	}
	b.errMu.Lock()
	if in && len(b.errSamples) < 5 {
		b.errSamples = append(b.errSamples, msg)
	}
	if b.errLogged < 10 {
		b.errLogged++
		phase := "window"
		if !in {
			phase = "outside window"
		}
		fmt.Fprintf(b.log, "sync-bench: error (%s): %s\n", phase, msg)
	}
	b.errMu.Unlock()
	if in && b.cfg.MaxErrors > 0 && n > int64(b.cfg.MaxErrors) {
		b.abort(fmt.Sprintf("more than %d errors", b.cfg.MaxErrors))
	}
}

// do performs one request bounded by -timeout.
func (b *bench) do(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, data, nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Run executes a benchmark run. A nil error with Converged == false means
// divergence (exit 3). On error the result may still be non-nil.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, &ExitError{Code: 2, Err: err}
	}
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	start := time.Now()
	ctx, cancelAll := context.WithDeadline(ctx, start.Add(cfg.Warmup+cfg.Duration+HardLimit-200*time.Millisecond))
	defer cancelAll()

	conns := 2*cfg.Clients + 16
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: min(cfg.Timeout, 2*time.Second), KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     60 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	b := &bench{
		cfg:     cfg,
		base:    strings.TrimRight(cfg.URL, "/"),
		hc:      &http.Client{Transport: tr},
		log:     cfg.Log,
		abortCh: make(chan struct{}),
	}
	// 1. Health.
	if err := b.waitHealthy(ctx, start.Add(healthBudget)); err != nil {
		return nil, &ExitError{Code: 2, Err: fmt.Errorf("server not reachable at %s: %w", cfg.URL, err)}
	}

	// 2. Open documents.
	setupCtx, setupCancel := context.WithDeadline(ctx, start.Add(setupBudget))
	defer setupCancel()
	clients := make([]*client, cfg.Clients)
	for i := range clients {
		clients[i] = newClient(b, i)
	}
	if err := openAll(setupCtx, clients); err != nil {
		code := 1
		if isUnreachable(err) {
			code = 2
		}
		return nil, &ExitError{Code: code, Err: err}
	}

	// 3. Event streams.
	streamCtx, stopStreams := context.WithCancel(ctx)
	defer stopStreams()
	var readyWG sync.WaitGroup
	var streamsWG sync.WaitGroup
	readyWG.Add(len(clients))
	for _, c := range clients {
		var once sync.Once
		streamsWG.Add(1)
		go func(c *client) {
			defer streamsWG.Done()
			c.streamLoop(streamCtx, func() { once.Do(readyWG.Done) })
		}(c)
	}
	if !waitTimeout(&readyWG, time.Until(start.Add(setupBudget))) {
		return nil, &ExitError{Code: 1, Err: errors.New("event streams did not connect within the setup budget")}
	}

	// 4. Load: warm-up + measured window.
	t0 := time.Now()
	win := &timeWindow{start: t0.Add(cfg.Warmup)}
	win.end = win.start.Add(cfg.Duration)
	b.window.Store(win)
	sendCtx, cancelSend := context.WithCancel(ctx)
	defer cancelSend()
	stats := make(chan clientStats, len(clients))
	var sendWG sync.WaitGroup
	for _, c := range clients {
		sendWG.Add(1)
		go func(c *client) {
			defer sendWG.Done()
			c.run(sendCtx, t0)
			stats <- c.st
		}(c)
	}
	// After the window no new action starts; in-flight ones may finish.
	if !waitTimeout(&sendWG, time.Until(win.end.Add(inflightBudget))) {
		fmt.Fprintln(b.log, "sync-bench: in-flight requests did not finish in time; cancelling them")
		cancelSend()
		waitTimeout(&sendWG, 500*time.Millisecond)
	}
	res := &Result{
		Mode:           cfg.Mode,
		Clients:        cfg.Clients,
		Docs:           cfg.Docs,
		WarmupS:        cfg.Warmup.Seconds(),
		DurationS:      win.end.Sub(win.start).Seconds(),
		WindowStart:    win.start.UnixNano(),
		WindowEnd:      win.end.UnixNano(),
		RateHz:         cfg.Rate,
		DocSize:        cfg.DocSize,
		Seed:           cfg.Seed,
		ServerVersions: map[string]int64{},
	}
	var lat []float64
	for len(stats) > 0 {
		st := <-stats
		res.Operations += st.ops
		res.CursorMoves += st.cursors
		res.Saves += st.saves
		res.BacklogOps += st.backlog
		lat = append(lat, st.lat...)
	}
	if cfg.Mode == ModeClosed {
		res.RateHz = 0
	}
	res.Throughput = float64(res.Operations) / res.DurationS
	res.LatencyMs, res.LatencySamples = summarize(lat), len(lat)

	// 5. Convergence.
	var convErr error
	res.Converged, res.DivergentClients, convErr = b.checkConvergence(ctx, clients, res.ServerVersions)
	stopStreams()
	waitTimeout(&streamsWG, 500*time.Millisecond)

	for _, c := range clients {
		res.Reloads += c.reloads.Load()
		res.StreamReconnects += c.reconnects.Load()
		res.EventsReceived += c.events.Load()
	}
	res.Errors = b.errorsWin.Load()
	res.ErrorsTotal = b.errorsTotal.Load()
	b.errMu.Lock()
	res.ErrorSamples = append([]string{}, b.errSamples...)
	b.errMu.Unlock()
	if r, ok := b.abortReason.Load().(string); ok {
		res.Aborted = r
		return res, &ExitError{Code: 1, Err: errors.New("aborted: " + r)}
	}
	if convErr != nil {
		return res, &ExitError{Code: 1, Err: convErr}
	}
	return res, nil
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	if d <= 0 {
		d = time.Millisecond
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

func (b *bench) waitHealthy(ctx context.Context, deadline time.Time) error {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var last error
	for {
		status, body, err := b.do(ctx, http.MethodGet, "/healthz", nil)
		if err == nil && status == http.StatusOK {
			return nil
		}
		if err != nil {
			last = err
		} else {
			last = fmt.Errorf("healthz: HTTP %d: %s", status, trunc(body))
		}
		if !sleepCtx(ctx, 50*time.Millisecond) {
			return last
		}
	}
}

func isUnreachable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func openAll(ctx context.Context, clients []*client) error {
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for _, c := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func(c *client) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := c.open(ctx); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	return first
}

// checkConvergence waits until every client has caught up with the
// server's final version and compares texts.
func (b *bench) checkConvergence(ctx context.Context, clients []*client, versions map[string]int64) (bool, int, error) {
	texts := map[string][]byte{}
	tctx, cancel := context.WithTimeout(ctx, textBudget)
	defer cancel()
	for _, c := range clients {
		if _, ok := texts[c.doc]; ok {
			continue
		}
		status, body, err := b.do(tctx, http.MethodGet, "/docs/"+c.doc+"/text", nil)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("HTTP %d: %s", status, trunc(body))
		}
		var tr protocol.TextResponse
		if err == nil {
			err = json.Unmarshal(body, &tr)
		}
		if err != nil {
			return false, len(clients), fmt.Errorf("fetching final text of %s: %w", c.doc, err)
		}
		texts[c.doc] = []byte(tr.Text)
		versions[c.doc] = tr.Version
	}
	// Wait for the event streams to deliver up to the final versions.
	deadline := time.Now().Add(catchupBudget)
	for {
		behind := 0
		for _, c := range clients {
			c.mu.Lock()
			if c.version < versions[c.doc] {
				behind++
			}
			c.mu.Unlock()
		}
		if behind == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	divergent := 0
	for _, c := range clients {
		c.mu.Lock()
		want := texts[c.doc]
		ok := c.text != nil && !c.hasPending && c.version == versions[c.doc] && c.text.Equal(want)
		if !ok {
			divergent++
			if divergent <= 20 {
				diff, n := -1, 0
				if c.text != nil {
					diff, n = c.text.FirstDiff(want), c.text.Len()
				}
				fmt.Fprintf(b.log, "sync-bench: client %d (id %d, %s) diverged: version %d vs server %d, length %d vs %d, first difference at byte %d, pending op %v\n",
					c.idx, c.id, c.doc, c.version, versions[c.doc], n, len(want), diff, c.hasPending)
			}
		}
		c.mu.Unlock()
	}
	if divergent > 20 {
		fmt.Fprintf(b.log, "sync-bench: ... %d divergent clients in total\n", divergent)
	}
	return divergent == 0, divergent, nil
}

func summarize(lat []float64) Latency {
	if len(lat) == 0 {
		return Latency{}
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		i := int(p*float64(len(lat))+0.999999999) - 1 // nearest rank
		return lat[min(max(i, 0), len(lat)-1)]
	}
	sum := 0.0
	for _, v := range lat {
		sum += v
	}
	r := func(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
	return Latency{P50: r(q(0.50)), P90: r(q(0.90)), P99: r(q(0.99)), Max: r(lat[len(lat)-1]), Mean: r(sum / float64(len(lat)))}
}
