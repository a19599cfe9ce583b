package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tuner.local/workload/internal/bench"
	"tuner.local/workload/internal/server"
)

func getView(t *testing.T, url string) (int, server.ViewResponse) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	var v server.ViewResponse
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("decode %s: %v", url, err)
		}
	}
	return resp.StatusCode, v
}

// The first view opens the document at the server's default size; the
// summary matches the text it returns.
func TestViewOpensNewDocumentAndSummarisesIt(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.DocSize = 4096
	s := server.New(cfg)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()

	status, v := getView(t, ts.URL+"/docs/readme/view?excerpt=3")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if v.ID != "readme" || v.Version != 0 || v.Bytes != 4096 || len(v.Text) != 4096 {
		t.Fatalf("id %q version %d bytes %d text %d", v.ID, v.Version, v.Bytes, len(v.Text))
	}
	lines := strings.Split(strings.TrimSuffix(v.Text, "\n"), "\n")
	if v.Lines != len(lines) {
		t.Fatalf("lines %d, want %d", v.Lines, len(lines))
	}
	if v.Words != len(strings.FieldsFunc(v.Text, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '\'')
	})) {
		t.Fatalf("words %d do not match the text", v.Words)
	}
	if len(v.Excerpt) != 3 || v.Excerpt[0] != "1: "+lines[0] || !strings.HasPrefix(v.Excerpt[2], "3: ") {
		t.Fatalf("excerpt %q", v.Excerpt)
	}

	// Same document again: same text (the pseudo-text is seeded by the id), no new document.
	_, again := getView(t, ts.URL+"/docs/readme/view")
	if again.Text != v.Text || len(again.Excerpt) != 8 {
		t.Fatalf("second view differs or default excerpt is not 8 lines (%d)", len(again.Excerpt))
	}
}

func TestViewRejectsBadIDAndExcerpt(t *testing.T) {
	s := server.New(server.DefaultConfig())
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()
	for _, path := range []string{"/docs/bad%20id/view", "/docs/a/view?excerpt=-1", "/docs/a/view?excerpt=201", "/docs/a/view?excerpt=x"} {
		if status, _ := getView(t, ts.URL+path); status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", path, status)
		}
	}
	if status, _ := getView(t, ts.URL+"/docs/a/nope"); status != http.StatusNotFound {
		t.Errorf("unknown route: status %d, want 404", status)
	}
}

// Views of a document that sync-bench editors are changing: every answer is
// one consistent version (length and summary agree with its text), versions
// never go back, and the editors still converge.
func TestViewIsConsistentUnderConcurrentEditors(t *testing.T) {
	scfg := server.DefaultConfig()
	scfg.DocSize = 2000
	s := server.New(scfg)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var mu sync.Mutex
	views, maxVersion := 0, int64(0)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := int64(-1)
			for ctx.Err() == nil {
				status, v := getView(t, ts.URL+"/docs/doc-0/view")
				if status != http.StatusOK {
					t.Errorf("status %d", status)
					return
				}
				if v.Bytes != len(v.Text) || v.Version < last {
					t.Errorf("inconsistent view: bytes %d text %d version %d after %d", v.Bytes, len(v.Text), v.Version, last)
					return
				}
				last = v.Version
				mu.Lock()
				views++
				if v.Version > maxVersion {
					maxVersion = v.Version
				}
				mu.Unlock()
			}
		}()
	}

	cfg := bench.DefaultConfig()
	cfg.URL = ts.URL
	cfg.Clients = 4
	cfg.Docs = 1
	cfg.DocSize = 2000
	cfg.Mode = bench.ModeClosed
	cfg.Warmup = 100 * time.Millisecond
	cfg.Duration = 700 * time.Millisecond
	cfg.Log = io.Discard
	res, err := bench.Run(context.Background(), cfg)
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	if !res.Converged || res.Operations == 0 {
		t.Fatalf("editors did not converge or made no edits: %+v", res)
	}
	if views == 0 || maxVersion == 0 {
		t.Fatalf("views %d, highest version seen %d: the views did not overlap the edits", views, maxVersion)
	}
	t.Logf("%d views, %d edits, highest version seen %d", views, res.Operations, maxVersion)
}
