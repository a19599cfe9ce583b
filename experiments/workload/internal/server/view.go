package server

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// viewExcerptDefault and viewExcerptMax bound ?excerpt= (lines of rendered excerpt).
const (
	viewExcerptDefault = 8
	viewExcerptMax     = 200
)

// ViewResponse is the body of GET /docs/{id}/view.
type ViewResponse struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Bytes   int    `json:"bytes"`
	Lines   int    `json:"lines"`
	Words   int    `json:"words"`
	// Excerpt is the first ?excerpt= lines, each prefixed with its number.
	Excerpt []string `json:"excerpt"`
	Text    string   `json:"text"`
}

// GET /docs/{id}/view[?excerpt=N]
//
// The read path that wrk and hey hammer: it opens the document at the
// server's -doc-size if it does not exist yet (no client is registered, so
// repeated views add no presence state), then returns the current text with a
// summary computed from it. Every request allocates in proportion to the
// document: the text copied into a string, the line index, the numbered
// excerpt and the JSON encoding of the whole text. The text slice is
// immutable per version (every edit builds a new one), so the work below
// runs outside the document lock and is safe beside concurrent editors.
func (s *Server) handleView(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		writeError(w, http.StatusBadRequest, "invalid document id")
		return
	}
	excerpt := viewExcerptDefault
	if v := r.URL.Query().Get("excerpt"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > viewExcerptMax {
			writeError(w, http.StatusBadRequest, "invalid excerpt (0..%d lines)", viewExcerptMax)
			return
		}
		excerpt = n
	}
	d, err := s.getOrCreate(id, s.cfg.DocSize)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "%v", err)
		return
	}
	s.leakOnRequest(d)
	text, version, _ := d.current(0)
	writeJSON(w, http.StatusOK, renderView(id, version, text, excerpt))
}

// renderView computes the view of one immutable text. Words are runs of ASCII letters, digits
// and apostrophes. Allocation is O(len(text)).
func renderView(id string, version int64, text []byte, excerptLines int) ViewResponse {
	str := string(text) // one copy of the document per request, as a real read path makes
	lines := strings.Split(str, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // a trailing newline ends the last line, it does not start one
	}
	words, inWord := 0, false
	for _, c := range text {
		isWord := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '\''
		if isWord && !inWord {
			words++
		}
		inWord = isWord
	}
	if excerptLines > len(lines) {
		excerptLines = len(lines)
	}
	ex := make([]string, 0, excerptLines)
	var b bytes.Buffer
	for i := 0; i < excerptLines; i++ {
		b.Reset()
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(": ")
		b.WriteString(lines[i])
		ex = append(ex, b.String())
	}
	return ViewResponse{
		ID: id, Version: version, Bytes: len(text), Lines: len(lines), Words: words,
		Excerpt: ex, Text: str,
	}
}
