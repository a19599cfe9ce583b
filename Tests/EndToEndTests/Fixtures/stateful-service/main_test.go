package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParseConfigGoodFile(t *testing.T) {
	path := writeFile(t, t.TempDir(), "service.conf", `
# rendered by tuner for one trial
admin_addr = 127.0.0.1:41234
   data_dir=/tmp/trial-7/data   
`)
	cfg, err := parseConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.adminAddr != "127.0.0.1:41234" || cfg.dataDir != "/tmp/trial-7/data" {
		t.Fatalf("got %+v", cfg)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"unknown key", "admin_addr = 127.0.0.1:1\ndata_dir = d\nlisten = :80\n", []string{`unknown key "listen"`, "service.conf:3"}},
		{"missing key", "# no admin\ndata_dir = d\n", []string{`missing key "admin_addr"`, "service.conf"}},
		{"not key = value", "admin_addr 127.0.0.1:1\n", []string{"expected `key = value`", "service.conf:1"}},
		{"duplicate key", "data_dir = a\ndata_dir = b\n", []string{`"data_dir" given twice`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig(writeFile(t, t.TempDir(), "service.conf", tc.text))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestHostGuard(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", handleMetrics)
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = hostGuard(allowedHosts(srv.Listener.Addr()), mux)
	srv.Start()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	for _, tc := range []struct {
		host       string // "" = the client's default, the listener's address with its port
		wantStatus int
		wantBody   string
	}{
		{"", http.StatusOK, "go_gc_duration_seconds_count"},
		{"localhost:" + port, http.StatusOK, "go_gc_gogc_percent"},
		{"127.0.0.1", http.StatusForbidden, "forbidden host"},
		{"localhost", http.StatusForbidden, "forbidden host"},
		{"attacker.example:" + port, http.StatusForbidden, "forbidden host"},
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
		if tc.host != "" {
			req.Host = tc.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.wantStatus || !strings.Contains(string(body), tc.wantBody) {
			t.Errorf("Host %q: status %d, body %.80q; want %d with %q", req.Host, resp.StatusCode, body, tc.wantStatus, tc.wantBody)
		}
	}
}

// TestMetricsShape checks the families tuner's Prometheus parser reads.
func TestMetricsShape(t *testing.T) {
	var b bytes.Buffer
	writePrometheus(&b)
	text := b.String()
	for _, want := range []string{
		"# TYPE go_gc_duration_seconds summary\n",
		`go_gc_duration_seconds{quantile="0"} `,
		`go_gc_duration_seconds{quantile="0.25"} `,
		`go_gc_duration_seconds{quantile="0.5"} `,
		`go_gc_duration_seconds{quantile="0.75"} `,
		`go_gc_duration_seconds{quantile="1"} `,
		"\ngo_gc_duration_seconds_sum ",
		"\ngo_gc_duration_seconds_count ",
		"# TYPE go_gc_gogc_percent gauge\ngo_gc_gogc_percent ",
		"# TYPE go_gc_gomemlimit_bytes gauge\ngo_gc_gomemlimit_bytes ",
		"# TYPE go_sched_pauses_total_gc_seconds histogram\n",
		`go_sched_pauses_total_gc_seconds_bucket{le="+Inf"} `,
		"\ngo_sched_pauses_total_gc_seconds_count ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("exposition lacks %q:\n%s", want, text)
		}
	}
}

func TestOpenStateCreatesLockAndWAL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh", "data") // missing: created
	wal, err := openState(dir)
	if err != nil {
		t.Fatal(err)
	}
	wal.Close()
	for _, name := range []string{"LOCK", "wal.log"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	if _, err := openState(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "LOCK")) {
		t.Fatalf("second openState: %v, want a refusal naming LOCK", err)
	}
}

// TestRunRefusesLeftoverLock runs the whole service on a data_dir holding a
// previous run's LOCK: exit status 1 and a message naming the file.
func TestRunRefusesLeftoverLock(t *testing.T) {
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	os.MkdirAll(dataDir, 0o755)
	lock := writeFile(t, dataDir, "LOCK", "12345\n")
	conf := writeFile(t, dir, "service.conf", "admin_addr = 127.0.0.1:0\ndata_dir = "+dataDir+"\n")
	var stderr bytes.Buffer
	getenv := func(k string) string { return map[string]string{"PORT": "0"}[k] }
	status := run(context.Background(), []string{"-config", conf}, getenv, &stderr)
	if status != 1 || !strings.Contains(stderr.String(), lock) {
		t.Fatalf("status %d, stderr %q; want 1 and a message naming %s", status, stderr.String(), lock)
	}
	if strings.Contains(stderr.String(), "ready") {
		t.Errorf("a refusal must not match a readiness pattern \"ready\": %q", stderr.String())
	}
}

func TestRunNeedsPort(t *testing.T) {
	var stderr bytes.Buffer
	status := run(context.Background(), []string{"-config", "x.conf"}, func(string) string { return "" }, &stderr)
	if status != 1 || !strings.Contains(stderr.String(), "PORT is not set") {
		t.Fatalf("status %d, stderr %q", status, stderr.String())
	}
}

// TestRunServesAndStops starts the service on free ports, uses both
// listeners, cancels (as SIGTERM does) and expects status 0 with LOCK and
// wal.log left behind.
func TestRunServesAndStops(t *testing.T) {
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	conf := writeFile(t, dir, "service.conf", "admin_addr = 127.0.0.1:0\ndata_dir = "+dataDir+"\n")
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-config", conf}, func(k string) string { return map[string]string{"PORT": "0"}[k] }, pw)
		pw.Close()
	}()
	buf := make([]byte, 4096)
	var acc string
	for !strings.Contains(acc, "ready\n") {
		n, err := pr.Read(buf)
		if err != nil {
			t.Fatalf("stderr ended before ready: %q", acc)
		}
		acc += string(buf[:n])
	}
	go io.Copy(io.Discard, pr)
	lines := strings.Split(acc, "\n")
	// "stateful-service: main on A, admin on B, data in D"
	f := strings.Fields(lines[0])
	mainAddr, adminAddr := strings.TrimSuffix(f[3], ","), strings.TrimSuffix(f[6], ",")
	for i := 0; i < 3; i++ {
		resp, err := http.Get("http://" + mainAddr + "/work")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("/work: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get("http://" + adminAddr + "/metrics")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/metrics: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if status := <-done; status != 0 {
		t.Fatalf("status %d after cancel", status)
	}
	wal, err := os.ReadFile(filepath.Join(dataDir, "wal.log"))
	if err != nil || strings.Count(string(wal), "\n") != 3 {
		t.Fatalf("wal.log: %q %v", wal, err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "LOCK")); err != nil {
		t.Fatalf("LOCK removed on exit: %v", err)
	}
}
