// Command stateful-service is a fixture of tuner's end-to-end tests. It stands
// in for a Go service "as people run it", with the habits that make a service
// awkward to launch many times in a row:
//
//   - an environment port: the main listener is 127.0.0.1:$PORT;
//   - a rendered config file: -config PATH names a file of "key = value" lines
//     giving admin_addr (the admin listener) and data_dir (its state);
//   - per-trial state: it refuses to start when data_dir/LOCK exists (a
//     previous run's state left behind) and never removes LOCK or wal.log, so
//     each trial needs a fresh data directory;
//   - a Host-checking endpoint: the admin listener's GET /metrics answers 403
//     unless the Host header is the admin address with its port (a
//     DNS-rebinding guard), so a scraper must send the port.
//
// Usage:
//
//	PORT=8080 stateful-service -config service.conf
//
// Main listener: GET /healthz (200 "ok"), GET /work (allocates a few KB of
// JSON, keeps the last 1024 results, appends a line to data_dir/wal.log).
// Admin listener: GET /metrics, a Prometheus text exposition of the Go GC
// series tuner reads (go_gc_duration_seconds, go_gc_gogc_percent,
// go_gc_gomemlimit_bytes, go_sched_pauses_total_gc_seconds), written as
// client_golang's Go collector writes them (see prom.go of
// experiments/workload/internal/server, which this copies).
//
// It prints "ready" on stderr once both listeners are up (no other line it
// prints contains that word), and exits 0 on SIGTERM or SIGINT.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stderr))
}

// run is the whole service; it returns the exit status (0 after a signal,
// 1 on any error, 2 on bad usage).
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "stateful-service: "+format+"\n", a...)
		return 1
	}
	fs := flag.NewFlagSet("stateful-service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file of `key = value` lines (admin_addr, data_dir)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *configPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: PORT=N stateful-service -config FILE")
		return 2
	}
	port := getenv("PORT")
	if port == "" {
		return fail("PORT is not set: the main listener's port comes from the environment (PORT=8080 stateful-service -config FILE)")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fail("PORT=%q is not a port number", port)
	}
	cfg, err := parseConfig(*configPath)
	if err != nil {
		return fail("%v", err)
	}
	wal, err := openState(cfg.dataDir)
	if err != nil {
		return fail("%v", err)
	}
	defer wal.Close()

	mainLn, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return fail("main listener: %v", err)
	}
	adminLn, err := net.Listen("tcp", cfg.adminAddr)
	if err != nil {
		mainLn.Close()
		return fail("admin listener (admin_addr in %s): %v", *configPath, err)
	}
	w := &worker{wal: wal}
	mainMux := http.NewServeMux()
	mainMux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) { io.WriteString(rw, "ok") })
	mainMux.HandleFunc("GET /work", w.handleWork)
	adminMux := http.NewServeMux()
	adminMux.HandleFunc("GET /metrics", handleMetrics)
	servers := []*http.Server{
		{Handler: mainMux, ReadHeaderTimeout: 10 * time.Second},
		{Handler: hostGuard(allowedHosts(adminLn.Addr()), adminMux), ReadHeaderTimeout: 10 * time.Second},
	}
	errs := make(chan error, 2)
	for i, ln := range []net.Listener{mainLn, adminLn} {
		go func(s *http.Server, ln net.Listener) { errs <- s.Serve(ln) }(servers[i], ln)
	}
	fmt.Fprintf(stderr, "stateful-service: main on %s, admin on %s, data in %s\n", mainLn.Addr(), adminLn.Addr(), cfg.dataDir)
	fmt.Fprintln(stderr, "ready")

	status := 0
	select {
	case <-ctx.Done():
	case err := <-errs:
		status = fail("serving: %v", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil && status == 0 {
			status = fail("shutting down: %v", err)
		}
	}
	// LOCK and wal.log stay behind on purpose: the next run must get a fresh data_dir.
	if err := wal.Sync(); err != nil && status == 0 {
		status = fail("syncing wal.log: %v", err)
	}
	return status
}

// ---- config file ----

type config struct{ adminAddr, dataDir string }

// parseConfig reads "key = value" lines; blank lines and lines starting with
// # are skipped. Keys admin_addr and data_dir are both required; any other key
// is an error naming the key and the file. data_dir is used as written (a
// relative one is relative to the working directory).
func parseConfig(path string) (config, error) {
	f, err := os.Open(path)
	if err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	values := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case !ok || key == "":
			return config{}, fmt.Errorf("%s:%d: expected `key = value`, got %q", path, n, line)
		case key != "admin_addr" && key != "data_dir":
			return config{}, fmt.Errorf("%s:%d: unknown key %q (known keys: admin_addr, data_dir)", path, n, key)
		case values[key] != "":
			return config{}, fmt.Errorf("%s:%d: key %q given twice", path, n, key)
		case value == "":
			return config{}, fmt.Errorf("%s:%d: key %q has an empty value", path, n, key)
		}
		values[key] = value
	}
	if err := sc.Err(); err != nil {
		return config{}, fmt.Errorf("config %s: %w", path, err)
	}
	for _, key := range []string{"admin_addr", "data_dir"} {
		if values[key] == "" {
			return config{}, fmt.Errorf("%s: missing key %q", path, key)
		}
	}
	return config{adminAddr: values["admin_addr"], dataDir: values["data_dir"]}, nil
}

// ---- per-run state ----

// openState creates dir if missing, refuses a dir holding a LOCK (a previous
// run's state), creates LOCK (holding the pid) and opens wal.log for appending.
func openState(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	lockPath := filepath.Join(dir, "LOCK")
	lock, err := os.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("refusing to start: %s exists (state left by a previous run; give each run a fresh data_dir)", lockPath)
	} else if err != nil {
		return nil, fmt.Errorf("creating %s: %w", lockPath, err)
	}
	fmt.Fprintf(lock, "%d\n", os.Getpid())
	if err := lock.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", lockPath, err)
	}
	wal, err := os.OpenFile(filepath.Join(dir, "wal.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening wal.log: %w", err)
	}
	return wal, nil
}

// ---- main listener: GET /work ----

// cacheSize results of a few KB each keep the live heap at a few MB, so the
// GC cycles regularly under load.
const cacheSize = 1024

type worker struct {
	mu    sync.Mutex
	seq   uint64
	cache [cacheSize][]byte // ring of the most recent results
	wal   *os.File
}

type record struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Tags  []string `json:"tags"`
	Score float64  `json:"score"`
}

// handleWork builds ~4 KB of JSON from short-lived records (plenty of
// garbage), keeps it in the ring, appends a line to wal.log and answers with
// the sequence number.
func (w *worker) handleWork(rw http.ResponseWriter, _ *http.Request) {
	w.mu.Lock()
	w.seq++
	seq := w.seq
	w.mu.Unlock()
	records := make([]record, 48)
	for i := range records {
		records[i] = record{
			ID:    int(seq)*100 + i,
			Name:  strings.Repeat(strconv.Itoa(i), 1+i%5) + "-" + strconv.FormatUint(seq, 36),
			Tags:  []string{"alpha", "beta-" + strconv.Itoa(i), fmt.Sprintf("seq-%d", seq)},
			Score: math.Sqrt(float64(seq*uint64(i+1))) / 3,
		}
	}
	body, err := json.Marshal(records)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	w.mu.Lock()
	w.cache[seq%cacheSize] = body
	_, err = fmt.Fprintf(w.wal, "%d work %d bytes\n", seq, len(body))
	w.mu.Unlock()
	if err != nil {
		http.Error(rw, "wal.log: "+err.Error(), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(rw, "{\"seq\":%d,\"bytes\":%d}\n", seq, len(body))
}

// ---- admin listener: Host check ----

// allowedHosts is the admin listener's address as a client writes it in a
// Host header (e.g. 127.0.0.1:41234) and localhost with the same port.
func allowedHosts(addr net.Addr) []string {
	hosts := []string{addr.String()}
	if _, port, err := net.SplitHostPort(addr.String()); err == nil {
		hosts = append(hosts, net.JoinHostPort("localhost", port))
	}
	return hosts
}

// hostGuard answers 403 "forbidden host" unless the request's Host header is
// one of allowed (port included: a bare "127.0.0.1" is refused), the usual
// guard against DNS rebinding of a local admin endpoint.
func hostGuard(allowed []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		for _, h := range allowed {
			if strings.EqualFold(r.Host, h) {
				next.ServeHTTP(rw, r)
				return
			}
		}
		http.Error(rw, "forbidden host", http.StatusForbidden)
	})
}

// ---- admin listener: GET /metrics ----
//
// Copied (shortened) from experiments/workload/internal/server/prom.go, which
// imitates client_golang's Go collector; see that file for which client_golang
// code each rule comes from. In short:
//   - go_gc_duration_seconds: summary from debug.ReadGCStats, quantiles 0,
//     0.25, 0.5, 0.75, 1 of the pause ring; _count = NumGC (cycles), _sum =
//     PauseTotal in seconds.
//   - go_gc_gogc_percent, go_gc_gomemlimit_bytes: runtime/metrics gauges, HELP
//     = the runtime's description + " Sourced from NAME.".
//   - go_sched_pauses_total_gc_seconds: /sched/pauses/total/gc:seconds
//     re-bucketed to boundaries ≥10× apart, everything above 1 s in +Inf, each
//     le the float just below the runtime's bound, _sum = Σ lower bound × count.

const (
	rmSchedPausesGC = "/sched/pauses/total/gc:seconds"
	rmHeapObjects   = "/memory/classes/heap/objects:bytes"
	rmGOGC          = "/gc/gogc:percent"
	rmGoMemLimit    = "/gc/gomemlimit:bytes"
)

// promState is built once: the runtime/metrics this Go knows (name → index
// in samples), their HELP texts and the coarse pause buckets.
type promState struct {
	index   map[string]int
	help    map[string]string
	samples []metrics.Sample
	coarse  []float64 // lower bounds, then +Inf; nil if the pause histogram is unknown
}

var promOnce = sync.OnceValue(func() *promState {
	st := &promState{index: map[string]int{}, help: map[string]string{}}
	for _, d := range metrics.All() {
		st.help[d.Name] = d.Description + " Sourced from " + d.Name + "."
	}
	for _, n := range []string{rmSchedPausesGC, rmHeapObjects, rmGOGC, rmGoMemLimit} {
		if _, ok := st.help[n]; ok {
			st.index[n] = len(st.samples)
			st.samples = append(st.samples, metrics.Sample{Name: n})
		}
	}
	if _, ok := st.index[rmSchedPausesGC]; ok {
		s := []metrics.Sample{{Name: rmSchedPausesGC}}
		metrics.Read(s)
		st.coarse = coarseBucketsForSeconds(s[0].Value.Float64Histogram().Buckets)
	}
	return st
})

// coarseBucketsForSeconds is client_golang's reBucketExp(buckets, 10), the
// fold of everything above 1 s into +Inf, and the removal of -Inf.
func coarseBucketsForSeconds(buckets []float64) []float64 {
	var out []float64
	if buckets[0] == math.Inf(-1) {
		buckets = buckets[1:] // dropped at the end anyway
	}
	bucket := buckets[0]
	for _, next := range buckets[1:] {
		if (bucket >= 0 && next < bucket*10) || (bucket < 0 && next < bucket/10) {
			continue
		}
		out = append(out, bucket)
		bucket = next
	}
	out = append(out, bucket)
	for i, b := range out {
		if b > 1 {
			out[i] = math.Inf(1)
			return out[:i+1]
		}
	}
	return out
}

// promFloat is expfmt's writeFloat.
func promFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func writeFamily(b *bytes.Buffer, name, kind, help string) {
	help = strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help)
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
}

func writePrometheus(b *bytes.Buffer) {
	// go_gc_duration_seconds, as baseGoCollector.Collect builds it.
	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&gc)
	const d = "go_gc_duration_seconds"
	writeFamily(b, d, "summary", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.")
	for i, q := range gc.PauseQuantiles {
		fmt.Fprintf(b, "%s{quantile=\"%s\"} %s\n", d, promFloat(float64(i)/4), promFloat(q.Seconds()))
	}
	fmt.Fprintf(b, "%s_sum %s\n%s_count %s\n", d, promFloat(gc.PauseTotal.Seconds()), d, promFloat(float64(gc.NumGC)))

	st := promOnce()
	samples := append([]metrics.Sample(nil), st.samples...)
	metrics.Read(samples)
	gauge := func(name, rm, help string) { // a runtime/metrics gauge, if this Go has it
		if i, ok := st.index[rm]; ok && samples[i].Value.Kind() == metrics.KindUint64 {
			if help == "" {
				help = st.help[rm]
			}
			writeFamily(b, name, "gauge", help)
			fmt.Fprintf(b, "%s %s\n", name, promFloat(float64(samples[i].Value.Uint64())))
		}
	}
	// Families in name order, as client_golang's registry gathers them.
	gauge("go_gc_gogc_percent", rmGOGC, "")
	gauge("go_gc_gomemlimit_bytes", rmGoMemLimit, "")
	writeFamily(b, "go_goroutines", "gauge", "Number of goroutines that currently exist.")
	fmt.Fprintf(b, "go_goroutines %d\n", runtime.NumGoroutine())
	gauge("go_memstats_heap_alloc_bytes", rmHeapObjects,
		"Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.")
	if i, ok := st.index[rmSchedPausesGC]; ok && st.coarse != nil {
		writePauseHistogram(b, st.coarse, st.help[rmSchedPausesGC], samples[i].Value.Float64Histogram())
	}
}

// writePauseHistogram is batchHistogram.update + Write and expfmt's lines.
func writePauseHistogram(b *bytes.Buffer, coarse []float64, help string, fine *metrics.Float64Histogram) {
	counts := make([]uint64, len(coarse)-1)
	j := 0
	for i, c := range fine.Counts {
		counts[j] += c
		if fine.Buckets[i+1] == coarse[j+1] {
			j++
		}
	}
	const h = "go_sched_pauses_total_gc_seconds"
	writeFamily(b, h, "histogram", help)
	var total uint64
	var sum float64
	for i, c := range counts {
		total += c
		if c != 0 {
			sum += coarse[i] * float64(c) // client_golang: "this computed sum is an underestimate"
		}
		if !math.IsInf(coarse[i+1], 1) {
			fmt.Fprintf(b, "%s_bucket{le=\"%s\"} %d\n", h, promFloat(math.Nextafter(coarse[i+1], coarse[i])), total)
		}
	}
	fmt.Fprintf(b, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", h, total, h, promFloat(sum), h, total)
}

func handleMetrics(rw http.ResponseWriter, _ *http.Request) {
	var b bytes.Buffer
	writePrometheus(&b)
	rw.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	rw.Write(b.Bytes())
}
