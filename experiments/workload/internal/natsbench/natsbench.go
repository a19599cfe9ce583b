// Package natsbench implements nats-bench, a publish/subscribe load
// generator for nats-server that speaks the NATS client protocol directly
// over TCP. Publishers send to K subjects, every subject is delivered to F
// of the M subscriber connections, and each delivery's latency is measured
// from the publish time stamped into the payload.
package natsbench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a run.
type Config struct {
	URL         string
	Publishers  int
	Subscribers int
	Subjects    int
	// Fanout is how many subscriber connections receive each subject
	// (0 = all of them).
	Fanout int
	Size   int     // payload bytes
	Rate   float64 // messages/s per publisher; 0 = closed loop
	// Inflight bounds, per publisher, the messages sent but not yet
	// confirmed by the PONG of a later PING (the server has processed them).
	Inflight       int
	Duration       time.Duration
	Drain          time.Duration // bound on the wait for deliveries after the window
	ConnectTimeout time.Duration // bound on connecting, and again on subscribing
	Seed           uint64
	Log            io.Writer // diagnostics (default os.Stderr)
}

// DefaultConfig returns the flag defaults.
func DefaultConfig() Config {
	return Config{
		URL:            "nats://127.0.0.1:4222",
		Publishers:     4,
		Subscribers:    4,
		Subjects:       100,
		Fanout:         2,
		Size:           512,
		Rate:           0,
		Inflight:       1024,
		Duration:       10 * time.Second,
		Drain:          2 * time.Second,
		ConnectTimeout: 2 * time.Second,
		Seed:           1,
	}
}

// stampLen is the payload header: 8 bytes publish time (ns since the run's
// base, monotonic), 4 bytes publisher index.
const stampLen = 12

// maxSamples bounds error_samples.
const maxSamples = 5

// HardLimit is the longest a run with this configuration may take (setup,
// window, drain, closing); the command's watchdog exits after it.
func (c *Config) HardLimit() time.Duration {
	return 2*c.ConnectTimeout + c.Duration + c.Drain + 3*time.Second
}

// Validate checks a configuration.
func (c *Config) Validate() error {
	if _, _, _, err := parseURL(c.URL); err != nil {
		return err
	}
	switch {
	case c.Publishers < 1 || c.Publishers > 1000:
		return errors.New("-publishers must be in 1..1000")
	case c.Subscribers < 1 || c.Subscribers > 1000:
		return errors.New("-subscribers must be in 1..1000")
	case c.Subjects < 1 || c.Subjects > 1_000_000:
		return errors.New("-subjects must be in 1..1000000")
	case c.Fanout < 0 || c.Fanout > c.Subscribers:
		return errors.New("-fanout must be in 0..subscribers (0 = all)")
	case c.Subjects*c.fanout() > 4_000_000:
		return errors.New("-subjects × -fanout must be at most 4000000 subscriptions")
	case c.Size < stampLen || c.Size > 64<<20:
		return fmt.Errorf("-size must be in %d..%d bytes", stampLen, 64<<20)
	case c.Rate < 0 || math.IsInf(c.Rate, 0) || math.IsNaN(c.Rate):
		return errors.New("-rate must be >= 0 (0 = closed loop)")
	case c.Inflight < 1:
		return errors.New("-inflight must be >= 1")
	case c.Duration <= 0 || c.Duration > time.Hour:
		return errors.New("-duration must be in (0, 1h]")
	case c.Drain < 0 || c.Drain > time.Minute:
		return errors.New("-drain must be in [0, 1m]")
	case c.ConnectTimeout <= 0 || c.ConnectTimeout > time.Minute:
		return errors.New("-connect-timeout must be in (0, 1m]")
	}
	return nil
}

func (c *Config) fanout() int {
	if c.Fanout == 0 {
		return c.Subscribers
	}
	return c.Fanout
}

// parseURL accepts nats://[user[:pass]@]host[:port] (port 4222 by default).
func parseURL(s string) (addr, user, pass string, err error) {
	u, perr := url.Parse(s)
	if perr != nil || u.Scheme != "nats" || u.Hostname() == "" || (u.Path != "" && u.Path != "/") {
		return "", "", "", fmt.Errorf("invalid -url %q: want nats://host:port", s)
	}
	port := u.Port()
	if port == "" {
		port = "4222"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", "", "", fmt.Errorf("invalid -url %q: bad port", s)
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	return net.JoinHostPort(u.Hostname(), port), user, pass, nil
}

// Latency is the delivery latency summary in milliseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Result is the JSON result (one line).
type Result struct {
	Published    int64    `json:"published"` // messages published in the window
	Delivered    int64    `json:"delivered"` // deliveries of those messages to subscribers
	Throughput   float64  `json:"throughput_msgs_per_sec"`
	LatencyMs    Latency  `json:"latency_ms"`
	Errors       int64    `json:"errors"`
	ErrorSamples []string `json:"error_samples"`
	WindowStart  int64    `json:"window_start_unix_nano"`
	WindowEnd    int64    `json:"window_end_unix_nano"`

	// Extras (not required by the tuner).
	Expected       int64   `json:"expected_deliveries"` // published × fanout
	Undelivered    int64   `json:"undelivered"`         // expected − delivered after the drain (≥ 0)
	Disconnects    int64   `json:"disconnects"`
	ServerErrors   int64   `json:"server_errors"` // -ERR lines
	ProtocolErrors int64   `json:"protocol_errors"`
	Backlog        int64   `json:"backlog"` // rate mode: scheduled in the window but not sent
	PublishedRate  float64 `json:"published_per_sec"`
	DeliveredMiBs  float64 `json:"delivered_payload_mib_per_sec"`
	LatencySamples uint64  `json:"latency_samples"`
	DrainMs        float64 `json:"drain_ms"`
	Publishers     int     `json:"publishers"`
	Subscribers    int     `json:"subscribers"`
	Subjects       int     `json:"subjects"`
	Fanout         int     `json:"fanout"`
	Size           int     `json:"size"`
	Rate           float64 `json:"rate"`
	Inflight       int     `json:"inflight"`
	DurationS      float64 `json:"duration_s"`
	Seed           uint64  `json:"seed"`
	ServerVersion  string  `json:"server_version"`
	Aborted        string  `json:"aborted,omitempty"`
}

// errs collects errors from every goroutine.
type errs struct {
	mu      sync.Mutex
	counts  map[string]int64
	samples []string
	logged  int
	log     io.Writer
}

func (e *errs) add(kind, text string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[kind]++
	if len(e.samples) < maxSamples {
		e.samples = append(e.samples, text)
	}
	if e.logged < 10 {
		e.logged++
		fmt.Fprintln(e.log, "nats-bench:", text)
	}
}

func (e *errs) get(kind string) int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts[kind]
}

type subscriber struct {
	c         *conn
	hist      *Histogram // written by the reader goroutine only
	delivered atomic.Int64
	short     int64
}

type publisher struct {
	c         *conn
	idx       int
	rng       *rand.Rand
	payload   []byte // size bytes + CRLF
	published atomic.Int64
	backlog   int64
	hist      *Histogram // censored latencies of the backlog (rate mode)

	unacked  int   // messages not yet covered by a PONG
	pings    []int // messages before each outstanding PING, oldest first
	sincePng int
}

// Run connects, subscribes, publishes for cfg.Duration, drains and returns
// the result. A *ConnectError means the server could not be reached or
// refused the setup; no result is returned then.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Log
	if log == nil {
		log = os.Stderr
	}
	addr, user, pass, _ := parseURL(cfg.URL)
	fan := cfg.fanout()
	base := time.Now()
	er := &errs{counts: map[string]int64{}, log: log}

	// Connect everything in parallel.
	deadline := time.Now().Add(cfg.ConnectTimeout)
	n := cfg.Publishers + cfg.Subscribers
	conns := make([]*conn, n)
	cerrs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		name := fmt.Sprintf("pub-%d", i)
		if i >= cfg.Publishers {
			name = fmt.Sprintf("sub-%d", i-cfg.Publishers)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			conns[i], cerrs[i] = dial(addr, "nats-bench-"+name, user, pass, deadline)
		}()
	}
	wg.Wait()
	closeAll := func() {
		for _, c := range conns {
			if c != nil {
				c.close()
			}
		}
	}
	for _, err := range cerrs {
		if err != nil {
			closeAll()
			return nil, err
		}
	}
	info := conns[0].info
	if info.MaxPayload > 0 && int64(cfg.Size) > info.MaxPayload {
		closeAll()
		return nil, &ConnectError{addr, fmt.Errorf("-size %d exceeds the server's max_payload %d", cfg.Size, info.MaxPayload)}
	}

	subjects := make([]string, cfg.Subjects)
	headers := make([][]byte, cfg.Subjects)
	for i := range subjects {
		subjects[i] = "bench." + strconv.Itoa(i)
		headers[i] = []byte("PUB " + subjects[i] + " " + strconv.Itoa(cfg.Size) + "\r\n")
	}

	// Subscribe: subject i goes to subscribers (i+r) mod M, r < fanout; the
	// sid is the subject index. A PING after the SUBs confirms them.
	subs := make([]*subscriber, cfg.Subscribers)
	for j := range subs {
		subs[j] = &subscriber{c: conns[cfg.Publishers+j], hist: NewHistogram()}
	}
	deadline = time.Now().Add(cfg.ConnectTimeout)
	for _, s := range subs {
		_ = s.c.nc.SetDeadline(deadline)
	}
	for i, s := range subjects {
		for r := range fan {
			c := subs[(i+r)%cfg.Subscribers].c
			c.w.WriteString("SUB " + s + " " + strconv.Itoa(i) + "\r\n")
		}
	}
	for j := range subs {
		c := subs[j].c
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.w.WriteString("PING\r\n")
			err := c.w.Flush()
			if err == nil {
				err = c.awaitPongSync()
			}
			_ = c.nc.SetDeadline(time.Time{})
			if err != nil {
				cerrs[cfg.Publishers+j] = &ConnectError{addr, fmt.Errorf("%s: subscribing: %w", c.name, err)}
			}
		}()
	}
	wg.Wait()
	for _, err := range cerrs {
		if err != nil {
			closeAll()
			return nil, err
		}
	}

	// Readers.
	for _, s := range subs {
		s.c.onErr = er.add
		s.c.onMsg = func(p []byte) {
			now := time.Since(base)
			if len(p) < stampLen {
				s.short++
				return
			}
			s.hist.Record(now - time.Duration(binary.BigEndian.Uint64(p)))
			s.delivered.Add(1)
		}
		s.c.start()
	}
	pubs := make([]*publisher, cfg.Publishers)
	for i := range pubs {
		p := &publisher{
			c:    conns[i],
			idx:  i,
			rng:  rand.New(rand.NewPCG(cfg.Seed, uint64(i)+0x9e3779b97f4a7c15)),
			hist: NewHistogram(),
		}
		p.payload = make([]byte, cfg.Size+2)
		for k := stampLen; k < cfg.Size; k++ {
			p.payload[k] = byte('a' + p.rng.IntN(26))
		}
		binary.BigEndian.PutUint32(p.payload[8:], uint32(i))
		p.payload[cfg.Size], p.payload[cfg.Size+1] = '\r', '\n'
		p.c.onErr = er.add
		p.c.onMsg = func([]byte) { er.add("protocol", p.c.name+": MSG on a publisher connection") }
		p.c.start()
		pubs[i] = p
	}

	// The window.
	t0 := time.Now()
	t1 := t0.Add(cfg.Duration)
	drainEnd := t1.Add(cfg.Drain)
	stop := make(chan struct{})
	var stopOnce sync.Once
	var aborted atomic.Bool
	endWindow := func() { stopOnce.Do(func() { close(stop) }) }
	timer := time.AfterFunc(cfg.Duration, endWindow)
	defer timer.Stop()
	ctxDone := context.AfterFunc(ctx, func() { aborted.Store(true); endWindow() })
	defer ctxDone()

	for _, p := range pubs {
		_ = p.c.nc.SetWriteDeadline(drainEnd)
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.run(&cfg, headers, base, t0, t1, stop, drainEnd, fan)
		}()
	}
	wg.Wait()
	windowEnd := t1
	if aborted.Load() {
		windowEnd = time.Now()
	}

	// Drain: every publisher has had its final PONG (or gave up); wait for
	// the deliveries still under way, bounded by drainEnd.
	var published int64
	for _, p := range pubs {
		published += p.published.Load()
	}
	expected := published * int64(fan)
	delivered := func() int64 {
		var d int64
		for _, s := range subs {
			d += s.delivered.Load()
		}
		return d
	}
	for delivered() < expected && time.Now().Before(drainEnd) && !aborted.Load() {
		time.Sleep(2 * time.Millisecond)
	}
	drainMs := float64(time.Since(windowEnd)) / 1e6
	closeAll() // the readers are done after this: histograms can be read

	hist := NewHistogram()
	var got, short int64
	for _, s := range subs {
		hist.Merge(s.hist)
		got += s.delivered.Load()
		short += s.short
	}
	var backlog int64
	for _, p := range pubs {
		hist.Merge(p.hist)
		backlog += p.backlog
	}
	if short > 0 {
		er.add("protocol", fmt.Sprintf("%d deliveries with a payload shorter than %d bytes", short, stampLen))
	}
	undelivered := max(expected-got, 0)
	if undelivered > 0 {
		er.add("undelivered", fmt.Sprintf("%d of %d deliveries missing after a drain of %.0f ms", undelivered, expected, drainMs))
	}
	if got > expected {
		er.add("protocol", fmt.Sprintf("%d deliveries more than expected (%d)", got-expected, expected))
	}

	win := windowEnd.Sub(t0).Seconds()
	ms := func(ns float64) float64 { return math.Round(ns/1e3) / 1e3 }
	res := &Result{
		Published:  published,
		Delivered:  got,
		Throughput: float64(got) / win,
		LatencyMs: Latency{
			P50: ms(hist.Quantile(0.50)), P90: ms(hist.Quantile(0.90)), P99: ms(hist.Quantile(0.99)),
			Max: ms(float64(hist.Max())), Mean: ms(hist.Mean()),
		},
		WindowStart:    t0.UnixNano(),
		WindowEnd:      windowEnd.UnixNano(),
		Expected:       expected,
		Undelivered:    undelivered,
		Disconnects:    er.get("disconnect"),
		ServerErrors:   er.get("server"),
		ProtocolErrors: er.get("protocol"),
		Backlog:        backlog,
		PublishedRate:  float64(published) / win,
		DeliveredMiBs:  float64(got) * float64(cfg.Size) / win / (1 << 20),
		LatencySamples: hist.Count(),
		DrainMs:        drainMs,
		Publishers:     cfg.Publishers,
		Subscribers:    cfg.Subscribers,
		Subjects:       cfg.Subjects,
		Fanout:         fan,
		Size:           cfg.Size,
		Rate:           cfg.Rate,
		Inflight:       cfg.Inflight,
		DurationS:      cfg.Duration.Seconds(),
		Seed:           cfg.Seed,
		ServerVersion:  info.Version,
	}
	res.Errors = res.Disconnects + res.ServerErrors + res.ProtocolErrors + undelivered
	er.mu.Lock()
	res.ErrorSamples = append([]string{}, er.samples...)
	er.mu.Unlock()
	if aborted.Load() {
		res.Aborted = "interrupted before the end of the window"
	}
	return res, nil
}

// run publishes until t1 (or stop), then sends a last PING and waits for
// the PONGs of everything it sent, until drainEnd.
func (p *publisher) run(cfg *Config, headers [][]byte, base, t0, t1 time.Time, stop <-chan struct{}, drainEnd time.Time, fan int) {
	chunk := max(1, cfg.Inflight/4)
	c := p.c
	k := len(headers)
	defer func() {
		// Final PING: its PONG means the server has processed every PUB.
		if c.isDead() {
			return
		}
		c.wmu.Lock()
		if p.sincePng > 0 {
			c.w.WriteString("PING\r\n")
			p.pings = append(p.pings, p.sincePng)
			p.sincePng = 0
		}
		err := c.w.Flush()
		c.wmu.Unlock()
		if err != nil {
			c.lost(err)
			return
		}
		t := time.NewTimer(time.Until(drainEnd))
		defer t.Stop()
		for len(p.pings) > 0 {
			select {
			case <-c.pongs:
				p.ack()
			case <-c.dead:
				return
			case <-t.C:
				return
			}
		}
	}()

	// send writes one PUB stamped with stamp (ns since base); false when the
	// connection failed.
	send := func(stamp time.Duration) bool {
		c.wmu.Lock()
		binary.BigEndian.PutUint64(p.payload, uint64(stamp))
		c.w.Write(headers[p.rng.IntN(k)])
		_, err := c.w.Write(p.payload)
		p.unacked++
		p.sincePng++
		if err == nil && p.sincePng >= chunk {
			c.w.WriteString("PING\r\n")
			err = c.w.Flush()
			p.pings = append(p.pings, p.sincePng)
			p.sincePng = 0
		}
		c.wmu.Unlock()
		if err != nil {
			c.lost(err)
			return false
		}
		p.published.Add(1)
		return true
	}
	// room waits until fewer than Inflight messages are unconfirmed; false
	// when the window ended or the connection died first.
	room := func() bool {
		for p.unacked >= cfg.Inflight {
			select {
			case <-c.pongs:
				p.ack()
			case <-c.dead:
				return false
			case <-stop:
				return false
			}
		}
		return true
	}
	flush := func() bool {
		c.wmu.Lock()
		err := c.w.Flush()
		c.wmu.Unlock()
		if err != nil {
			c.lost(err)
		}
		return err == nil
	}

	if cfg.Rate == 0 {
		for {
			now := time.Now()
			if !now.Before(t1) || !room() || !send(now.Sub(base)) {
				return
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}

	// Open loop: Poisson arrivals; a message is stamped with its scheduled
	// time, so falling behind shows in the latency.
	end := t1.Sub(base)
	next := t0.Sub(base) + p.expo(cfg.Rate)
	defer func() {
		// Scheduled in the window but never sent: censored latencies.
		for ; next < end; next += p.expo(cfg.Rate) {
			p.backlog++
			p.hist.RecordN(end-next, uint64(fan))
		}
	}()
	sleep := time.NewTimer(time.Hour)
	defer sleep.Stop()
	for next < end {
		now := time.Since(base)
		if next > now {
			if !flush() {
				return
			}
			sleep.Reset(next - now)
			select {
			case <-sleep.C:
			case <-stop:
				return
			case <-c.dead:
				return
			}
			continue
		}
		if !room() || !send(next) {
			return
		}
		next += p.expo(cfg.Rate)
	}
}

func (p *publisher) ack() {
	if len(p.pings) == 0 {
		return
	}
	p.unacked -= p.pings[0]
	p.pings = p.pings[1:]
}

// expo draws an exponential inter-arrival time for rate per second.
func (p *publisher) expo(rate float64) time.Duration {
	return time.Duration(p.rng.ExpFloat64() / rate * 1e9)
}
