package server

import (
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"time"
)

// gcMetricNames are the runtime/metrics reported by GET /debug/gcmetrics
// (names this Go version does not know are left out).
var gcMetricNames = []string{
	"/gc/pauses:seconds",
	"/sched/pauses/total/gc:seconds",
	"/gc/heap/goal:bytes",
	"/gc/heap/live:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/total:bytes",
	"/sched/goroutines:goroutines",
	"/gc/cycles/total:gc-cycles",
	"/gc/cycles/forced:gc-cycles",
	"/gc/heap/allocs:bytes",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/cpu/classes/idle:cpu-seconds",
	"/gc/gogc:percent",
	"/gc/gomemlimit:bytes",
}

var gcSamples = func() []metrics.Sample {
	known := map[string]bool{}
	for _, d := range metrics.All() {
		known[d.Name] = true
	}
	var out []metrics.Sample
	for _, n := range gcMetricNames {
		if known[n] {
			out = append(out, metrics.Sample{Name: n})
		}
	}
	return out
}()

type histogramJSON struct {
	// Buckets has len(Counts)+1 boundaries; -Inf/+Inf are written as
	// -/+1.7976931348623157e308 (math.MaxFloat64) because JSON has no infinity.
	Buckets []float64 `json:"buckets"`
	Counts  []uint64  `json:"counts"`
}

func finite(f float64) float64 {
	switch {
	case math.IsInf(f, 1):
		return math.MaxFloat64
	case math.IsInf(f, -1):
		return -math.MaxFloat64
	case math.IsNaN(f):
		return 0
	}
	return f
}

// GET /debug/gcmetrics
func (s *Server) handleGCMetrics(w http.ResponseWriter, r *http.Request) {
	samples := make([]metrics.Sample, len(gcSamples))
	copy(samples, gcSamples)
	metrics.Read(samples)
	out := map[string]any{
		"start_unix_nano": s.start.UnixNano(),
		"unix_nano":       time.Now().UnixNano(),
		"gomaxprocs":      runtime.GOMAXPROCS(0),
	}
	for _, sm := range samples {
		switch sm.Value.Kind() {
		case metrics.KindUint64:
			out[sm.Name] = sm.Value.Uint64()
		case metrics.KindFloat64:
			out[sm.Name] = finite(sm.Value.Float64())
		case metrics.KindFloat64Histogram:
			h := sm.Value.Float64Histogram()
			hj := histogramJSON{Buckets: make([]float64, len(h.Buckets)), Counts: h.Counts}
			for i, b := range h.Buckets {
				hj.Buckets[i] = finite(b)
			}
			out[sm.Name] = hj
		}
	}
	writeJSON(w, http.StatusOK, out)
}
