package server

import (
	"bufio"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
)

// The le values client_golang v1.19 writes for a runtime/metrics seconds
// histogram, as seen in a real scrape of Prometheus 2.54 (Go 1.22):
// go_sched_pauses_total_gc_seconds_bucket{le="6.399999999999999e-08"} ...
var clientGolangSecondsLE = []string{
	"6.399999999999999e-08", "6.399999999999999e-07", "7.167999999999999e-06",
	"8.191999999999999e-05", "0.0009175039999999999", "0.010485759999999998",
	"0.11744051199999998", "+Inf",
}

func scrape(t *testing.T) string {
	t.Helper()
	s := New(DefaultConfig())
	defer s.Close()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", ct)
	}
	return rec.Body.String()
}

// samples returns name{labels} -> value for every sample line.
func samples(t *testing.T, text string) (map[string]float64, []string) {
	t.Helper()
	line := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$`)
	out := map[string]float64{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "# ") {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not a sample line: %q", l)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("value of %q: %v", l, err)
		}
		out[m[1]+m[2]] = v
		order = append(order, m[1]+m[2])
	}
	return out, order
}

func TestPauseHistogramUsesClientGolangCoarseBuckets(t *testing.T) {
	text := scrape(t)
	var got []string
	re := regexp.MustCompile(`^go_sched_pauses_total_gc_seconds_bucket\{le="([^"]+)"\}`)
	for _, l := range strings.Split(text, "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			got = append(got, m[1])
		}
	}
	if strings.Join(got, " ") != strings.Join(clientGolangSecondsLE, " ") {
		t.Fatalf("le values\n got %v\nwant %v", got, clientGolangSecondsLE)
	}
}

func TestEveryFamilyHasHelpAndType(t *testing.T) {
	text := scrape(t)
	for _, f := range []string{
		"go_gc_duration_seconds summary", "go_sched_pauses_total_gc_seconds histogram",
		"go_goroutines gauge", "go_memstats_heap_alloc_bytes gauge",
		"go_gc_gogc_percent gauge", "go_gc_gomemlimit_bytes gauge",
	} {
		name := strings.Fields(f)[0]
		if !strings.Contains(text, "# TYPE "+f+"\n") || !strings.Contains(text, "# HELP "+name+" ") {
			t.Errorf("family %s lacks HELP or TYPE", f)
		}
	}
}

func TestSummaryCountsCyclesAndHistogramCountsPauses(t *testing.T) {
	runtime.GC()
	runtime.GC()
	before, _ := samples(t, scrape(t))
	runtime.GC()
	runtime.GC()
	runtime.GC()
	after, _ := samples(t, scrape(t))
	cycles := after["go_gc_duration_seconds_count"] - before["go_gc_duration_seconds_count"]
	pauses := after["go_sched_pauses_total_gc_seconds_count"] - before["go_sched_pauses_total_gc_seconds_count"]
	if cycles < 3 {
		t.Fatalf("summary count grew by %v for 3 forced cycles", cycles)
	}
	// Two stop-the-world pauses (sweep and mark termination) per cycle, at least.
	if pauses < 2*cycles {
		t.Fatalf("histogram count grew by %v for %v cycles; want ≥ 2 per cycle", pauses, cycles)
	}
	if after["go_gc_duration_seconds_sum"] <= before["go_gc_duration_seconds_sum"] {
		t.Fatalf("summary sum did not grow")
	}
}

func TestHistogramIsCumulativeAndEndsInCount(t *testing.T) {
	runtime.GC()
	values, order := samples(t, scrape(t))
	prev := -1.0
	var last float64
	for _, k := range order {
		if strings.HasPrefix(k, "go_sched_pauses_total_gc_seconds_bucket") {
			if values[k] < prev {
				t.Fatalf("bucket %s decreases", k)
			}
			prev, last = values[k], values[k]
		}
	}
	if last != values["go_sched_pauses_total_gc_seconds_count"] || last == 0 {
		t.Fatalf("+Inf bucket %v, count %v", last, values["go_sched_pauses_total_gc_seconds_count"])
	}
	// The sum is client_golang's underestimate: lower bounds × counts, never negative.
	if values["go_sched_pauses_total_gc_seconds_sum"] < 0 {
		t.Fatal("negative sum")
	}
}

func TestCoarseCountsKeepEveryFinePause(t *testing.T) {
	runtime.GC()
	s := []metrics.Sample{{Name: rmSchedPausesGC}}
	metrics.Read(s)
	h := s[0].Value.Float64Histogram()
	coarse := coarseBucketsForSeconds(h.Buckets)
	var fine, sum uint64
	for _, c := range h.Counts {
		fine += c
	}
	for _, c := range coarseCounts(coarse, h) {
		sum += c
	}
	if fine != sum || fine == 0 {
		t.Fatalf("fine %d, coarse %d", fine, sum)
	}
	if !math.IsInf(coarse[len(coarse)-1], 1) || coarse[0] != 0 {
		t.Fatalf("coarse buckets %v", coarse)
	}
}

func TestReBucketExpKeepsBoundariesTenTimesApart(t *testing.T) {
	in := []float64{math.Inf(-1), 0, 1, 2, 5, 10, 20, 99, 100, 1000, math.Inf(1)}
	got := reBucketExp(in, 10)
	want := []float64{math.Inf(-1), 0, 1, 10, 100, 1000, math.Inf(1)}
	if len(got) != len(want) {
		t.Fatalf("got %v want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v want %v", got, want)
		}
	}
}

func TestFloatsAreWrittenAsExpfmtDoes(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", 1: "1", -1: "-1", math.Inf(1): "+Inf", math.Inf(-1): "-Inf",
		2.8475392e+07: "2.8475392e+07", 0.25: "0.25", 12: "12",
	} {
		if got := promFloat(in); got != want {
			t.Errorf("promFloat(%v) = %q, want %q", in, got, want)
		}
	}
	if promFloat(math.NaN()) != "NaN" {
		t.Error("NaN")
	}
}

func TestExpvarServesMemstats(t *testing.T) {
	s := New(DefaultConfig())
	defer s.Close()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/vars", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"PauseEnd":[`) {
		t.Fatalf("GET /debug/vars: %d %.200s", rec.Code, rec.Body.String())
	}
}
