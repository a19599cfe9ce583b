package server

// GET /metrics: a Prometheus text exposition (format 0.0.4) of the Go runtime's
// GC figures, written with the standard library only. It imitates
// client_golang's Go collector so that tuner's Prometheus pause source can be
// tested against the same series a real service exposes. What is imitated,
// and the client_golang file each rule was read from:
//
//   - go_gc_duration_seconds (prometheus/go_collector.go, baseGoCollector.Collect):
//     a summary built from runtime/debug.ReadGCStats with five PauseQuantiles
//     (quantile 0, 0.25, 0.5, 0.75, 1). _count is GCStats.NumGC, the number of
//     completed GC *cycles* (not pauses), and _sum is GCStats.PauseTotal in
//     seconds, the runtime's memstats.pause_total_ns, which adds for each cycle
//     the wall time of all its stop-the-world phases (sweep termination and
//     mark termination). The quantiles are over the runtime's pause history
//     ring (the last ≤256 cycles' per-cycle totals), not over any window.
//   - go_sched_pauses_total_gc_seconds (prometheus/go_collector_latest.go,
//     newBatchHistogram / batchHistogram.update / Write, and
//     prometheus/internal/go_runtime_metrics.go, RuntimeMetricsToProm and
//     RuntimeMetricsBucketsForUnit): the runtime/metrics histogram
//     /sched/pauses/total/gc:seconds, one observation per stop-the-world
//     pause. client_golang re-buckets "seconds" histograms to boundaries at
//     least 10× apart (reBucketExp with base 10), merges everything above 1 s
//     into +Inf, drops the -Inf boundary, writes each upper bound as the next
//     float64 below the runtime's exclusive bound (math.Nextafter), and, as
//     the runtime has no exact sum for this metric, writes as _sum the sum of
//     each coarse bucket's lower bound × its count (an underestimate).
//   - go_goroutines, go_memstats_heap_alloc_bytes (from
//     /memory/classes/heap/objects:bytes, as memStatsFromRM does),
//     go_gc_gogc_percent and go_gc_gomemlimit_bytes (runtime/metrics
//     gauges named by RuntimeMetricsToProm, HELP = the runtime's description
//     + " Sourced from NAME.", as attachOriginalName does).
//
// Note that client_golang's default Go collector (since v1.15) exposes only
// /gc/gogc:percent, /gc/gomemlimit:bytes and /sched/gomaxprocs:threads from
// runtime/metrics (GoCollectorDefaultRuntimeMetrics in
// prometheus/internal/go_collector_options.go); a service shows
// go_sched_pauses_total_gc_seconds only when it opts in with
// collectors.WithGoCollectorRuntimeMetrics. This endpoint always shows it.
//
// Numbers are formatted as expfmt's writeFloat does (prometheus/common
// expfmt/text_create.go): strconv 'g' with the shortest representation,
// and +Inf, -Inf, NaN spelled out.

import (
	"bytes"
	"expvar"
	"math"
	"net/http"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	rmSchedPausesGC = "/sched/pauses/total/gc:seconds"
	rmHeapObjects   = "/memory/classes/heap/objects:bytes"
	rmGOGC          = "/gc/gogc:percent"
	rmGoMemLimit    = "/gc/gomemlimit:bytes"
	gcDurationHelp  = "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles."
	goroutinesHelp  = "Number of goroutines that currently exist."
	heapAllocHelp   = "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes."
	promContentType = "text/plain; version=0.0.4; charset=utf-8"
)

// expvarHandler serves GET /debug/vars (memstats and cmdline as JSON).
func expvarHandler() http.Handler { return expvar.Handler() }

// promHistogram is client_golang's batchHistogram: coarse buckets fixed at
// start (the runtime's histogram boundaries never change in a process).
type promHistogram struct {
	name, help string
	buckets    []float64 // inclusive lower bounds, -Inf removed; len(counts)+1
}

// promState is built once: which metrics this Go knows, their help texts and
// the coarse pause buckets.
type promState struct {
	known   map[string]metrics.Description
	samples []metrics.Sample
	index   map[string]int
	pauses  *promHistogram
}

var promOnce = sync.OnceValue(func() *promState {
	st := &promState{known: map[string]metrics.Description{}, index: map[string]int{}}
	for _, d := range metrics.All() {
		st.known[d.Name] = d
	}
	for _, n := range []string{rmSchedPausesGC, rmHeapObjects, rmGOGC, rmGoMemLimit} {
		if _, ok := st.known[n]; ok {
			st.index[n] = len(st.samples)
			st.samples = append(st.samples, metrics.Sample{Name: n})
		}
	}
	if d, ok := st.known[rmSchedPausesGC]; ok {
		s := []metrics.Sample{{Name: rmSchedPausesGC}}
		metrics.Read(s)
		st.pauses = &promHistogram{
			name:    "go_sched_pauses_total_gc_seconds",
			help:    d.Description + " Sourced from " + rmSchedPausesGC + ".",
			buckets: coarseBucketsForSeconds(s[0].Value.Float64Histogram().Buckets),
		}
	}
	return st
})

// reBucketExp is client_golang's reBucketExp: keeps runtime boundaries at
// least `base` times apart (boundaries are lower-bound inclusive; a leading
// -Inf is kept so the runtime's conventions hold).
func reBucketExp(buckets []float64, base float64) []float64 {
	bucket := buckets[0]
	var out []float64
	if bucket == math.Inf(-1) {
		out = append(out, bucket)
		buckets = buckets[1:]
		bucket = buckets[0]
	}
	for i := 1; i < len(buckets); i++ {
		if bucket >= 0 && buckets[i] < bucket*base {
			continue
		} else if bucket < 0 && buckets[i] < bucket/base {
			continue
		}
		out = append(out, bucket)
		bucket = buckets[i]
	}
	return append(out, bucket)
}

// coarseBucketsForSeconds is RuntimeMetricsBucketsForUnit(_, "seconds")
// followed by newBatchHistogram's removal of -Inf.
func coarseBucketsForSeconds(runtimeBuckets []float64) []float64 {
	b := reBucketExp(runtimeBuckets, 10)
	for i := range b {
		if b[i] <= 1 {
			continue
		}
		b[i] = math.Inf(1)
		b = b[:i+1]
		break
	}
	if b[0] == math.Inf(-1) {
		b = b[1:]
	}
	return b
}

// coarseCounts is batchHistogram.update: adds the runtime's fine counts into
// the coarse buckets (the coarse boundaries are a subset of the fine ones).
func coarseCounts(coarse []float64, h *metrics.Float64Histogram) []uint64 {
	counts := make([]uint64, len(coarse)-1)
	j := 0
	for i, c := range h.Counts {
		counts[j] += c
		if h.Buckets[i+1] == coarse[j+1] {
			j++
		}
	}
	return counts
}

// promFloat is expfmt's writeFloat.
func promFloat(f float64) string {
	switch {
	case f == 1:
		return "1"
	case f == 0:
		return "0"
	case f == -1:
		return "-1"
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// promHelp escapes a HELP text as expfmt does (backslash and newline).
func promHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func writeFamily(b *bytes.Buffer, name, kind, help string) {
	b.WriteString("# HELP " + name + " " + promHelp(help) + "\n")
	b.WriteString("# TYPE " + name + " " + kind + "\n")
}

func writeGauge(b *bytes.Buffer, name, help string, v float64) {
	writeFamily(b, name, "gauge", help)
	b.WriteString(name + " " + promFloat(v) + "\n")
}

// writeGCDuration writes go_gc_duration_seconds as baseGoCollector.Collect does.
func writeGCDuration(b *bytes.Buffer) {
	var stats debug.GCStats
	stats.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&stats)
	quantiles := map[float64]float64{0: stats.PauseQuantiles[0].Seconds()}
	for idx, pq := range stats.PauseQuantiles[1:] {
		quantiles[float64(idx+1)/float64(len(stats.PauseQuantiles)-1)] = pq.Seconds()
	}
	keys := make([]float64, 0, len(quantiles))
	for q := range quantiles {
		keys = append(keys, q)
	}
	sort.Float64s(keys)
	const name = "go_gc_duration_seconds"
	writeFamily(b, name, "summary", gcDurationHelp)
	for _, q := range keys {
		b.WriteString(name + `{quantile="` + promFloat(q) + `"} ` + promFloat(quantiles[q]) + "\n")
	}
	b.WriteString(name + "_sum " + promFloat(stats.PauseTotal.Seconds()) + "\n")
	b.WriteString(name + "_count " + promFloat(float64(stats.NumGC)) + "\n")
}

// writeHistogram is batchHistogram.Write followed by expfmt's histogram lines.
func writeHistogram(b *bytes.Buffer, h *promHistogram, fine *metrics.Float64Histogram) {
	counts := coarseCounts(h.buckets, fine)
	writeFamily(b, h.name, "histogram", h.help)
	var total uint64
	var sum float64
	for i, c := range counts {
		total += c
		if c != 0 {
			sum += h.buckets[i] * float64(c) // client_golang: "this computed sum is an underestimate"
		}
		if math.IsInf(h.buckets[i+1], 1) {
			break
		}
		upper := math.Nextafter(h.buckets[i+1], h.buckets[i])
		b.WriteString(h.name + `_bucket{le="` + promFloat(upper) + `"} ` + promFloat(float64(total)) + "\n")
	}
	b.WriteString(h.name + `_bucket{le="+Inf"} ` + promFloat(float64(total)) + "\n")
	b.WriteString(h.name + "_sum " + promFloat(sum) + "\n")
	b.WriteString(h.name + "_count " + promFloat(float64(total)) + "\n")
}

// writePrometheus renders the exposition into b.
func writePrometheus(b *bytes.Buffer) {
	st := promOnce()
	samples := make([]metrics.Sample, len(st.samples))
	copy(samples, st.samples)
	metrics.Read(samples)
	value := func(name string) (float64, bool) {
		i, ok := st.index[name]
		if !ok {
			return 0, false
		}
		switch v := samples[i].Value; v.Kind() {
		case metrics.KindUint64:
			return float64(v.Uint64()), true
		case metrics.KindFloat64:
			return v.Float64(), true
		}
		return 0, false
	}
	// Families in name order, as client_golang's registry gathers them.
	writeGCDuration(b)
	for _, g := range []struct{ rm, name string }{
		{rmGOGC, "go_gc_gogc_percent"},
		{rmGoMemLimit, "go_gc_gomemlimit_bytes"},
	} {
		if v, ok := value(g.rm); ok {
			writeGauge(b, g.name, st.known[g.rm].Description+" Sourced from "+g.rm+".", v)
		}
	}
	writeGauge(b, "go_goroutines", goroutinesHelp, float64(runtime.NumGoroutine()))
	if v, ok := value(rmHeapObjects); ok {
		writeGauge(b, "go_memstats_heap_alloc_bytes", heapAllocHelp, v)
	}
	if st.pauses != nil {
		h := samples[st.index[rmSchedPausesGC]].Value.Float64Histogram()
		writeHistogram(b, st.pauses, h)
	}
}

// GET /metrics
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	writePrometheus(&b)
	w.Header().Set("Content-Type", promContentType)
	w.Write(b.Bytes())
}
