package natsbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func testConfig(url string) Config {
	cfg := DefaultConfig()
	cfg.URL = url
	cfg.Publishers = 2
	cfg.Subscribers = 3
	cfg.Subjects = 7
	cfg.Fanout = 2
	cfg.Size = 100
	cfg.Inflight = 64
	cfg.Duration = 300 * time.Millisecond
	cfg.Drain = 500 * time.Millisecond
	cfg.ConnectTimeout = time.Second
	cfg.Log = io.Discard
	return cfg
}

func run(t *testing.T, cfg Config) (*Result, time.Duration) {
	t.Helper()
	start := time.Now()
	res, err := Run(context.Background(), cfg)
	el := time.Since(start)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if limit := cfg.Duration + cfg.Drain + time.Second; el > limit {
		t.Errorf("run took %v, want at most %v", el, limit)
	}
	return res, el
}

func checkLatency(t *testing.T, res *Result) {
	t.Helper()
	l := res.LatencyMs
	if !(l.P50 >= 0 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.Max) {
		t.Errorf("latency percentiles not ordered: %+v", l)
	}
	if l.Max > 5000 {
		t.Errorf("latency max %v ms is implausible for a loopback fake", l.Max)
	}
}

func TestAccountingAgainstFake(t *testing.T) {
	s := newFakeServer(t, nil)
	cfg := testConfig(s.url())
	res, _ := run(t, cfg)

	if res.Published <= 0 {
		t.Fatalf("published %d", res.Published)
	}
	if got := s.pubs.Load(); got != res.Published {
		t.Errorf("server saw %d PUBs, bench counted %d", got, res.Published)
	}
	if res.Expected != 2*res.Published || res.Delivered != res.Expected {
		t.Errorf("published %d, expected %d, delivered %d: want delivered = expected = 2×published",
			res.Published, res.Expected, res.Delivered)
	}
	if res.Errors != 0 || res.Undelivered != 0 || len(res.ErrorSamples) != 0 {
		t.Errorf("errors %d undelivered %d samples %q", res.Errors, res.Undelivered, res.ErrorSamples)
	}
	if res.LatencySamples != uint64(res.Delivered) {
		t.Errorf("latency samples %d, delivered %d", res.LatencySamples, res.Delivered)
	}
	if w := time.Duration(res.WindowEnd - res.WindowStart); w != cfg.Duration {
		t.Errorf("window %v, want %v", w, cfg.Duration)
	}
	if want := float64(res.Delivered) / cfg.Duration.Seconds(); math.Abs(res.Throughput-want) > 1e-6*want {
		t.Errorf("throughput %v, want delivered/duration = %v", res.Throughput, want)
	}
	checkLatency(t, res)

	n, per := s.subscriptions()
	if n != cfg.Subjects*cfg.Fanout || len(per) != cfg.Subjects {
		t.Errorf("%d subscriptions on %d subjects, want %d on %d", n, len(per), cfg.Subjects*cfg.Fanout, cfg.Subjects)
	}
	for subj, k := range per {
		if k != cfg.Fanout {
			t.Errorf("subject %s has %d subscribers, want %d", subj, k, cfg.Fanout)
		}
	}
	if res.ServerVersion != "0.0.0-fake" {
		t.Errorf("server version %q", res.ServerVersion)
	}
}

func TestFanoutAll(t *testing.T) {
	s := newFakeServer(t, nil)
	cfg := testConfig(s.url())
	cfg.Fanout = 0
	res, _ := run(t, cfg)
	if res.Fanout != cfg.Subscribers || res.Delivered != res.Published*int64(cfg.Subscribers) || res.Errors != 0 {
		t.Errorf("fanout %d published %d delivered %d errors %d", res.Fanout, res.Published, res.Delivered, res.Errors)
	}
}

func TestJSONShape(t *testing.T) {
	s := newFakeServer(t, nil)
	res, _ := run(t, testConfig(s.url()))
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsRune(b, '\n') {
		t.Errorf("JSON is not one line")
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	isInt := func(k string) {
		t.Helper()
		n, ok := m[k].(json.Number)
		if !ok {
			t.Errorf("%s: %T, want a number", k, m[k])
			return
		}
		if _, err := n.Int64(); err != nil {
			t.Errorf("%s = %v, want an integer", k, n)
		}
	}
	for _, k := range []string{"published", "delivered", "errors", "window_start_unix_nano", "window_end_unix_nano"} {
		isInt(k)
	}
	if _, ok := m["throughput_msgs_per_sec"].(json.Number); !ok {
		t.Errorf("throughput_msgs_per_sec: %T", m["throughput_msgs_per_sec"])
	}
	lat, ok := m["latency_ms"].(map[string]any)
	if !ok {
		t.Fatalf("latency_ms: %T", m["latency_ms"])
	}
	for _, k := range []string{"p50", "p90", "p99", "max"} {
		if _, ok := lat[k].(json.Number); !ok {
			t.Errorf("latency_ms.%s: %T", k, lat[k])
		}
	}
	if samples, ok := m["error_samples"].([]any); !ok || len(samples) != 0 {
		t.Errorf("error_samples = %#v, want []", m["error_samples"])
	}
	// The window is in Unix nanoseconds of this run.
	start, _ := m["window_start_unix_nano"].(json.Number).Int64()
	if d := time.Since(time.Unix(0, start)); d < 0 || d > time.Minute {
		t.Errorf("window start %v ago", d)
	}
}

func TestRateMode(t *testing.T) {
	s := newFakeServer(t, nil)
	cfg := testConfig(s.url())
	cfg.Rate = 400
	cfg.Duration = 500 * time.Millisecond
	res, _ := run(t, cfg)
	want := cfg.Rate * float64(cfg.Publishers) * cfg.Duration.Seconds() // 400
	if f := float64(res.Published) / want; f < 0.7 || f > 1.3 {
		t.Errorf("published %d, want about %.0f", res.Published, want)
	}
	if res.Delivered != 2*res.Published || res.Errors != 0 || res.Backlog != 0 {
		t.Errorf("delivered %d errors %d backlog %d", res.Delivered, res.Errors, res.Backlog)
	}
	checkLatency(t, res)
}

func TestLostDeliveriesAreCounted(t *testing.T) {
	s := newFakeServer(t, func(s *fakeServer) { s.dropEvery = 10 })
	cfg := testConfig(s.url())
	cfg.Rate = 2000 // the closed loop would not mind; keep the numbers small
	res, el := run(t, cfg)
	if el < cfg.Duration+cfg.Drain-50*time.Millisecond {
		t.Errorf("returned after %v: it should have waited the whole drain for the missing deliveries", el)
	}
	missing := res.Expected - res.Delivered
	if missing <= 0 || res.Undelivered != missing || res.Errors < missing {
		t.Errorf("expected %d delivered %d undelivered %d errors %d", res.Expected, res.Delivered, res.Undelivered, res.Errors)
	}
	if f := float64(missing) / float64(res.Expected); f < 0.05 || f > 0.15 {
		t.Errorf("missing share %.3f, the fake drops 1 in 10", f)
	}
	if len(res.ErrorSamples) == 0 || !strings.Contains(strings.Join(res.ErrorSamples, "|"), "missing") {
		t.Errorf("samples %q", res.ErrorSamples)
	}
}

func TestServerErrAndDisconnectAreCounted(t *testing.T) {
	s := newFakeServer(t, func(s *fakeServer) {
		s.errAfterPub = 50
		s.closeSubAt = 20
	})
	cfg := testConfig(s.url())
	res, _ := run(t, cfg)
	if res.ServerErrors != 1 || res.Disconnects != 1 {
		t.Errorf("server errors %d disconnects %d, want 1 and 1 (samples %q)", res.ServerErrors, res.Disconnects, res.ErrorSamples)
	}
	if res.Undelivered == 0 {
		t.Errorf("a subscriber was dropped but nothing is undelivered")
	}
	if res.Errors != res.ServerErrors+res.Disconnects+res.ProtocolErrors+res.Undelivered {
		t.Errorf("errors %d is not the sum of its parts %+v", res.Errors, res)
	}
	joined := strings.Join(res.ErrorSamples, "|")
	if !strings.Contains(joined, "Permissions Violation") || !strings.Contains(joined, "sub-") {
		t.Errorf("samples %q", res.ErrorSamples)
	}
}

func TestStalledServerEndsInTime(t *testing.T) {
	s := newFakeServer(t, func(s *fakeServer) { s.stallAfter = 200 })
	cfg := testConfig(s.url())
	cfg.Size = 4000 // fill the socket buffers quickly
	res, _ := run(t, cfg)
	if res.Errors == 0 {
		t.Errorf("a stalled server produced no errors: %+v", res)
	}
}

func TestCannotConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := testConfig("nats://" + addr)
	start := time.Now()
	_, err = Run(context.Background(), cfg)
	var ce *ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConnectError", err)
	}
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("error %q does not name %s", err, addr)
	}
	if el := time.Since(start); el > cfg.ConnectTimeout+500*time.Millisecond {
		t.Errorf("took %v", el)
	}
}

func TestConnectRefusedByServer(t *testing.T) {
	s := newFakeServer(t, func(s *fakeServer) { s.connectErr = "Authorization Violation" })
	_, err := Run(context.Background(), testConfig(s.url()))
	var ce *ConnectError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "Authorization Violation") {
		t.Fatalf("err = %v, want a ConnectError naming the -ERR", err)
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept, never speak
		}
	}()
	cfg := testConfig("nats://" + ln.Addr().String())
	cfg.ConnectTimeout = 300 * time.Millisecond
	start := time.Now()
	_, err = Run(context.Background(), cfg)
	var ce *ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConnectError", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("took %v", el)
	}
}

func TestValidate(t *testing.T) {
	bad := []func(*Config){
		func(c *Config) { c.URL = "http://127.0.0.1:4222" },
		func(c *Config) { c.URL = "nats://" },
		func(c *Config) { c.Publishers = 0 },
		func(c *Config) { c.Subscribers = 0 },
		func(c *Config) { c.Subjects = 0 },
		func(c *Config) { c.Fanout = c.Subscribers + 1 },
		func(c *Config) { c.Size = stampLen - 1 },
		func(c *Config) { c.Rate = -1 },
		func(c *Config) { c.Inflight = 0 },
		func(c *Config) { c.Duration = 0 },
	}
	for i, f := range bad {
		c := DefaultConfig()
		f(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("case %d: no error for %+v", i, c)
		}
	}
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if addr, _, _, err := parseURL("nats://u:p@localhost"); err != nil || addr != "localhost:4222" {
		t.Errorf("parseURL: %q %v", addr, err)
	}
}

func TestMsgSize(t *testing.T) {
	for in, want := range map[string]int{
		"bench.1 3 512":          512,
		"bench.1\t3  _INBOX.x 7": 7,
		"a 1 0":                  0,
	} {
		if n, err := msgSize([]byte(in)); err != nil || n != want {
			t.Errorf("msgSize(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"", "a 1", "a 1 b c d", "a 1 -3", "a 1 x"} {
		if _, err := msgSize([]byte(in)); err == nil {
			t.Errorf("msgSize(%q): no error", in)
		}
	}
}

func TestHistogram(t *testing.T) {
	h := NewHistogram()
	for i := 1; i <= 100000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		want := q * 100000 * 1e3
		if got := h.Quantile(q); math.Abs(got-want)/want > 0.02 {
			t.Errorf("q%.2f = %.0f ns, want %.0f ±2%%", q, got, want)
		}
	}
	if h.Max() != int64(100*time.Millisecond) || h.Count() != 100000 {
		t.Errorf("max %d count %d", h.Max(), h.Count())
	}
	// Exact small values, and every bucket's midpoint maps back to itself.
	for v := int64(0); v < 1<<20; v = v*5/4 + 1 {
		if b := bucketOf(v); bucketOf(int64(bucketValue(b))) != b {
			t.Errorf("bucket %d of %d: midpoint %v maps elsewhere", b, v, bucketValue(b))
		}
	}
	g := NewHistogram()
	g.RecordN(time.Second, 3)
	h.Merge(g)
	if h.Count() != 100003 || h.Max() != int64(time.Second) {
		t.Errorf("merge: count %d max %d", h.Count(), h.Max())
	}
}

// TestRealServer runs a short load against nats-server when it is on PATH.
func TestRealServer(t *testing.T) {
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		t.Skip("nats-server is not on PATH:", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	port := addr.Port
	cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", itoa(port))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	target := net.JoinHostPort("127.0.0.1", itoa(port))
	ready := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", target, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(ready) {
			t.Fatalf("nats-server not ready on %s: %v\n%s", target, err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cfg := testConfig("nats://" + target)
	cfg.Subjects = 50
	cfg.Size = 256
	cfg.Duration = time.Second
	cfg.Drain = time.Second
	res, _ := run(t, cfg)
	if res.Published == 0 || res.Delivered != res.Published*int64(cfg.Fanout) || res.Errors != 0 {
		t.Errorf("published %d delivered %d errors %d samples %q", res.Published, res.Delivered, res.Errors, res.ErrorSamples)
	}
	if !strings.HasPrefix(res.ServerVersion, "2.") {
		t.Errorf("server version %q", res.ServerVersion)
	}
	checkLatency(t, res)
	t.Logf("nats-server %s: %d published, %.0f deliveries/s, p99 %.3f ms", res.ServerVersion, res.Published, res.Throughput, res.LatencyMs.P99)
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
